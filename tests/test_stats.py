"""`kela-ohjaus stats`: counts from the call log (wizard/stats.py)."""

from __future__ import annotations

import json
from pathlib import Path

from wizard.calllog import log_call
from wizard.engine import Session
from wizard.model import Flow
from wizard.stats import collect, render

from .helpers import fixed_clock, run


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


def test_stats_command_and_clear(tmp_path: Path):
    assert json.loads(run("stats", "--json", home=tmp_path).stdout)["calls"] == 0
    assert run("stats", "--since", "yesterday", home=tmp_path).returncode == 2
    assert run("stats", "--clear", home=tmp_path).returncode == 0
