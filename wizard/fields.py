"""The message fields' one vocabulary: their keys and kinds, and which of them each rule touches.

The keys are a public contract (CLI `--field KEY=VALUE`, records, autosaves, JSON). The
Finnish labels and draft placeholders are data, `[field.KEY]` in flows/ (the loader
requires one for every key here), read as `flow.fields[key].label`.
"""

from __future__ import annotations

# key -> kind, in the order both front ends ask them:
#   "id"   an identifier: NFKC-folded on the way in, checked (field_checks.FIELD_CHECKS),
#          and asked again if it holds a henkilötunnus;
#   "line" one line of free text; "text" free text over several lines.
FIELD_KINDS = {
    "provider": "line",
    "business_id": "id",
    "contact": "line",
    "phone": "id",
    "email": "id",
    "description": "text",
    "notes": "text",
}
FIELD_KEYS = tuple(FIELD_KINDS)
ID_FIELDS = frozenset(k for k, kind in FIELD_KINDS.items() if kind == "id")
MULTI_LINE_FIELDS = frozenset(k for k, kind in FIELD_KINDS.items() if kind == "text")
# Free text: a henkilötunnus in it is warned about and offered for removal (an identifier
# field holding one is asked again instead).
FREE_TEXT_FIELDS = tuple(k for k in FIELD_KEYS if k not in ID_FIELDS)
# `notes` are the agent's own and stay private: every other field may end up in the e-mail.
DRAFT_FIELD_KEYS = tuple(k for k in FIELD_KEYS if k != "notes")
# The matter of the call: "start again" (the same caller) clears these and keeps the rest.
MATTER_FIELDS = ("description", "notes")
