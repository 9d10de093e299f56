"""Read-aloud addresses, chat hours, the call log and its statistics, and the tree graph."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from wizard.calllog import MIGRATIONS, SCHEMA_VERSION, connect, log_call
from wizard.engine import Session
from wizard.graph import dot, mermaid
from wizard.hours import open_state
from wizard.model import Flow
from wizard.spoken import spoken
from wizard.stats import collect, render

from .conftest import ROOT, fixed_clock
from .helpers import run


def test_spoken_form_of_every_shipped_address(flow: Flow, snapshot):
    addresses = sorted(c.address for c in flow.contacts.values() if c.address)
    assert {a: spoken(a) for a in addresses} == snapshot


@pytest.mark.parametrize(
    ("address", "said"),
    [
        ("kuntoutus_sopimushallinta@kela.fi", "kuntoutus alaviiva sopimushallinta ät kela piste fi"),
        ("vatu.kuntoutus@kela.fi", "vatu piste kuntoutus ät kela piste fi"),
        ("a1-b2@x.fi", "a yksi väliviiva b kaksi ät x piste fi"),
        ("Kuntoutuspalvelut_muutokset@kela.fi", "Kuntoutuspalvelut alaviiva muutokset ät kela piste fi"),
        ("tulos+akva@kela.fi", "tulos plus akva ät kela piste fi"),
    ],
)
def test_tricky_addresses_read_aloud(address: str, said: str):
    assert spoken(address) == said


def test_spoken_is_in_json(flow: Flow):
    data = json.loads(run("outcomes", "--json").stdout)
    remontti = next(d for d in data if d["id"] == "sopimus_remontti")
    assert remontti["spoken"] == "kuntoutus alaviiva sopimushallinta ät kela piste fi"


# ---------------------------------------------------------------- chat hours


def helsinki(text: str) -> datetime:
    from zoneinfo import ZoneInfo

    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo("Europe/Helsinki"))


@pytest.mark.parametrize(
    ("when", "is_open", "next_open"),
    [
        ("2026-11-30T08:59", False, "2026-11-30T09:00:00+02:00"),  # Monday before opening
        ("2026-11-30T09:00", True, None),
        ("2026-11-30T14:59", True, None),
        ("2026-11-30T15:00", False, "2026-12-01T09:00:00+02:00"),
        ("2026-12-05T11:00", False, "2026-12-07T09:00:00+02:00"),  # Saturday
        ("2026-03-27T16:00", False, "2026-03-30T09:00:00+03:00"),  # Friday; DST starts on Sunday 29.3.
        ("2026-10-23T15:30", False, "2026-10-26T09:00:00+02:00"),  # Friday; DST ends on Sunday 25.10.
    ],
)
def test_chat_open_at_fixed_clocks(flow: Flow, when: str, is_open: bool, next_open: str | None):
    state = open_state(flow.contacts["chat"].hours, helsinki(when))
    assert state.open_now is is_open
    assert (state.next_open.isoformat() if state.next_open else None) == next_open


def test_chat_hours_use_helsinki_time_from_utc(flow: Flow):
    # 06:30 UTC is 09:30 in Helsinki in summer (UTC+3): open.
    assert open_state(flow.contacts["chat"].hours, datetime(2026, 6, 1, 6, 30, tzinfo=UTC)).open_now
    assert "arkipyhiä" in " ".join(flow.contacts["chat"].missing)  # holidays: the seed names none


# ---------------------------------------------------------------- call log


def test_a_call_writes_one_row_without_field_values(flow: Flow, tmp_path: Path):
    db = tmp_path / "calls.sqlite3"
    session = Session(flow, clock=fixed_clock)
    for option in ("muut_palvelut", "sopimusmuutokset", "sopimuskausi", "remontti"):
        session.choose(option)
    secrets = {
        "provider": "Salainen Oy",
        "contact": "Maija Meikäläinen",
        "description": "Kuvausteksti 123",
        "notes": "muistio",
    }
    for key, value in secrets.items():
        session.set_field(key, value)
    log_call(session, path=db)
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT path, outcome, channel, steps, via, ended FROM calls").fetchall()
    assert rows == [
        (
            "aihe:muut_palvelut>muut_aihe:sopimusmuutokset>menettely:sopimuskausi>sopimusmuutos_aihe:remontti",
            "sopimus_remontti",
            "email",
            4,
            "steps",
            "finished",
        )
    ]
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    for value in secrets.values():
        assert value.encode() not in raw


def test_stats_on_a_log_with_known_rows(flow: Flow, tmp_path: Path):
    db = tmp_path / "calls.sqlite3"
    for outcome, via in [("sopimus_remontti", "search"), ("sopimus_remontti", "steps"), ("chat", "steps")]:
        session = Session(flow, clock=fixed_clock)
        session.jump_to(outcome, via=via)
        log_call(session, path=db)
    abandoned = Session(flow, clock=fixed_clock)
    abandoned.choose("muut_palvelut")
    log_call(abandoned, "abandoned", path=db)
    stats = collect(path=db)
    assert stats["calls"] == 4
    assert stats["outcomes"] == [{"outcome": "sopimus_remontti", "calls": 2}, {"outcome": "chat", "calls": 1}]
    assert stats["channels"] == [{"channel": "email", "calls": 2}, {"channel": "chat", "calls": 1}]
    assert stats["abandoned_at"] == [{"node": "muut_aihe", "calls": 1}]
    assert {"via": "search", "calls": 1} in stats["via"]
    text = render(stats)
    assert "sopimus_remontti" in text and "█" in text
    assert collect(since="2030-01-01", path=db)["calls"] == 0


def test_an_older_schema_is_migrated(flow: Flow, tmp_path: Path):
    db = tmp_path / "calls.sqlite3"
    with sqlite3.connect(db) as conn:
        conn.executescript(MIGRATIONS[0])
        conn.execute("PRAGMA user_version = 1")
        conn.execute(
            "INSERT INTO calls (started, finished, flow_id, flow_hash, path, outcome, channel, steps) "
            "VALUES ('2026-01-01T10:00:00+00:00', '2026-01-01T10:01:00+00:00', "
            "'kuntoutus', 'x', 'aihe:yleinen', 'chat', 'chat', 2)"
        )
    with connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("SELECT via, ended FROM calls").fetchone() == ("steps", "finished")
    assert collect(path=db)["calls"] == 1


def test_stats_command_and_clear(tmp_path: Path):
    assert json.loads(run("stats", "--json", home=tmp_path).stdout)["calls"] == 0
    assert run("stats", "--since", "yesterday", home=tmp_path).returncode == 2
    assert run("stats", "--clear", home=tmp_path).returncode == 0


# ---------------------------------------------------------------- graph


def test_graph_lists_every_node_and_edge(flow: Flow):
    text = mermaid(flow)
    for node in [*flow.questions, *flow.outcomes]:
        assert re.search(rf"^    {node}[{{\[]", text, re.M), node
    edges = sum(len(q.options) for q in flow.questions.values())
    assert text.count(" -->|") == edges
    graph = dot(flow)
    assert graph.count(" -> ") == edges
    for contact in flow.contacts.values():
        if contact.address and any(o.contact == contact.id for o in flow.outcomes.values()):
            assert contact.address in graph


@pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz not installed")
def test_dot_parses_with_graphviz(flow: Flow):
    result = subprocess.run(["dot", "-Tsvg"], input=dot(flow).encode(), capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_readme_diagram_is_in_sync(flow: Flow):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```mermaid\n(.*?)```", readme, re.S)
    assert block, "README.md has no mermaid block"
    assert block.group(1) == mermaid(flow), "run: kela-ohjaus graph > diagram, and paste it into README.md"
