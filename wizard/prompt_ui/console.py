"""Plain terminal output for the wizard: short styled lines, never markup.

Text from the data or from fields is written as-is after control characters
are made visible, so an escape sequence in a value cannot repaint the screen.
Lines are wrapped at the terminal's width on word boundaries (the terminal
itself would cut "Länt/inen"), continuation lines indented under the text;
NO_COLOR (https://no-color.org) turns every escape sequence off.
"""

from __future__ import annotations

import os
import shutil
import sys
import textwrap
from typing import TextIO

from ..terminal import visible

_STYLES = {"bold": "1", "dim": "2", "title": "1;36", "address": "1;32", "warn": "1;33", "error": "1;31"}


class Console:
    def __init__(self, stream: TextIO | None = None, color: bool | None = None, width: int | None = None) -> None:
        self.stream = stream or sys.stdout
        if color is None:
            color = self.stream.isatty() and not os.environ.get("NO_COLOR")
        self.color = color
        self._width = width  # None: the terminal's current width (it may be resized mid-call)

    @property
    def width(self) -> int:
        if self._width:
            return self._width
        if self.stream.isatty():
            return shutil.get_terminal_size((100, 24)).columns
        return 100_000  # a file or a test stream: no wrapping

    def wrapped(self, text: str, indent: int = 0, hang: int = 0) -> list[str]:
        """`text` wrapped to the width: `indent` before the first line, `indent + hang` before the rest."""
        width = max(self.width - 1, 20)  # the last column would make some terminals wrap by themselves
        out: list[str] = []
        for paragraph in text.split("\n"):
            lines = textwrap.wrap(
                paragraph,
                width,
                initial_indent=" " * indent,
                subsequent_indent=" " * (indent + hang),
                break_long_words=True,
                break_on_hyphens=False,  # addresses and Y-tunnus stay in one piece where they fit
                drop_whitespace=True,
            )
            out.extend(lines or [" " * indent if paragraph else ""])
        return out

    def line(self, text: str = "", style: str | None = None, indent: int = 0, hang: int = 0) -> None:
        for body in self.wrapped(visible(text), indent, hang):
            if style and self.color:
                body = f"\x1b[{_STYLES[style]}m{body}\x1b[0m"
            self.stream.write(body + "\n")
        self.stream.flush()

    def field(self, label: str, value: str, style: str | None = None) -> None:
        self.line(f"{label}: {value}", style, indent=2, hang=len(label) + 2)

    def rule(self, title: str = "") -> None:
        length = min(64, max(self.width - 1, 20))
        text = f"── {title} " + "─" * max(0, length - len(title) - 4) if title else "─" * length
        self.line(text, "dim")
