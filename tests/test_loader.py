"""The validator: one broken fixture per problem kind, each naming FILE:LINE."""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard.errors import DataError, UsageError
from wizard.loader import load

from .helpers import FIXTURES

VALID = FIXTURES / "valid"
BROKEN = FIXTURES / "broken"

# fixture -> (line, message fragment) of a problem it must report.
CASES = {
    "syntax_error.toml": (3, "TOML-syntaksivirhe"),
    "unknown_key.toml": (8, "tuntematon avain 'colour'"),
    "missing_key.toml": (25, "pakollinen avain 'subject' puuttuu"),
    "wrong_type.toml": (11, "pitää olla merkkijono lainausmerkeissä"),
    "duplicate_option_id.toml": (15, "kaksi vaihtoehtoa tunnuksella 'posti'"),
    "duplicate_table.toml": (62, "taulu [outcome.loppu_posti] on jo määritelty rivillä 19"),
    "next_missing.toml": (17, "(next) 'ei_ole' ei ole"),
    "unknown_contact.toml": (27, "yhteystietoa 'puuttuu' ei ole"),
    "unreachable.toml": (30, "kohde 'orpo': juuresta 'alku' ei pääse tänne"),
    "cycle.toml": (25, "silmukka: kysymyksen 'kierto' vaihtoehto 'takaisin' johtaa takaisin kysymykseen 'alku'"),
    "no_options.toml": (6, "kysymys 'alku': ei yhtään vaihtoehtoa"),
    "empty_label.toml": (16, "kysymyksen 'alku' vaihtoehto 2: 'label' on tyhjä"),
    "root_missing.toml": (4, "[flow] root 'ei_ole' pitää olla kysymys"),
    "unknown_placeholder.toml": (38, "tuntematon paikkamerkki ${password}"),
    "topic_not_in_contact.toml": (23, "aihe 'keksitty aihe' ei ole yhteystiedon 'mail' aiheissa"),
    "contacts_malformed_email.toml": (8, "sähköpostiosoite 'posti(at)example.fi' on virheellinen"),
    "contacts_unknown_kind.toml": (14, "kind 'fax' ei kelpaa"),
    "contacts_email_without_address.toml": (5, 'kind = "email" vaatii osoitteen'),
    "contacts_address_on_phone.toml": (15, "vain sähköpostiyhteystiedolla"),
    "contacts_duplicate_address.toml": (20, "on jo yhteystiedolla 'mail'"),
    "contacts_bad_hours.toml": (21, "tuntematon aikavyöhyke 'Mars/Olympus'"),
}


def _load(name: str):
    path = BROKEN / name
    if name.startswith("contacts_"):
        return load(VALID / "flow.toml", path)
    return load(path, VALID / "contacts.toml")


def test_valid_fixture_loads():
    flow = load(VALID / "flow.toml", VALID / "contacts.toml")
    assert set(flow.outcomes) == {"loppu_posti", "loppu_soita"}


def test_every_broken_fixture_has_a_case():
    assert {p.name for p in BROKEN.glob("*.toml")} >= set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_broken_fixture_reports_file_and_line(name: str):
    line, fragment = CASES[name]
    with pytest.raises(DataError) as caught:
        _load(name)
    rendered = [str(p) for p in caught.value.problems]
    expected_prefix = f"{BROKEN / name}:{line}: "
    assert any(r.startswith(expected_prefix) and fragment in r for r in rendered), rendered


def test_all_problems_are_reported_at_once(tmp_path: Path):
    text = (VALID / "flow.toml").read_text(encoding="utf-8")
    text = text.replace('label = "Posti"', "label = 1").replace('next = "loppu_soita"', 'next = "ei"')
    bad = tmp_path / "many.toml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load(bad, VALID / "contacts.toml")
    messages = " | ".join(str(p) for p in caught.value.problems)
    assert "pitää olla merkkijono" in messages and "(next) 'ei' ei ole" in messages


def test_missing_file_is_a_usage_error(tmp_path: Path):
    with pytest.raises(UsageError, match="tiedostoa ei löydy"):
        load(tmp_path / "nope.toml", VALID / "contacts.toml")
    with pytest.raises(UsageError, match="on hakemisto"):
        load(tmp_path, VALID / "contacts.toml")


def test_crlf_and_bom_files_load(tmp_path: Path):
    text = (VALID / "flow.toml").read_text(encoding="utf-8")
    crlf = tmp_path / "crlf.toml"
    crlf.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    assert load(crlf, VALID / "contacts.toml").id == "testi"


def test_shipped_data_is_valid(flow):
    assert len(flow.outcomes) >= 40
    assert flow.root == "aihe"


def test_loading_leaves_the_garbage_collector_as_it_found_it():
    """load() pauses the cyclic collector for speed; a caller's setting must survive, errors included."""
    import gc

    assert gc.isenabled()
    load(VALID / "flow.toml", VALID / "contacts.toml")
    assert gc.isenabled()
    with pytest.raises(DataError):
        _load("cycle.toml")
    assert gc.isenabled()
    gc.disable()
    try:
        load(VALID / "flow.toml", VALID / "contacts.toml")
        assert not gc.isenabled()
    finally:
        gc.enable()
