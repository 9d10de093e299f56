"""Is a channel open now: the chat's hours in Helsinki time, across DST (wizard/hours.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from wizard.hours import open_state
from wizard.model import Flow


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
