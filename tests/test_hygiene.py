"""Import hygiene and the bench scripts' smoke test (no timings asserted here)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from .helpers import ROOT

HEADLESS = [
    "wizard.cli",
    "wizard.engine",
    "wizard.loader",
    "wizard.locate",
    "wizard.data_cache",
    "wizard.search",
    "wizard.search_cache",
    "wizard.drafts",
    "wizard.record",
    "wizard.describe",
    "wizard.field_checks",
    "wizard.personal_data",
    "wizard.calllog",
    "wizard.stats",
    "wizard.graph",
]
UI = ("textual", "questionary", "prompt_toolkit", "rich")


def test_headless_modules_leave_the_ui_frameworks_unloaded():
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in HEADLESS)
        + f"print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in {UI!r})))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_scriptable_commands_do_not_import_the_ui_or_dataclasses(tmp_path):
    code = (
        "import sys\n"
        "from wizard.cli import main\n"
        "main(['find', 'remontti', '--json'])\n"
        "main(['draft', 'sopimus_remontti'])\n"
        "main(['outcomes', '--json'])\n"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {(*UI, 'dataclasses', 'tomllib')!r})\n"
        "sys.stderr.write('LOADED:' + ','.join(bad))\n"
    )
    env = {"KELA_OHJAUS_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)  # warm the cache
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert result.stderr.rsplit("LOADED:", 1)[1] == ""


def test_bench_scripts_run():
    quick = {"startup.py": ["--runs", "1", "--quick"], "keygate.py": ["--runs", "1", "--letters", "5"]}
    markers = {"startup.py": "kela-ohjaus --version", "search.py": "real tree", "keygate.py": "ratio"}
    for script, marker in markers.items():
        args = quick.get(script, [])
        result = subprocess.run(
            [sys.executable, str(ROOT / "bench" / script), *args], capture_output=True, text=True, timeout=600
        )
        assert result.returncode == 0, result.stderr
        assert marker in result.stdout


@pytest.mark.parametrize(
    "mode", ["textual-minimal", "textual-same-widgets", "kela-browse", "questionary-minimal", "kela-wizard"]
)
def test_start_up_probes_reach_their_first_screen(mode: str, tmp_path):
    """bench/startup.py times these; each must start, show its first screen and exit 0."""
    env = {**os.environ, "KELA_OHJAUS_HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "_probe.py"), mode], capture_output=True, text=True, timeout=120, env=env
    )
    assert result.returncode == 0, result.stderr[-2000:]


def test_data_cache_keeps_one_entry_and_survives_corruption(tmp_path, monkeypatch):
    from wizard import data_cache
    from wizard.locate import default_contacts, default_flows

    monkeypatch.setenv("KELA_OHJAUS_HOME", str(tmp_path))
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "compiled-0123.marshal").write_bytes(b"stale")  # an earlier version's entry
    first = data_cache.load_cached(default_flows()[0], default_contacts())
    entries = [p.name for p in cache.iterdir()]
    assert entries == [data_cache.ENTRY]
    (cache / data_cache.ENTRY).write_bytes(b"\x00garbage")  # a corrupt cache is rebuilt, not trusted
    again = data_cache.load_cached(default_flows()[0], default_contacts())
    assert again == first
    assert data_cache.load_cached(default_flows()[0], default_contacts()) == first  # now from the rebuilt cache


# What no scriptable command pays for on its per-call path (bench/startup.py's guard):
# typing ~4 ms (the records are named_tuple.NamedTuple), dataclasses ~15 ms, pickle and
# pathlib ~3-5 ms each, and the TOML line finder, which only a problem needs.
NEVER_PER_CALL = ("typing", "dataclasses", "pickle", "pathlib", "wizard.tomlpos")
# ...and, served from the data cache, no parser, validator or digest (hashlib loads OpenSSL, ~4 ms).
NOT_FROM_CACHE = ("tomli", "wizard.loader", "wizard.provenance", "hashlib", "wizard.digest")
CACHED_COMMANDS = (
    ["find", "remontti", "--json"],
    ["find", "remontti"],
    ["draft", "sopimus_remontti"],
    ["draft", "sopimus_remontti", "--format", "eml"],
    ["outcomes", "--json"],
    ["outcomes"],
)


def _modules_after(argv: list[str], home) -> set[str]:
    code = (
        "import io, sys\n"
        "from wizard.cli import main\n"
        "out, sys.stdout = sys.stdout, io.TextIOWrapper(io.BytesIO())\n"
        f"code = main({argv!r})\n"
        "sys.stdout = out\n"
        "print(code, ','.join(sorted(sys.modules)))"
    )
    env = {**os.environ, "KELA_OHJAUS_HOME": str(home)}
    env.pop("KELA_OHJAUS_NO_CACHE", None)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    status, modules = result.stdout.split()
    assert status == "0", result.stderr
    return set(modules.split(","))


@pytest.mark.parametrize("argv", CACHED_COMMANDS, ids=" ".join)
def test_cached_commands_import_only_what_they_use(argv, tmp_path):
    _modules_after(argv, tmp_path)  # the first run builds the data cache
    loaded = _modules_after(argv, tmp_path)
    assert not loaded & {*NEVER_PER_CALL, *NOT_FROM_CACHE}


def test_check_imports_only_what_a_clean_check_uses(tmp_path):
    loaded = _modules_after(["check"], tmp_path)
    assert not loaded & set(NEVER_PER_CALL)
    assert {"tomli", "wizard.loader"} <= loaded  # it does parse and validate, every time
