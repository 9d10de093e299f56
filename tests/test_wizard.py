"""The questionary wizard, driven headless through prompt_toolkit's pipe input."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tomllib
from argparse import Namespace
from pathlib import Path

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from wizard import autosave
from wizard.prompt_ui.app import run_wizard
from wizard.prompt_ui.console import Console
from wizard.prompt_ui.widgets import PromptIO

from .conftest import fixed_clock

ENTER, DOWN, CTRL_C = "\r", "\x1b[B", "\x03"
SKIP_FIELDS = ENTER * 7  # provider, business_id, contact, phone, email, description, notes


def args(**kw) -> Namespace:
    return Namespace(**{"resume": False, "answers": None, "no_log": True, "flow": None, **kw})


def drive(keys: str, **kw) -> tuple[int, str]:
    """Run the wizard on `keys`; the pipe closes after them (EOF acts like Ctrl-C)."""
    out = io.StringIO()
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        pipe.close()
        code = run_wizard(
            args(**kw), io=PromptIO(pipe, DummyOutput()), console=Console(out, color=False), clock=fixed_clock
        )
    return code, out.getvalue()


def saved_calls() -> list[dict]:
    """Every autosave on disk, read back."""
    return [tomllib.loads(p.path.read_text(encoding="utf-8")) for p in autosave.pending()]


def pick(label_fragment: str) -> str:
    """Type to filter the list, then Enter: how an agent picks without arrows."""
    return label_fragment + ENTER


QUIT = pick("Lopeta")


def test_district_path_to_a_finished_draft():
    code, out = drive(pick("1") + pick("Itäinen") + SKIP_FIELDS + QUIT)
    assert code == 0
    assert "itainenvp.terapiasopimukset@kela.fi" in out
    assert "itainenvp piste terapiasopimukset ät kela piste fi" in out
    assert "Vastaanottaja: itainenvp.terapiasopimukset@kela.fi" in out
    assert "[Palveluntuottajan nimi]" in out


def test_arrow_keys_and_numbers_work_too():
    code, out = drive(ENTER + DOWN + DOWN + DOWN + DOWN + ENTER + SKIP_FIELDS + QUIT)
    assert code == 0 and "pohjoinenvp.terapiasopimukset@kela.fi" in out


def test_back_returns_to_the_previous_question():
    keys = pick("Muut kuntoutuspalvelut") + pick("Takaisin") + pick("Kuntoutuspsykoterapia") + pick("Osoitemuutokset")
    code, out = drive(keys + SKIP_FIELDS + QUIT)
    assert code == 0
    assert "kuntoutuspsykoterapeuttien_patevyydet@kela.fi" in out
    assert "Polku: Kuntoutuspsykoterapia › Osoitemuutokset" in out


def test_change_an_earlier_answer_keeps_what_still_fits():
    keys = (
        pick("Muut kuntoutuspalvelut") + pick("Vieraan kielen") + pick("Kuntoutuspalveluntuottaja") + pick("ongelmat")
    )
    keys += SKIP_FIELDS
    # Change who asks to the interpreting provider, then back: the matter answer is kept.
    keys += pick("Muuta aiempaa") + pick("Kuka ottaa") + pick("Tulkkauspalveluntuottaja")
    keys += pick("Muuta aiempaa") + pick("Kuka ottaa") + pick("1. Kuntoutuspalveluntuottaja")
    code, out = drive(keys + QUIT)
    assert code == 0
    assert "kuntoutus_tulkkaus_sopimuksenhallinta@kela.fi" in out
    assert out.rstrip().count("vatu.kuntoutus@kela.fi") >= 2  # before and after the change


def test_start_again_goes_to_the_root():
    keys = pick("Muut kuntoutuspalvelut") + pick("Aloita alusta") + pick("Yleinen") + pick("chatti")
    code, out = drive(keys + QUIT)
    assert code == 0
    assert "Yhteistyökumppanien chatti (ma-pe klo 9-15)" in out
    assert "Auki nyt" in out  # Monday 12:00 in Helsinki
    assert "Vastaanottaja:" not in out  # no e-mail draft for the chat


def test_free_text_jump_fills_in_the_path():
    keys = pick("Hae vapaalla") + "julkisivuremontti alkaa" + ENTER + ENTER
    code, out = drive(keys + SKIP_FIELDS + QUIT)
    assert code == 0
    assert "kuntoutus_sopimushallinta@kela.fi" in out
    # the path is shown on screen (the draft body no longer carries it: issue 15)
    path = (
        "Polku: Muut kuntoutuspalvelut › Kuntoutuspalvelujen sopimuskauden aikaiset muutokset › Sopimuskausi › Remontit"
    )
    assert path in out


def test_invalid_business_id_is_asked_again():
    keys = pick("1") + pick("Eteläinen") + "Oy" + ENTER + "0246246-1" + ENTER
    keys += "\x15" + "0246246-0" + ENTER + ENTER * 5  # Ctrl-U clears the rejected value
    code, out = drive(keys + QUIT)
    assert code == 0
    assert "Y-tunnus: 0246246-0" in out


def test_personal_code_is_offered_for_removal():
    keys = pick("1") + pick("Eteläinen") + ENTER * 5 + "asiakas 131052-308T" + ENTER + pick("Kyllä") + ENTER
    code, out = drive(keys + QUIT)
    assert code == 0
    assert "henkilötunnus" in out and "131052-308T" not in out.split("Luonnos")[-1]


def test_ctrl_c_exits_130_and_resume_continues(capsys):
    code, _ = drive(pick("Muut kuntoutuspalvelut") + pick("sopimuskauden") + CTRL_C)
    assert code == 130
    assert "--resume" in capsys.readouterr().err
    [saved] = saved_calls()
    assert list(saved["answers"]) == ["aihe", "muut_aihe"]
    code, out = drive(pick("Sopimuskausi") + pick("Laskuttajan") + SKIP_FIELDS + QUIT, resume=True)
    assert code == 0
    assert "Jatketaan keskeytettyä puhelua" in out and "kuntoutus_sopimushallinta@kela.fi" in out
    assert saved_calls() == []  # a finished call leaves no autosave


def test_resume_without_autosave_says_so(capsys):
    code, _ = drive("", resume=True)
    assert code == 1 and "Ei keskeytettyä" in capsys.readouterr().err


def test_answers_file_starts_from_a_record(tmp_path: Path):
    record = tmp_path / "r.toml"
    subprocess.run(
        [sys.executable, "-m", "wizard", "draft", "tekniset_katso", "--record", str(record)],
        check=True,
        capture_output=True,
    )
    code, out = drive(SKIP_FIELDS + QUIT, answers=str(record))
    assert code == 0 and "kuntoutus_jarjestelmat@kela.fi" in out


def test_save_eml_never_overwrites_without_asking(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    keys = pick("1") + pick("Keskinen") + SKIP_FIELDS + pick("Tallenna .eml") + ENTER
    keys += pick("Tallenna .eml") + ENTER + pick("Ei")
    code, out = drive(keys + QUIT)
    assert code == 0
    saved = tmp_path / "terapia_keskinen.eml"
    assert saved.exists() and saved.stat().st_mode & 0o777 == 0o600
    assert "Ei tallennettu" in out  # the overwrite question was answered "Ei"


def test_not_a_terminal_exits_2():
    env = {**os.environ, "TERM": "xterm"}
    result = subprocess.run(
        [sys.executable, "-m", "wizard", "wizard"], input=b"", capture_output=True, env=env, timeout=60
    )
    assert result.returncode == 2
    assert b"find" in result.stderr and b"draft" in result.stderr and b"replay" in result.stderr


@pytest.mark.skipif(not os.path.exists("/usr/bin/tmux") and not os.environ.get("TMUX_BIN"), reason="tmux missing")
def test_real_terminal_under_tmux(tmp_path: Path):
    from .tmux import Tmux

    with Tmux(["-m", "wizard", "wizard", "--no-log"], home=tmp_path) as term:
        first = term.wait_for("Mitä yhteydenottosi koskee?")
        assert "↳ terapioiden sopimukset" in first and "Description" not in first  # the hint, in Finnish
        term.type("1", enter=True)
        term.wait_for("Minkä Kelan vakuutuspiirin")
        term.type("pohj", enter=True)
        term.wait_for("Palveluntuottajan nimi")
        screen = term.screen()
        assert "pohjoinenvp.terapiasopimukset@kela.fi" in screen
        term.keys("C-c")
        term.wait_for_exit(130)


def test_several_flows_ask_which_first(tmp_path: Path, monkeypatch):
    from wizard.locate import default_flows

    shipped = Path(default_flows()[0])
    other = tmp_path / "toinen.toml"
    other.write_text(
        shipped.read_text(encoding="utf-8")
        .replace('id = "kuntoutus"', 'id = "toinen"', 1)
        .replace('greeting = "Hei,"', 'greeting = "Hei toisesta puusta,"', 1),
        encoding="utf-8",
    )
    monkeypatch.setattr("wizard.locate.default_flows", lambda: [str(shipped), str(other)])
    code, out = drive(pick("toinen") + pick("1") + pick("Keskinen") + SKIP_FIELDS + QUIT)
    assert code == 0
    assert "keskinenvp.terapiasopimukset@kela.fi" in out
    assert "Hei toisesta puusta," in out  # the draft came from the flow picked first


def test_clipboard_uses_a_tool_when_there_is_one(tmp_path: Path, monkeypatch):
    from wizard.clipboard import copy

    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert copy("x") is None  # no tool: the wizard says so
    received = tmp_path / "received"
    tool = tmp_path / "pbcopy"
    tool.write_text(f"#!/bin/sh\n/bin/cat > {received}\n")
    tool.chmod(0o755)
    assert copy("Hei, äö") == "pbcopy"
    assert received.read_text(encoding="utf-8") == "Hei, äö"


def test_copy_action_says_when_no_clipboard_exists(monkeypatch):
    monkeypatch.setattr("wizard.clipboard.copy", lambda text: None)
    code, out = drive(pick("1") + pick("Eteläinen") + SKIP_FIELDS + pick("Kopioi") + QUIT)
    assert code == 0 and "Leikepöytää ei ole käytettävissä" in out


def test_mail_link_is_shown_when_there_is_no_desktop(monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    code, out = drive(pick("1") + pick("Itäinen") + SKIP_FIELDS + pick("Avaa") + QUIT)
    assert code == 0
    assert "Sähköpostiohjelmaa ei voitu avata" in out
    assert "mailto:itainenvp.terapiasopimukset@kela.fi?subject=" in out
