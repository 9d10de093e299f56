"""Plain terminal output for the wizard: short styled lines, never markup.

Text from the data or from fields is written as-is after control characters
are made visible, so an escape sequence in a value cannot repaint the screen.
"""

from __future__ import annotations

import sys
from typing import TextIO

from ..terminal import visible

_STYLES = {"bold": "1", "dim": "2", "title": "1;36", "address": "1;32", "warn": "1;33", "error": "1;31"}


class Console:
    def __init__(self, stream: TextIO | None = None, color: bool | None = None) -> None:
        self.stream = stream or sys.stdout
        self.color = self.stream.isatty() if color is None else color

    def line(self, text: str = "", style: str | None = None, indent: int = 0) -> None:
        body = " " * indent + visible(text)
        if style and self.color:
            body = f"\x1b[{_STYLES[style]}m{body}\x1b[0m"
        self.stream.write(body + "\n")
        self.stream.flush()

    def field(self, label: str, value: str, style: str | None = None) -> None:
        self.line(f"{label}: {value}", style, indent=2)

    def rule(self, title: str = "") -> None:
        self.line(f"── {title} " + "─" * max(0, 60 - len(title)) if title else "─" * 64, "dim")
