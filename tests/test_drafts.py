"""Drafts: snapshots of every e-mail outcome, and the output formats' rules."""

from __future__ import annotations

import json
import os
from datetime import datetime
from email import message_from_bytes
from email.policy import default
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wizard.drafts import origin, render_eml, render_json, render_mailto, render_text
from wizard.engine import Session
from wizard.localzone import local_zone
from wizard.model import Flow

from .helpers import fixed_clock, seed_outcomes

ADDRESS_OUTCOMES, _ = seed_outcomes()

EMAIL_OUTCOMES = sorted(o for outcomes in ADDRESS_OUTCOMES.values() for o in outcomes)
FIELDS = {
    "provider": "Kuntoutuskeskus Esimerkki Oy",
    "business_id": "0246246-0",
    "contact": "Maija Meikäläinen",
    "phone": "040 123 4567",
    "email": "maija@example.fi",
    "description": "Kuvaus asiasta.\nToinen rivi.",
    "notes": "Soittaja oli kiireinen.",
}


@pytest.fixture(autouse=True)
def _helsinki(monkeypatch):
    """The snapshots' Date is in the default zone, whatever TZ the test run has."""
    monkeypatch.delenv("TZ", raising=False)


def _draft(flow: Flow, outcome: str, fields: dict[str, str] | None = None):
    # A fixed hash keeps the snapshots about the drafts, not about every keyword edit.
    session = Session(flow._replace(content_hash="0123456789ab"), clock=fixed_clock)
    session.jump_to(outcome, via="steps")
    for key, value in (fields or {}).items():
        session.set_field(key, value)
    return session.draft()


@pytest.mark.parametrize("outcome", EMAIL_OUTCOMES)
def test_text_draft_snapshot(flow: Flow, outcome: str, snapshot):
    assert render_text(_draft(flow, outcome)) == snapshot


@pytest.mark.parametrize("outcome", EMAIL_OUTCOMES)
def test_eml_draft_snapshot(flow: Flow, outcome: str, snapshot):
    assert render_eml(_draft(flow, outcome, FIELDS)).decode("ascii") == snapshot


def test_placeholders_show_where_fields_are_unknown(flow: Flow):
    body = _draft(flow, "sopimus_remontti").body
    for placeholder in ("[Palveluntuottajan nimi]", "[Y-tunnus]", "[Yhteyshenkilön nimi]", "[Kuvaile asia tähän]"):
        assert placeholder in body


def test_subject_is_specific_and_names_the_provider(flow: Flow):
    draft = _draft(flow, "sopimus_remontti", {"provider": "Kuntoutus Oy"})
    assert draft.subject == "Sopimuskauden aikainen muutos: remontti – Kuntoutus Oy"
    assert _draft(flow, "sopimus_remontti").subject == "Sopimuskauden aikainen muutos: remontti"


def test_agent_notes_never_reach_the_draft(flow: Flow):
    draft = _draft(flow, "sopimus_remontti", FIELDS)
    assert "kiireinen" not in draft.body and "notes" not in draft.fields


def _reference_eml(draft) -> bytes:
    """The same draft built the slow, obvious way: EmailMessage with the SMTP policy."""
    from email.message import EmailMessage
    from email.policy import SMTP
    from email.utils import format_datetime

    msg = EmailMessage(policy=SMTP)
    if draft.to:
        msg["To"] = draft.to
    msg["Subject"] = draft.subject
    msg["Date"] = format_datetime(datetime.fromisoformat(draft.created).astimezone(local_zone()))
    msg["X-Unsent"] = "1"
    msg["X-Kela-Ohjaus"] = origin(draft)
    msg.set_content(draft.body, charset="utf-8")
    return msg.as_bytes()


def _as_read(raw: bytes) -> dict:
    """What a mail program shows of a message: its headers decoded and its text."""
    msg = message_from_bytes(raw, policy=default)
    assert not msg.defects and not any(part.defects for part in msg.walk())
    headers = {name: str(value) for name, value in msg.items() if name != "Content-Transfer-Encoding"}
    return {"headers": headers, "type": msg.get_content_type(), "text": msg.get_content()}


def _assert_reads_like_the_reference(draft) -> None:
    ours, reference = _as_read(render_eml(draft)), _as_read(_reference_eml(draft))
    # The subject must read back exactly. EmailMessage itself does not always
    # manage that: folding some subjects it adds a leading or a doubled space.
    assert ours["headers"].pop("Subject") == draft.subject
    reference["headers"].pop("Subject")
    assert ours == reference
    assert ours["text"].replace("\r\n", "\n") == draft.body


