"""Small modal dialogs: ask a file name, confirm an overwrite, show help."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static


class FileNameScreen(ModalScreen[str | None]):
    """Ask for a file name; dismiss with it, or None on Escape."""

    BINDINGS = [Binding("escape", "cancel", "Peruuta")]

    def __init__(self, title: str, suggested: str) -> None:
        super().__init__()
        self.title_text = title
        self.suggested = suggested

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Content(self.title_text), classes="dialog-title")
            yield Input(value=self.suggested, id="file-name")
            yield Label(Content("Enter tallentaa, Esc peruuttaa"), classes="dialog-hint")

    @on(Input.Submitted)
    def submit(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmScreen(ModalScreen[bool]):
    BINDINGS = [Binding("escape", "answer(False)", "Ei"), Binding("y,k", "answer(True)", "Kyllä")]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Content(self.question), classes="dialog-title")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Ei", id="no", variant="primary")
                yield Button("Kyllä, korvaa", id="yes", variant="error")

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


HELP = """\
Näppäimet

  /          haku soittajan sanoin (Enter avaa, nuolet valitsevat, Esc sulkee)
  Ctrl+P     komentopaletti: sama haku
  Enter, →   avaa valittu kohta puusta
  Backspace, ←   takaisin polulla
  c          kopioi luonnos       a   kopioi osoite
  e          muokkaa viestin tietoja (luonnos päivittyy heti)
  s          tallenna .eml        r   tallenna tallenne (.toml)
  n          uusi puhelu          ?   tämä ohje
  q          lopeta

Tiedot ovat Kelan sivulta "Kuntoutuksen yhteystiedot kuntoutuksen palveluntuottajille".
Missä sivu ei kerro puhelinnumeroa tai osoitetta, tämä työkalu ei keksi sellaista.
"""


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Sulje")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog help"):
            yield Static(Content(HELP))
            yield Label(Content("Esc sulkee"), classes="dialog-hint")
