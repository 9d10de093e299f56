"""The key hints at the bottom: every hint at 80 columns, the essential ones below that.

Not Textual's Footer: it builds its keys only after the screen reports its
bindings and then waits for one more refresh (a first frame without any key
hints, ~0.3 s later in a real terminal), and it cuts hints off at the right
edge instead of wrapping. This one is drawn in the first frame from the same
bindings and wraps onto a second row when needed.
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.geometry import Size
from textual.widget import Widget

# Shown even in the narrowest layout (and the keys of an open form or search box).
ESSENTIAL = frozenset({"search", "open", "back", "edit_fields", "save_eml", "help", "quit", "close", "leave"})
NARROW_BELOW = 80  # columns

KEY_NAMES = {
    "slash": "/",
    "question_mark": "?",
    "backspace": "Backspace",
    "left": "←",
    "right": "→",
    "up": "↑",
    "down": "↓",
    "enter": "Enter",
    "escape": "Esc",
    "tab": "Tab",
}


def key_name(key: str) -> str:
    """A key as a person reads it: "ctrl+q" -> "Ctrl+Q", "question_mark" -> "?"."""
    if key in KEY_NAMES:
        return KEY_NAMES[key]
    if key.startswith("ctrl+"):
        return "Ctrl+" + key_name(key[5:]).upper()
    return key


def binding_keys(binding: Binding) -> str:
    """Every key of a binding, for the help screen: "Backspace, ←"."""
    return ", ".join(key_name(k.strip()) for k in binding.key.split(","))


class KeyHints(Widget):
    DEFAULT_CSS = """
    KeyHints {
        height: auto;
        max-height: 2;
        background: $panel;
        color: $text;
        padding: 0 1;
    }
    """

    def __init__(self, bindings: list[Binding], **kwargs) -> None:
        super().__init__(**kwargs)
        self.bindings = [b for b in bindings if b.show]  # until the screen reports its live ones

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen) -> None:
        # The focused widget's own shown keys (Esc in the form) first, then the
        # screen's, even where a widget shadows one (the tree handles Enter itself).
        own = [b for b in self.screen.BINDINGS if isinstance(b, Binding) and b.show]
        seen = {b.action for b in own}
        extra: list[Binding] = []
        for active in screen.active_bindings.values():
            binding = active.binding
            own_node = active.node is not screen and active.node is not self.app
            if own_node and binding.show and binding.action not in seen:
                seen.add(binding.action)
                extra.append(binding)
        live = extra + own
        if live != self.bindings:
            self.bindings = live
            self.refresh(layout=True)

    def hints(self, width: int) -> list[tuple[str, str]]:
        narrow = width < NARROW_BELOW
        out = []
        for binding in self.bindings:
            action = binding.action.rpartition(".")[2].partition("(")[0]
            if narrow and action not in ESSENTIAL:
                continue
            out.append((binding.key_display or key_name(binding.key.split(",")[0]), binding.description))
        return out

    def lines(self, width: int) -> list[Text]:
        inner = max(1, width)
        lines: list[Text] = [Text()]
        for key, label in self.hints(self.app.size.width):
            piece = Text.assemble((key, "bold reverse"), " ", label)
            sep = 2 if lines[-1].cell_len else 0
            if lines[-1].cell_len + sep + piece.cell_len > inner and lines[-1].cell_len:
                lines.append(Text())
                sep = 0
            lines[-1].append(" " * sep)
            lines[-1].append_text(piece)
        return lines

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.lines(width))

    def render(self) -> Text:
        return Text("\n").join(self.lines(self.size.width))
