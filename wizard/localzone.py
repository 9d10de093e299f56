"""The local time zone, one rule for every time the tool shows or writes: a draft's `Date:`
header and the times in the resume list. $TZ as Python's time module reads it; no $TZ (or one
that names nothing) is Europe/Helsinki, where the tool's users are."""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from datetime import datetime

DEFAULT_ZONE = "Europe/Helsinki"
ZONEINFO_DIR = "/usr/share/zoneinfo"
# A POSIX TZ string (`EST5EDT`, `CET-1CEST,M3.5.0,M10.5.0/3`, `<+03>-3`): the C library reads it
# without any zone file, exactly as Python's time module does.
_POSIX_TZ = None


def _posix_tz(name: str) -> bool:
    global _POSIX_TZ
    if _POSIX_TZ is None:
        import re

        std = r"(?:[A-Za-z]{3,}|<[A-Za-z0-9+-]{3,}>)"
        offset = r"[+-]?\d{1,3}(?::\d{1,2}){0,2}"
        rule = r"(?:J\d{1,3}|\d{1,3}|M\d{1,2}\.\d\.\d)(?:/" + offset + ")?"
        _POSIX_TZ = re.compile(f"{std}{offset}(?:{std}(?:{offset})?(?:,{rule},{rule})?)?")
    return _POSIX_TZ.fullmatch(name) is not None


def local_zone():
    """The zone a draft's Date is written in, as a tzinfo for a named zone ($TZ when it names a
    known one, else Europe/Helsinki: the tool's users are in Finland; a server's UTC would date
    a morning call to the night before). A POSIX TZ string has no name: see in_local_zone."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    name = _zone_name()
    if name and name != DEFAULT_ZONE:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            pass
    return ZoneInfo(DEFAULT_ZONE)


def _zone_name() -> str:
    """$TZ without the leading `:`, or "" when unset, empty or climbing out of the zone directory."""
    import os

    name = os.environ.get("TZ", "").lstrip(":")
    return name if name and ".." not in name and "\x00" not in name else ""


def in_local_zone(when: datetime) -> datetime:
    """`when` in the process's local time as Python's time module reads $TZ: a zone in the
    tz database (`Europe/Helsinki`, `EST5EDT`, `Japan`, a zone file's path) or a POSIX TZ
    string (`CET-1CEST,M3.5.0,M10.5.0/3`); anything else, or no $TZ, is Europe/Helsinki.
    Through the C library when it can: importing zoneinfo costs a `draft --format eml`
    a fifth of its start-up."""
    import os
    import time
    from datetime import timedelta, timezone

    name = _zone_name() or DEFAULT_ZONE
    if not (_is_zone_file(os.path.join(ZONEINFO_DIR, name)) or _posix_tz(name)):
        return when.astimezone(local_zone())  # no tz database on this system: zoneinfo's (tzdata)
    saved = os.environ.get("TZ")
    os.environ["TZ"] = name
    try:
        time.tzset()
        offset = time.localtime(when.timestamp()).tm_gmtoff
    finally:
        if saved is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = saved
        time.tzset()
    return when.astimezone(timezone(timedelta(seconds=offset)))


def _is_zone_file(path: str) -> bool:
    """A regular tz database file: the C library reads anything else (TZ=/etc/passwd) as UTC."""
    import os

    if not os.path.isfile(path):
        return False
    try:
        with open(path, "rb") as handle:
            return handle.read(4) == b"TZif"
    except OSError:
        return False
