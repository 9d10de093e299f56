"""questionary prompts tuned for a phone call.

* Options are numbered, and the list filters as you type (use_search_filter),
  so "3" + Enter or "remon" + Enter picks an option without the arrows.
* questionary's filter only binds ASCII printable keys; Finnish letters are
  added here, or typing "läntinen" would filter on "lntinen".
* A filter that matches nothing hides the list and says so, and Enter does
  nothing until the text matches or is cleared (questionary would show the
  whole list again and let Enter pick option 1). Backspace restores the list.
* Lines are fitted to the terminal: long hints wrap on word boundaries and a
  choice keeps its tail (e.g. the address of a search hit) whole.
"""

from __future__ import annotations

import os
import shutil
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import questionary
from prompt_toolkit.key_binding import KeyBindings
from prompt_toolkit.keys import Keys
from prompt_toolkit.output import ColorDepth, Output
from questionary.prompts.common import InquirerControl

from ..errors import Terminated

FINNISH_KEYS = "äöåÄÖÅšžŠŽéÉüÜ"

# With NO_COLOR, prompt_toolkit drops to 1-bit colour depth (PromptIO.kwargs): bold stays, colours go.
STYLE = questionary.Style(
    [
        ("qmark", "fg:#2a7ab0 bold"),
        ("question", "bold"),
        ("answer", "fg:#2a7ab0 bold"),
        ("pointer", "fg:#2a7ab0 bold"),
        ("highlighted", "fg:#2a7ab0 bold"),
        ("instruction", "fg:#808080"),
        ("separator", "fg:#808080"),
    ]
)


@dataclass
class PromptIO:
    """Where prompts read and write; tests pass a pipe input and a dummy output."""

    input: Any = None
    output: Output | None = None

    def kwargs(self) -> dict[str, Any]:
        extra: dict[str, Any] = {}
        if no_color():
            extra["color_depth"] = ColorDepth.DEPTH_1_BIT
        if self.input is not None:
            extra["input"] = self.input
        if self.output is not None:
            extra["output"] = self.output
        return extra


def no_color() -> bool:
    """https://no-color.org: any non-empty NO_COLOR turns colour off."""
    return bool(os.environ.get("NO_COLOR"))


def columns() -> int:
    return shutil.get_terminal_size((100, 24)).columns


def no_match_text(typed: str) -> str:
    return (
        f"  Ei osumia: ”{typed}”. Enter ei valitse mitään.\n"
        "  Backspace palauttaa listan; soittajan sanoilla haetaan: ⌕ Hae vapaalla tekstillä."
    )


def _matches(control: InquirerControl) -> bool:
    typed = (control.search_filter or "").lower()
    return not typed or any(typed in str(c.title).lower() for c in control.choices if isinstance(c, questionary.Choice))


def _control(question: questionary.Question) -> InquirerControl | None:
    return next((c for c in question.application.layout.find_all_controls() if isinstance(c, InquirerControl)), None)


def _finnish(question: questionary.Question) -> None:
    """Finnish letters filter the list, no match blocks Enter, the hint is shown in Finnish and wrapped."""
    app = question.application
    control = _control(question)
    if control is None or app.key_bindings is None:
        return
    # The control renders through `text`, prompt_toolkit's public FormattedTextControl
    # attribute. questionary's own hint line ("Description: ...", in English) is turned
    # off with its public show_description=False (see _build); the Finnish one is added here.
    tokens = control.text

    def shown():
        if not _matches(control):
            return [("class:search_none", no_match_text(control.search_filter or ""))]
        out = list(tokens())
        hint = getattr(control.get_pointed_at(), "description", None)
        if hint:
            width = max(columns() - 1, 20)
            out.append(("", "\n"))  # questionary ends the list without a line break when it shows no hint
            lines = textwrap.wrap(hint, width, initial_indent="  ↳ ", subsequent_indent="    ")
            out.append(("class:text", "\n".join(lines)))
        return out

    control.text = shown
    bindings = app.key_bindings
    for binding in _guards().bindings:
        bindings.add(*binding.keys, eager=True)(binding.handler)  # type: ignore[attr-defined]
    for char in FINNISH_KEYS:

        def handler(event, char: str = char) -> None:
            control.add_search_character(char)  # type: ignore[arg-type]

        bindings.add(char, eager=True)(handler)  # type: ignore[attr-defined]

    # A number picks the choice it numbers. questionary would filter on the digit instead,
    # matching it anywhere in a title: in the resume list every row has digits (time, id),
    # so "2" kept the cursor on the first row. Two digits typed in a row make 10-99; once
    # letters are being typed, digits join the filter as before.
    typed = {"number": ""}

    def number_of(candidate: str) -> int | None:
        prefix = f"{candidate}."
        return next((i for i, c in enumerate(control.choices) if str(c.title).startswith(prefix)), None)

    for digit in "0123456789":

        def by_number(event, digit: str = digit) -> None:
            if control.search_filter is not None:
                control.add_search_character(digit)  # type: ignore[arg-type]
                return
            for candidate in (typed["number"] + digit, digit):
                index = number_of(candidate)
                if index is not None:
                    typed["number"] = candidate
                    control.pointed_at = index
                    return
            typed["number"] = ""

        bindings.add(digit, eager=True)(by_number)  # type: ignore[attr-defined]

    # Registered after questionary's own Enter binding, so this one wins.
    @bindings.add(Keys.ControlM, eager=True)  # type: ignore[attr-defined]
    def enter(event) -> None:
        if event.app.future.done():
            return  # the prompt already ended (e.g. Ctrl-C just before)
        if not _matches(control):
            return  # nothing matches: Enter must not pick the first option
        control.is_answered = True
        event.app.exit(result=control.get_pointed_at().value)


