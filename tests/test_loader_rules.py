"""The loader's one set of type rules: the quick yes and the explained no never disagree."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from wizard import loader

SPECS = [
    loader.CONTACT_KEYS,
    loader.HOURS_KEYS,
    loader.META_KEYS,
    loader.OPTION_KEYS,
    loader.QUESTION_KEYS,
    loader.FIELD_SPEC_KEYS,
]
SCALARS = st.one_of(
    st.sampled_from(["", " ", "\t", "x", "ok text"]),
    st.integers(-2, 9),
    st.booleans(),
    st.floats(allow_nan=False),
)
VALUES = st.one_of(
    SCALARS,
    st.lists(SCALARS, max_size=4),
    st.dictionaries(st.sampled_from(["a", "b"]), SCALARS, max_size=2),
    st.lists(st.dictionaries(st.sampled_from(["a"]), SCALARS, max_size=1), max_size=3),
)


def _doc() -> loader._Doc:
    """A parsed file's checker without a file: problems are collected, lines are not needed."""
    doc = loader._Doc.__new__(loader._Doc)
    doc.name, doc.problems, doc.text, doc._index, doc._suggestions = "t.toml", [], "", None, 0
    return doc


@st.composite
def tables(draw):
    spec = draw(st.sampled_from(SPECS))
    keys = draw(st.lists(st.sampled_from(sorted(spec)), unique=True))
    return spec, {key: draw(VALUES) for key in keys}


@settings(max_examples=400, deadline=None)
@given(tables())
def test_a_table_passes_the_quick_check_exactly_when_no_problem_is_found(case):
    spec, value = case
    doc = _doc()
    doc._table_problems(value, ("t",), spec, "taulu")
    assert loader._conforms(value, spec) == (not doc.problems), doc.problems
    assert doc.table(value, ("t",), spec, "taulu") is value  # a table with problems is still returned


def test_a_wrong_type_in_a_list_is_named_before_an_empty_string():
    doc = _doc()
    doc._table_problems(
        {"name": "n", "kind": "email", "handled_by": "h", "topics": ["", 1]}, ("c",), loader.CONTACT_KEYS, "y"
    )
    assert [p.message for p in doc.problems] == [
        'y: \'topics\' pitää olla lista merkkijonoja (["...", "..."]); alkio 2 on kokonaisluku'
    ]
    doc = _doc()
    doc._table_problems(
        {"name": "n", "kind": "email", "handled_by": "h", "topics": ["a", " "]}, ("c",), loader.CONTACT_KEYS, "y"
    )
    assert [p.message for p in doc.problems] == ["y: 'topics' sisältää tyhjän alkion 2 – poista se"]


def test_every_escape_that_decodes_to_a_control_character_is_rejected(tmp_path):
    for escape, code in (
        ("\\b", "0008"),
        ("\\f", "000C"),
        ("\\r", "000D"),
        ("\\u001b", "001B"),
        ("\\U0000009b", "009B"),
    ):
        path = tmp_path / "t.toml"
        path.write_text(
            f'[meta]\nversion = "a{escape}b"\nnote = "lainaus \\" ja kenoviiva \\\\ käyvät"\n', encoding="utf-8"
        )
        problems: list = []
        loader._Doc(str(path), problems)
        assert [p.message.split(" tekstissä")[0] for p in problems] == [f"ohjausmerkki U+{code}"], escape
    path.write_text('[meta]\nversion = "lainaus \\" ja kenoviiva \\\\ käyvät, \\t ja \\n myös"\n', encoding="utf-8")
    problems = []
    assert loader._Doc(str(path), problems).ok and not problems