@pytest.mark.parametrize("outcome", EMAIL_OUTCOMES)
def test_eml_reads_as_the_email_package_would_write_it(flow: Flow, outcome: str):
    """render_eml encodes with email.header/quoprimime for speed; EmailMessage is the oracle."""
    for fields in ({}, FIELDS):
        _assert_reads_like_the_reference(_draft(flow, outcome, fields))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    provider=st.one_of(
        st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=120),
        # mostly plain words, with what header encoding treats specially
        st.text(st.sampled_from("abc Oy  ()\\\"'<>,;:=?_-äö–\t"), max_size=120),
    ),
    description=st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=400),
    offset_minutes=st.integers(-14 * 60, 14 * 60),
)
def test_eml_matches_the_email_package_for_any_input(flow: Flow, provider: str, description: str, offset_minutes):
    from datetime import timedelta, timezone

    draft = _draft(flow, "sopimus_tilat", {"provider": provider, "description": description})
    zone = timezone(timedelta(minutes=offset_minutes))
    draft = draft._replace(created=datetime(2026, 11, 30, 10, 0, tzinfo=zone).isoformat(timespec="seconds"))
    assert all(len(line) <= 78 for line in render_eml(draft).split(b"\r\n"))
    _assert_reads_like_the_reference(draft)


def test_eml_parses_back_without_defects(flow: Flow):
    raw = render_eml(_draft(flow, "tulkkaus_tilaaminen", FIELDS))
    msg = message_from_bytes(raw, policy=default)
    assert msg["To"] == "vatu.kuntoutus@kela.fi"
    assert msg["X-Unsent"] == "1"
    assert msg["Subject"].endswith("Kuntoutuskeskus Esimerkki Oy")
    assert msg.get_content_charset() == "utf-8"
    assert "Maija Meikäläinen" in msg.get_content()
    assert not msg.defects and not any(part.defects for part in msg.walk())


def test_mailto_round_trips(flow: Flow):
    draft = _draft(flow, "tekniset_katso", FIELDS)
    uri = render_mailto(draft)
    assert "%20" in uri and "%0D%0A" in uri and " " not in uri and "+" not in uri
    parts = urlsplit(uri)
    assert parts.scheme == "mailto" and unquote(parts.path) == "kuntoutus_jarjestelmat@kela.fi"
    query = parse_qs(parts.query)
    assert query["subject"] == [draft.subject]
    assert query["body"][0].replace("\r\n", "\n") == draft.body


def test_json_has_the_contract_fields(flow: Flow):
    data = json.loads(render_json(_draft(flow, "akva_mittarit", FIELDS)))
    for key in ("outcome", "channel", "to", "subject", "body", "path", "fields"):
        assert key in data
    address = flow.contact_of(flow.outcomes["akva_mittarit"]).address  # from the data: no copy to edit
    assert data["to"] == address and data["channel"] == "email"
    assert data["path"][0] == {"question": "Mitä yhteydenottosi koskee?", "answer": "Muut kuntoutuspalvelut"}


def test_non_email_outcome_has_no_address_but_instructions(flow: Flow):
    draft = _draft(flow, "chat")
    assert draft.to is None and draft.channel == "chat"
    hours = flow.contact_of(flow.outcomes["chat"]).hours_text  # from the data: no copy to edit
    assert hours and any(hours in line for line in draft.instructions)
    assert json.loads(render_json(draft))["to"] is None


@pytest.mark.parametrize("value", ["{provider.__class__}", "${provider}", "%(x)s", "$$", "${", "{0}"])
def test_template_syntax_in_values_is_literal(flow: Flow, value: str):
    draft = _draft(flow, "sopimus_tilat", {"provider": value, "description": value})
    assert value in draft.subject
    assert draft.body.count(value) >= 2


@pytest.mark.parametrize(
    "value", ["Oy\r\nBcc: evil@example.com", "Oy\nBcc: evil@example.com", "Oy\x00Bcc: x", "Oy\u2028Bcc: x"]
)
def test_line_breaks_never_reach_a_header(flow: Flow, value: str):
    raw = render_eml(_draft(flow, "sopimus_tilat", {"provider": value}))
    msg = message_from_bytes(raw, policy=default)
    assert msg["Bcc"] is None
    assert "\n" not in str(msg["Subject"]) and "\x00" not in str(msg["Subject"])
    headers = raw.split(b"\r\n\r\n", 1)[0] if b"\r\n\r\n" in raw else raw.split(b"\n\n", 1)[0]
    assert not any(line.lower().startswith(b"bcc") for line in headers.splitlines())


