"""Immutable data model shared by the loader, the engine and every front end."""

from __future__ import annotations

from dataclasses import dataclass, field

CHANNEL_KINDS = ("email", "phone", "chat", "extranet", "contact-person", "web")
# Field keys are a public contract (CLI `--field KEY=VALUE`, records, JSON).
FIELD_KEYS = ("provider", "business_id", "contact", "phone", "email", "description", "notes")
# Fields that end up in the e-mail; `notes` are the agent's own and stay private.
DRAFT_FIELD_KEYS = FIELD_KEYS[:-1]


@dataclass(frozen=True, slots=True)
class Hours:
    """Opening hours in a structured form (ISO weekdays, HH:MM, IANA zone)."""

    days: tuple[int, ...]
    open: str
    close: str
    timezone: str


@dataclass(frozen=True, slots=True)
class Contact:
    id: str
    name: str
    kind: str
    handled_by: str
    section: str = ""
    address: str | None = None
    url: str | None = None
    sender: str | None = None
    hours_text: str | None = None
    hours: Hours | None = None
    topics: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Option:
    id: str
    label: str
    next: str
    keywords: tuple[str, ...] = ()
    hint: str = ""  # shown after the label; not part of the breadcrumb


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    text: str
    options: tuple[Option, ...]
    help: str = ""

    def option(self, option_id: str) -> Option | None:
        for opt in self.options:
            if opt.id == option_id:
                return opt
        return None


@dataclass(frozen=True, slots=True)
class Outcome:
    id: str
    title: str
    contact: str
    subject: str
    topic: str | None = None
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FieldSpec:
    key: str
    label: str
    placeholder: str


@dataclass(frozen=True, slots=True)
class DraftTemplate:
    subject: str
    subject_no_provider: str
    greeting: str
    body: str


@dataclass(frozen=True, slots=True)
class Flow:
    """A validated decision tree with its contact directory."""

    id: str
    title: str
    root: str
    questions: dict[str, Question]
    outcomes: dict[str, Outcome]
    contacts: dict[str, Contact]
    say: dict[str, str]
    draft: DraftTemplate
    fields: dict[str, FieldSpec]
    content_hash: str
    data_version: str
    source: str = ""
    # Canonical path from the root to every node: ((question_id, option_id), ...).
    paths: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)

    def node(self, node_id: str) -> Question | Outcome | None:
        return self.questions.get(node_id) or self.outcomes.get(node_id)

    def contact_of(self, outcome: Outcome) -> Contact:
        return self.contacts[outcome.contact]

    def path_labels(self, node_id: str) -> list[str]:
        return [self.questions[q].option(o).label for q, o in self.paths.get(node_id, ())]  # type: ignore[union-attr]
