"""Map TOML key paths to line numbers.

`tomllib` returns plain dicts without positions, but every validation message
must name `FILE:LINE`. This scanner walks the raw text once and remembers the
line of every table header and `key =` assignment, which is all the validator
needs. It does not parse values; it only skips over multi-line strings and
arrays so that their contents are not mistaken for keys.
"""

from __future__ import annotations

import re

_HEADER = re.compile(r"^\s*(\[\[?)\s*(.+?)\s*(\]\]?)\s*(#.*)?$")
_KEY = re.compile(r"""^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*=""")
_KEY_PART = re.compile(r"""[A-Za-z0-9_-]+|"[^"]*"|'[^']*'""")

Path = tuple[str | int, ...]


def _split_key(text: str) -> tuple[str, ...]:
    return tuple(p.strip("\"'") for p in _KEY_PART.findall(text))


def _bracket_delta(value: str) -> int:
    """Net [ minus ] outside of simple quoted strings (good enough for our data)."""
    depth, quote = 0, ""
    for ch in value:
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            break
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
    return depth


class LineIndex:
    """Line numbers (1-based) of the keys and tables in one TOML document."""

    def __init__(self, text: str) -> None:
        self.lines: dict[Path, int] = {}
        # Nested arrays of tables ([[a]] then [[a.b]]) are not used by our
        # formats; each [[x]] header just counts up its own index.
        counters: dict[tuple[str, ...], int] = {}
        table: Path = ()
        depth = 0
        in_string = ""
        for number, line in enumerate(text.splitlines(), start=1):
            if in_string:
                if line.count(in_string) % 2 == 1:
                    in_string = ""
                continue
            if depth > 0:
                depth = max(0, depth + _bracket_delta(line))
                continue
            header = _HEADER.match(line)
            if header and not _KEY.match(line):
                names = _split_key(header.group(2))
                if header.group(1) == "[[":
                    index = counters.get(names, 0)
                    counters[names] = index + 1
                    table = (*names, index)
                else:
                    table = names
                self.lines.setdefault(table, number)
                continue
            key = _KEY.match(line)
            if key:
                path = (*table, *_split_key(key.group(1)))
                self.lines.setdefault(path, number)
                rest = line[key.end() :]
                for quote in ('"""', "'''"):
                    if rest.count(quote) % 2 == 1:
                        in_string = quote
                        break
                else:
                    depth = max(0, _bracket_delta(rest))

    def line(self, path: Path) -> int | None:
        """Line of `path`, or of its nearest ancestor that has one."""
        for end in range(len(path), 0, -1):
            found = self.lines.get(path[:end])
            if found is not None:
                return found
        return None
