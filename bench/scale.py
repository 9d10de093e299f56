"""Load + validate and search time on generated trees of 100, 1,000 and 10,000 nodes.

    python bench/scale.py

Growth should be linear: the last column divides each time by the node count.
Target (issue 7): 10,000 nodes load + validate <= 250 ms.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen import generate, queries

from wizard.loader import load
from wizard.search import build_index, search


def median_time(fn, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> None:
    print("| nodes | file KB | load + validate ms | µs per node | index build ms | median query ms |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as tmp:
        for size in (100, 1_000, 10_000):
            flow_file, contacts_file = generate(Path(tmp) / str(size), size)
            flow = load(flow_file, contacts_file)
            nodes = len(flow.questions) + len(flow.outcomes)
            repeat = 7 if size < 10_000 else 3
            load_s = median_time(lambda f=flow_file, c=contacts_file: load(f, c), repeat)
            build_s = median_time(lambda fl=flow: build_index(fl), repeat)
            index = build_index(flow)
            texts = queries(40)
            search(index, texts[0])
            query_s = statistics.median(median_time(lambda t=t, ix=index: search(ix, t), 1) for t in texts)
            kb = flow_file.stat().st_size // 1024
            print(
                f"| {nodes} | {kb} | {load_s * 1000:.1f} | {load_s / nodes * 1e6:.1f} | "
                f"{build_s * 1000:.1f} | {query_s * 1000:.2f} |"
            )


if __name__ == "__main__":
    main()
