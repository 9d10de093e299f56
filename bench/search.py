"""Search speed: median per-query time on the real tree and on a generated 10,000-node tree.

    python bench/search.py

Targets (issue 3): <= 2 ms per query on the real tree, <= 20 ms on 10,000
nodes, index build on 10,000 nodes <= 250 ms. Times are medians of repeated
runs in this process; the first query warms the stemmer and is not counted.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from gen import generate, queries  # noqa: E402

from wizard.loader import load  # noqa: E402
from wizard.locate import default_contacts, default_flows  # noqa: E402
from wizard.search import build_index, search  # noqa: E402


def per_query(index, texts: list[str], repeat: int = 3) -> float:
    search(index, "lämmittely")  # load the stemmer outside the timing
    samples = []
    for _ in range(repeat):
        for text in texts:
            started = time.perf_counter()
            search(index, text)
            samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def build_time(flow, repeat: int = 5) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        build_index(flow)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> None:
    real = load(default_flows()[0], default_contacts())
    scenarios = tomllib.loads((HERE.parent / "tests" / "search_scenarios.toml").read_text(encoding="utf-8"))
    real_queries = [s["query"] for s in scenarios["scenario"]]
    rows = [
        (
            "real tree",
            len(real.questions) + len(real.outcomes),
            build_time(real),
            per_query(build_index(real), real_queries),
        )
    ]
    with tempfile.TemporaryDirectory() as tmp:
        flow_file, contacts_file = generate(Path(tmp), 10_000)
        big = load(flow_file, contacts_file)
        rows.append(
            (
                "generated",
                len(big.questions) + len(big.outcomes),
                build_time(big, 3),
                per_query(build_index(big), queries(60), 1),
            )
        )
    print("| tree | nodes | index build ms | median query ms |")
    print("| --- | ---: | ---: | ---: |")
    for name, nodes, build, query in rows:
        print(f"| {name} | {nodes} | {build * 1000:.1f} | {query * 1000:.2f} |")
    print("\ntargets: query <= 2 ms (real), <= 20 ms (10,000 nodes); build <= 250 ms (10,000 nodes)")


if __name__ == "__main__":
    main()
