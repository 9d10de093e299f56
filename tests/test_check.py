"""`kela-ohjaus check` as a data maintainer meets it: cost, order, follow-ons, suggestions, policy.

Reproductions from issues 15 ("Data checks") and 20 ("Messages").
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from wizard.cli import main
from wizard.errors import DataError
from wizard.loader import load

from .helpers import FIXTURES, ROOT

VALID = FIXTURES / "valid"
BROKEN = FIXTURES / "broken"
LINE = re.compile(r"^(.*?):(\d+): ")


def check(capsys, *args: str) -> tuple[int, list[str]]:
    code = main(["check", *args])
    captured = capsys.readouterr()
    return code, (captured.out + captured.err).splitlines()


def _junk(path: Path, keys: int) -> Path:
    path.write_text("".join(f'k{i} = "x"\n' for i in range(keys)), encoding="utf-8")
    return path


def test_a_hundred_thousand_junk_keys_are_checked_and_summarised(tmp_path: Path):
    """Issue 15: 670 s at 100,000 keys (a list scan per problem). A hang guard, not a benchmark:
    linear work finishes in a few seconds even on a loaded machine."""
    junk = _junk(tmp_path / "junk.toml", 100_000)
    env = {**os.environ, "KELA_OHJAUS_HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "wizard", "check", str(junk)], capture_output=True, text=True, timeout=120, env=env
    )
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    problems = [line for line in lines if line.startswith(str(junk))]
    assert len(problems) == 200, "at most ~200 problems are printed by default"
    assert any(f"ja {100_000 + 9 - 200} muuta ongelmaa" in line and "--all" in line for line in lines), lines[-3:]


def test_all_prints_every_problem(capsys, tmp_path: Path):
    junk = _junk(tmp_path / "junk.toml", 1_000)
    code, lines = check(capsys, "--all", str(junk))
    assert code == 1
    assert sum(1 for line in lines if "tuntematon päätason avain 'k" in line) == 1_000
    assert not any("muuta ongelmaa" in line for line in lines)


def _chain(path: Path, depth: int) -> Path:
    parts = ['[flow]\nid = "ketju"\ntitle = "Ketju"\nroot = "q0"\n']
    for level in range(depth):
        target = f"q{level + 1}" if level + 1 < depth else "loppu_posti"
        parts.append(
            f'[question.q{level}]\ntext = "Taso {level}?"\n'
            f'[[question.q{level}.option]]\nid = "v"\nlabel = "taso {level}"\nnext = "{target}"\n'
        )
    parts.append(f'[[question.q{depth - 1}.option]]\nid = "s"\nlabel = "soita"\nnext = "loppu_soita"\n')
    template = (VALID / "flow.toml").read_text(encoding="utf-8")
    parts.append(template[template.index("[outcome.loppu_posti]") :])
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def _peak_bytes(path: Path) -> int:
    tracemalloc.start()
    try:
        try:
            flow = load(path, VALID / "contacts.toml")
        except DataError:
            flow = None
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del flow
    return peak


def test_a_chain_of_questions_loads_in_memory_linear_in_its_length(tmp_path: Path):
    """Issue 15: a chain of N questions used 39 MB at 2,000 and 2 GB at 20,000 (every node
    kept its whole path). Memory is counted, not timed: four times the chain, about four times
    the memory (quadratic growth would be sixteen)."""
    small = _peak_bytes(_chain(tmp_path / "small.toml", 1_000))
    large = _peak_bytes(_chain(tmp_path / "large.toml", 4_000))
    assert large / small < 6, (small, large)


def test_a_deep_chain_still_gives_whole_paths(tmp_path: Path):
    flow = load(_chain(tmp_path / "chain.toml", 300), VALID / "contacts.toml")
    path = flow.paths["loppu_posti"]
    assert len(path) == 300 and path[0] == ("q0", "v") and path[-1] == ("q299", "v")
    assert flow.paths["q0"] == () and "q150" in flow.paths and len(flow.paths) == 302


def test_messages_come_in_file_order(capsys, tmp_path: Path):
    """Issue 15: messages were grouped by kind of check, not by line."""
    text = (VALID / "flow.toml").read_text(encoding="utf-8")
    text = (
        text.replace('root = "alku"', 'root = "alku"\nvari = 1')  # line 5: unknown key
        .replace('label = "Soita"', "label = 2")  # a type problem in the middle
        .replace('next = "loppu_posti"', 'next = "loppu_postii"')  # a missing node above it
        .replace("[field.notes]", "[field.notes]\nvari = 3")  # near the end
    )
    flow = tmp_path / "order.toml"
    flow.write_text(text, encoding="utf-8")
    code, lines = check(capsys, "--contacts", str(VALID / "contacts.toml"), str(flow))
    assert code == 1
    numbers = [int(m.group(2)) for m in map(LINE.match, lines) if m]
    assert len(numbers) >= 4 and numbers == sorted(numbers), lines


def test_a_broken_contacts_file_gives_one_message_not_a_flood(capsys):
    """Issue 15/20: one syntax error in contacts.toml printed 52 follow-on 'unknown contact' lines."""
    code, lines = check(
        capsys, "--contacts", str(BROKEN / "contacts_syntax.toml"), str(ROOT / "flows" / "kuntoutus.toml")
    )
    assert code == 1
    problems = [line for line in lines if LINE.match(line)]
    assert len(problems) == 1 and "contacts_syntax.toml:12: TOML-syntaksivirhe" in problems[0], problems


def test_a_broken_contact_gives_no_follow_on_for_outcomes_pointing_at_it(capsys):
    code, lines = check(capsys, "--contacts", str(BROKEN / "contacts_unknown_kind.toml"), str(VALID / "flow.toml"))
    assert code == 1
    assert [line for line in lines if LINE.match(line)] == [
        f"{BROKEN / 'contacts_unknown_kind.toml'}:14: yhteystieto 'line': kind 'fax' ei kelpaa "
        "(sallitut: email, phone, chat, extranet, contact-person, web, self-service)"
    ]


def test_a_misspelled_id_in_the_real_tree_gets_a_suggestion(capsys, tmp_path: Path):
    """Issue 20: `sopimus_laskutaja` said only 'does not exist'."""
    real = (ROOT / "flows" / "kuntoutus.toml").read_text(encoding="utf-8")
    assert real.count('next = "sopimus_laskuttaja"') == 1
    flow = tmp_path / "kuntoutus.toml"
    flow.write_text(real.replace('next = "sopimus_laskuttaja"', 'next = "sopimus_laskutaja"'), encoding="utf-8")
    line = real[: real.index('next = "sopimus_laskuttaja"')].count("\n") + 1
    code, lines = check(capsys, str(flow))
    assert code == 1
    assert any(
        entry.startswith(f"{flow}:{line}: ") and "tarkoititko 'sopimus_laskuttaja'?" in entry for entry in lines
    ), lines


def test_the_allowed_domains_are_kept_in_the_data_and_enforced(capsys, tmp_path: Path):
    """Issue 15: `attacker@gmail.com` or `x@kela.fi.evil.example` passed check."""
    import tomli

    real = (ROOT / "data" / "contacts.toml").read_text(encoding="utf-8")
    assert tomli.loads(real)["meta"]["allowed_email_domains"] == ["kela.fi"]
    address = "tulos@kela.fi"
    line = real[: real.index(f'address = "{address}"')].count("\n") + 1
    for hostile in ("attacker@gmail.com", "tulos@kela.fi.evil.example"):
        contacts = tmp_path / "contacts.toml"
        contacts.write_text(real.replace(f'"{address}"', f'"{hostile}"'), encoding="utf-8")
        code, lines = check(capsys, "--contacts", str(contacts))
        assert code == 1
        assert any(entry.startswith(f"{contacts}:{line}: ") and "ei ole sallittu" in entry for entry in lines), lines


@pytest.mark.parametrize(
    ("escape", "code_point"), [("\\e]0;PWNED\\x07\\e[2J", "U+001B"), ("\\x00", "U+0000"), ("\\x9b", "U+009B")]
)
def test_toml_1_1_escapes_are_checked_after_decoding(capsys, tmp_path: Path, escape: str, code_point: str):
    """Issue 15: `\\e` and `\\xHH` (TOML 1.1, decoded by tomli 2.5) slipped past the raw-text check."""
    text = (VALID / "flow.toml").read_text(encoding="utf-8").replace('label = "Soita"', f'label = "Soita{escape}"')
    flow = tmp_path / "flow.toml"
    flow.write_text(text, encoding="utf-8")
    code, lines = check(capsys, "--contacts", str(VALID / "contacts.toml"), str(flow))
    assert code == 1
    assert any(entry.startswith(f"{flow}:16: ohjausmerkki {code_point}") for entry in lines), lines


def test_an_id_can_never_name_a_path(capsys, tmp_path: Path):
    """Issue 15: a flow id `x/../../../../tmp/victim` passed check and the autosave followed it."""
    for where, bad in (("[flow]", 'id = "testi"'), ("outcome", "[outcome.loppu_soita]"), ("option", 'id = "soita"')):
        replacement = {
            "[flow]": 'id = "x/../../../../tmp/victim"',
            "outcome": '[outcome."../../victim"]',
            "option": 'id = "Soita.Nyt"',
        }[where]
        text = (VALID / "flow.toml").read_text(encoding="utf-8").replace(bad, replacement)
        flow = tmp_path / "flow.toml"
        flow.write_text(text, encoding="utf-8")
        code, lines = check(capsys, "--contacts", str(VALID / "contacts.toml"), str(flow))
        assert code == 1 and any("ei kelpaa: käytä vain pieniä kirjaimia a–z" in entry for entry in lines), lines


def test_a_deep_nesting_names_its_line(capsys, tmp_path: Path):
    """Issue 15: 'TOML nesting is too deep' came with no line."""
    flow = tmp_path / "deep.toml"
    flow.write_text('a = 1\nb = "x"\nc = ' + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    code, lines = check(capsys, "--contacts", str(VALID / "contacts.toml"), str(flow))
    assert code == 1 and any(entry.startswith(f"{flow}:3: ") for entry in lines), lines


@pytest.mark.parametrize(
    "line3",
    ["[" + ".".join(["a"] * 3001) + "]", "x." * 3000 + "y = 1", "z = {" + "k." * 3000 + "y = 1}"],
    ids=["header", "dotted", "inline"],
)
def test_a_key_of_too_many_parts_names_its_own_line(capsys, tmp_path: Path, line3: str):
    """A key of over 1,000 dotted parts is tomli's other 'too deep': the message named an earlier
    array's line and '1 tasoa'."""
    flow = tmp_path / "deep.toml"
    flow.write_text('a = ["x"]\nb = "x"\n' + line3 + "\n", encoding="utf-8")
    code, lines = check(capsys, "--contacts", str(VALID / "contacts.toml"), str(flow))
    assert code == 1 and any(entry.startswith(f"{flow}:3: ") and "(3001 tasoa)" in entry for entry in lines), lines


