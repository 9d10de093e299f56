"""The field vocabulary's one home (wizard/fields.py) and its users agree."""

from __future__ import annotations

from wizard import fields
from wizard.engine import VIA_VALUES, Session
from wizard.field_checks import FIELD_CHECKS
from wizard.model import Flow


def test_field_keys_are_the_public_contract_in_order():
    # CLI --field KEY=VALUE, records, autosaves and JSON spell these: rename nothing.
    assert fields.FIELD_KEYS == ("provider", "business_id", "contact", "phone", "email", "description", "notes")
    assert fields.FIELD_KEYS[:-1] == fields.DRAFT_FIELD_KEYS  # notes never reach the e-mail
    assert fields.MATTER_FIELDS == ("description", "notes")


def test_every_identifier_field_is_checked_and_every_checked_field_is_an_identifier():
    assert set(FIELD_CHECKS) == fields.ID_FIELDS
    assert fields.FREE_TEXT_FIELDS == ("provider", "contact", "description", "notes")


def test_every_field_has_a_finnish_label_in_the_flow(flow: Flow):
    assert set(flow.fields) == set(fields.FIELD_KEYS)
    assert all(flow.fields[k].label.strip() for k in fields.FIELD_KEYS)


def test_start_again_clears_exactly_the_matter_fields(session: Session):
    for key in fields.FIELD_KEYS:
        session.set_field(key, "x")
    session.restart(keep_fields=True)
    assert [k for k, v in session.fields.items() if not v] == list(fields.MATTER_FIELDS)


def test_via_values_are_the_recorded_ones():
    assert VIA_VALUES == ("steps", "search", "resume", "record")
