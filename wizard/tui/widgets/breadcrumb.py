"""The path on top of the browser: at most two lines, and the current place always shows."""

from __future__ import annotations

import textwrap

from textual.content import Content
from textual.geometry import Size
from textual.widgets import Static

SEPARATOR = "\u00a0› "  # a no-break space: a wrapped line never starts with the arrow
ELIDED = "…"


def crumb_lines(labels: tuple[str, ...], width: int, max_lines: int = 2) -> list[str]:
    """ "Alku › A › B › C" wrapped to `width`. When it needs more than `max_lines`, the
    earliest steps after "Alku" give way to "…" one at a time: at 60 columns the current
    place (the last step) was pushed out of the two lines the breadcrumb has."""
    items = ["Alku", *labels]
    width = max(width, 10)
    for dropped in range(max(len(items) - 1, 1)):
        shown = [items[0], *([ELIDED] if dropped else []), *items[1 + dropped :]]
        lines = textwrap.wrap(SEPARATOR.join(shown), width, break_on_hyphens=False)
        if len(lines) <= max_lines:
            return lines
    # Only "Alku › … › the current place" is left and still too long: the place comes first.
    for text in (f"{ELIDED}{SEPARATOR}{items[-1]}", items[-1]):
        lines = textwrap.wrap(text, width, break_on_hyphens=False)
        if len(lines) <= max_lines:
            return lines
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: width - 1] + ELIDED
    return lines


class Breadcrumb(Static):
    """Lines made to the widget's own width (so Textual never wraps them differently)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(markup=False, **kwargs)
        self.labels: tuple[str, ...] = ()

    def show(self, labels: tuple[str, ...]) -> None:
        if labels != self.labels or not self.is_mounted:
            self.labels = labels
            self.refresh(layout=True)

    @property
    def text(self) -> str:
        """The whole path on one line, unshortened (what the breadcrumb stands for)."""
        return SEPARATOR.join(["Alku", *self.labels]).replace("\u00a0", " ")

    def _lines(self, width: int) -> list[str]:
        return crumb_lines(self.labels, width) if width > 0 else [self.text]

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines(width))

    def render(self) -> Content:
        return Content("\n".join(self._lines(self.content_region.width)))
