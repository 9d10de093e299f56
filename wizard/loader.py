"""Read and validate the contact directory and decision trees.

Every problem is collected and reported at once as `FILE:LINE: message`
(see errors.Problem); nothing here raises anything but DataError/UsageError.
"""

from __future__ import annotations

import os
import re
import string

# tomli, not the stdlib tomllib: the same parser, but its mypyc-compiled wheel
# parses 2.5x faster, which matters for check on large trees (bench/scale.py).
import tomli

from .digest import content_digest
from .errors import DataError, Problem, UsageError
from .gcpause import gc_paused
from .model import (
    CHANNEL_KINDS,
    DRAFT_FIELD_KEYS,
    FIELD_KEYS,
    Contact,
    DraftTemplate,
    FieldSpec,
    Flow,
    Hours,
    Option,
    Outcome,
    Question,
)
from .textsafe import CONTROL as _CONTROL
from .tomlpos import LineIndex

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~3 ms)
if TYPE_CHECKING:
    from typing import Any

MAX_FILE_BYTES = 8 * 1024 * 1024  # a 10,000-node flow is ~2 MB
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_EMAIL = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._%+-]*[A-Za-z0-9])?@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
# Escapes in TOML strings that decode to a character of the control rule
# (textsafe.CONTROL, checked on the raw text): \b \f \r, C0, DEL, C1, bidi.
_CONTROL_ESCAPE = re.compile(
    r"\\(?:[bfr]|u00[01][0-9a-fA-F]|u00[89][0-9a-fA-F]|u007[fF]|U0000(?:00[01]|00[89]|007)[0-9a-fA-F]"
    r"|u202[a-eA-E]|u206[6-9]|U0000202[a-eA-E]|U0000206[6-9])"
)
_TOML_POS = re.compile(r"\(at line (\d+), column \d+\)")

# Template placeholders a flow's texts may use.
DRAFT_NAMES = frozenset(
    {"greeting", "subject", "path", "data_version", "flow_id", "flow_hash", "topic", "outcome", "to", *DRAFT_FIELD_KEYS}
)
SAY_NAMES = frozenset({"address", "name", "handled_by", "hours", "topic", "url", "topics"})

# Schema: key -> (type, required). `list` means list of non-empty strings.
_STR, _LIST, _ANY_STR, _TABLES = "string", "list of strings", "text", "list of tables"
CONTACT_KEYS = {
    "name": (_STR, True),
    "kind": (_STR, True),
    "handled_by": (_STR, True),
    "section": (_STR, False),
    "address": (_STR, False),
    "url": (_STR, False),
    "sender": (_STR, False),
    "hours_text": (_STR, False),
    "hours": ("table", False),
    "topics": (_LIST, False),
    "notes": (_LIST, False),
    "missing": (_LIST, False),
}
HOURS_KEYS = {
    "days": ("list of ISO weekday numbers 1-7", True),
    "open": (_STR, True),
    "close": (_STR, True),
    "timezone": (_STR, True),
}
META_KEYS = {"source_title": (_STR, False), "source_file": (_STR, False), "version": (_STR, True)}
FLOW_KEYS = {"id": (_STR, True), "title": (_STR, True), "root": (_STR, True)}
QUESTION_KEYS = {"text": (_STR, True), "help": (_STR, False), "option": (_TABLES, True)}
OPTION_KEYS = {
    "id": (_STR, True),
    "label": (_STR, True),
    "next": (_STR, True),
    "hint": (_STR, False),
    "keywords": (_LIST, False),
}
OUTCOME_KEYS = {
    "title": (_STR, True),
    "contact": (_STR, True),
    "subject": (_STR, True),
    "topic": (_STR, False),
    "keywords": (_LIST, False),
}
DRAFT_KEYS = {
    "subject": (_STR, True),
    "subject_no_provider": (_STR, True),
    "greeting": (_STR, True),
    "body": (_STR, True),
    "include": (_STR, False),  # what the caller should put in the message (said at e-mail outcomes)
}
FIELD_SPEC_KEYS = {"label": (_STR, True), "placeholder": (_ANY_STR, True)}  # placeholder may be ""


