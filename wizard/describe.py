"""Plain-data descriptions of outcomes, shared by the CLI's JSON and both front ends."""

from __future__ import annotations

from .channels import CHANNEL_NAMES as CHANNEL_NAMES  # re-exported for older callers
from .model import Contact, Flow, Outcome, Source
from .spoken import spoken, spoken_phone

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~3 ms)
if TYPE_CHECKING:
    from datetime import datetime
    from typing import Any


def say_lines(flow: Flow, outcome: Outcome) -> tuple[str, ...]:
    """What to tell the caller: the channel script, the outcome's notice, then what the sources lack."""
    contact = flow.contact_of(outcome)
    values = {
        "phone": contact.phone or "",
        "notes": "\n".join(contact.notes),
        "address": contact.address or "",
        "name": contact.name,
        "handled_by": contact.handled_by,
        "hours": contact.hours_text or "",
        "topic": outcome.topic or outcome.title,
        "url": contact.url or "",
        "topics": ", ".join(contact.topics),
    }
    from string import Template  # here: `find` without --json never says a script

    script = Template(flow.say[contact.kind]).safe_substitute(values) if contact.kind in flow.say else ""
    lines = [line for line in script.split("\n") if line.strip()]
    if outcome.notice:
        lines.append(outcome.notice)
    if contact.kind == "email" and flow.draft_template.include:
        lines.append(flow.draft_template.include)
    return (*lines, *contact.missing)


def channel_line(contact: Contact) -> str:
    """One line naming the channel: the address, or what stands in for one."""
    if contact.kind == "email":
        return contact.address or ""
    if contact.kind == "phone" and contact.phone:
        hours = f" ({contact.hours_text})" if contact.hours_text else ""
        return f"{contact.name} {contact.phone}{hours}"
    if contact.kind == "chat":
        return f"{contact.name} ({contact.hours_text})" if contact.hours_text else contact.name
    if contact.kind == "web" and contact.url:
        return f"{contact.name}: {contact.url}"
    return contact.name


def channel_heading(contact: Contact) -> str:
    """The channel's kind and its line ("sähköposti: osoite@kela.fi"); the kind alone is not
    repeated where the contact is named after it (Extranet's line read "Extranet: Extranet")."""
    line = channel_line(contact)
    kind = CHANNEL_NAMES[contact.kind]
    return line if line.casefold() == kind.casefold() else f"{kind}: {line}"


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


def source_info(source: Source | None) -> dict[str, Any] | None:
    return {"id": source.id, "title": source.title, "url": source.url} if source else None


def source_lines(flow: Flow, outcome: Outcome) -> list[str]:
    """'Lähde: TITLE', and a line for each fact taken from another page (shown in both front ends)."""
    main = flow.source_of(outcome)
    lines = [f"Lähde: {main.title}"] if main else []
    contact = flow.contact_of(outcome)
    others: dict[str, list[str]] = {}
    for field, sid in contact.field_sources:
        if sid != (main.id if main else ""):
            others.setdefault(sid, []).append(FACT_NAMES.get(field, field))
    for sid, fields in others.items():
        if sid in flow.sources:
            lines.append(f"Lähde ({', '.join(fields)}): {flow.sources[sid].title}")
    return lines


# How facts are named in the source lines.
FACT_NAMES = {"phone": "puhelinnumero", "hours_text": "aukioloaika", "hours": "aukiolo", "address": "osoite"}


def outcome_info(flow: Flow, outcome_id: str, now: datetime | None = None) -> dict[str, Any]:
    outcome = flow.outcomes[outcome_id]
    contact = flow.contact_of(outcome)
    if contact.address:
        said = spoken(contact.address)
    elif contact.phone:
        said = spoken_phone(contact.phone)
    else:
        said = None
    info: dict[str, Any] = {
        "id": outcome.id,
        "title": outcome.title,
        "channel": contact.kind,
        "email": contact.address if contact.kind == "email" else None,
        "phone": contact.phone,
        "hours_text": contact.hours_text,
        "spoken": said,
        "contact": contact.id,
        "contact_name": contact.name,
        "handled_by": contact.handled_by,
        "path": flow.path_labels(outcome.id),
        "topic": outcome.topic,
        "instructions": list(say_lines(flow, outcome)),
        "source": source_info(flow.source_of(outcome)),
        # Every page this outcome's facts come from, with the facts each one gives.
        "sources": _all_sources(flow, outcome),
    }
    if contact.hours is not None and now is not None:
        opened = open_info(contact, now)
        info["open_now"] = opened["open_now"] if opened else None
        info["next_open"] = opened["next_open"] if opened else None
    return info


def _all_sources(flow: Flow, outcome: Outcome) -> list[dict[str, Any]]:
    contact = flow.contact_of(outcome)
    main = flow.source_of(outcome)
    by_source: dict[str, list[str]] = {}
    for field in ("address", "phone", "hours_text", "hours", "topics", "notes", "handled_by", "url"):
        value = getattr(contact, field, None)
        if value:
            sid = contact.source_of(field)
            by_source.setdefault(sid, []).append(field)
    if main:  # the outcome's own page first
        by_source = {main.id: by_source.pop(main.id, []), **by_source}
    return [
        {**(source_info(flow.sources[sid]) or {}), "facts": fields}
        for sid, fields in by_source.items()
        if sid in flow.sources
    ]