@pytest.mark.parametrize(
    "line3",
    ["x = 'a\x1bb'", "x y = 1", 'x = "\\uZZZZ"', "x = 2026-13-45", "x = {a = 1, a = 2}", "-x- = 1"],
    ids=["literal-control", "no-equals", "bad-hex", "bad-date", "inline-duplicate", "valid-but-unknown-key"],
)
def test_toml_syntax_errors_are_in_finnish(capsys, tmp_path: Path, line3: str):
    """The parser's English ('Found invalid character', "Expected '=' after a key", ...) reached the maintainer."""
    flow = tmp_path / "flow.toml"
    flow.write_text('a = 1\nb = "x"\n' + line3 + "\n", encoding="utf-8")
    code, lines = check(capsys, "--contacts", str(VALID / "contacts.toml"), str(flow))
    assert code == 1
    if line3 != "-x- = 1":
        assert any(entry.startswith(f"{flow}:3: TOML-syntaksivirhe") for entry in lines), lines
    for english in ("Found", "Expected", "Invalid", "Duplicate", "Cannot", "Escaped"):
        assert not any(english in entry for entry in lines), lines


def test_a_broken_record_is_explained_in_finnish(tmp_path: Path):
    record = tmp_path / "puhelu.toml"
    record.write_text('format = 1\noutcome = "sopimus_remontti"\nfields x = 1\n', encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "wizard", "replay", str(record)], capture_output=True, text=True)
    assert result.returncode == 1
    assert "rivi 3, sarake" in result.stderr and "Expected" not in result.stderr, result.stderr


