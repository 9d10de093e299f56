"""Routing snapshot: the top 3 outcomes for every phrasing in the scenario and held-out sets.

A data edit (a keyword, a title, a new outcome) that moves any phrasing fails here with a
diff of one line per phrasing: `-` is the reviewed ranking, `+` the new one. Compare:

    .venv/bin/python -m pytest tests/test_routing_snapshot.py

and, once the changes in the diff are the intended ones, accept them with

    .venv/bin/python -m pytest tests/test_routing_snapshot.py --snapshot-update

(the quality bars in tests/test_search.py still apply on top).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from wizard.loader import load
from wizard.locate import default_contacts, default_flows
from wizard.model import Flow
from wizard.search import build_index, search

TESTS = Path(__file__).resolve().parent
SETS = {
    "scenarios": tomllib.loads((TESTS / "search_scenarios.toml").read_text(encoding="utf-8"))["scenario"],
    "holdout": tomllib.loads((TESTS / "search_holdout.toml").read_text(encoding="utf-8"))["scenario"],
}


def routing_table(flow: Flow, scenarios: list[dict]) -> str:
    """One line per phrasing: the phrasing, then its top 3 (a `*` marks the expected outcome)."""
    index = build_index(flow)
    lines = []
    for scenario in scenarios:
        hits = [h.outcome for h in search(index, scenario["query"], 3)]
        shown = " | ".join(f"*{hit}" if hit == scenario["outcome"] else hit for hit in hits) or "(ei osumia)"
        lines.append(f"{scenario['query']!r} -> {shown}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("name", sorted(SETS))
def test_routing_is_unchanged(flow: Flow, snapshot, name: str):
    """If this fails, read the diff: each `-`/`+` pair is one phrasing, before and after your edit."""
    assert routing_table(flow, SETS[name]) == snapshot


def test_a_new_keyword_that_steals_a_phrasing_changes_the_table(flow: Flow, tmp_path: Path):
    """Issue 20: an outcome with the keyword 'vastaanottoaika' moved 'vastaanotto siirtyy uuteen
    toimipisteeseen' away from sopimus_tilat, and the suite stayed green."""
    phrasing = "vastaanotto siirtyy uuteen toimipisteeseen"
    scenario = [s for s in SETS["scenarios"] if s["query"] == phrasing]
    assert scenario and scenario[0]["outcome"] == "sopimus_tilat"
    text = Path(default_flows()[0]).read_text(encoding="utf-8")
    anchor = "[outcome.sopimus_ytunnus]"
    new_outcome = (
        "[outcome.vastaanottoajat]\n"
        'title = "Vastaanottoajat"\n'
        'contact = "sopimushallinta"\n'
        'subject = "Vastaanottoajat"\n'
        'keywords = ["vastaanottoaika", "vastaanotto siirtyy", "siirtyy", "uusi toimipiste"]\n\n'
    )
    option = (
        '[[question.sopimusmuutos_aihe.option]]\nid = "vastaanottoajat"\nlabel = "Vastaanottoajat"\n'
        'next = "vastaanottoajat"\n\n'
    )
    edited = text.replace(anchor, new_outcome + anchor, 1)
    first_outcome = edited.index("\n[outcome.") + 1
    edited = edited[:first_outcome] + option + edited[first_outcome:]
    flow_file = tmp_path / "kuntoutus.toml"
    flow_file.write_text(edited, encoding="utf-8")
    changed = load(flow_file, default_contacts())
    before, after = routing_table(flow, scenario), routing_table(changed, scenario)
    assert before.startswith(f"{phrasing!r} -> *sopimus_tilat")
    assert after != before and "vastaanottoajat" in after
