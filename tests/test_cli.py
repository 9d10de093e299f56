"""The scriptable CLI through the installed `kela-ohjaus` entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from email import message_from_bytes
from email.policy import default
from pathlib import Path

import pytest

from .helpers import FIXTURES, run


def test_version():
    result = run("--version")
    assert result.returncode == 0 and result.stdout.startswith(b"kela-ohjaus ")


def test_module_entry_point():
    result = subprocess.run([sys.executable, "-m", "wizard", "--version"], capture_output=True, timeout=60)
    assert result.returncode == 0 and b"kela-ohjaus" in result.stdout


def test_check_shipped_data(tmp_path: Path, flow):
    result = run("check", cwd=tmp_path)
    assert result.returncode == 0
    nodes = len(flow.questions) + len(flow.outcomes)  # from the data: no count to edit by hand
    assert result.stdout.decode().startswith(f"OK: kuntoutus.toml: {nodes} solmua")


def test_check_broken_lists_every_problem(tmp_path: Path):
    result = run(
        "check", "--contacts", str(FIXTURES / "valid" / "contacts.toml"), str(FIXTURES / "broken" / "next_missing.toml")
    )
    assert result.returncode == 1
    lines = result.stderr.decode().splitlines()
    assert any(
        line.endswith(
            "next_missing.toml:17: kysymyksen 'alku' vaihtoehto 'soita': seuraavaa solmua (next) 'ei_ole' ei ole"
        )
        for line in lines
    )
    assert any(":25: kohde 'loppu_soita': juuresta 'alku' ei pääse tänne" in line for line in lines)


@pytest.mark.parametrize(
    "args",
    [
        ("frobnicate",),
        ("check", "--nope"),
        ("check", "/no/such/file.toml"),
        ("find",),
        ("draft",),
        ("draft", "x", "--format", "pdf"),
        (),
    ],
)
def test_usage_errors_exit_2(args):
    result = run(*args)
    assert result.returncode == 2, result.stderr


def test_outcomes_json(flow):
    data = json.loads(run("outcomes", "--json").stdout)
    assert [d["id"] for d in data] == list(flow.outcomes)
    by_id = {d["id"]: d for d in data}
    assert by_id["sopimus_remontti"]["email"] == "kuntoutus_sopimushallinta@kela.fi"
    assert by_id["sopimus_remontti"]["path"][-1] == "Remontit, korjaus- ja perusparannustyöt"
    assert by_id["chat"]["email"] is None and by_id["chat"]["channel"] == "chat"
    assert isinstance(by_id["chat"]["open_now"], bool)
    for item in data:
        assert {"id", "title", "channel", "email", "path"} <= item.keys()


def test_draft_text_and_eml(tmp_path: Path):
    result = run("draft", "sopimus_remontti", "--field", "provider=Kuntoutus Oy", "--field", "business_id=0246246-0")
    assert result.returncode == 0
    text = result.stdout.decode()
    assert "Vastaanottaja: kuntoutus_sopimushallinta@kela.fi" in text
    assert "Aihe: Sopimuskauden aikainen muutos: remontti – Kuntoutus Oy" in text
    out = tmp_path / "luonnos.eml"
    assert run("draft", "terapia_pohjoinen", "--format", "eml", "-o", str(out)).returncode == 0
    assert out.stat().st_mode & 0o777 == 0o600
    msg = message_from_bytes(out.read_bytes(), policy=default)
    assert msg["To"] == "pohjoinenvp.terapiasopimukset@kela.fi" and msg["X-Unsent"] == "1"
    again = run("draft", "terapia_pohjoinen", "--format", "eml", "-o", str(out))
    assert again.returncode == 1 and b"--force" in again.stderr
    assert run("draft", "terapia_pohjoinen", "--format", "eml", "-o", str(out), "--force").returncode == 0


def test_draft_rejects_bad_values():
    bad_id = run("draft", "sopimus_remontti", "--field", "business_id=0246246-1")
    assert bad_id.returncode == 1 and b"business_id" in bad_id.stderr
    bad_mail = run("draft", "sopimus_remontti", "--field", "email=not-an-address")
    assert bad_mail.returncode == 1 and b"email" in bad_mail.stderr
    assert run("draft", "no_such_outcome").returncode == 1
    assert run("draft", "sopimus_remontti", "--field", "password=x").returncode == 2


def test_a_field_given_twice_is_a_usage_error_not_a_silent_last_wins():
    twice = run("draft", "sopimus_remontti", "--field", "provider=Ensimmäinen Oy", "--field", "provider=Toinen Oy")
    assert twice.returncode == 2 and twice.stdout == b""
    assert "'provider' annettu kahdesti" in twice.stderr.decode()


def test_draft_non_email_outcome_exits_1_with_instructions():
    result = run("draft", "viranomaislinja")
    assert result.returncode == 1
    assert "viranomaislinja" in result.stderr.decode()
    data = json.loads(run("draft", "chat", "--format", "json").stdout)
    assert data["to"] is None and data["channel"] == "chat" and data["instructions"]


def test_a_non_email_outcome_writes_no_record_either(tmp_path: Path):
    record = tmp_path / "puhelu.toml"
    result = run("draft", "chat", "--record", str(record))
    assert result.returncode == 1 and not record.exists()  # failed: all or nothing
    assert "Tallennetta ei kirjoitettu" in result.stderr.decode()


def test_record_and_replay(tmp_path: Path):
    record = tmp_path / "puhelu.toml"
    made = run("draft", "tekniset_katso", "--field", "provider=Oy", "--record", str(record))
    assert made.returncode == 0 and record.stat().st_mode & 0o777 == 0o600
    replayed = run("replay", str(record))
    assert replayed.returncode == 0 and replayed.stdout == made.stdout
    mailto = run("replay", str(record), "--format", "mailto").stdout.decode()
    assert mailto.startswith("mailto:kuntoutus_jarjestelmat@kela.fi?subject=")


def test_replay_bad_files(tmp_path: Path):
    junk = tmp_path / "junk.toml"
    junk.write_bytes(b"\xff\xfe not toml")
    assert run("replay", str(junk)).returncode == 1
    assert run("replay", str(tmp_path / "missing.toml")).returncode == 2  # a missing file is a usage error
    assert run("replay", str(tmp_path)).returncode == 2


def test_find_json_and_no_match():
    hits = json.loads(run("find", "julkisivuremontti", "alkaa", "keväällä", "--json").stdout)
    assert hits[0]["id"] == "sopimus_remontti" and hits[0]["email"] == "kuntoutus_sopimushallinta@kela.fi"
    assert {"id", "title", "channel", "email", "path", "score", "matched"} <= hits[0].keys()
    assert run("find", "qwxzv").returncode == 1
    assert run("find", "!!!").returncode == 1


def test_find_names_a_channel_called_like_its_kind_once():
    """`find` printed "Extranet: Extranet" under the Extranet hit."""
    out = run("find", "aikataulu", "extranetissä", "--limit", "1").stdout.decode()
    assert "[extranet_itse]\n   Extranet\n" in out and "Extranet: Extranet" not in out


# The CLI's rule (issue 13): Finnish only, no English line after it. These are the English
# words argparse and the old messages used; none may reach a user.
ENGLISH = (
    "usage",
    "options:",
    "positional arguments",
    "show this help",
    "version number",
    "error:",
    "invalid choice",
    "unrecognized",
    "required",
    "expected",
    "see --help",
    "default",
    "print JSON",
    "write to FILE",
    "problem(s)",
    "nodes",
    "unknown",
    "not found",
    "Interrupted",
    "Nothing",
)
SUBCOMMANDS = ["check", "outcomes", "find", "draft", "replay", "wizard", "browse", "stats", "graph"]


def _assert_finnish(text: str) -> None:
    for word in ENGLISH:
        assert word not in text, (word, text)


@pytest.mark.parametrize("command", [None, *SUBCOMMANDS])
def test_help_is_in_finnish(command: str | None):
    result = run(*([command] if command else []), "--help")
    out = result.stdout.decode()
    assert result.returncode == 0
    assert out.startswith("käyttö: kela-ohjaus") and "näytä tämä ohje ja lopeta" in out
    _assert_finnish(out)


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["zz"],
        ["--bogus"],
        ["draft"],
        ["draft", "sopimus_remontti", "--format", "pdf"],
        ["find", "x", "--limit", "q"],
        ["find", "x", "--limit", "0"],
        ["find"],
        ["draft", "sopimus_remontti", "--field", "nimi=x"],
        ["draft", "sopimus_remontti", "--field", "provider"],
        ["draft", "ei_ole"],
        ["stats", "--since", "eilen"],
        ["--flow", "ei_ole", "outcomes"],
        ["replay", "ei-ole.toml"],
        ["check", "ei-ole.toml"],
        ["find", "zzqqxx"],
        ["find", "?!"],
    ],
)
def test_errors_are_in_finnish(args: list[str]):
    result = run(*args)
    assert result.returncode in (1, 2)
    err = result.stderr.decode() + (result.stdout.decode() if not args else "")
    assert err.strip()
    _assert_finnish(err)
