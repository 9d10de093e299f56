"""The one control-character rule, and how typed values are normalised on the way in.

Every output (drafts as text, JSON, .eml and mailto; the terminal) and the data
loader use the same set of characters that must never reach a reader raw:
C0 controls except tab and line feed, DEL, the C1 controls (U+0080–U+009F,
among them the CSI introducer U+009B) and the bidirectional embeddings,
overrides and isolates (U+202A–U+202E, U+2066–U+2069) that can make text read
differently from what it is. Drafts remove them; terminals show them escaped;
`check` rejects them in the data files.
"""

from __future__ import annotations

import re

# Identifier fields are NFKC-folded (full-width digits and look-alike forms become
# ASCII) before they are checked or stored; multi-line ones keep their line breaks.
from .fields import ID_FIELDS, MULTI_LINE_FIELDS

CONTROL_CHARS = "\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
CONTROL = re.compile(f"[{CONTROL_CHARS}]")
# Line breaks a one-line value turns into spaces and a multi-line value into "\n".
LINE_BREAKS = re.compile(r"\r\n|[\r\n\x0b\x0c\x85\u2028\u2029]")


def strip_controls(text: str) -> str:
    """`text` without any character of the rule (tab and line feed are kept)."""
    return CONTROL.sub("", text)


def escape_controls(text: str) -> str:
    """`text` with each character of the rule shown as a visible escape (\\x1b, \\u202e)."""
    return CONTROL.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def normalise_field(key: str, value: str) -> str:
    """A typed field value as the engine stores it: done once, on the way in.

    Line breaks are unified (to "\\n" in the description and notes, to a space
    elsewhere), the control rule is applied, and identifiers are NFKC-folded so
    a full-width Y-tunnus is checked and written as the ASCII one it reads as.
    """
    multi = key in MULTI_LINE_FIELDS
    value = LINE_BREAKS.sub("\n", value) if multi else LINE_BREAKS.sub(" ", value).replace("\t", " ")
    if key in ID_FIELDS and not value.isascii():
        import unicodedata

        value = unicodedata.normalize("NFKC", value)
    return strip_controls(value)