# Ctrl-C typed while the terminal is not in raw mode arrives as the signal, not as the key:
# prompt_toolkit then sends `<sigint>`, which questionary's select does not bind and
# prompt_toolkit ignores, so the call stayed at the menu. It ends the call the documented
# way (KeyboardInterrupt: autosaved, exit 130). A signal that reaches a prompt after it has
# its answer waits in the prompt's key queue: raised as soon as the prompt returns.
def _interrupted(event) -> None:
    event.app.exit(exception=KeyboardInterrupt, style="class:aborting")


# SIGTERM (a `kill`, a session manager) ends the call like Ctrl-C. Its default action killed
# the wizard with the terminal still raw (no echo, no line editing). The prompt on screen exits
# with Terminated, so prompt_toolkit gives the terminal back; a signal between prompts is raised
# by the next one. Never raised in the handler itself: it could land in a finaliser, where
# Python prints the exception and drops it.
_terminating: dict[str, Any] = {"signalled": False, "asking": []}


def end_calls_on_sigterm() -> None:
    import signal

    signal.signal(signal.SIGTERM, _sigterm)


def _sigterm(signum: int, frame: Any) -> None:
    _terminating["signalled"] = True
    for app in _terminating["asking"]:
        if app.loop is not None and not app.loop.is_closed():
            app.loop.call_soon_threadsafe(_end, app)


def _end(app) -> None:
    if app.is_running and app.future is not None and not app.future.done():
        app.exit(exception=Terminated, style="class:aborting")


def _ask(question: questionary.Question) -> Any:
    if _terminating["signalled"]:
        raise Terminated
    _terminating["asking"].append(question.application)
    try:
        result = question.unsafe_ask()
    finally:
        _terminating["asking"].remove(question.application)
    if _terminating["signalled"]:
        raise Terminated
    if any(key.key == Keys.SIGINT for key in question.application.key_processor.input_queue):
        raise KeyboardInterrupt
    return result


def _guards() -> KeyBindings:
    """Bindings every prompt gets: Ctrl-C as a signal (above), and prompt_toolkit's mouse
    handler minus its crash: Alt+[ then "31m", or an escape sequence typed or pasted into a
    prompt, is read as a mouse report it cannot parse, and the traceback filled the screen
    with "Press ENTER to continue". A report it cannot parse is ignored."""
    from prompt_toolkit.key_binding.bindings.mouse import load_mouse_bindings

    original = next(b for b in load_mouse_bindings().bindings if b.keys == (Keys.Vt100MouseEvent,))
    bindings = KeyBindings()
    bindings.add(Keys.SIGINT, eager=True)(_interrupted)

    @bindings.add(Keys.Vt100MouseEvent, eager=True)
    def mouse(event):
        try:
            return original.handler(event)
        except (ValueError, KeyError, IndexError):
            return None

    return bindings


def _fit(title: str, width: int, tail: str = "") -> str:
    """One line per choice (a wrapped choice breaks the list's cursor movement).

    The tail is kept whole and the title shortened instead, so a search hit's
    address is never cut.
    """
    if len(title) + len(tail) <= width:
        return title + tail
    room = max(width - len(tail) - 1, 3)  # in a narrow terminal the title gives way, down to its number
    return title[:room].rstrip() + "…" + tail


# questionary replaces a choice's None value with its title: "← Takaisin" came back as the
# text itself, which the callers took for a question id or a call id (a crash, or exit 2).
_NONE = object()


def select(
    io: PromptIO,
    message: str,
    choices: Sequence[tuple[str, Any] | tuple[str, Any, str] | tuple[str, Any, str, str]],
    extras: Sequence[tuple[str, Any]] = (),
    default: Any = None,
    instruction: str = "(nuolet, numero tai kirjoita suodattaaksesi, Enter valitsee)",
) -> Any:
    # questionary lays a list out over prompt_toolkit's line editor, whose own keys (Esc then
    # Enter, Ctrl-O) still answer with its empty text: that is no choice, so the list is asked again.
    while True:
        question = _build(io, message, choices, extras, default, instruction)
        control = _control(question)
        values = [c.value for c in control.choices if not isinstance(c, questionary.Separator)] if control else []
        answer = _ask(question)
        if answer in values or not values:
            return None if answer is _NONE else answer


