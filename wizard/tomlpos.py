"""Map TOML key paths to line numbers.

`tomli` returns plain dicts without positions, but every validation message
must name `FILE:LINE`. This scanner tokenises the raw text once (strings with
their escapes, multi-line strings, arrays, inline tables, comments) and
remembers the first line that mentions every key path: table headers, their
implied parents (`[[question.x.option]]` also names `question.x`), dotted
keys, keys inside inline tables and the elements of arrays. It never recurses
(nesting depth is only counted), so hostile nesting cannot overflow it, and it
is linear in the size of the text. Its answers are tested against the real
parser with hypothesis-generated documents (tests/test_tomlpos.py).
"""

from __future__ import annotations

import re

Path = tuple[str | int, ...]

_WS = re.compile(r"[ \t]*")
# Whitespace, newlines and comments between values inside arrays and inline tables.
_GAP = re.compile(r"(?:[ \t\r\n]+|#[^\n]*)*")
_BARE = re.compile(r"[A-Za-z0-9_-]+")
# Possessive quantifiers: an unterminated string fails in linear time, never backtracks.
_BASIC = re.compile(r'"(?:[^"\\\n]++|\\.)*+"')
_LITERAL = re.compile(r"'[^'\n]*+'")
_ML_BASIC = re.compile(r'"""(?:[^"\\]++|\\[\s\S]|"{1,2}+(?!"))*+"{3,5}')
_ML_LITERAL = re.compile(r"'''(?:[^']++|'{1,2}+(?!'))*+'{3,5}")
# Numbers, booleans, dates and times (a date and a time may be separated by one space).
_SCALAR = re.compile(r"[^\s,\]\}#=\[\{\"']+(?: (?=\d)[^\s,\]\}#]+)?")
_DOT = re.compile(r"[ \t]*\.[ \t]*")
_EQUALS = re.compile(r"[ \t]*=")
_REST_OF_LINE = re.compile(r"[^\n]*")
# The common line, `bare_key = "one-line string"` or a number/boolean, with an optional
# comment: taken in one regex step (the general path is ~10x slower per line).
_SIMPLE_LINE = re.compile(
    r"""[ \t]*([A-Za-z0-9_-]+)[ \t]*=[ \t]*(?:"(?:[^"\\\n]++|\\.)*+"|'[^'\n]*+'|[A-Za-z0-9_.:+-]++)"""
    r"[ \t]*(?:#[^\n]*)?(?:\n|\r\n|$)"
)
_SIMPLE_HEADER = re.compile(
    r"[ \t]*(\[\[?)[ \t]*([A-Za-z0-9_-]+(?:[ \t]*\.[ \t]*[A-Za-z0-9_-]+)*)[ \t]*\]\]?[ \t]*(?:#[^\n]*)?(?:\n|\r\n|$)"
)
# Containers nested deeper than this are counted but not indexed: no data format
# here nests that deep, and building ever longer paths would cost quadratic time.
MAX_INDEXED_DEPTH = 32


def _unquote(token: str) -> str:
    if token.startswith('"'):
        if "\\" not in token:
            return token[1:-1]
        import tomli  # only for keys with escapes: the parser decodes them exactly

        try:
            return tomli.loads(f"k = {token}")["k"]
        except tomli.TOMLDecodeError:
            return token[1:-1]
    if token.startswith("'"):
        return token[1:-1]
    return token


