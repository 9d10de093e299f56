"""Drafts: what to send, to whom, and the renderers (text, .eml, mailto, JSON).

Templates come from the flow file and are filled with string.Template, which
substitutes names only: a value such as "{x.__class__}" or "${x}" is copied
literally, never evaluated, and substitution happens once, so a value cannot
pull in another value.
"""

from __future__ import annotations

import string
from itertools import groupby

from .describe import say_lines
from .fields import DRAFT_FIELD_KEYS, MULTI_LINE_FIELDS
from .localzone import in_local_zone
from .model import Contact, Flow, Outcome
from .named_tuple import NamedTuple
from .textsafe import LINE_BREAKS, strip_controls

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~3 ms)
if TYPE_CHECKING:
    from datetime import datetime

    from .engine import Answer


def one_line(value: str) -> str:
    """A value fit for a header or a single line: no line breaks, no character of
    the control rule (textsafe), runs of whitespace as one space."""
    return " ".join(strip_controls(LINE_BREAKS.sub(" ", value)).split())


def multi_line(value: str) -> str:
    """Free text for a body: line ends as "\n", no character of the control rule."""
    return strip_controls(LINE_BREAKS.sub("\n", value)).strip()


class Draft(NamedTuple):
    outcome: str
    title: str
    channel: str
    to: str | None
    subject: str
    body: str
    path: tuple[tuple[str, str], ...]  # (question text, answer label)
    fields: dict[str, str]
    instructions: tuple[str, ...]  # what to tell the caller
    contact: Contact
    flow_id: str
    flow_hash: str
    created: str
    path_ids: tuple[str, ...]  # "question:option" ids: for the record and the X-Kela-Ohjaus header, not the body
    data_version: str


def build_draft(flow: Flow, outcome: Outcome, path: list[Answer], fields: dict[str, str], now: datetime) -> Draft:
    contact = flow.contact_of(outcome)
    clean = {
        k: multi_line(v) if k in MULTI_LINE_FIELDS else one_line(v) for k, v in fields.items() if k in DRAFT_FIELD_KEYS
    }
    shown = {k: clean.get(k) or flow.fields[k].placeholder for k in DRAFT_FIELD_KEYS}
    pairs = tuple((flow.questions[a.node].text, a.label) for a in path)
    values = {
        **shown,
        "greeting": flow.draft_template.greeting,
        "subject": outcome.subject,
        "path": " > ".join(label for _, label in pairs),
        "topic": outcome.topic or outcome.title,
        "outcome": outcome.title,
        "to": contact.address or "",
        "data_version": flow.data_version,
        "flow_id": flow.id,
        "flow_hash": flow.content_hash,
    }
    subject_template = flow.draft_template.subject if clean.get("provider") else flow.draft_template.subject_no_provider
    subject = one_line(string.Template(subject_template).safe_substitute(values))
    body = string.Template(flow.draft_template.body).safe_substitute(values).strip("\n") + "\n"
    return Draft(
        outcome=outcome.id,
        title=outcome.title,
        channel=contact.kind,
        to=contact.address if contact.kind == "email" else None,
        subject=subject,
        body=body,
        path=pairs,
        fields={k: strip_controls(v) for k, v in fields.items() if k in DRAFT_FIELD_KEYS},
        instructions=say_lines(flow, outcome),
        contact=contact,
        flow_id=flow.id,
        flow_hash=flow.content_hash,
        created=now.isoformat(timespec="seconds"),
        path_ids=tuple(f"{a.node}:{a.option}" for a in path),
        data_version=flow.data_version,
    )


# ---------------------------------------------------------------- renderers


def render_text(draft: Draft) -> str:
    head = [f"Vastaanottaja: {draft.to}" if draft.to else f"Kanava: {draft.contact.name} (ei sähköpostiosoitetta)"]
    head.append(f"Aihe: {draft.subject}")
    return "\n".join(head) + "\n\n" + draft.body


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _rfc5322_date(iso: str) -> str:
    """`Mon, 30 Nov 2026 10:00:00 +0200` in the local zone (localzone.py), as email.utils.format_datetime
    writes it (English names whatever the locale; `-0000` when the time zone is unknown)."""
    from datetime import datetime

    when = datetime.fromisoformat(iso)
    if when.utcoffset() is not None:
        when = in_local_zone(when)
    offset = when.utcoffset()
    if offset is None:
        zone = "-0000"
    else:
        minutes = int(offset.total_seconds()) // 60
        zone = f"{'-' if minutes < 0 else '+'}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"
    return (
        f"{_DAYS[when.weekday()]}, {when.day:02d} {_MONTHS[when.month - 1]} {when.year:04d} "
        f"{when.hour:02d}:{when.minute:02d}:{when.second:02d} {zone}"
    )


