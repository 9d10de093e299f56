"""The validator: one broken fixture per problem kind, each naming FILE:LINE."""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard.errors import DataError, UsageError
from wizard.loader import load

from .conftest import FIXTURES

VALID = FIXTURES / "valid"
BROKEN = FIXTURES / "broken"

# fixture -> (line, message fragment) of a problem it must report.
CASES = {
    "syntax_error.toml": (3, "TOML syntax error"),
    "unknown_key.toml": (8, "unknown key 'colour'"),
    "missing_key.toml": (25, "missing required key 'subject'"),
    "wrong_type.toml": (11, "must be a string, not an integer"),
    "duplicate_option_id.toml": (15, "two options with id 'posti'"),
    "duplicate_table.toml": (62, "Cannot declare ('outcome', 'loppu_posti') twice"),
    "next_missing.toml": (17, "next 'ei_ole' does not exist"),
    "unknown_contact.toml": (27, "unknown contact 'puuttuu'"),
    "unreachable.toml": (30, "'orpo' cannot be reached"),
    "cycle.toml": (25, "cycle: option 'takaisin' of 'kierto' leads back to 'alku'"),
    "no_options.toml": (6, "question 'alku' has no options"),
    "empty_label.toml": (16, "'label' in option 2 of question 'alku' is empty"),
    "root_missing.toml": (4, "root 'ei_ole' must be a question"),
    "unknown_placeholder.toml": (38, "unknown placeholder ${password}"),
    "topic_not_in_contact.toml": (23, "topic 'keksitty aihe' is not one of contact 'mail' topics"),
    "contacts_malformed_email.toml": (7, "malformed e-mail address 'posti(at)example.fi'"),
    "contacts_unknown_kind.toml": (13, "kind 'fax' is not one of"),
    "contacts_email_without_address.toml": (4, "kind 'email' but no address"),
    "contacts_address_on_phone.toml": (14, "only kind 'email' may have an address"),
    "contacts_duplicate_address.toml": (19, "also used by contact 'mail'"),
    "contacts_bad_hours.toml": (20, "unknown time zone 'Mars/Olympus'"),
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
    assert "must be a string" in messages and "next 'ei' does not exist" in messages


def test_missing_file_is_a_usage_error(tmp_path: Path):
    with pytest.raises(UsageError, match="file not found"):
        load(tmp_path / "nope.toml", VALID / "contacts.toml")
    with pytest.raises(UsageError, match="is a directory"):
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
