"""Text wrapped to the widget's own width with a hanging indent.

Textual wraps a long line back to the left margin, so a wrapped help entry or option
hint lost its indent and read as a new entry. These lines are wrapped here instead,
each continuation indented under the text of its first line.
"""

from __future__ import annotations

import textwrap
from typing import NamedTuple

from textual.content import Content
from textual.geometry import Size
from textual.widgets import Static


class Para(NamedTuple):
    text: str
    hang: int = 0  # continuation lines start this many columns in
    style: str = ""  # a Textual style ("bold", "dim", "italic"), never markup in the text


def wrap_para(para: Para, width: int) -> list[str]:
    """One paragraph's lines: a blank paragraph stays one blank line; the first line keeps its own indent."""
    if not para.text.strip():
        return [""]
    lead = len(para.text) - len(para.text.lstrip(" "))
    return textwrap.wrap(
        para.text.lstrip(" "),
        max(width, para.hang + 10),
        initial_indent=" " * lead,
        subsequent_indent=" " * para.hang,
        break_on_hyphens=False,
    )


class Wrapped(Static):
    """A Static whose paragraphs keep their hanging indent when wrapped."""

    def __init__(self, paras: list[Para] | None = None, **kwargs) -> None:
        super().__init__(markup=False, **kwargs)
        self.paras: list[Para] = paras or []

    def show(self, paras: list[Para]) -> None:
        if paras != self.paras:  # a keystroke in the form repaints the detail: unchanged parts stay as they are
            self.paras = paras
            self.refresh(layout=True)

    @property
    def text(self) -> str:
        """The paragraphs unwrapped, one a line (what tests and copies read)."""
        return "\n".join(p.text for p in self.paras)

    def _lines(self, width: int) -> list[tuple[str, str]]:
        if width <= 0:
            return [(p.text, p.style) for p in self.paras]
        return [(line, p.style) for p in self.paras for line in wrap_para(p, width)]

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines(width))

    def render(self) -> Content:
        lines = self._lines(self.content_region.width)
        parts: list[tuple[str, str] | str] = []
        for index, (line, style) in enumerate(lines):
            parts.append((line, style) if style else line)
            if index < len(lines) - 1:
                parts.append("\n")
        return Content.assemble(*parts)
