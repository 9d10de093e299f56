"""The position finder against the real parser, on hypothesis-generated documents.

Each generated document is rendered to TOML with random but valid choices (headers,
dotted keys, inline tables, arrays of tables as headers or inline, multi-line
arrays with comments, every string style with quotes, brackets, `#` and `\\\"\"\"`
inside) while the renderer notes the line on which each key path first appears.
tomli must read the text back as the same data, and LineIndex must agree on
every line.
"""

from __future__ import annotations

import json
import re

import tomli
from hypothesis import given, settings
from hypothesis import strategies as st

from wizard.tomlpos import LineIndex

KEYS = st.sampled_from(["a", "b", "id", "x-y", "1", "a b", 'q"t', "br[a]", "ä", "k.d", "#h", "it's", "="])
TEXT = st.text(alphabet="ab\"'\\[]{}#=,.\n\t ä", max_size=12)
SCALARS = st.one_of(TEXT, st.integers(-5, 5), st.booleans())


def _tables(children):
    return st.dictionaries(KEYS, children, max_size=4)


VALUES = st.recursive(
    SCALARS | st.lists(SCALARS, max_size=3),
    lambda inner: st.one_of(
        _tables(inner),
        st.lists(_tables(inner), min_size=1, max_size=3),  # an array of tables
    ),
    max_leaves=25,
)
DOCS = st.dictionaries(KEYS, VALUES, max_size=6)


def _is_table(v) -> bool:
    return isinstance(v, dict)


def _is_aot(v) -> bool:
    return isinstance(v, list) and bool(v) and all(isinstance(x, dict) for x in v)


class Renderer:
    def __init__(self, data: st.DataObject) -> None:
        self.draw = data.draw
        self.lines: list[str] = []
        self.expected: dict[tuple, int] = {}

    @property
    def line(self) -> int:
        return len(self.lines) + 1

    def note(self, path: tuple, line: int | None = None) -> None:
        for end in range(1, len(path) + 1):
            self.expected.setdefault(path[:end], line or self.line)

    def key(self, key: str) -> str:
        if re.fullmatch(r"[A-Za-z0-9_-]+", key):
            return key
        if "'" not in key and self.draw(st.booleans()):
            return f"'{key}'"
        return json.dumps(key, ensure_ascii=False)

    def string(self, value: str, inline: bool) -> str:
        styles = ["basic"]
        if "'" not in value and "\n" not in value:
            styles.append("literal")
        if not inline:
            styles.append("ml_basic")
            if "'''" not in value and not value.endswith("'"):
                styles.append("ml_literal")
        style = self.draw(st.sampled_from(styles))
        if style == "basic":
            return json.dumps(value, ensure_ascii=False)
        if style == "literal":
            return f"'{value}'"
        if style == "ml_literal":
            return f"'''\n{value}'''"
        body = value.replace("\\", "\\\\").replace('"', '\\"')  # makes \""" sequences
        return f'"""\n{body}"""'

    def scalar(self, value, inline: bool) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int):
            return str(value)
        return self.string(value, inline)

    def emit(self, text: str) -> None:
        self.lines.extend(text.split("\n"))

    def inline_value(self, value, path: tuple, line: int) -> str:
        """One-line rendering (strings single-line), noting every path at `line`."""
        self.note(path, line)
        if _is_table(value):
            items = [f"{self.key(k)} = {self.inline_value(v, (*path, k), line)}" for k, v in value.items()]
            return "{" + ", ".join(items) + "}"
        if isinstance(value, list):
            return "[" + ", ".join(self.inline_value(v, (*path, i), line) for i, v in enumerate(value)) + "]"
        return self.scalar(value, inline=True)

    def assignment(self, key: str, value, path: tuple) -> None:
        """`key = value` in the current section (value: scalar, array, or table as inline/dotted)."""
        start = self.line
        self.note(path)
        if isinstance(value, list) and not _is_aot(value) and value and self.draw(st.booleans()):
            self.lines.append(f'{self.key(key)} = [  # [ {{ " comment')
            for i, item in enumerate(value):
                self.note((*path, i))
                self.emit(f"  {self.scalar(item, inline=False)},")
                if self.draw(st.booleans()):
                    self.lines.append("  # ] } ' comment")
            self.lines.append("]")
            return
        if isinstance(value, list | dict):
            self.lines.append(f"{self.key(key)} = {self.inline_value(value, path, start)}")
            return
        self.emit(f"{self.key(key)} = {self.scalar(value, inline=False)}")

    def section(self, table: dict, path: tuple, header_keys: tuple) -> None:
        later = []
        for key, value in table.items():
            sub = (*path, key)
            if _is_table(value) or _is_aot(value):
                style = self.draw(st.sampled_from(["header", "inline", "dotted"]))
                if (
                    style == "dotted"
                    and _is_table(value)
                    and value
                    and all(not isinstance(v, dict | list) for v in value.values())
                ):
                    for k, v in value.items():
                        self.note((*sub, k))
                        self.emit(f"{self.key(key)} . {self.key(k)} = {self.scalar(v, inline=False)}")
                    continue
                if style == "inline":
                    self.assignment(key, value, sub)
                    continue
                later.append((key, value))
            else:
                self.assignment(key, value, sub)
        for key, value in later:
            names = (*header_keys, key)
            rendered = " . ".join(self.key(k) for k in names)
            if _is_aot(value):
                for i, element in enumerate(value):
                    self.note((*path, key, i))
                    self.lines.append(f"[[ {rendered} ]]  # ]] comment")
                    self.section(element, (*path, key, i), names)
            else:
                self.note((*path, key))
                self.lines.append(f"[{rendered}]")
                self.section(value, (*path, key), names)


@settings(max_examples=200, deadline=None)
@given(DOCS, st.data())
def test_line_index_agrees_with_the_parser(doc, data):
    r = Renderer(data)
    r.section(doc, (), ())
    text = "\n".join(r.lines) + "\n"
    assert tomli.loads(text) == doc, text  # the renderer wrote what it meant
    index = LineIndex(text)
    for path, line in r.expected.items():
        assert index.lines.get(path) == line, (path, text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab=[]{}\"'\\#,.\n \t", max_size=200))
def test_line_index_survives_any_text(text):
    index = LineIndex(text)
    for line in index.lines.values():
        assert 1 <= line <= text.count("\n") + 1


def test_known_hard_cases():
    text = (
        'help = "a \\" [ b"\n'  # an escaped quote and a bracket
        'long = """x \\""" [\n'  # \""" inside a multi-line string
        '"""\n'
        "[[question.x.option]]\n"  # question x exists only through its options
        'id = "a"\n'
        "[[question.x.option]]\n"
        'id = "b"\n'
        "[outcome.y]\n"
        "nested = [[[1]], {a = [2]}]\n"
    )
    index = LineIndex(text)
    assert index.line(("help",)) == 1
    assert index.line(("long",)) == 2
    assert index.line(("question", "x")) == 4
    assert index.line(("question", "x", "option", 1, "id")) == 7
    assert index.line(("outcome", "y", "nested", 1, "a")) == 9


def test_deep_nesting_is_counted_without_recursion():
    text = "x = " + "[" * 50_000 + "]" * 50_000 + "\n"
    index = LineIndex("a = 1\n" + text)
    assert index.max_depth == 50_000 and index.deepest_line == 2
