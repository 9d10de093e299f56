"""Which Finnish normaliser? Search accuracy on the scenarios, and what each costs.

    python bench/normalisers.py

Swaps the word normaliser under the one search function and reports top-1 and
top-3 on tests/search_scenarios.toml (the tuning set: the held-out sets are
not used to choose), the normaliser's load time and the median query time.
pyvoikko (GPL-3+) is measured only if it is installed (`pip install
pyvoikko`); it is not a dependency of the project.
"""

from __future__ import annotations

import statistics
import time
import tomllib
from functools import cache
from pathlib import Path

from wizard import search as search_module
from wizard import textnorm
from wizard.loader import load
from wizard.locate import default_contacts, default_flows

SCENARIOS = tomllib.loads((Path(__file__).resolve().parent.parent / "tests" / "search_scenarios.toml").read_text())[
    "scenario"
]


def make_fold_only():
    return textnorm.fold


PROJECT_STEM = textnorm.stem.__wrapped__  # Snowball (PyStemmer) plus the -nen rule, as shipped


def make_snowball():
    return PROJECT_STEM


def make_voikko():
    import pyvoikko

    def voikko(word: str) -> str:
        analyses = pyvoikko.analyse(word)
        return textnorm.fold(analyses[0].BASEFORM if analyses else word)

    return voikko


def evaluate(name: str, factory) -> str:
    started = time.perf_counter()
    stem = factory()  # import and load the normaliser
    stem("lämmittely")
    load_ms = (time.perf_counter() - started) * 1000
    textnorm.stem = cache(stem)  # the function the index and the queries use
    search_module.stem = textnorm.stem  # compound parts are stemmed in search.py
    flow = load(default_flows()[0], default_contacts())
    index = search_module.build_index(flow)
    top1 = top3 = 0
    samples = []
    for scenario in SCENARIOS:
        textnorm.stem.cache_clear()  # time a cold query, as in a fresh `find`
        began = time.perf_counter()
        hits = [h.outcome for h in search_module.search(index, scenario["query"], 3)]
        samples.append(time.perf_counter() - began)
        top1 += hits[:1] == [scenario["outcome"]]
        top3 += scenario["outcome"] in hits
    n = len(SCENARIOS)
    return f"| {name} | {top1 / n:.1%} | {top3 / n:.1%} | {load_ms:.0f} | {statistics.median(samples) * 1000:.2f} |"


def main() -> None:
    print("| normaliser | top-1 | top-3 | load ms | median cold query ms |")
    print("| --- | ---: | ---: | ---: | ---: |")
    print(evaluate("fold only (no stemming)", make_fold_only))
    print(evaluate("Snowball Finnish (PyStemmer) + -nen rule (chosen)", make_snowball))
    try:
        print(evaluate("pyvoikko base forms", make_voikko))
    except ImportError:
        print("| pyvoikko | not installed | | | |")


if __name__ == "__main__":
    main()
