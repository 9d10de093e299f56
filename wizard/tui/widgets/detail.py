"""The right-hand side: the selected node, its contact, what to say, the live draft."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from ...engine import Session
from ...model import Outcome, Question


def plain(text: str) -> Content:
    """Data and field values are never markup."""
    return Content(text)


class NodeDetail(VerticalScroll):
    """Shows the engine's current node; refresh() after every engine move."""

    def compose(self) -> ComposeResult:
        yield Static(id="node-title", markup=False)
        yield Static(id="address", markup=False)
        yield Static(id="contact-card", markup=False)
        yield Static(id="say", markup=False)
        yield Static(id="draft", markup=False)

    def show(self, session: Session, now: datetime) -> None:
        node = session.current
        if isinstance(node, Question):
            self._show_question(node)
        else:
            self._show_outcome(session, node, now)

    def _set(self, widget_id: str, text: str, visible: bool = True) -> None:
        widget = self.query_one(f"#{widget_id}", Static)
        widget.update(plain(text))
        widget.display = visible

    def _show_question(self, question: Question) -> None:
        self._set("node-title", question.text)
        listing = Text()  # rich Text: styled, and never parsed as markup
        if question.help:
            listing.append(question.help + "\n\n", style="italic")
        for number, option in enumerate(question.options, 1):
            listing.append(f"{number}. {option.label}\n", style="bold")
            if option.hint:
                listing.append(f"   {option.hint}\n", style="dim")
        self._set("address", "", visible=False)
        card = self.query_one("#contact-card", Static)
        card.update(listing)
        card.display = True
        self._set("say", "Avaa vaihtoehto puusta (Enter tai →) tai hae (/).")
        self._set("draft", "", visible=False)
        self.scroll_home(animate=False)

    def _show_outcome(self, session: Session, outcome: Outcome, now: datetime) -> None:
        # Imported at the first outcome: a start shows the first question only.
        from ...channels import CHANNEL_NAMES
        from ...describe import channel_line, open_info, say_lines, source_lines
        from ...drafts import render_text
        from ...spoken import spoken, spoken_phone

        flow = session.flow
        contact = flow.contact_of(outcome)
        self._set("node-title", outcome.title)
        if contact.kind == "email" and contact.address:
            self._set("address", f"✉ {contact.address}\n  sanottuna: {spoken(contact.address)}")
        elif contact.kind == "phone" and contact.phone:
            self._set("address", f"☎ {channel_line(contact)}\n  sanottuna: {spoken_phone(contact.phone)}")
        else:
            self._set("address", f"{CHANNEL_NAMES[contact.kind]}: {channel_line(contact)}")
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
        self._set("contact-card", "\n".join(card))
        self._set("say", "Kerro soittajalle:\n" + "\n".join(f"• {line}" for line in say_lines(flow, outcome)))
        if contact.kind == "email":
            self._set("draft", render_text(session.draft()))
        else:
            self._set("draft", "", visible=False)
        # Opening an outcome brings its address into view, at every size.
        self.scroll_home(animate=False)
        self.query_one("#address").scroll_visible(animate=False)
