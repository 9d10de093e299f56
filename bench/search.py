"""Search speed: median per-query time on the real tree and on a generated 10,000-node tree.

    python bench/search.py

Targets (issues 3 and 16): <= 2 ms per query on the real tree, <= 20 ms on
10,000 nodes, growth no worse than linear in the tree's size (the series
1,000 / 10,000 / 40,000 nodes), index build on 10,000 nodes <= 250 ms. Times
are medians of repeated runs in this process; the first query warms the
stemmer and is not counted.

    python bench/search.py --sizes 1000,10000   # a shorter series
"""

from __future__ import annotations

import itertools
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
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,40000", help="generated tree sizes (nodes)")
    sizes = [int(n) for n in parser.parse_args().sizes.split(",") if n]
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
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            flow_file, contacts_file = generate(Path(tmp), size)
            big = load(flow_file, contacts_file)
            rows.append(
                (
                    "generated",
                    len(big.questions) + len(big.outcomes),
                    build_time(big, 3 if size <= 10_000 else 1),
                    per_query(build_index(big), queries(60), 1),
                )
            )
    print("| tree | nodes | index build ms | median query ms |")
    print("| --- | ---: | ---: | ---: |")
    for name, nodes, build, query in rows:
        print(f"| {name} | {nodes} | {build * 1000:.1f} | {query * 1000:.2f} |")
    generated = [row for row in rows if row[0] == "generated"]
    for (_, n1, _, q1), (_, n2, _, q2) in itertools.pairwise(generated):
        print(f"\n{n1} -> {n2} nodes ({n2 / n1:.1f}x): query time {q2 / q1:.1f}x", end="")
    print(
        "\n\ntargets: query <= 2 ms (real), <= 20 ms (10,000 nodes), growth <= linear; build <= 250 ms (10,000 nodes)"
    )


if __name__ == "__main__":
    main()
