"""`kela-ohjaus browse`: the whole decision tree at once, driving the shared engine."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding

from .. import autosave
from ..engine import Session
from ..errors import EXIT_INTERRUPTED, EXIT_OK, EXIT_TERMINATED, EXIT_USAGE
from ..search_cache import load_index
from ..terminal import is_terminal
from .commands import OutcomeSearch
from .keygate import KeyGate
from .screens.main import MainScreen

if TYPE_CHECKING:
    from collections.abc import Iterable

    from textual.screen import Screen

    from ..search import SearchIndex


QUIT_QUESTION = (
    "Lopetetaanko puhelu? Tietoja ei ole kopioitu eikä tallennettu, ja ne poistetaan. "
    "(Ctrl+C keskeyttää ja säilyttää puhelun: kela-ohjaus browse --resume)"
)


def has_something(session: Session) -> bool:
    """Anything worth resuming: an answer or a field."""
    return bool(session.answers) or any(session.fields.values())


class KelaApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "kela-ohjaus"
    COMMANDS = App.COMMANDS | {OutcomeSearch}
    ENABLE_COMMAND_PALETTE = True
    # Textual's own bindings with Finnish labels. q and Ctrl+Q end the call
    # (logged, autosave cleared; asked first while typed fields were never copied
    # or saved). Ctrl+C interrupts as in the wizard: the call stays for --resume,
    # so a Ctrl+C pressed out of habit to copy never loses a call. Textual's
    # English "press ctrl+q to quit" notice never shows.
    BINDINGS = [
        Binding("ctrl+q", "quit", "Lopeta", show=False, priority=True, tooltip="lopeta, kuten q"),
        Binding(
            "ctrl+c",
            "interrupt",
            "Keskeytä",
            show=False,
            priority=True,
            tooltip="keskeytä: puhelu säilyy, jatka: kela-ohjaus browse --resume",
        ),
        Binding("ctrl+p", "command_palette", "Komennot", show=False, priority=True),
    ]

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
        self.key_gate = KeyGate(self)
        self.quitting = False
        self.interrupted = False  # Ctrl+C: run_browser says where the call was kept
        self._asking_quit = False
        # This call's own autosave, written off the UI thread; a failure is shown at once.
        self.saver = autosave.Saver("browse", self._autosave_changed)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Paste):
            # Pasted text follows the one control rule, like typed and --field text:
            # an Input repaints its value as it is, so ESC or U+202E reached the terminal raw.
            from ..textsafe import strip_controls

            event.text = strip_controls(event.text)
        # Keys and pastes wait until what the previous key started is finished,
        # so each reaches the widget that has focus at its place in the sequence.
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded and self.key_gate.hold(event):
            return
        await super().on_event(event)

    def on_mount(self) -> None:
        self.key_gate.start()
        if not self.is_headless:  # a terminal or a web page, not a test's Pilot
            import asyncio
            import signal

            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, self.terminate)

    def terminate(self) -> None:
        """SIGTERM ends the browser like Ctrl-C ends the wizard: the call kept for --resume.

        Its default action killed the process on the spot, leaving the terminal in the
        alternate screen in raw mode with mouse reporting on. Exiting through Textual
        gives the terminal back.
        """
        if self.quitting:  # q came first: the call is already logged and cleared
            return
        if self.session.path or any(self.session.fields.values()):
            self.saver.save_now(self.session)
        else:
            self.saver.clear(self.session)
        self.exit(EXIT_TERMINATED)

    async def keys_done(self) -> None:
        """Wait until every key received so far has been handled (for tests and probes)."""
        await self.key_gate.idle.wait()

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
        # one line plus a crash report without field values. A private method
        # (no public hook in Textual 8.2): pyproject.toml bounds Textual and
        # tests/test_browser.py checks the override still takes effect.
        self.saver.save_now(self.session)
        self.crash = self._exception
        self._close_messages_no_wait()

    def panic(self, *renderables: Any) -> None:
        # Textual's keyboard thread ends the app through here when reading the terminal
        # fails (its traceback on the screen, exit 0, no report). Any crash ends the same
        # way instead: the call kept, one line and a report from cli.main, exit 70.
        if self._exception is None:
            stacks = getattr(getattr(renderables[0] if renderables else None, "trace", None), "stacks", None)
            kind = stacks[-1].exc_type if stacks else "panic"
            self._exception = RuntimeError(f"Textual: {kind}")
        self._fatal_error()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        # Textual's defaults are in English (Keys, Quit, Screenshot, Theme). No theme command:
        # Textual's theme picker (its prompt and the themes' names) is English too.
        yield SystemCommand("Ohje", "Näppäimet ja mitä ne tekevät", self.action_help)
        yield SystemCommand("Lopeta", "Lopeta puhelu ja ohjelma", self.action_quit)

    def action_command_palette(self) -> None:
        from textual.command import CommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):
            placeholder = "Hae kohdetta soittajan sanoin tai komentoa…"
            self.push_screen(CommandPalette(placeholder=placeholder, id="--command-palette"))

    def action_help(self) -> None:
        from .screens.dialogs import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(MainScreen.BINDINGS))

    async def action_quit(self) -> None:
        """q, Ctrl+Q and Lopeta: log the call, clear its autosave, exit 0. Typed fields
        that no copy or save has taken are asked about first (default No), as `n` asks."""
        if self.quitting or self._asking_quit:  # a second q must neither log twice nor ask twice
            return
        if not self.session.unsent_work:
            self._end_call()
            return
        from .screens.dialogs import ConfirmScreen

        def answered(yes: bool | None) -> None:
            self._asking_quit = False
            if yes:
                self._end_call()

        self._asking_quit = True
        self.push_screen(ConfirmScreen(QUIT_QUESTION, yes="Kyllä, lopeta"), answered)

    def _end_call(self) -> None:
        self.quitting = True
        self.finish_call()
        self.exit(0)

    def action_interrupt(self) -> None:
        """Ctrl+C: the call is kept for `browse --resume` (as in the wizard), exit 130."""
        if self.quitting:
            return
        self.quitting = self.interrupted = True
        if self.session.path:  # counted as abandoned; a resumed call counts again when finished
            self.on_finish(self.session, "abandoned")
        if has_something(self.session):
            self.saver.save_now(self.session)
        else:
            self.saver.clear(self.session)
        self.exit(EXIT_INTERRUPTED)

    def get_default_screen(self) -> MainScreen:
        # The main screen is the first screen itself: no empty default screen
        # to style and then switch away from at start-up.
        return MainScreen(self.session)

    def open_outcome(self, outcome_id: str) -> None:
        screen = self.screen
        if isinstance(screen, MainScreen):
            screen.open_outcome(outcome_id)

    def open_option(self, question_id: str, option_id: str) -> None:
        """Answer a question on its canonical path (the palette's unsure entries)."""
        screen = self.screen
        if isinstance(screen, MainScreen):
            screen.open_option(question_id, option_id)

    def finish_call(self) -> None:
        """Log the call (ids only) and clear its autosave."""
        if self.session.path:
            self.on_finish(self.session, "finished" if self.session.outcome else "abandoned")
        self.saver.clear(self.session)


def lenient_keyboard() -> None:
    """Bytes from the terminal that are not UTF-8 are read as U+FFFD instead of ending the browser.

    A terminal set to Latin-1 sends ä as 0xE4. Textual's Linux driver decodes the keyboard
    with a strict UTF-8 decoder in its input thread, so one such byte raised there and the
    browser ended with Textual's traceback. The driver takes its decoder from its module's
    `getincrementaldecoder` (Textual is bounded in pyproject.toml; a real-terminal test in
    tests/test_browser.py sends the byte).
    """
    from codecs import getincrementaldecoder
    from functools import partial

    try:
        from textual.drivers import linux_driver
    except ImportError:  # no termios: not a Linux/macOS terminal
        return
    linux_driver.getincrementaldecoder = lambda encoding: partial(getincrementaldecoder(encoding), errors="replace")


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
    lenient_keyboard()
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
    if result == EXIT_TERMINATED:  # a failed save was said above: never claim one here
        if app.saver.error:
            sys.stderr.write("Keskeytetty.\n")
        elif session.path or any(session.fields.values()):
            sys.stderr.write(f"Keskeytetty. Puhelu tallessa: kela-ohjaus browse --resume {session.call_id}\n")
        else:
            sys.stderr.write("Keskeytetty. Puhelussa ei ollut vielä mitään tallennettavaa.\n")
    elif app.interrupted:  # Ctrl+C: say where the call is, as the wizard does
        if not has_something(session):
            sys.stderr.write("Keskeytetty. Puhelussa ei ollut vielä mitään tallennettavaa.\n")
        elif app.saver.error:  # never claim a save that did not happen
            sys.stderr.write(f"Keskeytetty. {app.saver.error}\n")
        else:
            sys.stderr.write(f"Keskeytetty. Vastaukset tallessa: kela-ohjaus browse --resume {session.call_id}\n")
    return EXIT_OK if result is None else int(result)
