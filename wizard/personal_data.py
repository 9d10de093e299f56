"""The henkilötunnus finder: the one decision on personal data in typed text.

Every guard asks here: the engine's final draft (CLI `draft`/`replay`), both
front ends before a draft is saved, copied, recorded or mailed, and the fields
forms. python-stdnum does the arithmetic; it is imported lazily because it
pulls in pydoc and ssl (~35 ms), which would double the start-up of every
scriptable command. A cheap regular expression decides first whether there is
anything for it to check.
"""

from __future__ import annotations

import re

from .named_tuple import NamedTuple
from .textsafe import ID_FIELDS, normalise_field

# Candidate henkilötunnus in the reader's view (see _reader_view): DDMMYY,
# century sign, NNN, check character, with spaces allowed between any two of
# them (a line break or a double space inside a code still reads as one). Letters
# may touch it on either side ("HETU010594Y9021"); digits may not, so order and
# account numbers do not turn into codes. Overlapping candidates are all tried.
_GAP = " *"
# Letters a reader takes for digits (O for 0, l and I for 1) are read as digits in a
# code's digit places, and in its check place when the letter itself is not the check
# character: a missed code leaks personal data, a false alarm costs one default-No question.
_DIGIT_LOOKS = "OoIl|"
_AS_DIGITS = str.maketrans(_DIGIT_LOOKS, "00111")
_DIGIT = "[0-9" + _DIGIT_LOOKS + "]"
_HETU_CANDIDATE = re.compile(
    "(?=(?<![0-9])(" + _GAP.join([_DIGIT] * 6 + ["[-+A-FU-Ya-fu-y]"] + [_DIGIT] * 3 + ["[0-9A-Ya-y|]"]) + ")(?![0-9]))"
)
# Characters a reader does not see (Unicode's Default_Ignorable_Code_Point
# beyond the Cc/Cf/Mn categories, which are dropped by category).
_IGNORABLE = re.compile("[\u115f\u1160\u17b4\u17b5\u180b-\u180f\u3164\uffa0\U0001bca0-\U0001bca3\U000e0000-\U000e0fff]")
# Runs of characters that are one character in the reader's view (themselves, or a space for
# ASCII tabs and line breaks): printable ASCII and the Latin-1 and Finnish letters, which NFKC
# leaves as they are; or any one other character.
_PLAIN = "\t-\r -~\u00c0-\u00ff\u0160\u0161\u017d\u017e"
_PLAIN_RUN = re.compile(f"[{_PLAIN}]+|[^{_PLAIN}]", re.DOTALL)
_PLAIN_ONE = re.compile(f"[{_PLAIN}]")
_ASCII_SPACES = str.maketrans("\t\n\x0b\x0c\r", "     ")
# Letters a reader takes for the Latin century signs and check characters.
_LOOK_ALIKES = str.maketrans(
    "АВСЕНКМОРТХУҮасеорхуІ" + "ΑΒΕΗΙΚΜΝΟΡΤΥΧΖοι",
    "ABCEHKMOPTXYYaceopxyI" + "ABEHIKMNOPTYXZoi",
)


def _reader_view(text: str) -> tuple[str, list[int]]:
    """`text` as a reader sees it, with the index in `text` of each view character.

    NFKC (full-width and other compatibility forms become ASCII), any decimal
    digit as 0–9, dashes as "-", Cyrillic and Greek look-alikes as Latin;
    control, format and combining characters and soft hyphens dropped; every
    whitespace character (line breaks too) a single space.
    """
    import unicodedata

    view: list[str] = []
    where: list[int] = []
    for run in _PLAIN_RUN.finditer(text):
        i, ch = run.start(), run.group()
        if len(ch) > 1 or _PLAIN_ONE.match(ch):  # one to one: a whole run at a time
            view.append(ch.translate(_ASCII_SPACES))
            where.extend(range(i, run.end()))
            continue
        if ch.isspace():
            out = " "
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn", "Mn", "Me") or _IGNORABLE.match(ch):
            continue
        elif unicodedata.category(ch) == "Pd" or ch in "\u2212\u2796\ufe63":
            out = "-"
        elif (digit := unicodedata.decimal(ch, None)) is not None:
            out = str(digit)
        else:
            out = unicodedata.normalize("NFKC", ch).translate(_LOOK_ALIKES)
        view.append(out)
        where.extend([i] * len(out))
    return "".join(view), where


class PersonalCode(NamedTuple):
    """A valid henkilötunnus found in free text (span is for removal)."""

    start: int
    end: int


def find_personal_codes(text: str) -> list[PersonalCode]:
    """Every valid henkilötunnus a reader would read in `text`, including the
    temporary 900–999 range, however it is disguised (see _reader_view).

    The one decision on personal data: every guard (personal_data_fields, the
    engine's final draft, the front ends) comes here. Spans are in `text`,
    sorted, and do not overlap, so remove_personal_codes can cut them out.
    """
    # A code has at least nine digits; most values have far fewer. (isnumeric
    # also counts the characters NFKC turns into digits: ①, ⑩, superscripts.)
    if sum(ch.isnumeric() or ch in _DIGIT_SHAPED for ch in text) < 9:
        return []
    view, where = _reader_view(text)
    found: list[PersonalCode] = []
    for m in _HETU_CANDIDATE.finditer(view):
        if not _valid_code(m.group(1).replace(" ", "")):
            continue
        start, end = where[m.start(1)], where[m.end(1) - 1] + 1
        if found and start < found[-1].end:
            found[-1] = PersonalCode(found[-1].start, max(end, found[-1].end))
        else:
            found.append(PersonalCode(start, end))
    return found


# Characters that may stand for a digit of a code: the ASCII look-alikes and the
# Cyrillic/Greek letters _reader_view turns into them (for the cheap first test).
_DIGIT_SHAPED = frozenset(_DIGIT_LOOKS + "ОоΟοІΙ")


def _valid_code(candidate: str) -> bool:
    """Whether an 11-character candidate is a valid henkilötunnus as a reader reads it."""
    from stdnum.fi import hetu

    digits = (candidate[:6] + candidate[7:10]).translate(_AS_DIGITS)
    sign = candidate[6].upper()
    last = candidate[10]
    checks = [last.upper()]  # `l` is the check character L, or a 1
    if last in _DIGIT_LOOKS:
        checks.append(last.translate(_AS_DIGITS))
    for check in checks:
        try:
            hetu.validate(f"{digits[:6]}{sign}{digits[6:]}{check}", allow_temporary=True)
        except Exception:  # stdnum raises ValidationError subclasses; any means "not a hetu"
            continue
        return True
    return False


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


def personal_code_in_id(key: str, value: str) -> str | None:
    """A henkilötunnus is never the intended Y-tunnus, phone or e-mail: the front
    ends ask such a field again with this message. (Free text is warned about and
    offered for removal instead; the CLI refuses through the engine's final draft.)"""
    if key not in ID_FIELDS or not find_personal_codes(normalise_field(key, value)):
        return None
    # The point first: the prompt's error line is cut at the terminal's width.
    if key == "phone":
        return "Tämä on henkilötunnus. Puhelinnumero välein: 010 594 0020 (tämän työkalun suositus)."
    return "Tässä on henkilötunnus: sitä ei kannata lähettää sähköpostissa (tämän työkalun suositus)."