def test_the_shipped_data_passes(capsys, flow):
    code, lines = check(capsys)
    assert code == 0
    nodes = len(flow.questions) + len(flow.outcomes)
    assert lines[0].startswith(f"OK: kuntoutus.toml: {nodes} solmua")


def test_a_message_never_spans_lines_or_floods_the_screen(capsys, tmp_path: Path):
    """A key may hold a newline (a fake `FILE:1:` line) or megabytes: quoted on one line, cut short."""
    flow = tmp_path / "inj.toml"
    flow.write_text('"a\\nb:1: fake" = 1\n"' + "x" * 100_000 + '" = 2\n', encoding="utf-8")
    code, lines = check(capsys, "--contacts", str(VALID / "contacts.toml"), str(flow))
    assert code == 1
    assert not any(line.startswith("b:1:") for line in lines)
    assert any(f"{flow}:1: " in line and "'a\\nb:1: fake'" in line for line in lines), lines
    assert max(map(len, lines)) < 400


def test_an_empty_domain_list_is_one_problem(capsys, tmp_path: Path):
    contacts = tmp_path / "contacts.toml"
    text = (VALID / "contacts.toml").read_text(encoding="utf-8")
    contacts.write_text(text.replace('["example.fi"]', "[]"), encoding="utf-8")
    code, lines = check(capsys, "--contacts", str(contacts), str(VALID / "flow.toml"))
    assert code == 1
    assert [line for line in lines if LINE.match(line)] == [
        f'{contacts}:2: [meta] allowed_email_domains on tyhjä: kirjoita sallitut verkkotunnukset, esim. ["kela.fi"]'
    ]