def _build(
    io: PromptIO,
    message: str,
    choices: Sequence[tuple[str, Any] | tuple[str, Any, str] | tuple[str, Any, str, str]],
    extras: Sequence[tuple[str, Any]],
    default: Any,
    instruction: str,
) -> questionary.Question:
    """Numbered choices, then a separator and the extras (back, restart, search).

    A choice may carry a hint as a third item: it is shown under the list for
    the highlighted choice, and typing does not filter on it (typing "muut"
    must find "Muut kuntoutuspalvelut", not a hint that mentions "muutoslomakkeet").
    A fourth item is a tail kept whole when the line is shortened (an address).
    """
    width = columns() - 6
    items: list[questionary.Choice | questionary.Separator] = []
    for number, (title, value, *rest) in enumerate(choices, start=1):
        description = rest[0] if rest and rest[0] else None
        tail = rest[1] if len(rest) > 1 else ""
        items.append(
            questionary.Choice(title=_fit(f"{number}. {title}", width, tail), value=value, description=description)
        )
    if extras:
        items.append(questionary.Separator("─" * 20))
        items.extend(
            questionary.Choice(title=title, value=_NONE if value is None else value) for title, value in extras
        )
    default_choice = next((c for c in items if isinstance(c, questionary.Choice) and c.value == default), None)
    message = wrap_message(message)
    if len(message.rsplit("\n", 1)[-1]) + len(instruction) + 3 > columns():
        # On its own lines rather than cut mid-word by the terminal ("valitse/e" at 60 columns).
        instruction = "\n  " + "\n  ".join(textwrap.wrap(instruction, max(columns() - 3, 20)))
    question = questionary.select(
        message,
        choices=items,
        default=default_choice,
        use_search_filter=True,
        show_description=False,  # the hint is shown in Finnish by _finnish
        use_jk_keys=False,
        use_shortcuts=False,
        instruction=instruction,
        style=STYLE,
        qmark="?",
        **io.kwargs(),
    )
    _finnish(question)
    return question


def wrap_message(message: str) -> str:
    """A question longer than the terminal, wrapped between words under its text: prompt_toolkit
    does not wrap the question line, so at 80 columns its end was cut ("…menettelyss")."""
    width = max(columns() - 3, 20)  # "? " before it, and the last column left free
    if len(message) <= width:
        return message
    return "\n  ".join(textwrap.wrap(message, width, break_on_hyphens=False))


def text(io: PromptIO, message: str, validate: Callable[[str], bool | str] | None = None, default: str = "") -> str:
    question = questionary.text(
        wrap_message(message),
        validate=_wrapped_errors(validate) if validate else None,
        default=default,
        style=STYLE,
        qmark="›",
        key_bindings=_guards(),
        **io.kwargs(),
    )
    # The control rule as it is typed or pasted: prompt_toolkit echoes a bidi override (U+202E)
    # raw, and it would turn the rest of the line around on a bidi terminal.
    question.application.layout.current_buffer.on_text_changed += _drop_controls
    _error_lines_grow(question)
    return _ask(question)


def _wrapped_errors(validate: Callable[[str], bool | str]) -> Callable[[str], bool | str]:
    """A validation message wrapped between words at the terminal's width (see _error_lines_grow)."""

    def check(value: str) -> bool | str:
        result = validate(value)
        if isinstance(result, str):
            return "\n".join(textwrap.wrap(result, max(columns() - 2, 20), break_on_hyphens=False))
        return result

    return check


def _error_lines_grow(question: questionary.Question) -> None:
    """prompt_toolkit shows a validation message in a toolbar one line high: at 60 columns the
    e-mail and phone messages were cut mid-sentence. The toolbar's window (found by its
    control, which prompt_toolkit makes in ValidationToolbar) takes as many lines as the
    message has; if a release changes that, the message is cut as before, nothing breaks."""
    from prompt_toolkit.filters import to_filter
    from prompt_toolkit.layout.containers import Window

    for window in question.application.layout.walk():
        text = getattr(getattr(window, "content", None), "text", None)
        if isinstance(window, Window) and getattr(text, "__qualname__", "").startswith("ValidationToolbar."):
            window.height = None
            window.wrap_lines = to_filter(True)
            window.dont_extend_height = to_filter(True)


def _drop_controls(buffer) -> None:
    from prompt_toolkit.document import Document

    from ..textsafe import CONTROL, strip_controls

    if CONTROL.search(buffer.text):
        cursor = len(strip_controls(buffer.text[: buffer.cursor_position]))
        buffer.document = Document(strip_controls(buffer.text), cursor)


def confirm(io: PromptIO, message: str, default: bool = False) -> bool:
    """Yes/no in Finnish (questionary.confirm only speaks English)."""
    choices = [("Kyllä", True), ("Ei", False)] if default else [("Ei", False), ("Kyllä", True)]
    return bool(select(io, message, choices, instruction="(Enter valitsee)"))
