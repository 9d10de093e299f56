"""Typing right after Tab in the browser's fields form: the key gate's cost, as a ratio.

    python bench/keygate.py [--letters N] [--runs N]

Under Textual's Pilot (no terminal): open an outcome's form, queue Tab and N letters
at once (a burst), and count how often the gate waited for every widget to settle
and how long until every letter was in the field. "one by one" is the gate before
the fix (each letter released a full settle after the previous one); "batched" is
the gate now (the letters queued behind the Tab go together once focus has settled).
Ratios (one by one / batched) are what to compare across machines.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


async def one_run(letters: int, batched: bool) -> tuple[int, float]:
    from textual import events

    from wizard.engine import Session
    from wizard.locate import load_default
    from wizard.tui.app import KelaApp
    from wizard.tui.keygate import KeyGate

    waits = 0
    settle = KeyGate.wait_settled

    async def counted(self: KeyGate) -> None:
        nonlocal waits
        waits += 1
        await settle(self)

    KeyGate.wait_settled = counted  # type: ignore[method-assign]
    real_release = KeyGate._next_release
    if not batched:
        KeyGate._next_release = lambda self: [self.backlog.popleft()]  # type: ignore[method-assign]
    try:
        app = KelaApp(Session(load_default()))
        async with app.run_test(size=(80, 24)) as pilot:
            app.open_outcome("akva_mittarit")
            await pilot.press("e")
            await app.keys_done()
            await pilot.pause()
            await app.keys_done()
            waits = 0
            start = time.perf_counter()
            for key in ["tab", *("a" * letters)]:
                app.post_message(events.Key(key, None if key == "tab" else key))
            while getattr(app.focused, "value", "") != "a" * letters:  # every letter in the field
                await app.keys_done()
                await pilot.pause()
            elapsed = time.perf_counter() - start
            return waits, elapsed
    finally:
        KeyGate.wait_settled = settle  # type: ignore[method-assign]
        KeyGate._next_release = real_release  # type: ignore[method-assign]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=46)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("KELA_OHJAUS_HOME", tempfile.mkdtemp(prefix="kela-bench-"))
    results: dict[str, list[tuple[int, float]]] = {"one by one": [], "batched": []}
    for _ in range(args.runs):  # alternated, so machine noise hits both alike
        for name, batched in (("one by one", False), ("batched", True)):
            results[name].append(asyncio.run(one_run(args.letters, batched)))
    medians = {name: statistics.median(t for _, t in runs) for name, runs in results.items()}
    for name, runs in results.items():
        print(f"{name:>10}: {runs[0][0]:3d} settles, median {medians[name]:.2f} s for Tab + {args.letters} letters")
    print(f"ratio one by one / batched: {medians['one by one'] / medians['batched']:.1f}x")


if __name__ == "__main__":
    main()
