"""The call log: one SQLite row per finished call, for `kela-ohjaus stats`.

Privacy by construction: the schema has no column for field values, names,
notes or free text; only ids from the flow, times, and how the outcome was
reached. The file lives in the user's data directory; WAL keeps a crash from
corrupting it, and `user_version` versions the schema for migrations.
"""

from __future__ import annotations

import contextlib
import sqlite3
from datetime import datetime
from pathlib import Path

from .files import data_dir

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


def log_path() -> Path:
    return data_dir() / "calls.sqlite3"


def connect(path: Path | None = None) -> sqlite3.Connection:
    path = path or log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=5)
    conn.execute("PRAGMA journal_mode=WAL")
    migrate(conn)
    with contextlib.suppress(OSError):
        path.chmod(0o600)
    return conn


def migrate(conn: sqlite3.Connection) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    for step in range(version, SCHEMA_VERSION):
        with conn:
            conn.executescript(MIGRATIONS[step])
            conn.execute(f"PRAGMA user_version = {step + 1}")


def log_call(session: Session, ended: str = "finished", path: Path | None = None) -> None:
    """Log one call. `ended` is 'finished' or 'abandoned'. Never raises: logging must not end a call."""
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
        with connect(path) as conn:
            conn.execute(
                f"INSERT INTO calls ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})", tuple(row.values())
            )
    except (sqlite3.Error, OSError, ValueError):
        pass
