"""Immutable data model shared by the loader, the engine and every front end.

Each record is a NamedTuple declared once: one line per field with its type
and default, and still a tuple (hashable, comparable, cheap). NamedTuple is
typing.NamedTuple to type checkers and the same record built without importing
typing at run time (named_tuple.py: the import costs a tenth of a scriptable
command's start-up guard). The data cache (data_cache.py) walks `_fields`, so
adding a field is one line here, plus the loader reading it from the data.
Not dataclasses: `import dataclasses` costs ~15 ms (it pulls in inspect).
"""

from __future__ import annotations

from .channels import CHANNEL_KINDS as CHANNEL_KINDS  # re-exported: the loader checks `kind`
from .fields import DRAFT_FIELD_KEYS as DRAFT_FIELD_KEYS  # re-exported (fields.py)
from .fields import FIELD_KEYS as FIELD_KEYS
from .named_tuple import NamedTuple
from .paths import Paths


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
    phone: str | None = None
    source: str = ""  # id of the page every fact of this contact comes from...
    field_sources: tuple[tuple[str, str], ...] = ()  # ...unless a fact is named here: (field, source id)
    # For a page whose facts are not in Finnish: (field, the page's own words behind each
    # Finnish value of that field, in order), e.g. ("topics", ("the service language", ...)).
    in_source: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def source_of(self, field: str) -> str:
        """The source id of one fact (a field name such as 'phone' or 'topics')."""
        for name, source in self.field_sources:
            if name == field:
                return source
        return self.source


class Source(NamedTuple):
    """A page of Kela's that facts are copied from (data/contacts.toml [source.ID])."""

    id: str
    title: str
    url: str
    copied: str = ""  # YYYY-MM-DD the copy was taken, or "" when not recorded
    note: str = ""


class Option(NamedTuple):
    id: str
    label: str
    next: str
    keywords: tuple[str, ...] = ()
    hint: str = ""  # shown after the label; not part of the breadcrumb
    source: str = ""  # source id of the label/hint when they state a fact ("" = the flow's source)


class Question(NamedTuple):
    id: str
    text: str
    options: tuple[Option, ...]
    help: str = ""
    source: str = ""  # source id of the help text ("" = the flow's source)

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
    source: str = ""  # "" = its contact's source
    notice: str = ""  # one of its contact's notes, said at this outcome ("" = none)


class FieldSpec(NamedTuple):
    key: str
    label: str
    placeholder: str


class DraftTemplate(NamedTuple):
    """The e-mail's templates ([draft] in the flow file); Session.draft() fills them in."""

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
    draft_template: DraftTemplate  # the flow file's [draft] table
    fields: dict[str, FieldSpec]
    content_hash: str
    data_version: str
    # Canonical path from the root to every node: ((question_id, option_id), ...), one link per node.
    paths: Paths
    source: str = ""  # the flow file's path
    sources: dict[str, Source] = {}  # the pages facts come from, by id
    facts_source: str = ""  # source id of the flow's own texts (help, say scripts) unless one names another

    def node(self, node_id: str) -> Question | Outcome | None:
        return self.questions.get(node_id) or self.outcomes.get(node_id)

    def contact_of(self, outcome: Outcome) -> Contact:
        return self.contacts[outcome.contact]

    def source_of(self, outcome: Outcome) -> Source | None:
        """The page an outcome's facts come from (its own, else its contact's)."""
        return self.sources.get(outcome.source or self.contact_of(outcome).source)

    def path_labels(self, node_id: str) -> list[str]:
        return [self.questions[q].option(o).label for q, o in self.paths.get(node_id, ())]  # type: ignore[union-attr]
