"""Checks on typed field values: Y-tunnus, e-mail, phone (`check_field`).

Not the `check` command (that is the loader's validation of data/ and flows/):
these run as a person types into the wizard or the browser's form. The
henkilötunnus finder is personal_data.py. python-stdnum is imported lazily,
as there (see its docstring).
"""

from __future__ import annotations

import re

from .textsafe import normalise_field

# The e-mail patterns live here, both of them, for two purposes (no network look-ups).
# TYPED_EMAIL: what a person may type as the caller's address (RFC 5322's local-part
# characters, domain labels of at most 63 characters; `check_email` also refuses "..").
TYPED_EMAIL = (
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@"
    r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.[A-Za-z]{2,}$"
)
# DATA_EMAIL_PATTERN: what the loader accepts as one of Kela's addresses in data/ (a plain local
# part, as Kela's page writes them; the domain is also checked against [meta] allowed_domains).
# Kept as text and compiled by the loader: `draft` and `find` read the cache and never need it.
DATA_EMAIL_PATTERN = r"^[A-Za-z0-9](?:[A-Za-z0-9._%+-]*[A-Za-z0-9])?@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$"
_YTUNNUS = r"^[0-9]{7}-[0-9]$"
PHONE_MIN, PHONE_MAX = 5, 20  # characters after an optional leading +
_PHONE = rf"^\+?[0-9][0-9 ()-]{{{PHONE_MIN - 1},{PHONE_MAX - 1}}}$"
_PHONE_CHARS = r"^\+?[0-9 ()-]+$"
# All kept as text, compiled by re on first use (and cached there): `check` imports this
# module for DATA_EMAIL_PATTERN alone and must not compile the typed-field patterns.


def check_business_id(value: str) -> str | None:
    """Return a Finnish error message, or None when the Y-tunnus is valid."""
    text = value.strip()
    if not re.match(_YTUNNUS, text):
        return "Y-tunnuksen muoto on 1234567-8 (seitsemän numeroa, väliviiva, tarkistusnumero)."
    from stdnum.fi import ytunnus

    if not ytunnus.is_valid(text):
        return "Y-tunnuksen tarkistusnumero ei täsmää: tarkista numero."
    return None


def check_email(value: str) -> str | None:
    text = value.strip()
    if len(text) > 254 or not re.match(TYPED_EMAIL, text) or ".." in text:
        return "Sähköpostiosoite ei ole muotoa nimi@esimerkki.fi."
    return None


def check_phone(value: str) -> str | None:
    text = value.strip()
    if re.match(_PHONE, text):
        return None
    if not re.match(_PHONE_CHARS, text):
        return "Puhelinnumerossa saa olla vain numeroita, välilyöntejä, +, - ja sulkeita."
    # The right characters: say what else is wrong (a pasted 1,000-digit string is not a character problem).
    length = len(text.removeprefix("+"))
    if length > PHONE_MAX:
        return f"Puhelinnumero on liian pitkä: enintään {PHONE_MAX} merkkiä (nyt {length})."
    if length < PHONE_MIN:
        return f"Puhelinnumero on liian lyhyt: vähintään {PHONE_MIN} merkkiä."
    return "Puhelinnumero alkaa numerolla tai +-merkillä (esim. 040 123 4567 tai +358 40 123 4567)."


FIELD_CHECKS = {"business_id": check_business_id, "email": check_email, "phone": check_phone}


def check_field(key: str, value: str) -> str | None:
    """Validate one field value; None if fine. Empty means 'not given' and is fine."""
    value = normalise_field(key, value)  # checked as the engine will store it
    if not value.strip():
        return None
    check = FIELD_CHECKS.get(key)
    return check(value) if check else None
