"""`browse --resume` with several interrupted calls: a small picker run before the browser.

It is its own tiny App (not a screen of KelaApp) because the browser's main
screen is built from the session, and the session is what is being picked.
"""

from __future__ import annotations

from datetime import UTC, datetime

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Footer, Label, OptionList
from textual.widgets.option_list import Option

from ... import autosave
from ...errors import InputError
from ...model import Flow

CLEANUP = "\x00cleanup"  # not a valid call id, so it cannot clash with one


class ResumePicker(App[str | None]):
    """Pick one interrupted call (Enter) or none (Esc); old ones can be removed after a yes."""

    BINDINGS = [Binding("escape", "cancel", "Peru")]
    ENABLE_COMMAND_PALETTE = False
    CSS = """
    Label { padding: 0 1; }
    #confirm { color: $warning; }
    OptionList { height: 1fr; }
    """

    def __init__(self, flow: Flow, entries: list[autosave.Pending]) -> None:
        super().__init__()
        self.flow = flow
        self.entries = entries
        self.confirming = False

    def compose(self) -> ComposeResult:
        yield Label(Content(f"Keskeytettyjä puheluita on {len(self.entries)}. Mikä puhelu jatkuu?"))
        yield Label(Content("aika · päätöspuu · kohde tai kysymys · ohjelma · tunnus"), id="legend")
        yield OptionList(id="calls")
        yield Label(Content(""), id="confirm")
        yield Footer()

    def on_mount(self) -> None:
        self.fill()

    def old(self) -> list[autosave.Pending]:
        return autosave.stale(self.entries, datetime.now(UTC))

    def fill(self) -> None:
        now = datetime.now(UTC)
        options = [Option(Content(p.label(self.flow, now)), id=p.call_id) for p in self.entries]
        old = self.old()
        if old:
            options.append(Option(Content(f"Poista yli 7 päivää vanhat ({len(old)})"), id=CLEANUP))
        calls = self.query_one("#calls", OptionList)
        calls.clear_options()
        calls.add_options(options)
        calls.highlighted = 0 if options else None
        calls.focus()

    @on(OptionList.OptionSelected, "#calls")
    def picked(self, event: OptionList.OptionSelected) -> None:
        if event.option.id != CLEANUP:
            self.exit(event.option.id)
            return
        confirm = self.query_one("#confirm", Label)
        if not self.confirming:  # a second Enter on the same line is the yes; anything else is a no
            self.confirming = True
            question = f"Poistetaanko {len(self.old())} vanhaa puhelua? Niitä ei voi palauttaa. Enter = kyllä"
            confirm.update(Content(question))
            return
        old = self.old()
        for entry in old:
            autosave.remove(entry.call_id)
        self.entries = [p for p in self.entries if p not in old]
        self.confirming = False
        confirm.update(Content(f"Poistettiin {len(old)} vanhaa keskeytettyä puhelua."))
        self.fill()

    @on(OptionList.OptionHighlighted, "#calls")
    def moved(self) -> None:
        if self.confirming:
            self.confirming = False
            self.query_one("#confirm", Label).update(Content(""))

    def action_cancel(self) -> None:
        self.exit(None)


def resume_call(flow: Flow, requested: str | bool) -> autosave.Resumed | None:
    """The call `browse --resume` continues: the one named, the only one, or the one picked."""
    if isinstance(requested, str):
        return autosave.load(flow, requested)
    entries = [p for p in autosave.pending(flow.id) if p.data is not None]
    if not entries:
        raise InputError("Ei keskeytettyä puhelua jatkettavaksi.")
    if len(entries) == 1:
        return autosave.load(flow, entries[0].call_id)
    picked = ResumePicker(flow, entries).run()
    return autosave.load(flow, picked) if picked else None
