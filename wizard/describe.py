"""Plain-data descriptions of outcomes, shared by the CLI's JSON and both front ends."""

from __future__ import annotations

import string

from .model import Contact, Flow, Outcome
from .spoken import spoken

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~3 ms)
if TYPE_CHECKING:
    from datetime import datetime
    from typing import Any


def say_lines(flow: Flow, outcome: Outcome) -> tuple[str, ...]:
    """What to tell the caller: the channel script, then what the seed lacks."""
    contact = flow.contact_of(outcome)
    values = {
        "address": contact.address or "",
        "name": contact.name,
        "handled_by": contact.handled_by,
        "hours": contact.hours_text or "",
        "topic": outcome.topic or outcome.title,
        "url": contact.url or "",
        "topics": ", ".join(contact.topics),
    }
    lines = [string.Template(flow.say[contact.kind]).safe_substitute(values)] if contact.kind in flow.say else []
    if contact.kind == "email" and flow.draft.include:
        lines.append(flow.draft.include)
    return (*lines, *contact.missing)


# How each channel kind is named in the Finnish UI (the kinds themselves are the JSON contract).
CHANNEL_NAMES = {
    "email": "sähköposti",
    "phone": "puhelin",
    "chat": "chat",
    "extranet": "Extranet",
    "contact-person": "yhteyshenkilö",
    "web": "verkkosivu",
}


def channel_line(contact: Contact) -> str:
    """One line naming the channel: the address, or what stands in for one."""
    if contact.kind == "email":
        return contact.address or ""
    if contact.kind == "chat":
        return f"{contact.name} ({contact.hours_text})" if contact.hours_text else contact.name
    if contact.kind == "web" and contact.url:
        return f"{contact.name}: {contact.url}"
    return contact.name


def open_info(contact: Contact, now: datetime) -> dict[str, Any] | None:
    if contact.hours is None:
        return None
    from .hours import open_state

    state = open_state(contact.hours, now)
    return {
        "open_now": state.open_now,
        "next_open": state.next_open.isoformat() if state.next_open else None,
        "text": state.describe(),
    }


def outcome_info(flow: Flow, outcome_id: str, now: datetime | None = None) -> dict[str, Any]:
    outcome = flow.outcomes[outcome_id]
    contact = flow.contact_of(outcome)
    info: dict[str, Any] = {
        "id": outcome.id,
        "title": outcome.title,
        "channel": contact.kind,
        "email": contact.address if contact.kind == "email" else None,
        "spoken": spoken(contact.address) if contact.address else None,
        "contact": contact.id,
        "contact_name": contact.name,
        "handled_by": contact.handled_by,
        "path": flow.path_labels(outcome.id),
        "topic": outcome.topic,
        "instructions": list(say_lines(flow, outcome)),
    }
    if contact.hours is not None and now is not None:
        opened = open_info(contact, now)
        info["open_now"] = opened["open_now"] if opened else None
        info["next_open"] = opened["next_open"] if opened else None
    return info