class LineIndex:
    """Line numbers (1-based) of the keys, tables and array elements in one TOML document."""

    def __init__(self, text: str) -> None:
        self.lines: dict[Path, int] = {}
        # Keys assigned twice: (path, first line, second line), in file order.
        self.duplicates: list[tuple[Path, int, int]] = []
        self._assigned: dict[Path, int] = {}
        # First line at which nesting (or the parts of one key) reached its maximum (for "nesting too deep").
        self.deepest_line = 0
        self.max_depth = 0
        self._text = text
        self._pos = 0
        self._line = 1
        self._scan()
        del self._text, self._assigned

    # -- low-level helpers -----------------------------------------------
    def _match(self, pattern: re.Pattern[str]) -> str | None:
        found = pattern.match(self._text, self._pos)
        if found is None:
            return None
        token = found.group()
        if token:
            self._line += token.count("\n")
            self._pos = found.end()
        return token

    def _skip_gap(self) -> None:
        self._match(_GAP)

    def _key(self) -> tuple[str, ...] | None:
        """A dotted key at the current position, or None."""
        parts: list[str] = []
        while True:
            self._match(_WS)
            for pattern in (_BARE, _BASIC, _LITERAL):
                found = pattern.match(self._text, self._pos)
                if found:
                    parts.append(_unquote(found.group()))
                    self._pos = found.end()
                    break
            else:
                self._depth(len(parts))
                return tuple(parts) or None
            found = _DOT.match(self._text, self._pos)
            if not found:
                self._depth(len(parts))  # tomli refuses a key of over 1,000 parts as "too deep"
                return tuple(parts)
            self._pos = found.end()

    def _note(self, path: Path) -> None:
        """Record `path` and its ancestors at the current line (first mention wins)."""
        setdefault, line = self.lines.setdefault, self._line
        for end in range(1, len(path) + 1):
            setdefault(path[:end], line)

    def _assign(self, path: Path) -> None:
        first = self._assigned.get(path)
        if first is None:
            self._assigned[path] = self._line
        else:
            self.duplicates.append((path, first, self._line))

    def _depth(self, depth: int) -> None:
        if depth > self.max_depth:
            self.max_depth, self.deepest_line = depth, self._line

    # -- the scan ------------------------------------------------------------
    def _scan(self) -> None:
        text, size = self._text, len(self._text)
        table: Path = ()
        # Array-of-tables counters, keyed by the resolved path of the array.
        aot: dict[Path, int] = {}
        simple, simple_header = _SIMPLE_LINE.match, _SIMPLE_HEADER.match
        lines, assigned = self.lines, self._assigned
        while self._pos < size:
            self._skip_gap()
            if self._pos >= size:
                break
            found = simple(text, self._pos)
            if found:
                path = (*table, found.group(1))
                lines.setdefault(path, self._line)  # the table's own lines are noted at its header
                if path in assigned:
                    self.duplicates.append((path, assigned[path], self._line))
                else:
                    assigned[path] = self._line
                self._line += 1
                self._pos = found.end()
                continue
            found = simple_header(text, self._pos)
            if found:
                names = tuple(name.strip() for name in found.group(2).split("."))
                table = self._header(names, found.group(1) == "[[", aot)
                self._line += 1
                self._pos = found.end()
                continue
            if text.startswith("[", self._pos):
                double = text.startswith("[[", self._pos)
                self._pos += 2 if double else 1
                table = self._header(self._key() or (), double, aot)
                self._match(_REST_OF_LINE)
                continue
            start = self._pos
            key = self._key()
            if key and self._match(_EQUALS) is not None:
                path = (*table, *key)
                self._note(path)
                self._assign(path)
                self._match(_WS)
                self._value(path)
                self._match(_REST_OF_LINE)  # a trailing comment (or junk the parser refused)
            else:
                if self._pos == start:
                    self._pos += 1  # not TOML: step over one character and go on
                self._match(_REST_OF_LINE)

    def _header(self, names: tuple[str, ...], double: bool, aot: dict[Path, int]) -> Path:
        """The table a header opens; `[[a.b]]` inside the last `[[a]]` element resolves to a.N.b."""
        self._depth(len(names))
        resolved: list[str | int] = []
        for i, name in enumerate(names):
            resolved.append(name)
            if i < len(names) - 1:
                count = aot.get(tuple(resolved))
                if count:
                    resolved.append(count - 1)
        if double:
            index = aot.get(tuple(resolved), 0)
            aot[tuple(resolved)] = index + 1
            resolved.append(index)
        table = tuple(resolved)
        self._note(table)
        return table

    def _value(self, path: Path) -> None:
        """Skip one value, recording the keys of inline tables and array elements.

        Iterative: a stack of open containers, each ["[" or "{", its path, next index].
        """
        text, size = self._text, len(self._text)
        stack: list[list] = []
        current = path
        while True:
            # Read one value starting at self._pos, for `current`.
            if len(stack) <= MAX_INDEXED_DEPTH:
                self._note(current)
            char = text[self._pos] if self._pos < size else ""
            if char == "[":
                self._pos += 1
                stack.append(["[", current, 0])
                self._depth(len(stack))
            elif char == "{":
                self._pos += 1
                stack.append(["{", current, 0])
                self._depth(len(stack))
            elif char == '"':
                self._match(_ML_BASIC if text.startswith('"""', self._pos) else _BASIC)
            elif char == "'":
                self._match(_ML_LITERAL if text.startswith("'''", self._pos) else _LITERAL)
            else:
                self._match(_SCALAR)
            # After a value (or an opening bracket): find the next element, or close containers.
            while stack:
                kind, base, index = stack[-1]
                self._skip_gap()
                char = text[self._pos] if self._pos < size else ""
                if char == ",":
                    self._pos += 1
                    self._skip_gap()
                    char = text[self._pos] if self._pos < size else ""
                if (kind == "[" and char == "]") or (kind == "{" and char == "}"):
                    self._pos += 1
                    stack.pop()
                    continue
                if not char or char in "]}":
                    return  # malformed: the parser has said so; stop here
                if kind == "[":
                    stack[-1][2] = index + 1
                    current = (*base, index) if len(stack) <= MAX_INDEXED_DEPTH else base
                    break
                start = self._pos
                key = self._key()
                if not key or self._match(_EQUALS) is None:
                    if self._pos == start:
                        self._pos += 1
                    continue
                self._match(_WS)
                current = (*base, *key) if len(stack) <= MAX_INDEXED_DEPTH else base
                self._assign(current)
                break
            else:
                return

    def line(self, path: Path) -> int | None:
        """Line of `path`, or of its nearest ancestor that has one."""
        for end in range(len(path), 0, -1):
            found = self.lines.get(path[:end])
            if found is not None:
                return found
        return None
