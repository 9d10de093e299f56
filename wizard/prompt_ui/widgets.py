"""questionary prompts tuned for a phone call.

* Options are numbered, and the list filters as you type (use_search_filter),
  so "3" + Enter or "remon" + Enter picks an option without the arrows.
* questionary's filter only binds ASCII printable keys; Finnish letters are
  added here, or typing "läntinen" would filter on "lntinen".
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import questionary
from prompt_toolkit.output import Output
from questionary.prompts.common import InquirerControl

FINNISH_KEYS = "äöåÄÖÅšžŠŽéÉüÜ"

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
        if self.input is not None:
            extra["input"] = self.input
        if self.output is not None:
            extra["output"] = self.output
        return extra


_DESCRIPTION = "  Description: "  # questionary's hard-coded English label for a choice's hint


def _finnish(question: questionary.Question) -> None:
    """Finnish letters filter the list; the hint under the list is shown without an English label."""
    app = question.application
    control = next((c for c in app.layout.find_all_controls() if isinstance(c, InquirerControl)), None)
    if control is None or app.key_bindings is None:
        return
    tokens = control.text  # the control renders through this callable (set in its __init__)

    def without_english_label():
        return [
            (style, "  ↳ " + text[len(_DESCRIPTION) :]) if text.startswith(_DESCRIPTION) else (style, text)
            for style, text, *_ in tokens()
        ]

    control.text = without_english_label
    for char in FINNISH_KEYS:

        def handler(event, char: str = char) -> None:
            control.add_search_character(char)  # type: ignore[arg-type]

        app.key_bindings.add(char, eager=True)(handler)  # type: ignore[attr-defined]


def _fit(title: str, width: int) -> str:
    """One line per choice: a wrapped choice breaks the list's cursor movement."""
    return title if len(title) <= width else title[: max(width - 1, 10)].rstrip() + "…"


def select(
    io: PromptIO,
    message: str,
    choices: Sequence[tuple[str, Any] | tuple[str, Any, str]],
    extras: Sequence[tuple[str, Any]] = (),
    default: Any = None,
    instruction: str = "(nuolet, numero tai kirjoita suodattaaksesi, Enter valitsee)",
) -> Any:
    """Numbered choices, then a separator and the extras (back, restart, search).

    A choice may carry a hint as a third item: it is shown under the list for
    the highlighted choice, and typing does not filter on it (typing "muut"
    must find "Muut kuntoutuspalvelut", not a hint that mentions "muutoslomakkeet").
    """
    width = shutil.get_terminal_size((100, 24)).columns - 6
    items: list[questionary.Choice | questionary.Separator] = []
    for number, (title, value, *hint) in enumerate(choices, start=1):
        description = hint[0] if hint and hint[0] else None
        items.append(questionary.Choice(title=_fit(f"{number}. {title}", width), value=value, description=description))
    if extras:
        items.append(questionary.Separator("─" * 20))
        items.extend(questionary.Choice(title=title, value=value) for title, value in extras)
    default_choice = next((c for c in items if isinstance(c, questionary.Choice) and c.value == default), None)
    question = questionary.select(
        message,
        choices=items,
        default=default_choice,
        use_search_filter=True,
        use_jk_keys=False,
        use_shortcuts=False,
        instruction=instruction,
        style=STYLE,
        qmark="?",
        **io.kwargs(),
    )
    _finnish(question)
    return question.unsafe_ask()


def text(io: PromptIO, message: str, validate: Callable[[str], bool | str] | None = None, default: str = "") -> str:
    return questionary.text(
        message, validate=validate, default=default, style=STYLE, qmark="›", **io.kwargs()
    ).unsafe_ask()


def confirm(io: PromptIO, message: str, default: bool = False) -> bool:
    """Yes/no in Finnish (questionary.confirm only speaks English)."""
    choices = [("Kyllä", True), ("Ei", False)] if default else [("Ei", False), ("Kyllä", True)]
    return bool(select(io, message, choices, instruction="(Enter valitsee)"))
