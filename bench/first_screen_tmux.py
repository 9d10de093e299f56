"""What a person sees: time until the browser's first usable screen in a real terminal.

    python bench/first_screen_tmux.py [--runs N] [--size 80x24]

bench/startup.py measures headless start-up (until every widget has handled its
messages). This probe starts each program in a real terminal (a tmux pane),
polls the pane every 10 ms and records when everything that makes the screen
usable is drawn: for `kela-ohjaus browse` the tree, the detail and the key hints
(`q Lopeta`); for the floor, a minimal Textual app showing one line. Runs
alternate so machine noise hits both alike; the ratio of medians is the number
to compare (target: at most 1.3). A measurement, never a test assertion.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

PY = sys.executable
MINIMAL = """
from textual.app import App
from textual.widgets import Static

class Minimal(App):
    def compose(self):
        yield Static("valmis")

Minimal().run()
"""
# (name, argv, texts that must all be on screen)
CASES = [
    ("minimal Textual app", [PY, "-c", MINIMAL], ["valmis"]),
    (
        "kela-ohjaus browse",
        [PY, "-m", "wizard", "browse", "--no-log"],
        ["Kuntoutuksen yhteystiedot", "Mitä yhteydenottosi koskee?", "q Lopeta"],
    ),
]


def first_screen(tmux: str, socket: str, argv: list[str], marks: list[str], size: str, home: str) -> float:
    width, height = size.split("x")
    name = f"probe-{uuid.uuid4().hex[:8]}"
    command = f"KELA_OHJAUS_HOME={shlex.quote(home)} " + " ".join(shlex.quote(a) for a in argv)
    start = time.perf_counter()
    subprocess.run(
        [tmux, "-L", socket, "new-session", "-d", "-s", name, "-x", width, "-y", height, command], check=True
    )
    try:
        while time.perf_counter() - start < 30:
            screen = subprocess.run(
                [tmux, "-L", socket, "capture-pane", "-p", "-t", name], capture_output=True, text=True
            ).stdout
            if all(mark in screen for mark in marks):
                return time.perf_counter() - start
            time.sleep(0.01)
        raise SystemExit(f"{name}: not all of {marks} on screen within 30 s")
    finally:
        subprocess.run([tmux, "-L", socket, "kill-session", "-t", name], capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--size", default="80x24")
    args = parser.parse_args()
    tmux = shutil.which("tmux")
    if tmux is None:
        raise SystemExit("tmux is needed for this probe")
    socket = f"kela-bench-{os.getpid()}"
    root = Path(__file__).resolve().parent.parent
    os.chdir(root)  # `-m wizard` imports this checkout
    # Installed-like start-up, as bench/startup.py measures it: bytecode compiled, as
    # pip leaves a wheel install. Under PYTHONDONTWRITEBYTECODE an editable checkout
    # would recompile every kela module on every run (~60 ms), while Textual's
    # modules, installed by pip, are compiled already. The tmux server passes its
    # environment to every pane, so it is started with this one.
    env = {**os.environ, "TERM": "xterm-256color"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([PY, "-m", "compileall", "-q", str(root / "wizard")], env=env, capture_output=True, check=False)
    times: dict[str, list[float]] = {name: [] for name, _, _ in CASES}
    with tempfile.TemporaryDirectory() as home:
        # A session that outlives the probes: when the last session ends the server exits,
        # and the next probe's new-session can race with that exit ("server exited unexpectedly").
        subprocess.run([tmux, "-L", socket, "new-session", "-d", "-s", "keep", "sleep 3600"], check=True, env=env)
        try:
            for _, argv, marks in CASES:  # warm the compiled data cache and the OS file cache
                first_screen(tmux, socket, argv, marks, args.size, home)
            for _ in range(args.runs):
                for name, argv, marks in CASES:
                    times[name].append(first_screen(tmux, socket, argv, marks, args.size, home))
        finally:
            subprocess.run([tmux, "-L", socket, "kill-server"], capture_output=True)
    floor = statistics.median(times[CASES[0][0]])
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:<24} median {median * 1000:7.0f} ms   ratio {median / floor:4.2f}   (n={len(values)})")


if __name__ == "__main__":
    main()
