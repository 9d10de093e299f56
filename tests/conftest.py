from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from wizard.engine import Session
from wizard.loader import load
from wizard.locate import default_contacts, default_flows
from wizard.model import Flow

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED = FIXTURES / "seed_000_af6b420aa2413dc6.txt"
# Monday 30 November 2026, 12:00 in Helsinki: the chat is open.
FIXED_NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


def fixed_clock() -> datetime:
    return FIXED_NOW


@pytest.fixture(autouse=True)
def _private_home(tmp_path_factory, monkeypatch):
    """Keep autosaves, logs and caches of every test out of the real home."""
    monkeypatch.setenv("KELA_OHJAUS_HOME", str(tmp_path_factory.mktemp("home")))


@pytest.fixture(scope="session")
def flow() -> Flow:
    return load(default_flows()[0], default_contacts())


@pytest.fixture
def session(flow: Flow) -> Session:
    return Session(flow, clock=fixed_clock)
