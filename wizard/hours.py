"""Is a channel open now, and when does it next open?

Only weekdays and clock times are known (the seed names no holidays), so a
public holiday that falls on a weekday shows as open; the UI says so.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from .model import Hours
from .named_tuple import NamedTuple

WEEKDAYS_FI = ("maanantaina", "tiistaina", "keskiviikkona", "torstaina", "perjantaina", "lauantaina", "sunnuntaina")


class OpenState(NamedTuple):
    open_now: bool
    next_open: datetime | None  # local time in the channel's zone; None while open
    closes: datetime | None  # when open: today's closing time

    def describe(self) -> str:
        if self.open_now and self.closes:
            return f"Auki nyt (sulkeutuu klo {self.closes:%H.%M})."
        if self.next_open:
            day = WEEKDAYS_FI[self.next_open.weekday()]
            return f"Suljettu nyt. Avautuu seuraavaksi {day} {self.next_open:%d.%m.} klo {self.next_open:%H.%M}."
        return "Aukioloaikoja ei tiedetä."


def _hm(text: str) -> time:
    h, m = text.split(":")
    return time(int(h), int(m))


def open_state(hours: Hours, now: datetime) -> OpenState:
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(hours.timezone)
    local = now.astimezone(zone) if now.tzinfo else now.replace(tzinfo=zone)
    start, end = _hm(hours.open), _hm(hours.close)
    if local.isoweekday() in hours.days and start <= local.time() < end:
        return OpenState(True, None, datetime.combine(local.date(), end, zone))
    for offset in range(0, 8):
        day = local.date() + timedelta(days=offset)
        opening = datetime.combine(day, start, zone)
        if day.isoweekday() in hours.days and opening > local:
            return OpenState(False, opening, None)
    return OpenState(False, None, None)
