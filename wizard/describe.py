"""Plain-data descriptions of outcomes, shared by the CLI's JSON and both front ends."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .drafts import say_lines
from .model import Contact, Flow
from .spoken import spoken

if TYPE_CHECKING:
    from datetime import datetime


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