def _plain_word(word: str) -> bool:
    """A word email.header can leave as it is. Not one starting or ending with a
    parenthesis or backslash: Header treats those like spaces and would glue the
    neighbouring encoded word to it ("järjestelmä(Extranet)")."""
    return word.isascii() and "=?" not in word and len(word) <= 60 and not (word[:1] in "()\\" or word[-1:] in "()\\")


def render_eml(draft: Draft) -> bytes:
    """An unsent RFC 5322 message; mail clients open it as an editable draft.

    Encoded by the standard email package's own encoders: email.header for the
    RFC 2047 subject, email.quoprimime for the quoted-printable UTF-8 body. Not
    through EmailMessage: importing email.message pulls in email.utils, and with
    it socket, urllib.parse and random, ~15 ms that tripled the cost of `draft
    --format eml` (issue 7). tests/test_drafts.py checks every draft against
    EmailMessage(policy=SMTP): same headers and body once parsed, no defects.
    """
    from email.header import Header
    from email.quoprimime import body_encode

    # Addresses are ASCII (the loader's pattern) and the subject is one line
    # (build_draft). Runs of plain words stay readable; a run with non-ASCII
    # text, a look-alike of an encoded word or a word too long to fold is
    # RFC 2047-encoded. Header folds the result at 78 columns.
    subject = Header(header_name="Subject")
    for plain, words in groupby(draft.subject.split(" "), key=_plain_word):
        subject.append(" ".join(words), "us-ascii" if plain else "utf-8")
    headers = [f"To: {draft.to}"] if draft.to else []
    headers += [
        "Subject: " + subject.encode(linesep="\r\n"),
        f"Date: {_rfc5322_date(draft.created)}",
        "X-Unsent: 1",
        "X-Kela-Ohjaus: " + Header(origin(draft), "us-ascii", header_name="X-Kela-Ohjaus").encode(linesep="\r\n"),
        'Content-Type: text/plain; charset="utf-8"',
        "Content-Transfer-Encoding: quoted-printable",
        "MIME-Version: 1.0",
    ]
    # Each byte of the UTF-8 text as one character, so =XX escapes are bytes.
    lines = draft.body.encode("utf-8").splitlines()
    body = body_encode((b"\n".join(lines) + b"\n").decode("latin-1"), maxlinelen=76)
    return ("\r\n".join(headers) + "\r\n\r\n" + body.replace("\n", "\r\n")).encode("ascii")


def origin(draft: Draft) -> str:
    """Where the draft came from, for the X-Kela-Ohjaus header (ASCII ids only, never field values):
    the tool and data versions, the decision tree and the path taken. The body stays the provider's."""
    from . import __version__

    path = " ".join(draft.path_ids) or "-"
    return (
        f"kela-ohjaus {__version__}; tiedot {draft.data_version}; puu {draft.flow_id}@{draft.flow_hash}; "
        f"kohde {draft.outcome}; polku {path}"
    )


def render_mailto(draft: Draft) -> str:
    """RFC 6068 mailto: URI (spaces as %20, line breaks as %0D%0A)."""
    from urllib.parse import quote

    def enc(text: str) -> str:
        return quote(text.replace("\r\n", "\n").replace("\n", "\r\n"), safe="")

    to = quote(draft.to or "", safe="@")
    return f"mailto:{to}?subject={enc(draft.subject)}&body={enc(draft.body)}"


def draft_dict(draft: Draft) -> dict:
    return {
        "outcome": draft.outcome,
        "title": draft.title,
        "channel": draft.channel,
        "to": draft.to,
        "subject": draft.subject,
        "body": draft.body,
        "path": [{"question": q, "answer": a} for q, a in draft.path],
        "fields": draft.fields,
        "instructions": list(draft.instructions),
        "contact": {
            "id": draft.contact.id,
            "name": draft.contact.name,
            "kind": draft.contact.kind,
            "handled_by": draft.contact.handled_by,
        },
        "flow": {"id": draft.flow_id, "hash": draft.flow_hash, "data_version": draft.data_version},
        "path_ids": list(draft.path_ids),
        "tool": tool_version(),
        "created": draft.created,
    }


def tool_version() -> str:
    from . import __version__

    return f"kela-ohjaus {__version__}"


def render_json(draft: Draft) -> str:
    import json

    return json.dumps(draft_dict(draft), ensure_ascii=False, indent=2) + "\n"


RENDERERS = {"text": render_text, "eml": render_eml, "mailto": render_mailto, "json": render_json}
