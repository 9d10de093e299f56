"""The test run keeps its hands off the developer's desktop: clipboard, tmux, repository."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def test_no_test_runs_a_clipboard_tool(tmp_path: Path, monkeypatch):
    """Run inside tmux (or on a desktop), the suite once filled the developer's paste
    buffer with Kela addresses: the tools are off for every test (tests/conftest.py)."""
    from wizard.clipboard import copy

    ran = tmp_path / "ran"
    for tool in ("tmux", "xclip", "wl-copy", "pbcopy"):
        fake = tmp_path / tool
        fake.write_text(f"#!/bin/sh\n/bin/cat >> {ran}\n")
        fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("TMUX", "/tmp/tmux-1000/default,1,0")  # as inside the developer's tmux
    monkeypatch.setenv("DISPLAY", ":0")
    assert copy("kuntoutus_sopimushallinta@kela.fi") is None
    assert not ran.exists()


def test_tests_do_not_see_the_developers_tmux():
    assert "TMUX" not in os.environ and "TMUX_PANE" not in os.environ


@pytest.mark.skipif(not os.path.exists("/usr/bin/tmux"), reason="tmux missing")
def test_terminal_tests_run_on_their_own_tmux_server(tmp_path: Path):
    """A program under tests/tmux.py that copies with `tmux load-buffer -w` must reach the
    test run's own server, not the developer's default one."""
    from .tmux import Tmux

    show = "import os; print('TMUX=' + os.environ.get('TMUX', '') + '|')"
    with Tmux(["-c", show], tmp_path, width=200, height=5) as term:
        screen = term.wait_for("|")
        term.wait_for_exit(0)
    value = screen.split("TMUX=", 1)[1].split("|", 1)[0]
    socket = value.split(",", 1)[0]
    assert socket and Path(socket).name != "default", screen
    assert Path(socket).name.startswith("kela-ohjaus-tests-")


def test_the_repository_root_holds_no_stray_test_output():
    """A test once wrote a record called `eba` into the checkout's root."""
    root = Path(__file__).resolve().parent.parent
    assert not (root / "eba").exists()
