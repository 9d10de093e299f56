"""`kela-ohjaus stats`: what the call log says, as data and as terminal bar charts."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from .calllog import CallLogError, connect, log_path, reason

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~3 ms)
if TYPE_CHECKING:
    from typing import Any


def _count_by(conn: sqlite3.Connection, column: str, since: str | None, condition: str = "", limit: int = 50) -> list:
    """(value, calls) pairs, most first. `column` and `condition` are constants from this module."""
    clauses = [c for c in (condition, "finished >= ?" if since else "") if c]
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    sql = f"SELECT {column}, COUNT(*) n FROM calls {where} GROUP BY {column} ORDER BY n DESC, {column} LIMIT {limit}"
    return conn.execute(sql, (since,) if since else ()).fetchall()


def collect(since: str | None = None, path: Path | None = None) -> dict[str, Any]:
    """Calls per outcome and channel, most taken paths, abandonment, search use."""
    path = path or log_path()
    empty: dict[str, Any] = {"calls": 0, "since": since}
    if not path.exists():
        return {**empty, "outcomes": [], "channels": [], "paths": [], "abandoned_at": [], "via": []}
    conn = connect(path)  # CallLogError (exit 1, naming the file) if unreadable or newer
    try:
        total = sum(n for _, n in _count_by(conn, "flow_id", since))
        outcomes = _count_by(conn, "outcome", since, "outcome IS NOT NULL")
        channels = _count_by(conn, "channel", since, "channel IS NOT NULL")
        paths = _count_by(conn, "path", since, limit=10)
        abandoned = _count_by(conn, "last_node", since, "ended = 'abandoned'")
        via = _count_by(conn, "via", since)
    except sqlite3.Error as exc:
        raise CallLogError(f"{path}: puhelulokia ei voi lukea: {reason(exc)}.") from None
    finally:
        conn.close()
    return {
        "calls": total,
        "since": since,
        "outcomes": [{"outcome": o, "calls": n} for o, n in outcomes],
        "channels": [{"channel": c, "calls": n} for c, n in channels],
        "paths": [{"path": p.split(">") if p else [], "calls": n} for p, n in paths],
        "abandoned_at": [{"node": node, "calls": n} for node, n in abandoned],
        "via": [{"via": v, "calls": n} for v, n in via],
    }


def bars(items: list[tuple[str, int]], width: int = 30) -> list[str]:
    if not items:
        return ["  (ei tietoja)"]
    top = max(n for _, n in items) or 1
    label_width = min(max(len(label) for label, _ in items), 48)
    return [f"  {label[:label_width]:<{label_width}} {'█' * max(1, round(n / top * width))} {n}" for label, n in items]


def render(stats: dict[str, Any]) -> str:
    lines = [f"Puheluita: {stats['calls']}" + (f" (alkaen {stats['since']})" if stats["since"] else "")]
    sections = [
        ("Kohteittain", [(o["outcome"], o["calls"]) for o in stats["outcomes"]]),
        ("Kanavittain", [(c["channel"], c["calls"]) for c in stats["channels"]]),
        ("Yleisimmät polut", [(" > ".join(p["path"]) or "(alku)", p["calls"]) for p in stats["paths"]]),
        ("Keskeytyneet, viimeinen kysymys", [(a["node"], a["calls"]) for a in stats["abandoned_at"]]),
        (
            "Miten kohteeseen päädyttiin (steps = valinnat, search = haku, resume = jatkettu)",
            [(v["via"], v["calls"]) for v in stats["via"]],
        ),
    ]
    for title, items in sections:
        lines += ["", title + ":", *bars(items)]
    return "\n".join(lines)


def clear(path: Path | None = None) -> int:
    path = path or log_path()
    if not path.exists():
        return 0
    conn = connect(path)
    try:
        with conn:
            count = conn.execute("SELECT COUNT(*) FROM calls").fetchone()[0]
            conn.execute("DELETE FROM calls")
    except sqlite3.Error as exc:
        raise CallLogError(f"{path}: puhelulokia ei voi tyhjentää: {reason(exc)}.") from None
    finally:
        conn.close()
    return count
