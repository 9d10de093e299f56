"""flows/ and data/ ship inside the wheel: an installed copy needs no checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .helpers import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        check=True,
        timeout=300,
    )
    return next(out.glob("kela_ohjaus-*.whl"))


def test_wheel_contains_the_data(wheel: Path):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "wizard/_data/data/contacts.toml" in names
    assert "wizard/_data/flows/kuntoutus.toml" in names


def test_installed_wheel_checks_from_another_directory(wheel: Path, tmp_path: Path):
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        check=True,
        timeout=300,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target), "KELA_OHJAUS_HOME": str(elsewhere)}
    probe = subprocess.run(
        [sys.executable, "-c", "from wizard.locate import data_root; print(data_root())"],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=env,
        check=True,
    )
    assert Path(probe.stdout.strip()).is_relative_to(target)
    result = subprocess.run(
        [str(target / "bin" / "kela-ohjaus"), "check"], capture_output=True, text=True, cwd=elsewhere, env=env
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK: kuntoutus.toml")
