"""Start-up probes for bench/startup.py: each mode starts, shows its first screen, exits.

Run as `python bench/_probe.py MODE`. The minimal probes are the framework
floors; the kela probes go through the same code as the real commands.

"First screen shown", for both Textual probes alike: the auto-pilot waits with
`pilot.pause(0)` until the screen and every widget on it have handled all
pending messages (composed, mounted, laid out, painted once), then exits.
Exiting at the auto-pilot's first call would stop before a screen's children
have even been composed.
"""

from __future__ import annotations

import sys


def textual_minimal() -> None:
    from textual.app import App
    from textual.widgets import Static

    class Minimal(App):
        def compose(self):
            yield Static("hei")

    async def leave(pilot) -> None:
        await pilot.pause(0)
        pilot.app.exit()

    Minimal().run(headless=True, auto_pilot=leave)


def textual_same_widgets() -> None:
    """A reference, not a target: Textual alone drawing the widgets browse shows at
    start (a breadcrumb, a 66-node tree with 4 open branches, a detail pane of five
    texts, a footer of ten key hints), with none of kela-ohjaus's code or data.
    browse's distance from this row is what our own code adds."""
    from textual.app import App
    from textual.binding import Binding
    from textual.containers import Horizontal, Vertical, VerticalScroll
    from textual.widgets import Footer, Static, Tree

    words = "Kuntoutuspalvelujen toimeenpano sopimus muutos tulkkaus ohjaus palvelu".split()
    text = " ".join(words * 6)

    class SameWidgets(App):
        keys = ["slash", "left", "c", "a", "e", "s", "r", "n", "question_mark", "q"]
        BINDINGS = [Binding(key, "bell", name) for key, name in zip(keys, words + words, strict=False)]

        def compose(self):
            yield Static("Alku")
            with Horizontal():
                tree: Tree[None] = Tree("Kuntoutuksen yhteystiedot")
                for i in range(4):
                    branch = tree.root.add(f"{words[i]} {text[:30]} ›")
                    for j in range(15):
                        branch.add_leaf(f"[@] {words[j % 7]} {j}")
                tree.root.expand()
                tree.styles.width = "45%"
                yield tree
                with Vertical(), VerticalScroll():
                    for _ in range(5):
                        yield Static(text)
            yield Footer()

    async def leave(pilot) -> None:
        await pilot.pause(0)
        pilot.app.exit()

    SameWidgets().run(headless=True, auto_pilot=leave)


def kela_browse() -> None:
    from wizard.gcpause import pause_startup

    pause_startup()  # as `kela-ohjaus browse` does (cli.cmd_browse), before Textual's imports
    from wizard.engine import Session
    from wizard.locate import load_default
    from wizard.tui.app import KelaApp

    async def leave(pilot) -> None:
        await pilot.pause(0)
        pilot.app.exit()

    KelaApp(Session(load_default())).run(headless=True, auto_pilot=leave)


def questionary_minimal() -> None:
    import questionary
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    with create_pipe_input() as pipe:
        pipe.send_text("\r")
        questionary.select("?", choices=["a", "b", "c"], input=pipe, output=DummyOutput()).unsafe_ask()


def kela_wizard() -> None:
    import io

    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from wizard.engine import Session
    from wizard.locate import load_default
    from wizard.prompt_ui.app import Wizard
    from wizard.prompt_ui.console import Console
    from wizard.prompt_ui.widgets import PromptIO

    with create_pipe_input() as pipe:
        pipe.send_text("\r")
        session = Session(load_default())
        wizard = Wizard(session, PromptIO(pipe, DummyOutput()), Console(io.StringIO(), color=False))
        wizard.ask_question(session.current)  # the first question, answered from the pipe


if __name__ == "__main__":
    {
        "textual-minimal": textual_minimal,
        "textual-same-widgets": textual_same_widgets,
        "kela-browse": kela_browse,
        "questionary-minimal": questionary_minimal,
        "kela-wizard": kela_wizard,
    }[sys.argv[1]]()
