"""The browser's one main screen: tree | detail, breadcrumb on top, Footer below."""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static, Tree
from textual.widgets.tree import TreeNode

from ... import autosave
from ...drafts import render_eml, render_text
from ...engine import Session
from ...errors import InputError
from ...files import write_private
from ...model import Outcome
from ...record import dumps
from ..widgets.detail import NodeDetail
from ..widgets.fields_form import FieldsForm
from ..widgets.flow_tree import FlowTree, TreeData
from ..widgets.search_bar import SearchBar
from .dialogs import ConfirmScreen, FileNameScreen, HelpScreen


class MainScreen(Screen[None]):
    BINDINGS = [
        # Short descriptions: all of them fit in the Footer at 80 columns.
        Binding("slash", "search", "Haku", key_display="/"),
        Binding("right", "open", "Avaa", show=False),
        Binding("backspace,left", "back", "Takaisin", key_display="←"),
        Binding("c", "copy_draft", "Kopioi"),
        Binding("a", "copy_address", "Osoite"),
        Binding("e", "edit_fields", "Tiedot"),
        Binding("s", "save_eml", ".eml"),
        Binding("r", "save_record", "Tallenne"),
        Binding("n", "new_call", "Uusi"),
        Binding("question_mark", "help", "Ohje", key_display="?"),
        Binding("q", "quit", "Lopeta"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    @property
    def flow(self):
        return self.session.flow

    def compose(self) -> ComposeResult:
        yield Static(id="breadcrumb", markup=False)
        with Horizontal(id="main"):
            yield FlowTree(self.flow, id="tree")
            with Vertical(id="right"):
                yield NodeDetail(id="detail")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_view()
        tree = self.query_one(FlowTree)
        tree.reveal(self.session.steps)
        tree.focus()

    # ------------------------------------------------------------ engine -> view
    def refresh_view(self) -> None:
        labels = [a.label for a in self.session.path]
        crumb = " › ".join(["Alku", *labels]) if labels else "Alku"
        self.query_one("#breadcrumb", Static).update(Content(crumb))
        self.query_one(NodeDetail).show(self.session, self.session.clock())
        if self.session.answers or any(self.session.fields.values()):
            autosave.save(self.session)
        else:  # back at a fresh start: nothing to keep (and no fsync on start-up)
            autosave.clear(self.session.flow.id)

    def opened(self) -> None:
        """After the engine moved: update the view and put the tree cursor on the node."""
        self.refresh_view()
        self.query_one(FlowTree).reveal(self.session.steps)

    # ------------------------------------------------------------ tree
    def _open(self, node: TreeNode[TreeData] | None, expand: bool) -> None:
        """Make a tree position the engine's path (a node reachable two ways has two positions)."""
        if node is not None and node.data is not None:
            self.session.follow(node.data.steps)
            if expand:
                node.expand()
            self.refresh_view()

    @on(Tree.NodeSelected, "#tree")
    def tree_selected(self, event: Tree.NodeSelected[TreeData]) -> None:
        self._open(event.node, expand=False)  # Enter: the Tree itself toggles the node

    @on(FlowTree.OpenRequested)
    def action_open(self) -> None:
        self._open(self.query_one(FlowTree).cursor_node, expand=True)

    @on(FlowTree.BackRequested)
    def action_back(self) -> None:
        self.session.back()
        self.opened()

    # ------------------------------------------------------------ search
    def action_search(self) -> None:
        # Mounted on first use: its Input and OptionList would add their CSS
        # and layout to every start-up, and most calls never search.
        if not self.query(SearchBar):
            bar = SearchBar(self.flow, self.app.index, id="search-bar")  # type: ignore[attr-defined]
            self.mount(bar, after=self.query_one("#breadcrumb"))
            self.call_after_refresh(bar.focus_input)
            return
        bar = self.query_one(SearchBar)
        bar.display = True
        bar.focus_input()

    @on(SearchBar.Opened)
    def search_opened(self, event: SearchBar.Opened) -> None:
        self.open_outcome(event.outcome_id)
        self.close_search()

    @on(SearchBar.Left)
    def close_search(self) -> None:
        self.query_one(SearchBar).display = False
        self.query_one(FlowTree).focus()

    def open_outcome(self, outcome_id: str) -> None:
        self.session.jump_to(outcome_id, via="search")
        self.opened()

    # ------------------------------------------------------------ fields
    def action_edit_fields(self) -> None:
        if self.query(FieldsForm):
            self.query_one(FieldsForm).query_one("Input").focus()
            return
        form = FieldsForm(self.flow, dict(self.session.fields), id="fields-form")
        self.query_one("#right").mount(form, before=0)

    @on(FieldsForm.Changed)
    def field_changed(self, event: FieldsForm.Changed) -> None:
        self.session.set_field(event.key, event.value)
        self.refresh_view()

    @on(FieldsForm.Closed)
    def form_closed(self) -> None:
        self.query_one(FieldsForm).remove()
        self.query_one(FlowTree).focus()

    # ------------------------------------------------------------ draft actions
    def _outcome(self) -> Outcome | None:
        outcome = self.session.outcome
        if outcome is None:
            self.notify(
                "Valitse ensin kohde: luonnos tehdään vasta ohjauksen lopussa.", severity="warning", markup=False
            )
        return outcome

    def _email_draft(self):
        outcome = self._outcome()
        if outcome is None:
            return None
        draft = self.session.draft()
        if draft.to is None:
            self.notify("Tällä kanavalla ei ole sähköpostiosoitetta. Katso 'Kerro soittajalle'.", markup=False)
            return None
        return draft

    def action_copy_draft(self) -> None:
        draft = self._email_draft()
        if draft:
            self.app.copy_to_clipboard(render_text(draft))
            self.notify("Luonnos kopioitu leikepöydälle.", markup=False)

    def action_copy_address(self) -> None:
        draft = self._email_draft()
        if draft and draft.to:
            self.app.copy_to_clipboard(draft.to)
            self.notify(f"Osoite kopioitu: {draft.to}", markup=False)

    def action_save_eml(self) -> None:
        draft = self._email_draft()
        if draft:
            self.save_file("Tallenna luonnos (.eml)", f"{draft.outcome}.eml", render_eml(draft))

    def action_save_record(self) -> None:
        if self._outcome():
            self.save_file("Tallenna tallenne (.toml)", f"{self.session.outcome.id}.toml", dumps(self.session))  # type: ignore[union-attr]

    @work
    async def save_file(self, title: str, suggested: str, content: bytes | str) -> None:
        name = await self.app.push_screen_wait(FileNameScreen(title, str(Path(self.app.save_dir) / suggested)))  # type: ignore[attr-defined]
        if not name:
            return
        path = Path(name).expanduser()
        overwrite = False
        if path.exists():
            overwrite = await self.app.push_screen_wait(ConfirmScreen(f"{path} on jo olemassa. Korvataanko?"))
            if not overwrite:
                self.notify("Ei tallennettu.", markup=False)
                return
        try:
            write_private(path, content, overwrite=overwrite)
        except InputError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.notify(f"Tallennettu: {path}", markup=False)

    # ------------------------------------------------------------ call
    def action_new_call(self) -> None:
        self.app.finish_call()  # type: ignore[attr-defined]
        self.session.restart(keep_fields=False)
        if self.query(FieldsForm):
            self.query_one(FieldsForm).remove()
        self.opened()
        self.notify("Uusi puhelu aloitettu.", markup=False)

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen())

    def action_quit(self) -> None:
        self.app.finish_call()  # type: ignore[attr-defined]
        self.app.exit(0)
