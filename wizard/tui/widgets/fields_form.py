"""The fields form (`e`): Y-tunnus and e-mail checked, the draft updates as you type."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.validation import Function
from textual.widgets import Button, Input, Label, Static

from ...field_checks import check_field
from ...fields import FIELD_KEYS
from ...model import Flow
from ...personal_data import personal_data_fields, remove_personal_codes


class FieldsForm(Vertical):
    # Here, not in app.tcss: parsed when the form is first opened, not at every start.
    DEFAULT_CSS = """
    FieldsForm {
        height: auto;
        max-height: 85%;
        overflow-y: auto;
        border: round $accent;
        padding: 0 1;
    }

    /* Wrapped, not cut, in the narrow right-hand pane ("… luonnos päiv" at 80x24). */
    FieldsForm .form-title {
        width: 100%;
    }

    FieldsForm .field-row {
        height: 1;
    }

    FieldsForm .field-label {
        width: 24;
    }

    FieldsForm Input {
        width: 1fr;
    }

    FieldsForm .field-error {
        color: $error;
        height: auto;
    }

    FieldsForm #hetu-warning {
        height: auto;
        color: $warning;
        text-style: bold;
    }

    FieldsForm #hetu-text {
        width: 1fr;
    }
    """
    BINDINGS = [Binding("escape", "close", "Sulje lomake", show=True)]

    class Changed(Message):
        def __init__(self, key: str, value: str) -> None:
            super().__init__()
            self.key = key
            self.value = value

    class Closed(Message):
        pass

    def __init__(self, flow: Flow, values: dict[str, str], **kwargs) -> None:
        super().__init__(**kwargs)
        self.flow = flow
        self.values = values
        self._errors: dict[str, str | None] = {}  # key -> the error shown under the field

    def compose(self) -> ComposeResult:
        yield Label(Content("Viestin tiedot (Esc sulkee; luonnos päivittyy kirjoittaessa)"), classes="form-title")
        # The warning comes first: visible without scrolling at every size.
        warning = Horizontal(id="hetu-warning")
        warning.display = False
        with warning:
            yield Static("", id="hetu-text", classes="warning-text", markup=False)
            yield Button("Poista henkilötunnus", id="remove-hetu", variant="warning", compact=True)
        for key in FIELD_KEYS:
            spec = self.flow.fields[key]
            validators = [Function(lambda v, k=key: check_field(k, v) is None, "virheellinen")]
            with Horizontal(classes="field-row"):
                yield Label(Content(spec.label), classes="field-label")
                yield Input(
                    value=self.values.get(key, ""),
                    id=f"field-{key}",
                    validators=validators,
                    valid_empty=True,
                    compact=True,
                )
            error = Static("", id=f"error-{key}", classes="field-error", markup=False)
            error.display = False
            yield error

    def on_mount(self) -> None:
        self.focus_first()

    def focus_first(self) -> None:
        self.query(f"#field-{FIELD_KEYS[0]}").focus()  # no-op if the form is already being removed

    @on(Input.Changed)
    def field_changed(self, event: Input.Changed) -> None:
        key = (event.input.id or "").removeprefix("field-")
        if key not in FIELD_KEYS:
            return
        problem = check_field(key, event.value)
        error = self.query_one(f"#error-{key}", Static)
        if self._errors.get(key) != problem:  # each update costs a layout pass: only when it changes
            self._errors[key] = problem
            error.update(Content(problem or ""))
        error.display = problem is not None
        self._check_personal_codes()
        if problem is None:  # an invalid value never reaches the draft
            self.post_message(self.Changed(key, event.value))

    @on(Input.Blurred)
    def show_from_the_start(self, event: Input.Blurred) -> None:
        # Textual keeps a long value scrolled to where the cursor was: "ija Meikäläinen" was all
        # that showed of a name once focus moved on. Unfocused, a value reads from its start.
        event.input.scroll_to(x=0, animate=False, immediate=True)

    def values_now(self) -> dict[str, str]:
        return {key: self.query_one(f"#field-{key}", Input).value for key in FIELD_KEYS}

    def _check_personal_codes(self) -> None:
        keys = personal_data_fields(self.values_now())
        if keys:
            names = ", ".join(self.flow.fields[k].label for k in keys)
            self.query_one("#hetu-text", Static).update(Content(f"Henkilötunnus kentässä: {names}. Ei sähköpostiin."))
        self.query_one("#hetu-warning").display = bool(keys)

    @on(Button.Pressed, "#remove-hetu")
    def remove_codes(self) -> None:
        keys = personal_data_fields(self.values_now())
        for key in keys:
            field = self.query_one(f"#field-{key}", Input)
            field.value = remove_personal_codes(field.value)
        # The button hides with the warning: keep focus in the form, where the code was.
        if keys:
            self.query_one(f"#field-{keys[0]}", Input).focus()

    def action_close(self) -> None:
        self.post_message(self.Closed())