_MISSING = object()
_TYPE_CHECKS = {
    _STR: lambda item: isinstance(item, str),
    _ANY_STR: lambda item: isinstance(item, str),
    _LIST: lambda item: isinstance(item, list) and all(isinstance(v, str) for v in item),
    "table": lambda item: isinstance(item, dict),
    _TABLES: lambda item: isinstance(item, list) and all(isinstance(v, dict) for v in item),
    "list of ISO weekday numbers 1-7": lambda item: (
        isinstance(item, list) and all(isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 7 for v in item)
    ),
}


def _describe(path: tuple) -> str:
    """How messages name a question, an option or an outcome, from its path."""
    if len(path) == 4 and path[0] == "question" and path[2] == "option":
        return f"option {path[3] + 1} of question '{path[1]}'"
    return f"{path[0]} '{path[1]}'"


def _conforms(value: dict, spec: dict[str, tuple[str, bool]]) -> bool:
    """The fast yes of table(): every value present and of its kind (a 10,000-node
    file has ~20,000 tables); any doubt goes to the slow path, which names the problem."""
    for key, (kind, required) in spec.items():
        item = value.get(key, _MISSING)
        if item is _MISSING:
            if required:
                return False
        elif kind is _STR:
            if type(item) is not str or not item.strip():
                return False
        elif kind is _LIST:
            if type(item) is not list:
                return False
            try:
                if not all(map(str.strip, item)):
                    return False
            except TypeError:  # a non-string entry
                return False
        elif not _TYPE_CHECKS[kind](item):
            return False
    return True


