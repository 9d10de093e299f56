"""The `/` search box: the shared search, hits updated as you type."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from ...describe import channel_line
from ...model import Flow
from ...search import SearchIndex, find


class SearchBar(Vertical):
    # Here, not in app.tcss: parsed when the box is first opened, not at every start.
    DEFAULT_CSS = """
    SearchBar {
        height: auto;
        max-height: 12;
        padding: 0 1;
        border-bottom: solid $primary;
    }

    SearchBar #search-hits {
        height: auto;
        max-height: 9;
        border: none;
        min-width: 8;  /* a terminal a few columns wide left the hits no room: Rich raised on width 0 */
    }
    """
    BINDINGS = [
        Binding("escape", "leave", "Sulje haku", show=True),
        Binding("down", "move(1)", "Seuraava osuma", show=False),
        Binding("up", "move(-1)", "Edellinen osuma", show=False),
    ]

    class Opened(Message):
        """An outcome was chosen from the hits (or, when the search is unsure, the question to ask)."""

        def __init__(self, outcome_id: str) -> None:
            super().__init__()
            self.outcome_id = outcome_id

    class Left(Message):
        """The user left the search box."""

    def __init__(self, flow: Flow, index: SearchIndex, **kwargs) -> None:
        super().__init__(**kwargs)
        self.flow = flow
        self.index = index

    def compose(self) -> ComposeResult:
        yield Input(
            placeholder="Hae soittajan sanoin, esim. julkisivuremontti (Enter avaa, Esc sulkee)", id="search-input"
        )
        yield OptionList(id="search-hits")

    @on(Input.Changed, "#search-input")
    def update_hits(self, event: Input.Changed) -> None:
        hits_list = self.query_one("#search-hits", OptionList)
        hits_list.clear_options()
        result = find(self.index, event.value, 8)
        hits = result.hits
        if hits and result.question is not None:  # unsure: first offer the tree's question, not a guess
            why = "epävarma, kysy soittajalta" if result.ambiguous else "ei selvää osumaa"
            text = self.flow.questions[result.question].text
            hits_list.add_option(Option(Content(f"? {text}  ({why})"), id=result.question))
        for hit in hits:
            outcome = self.flow.outcomes[hit.outcome]
            contact = self.flow.contact_of(outcome)
            prompt = Content(f"{outcome.title}  →  {channel_line(contact)}")
            hits_list.add_option(Option(prompt, id=hit.outcome))
        hits_list.display = bool(hits)
        if hits:
            hits_list.highlighted = 0

    @on(Input.Submitted, "#search-input")
    def open_highlighted(self) -> None:
        hits_list = self.query_one("#search-hits", OptionList)
        if hits_list.option_count and hits_list.highlighted is not None:
            option = hits_list.get_option_at_index(hits_list.highlighted)
            self.post_message(self.Opened(option.id or ""))
        else:
            self.notify("Ei osumia.", severity="warning")

    @on(OptionList.OptionSelected, "#search-hits")
    def open_clicked(self, event: OptionList.OptionSelected) -> None:
        self.post_message(self.Opened(event.option.id or ""))

    def action_move(self, step: int) -> None:
        hits_list = self.query_one("#search-hits", OptionList)
        if hits_list.option_count:
            current = hits_list.highlighted or 0
            hits_list.highlighted = max(0, min(hits_list.option_count - 1, current + step))

    def action_leave(self) -> None:
        self.post_message(self.Left())

    def focus_input(self) -> None:
        self.query("#search-input").focus()
