"""The call log: one SQLite row per finished call, for `kela-ohjaus stats`.

Privacy by construction: the schema has no column for field values, names,
notes or free text; only ids from the flow, times, and how the outcome was
reached. The file lives in the user's data directory; WAL keeps a crash from
corrupting it, and `user_version` versions the schema for migrations.

Migrations run in one `BEGIN IMMEDIATE` transaction that also sets
`user_version`, so a kill -9 leaves the old schema or the new one, never half,
and processes starting their first call at once migrate exactly once. A log
that cannot be written never ends a call: log_call() returns a notice the
first time, for the front end to show once.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from datetime import datetime
from pathlib import Path

from .errors import InputError
from .files import data_dir, make_dir

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~3 ms)
if TYPE_CHECKING:
    from .engine import Session

SCHEMA_VERSION = 2

# Each entry migrates from version i to i + 1.
MIGRATIONS = [
    """
    CREATE TABLE calls (
        id INTEGER PRIMARY KEY,
        started TEXT NOT NULL,
        finished TEXT NOT NULL,
        flow_id TEXT NOT NULL,
        flow_hash TEXT NOT NULL,
        path TEXT NOT NULL,          -- node:option ids joined by '>'
        outcome TEXT,                -- NULL when the call was abandoned
        channel TEXT,
        steps INTEGER NOT NULL
    );
    """,
    """
    ALTER TABLE calls ADD COLUMN via TEXT NOT NULL DEFAULT 'steps';
    ALTER TABLE calls ADD COLUMN duration_s REAL;
    ALTER TABLE calls ADD COLUMN ended TEXT NOT NULL DEFAULT 'finished';
    ALTER TABLE calls ADD COLUMN last_node TEXT;
    CREATE INDEX calls_finished ON calls(finished);
    """,
]


class CallLogError(InputError):
    """The call log cannot be opened, read or written (exit 1; the message names the file)."""


def log_path() -> Path:
    return data_dir() / "calls.sqlite3"


def _private(path: Path) -> None:
    """Create the log file (if missing) with mode 0600, and keep it and its -wal/-shm 0600.

    SQLite gives -wal and -shm the mode of the database file, so creating
    that one 0600 before SQLite does keeps all three private from the start.
    Only a missing file is opened here: closing any descriptor of a file drops
    every POSIX lock this process holds on it, SQLite's included.
    """
    if not os.path.exists(path):
        with contextlib.suppress(FileExistsError):
            os.close(os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600))
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(OSError):
            os.chmod(f"{path}{suffix}", 0o600)


def connect(path: Path | None = None) -> sqlite3.Connection:
    """An open, migrated connection, or CallLogError naming the file."""
    path = path or log_path()
    conn = None
    try:
        _require_regular(path)
        make_dir(path.parent)
        _private(path)
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT)
        _use_wal(conn)
        migrate(conn)
        _private(path)
        return conn
    except CallLogError:
        if conn is not None:
            conn.close()
        raise
    except (sqlite3.Error, OSError) as exc:
        if conn is not None:
            conn.close()
        raise CallLogError(f"{path}: puhelulokia ei voi käyttää: {reason(exc)}.") from None


BUSY_TIMEOUT = 30.0  # seconds a process waits for another's write lock


def _use_wal(conn: sqlite3.Connection) -> None:
    """Switch to WAL, waiting for other processes as every other statement does. SQLite does
    not call the busy handler for this switch: while another process held the write lock of a
    brand-new log (several `serve` tabs or windows ending calls at once), it failed at once
    with "database is locked" and that call went unlogged."""
    import time

    deadline = time.monotonic() + BUSY_TIMEOUT
    delay = 0.005
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            waiting = exc.sqlite_errorcode & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)  # extended codes too
            if not waiting or time.monotonic() > deadline:
                raise
        time.sleep(delay)
        delay = min(delay * 2, 0.1)


def _require_regular(path: Path) -> None:
    """Only a regular file (or none) is a log: SQLite would write through a symlink and
    misreport a directory, FIFO or device as a full disk or a database error."""
    import stat

    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISREG(mode):
        raise CallLogError(
            f"{path}: puhelulokia ei voi käyttää: se ei ole tavallinen tiedosto (hakemisto, laite, putki tai linkki); "
            "siirrä se pois, niin uusi loki aloitetaan."
        )


def reason(exc: BaseException) -> str:
    """The SQLite or OS error in Finnish, with what to do."""
    text = str(exc).lower()
    if "not a database" in text or "malformed" in text:
        return "tiedosto ei ole ehjä puheluloki; siirrä se pois, niin uusi loki aloitetaan"
    if "locked" in text or "busy" in text:
        return "toinen ohjelma pitää lokia lukittuna; yritä hetken kuluttua uudelleen"
    if "readonly" in text or "read-only" in text or isinstance(exc, PermissionError):
        return "ei kirjoitusoikeutta tiedostoon tai sen hakemistoon"
    if "already exists" in text or "duplicate column" in text or "no such" in text:
        return "tiedostossa on vieras tai keskeneräinen taulu; siirrä se pois, niin uusi loki aloitetaan"
    if "full" in text:
        return "levy on täynnä"
    if "disk i/o" in text:  # not a full disk: a failing disk, or a file SQLite cannot lock or map
        return "levyn luku tai kirjoitus epäonnistui; tarkista levy ja tiedoston oikeudet"
    return "tietokantavirhe"


def _statements(script: str) -> list[str]:
    return [part.strip() for part in script.split(";") if part.strip()]


def migrate(conn: sqlite3.Connection) -> None:
    """Bring the schema to SCHEMA_VERSION in one IMMEDIATE transaction."""
    if _version(conn) == SCHEMA_VERSION:
        return
    saved = conn.isolation_level
    conn.isolation_level = None  # we issue BEGIN and COMMIT ourselves
    try:
        conn.execute("BEGIN IMMEDIATE")  # the write lock first: a second process waits here, then sees our work
        try:
            version = _version(conn)
            for step in range(version, SCHEMA_VERSION):
                for statement in _statements(MIGRATIONS[step]):
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    finally:
        conn.isolation_level = saved


def _version(conn: sqlite3.Connection) -> int:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version < 0:  # no version of this tool writes one: a foreign file
        raise CallLogError(
            f"{_file_of(conn)}: puhelulokia ei voi käyttää: tiedosto ei ole tämän ohjelman puheluloki "
            f"(versio {version}); siirrä se pois, niin uusi loki aloitetaan."
        )
    if version > SCHEMA_VERSION:
        raise CallLogError(
            f"{_file_of(conn)}: puheluloki on uudemman kela-ohjaus-version tekemä "
            f"(versio {version}, tämä ohjelma tuntee version {SCHEMA_VERSION}). Päivitä kela-ohjaus."
        )
    return version


def _file_of(conn: sqlite3.Connection) -> str:
    row = conn.execute("PRAGMA database_list").fetchone()
    return row[2] if row and row[2] else "puheluloki"


_reported = False


def log_call(session: Session, ended: str = "finished", path: Path | None = None) -> str | None:
    """Log one call. `ended` is 'finished' or 'abandoned'.

    Never raises: logging must not end a call. Returns None when logged (or
    when a failure was already reported in this process); the first failure
    returns a Finnish notice for the front end to show.
    """
    global _reported
    try:
        now = session.clock()
        outcome = session.outcome
        started = datetime.fromisoformat(session.started)
        row = {
            "started": session.started,
            "finished": now.isoformat(timespec="seconds"),
            "flow_id": session.flow.id,
            "flow_hash": session.flow.content_hash,
            "path": ">".join(f"{a.node}:{a.option}" for a in session.path),
            "outcome": outcome.id if outcome else None,
            "channel": session.flow.contact_of(outcome).kind if outcome else None,
            "steps": len(session.path),
            "via": session.via,
            "duration_s": max(0.0, (now - started).total_seconds()) if started.tzinfo else None,
            "ended": ended if outcome else "abandoned",
            "last_node": session.current_id,
        }
        conn = connect(path)
        try:
            with conn:
                conn.execute(
                    f"INSERT INTO calls ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})", tuple(row.values())
                )
        finally:
            conn.close()
    except (CallLogError, sqlite3.Error, OSError, ValueError) as exc:
        if _reported:
            return None
        _reported = True
        detail = str(exc) if isinstance(exc, CallLogError) else f"{path or log_path()}: {reason(exc)}."
        return f"Puhelua ei voitu kirjata puhelulokiin: {detail} Puhelu jatkuu normaalisti."
    return None
