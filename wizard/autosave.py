"""The interrupted call: one autosave in the user's state directory.

Written atomically after every answer and field (files.write_private), so a
crash or kill -9 loses at most the keystroke in flight; `--resume` reads it.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from .engine import Session
from .errors import InputError
from .files import state_dir, write_private
from .model import Flow

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from .record import Replayed


def autosave_path(flow_id: str) -> Path:
    return state_dir() / f"autosave-{flow_id}.toml"


def save(session: Session) -> None:
    from .record import dumps  # with tomli-w: not needed until the first answer

    # A full disk must not end the call; the front end keeps going.
    with contextlib.suppress(InputError):
        write_private(autosave_path(session.flow.id), dumps(session), overwrite=True)


def load(flow: Flow) -> Replayed | None:
    path = autosave_path(flow.id)
    if not path.exists():
        return None
    from .record import load_record

    replayed = load_record(flow, path)
    replayed.session.via = "resume"
    return replayed


def clear(flow_id: str) -> None:
    autosave_path(flow_id).unlink(missing_ok=True)
