"""The browser's one main screen: tree | detail, breadcrumb on top, Footer below."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from ...engine import VIA_SEARCH, Session
from ...gcpause import end_startup
from ...model import Outcome, Question
from ..widgets.breadcrumb import Breadcrumb
from ..widgets.detail import NodeDetail
from ..widgets.flow_tree import FlowTree, TreeData
from ..widgets.key_hints import KeyHints

if TYPE_CHECKING:
    from ..widgets.fields_form import FieldsForm
    from ..widgets.search_bar import SearchBar


NARROW_BELOW = 80  # columns


class MainScreen(Screen[None]):
    AUTO_FOCUS = "#tree"
    # The key hints and the help screen (?) are both made from these bindings:
    # `description` is the short hint, `tooltip` the line in the help.
    BINDINGS = [
        Binding(
            "slash",
            "search",
            "Haku",
            key_display="/",
            tooltip="haku soittajan sanoin (Enter avaa, nuolet valitsevat, Esc sulkee)",
        ),
        Binding("enter", "open", "Avaa", key_display="Enter", tooltip="avaa puusta valittu kohta"),
        Binding("right", "open", "Avaa", show=False, tooltip="avaa puusta valittu kohta"),
        Binding("backspace,left", "back", "Takaisin", key_display="←", tooltip="takaisin polulla"),
        *(
            Binding(str(n), f"option({n})", f"Vaihtoehto {n}", show=False, tooltip="avaa oikealla numeroitu vaihtoehto")
            for n in range(1, 10)
        ),
        Binding("c", "copy_draft", "Kopioi", tooltip="kopioi luonnos"),
        Binding("a", "copy_address", "Osoite", tooltip="kopioi osoite"),
        Binding("e", "edit_fields", "Tiedot", tooltip="muokkaa viestin tietoja (luonnos päivittyy heti, Esc sulkee)"),
        Binding("s", "save_eml", ".eml", tooltip="tallenna luonnos .eml-tiedostoksi"),
        Binding("r", "save_record", "Tallenne", tooltip="tallenna puhelun tallenne (.toml)"),
        Binding("n", "new_call", "Uusi", tooltip="uusi puhelu (kysyy ensin, jos puhelussa on vastauksia tai tietoja)"),
        Binding("question_mark", "help", "Ohje", key_display="?", tooltip="tämä ohje"),
        Binding(
            "q",
            "quit",
            "Lopeta",
            tooltip="lopeta (myös Ctrl+Q): puhelu kirjataan; kysyy ensin, jos tietoja ei ole kopioitu eikä "
            "tallennettu. Ctrl+C keskeyttää: puhelu säilyy (browse --resume)",
        ),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.widgets_ready = False  # True from on_mount on: the widgets the view paints exist

    @property
    def flow(self):
        return self.session.flow

    def compose(self) -> ComposeResult:
        yield Breadcrumb(id="breadcrumb")
        with Horizontal(id="main"):
            yield FlowTree(self.flow, id="tree")
            with Vertical(id="right"):
                yield NodeDetail(id="detail")
        yield KeyHints(self.BINDINGS, id="key-hints")

    def on_resize(self, event: events.Resize) -> None:
        # Below 80 columns the detail moves under the tree (see app.tcss). Not
        # Textual's HORIZONTAL_BREAKPOINTS: they add a class at every start, and
        # a class change restyles every widget before the first screen is shown.
        self.set_class(event.size.width < NARROW_BELOW, "-narrow")

    @on(events.Resize)
    def skip_same_size_layout(self, event: events.Resize) -> None:
        # Textual lays the whole screen out again for every Resize, even at the size it
        # has just been laid out at: three at start (the driver's, the terminal's in-band
        # report, the screen's own first layout), ~60 ms of CPU right after the first frame,
        # before the first key is answered. At an unchanged size nothing moves: skip it.
        # The size last laid out is the compositor's (Screen.size is the app's, already
        # the new one); should a Textual release drop that attribute, nothing is skipped.
        laid_out = getattr(getattr(self, "_compositor", None), "size", None)
        if laid_out is not None and event.size == laid_out:
            event.prevent_default()  # Screen's own handler, not on_resize (same class, runs)

    def on_mount(self) -> None:
        self.widgets_ready = True
        self.call_changed()
        if self.session.steps:  # a resumed call: show where it was (a fresh one starts at the root)
            self.query_one(FlowTree).reveal(self.session.steps)
        self.call_after_refresh(end_startup)  # the first screen is drawn: the collector runs again

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Keys typed ahead while the screen is still being built wait for it
        # (disabled, not lost to an error): the widgets they act on exist only
        # after mount.
        # None: shown in the hints but not run yet.
        return True if self.widgets_ready else None

    # ------------------------------------------------------------ engine -> view
    def call_changed(self) -> None:
        """After every change to the call (an answer, a field): paint it, and keep it."""
        if not self.widgets_ready:
            return  # the engine already holds the change; on_mount paints and keeps it
        self.paint()
        self.keep()

    def paint(self) -> None:
        """The breadcrumb and the detail, from the engine's state. Nothing else."""
        self.query_one(Breadcrumb).show(tuple(a.label for a in self.session.path))
        self.query_one(NodeDetail).show(self.session, self.session.clock())

    def keep(self) -> None:
        """Autosave this change: requested here, written off the UI thread (autosave.Saver,
        which writes only the latest of requests made while a write is in flight)."""
        if self.session.answers or any(self.session.fields.values()):
            self.app.saver.request(self.session)  # type: ignore[attr-defined]
        else:  # back at a fresh start: nothing to keep
            self.app.saver.clear(self.session)  # type: ignore[attr-defined]

    def opened(self) -> None:
        """After the engine moved: update the view and put the tree cursor on the node."""
        self.call_changed()
        if self.widgets_ready:
            self.query_one(FlowTree).reveal(self.session.steps)

    # ------------------------------------------------------------ tree
    def _open(self, node: TreeNode[TreeData] | None, expand: bool) -> None:
        """Make a tree position the engine's path (a node reachable two ways has two positions)."""
        if node is not None and node.data is not None:
            self.session.follow(node.data.steps)
            if expand:
                node.expand()
            self.call_changed()

    @on(Tree.NodeSelected, "#tree")
    def tree_selected(self, event: Tree.NodeSelected[TreeData]) -> None:
        self._open(event.node, expand=False)  # Enter: the Tree itself toggles the node

    @on(FlowTree.OpenRequested)
    def action_open(self) -> None:
        self._open(self.query_one(FlowTree).cursor_node, expand=True)

    def action_option(self, number: int) -> None:
        """1–9: open the option with that number in the right-hand list."""
        question = self.session.current
        if not isinstance(question, Question) or not 1 <= number <= len(question.options):
            return
        option = question.options[number - 1]
        self.session.follow((*self.session.steps, (question.id, option.id)))
        self.opened()

    @on(FlowTree.BackRequested)
    def action_back(self) -> None:
        self.session.back()
        self.opened()

    # ------------------------------------------------------------ search
    # The search bar, the fields form and the dialogs are imported and mounted
    # on first use: most calls never need them, and every start-up would pay
    # for their modules, CSS and layout. So are the draft renderers and the
    # henkilötunnus check (~4 ms of imports the first screen does not use). Their messages reach the handlers below
    # by name (on_search_bar_opened is SearchBar.Opened).
    async def action_search(self) -> None:
        # Awaiting the mount keeps keys in order: a second "/" typed while the
        # bar is being built waits for it instead of finding it half-made.
        if not self.query("#search-bar"):
            from ..widgets.search_bar import SearchBar

            bar = SearchBar(self.flow, self.app.index, id="search-bar")  # type: ignore[attr-defined]
            await self.mount(bar, after=self.query_one("#breadcrumb"))
        bar = self.query_one("#search-bar")
        bar.display = True
        bar.focus_input()  # type: ignore[attr-defined]

    def on_search_bar_opened(self, event: SearchBar.Opened) -> None:
        self.open_outcome(event.outcome_id)
        self.close_search()

    def on_search_bar_left(self) -> None:
        self.close_search()

    def close_search(self) -> None:
        self.query("#search-bar").set(display=False)
        self.query_one(FlowTree).focus()

    def open_outcome(self, outcome_id: str) -> None:
        self.session.jump_to(outcome_id, via=VIA_SEARCH)
        self.opened()

    def open_option(self, question_id: str, option_id: str) -> None:
        """The question's canonical path, then this option: the palette's answer to an unsure search."""
        self.session.follow((*self.flow.paths[question_id], (question_id, option_id)), via="search")
        self.opened()

    # ------------------------------------------------------------ fields
    # The form is hidden, not removed, when closed: what was typed (an invalid
    # Y-tunnus included, with its error) is still there when it is reopened.
    async def action_edit_fields(self) -> None:
        if not self.query("#fields-form"):
            from ..widgets.fields_form import FieldsForm

            form = FieldsForm(self.flow, dict(self.session.fields), id="fields-form")
            await self.query_one("#right").mount(form, before=0)
        form = self.query_one("#fields-form")
        form.display = True
        self.add_class("-editing")
        form.focus_first()  # type: ignore[attr-defined]

    def on_fields_form_changed(self, event: FieldsForm.Changed) -> None:
        self.session.set_field(event.key, event.value)
        self.call_changed()

    def on_fields_form_closed(self) -> None:
        self.query("#fields-form").set(display=False)
        self.remove_class("-editing")
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

    async def _personal_data_allowed(self, doing: str) -> bool:
        """The CLI's rule: a henkilötunnus leaves only after an explicit yes (default No)."""
        from ...personal_data import personal_data_fields

        keys = personal_data_fields(self.session.fields)
        if not keys:
            return True
        from .dialogs import ConfirmScreen

        names = ", ".join(self.flow.fields[k].label for k in keys)
        question = (
            f"Kentässä {names} on henkilötunnus. Sitä ei pidä lähettää tavallisessa sähköpostissa. {doing} silti?"
        )
        allowed = await self.app.push_screen_wait(ConfirmScreen(question, yes="Kyllä, henkilötunnuksen kanssa"))
        if not allowed:
            self.notify("Peruttu. Poista henkilötunnus lomakkeessa (e).", markup=False)
        return bool(allowed)

    @work(group="draft-action")
    async def action_copy_draft(self) -> None:
        from ...drafts import render_text

        draft = self._email_draft()
        if draft and await self._personal_data_allowed("Kopioidaanko luonnos"):
            await self._copy(render_text(draft), "Luonnos", f"{draft.outcome}.txt")
            self.session.mark_handed_off()  # copied, or shown to select: q then asks nothing

    @work(group="draft-action")
    async def action_copy_address(self) -> None:
        # Only Kela's address: no field value, so no henkilötunnus question.
        draft = self._email_draft()
        if draft and draft.to:
            await self._copy(draft.to, f"Osoite {draft.to}", "osoite.txt")

    async def _copy(self, text: str, what: str, suggested: str) -> None:
        """Say "kopioitu" only when a clipboard tool confirmed it; otherwise offer the text itself."""
        import asyncio

        from ... import clipboard
        from ...web.deliver import in_web_page

        if in_web_page(self.app):
            # Under `serve` the server's clipboard is not the person's: the page copies it
            # (Textual's web driver), and the page does not report back whether it could.
            self.app.copy_to_clipboard(text)
            self.notify(f"{what} annettu selaimelle kopioitavaksi (Ctrl+V liittää sen).", markup=False)
            return
        tool = await asyncio.to_thread(clipboard.copy, text)
        if tool:
            self.notify(f"{what} kopioitu {clipboard.copied_to(tool)}.", markup=False)
            return
        from .dialogs import CopyFallbackScreen

        self.app.copy_to_clipboard(text)  # OSC 52: the terminal may or may not honour it
        save = await self.app.push_screen_wait(CopyFallbackScreen(what, text))
        if save:
            await self._save(f"Tallenna {what.split()[0].lower()} tiedostoon", suggested, text)

    @work(group="draft-action")
    async def action_save_eml(self) -> None:
        from ...drafts import render_eml

        draft = self._email_draft()
        allowed = draft is not None and await self._personal_data_allowed("Tallennetaanko luonnos")
        if draft and allowed and await self._save("Tallenna luonnos (.eml)", f"{draft.outcome}.eml", render_eml(draft)):
            self.session.mark_handed_off()

    @work(group="draft-action")
    async def action_save_record(self) -> None:
        outcome = self._outcome()
        if outcome and await self._personal_data_allowed("Tallennetaanko tallenne"):
            from ...record import dumps

            if await self._save("Tallenna tallenne (.toml)", f"{outcome.id}.toml", dumps(self.session)):
                self.session.mark_handed_off()

    async def _save(self, title: str, suggested: str, content: bytes | str) -> bool:
        """Ask a name and save (or hand the download to the page); True once it is done."""
        from ...save_file import ASK_AGAIN, NOT_SAVED, overwrite_question, reason_for, try_save
        from ...web.deliver import deliver, in_web_page
        from .dialogs import ConfirmScreen, FileNameScreen

        web = in_web_page(self.app)  # `serve`: a download to the person's browser, nothing on the server
        initial = suggested if web else str(Path(self.app.save_dir) / suggested)  # type: ignore[attr-defined]
        problem = ""
        while True:  # a name that cannot be used is asked again, saying why; Esc or an empty name gives up
            asked = f"{problem}\n{title}" if problem else title
            name = await self.app.push_screen_wait(FileNameScreen(asked, initial))
            if not name:
                return False
            if web:
                deliver(self.app, name, suggested, content)
                return True
            attempt = try_save(name, content)
            if attempt.exists:
                if not await self.app.push_screen_wait(ConfirmScreen(overwrite_question(attempt.path))):
                    self.notify(NOT_SAVED, markup=False)
                    return False
                attempt = try_save(name, content, overwrite=True)
            if attempt.refused:  # the name is in the input box already: the reason without it
                problem = f"{reason_for(attempt.refused, name)} {ASK_AGAIN}"
                initial = name
                continue
            self.notify(f"Tallennettu: {attempt.path}", markup=False)
            return True

    # ------------------------------------------------------------ call
    @work(group="new-call")
    async def action_new_call(self) -> None:
        if self.session.answers or any(self.session.fields.values()) or self._form_has_text():
            from .dialogs import ConfirmScreen

            question = "Aloitetaanko uusi puhelu? Tämän puhelun vastaukset ja tiedot poistetaan näkyvistä."
            if not await self.app.push_screen_wait(ConfirmScreen(question, yes="Kyllä, uusi puhelu")):
                return
        self.app.finish_call()  # type: ignore[attr-defined]
        self.session.restart(keep_fields=False)
        # Every trace of the previous caller: the form, the search words, the notices.
        await self.query("#fields-form").remove()
        self.remove_class("-editing")
        await self.query("#search-bar").remove()
        self.app.clear_notifications()
        tree = self.query_one(FlowTree)
        tree.root.collapse_all()
        tree.root.expand()
        tree.move_cursor(tree.root)
        tree.focus()
        self.opened()
        self.notify("Uusi puhelu aloitettu.", markup=False)

    def _form_has_text(self) -> bool:
        from textual.widgets import Input

        return any(field.value for field in self.query("#fields-form Input").results(Input))

    def action_help(self) -> None:
        self.app.action_help()  # type: ignore[attr-defined]

    async def action_quit(self) -> None:
        await self.app.action_quit()