class _Doc:
    """One parsed TOML file plus what is needed to point at its lines."""

    def __init__(self, path: str, problems: list[Problem]) -> None:
        self.name = str(path)
        self.problems = problems
        self.data: dict[str, Any] = {}
        self.raw = b""
        self.text = ""
        self._index: LineIndex | None = None  # made on the first problem (see index)
        self.ok = False
        text = self._read(path)
        if text is None:
            return
        self.text = text
        try:
            self.data = tomli.loads(text)
        except tomli.TOMLDecodeError as exc:
            found = _TOML_POS.search(str(exc))
            message = _TOML_POS.sub("", str(exc)).strip()
            line = int(found.group(1)) if found else None
            if line is None and "end of document" in message:
                line = text.count("\n") + (0 if text.endswith("\n") else 1)
            self.problem(line, f"TOML syntax error: {message}")
            return
        except RecursionError:
            self.problem(None, "TOML nesting is too deep to be a data file")
            return
        # Walk every string only when the text could hold a control character:
        # a literal one, or a TOML escape that makes one (\b, \f, \r, \u00XX, ...).
        if _CONTROL.search(text) or _CONTROL_ESCAPE.search(text):
            self._reject_control_characters(self.data, ())
        self.ok = True

    def _reject_control_characters(self, value: Any, path: tuple) -> None:
        """Data is shown in terminals and mail headers: no escape sequences, NULs or CRs."""
        if isinstance(value, str):
            if found := _CONTROL.search(value):
                self.problem(
                    path, f"control character U+{ord(found.group()):04X} in a string (escape sequences are not allowed)"
                )
        elif isinstance(value, dict):
            for key, item in value.items():
                self._reject_control_characters(item, (*path, key))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                self._reject_control_characters(item, (*path, i))

    def _read(self, path: str) -> str | None:
        if not os.path.exists(path):
            raise UsageError(f"{path}: file not found (tiedostoa ei löydy)")
        if os.path.isdir(path):
            raise UsageError(f"{path}: is a directory, not a TOML file (hakemisto, ei tiedosto)")
        try:
            size = os.stat(path).st_size
            if size > MAX_FILE_BYTES:
                self.problem(None, f"file is {size} bytes; a data file may be at most {MAX_FILE_BYTES} bytes")
                return None
            with open(path, "rb") as handle:
                self.raw = handle.read()
        except OSError as exc:
            raise UsageError(f"{path}: cannot read: {exc.strerror or exc}") from None
        if not self.raw.strip():
            self.problem(None, "file is empty")
            return None
        try:
            text = self.raw.decode("utf-8-sig")  # a leading BOM is harmless; accept it
        except UnicodeDecodeError as exc:
            line = self.raw[: exc.start].count(b"\n") + 1
            self.problem(line, f"not valid UTF-8 (byte 0x{self.raw[exc.start]:02x} at offset {exc.start})")
            return None
        if "\x00" in text:
            self.problem(text[: text.index("\x00")].count("\n") + 1, "contains a NUL byte; not a text file")
            return None
        return text

    @property
    def index(self) -> LineIndex:
        """Line numbers, computed only once there is a problem to point at."""
        if self._index is None:
            self._index = LineIndex(self.text)
        return self._index

    def problem(self, where: int | tuple | None, message: str) -> None:
        line = self.index.line(where) if isinstance(where, tuple) else where
        self.problems.append(Problem(self.name, line, message))

    # -- schema helpers ------------------------------------------------
    def table(
        self, value: Any, path: tuple, spec: dict[str, tuple[str, bool]], what: str | None = None
    ) -> dict[str, Any] | None:
        """Check one table against its spec; `what` names it in messages (by default
        named from its path, and only once there is a problem to report)."""
        if type(value) is dict and value.keys() <= spec.keys() and _conforms(value, spec):
            return value
        return self._table_problems(value, path, spec, what or _describe(path))

    def _table_problems(
        self, value: Any, path: tuple, spec: dict[str, tuple[str, bool]], what: str
    ) -> dict[str, Any] | None:
        if type(value) is not dict:
            self.problem(path, f"{what} must be a table")
            return None
        if not value.keys() <= spec.keys():
            known = ", ".join(sorted(spec))
            for key in value.keys() - spec.keys():
                self.problem((*path, key), f"unknown key '{key}' in {what} (known: {known})")
        for key, (kind, required) in spec.items():
            item = value.get(key, _MISSING)
            if item is _MISSING:
                if required:
                    self.problem(path, f"{what} is missing required key '{key}'")
                continue
            if not _TYPE_CHECKS[kind](item):
                if isinstance(item, list) and kind.startswith("list"):
                    bad = next((i for i, v in enumerate(item) if not _TYPE_CHECKS[kind]([v])), 0)
                    found = _type_name(item[bad]) if item else "empty"
                    self.problem((*path, key), f"'{key}' in {what} must be a {kind}; entry {bad + 1} is {found}")
                else:
                    self.problem((*path, key), f"'{key}' in {what} must be a {kind}, not {_type_name(item)}")
            elif kind == _STR and not item.strip():
                self.problem((*path, key), f"'{key}' in {what} is empty")
            elif kind == _LIST and not all(v.strip() for v in item):
                self.problem((*path, key), f"'{key}' in {what} has an empty entry")
        return value

    def ids(self, section: str) -> dict[str, Any]:
        value = self.data.get(section, {})
        if not isinstance(value, dict):
            self.problem((section,), f"[{section}] must be a table of tables")
            return {}
        for key in value:
            if not _ID.match(key):
                self.problem((section, key), f"id '{key}' must be lower-case letters, digits, '_' or '-'")
        return value


def _type_name(value: Any) -> str:
    names = {
        str: "a string",
        int: "an integer",
        float: "a number",
        bool: "a boolean",
        list: "an array",
        dict: "a table",
    }
    return names.get(type(value), f"a {type(value).__name__}")  # date, datetime, time


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _strings(value: Any) -> tuple[str, ...]:
    if type(value) is not list:
        return ()
    strings = tuple(value)
    # table() has reported any non-string entry; keep only the strings here
    return strings if all(type(v) is str for v in strings) else tuple(v for v in strings if isinstance(v, str))


def _check_template(doc: _Doc, path: tuple, text: Any, allowed: frozenset[str], what: str) -> None:
    if not isinstance(text, str) or "$" not in text:
        return  # no placeholder: nothing to check (most subjects)
    template = string.Template(text)
    if not template.is_valid():
        doc.problem(path, f"{what}: invalid placeholder syntax (use ${{name}}; write $$ for a dollar sign)")
        return
    for name in template.get_identifiers():
        if name not in allowed:
            doc.problem(path, f"{what}: unknown placeholder ${{{name}}} (known: {', '.join(sorted(allowed))})")


# ---------------------------------------------------------------- contacts