def test_long_subject_folds_and_parses_back(flow: Flow):
    provider = "Erittäin pitkä palveluntuottajan nimi " * 6
    draft = _draft(flow, "toimeenpano_muut_kuntoutujat", {"provider": provider})
    raw = render_eml(draft)
    assert all(len(line) <= 78 for line in raw.split(b"\r\n\r\n")[0].split(b"\r\n"))
    assert message_from_bytes(raw, policy=default)["Subject"] == draft.subject


@pytest.mark.parametrize(
    ("tz", "created", "date"),
    [
        (None, "2026-11-30T10:00:00+00:00", "Mon, 30 Nov 2026 12:00:00 +0200"),
        (None, "2026-07-01T10:00:00+00:00", "Wed, 01 Jul 2026 13:00:00 +0300"),
        (None, "2026-03-29T00:59:59+00:00", "Sun, 29 Mar 2026 02:59:59 +0200"),  # the hour before summer time
        (None, "2026-03-29T01:00:00+00:00", "Sun, 29 Mar 2026 04:00:00 +0300"),
        ("America/New_York", "2026-11-30T10:00:00+00:00", "Mon, 30 Nov 2026 05:00:00 -0500"),
        ("UTC", "2026-11-30T10:00:00+00:00", "Mon, 30 Nov 2026 10:00:00 +0000"),
        ("Ei/Tallainen", "2026-11-30T10:00:00+00:00", "Mon, 30 Nov 2026 12:00:00 +0200"),
        # A file that is not a zone does not name one: the default, not the C library's UTC fallback.
        ("/etc/passwd", "2026-11-30T10:00:00+00:00", "Mon, 30 Nov 2026 12:00:00 +0200"),
        (":/etc/passwd", "2026-11-30T10:00:00+00:00", "Mon, 30 Nov 2026 12:00:00 +0200"),
    ],
)
def test_date_is_in_the_local_zone(flow: Flow, monkeypatch, tz, created: str, date: str):
    if tz:
        monkeypatch.setenv("TZ", tz)
    draft = _draft(flow, "sopimus_tilat")._replace(created=created)
    msg = message_from_bytes(render_eml(draft), policy=default)
    assert msg["Date"] == date
    assert os.environ.get("TZ") == tz  # the zone look-up leaves the process's TZ as it was


def test_body_is_what_the_provider_says_and_provenance_is_elsewhere(flow: Flow):
    draft = _draft(flow, "sopimus_remontti", FIELDS)
    for internal in (
        "Valinnat",
        "Luonnos tehty",
        "kela-ohjaus",
        "0123456789ab",
        "2026-11-28",
        "Muut kuntoutuspalvelut",
    ):
        assert internal not in draft.body
    assert draft.body.startswith("Hei,") and draft.body.rstrip().endswith("Kuntoutuskeskus Esimerkki Oy")
    msg = message_from_bytes(render_eml(draft), policy=default)
    header = " ".join(str(msg["X-Kela-Ohjaus"]).split())
    assert "kela-ohjaus" in header and f"tiedot {flow.data_version}" in header and "kuntoutus@0123456789ab" in header
    assert (
        "polku aihe:muut_palvelut muut_aihe:sopimusmuutokset menettely:sopimuskausi sopimusmuutos_aihe:remontti"
        in header
    )
    data = json.loads(render_json(draft))
    assert data["flow"]["data_version"] == flow.data_version and data["tool"].startswith("kela-ohjaus ")
    assert data["path"][0]["answer"] == "Muut kuntoutuspalvelut"
    assert data["path_ids"] == [
        "aihe:muut_palvelut",
        "muut_aihe:sopimusmuutokset",
        "menettely:sopimuskausi",
        "sopimusmuutos_aihe:remontti",
    ]


def test_record_keeps_the_tool_and_data_version(flow: Flow):
    import tomli

    from wizard.record import dumps

    session = Session(flow, clock=fixed_clock)
    session.jump_to("sopimus_remontti", via="steps")
    record = tomli.loads(dumps(session))
    assert record["tool"].startswith("kela-ohjaus ") and record["flow"]["data_version"] == flow.data_version
    assert record["answers"]["aihe"]["option"] == "muut_palvelut"
