"""Immutable data model shared by the loader, the engine and every front end.

NamedTuples rather than dataclasses: `import dataclasses` alone costs ~15 ms
(it pulls in inspect), more than the whole start-up budget of the scriptable
commands (see bench/startup.py). NamedTuples are just as typed and frozen.
"""

from __future__ import annotations

from typing import NamedTuple

CHANNEL_KINDS = ("email", "phone", "chat", "extranet", "contact-person", "web")
# Field keys are a public contract (CLI `--field KEY=VALUE`, records, JSON).
FIELD_KEYS = ("provider", "business_id", "contact", "phone", "email", "description", "notes")
# Fields that end up in the e-mail; `notes` are the agent's own and stay private.
DRAFT_FIELD_KEYS = FIELD_KEYS[:-1]


class Hours(NamedTuple):
    """Opening hours in a structured form (ISO weekdays, HH:MM, IANA zone)."""

    days: tuple[int, ...]
    open: str
    close: str
    timezone: str


class Contact(NamedTuple):
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


class Option(NamedTuple):
    id: str
    label: str
    next: str
    keywords: tuple[str, ...] = ()
    hint: str = ""  # shown after the label; not part of the breadcrumb


class Question(NamedTuple):
    id: str
    text: str
    options: tuple[Option, ...]
    help: str = ""

    def option(self, option_id: str) -> Option | None:
        for opt in self.options:
            if opt.id == option_id:
                return opt
        return None


class Outcome(NamedTuple):
    id: str
    title: str
    contact: str
    subject: str
    topic: str | None = None
    keywords: tuple[str, ...] = ()


class FieldSpec(NamedTuple):
    key: str
    label: str
    placeholder: str


class DraftTemplate(NamedTuple):
    subject: str
    subject_no_provider: str
    greeting: str
    body: str
    include: str = ""


class Flow(NamedTuple):
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
    # Canonical path from the root to every node: ((question_id, option_id), ...).
    paths: dict[str, tuple[tuple[str, str], ...]]
    source: str = ""

    def node(self, node_id: str) -> Question | Outcome | None:
        return self.questions.get(node_id) or self.outcomes.get(node_id)

    def contact_of(self, outcome: Outcome) -> Contact:
        return self.contacts[outcome.contact]

    def path_labels(self, node_id: str) -> list[str]:
        return [self.questions[q].option(o).label for q, o in self.paths.get(node_id, ())]  # type: ignore[union-attr]