def _load_contacts(doc: _Doc) -> tuple[dict[str, Contact], str]:
    for key in doc.data:
        if key not in ("meta", "contact"):
            doc.problem((key,), f"unknown top-level key '{key}' in contacts file (known: contact, meta)")
    meta = doc.table(doc.data.get("meta", {}), ("meta",), META_KEYS, "[meta]") or {}
    contacts: dict[str, Contact] = {}
    raw = doc.ids("contact")
    if not raw:
        doc.problem(None, "no [contact.ID] tables found")
    for cid, value in raw.items():
        path = ("contact", cid)
        table = doc.table(value, path, CONTACT_KEYS, f"contact '{cid}'")
        if table is None:
            continue
        kind = _text(table.get("kind"))
        if kind and kind not in CHANNEL_KINDS:
            doc.problem((*path, "kind"), f"contact '{cid}': kind '{kind}' is not one of {', '.join(CHANNEL_KINDS)}")
        address = table.get("address")
        if kind == "email":
            if not isinstance(address, str):
                doc.problem(path, f"contact '{cid}' has kind 'email' but no address")
            elif not _EMAIL.match(address):
                doc.problem((*path, "address"), f"contact '{cid}': malformed e-mail address '{address}'")
        elif address is not None:
            doc.problem((*path, "address"), f"contact '{cid}': only kind 'email' may have an address")
        hours = None
        if "hours" in table and isinstance(table["hours"], dict):
            h = doc.table(table["hours"], (*path, "hours"), HOURS_KEYS, f"contact '{cid}' hours")
            if h is not None:
                for key in ("open", "close"):
                    if isinstance(h.get(key), str) and not _HHMM.match(h[key]):
                        doc.problem((*path, "hours"), f"contact '{cid}': hours.{key} must be HH:MM, not '{h[key]}'")
                if isinstance(h.get("timezone"), str) and not _valid_zone(h["timezone"]):
                    doc.problem((*path, "hours"), f"contact '{cid}': unknown time zone '{h['timezone']}'")
                hours = Hours(
                    tuple(d for d in h.get("days", []) if isinstance(d, int)),
                    _text(h.get("open")),
                    _text(h.get("close")),
                    _text(h.get("timezone")),
                )
        contacts[cid] = Contact(
            id=cid,
            name=_text(table.get("name")),
            kind=kind,
            handled_by=_text(table.get("handled_by")),
            section=_text(table.get("section")),
            address=address if isinstance(address, str) else None,
            url=table.get("url") if isinstance(table.get("url"), str) else None,
            sender=table.get("sender") if isinstance(table.get("sender"), str) else None,
            hours_text=table.get("hours_text") if isinstance(table.get("hours_text"), str) else None,
            hours=hours,
            topics=_strings(table.get("topics")),
            notes=_strings(table.get("notes")),
            missing=_strings(table.get("missing")),
        )
    seen: dict[str, str] = {}
    for cid, contact in contacts.items():
        if contact.address:
            folded = contact.address.lower()
            if folded in seen:
                doc.problem(
                    ("contact", cid, "address"), f"address '{contact.address}' is also used by contact '{seen[folded]}'"
                )
            seen[folded] = cid
    return contacts, _text(meta.get("version"))


def _valid_zone(name: str) -> bool:
    from zoneinfo import ZoneInfo  # lazily: only contacts with hours need it

    try:
        ZoneInfo(name)
    except (ValueError, KeyError, OSError):
        return False
    return True


# ---------------------------------------------------------------- flow


