"""The questionary wizard, driven headless through prompt_toolkit's pipe input."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
import tomli
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from wizard import autosave
from wizard.engine import Session
from wizard.prompt_ui.console import Console
from wizard.prompt_ui.widgets import PromptIO

from .helpers import CTRL_C, DOWN, ENTER, QUIT, QUIT_ANYWAY, SKIP_FIELDS, drive, pick


def saved_calls() -> list[dict]:
    """Every autosave on disk, read back."""
    return [tomli.loads(p.path.read_text(encoding="utf-8")) for p in autosave.pending()]


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
    code, out = drive(keys + QUIT_ANYWAY)
    assert code == 0
    assert "Y-tunnus: 0246246-0" in out


def test_personal_code_is_offered_for_removal():
    keys = pick("1") + pick("Eteläinen") + ENTER * 5 + "asiakas 131052-308T" + ENTER + pick("Kyllä") + ENTER
    code, out = drive(keys + QUIT_ANYWAY)
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

    monkeypatch.delenv("KELA_OHJAUS_CLIPBOARD")  # the suite turns the tools off; this test is about them
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


# ---------------------------------------------------------------- live call (issue 13)

BACKSPACE = "\x7f"


def test_a_filter_matching_nothing_does_not_pick_option_1():
    # "tulkki" matches no label at the first question: Enter must do nothing, Backspace restores the list.
    keys = "tulkki" + ENTER + BACKSPACE * 6 + pick("Yleinen") + pick("chatti")
    code, out = drive(keys + QUIT)
    assert code == 0
    assert "Polku: Yleinen kysymys etuuksista tai kuntoutuksesta" in out
    assert "vakuutuspiiri" not in out.lower()


def test_the_no_match_line_is_finnish_and_hides_the_list():
    from prompt_toolkit.application import create_app_session

    from wizard.prompt_ui import widgets

    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        question = widgets._build(PromptIO(pipe, DummyOutput()), "Q?", [("Eka", 1), ("Toka", 2)], [], None, "")
        control = widgets._control(question)
        for char in "tulkki":
            control.add_search_character(char)
        shown = "".join(text for _, text, *_ in control.text())
    assert "Ei osumia: ”tulkki”" in shown and "Backspace palauttaa listan" in shown
    assert "Eka" not in shown and "Toka" not in shown


def test_a_choice_hint_is_shown_in_finnish_through_questionarys_public_option():
    """questionary prints a hint as "Description: ..." in English; the wizard turns that off with
    the public show_description=False and shows the hint itself, under the list (issue 19)."""
    from prompt_toolkit.application import create_app_session

    from wizard.prompt_ui import widgets

    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        choices = [("Eka", 1, "ensimmäisen vihje"), ("Toka", 2)]
        question = widgets._build(PromptIO(pipe, DummyOutput()), "Q?", choices, [], None, "")
        control = widgets._control(question)
        assert control.show_description is False
        first = "".join(text for _, text, *_ in control.text())
        control.select_next()
        second = "".join(text for _, text, *_ in control.text())
    assert first.endswith("2. Toka\n  ↳ ensimmäisen vihje") and "Description" not in first
    assert second.endswith("2. Toka") and "vihje" not in second


def test_start_again_keeps_the_caller_and_asks_the_matter_again():
    caller = "Kuntoutus Oy" + ENTER + "0246246-0" + ENTER + "Maija" + ENTER + "040 123" + ENTER + "m@example.fi" + ENTER
    keys = pick("Muut") + pick("Kuntoutuspalvelujen toimeenpano") + pick("Kurssin peruminen")
    keys += caller + "Syksyn kurssille tuli liian vähän hakijoita" + ENTER + ENTER
    # Start again, jump to KATSO by free text: only the description and notes are asked.
    keys += pick("Aloita alusta") + pick("Hae vapaalla") + "katso tunnistautuminen" + ENTER + ENTER
    keys += "KATSO-tunnus ei toimi" + ENTER + ENTER
    code, out = drive(keys + QUIT_ANYWAY)
    assert code == 0
    assert "Soittajan tiedot säilytettiin: Palveluntuottajan nimi, Y-tunnus, Yhteyshenkilö, Puhelin, Sähköposti" in out
    katso = out.split("Soittajan tiedot säilytettiin")[-1]
    assert "Vastaanottaja: kuntoutus_jarjestelmat@kela.fi" in katso
    assert "KATSO-tunnus ei toimi" in katso and "Syksyn kurssille" not in katso
    assert "Kuntoutus Oy" in katso and "0246246-0" in katso  # the caller was kept


def test_new_call_clears_everything():
    keys = pick("1") + pick("Etel") + "Kuntoutus Oy" + ENTER * 7 + pick("Uusi puhelu") + pick("Kyllä")
    keys += pick("1") + pick("Etel") + ENTER * 7
    code, out = drive(keys + QUIT_ANYWAY)
    assert code == 0
    assert "Palveluntuottaja: [Palveluntuottajan nimi]" in out.split("Uusi puhelu aloitettu")[-1]


def test_new_call_asks_first_and_no_keeps_the_caller(capsys):
    """Uusi puhelu sits one row below Hae vapaalla tekstillä: a slip (Enter on the
    default No) must keep every field and the autosave."""
    keys = pick("1") + pick("Etel") + "Kuntoutus Oy" + ENTER + "0246246-0" + ENTER * 6
    code, out = drive(keys + pick("Uusi puhelu") + ENTER)  # then the pipe ends: like Ctrl-C
    assert "Puhelu jatkuu: mitään ei tyhjennetty." in out  # (the question itself goes to the prompt)
    assert "Uusi puhelu aloitettu" not in out
    assert code == 130
    [saved] = saved_calls()
    assert saved["fields"]["provider"] == "Kuntoutus Oy" and saved["fields"]["business_id"] == "0246246-0"
    assert f"--resume {saved['autosave']['call_id']}" in capsys.readouterr().err


def test_quit_with_typed_fields_asks_first_and_no_keeps_the_call():
    keys = pick("1") + pick("Etel") + "Kuntoutus Oy" + ENTER * 7
    code, out = drive(keys + QUIT + ENTER)  # Enter: the default No
    assert "Puhelu jatkuu." in out
    assert code == 130  # the pipe ended afterwards: the call was still open
    [saved] = saved_calls()
    assert saved["fields"]["provider"] == "Kuntoutus Oy"


def test_quit_asks_nothing_once_the_draft_is_copied_or_nothing_was_typed(monkeypatch):
    monkeypatch.setattr("wizard.clipboard.copy", lambda text: "xclip")
    keys = pick("1") + pick("Etel") + "Kuntoutus Oy" + ENTER * 7 + pick("Kopioi")
    code, out = drive(keys + QUIT)
    assert code == 0 and "Puhelu jatkuu" not in out and saved_calls() == []
    code, out = drive(pick("1") + pick("Etel") + SKIP_FIELDS + QUIT)  # only the route: nothing to lose
    assert code == 0 and "Puhelu jatkuu" not in out


def test_ctrl_c_mid_fields_then_resume_asks_the_next_field(capsys):
    keys = pick("1") + pick("Keskinen") + "Kuntoutus Oy" + ENTER + "0246246-0" + ENTER + CTRL_C
    code, _ = drive(keys)
    assert code == 130
    [saved] = saved_calls()
    assert saved["autosave"]["fields_asked"] == ["provider", "business_id"]
    assert f"--resume {saved['autosave']['call_id']}" in capsys.readouterr().err
    # Resumed: the next question is the contact person (the pipe gives it "Maija").
    code, out = drive("Maija" + ENTER + ENTER * 4 + QUIT_ANYWAY, resume=True)
    assert code == 0
    draft = out.split("── Luonnos")[-1]
    assert "Kuntoutus Oy" in draft and "0246246-0" in draft and "Maija" in draft


def test_resume_with_every_field_asked_goes_to_the_action_menu(capsys):
    code, _ = drive(pick("1") + pick("Keskinen") + "Kuntoutus Oy" + ENTER * 7 + CTRL_C)
    assert code == 130
    code, out = drive(QUIT_ANYWAY, resume=True)  # the first prompt is the action menu: "Lopeta" ends the call
    assert code == 0 and "Viestin tiedot" not in out and "Kuntoutus Oy" in out
    assert saved_calls() == []


def test_back_puts_the_cursor_on_the_answer_being_changed():
    # Back from the second question, then Enter: the cursor is on "Muut kuntoutuspalvelut", not option 1.
    keys = pick("Muut") + pick("Takaisin") + ENTER + pick("Vieraan kielen") + pick("Tulkkauspalveluntuottaja")
    code, out = drive(keys + SKIP_FIELDS + QUIT)
    assert code == 0
    assert "kuntoutus_tulkkaus_sopimuksenhallinta@kela.fi" in out


def test_change_an_earlier_answer_starts_on_the_current_answer():
    keys = pick("1") + pick("Läntinen") + SKIP_FIELDS
    keys += pick("Muuta aiempaa") + ENTER + ENTER  # the last question, then its current answer: nothing changes
    code, out = drive(keys + QUIT)
    assert code == 0
    assert "etelainenvp" not in out  # Enter on option 1 would have changed the district
    assert out.count("Sähköposti: lantinenvp.terapiasopimukset@kela.fi") >= 2


def test_long_lines_wrap_on_word_boundaries():
    out = io.StringIO()
    text = "Kerro soittajalle: Läntinen vakuutuspiiri käsittelee asian"
    Console(out, color=False, width=40).line(text, indent=2, hang=2)
    lines = out.getvalue().splitlines()
    assert all(len(line) <= 39 for line in lines)
    assert "Läntinen" in out.getvalue()  # never "Länt/inen"
    assert all(line.startswith("    ") for line in lines[1:])


def test_hit_lists_keep_the_address_whole():
    from wizard.prompt_ui.widgets import _fit

    fitted = _fit("2. Muu Kelan järjestelmiin liittyvä tekninen kysymys", 60, " → kuntoutus_jarjestelmat@kela.fi")
    assert fitted.endswith(" → kuntoutus_jarjestelmat@kela.fi") and len(fitted) <= 60


def test_no_color_turns_every_escape_off(monkeypatch):
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Tty()
    Console(stream).line("otsikko", "title")
    assert "\x1b[" in stream.getvalue()  # a terminal gets colour...
    monkeypatch.setenv("NO_COLOR", "1")
    stream = Tty()
    Console(stream).line("otsikko", "title")
    assert stream.getvalue() == "otsikko\n"  # ...unless NO_COLOR is set
    from prompt_toolkit.output import ColorDepth

    assert PromptIO().kwargs()["color_depth"] == ColorDepth.DEPTH_1_BIT


# ---------------------------------------------------------------- one autosave per call


def test_every_call_has_its_own_autosave_and_resume_lets_the_agent_pick(capsys):
    assert drive(pick("1") + pick("Keskinen") + CTRL_C)[0] == 130
    assert drive(pick("Muut") + pick("sopimuskauden") + CTRL_C)[0] == 130
    calls = saved_calls()
    assert len(calls) == 2 and calls[0]["autosave"]["call_id"] != calls[1]["autosave"]["call_id"]
    # A plain start touches neither and says they wait.
    code, out = drive(CTRL_C)
    assert code == 130 and "Keskeytettyjä puheluita odottaa 2" in out and len(saved_calls()) == 2
    # --resume lists both (newest first, with where each stopped); pick the district one, the older.
    code, out = drive(DOWN + ENTER + SKIP_FIELDS + QUIT, resume=True)
    assert code == 0, out
    assert "Keskeytettyjä puheluita on 2" in out and "keskinenvp.terapiasopimukset@kela.fi" in out
    [left] = saved_calls()
    assert left["answers"]["muut_aihe"]["option"] == "sopimusmuutokset"


def test_a_number_picks_the_call_it_numbers_though_every_row_has_digits():
    """Every resume row holds digits (time, id): '2' must mean row 2, not 'rows containing a 2'."""
    assert drive(pick("1") + pick("Keskinen") + CTRL_C)[0] == 130
    assert drive(pick("Muut") + pick("sopimuskauden") + CTRL_C)[0] == 130
    code, out = drive("2" + ENTER + SKIP_FIELDS + QUIT, resume=True)  # row 2: the older, district call
    assert code == 0, out
    assert "keskinenvp.terapiasopimukset@kela.fi" in out
    [left] = saved_calls()
    assert left["answers"]["muut_aihe"]["option"] == "sopimusmuutokset"


def test_resume_marks_a_call_from_a_newer_version_and_picking_it_returns_to_the_list(capsys):
    """The list showed such a call's outcome as if readable and picking it ended with exit 1:
    it is marked, picking it says why and asks again, and its file stays."""
    assert drive(pick("1") + pick("Keskinen") + CTRL_C)[0] == 130
    assert drive(pick("1") + pick("Pohjoinen") + CTRL_C)[0] == 130
    usable, newer = sorted(autosave.pending(), key=lambda p: p.data["outcome"])
    newer.path.write_text(newer.path.read_text().replace("format = 1\n", "format = 2\n", 1))
    at = usable.path.stat().st_mtime
    os.utime(usable.path, (at - 60, at - 60))  # the newer-version call is row 1, the cursor starts on row 2
    code, out = drive("1" + ENTER + ENTER + SKIP_FIELDS + QUIT, resume=True)
    assert code == 0, out + capsys.readouterr().err
    assert "Tätä puhelua ei voi jatkaa" in out and "'format' = 2" in out and "jää ennalleen" in out
    assert out.count("Keskeytettyjä puheluita on 2") == 2  # the list again after the refusal
    assert "keskinenvp.terapiasopimukset@kela.fi" in out  # then Enter opened the usable call
    assert newer.path.exists() and [p.call_id for p in autosave.pending()] == [newer.call_id]


def test_peru_in_the_resume_list_and_takaisin_in_change_answer_go_back(capsys):
    """questionary returns a choice's title for a None value: "← Peru" was taken for a call id
    (exit 2) and "← Takaisin" for a question id (a crash, exit 70)."""
    assert drive(pick("1") + pick("Keskinen") + CTRL_C)[0] == 130
    assert drive(pick("1") + pick("Pohjoinen") + CTRL_C)[0] == 130
    code, out = drive(pick("Peru"), resume=True)
    assert code == 0 and "Ei jatkettu" in out, capsys.readouterr().err
    assert len(autosave.pending()) == 2
    change = pick("Muuta") + pick("Takaisin")
    code, out = drive(pick("1") + pick("Itäinen") + SKIP_FIELDS + change + QUIT)
    assert code == 0, capsys.readouterr().err  # back at the action menu, where "Lopeta" ends the call


def test_two_digits_pick_choice_ten_and_up():
    from wizard.prompt_ui.widgets import _build

    choices = [(f"vaihtoehto {chr(97 + i)}", i) for i in range(12)]
    with create_pipe_input() as pipe:
        pipe.send_text("12" + ENTER)
        question = _build(PromptIO(pipe, DummyOutput()), "Valitse", choices, (), None, "(numero)")
        assert question.unsafe_ask() == 11
    with create_pipe_input() as pipe:
        pipe.send_text("3" + ENTER)
        assert _build(PromptIO(pipe, DummyOutput()), "Valitse", choices, (), None, "(numero)").unsafe_ask() == 2


def test_the_resume_list_tells_time_as_the_drafts_date_does(monkeypatch):
    """No $TZ: Helsinki, as the .eml Date header (a server's UTC put a 06:12 call at 04:12)."""
    from datetime import UTC, datetime

    drive(pick("1") + pick("Keskinen") + CTRL_C)
    [entry] = autosave.pending()
    at = datetime(2026, 11, 29, 4, 12, tzinfo=UTC).timestamp()
    os.utime(entry.path, (at, at))
    monkeypatch.delenv("TZ", raising=False)
    [entry] = autosave.pending()
    assert entry.label(None, datetime(2026, 11, 29, 5, 0, tzinfo=UTC)).startswith("tänään 06:12")
    monkeypatch.setenv("TZ", "UTC")
    assert entry.label(None, datetime(2026, 11, 29, 5, 0, tzinfo=UTC)).startswith("tänään 04:12")


def test_resume_by_id_for_scripts(capsys):
    drive(pick("1") + pick("Pohjoinen") + CTRL_C)
    drive(pick("Muut") + CTRL_C)
    northern = next(c for c in saved_calls() if c.get("outcome") == "terapia_pohjoinen")["autosave"]["call_id"]
    code, out = drive(SKIP_FIELDS + QUIT, resume=northern)
    assert code == 0 and "pohjoinenvp.terapiasopimukset@kela.fi" in out and northern in out
    assert len(saved_calls()) == 1
    code, _ = drive("", resume="20261130-100000-abcdef")
    assert code == 1 and "ei löydy" in capsys.readouterr().err
    code, _ = drive("", resume="../../etc/passwd")
    assert code == 2 and "ei ole puhelun tunnus" in capsys.readouterr().err


def test_old_autosaves_are_offered_for_cleanup_never_removed_silently(capsys):
    drive(pick("1") + pick("Pohjoinen") + CTRL_C)
    drive(pick("Muut") + CTRL_C)
    old = next(p for p in autosave.pending() if p.data.get("outcome"))
    ten_days_ago = old.path.stat().st_mtime - 10 * 86400
    os.utime(old.path, (ten_days_ago, ten_days_ago))
    code, out = drive(CTRL_C)  # a plain start only mentions it
    assert "1 yli 7 päivää vanhoja" in out and len(saved_calls()) == 2
    # In the --resume list: "Poista" then "Ei" keeps it; "Poista" then "Kyllä" removes only the old one.
    code, out = drive(pick("Poista") + pick("Ei") + pick("Poista") + pick("Kyllä") + CTRL_C, resume=True)
    assert code == 130 and "Poistettiin 1 vanhaa" in out
    [left] = saved_calls()
    assert "outcome" not in left  # the recent call (stopped at a question) is still there


def test_a_failed_autosave_says_so_and_ctrl_c_does_not_claim_a_save(tmp_path: Path, monkeypatch, capsys):
    home = tmp_path / "home"
    home.mkdir()
    (home / "state").write_text("not a directory")  # the state directory cannot be made
    monkeypatch.setenv("KELA_OHJAUS_HOME", str(home))
    code, out = drive(pick("1") + pick("Keskinen") + "Oy" + ENTER + CTRL_C)
    assert code == 130
    assert out.count("AUTOMAATTINEN TALLENNUS EPÄONNISTUI") == 1  # said at once, not after every answer
    err = capsys.readouterr().err
    assert "tallessa" not in err and "EPÄONNISTUI" in err


def test_autosave_names_hold_only_a_checked_call_id(session):
    with pytest.raises(Exception, match="ei ole puhelun tunnus"):
        autosave.path_for("kuntoutus/../../x")
    session.call_id = "x/../../evil"
    with pytest.raises(Exception, match="ei ole puhelun tunnus"):
        autosave.save(session)
    assert autosave.valid_id(Session(session.flow).call_id)


def test_a_personal_code_kept_in_a_field_needs_a_yes_before_the_draft_is_saved(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    keys = pick("1") + pick("Etel") + ENTER * 5 + "asiakas 131052-308T" + ENTER + pick("Ei") + ENTER  # kept
    keys += pick("Tallenna .eml") + ENTER  # Enter takes the default: No
    code, out = drive(keys + QUIT_ANYWAY)
    assert code == 0
    assert "kentässä on henkilötunnus: Kuvaus asiasta" in out and "Ei tehty" in out
    assert not (tmp_path / "terapia_etelainen.eml").exists()


def test_a_personal_code_kept_in_a_field_needs_a_yes_before_the_draft_is_printed():
    keys = pick("1") + pick("Etel") + ENTER * 5 + "asiakas 131052-308T" + ENTER + pick("Ei") + ENTER  # kept
    keys += pick("Tulosta luonnos") + ENTER  # Enter takes the default: No
    code, out = drive(keys + QUIT_ANYWAY)
    assert code == 0
    assert "kentässä on henkilötunnus: Kuvaus asiasta" in out and "Ei tehty" in out
    assert "131052-308T" not in out.split("Ei tehty")[-1]  # nothing printed after the refusal


def test_a_narrow_terminal_shortens_the_title_not_the_address():
    from wizard.prompt_ui.widgets import _fit

    tail = " → kuntoutus_tulkkaus_sopimuksenhallinta@kela.fi"
    fitted = _fit("2. Tulkkauksen sopimuskauden aikaiset muutokset (tulkkauspalveluntuottaja)", 54, tail)
    assert fitted.endswith(tail) and len(fitted) <= 54 and fitted.startswith("2.")


@pytest.mark.parametrize("keys", ["\x1b\r", "\x0f"], ids=["esc-enter", "ctrl-o"])
def test_keys_a_list_does_not_bind_never_end_the_call(keys: str):
    """Esc then Enter (Alt+Enter) or Ctrl-O in a list reached prompt_toolkit's hidden line
    editor under questionary's list, which answered with its empty text: the wizard took ""
    for a choice and crashed (exit 70). A list answers only with one of its choices."""
    code, out = drive(keys + pick("1") + pick("Itäinen") + SKIP_FIELDS + QUIT)
    assert code == 0, out
    assert "itainenvp.terapiasopimukset@kela.fi" in out


@pytest.mark.skipif(not os.path.exists("/usr/bin/tmux") and not os.environ.get("TMUX_BIN"), reason="tmux missing")
def test_standard_output_to_a_file_is_named_as_the_missing_terminal(tmp_path: Path):
    """`wizard > file` at a real terminal said 'stdin ei ole pääte', pointing at the wrong stream."""
    from .tmux import Tmux

    redirect = "import os, sys; os.dup2(os.open('out.txt', os.O_WRONLY | os.O_CREAT), 1)"
    argv = ["-c", f"{redirect}; from wizard.cli import main; sys.exit(main())", "wizard", "--no-log"]
    with Tmux(argv, home=tmp_path, width=80, height=24) as term:
        term.wait_for_exit(2)
        shown = term.screen().replace("\n", "")
        assert "stdout" in shown and "stdin ei ole pääte" not in shown, shown
