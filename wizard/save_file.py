"""Saving a draft or a record under a name a person typed: the rules both front ends share.

The wizard's prompt and the browser's dialog only ask and say; what a name means is
decided here. A name that cannot be used is refused with the reason and asked again;
an existing regular file is replaced only after a yes (default No); anything else
(a directory, a FIFO, a device, a symlink) is never written through (files.py).

    attempt = try_save(name, content)
    if attempt.exists:  # ask overwrite_question(attempt.path), default No; a no says NOT_SAVED
        attempt = try_save(name, content, overwrite=True)  # after a yes
    if attempt.refused:  # say why (reason_for(...) where the name is on screen) and ask again
        ...
    # saved: attempt.path

The name offered first is the outcome's id with the file's suffix (`sopimus_remontti.eml`).
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import InputError
from .files import output_target, write_private

NOT_SAVED = "Ei tallennettu."
ASK_AGAIN = "Anna toinen nimi."


def overwrite_question(path: Path) -> str:
    return f"{path} on jo olemassa. Korvataanko?"


class SaveAttempt:
    """What came of one typed name: saved at `path`, an existing file at `path` (ask
    before replacing it), or refused (`refused` is the Finnish reason, naming the file)."""

    __slots__ = ("exists", "path", "refused")

    def __init__(self, path: Path | None = None, exists: bool = False, refused: str | None = None) -> None:
        self.path = path
        self.exists = exists
        self.refused = refused

    @property
    def saved(self) -> bool:
        return self.path is not None and not self.exists and self.refused is None


def try_save(name: str, content: bytes | str, overwrite: bool = False) -> SaveAttempt:
    """Write `content` under the typed `name`, unless a file is there and `overwrite` is
    false (then nothing is written and the caller asks), or the name cannot be used."""
    try:
        path, exists = output_target(name)
        if exists and not overwrite:
            return SaveAttempt(path, exists=True)
        write_private(path, content, overwrite=overwrite)
    except InputError as exc:
        return SaveAttempt(refused=str(exc))
    return SaveAttempt(path)


def reason_for(refused: str, name: str) -> str:
    """The refusal without the typed name in front, for a dialog whose input box still
    shows the name (a long one would hide the reason)."""
    expanded = os.path.expanduser(name)  # never raises, unlike Path.expanduser()
    return refused.replace(f"{name}: ", "", 1).replace(f"{expanded}: ", "", 1)
