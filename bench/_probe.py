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


def kela_browse() -> None:
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
        "kela-browse": kela_browse,
        "questionary-minimal": questionary_minimal,
        "kela-wizard": kela_wizard,
    }[sys.argv[1]]()