def _load_flow_doc(doc: _Doc, contacts: dict[str, Contact]) -> dict[str, Any]:
    for key in doc.data:
        if key not in ("flow", "question", "outcome", "say", "draft", "field"):
            doc.problem((key,), f"unknown top-level key '{key}' (known: draft, field, flow, outcome, question, say)")
    head = doc.table(doc.data.get("flow"), ("flow",), FLOW_KEYS, "[flow]") if "flow" in doc.data else None
    if head is None and "flow" not in doc.data:
        doc.problem(None, "missing [flow] table with id, title and root")
    head = head or {}
    questions: dict[str, Question] = {}
    outcomes: dict[str, Outcome] = {}
    raw_questions = doc.ids("question")
    raw_outcomes = doc.ids("outcome")
    for qid in raw_questions.keys() & raw_outcomes.keys():
        doc.problem(("outcome", qid), f"id '{qid}' is used by both a question and an outcome")
    for qid, value in raw_questions.items():
        path = ("question", qid)
        table = doc.table(value, path, QUESTION_KEYS)
        if table is None:
            continue
        options: list[Option] = []
        raw_options = table.get("option", [])
        if isinstance(raw_options, list) and not raw_options:
            doc.problem(path, f"question '{qid}' has no options")
        seen: set[str] = set()
        for i, raw in enumerate(raw_options if isinstance(raw_options, list) else []):
            opath = (*path, "option", i)
            opt = doc.table(raw, opath, OPTION_KEYS)
            if opt is None:
                continue
            option = Option(
                _text(opt.get("id")),
                _text(opt.get("label")),
                _text(opt.get("next")),
                _strings(opt.get("keywords")),
                _text(opt.get("hint")),
            )
            if option.id in seen:
                doc.problem((*opath, "id"), f"question '{qid}' has two options with id '{option.id}'")
            seen.add(option.id)
            options.append(option)
        questions[qid] = Question(qid, _text(table.get("text")), tuple(options), _text(table.get("help")))
    for oid, value in raw_outcomes.items():
        path = ("outcome", oid)
        table = doc.table(value, path, OUTCOME_KEYS)
        if table is None:
            continue
        topic = table.get("topic")
        outcome = Outcome(
            oid,
            _text(table.get("title")),
            _text(table.get("contact")),
            _text(table.get("subject")),
            topic if isinstance(topic, str) else None,
            _strings(table.get("keywords")),
        )
        cid, topic = outcome.contact, outcome.topic
        if cid and cid not in contacts:
            doc.problem((*path, "contact"), f"outcome '{oid}' points to unknown contact '{cid}'")
        if topic and cid in contacts and topic not in contacts[cid].topics:
            doc.problem((*path, "topic"), f"outcome '{oid}': topic '{topic}' is not one of contact '{cid}' topics")
        outcomes[oid] = outcome
    for oid, outcome in outcomes.items():
        _check_template(doc, ("outcome", oid, "subject"), outcome.subject, frozenset(), f"outcome '{oid}' subject")

    say = doc.data.get("say", {})
    if not isinstance(say, dict):
        doc.problem(("say",), "[say] must be a table")
        say = {}
    for kind, text in say.items():
        if kind not in CHANNEL_KINDS:
            doc.problem(("say", kind), f"[say] has unknown channel kind '{kind}'")
        elif not isinstance(text, str) or not text.strip():
            doc.problem(("say", kind), f"[say] {kind} must be a non-empty string")
        else:
            _check_template(doc, ("say", kind), text, SAY_NAMES, f"[say] {kind}")
    used_kinds = {contacts[o.contact].kind for o in outcomes.values() if o.contact in contacts}
    for kind in sorted(used_kinds - say.keys()):
        doc.problem(("say",), f"[say] has no script for channel kind '{kind}' used by an outcome")

    draft = None
    if "draft" not in doc.data:
        doc.problem(None, "missing [draft] table with the e-mail templates")
    else:
        d = doc.table(doc.data["draft"], ("draft",), DRAFT_KEYS, "[draft]")
        if d is not None:
            for key in DRAFT_KEYS:
                _check_template(doc, ("draft", key), d.get(key), DRAFT_NAMES, f"[draft] {key}")
            draft = DraftTemplate(*(_text(d.get(k)) for k in DRAFT_KEYS))

    fields: dict[str, FieldSpec] = {}
    raw_fields = doc.data.get("field", {})
    if not isinstance(raw_fields, dict):
        doc.problem(("field",), "[field] must be a table of tables")
        raw_fields = {}
    for key, value in raw_fields.items():
        if key not in FIELD_KEYS:
            doc.problem(("field", key), f"unknown field '{key}' (known: {', '.join(FIELD_KEYS)})")
            continue
        spec = doc.table(value, ("field", key), FIELD_SPEC_KEYS, f"field '{key}'") if isinstance(value, dict) else None
        if spec is None:
            if not isinstance(value, dict):
                doc.problem(("field", key), f"field '{key}' must be a table")
            continue
        fields[key] = FieldSpec(key, _text(spec.get("label")), _text(spec.get("placeholder")))
    for key in FIELD_KEYS:
        if key not in fields and isinstance(raw_fields, dict) and key not in raw_fields:
            doc.problem(("field",), f"missing [field.{key}] with label and placeholder")

    return {"head": head, "questions": questions, "outcomes": outcomes, "say": say, "draft": draft, "fields": fields}


