"""The one decision engine every front end drives. Pure: no I/O, no UI.

Answers are keyed by question id, as GOV.UK Smart Answers does: changing an
early answer keeps every later answer whose question is still on the new path.
Answers that fall off the path stay dormant (so flipping an answer and back
restores the call) until back() or restart() removes them. The current
position is derived by walking from the root along the answers, so there is
no separate cursor to fall out of sync.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from .errors import InputError
from .fields import DRAFT_FIELD_KEYS, FIELD_KEYS, MATTER_FIELDS
from .model import Flow, Outcome, Question
from .named_tuple import NamedTuple


class Answer(NamedTuple):
    node: str  # question id
    option: str  # option id
    label: str  # the label as shown when answered
    at: str  # ISO 8601 time of the answer


# How the current outcome was reached (Session.via): written to records and the
# call log and counted by `stats`, so a public contract.
VIA_STEPS, VIA_SEARCH, VIA_RESUME, VIA_RECORD = "steps", "search", "resume", "record"
VIA_VALUES = (VIA_STEPS, VIA_SEARCH, VIA_RESUME, VIA_RECORD)


def _now() -> datetime:
    return datetime.now(UTC)


def new_call_id(now: datetime) -> str:
    """A call's id, e.g. 20261130-100000-3f9a1c: sortable, safe as a file name part.

    The random tail comes from the kernel's generator (no file, no directory
    listing), so two front ends started in the same second never share an id.
    """
    return f"{now:%Y%m%d-%H%M%S}-{os.urandom(3).hex()}"


class Session:
    """One call: the answers so far, the fields, and how the outcome was reached."""

    def __init__(self, flow: Flow, clock: Callable[[], datetime] = _now) -> None:
        self.flow = flow
        self.clock = clock
        self.answers: dict[str, Answer] = {}
        self.fields: dict[str, str] = dict.fromkeys(FIELD_KEYS, "")
        self.via = VIA_STEPS  # how the current outcome was reached: one of VIA_VALUES
        self.started = self._stamp()
        # Names this call's autosave; kept across resume, renewed by a new call.
        self.call_id = new_call_id(self.clock())
        # (node, fields) when the draft last left the program (copied, saved, mailed,
        # printed): ending the call then loses nothing the agent typed.
        self.handed_off: tuple | None = None

    def mark_handed_off(self) -> None:
        """The draft as it is now was copied, saved, opened in the mail program or printed."""
        self.handed_off = (self.current_id, tuple(self.fields.items()))

    @property
    def unsent_work(self) -> bool:
        """Fields typed in this call that no copy or save has taken since they last changed:
        what ending the call would lose (both front ends ask first then)."""
        return any(self.fields.values()) and self.handed_off != (self.current_id, tuple(self.fields.items()))

    def _stamp(self) -> str:
        return self.clock().isoformat(timespec="seconds")

    # -- position ----------------------------------------------------------
    def _walk(self) -> tuple[list[Answer], str]:
        """The one walk from the root along the answers: (answers on the path, where it stops)."""
        out: list[Answer] = []
        node = self.flow.root
        while node in self.flow.questions and node in self.answers:
            answer = self.answers[node]
            out.append(answer)
            node = self.flow.questions[node].option(answer.option).next  # type: ignore[union-attr]
        return out, node

    @property
    def path(self) -> list[Answer]:
        """Answers along the walk from the root, in order."""
        return self._walk()[0]

    @property
    def steps(self) -> tuple[tuple[str, str], ...]:
        """The path as (question, option) pairs: what follow() takes."""
        return tuple((a.node, a.option) for a in self.path)

    @property
    def current_id(self) -> str:
        return self._walk()[1]

    @property
    def current(self) -> Question | Outcome:
        return self.flow.node(self.current_id)  # type: ignore[return-value]

    @property
    def outcome(self) -> Outcome | None:
        return self.flow.outcomes.get(self.current_id)

    @property
    def finished(self) -> bool:
        return self.outcome is not None

    # -- moves ---------------------------------------------------------------
    def choose(self, option_id: str) -> Question | Outcome:
        node = self.current
        if not isinstance(node, Question):
            raise InputError(f"'{node.id}' is an outcome; there is nothing to choose")
        option = node.option(option_id)
        if option is None:
            known = ", ".join(o.id for o in node.options)
            raise InputError(f"question '{node.id}' has no option '{option_id}' (known: {known})")
        self.answers[node.id] = Answer(node.id, option.id, option.label, self._stamp())
        return self.current

    def back(self) -> Question | Outcome:
        """Undo the last answer on the path; at the root this does nothing."""
        path = self.path
        if path:
            del self.answers[path[-1].node]
            # Dormant answers below would silently re-advance the walk: drop them.
            on_path = {a.node for a in path[:-1]}
            self.answers = {k: v for k, v in self.answers.items() if k in on_path}
        return self.current

    def restart(self, keep_fields: bool = True) -> Question:
        """Start again. keep_fields: the same caller with a new matter (the caller's
        fields stay, the matter's are cleared); otherwise a new call with a new id."""
        self.answers.clear()
        self.via = VIA_STEPS
        if keep_fields:
            for key in MATTER_FIELDS:
                self.fields[key] = ""
        else:
            self.fields = dict.fromkeys(FIELD_KEYS, "")
            self.started = self._stamp()
            self.call_id = new_call_id(self.clock())
        return self.current  # type: ignore[return-value]

    def jump_to(self, node_id: str, via: str = VIA_SEARCH) -> Question | Outcome:
        """Go straight to a node (e.g. a search hit), filling in the canonical path."""
        if node_id not in self.flow.paths:
            raise InputError(f"unknown node '{node_id}'")
        return self.follow(self.flow.paths[node_id], via=via)

    def follow(self, steps: Sequence[tuple[str, str]], via: str = VIA_STEPS) -> Question | Outcome:
        """Replace the path with `steps` ((question, option) pairs from the root).

        The browser uses this when a node is opened in its tree, where a node
        reachable along two routes appears twice and each copy has its own path.
        """
        node = self.flow.root
        answers: dict[str, Answer] = {}
        stamp = self._stamp()
        for question_id, option_id in steps:
            question = self.flow.questions.get(question_id)
            option = question.option(option_id) if question else None
            if question_id != node or option is None:
                raise InputError(f"'{question_id}:{option_id}' does not continue the path at '{node}'")
            previous = self.answers.get(question_id)
            keep = previous is not None and previous.option == option_id
            answers[question_id] = previous if keep else Answer(question_id, option_id, option.label, stamp)  # type: ignore[assignment]
            node = option.next
        self.answers = answers
        self.via = via
        return self.current

    def change(self, node_id: str, option_id: str) -> Question | Outcome:
        """Change an earlier answer; later answers still on the new path are kept."""
        if node_id not in {a.node for a in self.path}:
            raise InputError(f"'{node_id}' has not been answered on the current path")
        question = self.flow.questions[node_id]
        option = question.option(option_id)
        if option is None:
            raise InputError(f"question '{node_id}' has no option '{option_id}'")
        self.answers[node_id] = Answer(node_id, option.id, option.label, self._stamp())
        return self.current

    # -- fields --------------------------------------------------------------
    def set_field(self, key: str, value: str) -> None:
        """Store a field value, normalised once on the way in (textsafe.normalise_field):
        no control or bidi characters, and identifiers NFKC-folded to the ASCII they read as."""
        from .textsafe import normalise_field

        if key not in FIELD_KEYS:
            raise InputError(f"unknown field '{key}' (known: {', '.join(FIELD_KEYS)})")
        self.fields[key] = normalise_field(key, value)

    def draft(self):  # -> drafts.Draft (imported lazily to keep the engine import light)
        """The draft as it stands, for live previews. Anything that leaves the
        screen as a finished draft (saved, copied, recorded, mailed) uses final_draft()."""
        from .drafts import build_draft

        outcome = self.outcome
        if outcome is None:
            raise InputError(f"no outcome yet: the session is at question '{self.current_id}'")
        return build_draft(self.flow, outcome, self.path, self.fields, self.clock())

    def personal_data(self, draft=None) -> list[str]:
        """Keys of the fields that hold a henkilötunnus, in field order.

        Every field is checked (notes too: they are autosaved and recorded), and
        so are the draft's subject and body exactly as they will be written; a
        code that only appears there (spliced from several fields) names every
        field that went into the draft.
        """
        from .personal_data import find_personal_codes, personal_data_fields

        keys = personal_data_fields(self.fields)
        if draft is None and self.outcome is not None:
            draft = self.draft()
        if draft is not None and not keys and (find_personal_codes(draft.subject) or find_personal_codes(draft.body)):
            keys = [k for k in DRAFT_FIELD_KEYS if self.fields.get(k)]
        return keys

    def final_draft(self, allow_personal_data: bool = False):  # -> drafts.Draft
        """The draft for every output path (file, copy, record, mail program).

        Raises errors.PersonalDataError naming the fields when a field or the
        written draft holds a henkilötunnus, unless `allow_personal_data`.
        """
        from .errors import PersonalDataError

        draft = self.draft()
        if not allow_personal_data:
            keys = self.personal_data(draft)
            if keys:
                labels = {k: self.flow.fields[k].label for k in keys if k in self.flow.fields}
                raise PersonalDataError(keys, labels)
        return draft
