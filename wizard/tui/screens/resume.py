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
    #confirm { color: $warning; width: 100%; }
    OptionList { height: 1fr; }
    """

    def __init__(self, flow: Flow, entries: list[autosave.Pending], notice: str = "") -> None:
        super().__init__()
        self.flow = flow
        self.entries = entries
        self.notice = notice  # why the previous pick could not be opened
        self.confirming = False
        self.refused = False  # the line under the list says why a pick cannot be continued

    def compose(self) -> ComposeResult:
        yield Label(Content(f"Keskeytettyjä puheluita on {len(self.entries)}. Mikä puhelu jatkuu?"))
        yield Label(Content("aika · päätöspuu · kohde tai kysymys · ohjelma · tunnus"), id="legend")
        yield OptionList(id="calls")
        yield Label(Content(self.notice), id="confirm")
        yield Footer()

    def on_mount(self) -> None:
        self.fill()

    def old(self) -> list[autosave.Pending]:
        # A call that cannot be continued is never offered for removal: a newer version may open it.
        usable = [p for p in self.entries if p.problem(self.flow) is None]
        return autosave.stale(usable, datetime.now(UTC))

    def fill(self) -> None:
        now = datetime.now(UTC)
        options = [Option(Content(p.label(self.flow, now)), id=p.call_id) for p in self.entries]
        old = self.old()
        if old:
            options.append(Option(Content(f"Poista yli 7 päivää vanhat ({len(old)})"), id=CLEANUP))
        calls = self.query_one("#calls", OptionList)
        calls.clear_options()
        calls.add_options(options)
        # The cursor starts on the newest call that can be continued.
        usable = [i for i, p in enumerate(self.entries) if p.problem(self.flow) is None]
        calls.highlighted = usable[0] if usable else 0 if options else None
        calls.focus()

    @on(OptionList.OptionSelected, "#calls")
    def picked(self, event: OptionList.OptionSelected) -> None:
        confirm = self.query_one("#confirm", Label)
        if event.option.id != CLEANUP:
            entry = next(p for p in self.entries if p.call_id == event.option.id)
            if entry.problem(self.flow):  # stay in the list and say why; the file is left as it is
                self.confirming, self.refused = False, True
                confirm.update(Content(autosave.refusal(self.flow, entry)))
                return
            self.exit(event.option.id)
            return
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
        if self.confirming or self.refused:
            self.confirming = self.refused = False
            self.query_one("#confirm", Label).update(Content(""))

    def action_cancel(self) -> None:
        self.exit(None)


def resume_call(flow: Flow, requested: str | bool) -> autosave.Resumed | None:
    """The call `browse --resume` continues: the one named, the only one, or the one picked."""
    if isinstance(requested, str):
        return autosave.load(flow, requested)
    notice = ""
    while True:
        offered = autosave.resumable(flow)
        if isinstance(offered, autosave.Pending):
            return autosave.load(flow, offered.call_id)
        picked = ResumePicker(flow, offered, notice).run()
        if not picked:
            return None
        try:
            return autosave.load(flow, picked)
        except InputError as exc:  # changed or opened elsewhere since it was listed: pick again
            notice = f"{exc} Tiedosto jää ennalleen."