def _graph_checks(doc: _Doc, root: str, questions: dict[str, Question], outcomes: dict[str, Outcome]) -> dict:
    nodes = questions.keys() | outcomes.keys()
    if root and root not in questions:
        what = "an outcome" if root in outcomes else "a missing node"
        doc.problem(("flow", "root"), f"root '{root}' must be a question, but it is {what}")
    for qid, q in questions.items():
        for i, opt in enumerate(q.options):
            if opt.next and opt.next not in nodes:
                doc.problem(
                    ("question", qid, "option", i, "next"),
                    f"option '{opt.id}' of '{qid}': next '{opt.next}' does not exist",
                )
    # Canonical paths: breadth-first from the root, options in file order, so
    # the shortest (and first-written) route to each node wins.
    paths: dict[str, tuple[tuple[str, str], ...]] = {}
    if root in questions:
        paths[root] = ()
        queue = [root]
        for qid in queue:  # grows while it is walked: breadth-first without pop(0)
            for opt in questions[qid].options:
                if opt.next in nodes and opt.next not in paths:
                    paths[opt.next] = (*paths[qid], (qid, opt.id))
                    if opt.next in questions:
                        queue.append(opt.next)
    for nid in sorted(nodes - paths.keys()):
        kind = "question" if nid in questions else "outcome"
        if root in questions:
            doc.problem((kind, nid), f"{kind} '{nid}' cannot be reached from root '{root}'")
    # Cycles: iterative DFS with colours (recursion would overflow on deep trees).
    colour: dict[str, int] = {}
    for start in questions:
        if colour.get(start):
            continue
        stack = [(start, iter(questions[start].options))]
        colour[start] = 1
        while stack:
            qid, it = stack[-1]
            for opt in it:
                nxt = opt.next
                if nxt not in questions:
                    continue
                if colour.get(nxt) == 1:
                    i = next(k for k, o in enumerate(questions[qid].options) if o is opt)
                    doc.problem(
                        ("question", qid, "option", i, "next"),
                        f"cycle: option '{opt.id}' of '{qid}' leads back to '{nxt}'",
                    )
                elif not colour.get(nxt):
                    colour[nxt] = 1
                    stack.append((nxt, iter(questions[nxt].options)))
                    break
            else:
                colour[qid] = 2
                stack.pop()
    return paths


def _content_hash(*blobs: bytes) -> str:
    """12 hex digits over the files' bytes: any edit, even to a comment, marks a new tree."""
    return content_digest(*blobs, size=6)


@gc_paused
def load(flow_file: os.PathLike | str, contacts_file: os.PathLike | str) -> Flow:
    """Load and validate one flow with its contacts; raise DataError listing every problem."""
    problems: list[Problem] = []
    flow_file, contacts_file = os.fspath(flow_file), os.fspath(contacts_file)
    cdoc = _Doc(contacts_file, problems)
    contacts, version = _load_contacts(cdoc) if cdoc.ok else ({}, "")
    fdoc = _Doc(flow_file, problems)
    if not fdoc.ok:
        raise DataError(problems)
    parts = _load_flow_doc(fdoc, contacts)
    head = parts["head"]
    paths = _graph_checks(fdoc, _text(head.get("root")), parts["questions"], parts["outcomes"])
    if problems:
        raise DataError(problems)
    return Flow(
        id=head["id"],
        title=head["title"],
        root=head["root"],
        questions=parts["questions"],
        outcomes=parts["outcomes"],
        contacts=contacts,
        say=parts["say"],
        draft=parts["draft"],
        fields=parts["fields"],
        content_hash=_content_hash(cdoc.raw, fdoc.raw),
        data_version=version,
        source=str(flow_file),
        paths=paths,
    )
