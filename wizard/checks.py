"""Checks on user-typed values: Y-tunnus, e-mail, phone, henkilötunnus.

python-stdnum does the Finnish identifier arithmetic; it is imported lazily
because it pulls in pydoc and ssl (~35 ms), which would double the start-up
of every scriptable command. A cheap regular expression decides first whether
there is anything for it to check.
"""

from __future__ import annotations

import re
from collections import namedtuple

# Conservative syntax check, no network look-ups: local@domain.tld.
_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.[A-Za-z]{2,}$"
)
_YTUNNUS = re.compile(r"^\d{7}-\d$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{4,19}$")
# Candidate henkilötunnus: DDMMYY, century sign, NNN, check character.
_HETU_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])(\d{6})\s?([-+A-FU-Ya-fu-y])\s?(\d{3})([0-9A-Ya-y])(?![0-9A-Za-z])")


def check_business_id(value: str) -> str | None:
    """Return a Finnish error message, or None when the Y-tunnus is valid."""
    text = value.strip()
    if not _YTUNNUS.match(text):
        return "Y-tunnuksen muoto on 1234567-8 (seitsemän numeroa, väliviiva, tarkistusnumero)."
    from stdnum.fi import ytunnus

    if not ytunnus.is_valid(text):
        return "Y-tunnuksen tarkistusnumero ei täsmää: tarkista numero."
    return None


def check_email(value: str) -> str | None:
    text = value.strip()
    if len(text) > 254 or not _EMAIL.match(text) or ".." in text:
        return "Sähköpostiosoite ei ole muotoa nimi@esimerkki.fi."
    return None


def check_phone(value: str) -> str | None:
    if not _PHONE.match(value.strip()):
        return "Puhelinnumerossa saa olla vain numeroita, välilyöntejä, +, - ja sulkeita."
    return None


class PersonalCode(namedtuple("PersonalCode", ["start", "end"])):
    """A valid henkilötunnus found in free text (span is for removal)."""

    __slots__ = ()
    start: int
    end: int


def find_personal_codes(text: str) -> list[PersonalCode]:
    """Every valid henkilötunnus in `text`, including the temporary 900–999 range."""
    found: list[PersonalCode] = []
    for m in _HETU_CANDIDATE.finditer(text):
        from stdnum.fi import hetu

        compact = (m.group(1) + m.group(2) + m.group(3) + m.group(4)).upper()
        try:
            hetu.validate(compact, allow_temporary=True)
        except Exception:  # stdnum raises ValidationError subclasses; any means "not a hetu"
            continue
        found.append(PersonalCode(m.start(), m.end()))
    return found


def remove_personal_codes(text: str, replacement: str = "[henkilötunnus poistettu]") -> str:
    for code in reversed(find_personal_codes(text)):
        text = text[: code.start] + replacement + text[code.end :]
    return text


def personal_data_fields(fields: dict[str, str]) -> list[str]:
    """The keys of every field whose value contains a henkilötunnus, in field order.

    The one guard every front end and the CLI ask before a draft is shown as
    finished, saved, copied, recorded or opened in a mail program.
    """
    return [key for key, value in fields.items() if value and find_personal_codes(value)]


FIELD_CHECKS = {"business_id": check_business_id, "email": check_email, "phone": check_phone}


def check_field(key: str, value: str) -> str | None:
    """Validate one field value; None if fine. Empty means 'not given' and is fine."""
    if not value.strip():
        return None
    check = FIELD_CHECKS.get(key)
    return check(value) if check else None
