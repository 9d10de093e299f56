"""Small modal dialogs: ask a file name, confirm (default No), show text to copy, show help."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, ScreenResultType
from textual.widgets import Button, Input, Label, Static, TextArea

from ..widgets.key_hints import binding_keys
from ..widgets.wrapped import Para, Wrapped


class DialogScreen(ModalScreen[ScreenResultType]):
    """Every dialog's look. Here, not in app.tcss: parsed when the first dialog opens, not at every start."""

    DEFAULT_CSS = """
    DialogScreen {
        align: center middle;
    }

    DialogScreen .dialog {
        width: 70;
        max-width: 90%;
        height: auto;
        max-height: 90%;
        border: thick $primary;
        background: $surface;
        padding: 1 2;
    }

    DialogScreen .dialog.help {
        width: 90;
    }

    /* Room for the text and the buttons even at 60x20. */
    DialogScreen .copy-fallback TextArea {
        height: auto;
        max-height: 40vh;
    }

    DialogScreen .dialog-title {
        text-style: bold;
        margin-bottom: 1;
    }

    DialogScreen .dialog-hint {
        color: $text-muted;
    }

    DialogScreen .dialog-buttons {
        height: auto;
        align-horizontal: right;
    }
    """


class FileNameScreen(DialogScreen[str | None]):
    """Ask for a file name; dismiss with it, or None on Escape."""

    BINDINGS = [Binding("escape", "cancel", "Peruuta")]

    def __init__(self, title: str, suggested: str) -> None:
        super().__init__()
        self.title_text = title
        self.suggested = suggested

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content(self.title_text), classes="dialog-title")
            yield Input(value=self.suggested, id="file-name")
            yield Label(Content("Enter tallentaa, Esc peruuttaa"), classes="dialog-hint")

    @on(Input.Submitted)
    def submit(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmScreen(DialogScreen[bool]):
    """A yes/no question whose default is No: Enter on the focused "Ei" and Esc both say no."""

    BINDINGS = [Binding("escape,n,e", "answer(False)", "Ei"), Binding("y,k", "answer(True)", "Kyllä")]

    def __init__(self, question: str, yes: str = "Kyllä, korvaa") -> None:
        super().__init__()
        self.question = question
        self.yes = yes

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Static(Content(self.question), classes="dialog-title")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Ei", id="no", variant="primary")
                yield Button(self.yes, id="yes", variant="error")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


class CopyFallbackScreen(DialogScreen[bool]):
    """No clipboard tool confirmed the copy: show the text to select, or save it (True)."""

    BINDINGS = [Binding("escape", "dismiss(False)", "Sulje"), Binding("ctrl+s", "dismiss(True)", "Tallenna")]

    def __init__(self, what: str, text: str) -> None:
        super().__init__()
        self.what = what
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog copy-fallback"):
            yield Static(
                Content(
                    f"{self.what}: pääte pyydettiin kopioimaan (OSC 52), mutta kopioitumista ei voi varmistaa "
                    "eikä leikepöytäohjelmaa löytynyt. Valitse teksti alta tai tallenna se tiedostoon."
                ),
                classes="dialog-title",
            )
            yield TextArea(self.text, read_only=True, id="copy-text", soft_wrap=True)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Sulje", id="close", variant="primary")
                yield Button("Tallenna tiedostoon", id="save")

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "save")


def help_paras(screen_bindings: list[Binding]) -> list[Para]:
    """The help, made from the bindings themselves (tooltip = the help line); a wrapped
    entry continues under its text, not under its keys."""
    from ..app import KelaApp
    from ..widgets.fields_form import FieldsForm
    from ..widgets.search_bar import SearchBar

    groups = [
        ("Näppäimet", screen_bindings),
        ("Haussa", SearchBar.BINDINGS),
        ("Tietolomakkeessa", FieldsForm.BINDINGS),
        ("Aina", KelaApp.BINDINGS),
    ]
    lines: list[Para] = []
    for title, bindings in groups:
        rows: dict[str, list[str]] = {}  # help line -> keys, so "Enter, →" share one row
        for binding in bindings:
            if isinstance(binding, Binding):
                rows.setdefault(binding.tooltip or binding.description, []).append(binding_keys(binding))
        lines.append(Para(title, style="bold"))
        for text, keys in rows.items():
            shown = f"{keys[0]}–{keys[-1]}" if len(keys) > 2 and all(k.isdigit() for k in keys) else ", ".join(keys)
            lines.append(Para(f"  {shown:<16} {text}", hang=2 + max(16, len(shown)) + 1))
        lines.append(Para(""))
    lines.append(Para('Tiedot ovat Kelan sivulta "Kuntoutuksen yhteystiedot kuntoutuksen palveluntuottajille".'))
    lines.append(Para("Missä sivu ei kerro puhelinnumeroa tai osoitetta, tämä työkalu ei keksi sellaista."))
    return lines


class HelpScreen(DialogScreen[None]):
    # A notice would cover the help's lower right corner (at 60x20 for its whole 5 s): while the
    # help is open, only errors show; the others come back on closing, if not expired.
    DEFAULT_CSS = """
    HelpScreen Toast.-information, HelpScreen Toast.-warning {
        visibility: hidden;
    }
    """
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Sulje")]

    def __init__(self, bindings: list[Binding]) -> None:
        super().__init__()
        self.bindings = bindings

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog help"):
            yield Wrapped(help_paras(self.bindings), id="help-text")
            yield Label(Content("Esc sulkee, nuolet vierittävät"), classes="dialog-hint")
