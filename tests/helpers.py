"""Helpers shared by test files (import from here, not from another test file)."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from argparse import Namespace
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the checkout
FIXTURES = ROOT / "tests" / "fixtures"
SEED = FIXTURES / "seed_000_af6b420aa2413dc6.txt"
# Monday 30 November 2026, 12:00 in Helsinki: the chat is open.
FIXED_NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


def fixed_clock() -> datetime:
    return FIXED_NOW


# The installed entry point, as a person runs it.
EXE = shutil.which("kela-ohjaus") or str(Path(sys.executable).parent / "kela-ohjaus")


def run(*args: str, cwd: Path | None = None, home: Path | None = None) -> subprocess.CompletedProcess:
    """`kela-ohjaus ARGS` in a subprocess; never a traceback."""
    # The autouse fixture's private home, unless the test gives one: never the checkout.
    env = {**os.environ, "KELA_OHJAUS_HOME": str(home or cwd or os.environ["KELA_OHJAUS_HOME"])}
    result = subprocess.run([EXE, *args], capture_output=True, cwd=cwd, env=env, timeout=60, stdin=subprocess.DEVNULL)
    assert b"Traceback" not in result.stderr, result.stderr.decode()
    return result


@cache
def seed_outcomes() -> tuple[dict[str, set[str]], dict[str, str]]:
    """Read from the data, not repeated: each seed (S0) address -> the outcomes that reach it,
    and each outcome of the seed's other channels -> its channel kind. Tests use it to cover
    every seed address and channel."""
    from wizard.loader import load
    from wizard.locate import default_contacts, default_flows

    flow = load(default_flows()[0], default_contacts())
    addresses: dict[str, set[str]] = {}
    others: dict[str, str] = {}
    for oid, outcome in flow.outcomes.items():
        contact = flow.contact_of(outcome)
        if contact.source != "S0":
            continue
        if contact.kind == "email":
            addresses.setdefault(contact.address, set()).add(oid)
        else:
            others[oid] = contact.kind
    return addresses, others


# ---------------------------------------------------------------- the wizard, headless
ENTER, DOWN, CTRL_C = "\r", "\x1b[B", "\x03"
SKIP_FIELDS = ENTER * 7  # provider, business_id, contact, phone, email, description, notes


def wizard_args(**kw) -> Namespace:
    return Namespace(**{"resume": False, "answers": None, "no_log": True, "flow": None, **kw})


def drive(keys: str, **kw) -> tuple[int, str]:
    """Run the wizard on `keys` through prompt_toolkit's pipe input; the pipe closes after
    them (EOF acts like Ctrl-C). Returns the exit code and everything printed."""
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from wizard.prompt_ui.app import run_wizard
    from wizard.prompt_ui.console import Console
    from wizard.prompt_ui.widgets import PromptIO

    out = io.StringIO()
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        pipe.close()
        code = run_wizard(
            wizard_args(**kw), io=PromptIO(pipe, DummyOutput()), console=Console(out, color=False), clock=fixed_clock
        )
    return code, out.getvalue()


def pick(label_fragment: str) -> str:
    """Type to filter the list, then Enter: how an agent picks without arrows."""
    return label_fragment + ENTER


QUIT = pick("Lopeta")
# Lopeta with typed fields no copy or save has taken asks first (default No): yes, end it.
QUIT_ANYWAY = QUIT + pick("Kyllä")


# ---------------------------------------------------------------- the browser, under Pilot
def make_app(flow, tmp_path: Path | None = None, **fields):
    """The browser on a fresh call; a fixed hash and clock keep snapshots about the screen,
    not about data edits. `fields` are set on the call first."""
    from wizard.engine import Session
    from wizard.tui.app import KelaApp

    session = Session(flow._replace(content_hash="0123456789ab"), clock=fixed_clock)
    for key, value in fields.items():
        session.set_field(key, value)
    return KelaApp(session, save_dir=tmp_path or ".")


def text_of(app, widget_id: str) -> str:
    """What one Static widget of the current screen shows; for one that wraps its own lines
    (a hanging indent, the breadcrumb), its text unwrapped (screen_lines shows the wrapping)."""
    from textual.widgets import Static

    widget = app.screen.query_one(f"#{widget_id}", Static)
    return str(getattr(widget, "text", None) or widget.render())


def screen_lines(app) -> list[str]:
    """The screen as a person sees it, one string a row (modal screens over what is under
    them, notices included when the test runs with notifications=True)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]
