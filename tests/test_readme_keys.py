"""The README's key table and the browser's bindings cannot drift apart (issue 19).

The help screen (?) and the key hints are made from the bindings themselves; the
README's table is written in English for developers, so it is checked, not generated:
every key it lists is bound, and every bound key is listed.
"""

from __future__ import annotations

import re

from wizard.tui.app import KelaApp
from wizard.tui.screens.main import MainScreen
from wizard.tui.widgets.key_hints import key_name

from .helpers import ROOT


def readme_keys() -> set[str]:
    section = ROOT.joinpath("README.md").read_text(encoding="utf-8").split("### The browser (`kela-ohjaus browse`)")[1]
    section = section.split("\n### ")[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| key ")]
    keys: set[str] = set()
    for row in rows:
        cell = row.split("|")[1].strip().replace("`", "")
        if cell.startswith("---"):
            continue
        for key in re.split(r", | / ", cell):
            if m := re.fullmatch(r"(\d)–(\d)", key):
                keys.update(str(n) for n in range(int(m[1]), int(m[2]) + 1))
            else:
                keys.add(key)
    return keys


def bound_keys() -> set[str]:
    return {key_name(k.strip()) for b in (*MainScreen.BINDINGS, *KelaApp.BINDINGS) for k in b.key.split(",")}


def test_readme_key_table_lists_exactly_the_bound_keys():
    listed, bound = readme_keys(), bound_keys()
    assert "Ctrl+P" in listed and "/" in listed  # the table was found and read
    assert listed - bound == set(), "in the README's key table but bound to nothing"
    assert bound - listed == set(), "bound but missing from the README's key table"
