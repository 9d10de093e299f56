"""The decision tree on the left: questions, options, and outcomes marked by channel."""

from __future__ import annotations

from typing import NamedTuple

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from ...channels import CHANNEL_MARKS
from ...model import Flow

# Channel marks (see channels.py), so outcomes are told apart at a glance without colour.
CHANNEL_MARKS_ASCII = CHANNEL_MARKS

Steps = tuple[tuple[str, str], ...]


class TreeData(NamedTuple):  # a tuple: made ~90 times at every start, cheaper than a frozen dataclass
    node_id: str
    steps: Steps  # (question, option) pairs from the root to this tree position


class FlowTree(Tree[TreeData]):
    """The whole flow as a tree. A node reachable along two routes appears under both."""

    # The tree is a ScrollView, whose left/right would scroll sideways; here
    # they walk the decision path instead (→ opens, ← goes back).
    BINDINGS = [
        Binding("right", "open_cursor", "Avaa", show=False),
        Binding("left", "back", "Takaisin", show=False),
    ]

    class OpenRequested(Message):
        """→ on a node: open it (the screen moves the engine)."""

    class BackRequested(Message):
        """← in the tree: go back along the path."""

    def action_open_cursor(self) -> None:
        self.post_message(self.OpenRequested())

    def action_back(self) -> None:
        self.post_message(self.BackRequested())

    def __init__(self, flow: Flow, **kwargs) -> None:
        super().__init__(Text(flow.title), data=TreeData(flow.root, ()), **kwargs)
        self.flow = flow
        self.by_steps: dict[Steps, TreeNode[TreeData]] = {(): self.root}
        self.show_root = True
        self.guide_depth = 2
        self._add_children(self.root, flow.root, ())
        self.root.expand()

    def process_label(self, label: str | Text) -> Text:
        # Textual's splits every label into lines to keep the first, a copy per call and
        # two calls per node: a tenth of the start-up screen's own time. The labels made
        # here are one-line Text already (a line break in the data is cut, as Textual would).
        if isinstance(label, Text) and "\n" not in label.plain:
            return label
        return super().process_label(label)

    def _add_children(self, parent: TreeNode[TreeData], question_id: str, steps: Steps) -> None:
        # An explicit stack, not recursion: a tree may be deeper than Python's stack.
        pending = [(parent, question_id, steps)]
        while pending:
            parent, question_id, steps = pending.pop()
            for option in self.flow.questions[question_id].options:
                here = (*steps, (question_id, option.id))
                if option.next in self.flow.questions:
                    node = parent.add(Text(f"{option.label} ›"), data=TreeData(option.next, here))
                    pending.append((node, option.next, here))
                else:
                    contact = self.flow.contact_of(self.flow.outcomes[option.next])
                    mark = f"[{CHANNEL_MARKS_ASCII[contact.kind]}] "
                    label = Text(mark + option.label)
                    label.stylize("bold", 0, len(mark))
                    node = parent.add_leaf(label, data=TreeData(option.next, here))
                self.by_steps[here] = node

    def reveal(self, steps: Steps) -> None:
        """Expand the ancestors of the position `steps` and put the cursor on it."""
        node = self.by_steps.get(tuple(steps))
        if node is None:
            return
        ancestor = node.parent
        while ancestor is not None:
            ancestor.expand()
            ancestor = ancestor.parent
        # Line numbers of newly expanded nodes exist only after the next refresh.
        self.call_after_refresh(self.move_cursor, node)
