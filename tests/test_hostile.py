"""Hostile data and input: every broken file gives a clear message and exit 1 or 2, fast."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from wizard.cli import main

from .conftest import FIXTURES, ROOT

BROKEN = FIXTURES / "broken"
VALID = FIXTURES / "valid"

# file -> (exit code, line or None, message fragment)
EXPECTED = {
    "bad_template_syntax.toml": (1, 38, "invalid placeholder syntax"),
    "binary_noise.toml": (1, 1, "not valid UTF-8"),
    "bool_as_label.toml": (1, 16, "must be a string, not a boolean"),
    "carriage_return_in_string.toml": (1, 11, "control character U+000D"),
    "contacts_address_on_phone.toml": (1, 14, "only kind 'email' may have an address"),
    "contacts_bad_hours.toml": (1, 20, "unknown time zone"),
    "contacts_bad_id.toml": (1, 11, "must be lower-case"),
    "contacts_duplicate_address.toml": (1, 19, "also used by contact"),
    "contacts_email_without_address.toml": (1, 4, "but no address"),
    "contacts_empty.toml": (1, None, "file is empty"),
    "contacts_empty_topic.toml": (1, 9, "has an empty entry"),
    "contacts_float_days.toml": (1, 20, "entry 1 is a number"),
    "contacts_malformed_email.toml": (1, 7, "malformed e-mail address"),
    "contacts_missing_meta_version.toml": (1, 1, "missing required key 'version'"),
    "contacts_missing_name.toml": (1, 11, "missing required key 'name'"),
    "contacts_no_contacts.toml": (1, None, "no [contact.ID] tables"),
    "contacts_syntax.toml": (1, 11, "TOML syntax error"),
    "contacts_topics_not_list.toml": (1, 9, "must be a list of strings, not a string"),
    "contacts_unknown_kind.toml": (1, 13, "kind 'fax' is not one of"),
    "contacts_unknown_top_key.toml": (1, 16, "unknown top-level key 'people'"),
    "control_chars.toml": (1, 11, "control character U+001B"),
    "cycle.toml": (1, 25, "cycle"),
    "date_as_title.toml": (1, 26, "must be a string, not a date"),
    "deep_arrays.toml": (1, None, "nesting is too deep"),
    "deep_inline_tables.toml": (1, None, "nesting is too deep"),
    "duplicate_keys.toml": (1, 8, "Cannot overwrite a value"),
    "duplicate_option_id.toml": (1, 15, "two options with id"),
    "duplicate_table.toml": (1, 62, "Cannot declare"),
    "empty.toml": (1, None, "file is empty"),
    "empty_label.toml": (1, 16, "is empty"),
    "empty_question_text.toml": (1, 7, "'text' in question 'alku' is empty"),
    "field_unknown.toml": (1, 62, "unknown field 'password'"),
    "id_with_spaces.toml": (1, 25, "must be lower-case"),
    "invalid_utf8.toml": (1, 7, "not valid UTF-8"),
    "keywords_not_strings.toml": (1, 29, "entry 2 is an integer"),
    "latin1.toml": (1, 7, "not valid UTF-8"),
    "missing_draft_table.toml": (1, None, "missing [draft] table"),
    "missing_flow_table.toml": (1, None, "missing [flow] table"),
    "missing_key.toml": (1, 25, "missing required key 'subject'"),
    "next_missing.toml": (1, 17, "does not exist"),
    "no_options.toml": (1, 6, "has no options"),
    "nul_byte.toml": (1, 20, "NUL byte"),
    "ok_bom.toml": (0, None, "OK:"),
    "ok_crlf.toml": (0, None, "OK:"),
    "ok_crlf_real_flow.toml": (0, None, "OK:"),
    "option_not_table.toml": (1, 8, "must be a list of tables; entry 1 is a string"),
    "outcome_array_of_tables.toml": (1, None, "outcome 'loppu_soita' must be a table"),
    "question_not_table.toml": (1, 1, "[question] must be a table of tables"),
    "question_outcome_same_id.toml": (1, 62, "used by both a question and an outcome"),
    "root_is_outcome.toml": (1, 4, "but it is an outcome"),
    "root_missing.toml": (1, 4, "but it is a missing node"),
    "root_not_string.toml": (1, 4, "must be a string, not an integer"),
    "say_unknown_kind.toml": (1, 33, "unknown channel kind 'fax'"),
    "self_loop.toml": (1, 17, "cycle"),
    "syntax_error.toml": (1, 3, "TOML syntax error"),
    "topic_not_in_contact.toml": (1, 23, "is not one of contact 'mail' topics"),
    "topic_wrong_type.toml": (1, 23, "must be a string, not an array"),
    "truncated.toml": (1, 16, "Unterminated string"),
    "unknown_contact.toml": (1, 27, "unknown contact"),
    "unknown_key.toml": (1, 8, "unknown key 'colour'"),
    "unknown_placeholder.toml": (1, 38, "unknown placeholder ${password}"),
    "unknown_top_level.toml": (1, 62, "unknown top-level key 'extra'"),
    "unreachable.toml": (1, 30, "cannot be reached"),
    "utf16.toml": (1, 1, "not valid UTF-8"),
    "whitespace_only.toml": (1, None, "file is empty"),
    "wrong_type.toml": (1, 11, "must be a string, not an integer"),
}


def check(capsys, *args: str) -> tuple[int, str]:
    started = time.perf_counter()
    code = main(["check", *args])
    assert time.perf_counter() - started < 10, "a hostile file must be answered within seconds"
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_at_least_forty_hostile_files():
    files = {p.name for p in BROKEN.glob("*.toml")}
    assert len(files) >= 40
    assert files == set(EXPECTED), f"untested: {files - set(EXPECTED)}; missing: {set(EXPECTED) - files}"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_file(capsys, name: str):
    exit_code, line, fragment = EXPECTED[name]
    path = BROKEN / name
    if name.startswith("contacts_"):
        code, output = check(capsys, "--contacts", str(path), str(VALID / "flow.toml"))
    elif "real_flow" in name:
        code, output = check(capsys, "--contacts", str(ROOT / "data" / "contacts.toml"), str(path))
    else:
        code, output = check(capsys, "--contacts", str(VALID / "contacts.toml"), str(path))
    assert code == exit_code, output
    assert "Traceback" not in output
    lines = output.splitlines()
    where = f"{path}:{line}: " if line else ""
    assert any(fragment in entry and (entry.startswith(where) if where else True) for entry in lines), output


def test_five_megabytes_of_junk(capsys, tmp_path: Path):
    junk = tmp_path / "junk.toml"
    junk.write_bytes(b"=]]{{\x7f not toml at all " * 200_000)  # ~5 MB
    code, output = check(capsys, "--contacts", str(VALID / "contacts.toml"), str(junk))
    assert code == 1 and f"{junk}:1: TOML syntax error" in output


def test_directory_and_missing_path_are_usage_errors(capsys, tmp_path: Path):
    code, output = check(capsys, "--contacts", str(VALID / "contacts.toml"), str(tmp_path))
    assert code == 2 and "on hakemisto" in output
    code, output = check(capsys, "--contacts", str(tmp_path / "nope.toml"), str(VALID / "flow.toml"))
    assert code == 2 and "tiedostoa ei löydy" in output


def test_oversized_file_is_refused_quickly(capsys, tmp_path: Path):
    big = tmp_path / "big.toml"
    big.write_bytes(b"# comment\n" * 1_000_000)  # 10 MB of comments: valid TOML, too big to be data
    code, output = check(capsys, "--contacts", str(VALID / "contacts.toml"), str(big))
    assert code == 1 and "at most" in output
