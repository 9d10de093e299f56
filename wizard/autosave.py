"""Interrupted calls: one autosave file per call, shared by the wizard and the browser.

Each call has its own file, `autosave-<call id>.toml`, in the user's state
directory. The name holds only the call id (made by the engine from the clock
and random bytes, and checked against ID_PATTERN before it touches a path);
never a value from the data or from the caller. A file is written atomically
(files.write_private) after every change and removed when its call ends
normally, so a crash or kill -9 loses at most the keystroke in flight. Starting
a front end never touches another call's file: `--resume` lists them, old ones
are offered for removal and never removed without a yes.

The file is a record (record.py, readable by `replay`) plus an [autosave]
table with the call id, the front end and how far the fields were asked.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from .engine import VIA_RESUME, Session
from .errors import InputError, KelaError, UsageError
from .fields import FIELD_KEYS
from .files import state_dir, write_private
from .model import Flow

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

    from .record import Replayed

ID_PATTERN = re.compile(r"[0-9]{8}-[0-9]{6}-[0-9a-f]{6}")
PREFIX, SUFFIX = "autosave-", ".toml"
STALE_AFTER = timedelta(days=7)


def _read(path: Path) -> str:
    """Regular files only, size-limited (files.read_text): a FIFO named like an autosave cannot hang --resume."""
    from .files import read_text
    from .record import MAX_RECORD_BYTES

    return read_text(path, limit=MAX_RECORD_BYTES)


def valid_id(call_id: str) -> bool:
    return isinstance(call_id, str) and ID_PATTERN.fullmatch(call_id) is not None


def path_for(call_id: str) -> Path:
    """The autosave file of one call. Only a well-formed call id becomes part of a path."""
    if not valid_id(call_id):
        raise UsageError(
            f"'{call_id}' ei ole puhelun tunnus (muoto VVVVKKPP-HHMMSS-xxxxxx; näet tunnukset: --resume ilman tunnusta)"
        )
    return state_dir() / f"{PREFIX}{call_id}{SUFFIX}"


def snapshot(session: Session, front_end: str, fields_asked: tuple[str, ...] = ()) -> str:
    """The autosave's text: the session's record plus the [autosave] table."""
    import tomli_w

    from .record import to_record

    record: dict[str, Any] = to_record(session)
    record["autosave"] = {
        "call_id": session.call_id,
        "front_end": front_end,
        "fields_asked": [k for k in fields_asked if k in FIELD_KEYS],
    }
    return tomli_w.dumps(record)


def save(session: Session, *, front_end: str = "wizard", fields_asked: tuple[str, ...] = ()) -> str | None:
    """Write the call's autosave. Returns None when it is on disk, else a Finnish message for the UI.

    A full disk or a read-only directory must not end the call: the front end
    says so at once and keeps going (and must not claim the call is saved).
    """
    return _write(session.call_id, snapshot(session, front_end, fields_asked))


def _write(call_id: str, text: str) -> str | None:
    try:
        write_private(path_for(call_id), text, overwrite=True)
    except InputError as exc:
        return f"AUTOMAATTINEN TALLENNUS EPÄONNISTUI ({exc}): jos ohjelma nyt suljetaan, puhelua ei voi jatkaa."
    hold(call_id)
    return None


# ---------------------------------------------------------------- one window per call
# A call open in a front end holds an advisory lock (flock) on `lock-<call id>` in the state
# directory for as long as the process lives: the kernel drops it on exit, kill -9 included.
# `--resume` neither lists nor opens a call another window holds, so two windows never write
# the same call (and it is never logged twice).
_HELD: dict[str, int] = {}


def _lock_path(call_id: str) -> Path:
    path_for(call_id)  # the id's check
    return state_dir() / f"lock-{call_id}"


def _try_lock(call_id: str) -> int | None:
    """An fd holding the call's lock, or None when another process holds it (or no lock can be had)."""
    import fcntl

    try:
        fd = os.open(_lock_path(call_id), os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def hold(call_id: str) -> bool:
    """Mark the call as open in this process; False if another process has it open."""
    if call_id in _HELD:
        return True
    fd = _try_lock(call_id)
    if fd is None:
        return False
    _HELD[call_id] = fd
    return True


def in_use(call_id: str) -> bool:
    """Whether another process (another window) has the call open."""
    if call_id in _HELD:
        return False
    fd = _try_lock(call_id)
    if fd is None:
        return _lock_path(call_id).exists()  # no lock could be taken: held, unless the directory is unusable
    os.close(fd)
    return False


def _release(call_id: str) -> None:
    fd = _HELD.pop(call_id, None)
    if fd is not None:
        with contextlib.suppress(OSError):
            _lock_path(call_id).unlink(missing_ok=True)
        os.close(fd)


def clear(session: Session) -> None:
    """The call ended normally: its autosave goes (and only its own)."""
    remove(session.call_id)


def remove(call_id: str) -> None:
    with contextlib.suppress(OSError):  # a read-only directory: the file stays and --resume lists it
        path_for(call_id).unlink(missing_ok=True)
    _release(call_id)


class Saver:
    """Autosave for a front end that changes on every keystroke (the browser).

    Painting must not wait for an fsync: request() takes the snapshot at once
    (cheap, and consistent with what is shown) and a thread writes it; while a
    write is in flight, newer requests replace each other and only the latest
    is written next. clear() and flush() are synchronous, for a call's end and
    for a crash. `on_change(message)` is told, on the event loop's thread, when
    saving starts failing (a Finnish message) and when it works again (None).
    """

    def __init__(self, front_end: str, on_change: Callable[[str | None], None] | None = None) -> None:
        import threading

        self.front_end = front_end
        self.on_change = on_change or (lambda message: None)
        self.error: str | None = None
        self._lock = threading.Lock()  # one write or removal at a time
        self._seq = 0
        self._cleared: dict[str, int] = {}  # call id -> the request sequence number it was cleared at
        self._pending: tuple[int, str, str] | None = None
        self._task: Any = None

    def request(self, session: Session) -> None:
        import asyncio

        self._seq += 1
        self._pending = (self._seq, session.call_id, snapshot(session, self.front_end))
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.flush()  # no event loop (a script or a test): write now
            return
        if self._task is None or self._task.done():
            self._task = loop.create_task(self._drain())

    async def _drain(self) -> None:
        import asyncio

        while self._pending is not None:
            seq, call_id, text = self._pending
            self._pending = None
            self._report(await asyncio.to_thread(self._write_unless_cleared, seq, call_id, text))

    def _write_unless_cleared(self, seq: int, call_id: str, text: str) -> str | None:
        with self._lock:
            if self._cleared.get(call_id, -1) >= seq:
                return self.error  # the call ended (or emptied) after this request: nothing to write
            return _write(call_id, text)

    def _report(self, error: str | None) -> None:
        if error != self.error:
            self.error = error
            self.on_change(error)

    def flush(self) -> str | None:
        """Write the latest request now (the caller waits); returns the error, if any."""
        pending, self._pending = self._pending, None
        if pending is not None:
            self._report(self._write_unless_cleared(*pending))
        return self.error

    def save_now(self, session: Session) -> str | None:
        """A synchronous save (a crash, an exit): returns the error, if any."""
        self._seq += 1
        self._pending = (self._seq, session.call_id, snapshot(session, self.front_end))
        return self.flush()

    def clear(self, session: Session) -> None:
        """The call ended normally, or holds nothing any more: its file goes, pending writes too."""
        with self._lock:
            self._cleared[session.call_id] = self._seq
            if self._pending is not None and self._pending[1] == session.call_id:
                self._pending = None
            remove(session.call_id)


class Pending:
    """One interrupted call, as listed by `--resume`."""

    def __init__(
        self, call_id: str, path: Path, data: dict[str, Any] | None, mtime: float, read_error: str = ""
    ) -> None:
        self.call_id = call_id
        self.path = path
        self.data = data  # None: the file could not be read (read_error says why)
        self.read_error = read_error
        self.saved = datetime.fromtimestamp(mtime, UTC)
        self._problems: dict[str, tuple[str, str] | None] = {}

    @property
    def flow_id(self) -> str:
        meta = (self.data or {}).get("flow")
        return str(meta.get("id", "?")) if isinstance(meta, dict) else "?"

    @property
    def front_end(self) -> str:
        meta = (self.data or {}).get("autosave")
        return str(meta.get("front_end", "?")) if isinstance(meta, dict) else "?"

    def stale(self, now: datetime) -> bool:
        return now - self.saved > STALE_AFTER

    def problem(self, flow: Flow) -> tuple[str, str] | None:
        """Why this call cannot be continued in `flow` by this version: (a few words for the
        list, the full Finnish message naming the file and what to do), or None when it can.

        Checked with the same reader `load` uses, so the list never offers as readable a call
        that opening would refuse (a record from a newer version, answers that no longer fit).
        """
        if flow.id not in self._problems:
            self._problems[flow.id] = self._check(flow)
        return self._problems[flow.id]

    def _check(self, flow: Flow) -> tuple[str, str] | None:
        from .record import from_record, unreadable_format

        if self.data is None:
            return "tiedostoa ei voi lukea", self.read_error
        try:
            from_record(flow, self.data, source=str(self.path))
        except InputError as exc:
            why = unreadable_format(self.data) if isinstance(self.data, dict) else None
            short = "tehty uudemmalla versiolla" if why and "uudemmalla" in why else why or ""
            return short or "vastaukset eivät enää sovi päätöspuuhun", str(exc)
        return None

    def where(self, flow: Flow | None) -> str:
        """The outcome's title, or the question the call stopped at (ids when the flow differs);
        for a call that cannot be continued, why (label() marks it)."""
        if self.data is None:
            return "tiedostoa ei voi lukea"
        outcome = self.data.get("outcome")
        if flow is not None and self.flow_id == flow.id:
            problem = self.problem(flow)
            if problem:
                return problem[0]
            if isinstance(outcome, str) and outcome in flow.outcomes:
                return flow.outcomes[outcome].title
            from .record import from_record

            return "kysymys: " + getattr(from_record(flow, self.data).session.current, "text", "?")
        return str(outcome) if isinstance(outcome, str) else "kesken"

    def label(self, flow: Flow | None, now: datetime, with_id: bool = True) -> str:
        """time · flow · outcome or question [· front end · call id]; first, in capitals, when
        the call cannot be continued (a list shortens a row from its end)."""
        from .localzone import in_local_zone  # the drafts' Date rule: the list and the .eml agree

        local, today = in_local_zone(self.saved), in_local_zone(now).date()
        when = f"{local:%d.%m. %H:%M}" if local.date() != today else f"tänään {local:%H:%M}"
        unusable = self.data is None or (flow is not None and self.flow_id == flow.id and self.problem(flow))
        mark = "EI VOI JATKAA · " if unusable else ""
        text = f"{mark}{when} · {self.flow_id} · {self.where(flow)}"
        return text + self.tail() if with_id else text

    def tail(self) -> str:
        front = {"wizard": "wizard", "browse": "selain"}.get(self.front_end, self.front_end)
        return f" · {front} · {self.call_id}"


def pending(flow_id: str | None = None) -> list[Pending]:
    """Every interrupted call (newest first); with flow_id, only that flow's (and unreadable ones)."""
    directory = state_dir()
    try:
        names = os.listdir(directory)
    except OSError:
        return []
    found: list[Pending] = []
    for name in names:
        if not (name.startswith(PREFIX) and name.endswith(SUFFIX)):
            continue
        call_id = name[len(PREFIX) : -len(SUFFIX)]
        if not valid_id(call_id):
            continue  # e.g. the old shared autosave-<flow>.toml; never ours to touch
        path = directory / name
        try:
            mtime = path.stat().st_mtime
        except OSError:
            continue  # its call ended meanwhile
        data, error = _parse(path)  # None: listed as unreadable (a FIFO, a huge or broken file), never opened
        if in_use(call_id):
            continue  # open in another window: not interrupted, and not ours to resume
        entry = Pending(call_id, path, data, mtime, error)
        if flow_id is None or entry.data is None or entry.flow_id == flow_id:
            found.append(entry)
    return sorted(found, key=lambda p: p.saved, reverse=True)


def _parse(path: Path) -> tuple[dict[str, Any] | None, str]:
    """An autosave's table, or None and why it cannot be read (in Finnish, naming the file)."""
    import tomli

    try:
        return tomli.loads(_read(path)), ""
    except KelaError as exc:  # not a regular file, too large: the message names the file
        return None, str(exc)
    except tomli.TOMLDecodeError as exc:
        from .loader import plain_syntax_error  # only on this error path: the loader is slow to import

        why = plain_syntax_error(str(exc))
    except (ValueError, RecursionError):
        why = "sisäkkäisiä tasoja on liian monta"
    return None, f"{path}: keskeytettyä puhelua ei voi lukea (ei kelvollinen TOML-tiedosto): {why}."


def resumable(flow: Flow) -> Pending | list[Pending]:
    """What `--resume` without a call id offers, the same in both front ends: the one
    interrupted call, opened at once, or the list to pick from. Calls that cannot be
    continued (unreadable, from a newer version) stay in the list, marked with why, and
    are never removed; InputError when none can be continued (naming each file and why)."""
    entries = pending(flow.id)
    usable = [p for p in entries if p.problem(flow) is None]
    if not usable:
        if not entries:
            raise InputError("Ei keskeytettyä puhelua jatkettavaksi.")
        reasons = [p.problem(flow)[1] for p in entries]  # type: ignore[index]
        if len(reasons) == 1:
            raise InputError(reasons[0])
        raise InputError("Yhtäkään keskeytettyä puhelua ei voi jatkaa:\n" + "\n".join(reasons))
    return usable[0] if len(entries) == 1 else entries


def refusal(flow: Flow, entry: Pending) -> str:
    """The notice when the agent picks a call that cannot be continued: why, and that it is kept."""
    problem = entry.problem(flow)
    why = problem[1] if problem else ""
    return f"Tätä puhelua ei voi jatkaa. {why} Tiedosto jää ennalleen."


def count_pending(now: datetime | None = None) -> tuple[int, int]:
    """How many interrupted calls wait, and how many of them are old: names and times only, fast."""
    now = now or datetime.now(UTC)
    directory = state_dir()
    try:
        names = [n for n in os.listdir(directory) if n.startswith(PREFIX) and n.endswith(SUFFIX)]
    except OSError:
        return 0, 0
    waiting = old = 0
    for name in names:
        call_id = name[len(PREFIX) : -len(SUFFIX)]
        if not valid_id(call_id) or in_use(call_id):
            continue
        try:
            saved = datetime.fromtimestamp((directory / name).stat().st_mtime, UTC)
        except OSError:
            continue
        waiting += 1
        old += now - saved > STALE_AFTER
    return waiting, old


def stale(entries: list[Pending], now: datetime | None = None) -> list[Pending]:
    now = now or datetime.now(UTC)
    return [p for p in entries if p.stale(now)]


class Resumed:
    """A call read back from its autosave: the session and how far the fields were asked."""

    def __init__(self, replayed: Replayed, fields_asked: tuple[str, ...]) -> None:
        self.session = replayed.session
        self.notices = replayed.notices
        self.fields_asked = fields_asked


def load(flow: Flow, call_id: str) -> Resumed:
    """Read one call's autosave. UsageError if there is none, InputError if it does not fit the flow."""
    path = path_for(call_id)
    if not path.exists():
        raise InputError(f"Keskeytettyä puhelua {call_id} ei löydy ({path.parent}).")
    if not hold(call_id) and in_use(call_id):  # (no lock to be had in a read-only directory: not "in use")
        raise InputError(
            f"Puhelu {call_id} on auki toisessa ikkunassa (wizard tai selain): jatka siellä, tai sulje se ensin."
        )
    from .record import from_record

    data, error = _parse(path)
    if data is None:
        raise InputError(error)
    replayed = from_record(flow, data, source=str(path))
    replayed.session.via = VIA_RESUME
    replayed.session.call_id = call_id  # the same call: it keeps its file
    meta = data.get("autosave", {})
    if not isinstance(meta, dict):
        meta = {}
    asked = meta.get("fields_asked", [])
    fields_asked = tuple(k for k in asked if isinstance(k, str) and k in FIELD_KEYS) if isinstance(asked, list) else ()
    if meta.get("front_end") != "wizard":
        # The browser's form asks no field in order: every field up to the last one filled
        # counts as asked, so the wizard continues after it (or at the menu), not from the first.
        fields = replayed.session.fields
        filled = [i for i, key in enumerate(FIELD_KEYS) if fields.get(key)]
        fields_asked = FIELD_KEYS[: filled[-1] + 1] if filled else fields_asked
    return Resumed(replayed, fields_asked)
