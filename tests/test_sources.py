"""Provenance, the viranomaislinja's number (S1) and registered providers (S2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import tomli

from wizard.cli import main
from wizard.describe import outcome_info, say_lines, source_lines
from wizard.drafts import render_text
from wizard.engine import Session
from wizard.model import Flow
from wizard.search import search
from wizard.search_cache import load_index
from wizard.spoken import spoken_phone

from .helpers import FIXED_NOW, FIXTURES, QUIT, ROOT, drive, fixed_clock, make_app, pick, text_of

VALID = FIXTURES / "valid"
S0_TITLE = "Kuntoutuksen yhteystiedot kuntoutuksen palveluntuottajille"
S1_TITLE = "Kelan erityispalvelu nykymuotoisena päättyy – näin voit tukea asiakasta Kela-asioissa"
S2_TITLE = "Ohjeita rekisteröityneille palveluntuottajille"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# ---------------------------------------------------------------- check: every fact has a known source


def _check_contacts(capsys, tmp_path: Path, text: str) -> tuple[int, str]:
    path = tmp_path / "contacts.toml"
    path.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "check", "--contacts", str(path), str(VALID / "flow.toml"))
    return code, out + err


VALID_CONTACTS = (VALID / "contacts.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("edit", "anchor", "fragment"),
    [
        ((('kind = "email"\nsource = "T0"\n', 'kind = "email"\n'),), "[contact.mail]", "tiedoilla ei ole lähdettä"),
        ((('kind = "phone"\nsource = "T0"\n', 'kind = "phone"\nsource = "T9"\n'),), "T9", "lähde 'T9'"),
        ((("https://www.kela.fi/testisivu", "https://example.com/sivu"),), "example.com", "pitää olla Kelan sivu"),
        ((('copied = "2026-11-27"', 'copied = "eilen"'),), "eilen", "kopion ottopäivä"),
        ((('topics = ["aihe yksi"]', 'topics = ["aihe yksi"]\nsources = { fax = "T0" }'),), "fax", "tiedon 'fax'"),
        (
            (('topics = ["aihe yksi"]', 'topics = ["aihe yksi"]\nin_source = { topics = ["one", "two"] }'),),
            "in_source",
            "samassa järjestyksessä",
        ),
        ((('handled_by = "Testi"', 'handled_by = "Testi"\nphone = "soita meille"'),), "soita meille", "ei ole numero"),
        ((('[source.T0]\n', '[source.T0]\nauthor = "x"\n'),), "author", "tuntematon avain 'author'"),
    ],
    ids=["no-source", "unknown-source", "not-kela", "bad-date", "unknown-field", "in-source-length", "bad-phone",
         "unknown-key"],
)  # fmt: skip
def test_check_fails_when_a_fact_has_no_known_source(capsys, tmp_path, edit, anchor, fragment):
    text = VALID_CONTACTS
    for old, new in edit:
        assert old in text
        text = text.replace(old, new)
    line = next(n for n, row in enumerate(text.splitlines(), 1) if anchor in row)
    code, output = _check_contacts(capsys, tmp_path, text)
    assert code == 1, output
    path = tmp_path / "contacts.toml"
    assert any(entry.startswith(f"{path}:{line}: ") and fragment in entry for entry in output.splitlines()), output


def test_check_fails_without_any_source(capsys, tmp_path):
    text = VALID_CONTACTS.replace('source = "T0"\n', "")
    text = text[: text.index("[source.T0]")] + text[text.index("[contact.mail]") :]
    code, output = _check_contacts(capsys, tmp_path, text)
    assert code == 1 and "yhtään lähdettä ei ole määritelty" in output and "puun tekstien lähde puuttuu" in output


def test_check_fails_on_an_unknown_source_or_notice_in_the_flow(capsys, tmp_path):
    flow = (VALID / "flow.toml").read_text(encoding="utf-8")
    flow = flow.replace('topic = "aihe yksi"', 'topic = "aihe yksi"\nsource = "S7"\nnotice = "Ei ole muistiinpano."')
    path = tmp_path / "flow.toml"
    path.write_text(flow, encoding="utf-8")
    code, _, err = run(capsys, "check", "--contacts", str(VALID / "contacts.toml"), str(path))
    assert code == 1
    assert "kohde 'loppu_posti': tuntematon lähde 'S7'" in err
    assert "notice pitää olla jokin yhteystiedon 'mail' notes-kohdista" in err


def test_shipped_data_defines_its_sources_once(flow: Flow):
    data = tomli.loads((ROOT / "data" / "contacts.toml").read_text(encoding="utf-8"))
    assert set(data["source"]) == {"S0", "S1", "S2"} == set(flow.sources)
    assert flow.sources["S0"].copied == "2026-11-27" and flow.sources["S0"].title == S0_TITLE
    assert flow.sources["S1"].title == S1_TITLE and flow.sources["S2"].title == S2_TITLE
    assert all(s.url.startswith(("https://www.kela.fi/", "https://kela.fi/")) for s in flow.sources.values())
    assert all(c.source in flow.sources for c in flow.contacts.values())


# ---------------------------------------------------------------- JSON: each hit's source


def test_outcomes_json_gives_every_outcome_its_source(capsys, flow: Flow):
    code, out, _ = run(capsys, "outcomes", "--json")
    assert code == 0
    infos = {o["id"]: o for o in json.loads(out)}
    assert set(infos) == set(flow.outcomes)
    for info in infos.values():
        assert set(info["source"]) == {"id", "title", "url"}
        assert info["source"]["id"] in {"S0", "S2"}
    assert infos["sopimus_remontti"]["source"] == {
        "id": "S0",
        "title": S0_TITLE,
        "url": "https://www.kela.fi/kuntoutuksen-yhteystiedot-palveluntuottajille",
    }
    assert infos["rekisteri_yhtiomuoto"]["source"]["title"] == S2_TITLE


def test_outcomes_json_gives_the_viranomaislinja_number_hours_and_open_now(capsys):
    code, out, _ = run(capsys, "outcomes", "--json")
    assert code == 0
    line = next(o for o in json.loads(out) if o["id"] == "viranomaislinja")
    assert line["channel"] == "phone" and line["email"] is None
    assert (line["phone"], line["hours_text"]) == ("020 692 235", "ma–pe klo 9–15")
    assert isinstance(line["open_now"], bool) and "next_open" in line
    assert line["spoken"] == "nolla kaksi nolla, kuusi yhdeksän kaksi, kaksi kolme viisi"
    assert [s["id"] for s in line["sources"]] == ["S0", "S1"]  # its own page first, then the one it adds
    s1 = next(s for s in line["sources"] if s["id"] == "S1")
    assert s1["title"] == S1_TITLE and {"phone", "hours_text"} <= set(s1["facts"])
    assert not any("puhelinnumero" in text for text in line["instructions"])  # no "no number" notice


def test_find_json_gives_each_hit_its_source(capsys):
    code, out, _ = run(capsys, "find", "viranomaislinjan", "puhelinnumero", "--json", "--limit", "3")
    assert code == 0
    hits = json.loads(out)
    assert all(set(h["source"]) == {"id", "title", "url"} for h in hits)
    line = next(h for h in hits if h["id"] == "viranomaislinja")
    assert line["phone"] == "020 692 235" and line["open_now"] is not None


def test_open_now_follows_the_s1_hours(flow: Flow):
    info = outcome_info(flow, "viranomaislinja", FIXED_NOW)  # Monday 12:00 in Helsinki
    assert info["open_now"] is True
    from datetime import UTC, datetime

    evening = outcome_info(flow, "viranomaislinja", datetime(2026, 11, 30, 14, 0, tzinfo=UTC))  # 16:00 local
    assert evening["open_now"] is False and evening["next_open"].startswith("2026-12-01T09:00")


@pytest.mark.parametrize(
    ("number", "said"),
    [
        ("020 692 235", "nolla kaksi nolla, kuusi yhdeksän kaksi, kaksi kolme viisi"),
        ("+358 20 692 235", "plus kolme viisi kahdeksan, kaksi nolla, kuusi yhdeksän kaksi, kaksi kolme viisi"),
        ("0400123", "nolla neljä nolla nolla yksi kaksi kolme"),
    ],
)
def test_phone_numbers_are_said_digit_by_digit_in_their_groups(number, said):
    assert spoken_phone(number) == said


def test_the_phone_outcome_says_the_number_and_both_sources(flow: Flow):
    outcome = flow.outcomes["viranomaislinja"]
    assert (
        say_lines(flow, outcome)[0] == "Soita Kelan valtakunnalliseen viranomaislinjaan: 020 692 235 (ma–pe klo 9–15)."
    )
    assert source_lines(flow, outcome) == [
        f"Lähde: {S0_TITLE}",
        f"Lähde (puhelinnumero, aukioloaika, aukiolo): {S1_TITLE}",
    ]
    # What the sources still lack is still said.
    assert any("arkipyhiä" in line for line in say_lines(flow, outcome))
    assert any("verkko-osoitetta" in line for line in say_lines(flow, flow.outcomes["extranet_itse"]))


# ---------------------------------------------------------------- front ends show the source page


def test_wizard_outcome_screen_shows_the_number_and_the_source_page():
    code, out = drive(pick("Yleinen") + pick("Puhelimitse") + QUIT)
    assert code == 0
    assert "Viranomaislinja 020 692 235" in out
    assert "nolla kaksi nolla, kuusi yhdeksän kaksi, kaksi kolme viisi" in out
    assert f"Lähde: {S0_TITLE}" in out and S1_TITLE in out
    assert "Auki nyt" in out  # Monday 12:00


async def test_browser_detail_pane_shows_the_number_and_the_source_page(flow: Flow):
    app = make_app(flow)
    async with app.run_test(size=(100, 40)) as pilot:
        app.open_outcome("viranomaislinja")
        await pilot.pause()
        assert "020 692 235" in text_of(app, "address")
        assert "nolla kaksi nolla, kuusi yhdeksän kaksi" in text_of(app, "address")
        card = text_of(app, "contact-card")
        assert S0_TITLE in card and S1_TITLE in card and "Auki nyt" in card
        app.open_outcome("rekisteri_itse")
        await pilot.pause()
        assert f"Lähde: {S2_TITLE}" in text_of(app, "contact-card")


# ---------------------------------------------------------------- registered providers (S2)


def test_changes_ask_first_contract_period_or_registration(session: Session):
    session.choose("muut_palvelut")
    session.choose("sopimusmuutokset")
    question = session.flow.questions[session.current_id]
    assert session.current_id == "menettely"
    assert [o.id for o in question.options] == ["sopimuskausi", "rekisteroitynyt"]
    assert "rekisteröitymisjärjestelmässä" in question.help and question.source == "S2"
    session.choose("rekisteroitynyt")
    assert session.current_id == "rekisteri_aihe"
    session.back()
    session.choose("sopimuskausi")
    assert session.current_id == "sopimusmuutos_aihe"


def test_every_contract_period_change_is_behind_the_question(flow: Flow):
    for oid, outcome in flow.outcomes.items():
        if outcome.contact == "sopimushallinta":
            assert ("menettely", "sopimuskausi") in flow.paths[oid], oid


def test_registered_providers_get_the_s2_answers(flow: Flow):
    registered = {oid for oid, o in flow.outcomes.items() if o.contact.startswith("rekisteroitymi")}
    assert "rekisteri_itse" in registered and "rekisteri_kysymys" in registered
    for oid in registered:
        assert flow.source_of(flow.outcomes[oid]).id == "S2", oid
    self_service = flow.contact_of(flow.outcomes["rekisteri_itse"])
    assert self_service.kind == "self-service" and self_service.address is None
    assert registered - {"rekisteri_itse"} == set(REGISTRATION_EMAIL)
    for oid in registered - {"rekisteri_itse"}:
        assert flow.contact_of(flow.outcomes[oid]).address == "kuntoutus.rekisteroityminen@kela.fi", oid


def test_the_company_form_draft_carries_the_three_month_notice(session: Session):
    session.jump_to("rekisteri_yhtiomuoto")
    draft = session.draft()
    assert draft.to == "kuntoutus.rekisteroityminen@kela.fi"
    assert "vähintään 3 kuukautta ennen" in draft.subject and "vähintään 3 kuukautta ennen" in draft.body
    assert "Yhtiömuodon muutoksesta ilmoitetaan vähintään 3 kuukautta ennen muutosta." in draft.instructions


REGISTRATION_EMAIL = [
    "rekisteri_yhtiomuoto",
    "rekisteri_liiketoiminta",
    "rekisteri_ryhmittyma",
    "rekisteri_alihankinta",
    "rekisteri_tilat",
    "rekisteri_henkilosto",
    "rekisteri_kysymys",
]


@pytest.mark.parametrize("outcome", REGISTRATION_EMAIL)
def test_registration_draft_snapshot(flow: Flow, outcome: str, snapshot):
    session = Session(flow._replace(content_hash="0123456789ab"), clock=fixed_clock)
    session.jump_to(outcome)
    session.set_field("provider", "Kuntoutus Oy")
    session.set_field("business_id", "0246246-0")
    assert render_text(session.draft()) == snapshot


def test_self_service_outcome_says_what_to_change_and_makes_no_draft(capsys):
    code, out, err = run(capsys, "draft", "rekisteri_itse")
    assert code == 1 and out == ""
    assert "Kelan rekisteröitymisjärjestelmässä" in err and "Toimipisteen tiedot" in err
    assert "Käyntiosoitteen muutos tarvitsee Kelan hyväksynnän." in err


HOLDOUT = tomli.loads((ROOT / "tests" / "search_holdout_registration.toml").read_text(encoding="utf-8"))["scenario"]


def test_search_knows_the_registration_words(flow: Flow):
    index = load_index(flow)
    assert search(index, "rekisteröitymisjärjestelmä", 1)[0].outcome == "rekisteri_itse"
    assert search(index, "toimipisteen tiedot", 1)[0].outcome == "rekisteri_itse"
    assert search(index, "rekisteröity", 3)[0].outcome.startswith("rekisteri_")
    assert search(index, "remontti", 1)[0].outcome == "sopimus_remontti"  # contract period stays the default


def test_registration_held_out_phrasings(flow: Flow, capsys):
    """Phrasings never used for tuning (tests/search_holdout_registration.toml): the honest figure."""
    index = load_index(flow)
    top1 = top3 = 0
    misses = []
    for scenario in HOLDOUT:
        hits = [h.outcome for h in search(index, scenario["query"], 3)]
        top1 += hits[:1] == [scenario["outcome"]]
        top3 += scenario["outcome"] in hits
        if hits[:1] != [scenario["outcome"]]:
            misses.append(f"{scenario['query']!r}: want {scenario['outcome']}, got {hits}")
    n = len(HOLDOUT)
    with capsys.disabled():
        print(f"\nregistration held-out: top-1 {top1}/{n}, top-3 {top3}/{n}; misses: {misses}")
    assert n >= 10
    # Measured 8/12 and 10/12 with the BM25 ranking (9/12 before it); 12/12 and 12/12 once a word that
    # names a branch decides its question (tuned on tests/search_registration_dev.toml, never on this set).
    assert top1 / n >= 0.95 and top3 / n >= 0.99, misses


@pytest.mark.parametrize("fmt", ["mermaid", "dot"])
def test_the_diagram_draws_the_self_service_channel(capsys, fmt):
    code, out, _ = run(capsys, "graph", "--format", fmt)
    assert code == 0 and "rekisteri_itse" in out and "itsepalvelu" in out


def test_every_channel_kind_has_a_name_a_mark_a_shape_and_a_colour():
    from wizard.describe import CHANNEL_NAMES
    from wizard.graph import COLOURS, SHAPES
    from wizard.model import CHANNEL_KINDS
    from wizard.tui.widgets.flow_tree import CHANNEL_MARKS_ASCII

    for table in (CHANNEL_NAMES, SHAPES, COLOURS, CHANNEL_MARKS_ASCII):
        assert set(CHANNEL_KINDS) <= set(table)
