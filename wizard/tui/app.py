"""`kela-ohjaus browse`: the whole decision tree at once, driving the shared engine."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App

from .. import autosave
from ..engine import Session
from ..errors import EXIT_OK, EXIT_USAGE
from ..search_cache import load_index
from ..terminal import is_terminal
from .commands import OutcomeSearch
from .screens.main import MainScreen

if TYPE_CHECKING:
    from ..search import SearchIndex


class KelaApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "kela-ohjaus"
    COMMANDS = App.COMMANDS | {OutcomeSearch}
    ENABLE_COMMAND_PALETTE = True

    def __init__(
        self,
        session: Session,
        save_dir: str | Path = ".",
        on_finish: Callable[[Session, str], None] | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        self.save_dir = str(save_dir)
        self.on_finish = on_finish or (lambda session, how: None)
        self.crash: BaseException | None = None
        # This call's own autosave, written off the UI thread; a failure is shown at once.
        self.saver = autosave.Saver("browse", self._autosave_changed)

    def _autosave_changed(self, error: str | None) -> None:
        if error:
            self.notify(error, severity="error", timeout=30, markup=False)
        else:
            self.notify("Automaattinen tallennus toimii taas.", markup=False)

    @property
    def index(self) -> SearchIndex:
        """The shared search index, made on the first search (not every start needs one)."""
        return load_index(self.session.flow)

    def _fatal_error(self) -> None:
        # Textual would print a full traceback with locals (which may hold a
        # caller's details). Keep the call instead and let run_browser report
        # one line plus a crash report without field values.
        self.saver.save_now(self.session)
        self.crash = self._exception
        self._close_messages_no_wait()

    def get_default_screen(self) -> MainScreen:
        # The main screen is the first screen itself: no empty default screen
        # to style and then switch away from at start-up.
        return MainScreen(self.session)

    def open_outcome(self, outcome_id: str) -> None:
        screen = self.screen
        if isinstance(screen, MainScreen):
            screen.open_outcome(outcome_id)

    def finish_call(self) -> None:
        """Log the call (ids only) and clear its autosave."""
        if self.session.path:
            self.on_finish(self.session, "finished" if self.session.outcome else "abandoned")
        self.saver.clear(self.session)


def run_browser(args: Any) -> int:
    from ..locate import load_default
    from ..web import web_driver_active

    if not is_terminal() and not web_driver_active():  # `serve` runs it in a web page
        sys.stderr.write(
            "kela-ohjaus browse tarvitsee päätteen. Skripteissä käytä: kela-ohjaus find, draft, replay, outcomes.\n"
        )
        return EXIT_USAGE
    flow = load_default(getattr(args, "flow", None))
    session = Session(flow)
    if getattr(args, "resume", False):
        from .screens.resume import resume_call

        resumed = resume_call(flow, args.resume)
        if resumed is None:
            sys.stderr.write("Ei jatkettu: keskeytetyt puhelut ovat tallessa.\n")
            return EXIT_OK
        session = resumed.session
    on_finish = None
    notices: list[str] = []
    if not getattr(args, "no_log", False):
        from ..calllog import log_call

        def on_finish(session: Session, how: str) -> None:
            notice = log_call(session, how)  # a notice only the first time the log fails
            if notice:
                notices.append(notice)  # said again on exit: a quit would hide the toast
                app.notify(notice, severity="warning", markup=False)

    app = KelaApp(session, on_finish=on_finish)
    try:
        result = app.run()
    except BaseException:
        app.saver.save_now(session)
        raise
    if app.crash is not None:
        app.saver.save_now(session)  # the call survives the crash: `browse --resume`
        raise app.crash  # cli.main writes the crash report and exits 70
    if app.saver.flush():  # a change made just before the exit is written, not lost with the event loop
        sys.stderr.write(f"{app.saver.error}\n")
    for notice in notices:
        sys.stderr.write(notice + "\n")
    return EXIT_OK if result is None else int(result)
