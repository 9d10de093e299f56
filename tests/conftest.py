from __future__ import annotations

import inspect
import os
import types
from pathlib import Path

import pytest

from wizard.engine import Session
from wizard.loader import load
from wizard.locate import default_contacts, default_flows
from wizard.model import Flow

from .helpers import fixed_clock, run

# Fixtures and the unit/functional marking only: constants and helpers that test
# files import are in tests/helpers.py (a test file never imports another one).


@pytest.fixture(autouse=True)
def _private_home(tmp_path_factory, monkeypatch):
    """Keep autosaves, logs and caches of every test out of the real home."""
    monkeypatch.setenv("KELA_OHJAUS_HOME", str(tmp_path_factory.mktemp("home")))


@pytest.fixture(autouse=True)
def _no_real_clipboard(monkeypatch):
    """No test copies into the developer's clipboard or tmux paste buffer: the clipboard
    tools are off, and no program a test starts thinks it runs in the developer's tmux
    (tests/tmux.py starts its own tmux server). A test of the tools turns them back on."""
    monkeypatch.setenv("KELA_OHJAUS_CLIPBOARD", "off")
    for name in ("TMUX", "TMUX_PANE"):
        monkeypatch.delenv(name, raising=False)


# What may appear in the checkout's root during a run: caches and the serve tests' screenshots.
ROOT = Path(__file__).resolve().parent.parent
ROOT_OUTPUT = frozenset({"test-artifacts", "snapshot_report.html"})


@pytest.fixture(autouse=True)
def _nothing_new_in_the_checkout_root():
    """A test that saves a file under a relative name (the browser's storm once typed
    `eba` into the record dialog) must save it in its own tmp_path, not in the checkout."""
    before = set(os.listdir(ROOT))
    yield
    new = {n for n in set(os.listdir(ROOT)) - before if not n.startswith(".") and n not in ROOT_OUTPUT}
    if new:
        pytest.fail(f"the test left {sorted(new)} in {ROOT}: write into tmp_path (monkeypatch.chdir)")


@pytest.fixture(scope="session")
def flow() -> Flow:
    return load(default_flows()[0], default_contacts())


@pytest.fixture
def session(flow: Flow) -> Session:
    return Session(flow, clock=fixed_clock)


# ------------------------------------------------------------- unit / functional
# Every test is marked here, not in its file: `pytest -m unit` is the fast part
# (pure code); `pytest -m functional` drives something real (a terminal through
# tests/tmux.py, the whole Textual app under Pilot, `serve` with a browser, SVG
# snapshots, the installed program or Python in a subprocess, the wheel build).
# Together they are the whole suite.
FUNCTIONAL_MODULES = frozenset({"test_serve", "test_wheel", "test_wizard_tmux"})
FUNCTIONAL_NAMES = frozenset({"Tmux", "tmux", "subprocess", "Popen", "EXE", "snap_compare", "run_test"})


def _drives_something_real(code, module_globals: dict, seen: set) -> bool:
    """Whether this code (or a helper of its module it calls, or a nested function) does."""
    if code in seen:
        return False
    seen.add(code)
    names = set(code.co_names)
    if names & FUNCTIONAL_NAMES or {"run", "helpers"} <= names:
        return True  # ...or helpers.run imported inside the test: the program in a subprocess
    for name in names:
        target = module_globals.get(name)
        if target is run:  # helpers.run: the installed program in a subprocess
            return True
        helper = getattr(target, "__code__", None)
        owner = inspect.getmodule(target) if helper is not None else None
        in_tests = owner is not None and owner.__name__.startswith("tests.")
        if in_tests and _drives_something_real(helper, vars(owner), seen):
            return True
    return any(
        _drives_something_real(const, module_globals, seen)
        for const in code.co_consts
        if isinstance(const, types.CodeType)
    )


def _is_functional(item: pytest.Item) -> bool:
    module = getattr(item, "module", None)
    if module is None or module.__name__.rpartition(".")[2] in FUNCTIONAL_MODULES:
        return True
    if "snap_compare" in item.fixturenames:
        return True
    # No fixture outside the functional modules starts anything real: the test's own code says.
    return _drives_something_real(item.function.__code__, vars(module), set())


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        item.add_marker(pytest.mark.functional if _is_functional(item) else pytest.mark.unit)
