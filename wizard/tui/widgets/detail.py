"""The right-hand side: the selected node, its contact, what to say, the live draft."""

from __future__ import annotations

from datetime import datetime

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from ...engine import Session
from ...model import Outcome, Question
from .wrapped import Para, Wrapped


def plain(text: str) -> Content:
    """Data and field values are never markup."""
    return Content(text)


class NodeDetail(VerticalScroll):
    """Shows the engine's current node; refresh() after every engine move."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._shown: dict[str, str] = {}  # widget id -> the text it shows
        self._node: str | None = None  # the node shown: a new one scrolls to the top

    def compose(self) -> ComposeResult:
        yield Static(id="node-title", markup=False)
        # Wrapped: a continuation line stays indented under its own line's text.
        yield Wrapped(id="address")
        yield Wrapped(id="contact-card")
        yield Wrapped(id="options")  # a question's numbered options, hints indented under them
        yield Wrapped(id="say")
        yield Static(id="draft", markup=False)

    def show(self, session: Session, now: datetime) -> None:
        node = session.current
        moved, self._node = self._node != session.current_id, session.current_id
        if isinstance(node, Question):
            self._show_question(node)
            if moved:
                self.scroll_home(animate=False)
        else:
            self._show_outcome(session, node, now)
            if moved:  # opening an outcome brings its address into view, at every size; typing does not scroll
                self.scroll_home(animate=False)
                self.query_one("#address").scroll_visible(animate=False)

    def _set(self, widget_id: str, text: str, visible: bool = True) -> None:
        widget = self.query_one(f"#{widget_id}", Static)
        if self._shown.get(widget_id) != text:  # every keystroke in the form repaints: only changes cost a layout
            self._shown[widget_id] = text
            widget.update(plain(text))
        widget.display = visible

    def _wrapped(self, widget_id: str, paras: list[Para], visible: bool = True) -> None:
        widget = self.query_one(f"#{widget_id}", Wrapped)
        widget.show(paras)
        widget.display = visible

    def _show_question(self, question: Question) -> None:
        self._set("node-title", question.text)
        listing = [Para(question.help, style="italic"), Para("")] if question.help else []
        for number, option in enumerate(question.options, 1):
            listing.append(Para(f"{number}. {option.label}", hang=3, style="bold"))
            if option.hint:
                listing.append(Para(f"   {option.hint}", hang=3, style="dim"))
        self._wrapped("address", [], visible=False)
        self._wrapped("contact-card", [], visible=False)
        self._wrapped("options", listing)
        self._wrapped("say", [Para("Avaa vaihtoehto puusta (Enter tai →) tai hae (/).")])
        self._set("draft", "", visible=False)

    def _show_outcome(self, session: Session, outcome: Outcome, now: datetime) -> None:
        # Imported at the first outcome: a start shows the first question only.
        from ...describe import channel_heading, channel_line, open_info, say_lines, source_lines
        from ...drafts import render_text
        from ...spoken import spoken, spoken_phone

        flow = session.flow
        contact = flow.contact_of(outcome)
        self._set("node-title", outcome.title)
        said = "  sanottuna: "
        if contact.kind == "email" and contact.address:
            address = [Para(f"✉ {contact.address}", 2), Para(said + spoken(contact.address), len(said))]
        elif contact.kind == "phone" and contact.phone:
            address = [Para(f"☎ {channel_line(contact)}", 2), Para(said + spoken_phone(contact.phone), len(said))]
        else:
            address = [Para(channel_heading(contact), 2)]
        self._wrapped("address", address)
        card = [f"Käsittelijä: {contact.handled_by}"]
        if contact.sender:
            card.append(f"Lähettäjä: {contact.sender}")
        if outcome.topic:
            card.append(f"Aihe Kelan sivulla: {outcome.topic}")
        others = [t for t in contact.topics if t != outcome.topic]
        if others:
            label = "Muut aiheet samaan osoitteeseen" if outcome.topic else "Aiheet"
            card.append(f"{label}: " + "; ".join(others))
        opened = open_info(contact, now)
        if opened:
            card.append(f"Aukiolo: {opened['text']}")
        card += source_lines(flow, outcome)  # which Kela page the facts come from
        self._wrapped("contact-card", [Para(line, 2) for line in card])
        self._wrapped("options", [], visible=False)
        bullets = [Para(f"• {line}", 2) for line in say_lines(flow, outcome)]  # wrapped under their text
        self._wrapped("say", [Para("Kerro soittajalle:"), *bullets])
        if contact.kind == "email":
            self._set("draft", render_text(session.draft()))
        else:
            self._set("draft", "", visible=False)
