"""Start-up of every command against its floor, as medians and ratios from one run.

    python bench/startup.py [--runs N] [--cpu]

Commands are alternated round-robin so machine noise hits all of them alike;
ratios (command median / floor median) are what to compare across machines.
Floors: a no-op console script installed by pip exactly as `kela-ohjaus` is
(same wrapper, same interpreter) for the scriptable commands, a minimal Textual
app for `browse`, a minimal questionary select for the wizard's first question.
The scriptable commands have a guard, not a race: within 2.5x the no-op script.
With --cpu each run counts the CPU time (user + system) the command used
rather than the wall time: on a shared or loaded machine, where the wall time
also counts waiting for a core, that is the steadier ratio.
Uses only the standard library and the project's own dependencies.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PY = sys.executable
EXE = shutil.which("kela-ohjaus") or str(Path(PY).parent / "kela-ohjaus")
PROBE = [PY, str(HERE / "_probe.py")]

NOOP_DIR = Path(tempfile.mkdtemp(prefix="kela-bench-noop-"))
NOOP = str(NOOP_DIR / "bin" / "kela-noop")
NOOP_NAME = "no-op console script (pip)"
GUARD = 2.5  # scriptable start-up: within 2.5x the no-op console script

# (name, argv, floor name, target ratio)
CASES = [
    ("python -c pass", [PY, "-c", "pass"], None, None),
    (NOOP_NAME, [NOOP], None, None),
    ("kela-ohjaus --version", [EXE, "--version"], NOOP_NAME, GUARD),
    ("kela-ohjaus find remontti --json", [EXE, "find", "remontti", "--json"], NOOP_NAME, GUARD),
    ("kela-ohjaus draft sopimus_remontti", [EXE, "draft", "sopimus_remontti"], NOOP_NAME, GUARD),
    # The same command with the data cache bypassed: what the cache is worth.
    (
        "find remontti --json, no cache",
        ["env", "KELA_OHJAUS_NO_CACHE=1", EXE, "find", "remontti", "--json"],
        NOOP_NAME,
        None,
    ),
    (
        "kela-ohjaus draft sopimus_remontti --format eml",
        [EXE, "draft", "sopimus_remontti", "--format", "eml"],
        NOOP_NAME,
        GUARD,
    ),
    ("kela-ohjaus outcomes --json", [EXE, "outcomes", "--json"], NOOP_NAME, GUARD),
    ("kela-ohjaus check", [EXE, "check"], NOOP_NAME, GUARD),
    ("minimal Textual app", [*PROBE, "textual-minimal"], None, None),
    ("kela-ohjaus browse (first screen)", [*PROBE, "kela-browse"], "minimal Textual app", 1.3),
    # Textual alone drawing the same kinds of widgets: what the framework costs for this screen.
    ("Textual, same widgets, no kela code", [*PROBE, "textual-same-widgets"], "minimal Textual app", None),
    ("minimal questionary select", [*PROBE, "questionary-minimal"], None, None),
    ("kela-ohjaus wizard (first question)", [*PROBE, "kela-wizard"], "minimal questionary select", 1.3),
]


def install_noop() -> None:
    """pip-install a package whose console script does nothing: the floor for our console script.

    Installed with the same pip and interpreter as kela-ohjaus, so both pay for
    the same wrapper (`import re, sys`, then the entry point) and nothing else.
    """
    src = NOOP_DIR / "src"
    (src / "kela_noop").mkdir(parents=True)
    (src / "kela_noop" / "__init__.py").write_text("def main():\n    return 0\n")
    (src / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n'
        '[project]\nname = "kela-noop"\nversion = "0"\n'
        '[project.scripts]\nkela-noop = "kela_noop:main"\n'
    )
    subprocess.run(
        [PY, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "--no-index",
         "--prefix", str(NOOP_DIR), str(src)],
        check=True,
    )  # fmt: skip


def _cpu_seconds() -> float:
    """CPU time (user + system) used so far by this process's finished children."""
    import resource

    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def measure(runs: int, quick: bool = False, cpu: bool = False) -> dict[str, list[float]]:
    install_noop()
    site = next(NOOP_DIR.glob("lib/python*/site-packages"))
    env = {**os.environ, "KELA_OHJAUS_HOME": tempfile.mkdtemp(prefix="kela-bench-")}
    # Measure installed-like start-up: with bytecode compiled, as pip leaves a
    # wheel install (an editable checkout under PYTHONDONTWRITEBYTECODE would
    # otherwise recompile every module on every run).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = str(site)  # only the no-op package lives there; kela-ohjaus ignores it
    import wizard

    subprocess.run([PY, "-m", "compileall", "-q", str(Path(wizard.__file__).parent)], env=env, check=False)
    cases = CASES[:4] if quick else CASES
    for _, argv, _, _ in cases:  # warm the data cache and the OS file cache
        subprocess.run(argv, env=env, capture_output=True, check=False)
    times: dict[str, list[float]] = {name: [] for name, *_ in cases}
    for _ in range(runs):
        for name, argv, _, _ in cases:
            clock = _cpu_seconds if cpu else time.perf_counter
            started = clock()
            result = subprocess.run(argv, env=env, capture_output=True, check=False)
            times[name].append(clock() - started)
            if result.returncode != 0:
                raise SystemExit(f"{name} failed ({result.returncode}): {result.stderr.decode()[-500:]}")
    return times


def table(times: dict[str, list[float]]) -> str:
    medians = {name: statistics.median(values) for name, values in times.items()}
    rows = ["| command | median ms | floor | ratio | target |", "| --- | ---: | --- | ---: | ---: |"]
    for name, _, floor, target in CASES:
        if name not in medians:
            continue
        ms = medians[name] * 1000
        if floor is None:
            rows.append(f"| {name} | {ms:.1f} | (floor) | 1.00 | |")
            continue
        ratio = medians[name] / medians[floor]
        if target is None:
            rows.append(f"| {name} | {ms:.1f} | {floor} | {ratio:.2f} | (reference) |")
            continue
        verdict = "ok" if ratio <= target else "OVER"
        rows.append(f"| {name} | {ms:.1f} | {floor} | {ratio:.2f} | ≤ {target} {verdict} |")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="runs per command (default 21)")
    parser.add_argument("--quick", action="store_true", help="the floors and the first two commands only (smoke test)")
    parser.add_argument(
        "--cpu", action="store_true", help="count CPU time used (user + system), not wall time: for loaded machines"
    )
    args = parser.parse_args()
    times = measure(args.runs, args.quick, args.cpu)
    clock = "CPU time (user + system)" if args.cpu else "wall time"
    load = f"; load average {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""
    print(f"{args.runs} runs each, alternating, {clock}; Python {sys.version.split()[0]} on {sys.platform}{load}\n")
    print(table(times))


if __name__ == "__main__":
    main()
