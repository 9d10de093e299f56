"""Helpers shared by test files (import from here, not from another test file)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
# The installed entry point, as a person runs it.
EXE = shutil.which("kela-ohjaus") or str(Path(sys.executable).parent / "kela-ohjaus")


def run(*args: str, cwd: Path | None = None, home: Path | None = None) -> subprocess.CompletedProcess:
    """`kela-ohjaus ARGS` in a subprocess; never a traceback."""
    # The autouse fixture's private home, unless the test gives one: never the checkout.
    env = {**os.environ, "KELA_OHJAUS_HOME": str(home or cwd or os.environ["KELA_OHJAUS_HOME"])}
    result = subprocess.run([EXE, *args], capture_output=True, cwd=cwd, env=env, timeout=60, stdin=subprocess.DEVNULL)
    assert b"Traceback" not in result.stderr, result.stderr.decode()
    return result
