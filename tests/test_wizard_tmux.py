"""The wizard in a real terminal (tmux), keys at human speed (20 ms), at 80x24 and 120x35.

Each test drives the installed screens and reads what is shown, as an agent on a call would.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

from .tmux import Tmux

pytestmark = pytest.mark.skipif(
    not os.path.exists("/usr/bin/tmux") and not os.environ.get("TMUX_BIN"), reason="tmux missing"
)

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 35), id="120x35")]
WIZARD = ["-m", "wizard", "wizard", "--no-log"]


def wizard(home: Path, size: tuple[int, int], *extra: str) -> Tmux:
    return Tmux([*WIZARD, *extra], home=home, width=size[0], height=size[1])


def last_line(screen: str) -> str:
    return [line for line in screen.splitlines() if line.strip()][-1]


def wait_last(term: Tmux, *texts: str, timeout: float = 15.0) -> str:
    """Wait until one of `texts` is on the last non-empty line: the prompt now waiting, not an old one above."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        screen = term.screen()
        if screen.strip() and any(text in last_line(screen) for text in texts):
            return screen
        time.sleep(0.1)
    raise AssertionError(f"none of {texts!r} on the last line after {timeout}s:\n{term.screen()}")


def history(term: Tmux) -> str:
    """The whole pane, scrollback included: what has been shown so far, in order."""
    return subprocess.run(
        [*term.tmux, "capture-pane", "-p", "-S", "-", "-t", term.name], capture_output=True, text=True, check=True
    ).stdout


def wait_count(term: Tmux, text: str, count: int, timeout: float = 15.0) -> str:
    """Wait until `text` has been shown `count` times: a prompt asked again, not the old one still on screen."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if history(term).count(text) >= count:
            return term.screen()
        time.sleep(0.1)
    raise AssertionError(f"{text!r} not shown {count} times after {timeout}s:\n{history(term)[-3000:]}")


def answer(term: Tmux, text: str) -> None:
    term.type(text, enter=True)


def to_western_district_fields(term: Tmux) -> None:
    """From the first question to the first field of the western district's therapy outcome."""
    term.wait_for("Mitä yhteydenottosi koskee?")
    answer(term, "1")
    term.wait_for("Minkä Kelan vakuutuspiirin")
    answer(term, "Länt")
    term.wait_for("Palveluntuottajan nimi")


@pytest.mark.parametrize("size", SIZES)
def test_a_filter_matching_nothing_does_not_advance(tmp_path: Path, size):
    with wizard(tmp_path, size) as term:
        term.wait_for("Mitä yhteydenottosi koskee?")
        term.type("tulkki", enter=True)
        # The whole word, not "Ei osumia": "tulk" already matches nothing, and under load the
        # screen can be caught with the word half drawn.
        screen = term.wait_for("Ei osumia: ”tulkki”")
        assert "Backspace palauttaa listan" in screen
        assert "Minkä Kelan vakuutuspiirin" not in term.screen()  # Enter did not pick option 1
        for _ in "tulkki":
            term.keys("BSpace")
        screen = term.wait_for("4. Yleinen kysymys")
        assert "Ei osumia" not in screen and "1. Vaativan" in screen
        term.keys("C-c")
        term.wait_for_exit(130)


@pytest.mark.parametrize("size", SIZES)
def test_start_again_asks_the_description_again(tmp_path: Path, size):
    with wizard(tmp_path, size) as term:
        term.wait_for("Mitä yhteydenottosi koskee?")
        answer(term, "Muut")
        term.wait_for("Mitä kuntoutuspalveluihin")
        answer(term, "toimeenpano")
        term.wait_for("Kurssin peruminen")
        answer(term, "peruminen")
        for value in ("Kuntoutus Oy", "0246246-0", "Maija", "040 123", "m@example.fi"):
            term.wait_for("› ")
            answer(term, value)
        term.wait_for("Kuvaus asiasta")
        answer(term, "Syksyn kurssille tuli liian vähän hakijoita")
        term.wait_for("Omat muistiinpanot")
        term.keys("Enter")
        term.wait_for("Mitä tehdään?")
        answer(term, "Aloita")
        restarted = term.wait_for("Mitä yhteydenottosi koskee?")
        answer(term, "Hae")
        term.wait_for("Soittajan omin sanoin")
        answer(term, "katso tunnistautuminen")
        term.wait_for("Valitse osuma")
        term.keys("Enter")
        term.wait_for("Valitse osuma: 1. KATSO")  # shown once the hit is picked
        # The next prompt is the description again (old main went straight to the draft and its menu).
        screen = wait_last(term, "Kuvaus asiasta", "Lopeta", "Takaisin", "Aloita alusta")
        assert "Kuvaus asiasta" in last_line(screen), screen
        assert "Soittajan tiedot säilytettiin: Palveluntuottajan nimi, Y-tunnus" in restarted.replace("\n", " ")
        answer(term, "KATSO-tunnus ei toimi")
        # Each wait is for the prompt asked this time: the first call's prompts may still be on screen.
        wait_count(term, "Omat muistiinpanot", 2)
        term.keys("Enter")
        wait_count(term, "Mitä tehdään?", 2)
        answer(term, "Tulosta")
        wait_count(term, "KATSO-tunnus ei toimi", 2)  # the printed draft (its body is checked in test_wizard.py)
        wait_count(term, "Mitä tehdään?", 3)  # back at the menu, ready for a key
        assert "Syksyn kurssille" not in history(term).split("Soittajan omin sanoin", 1)[1]
        term.keys("C-c")
        term.wait_for_exit(130)


@pytest.mark.parametrize("size", SIZES)
def test_ctrl_c_mid_fields_then_resume_asks_the_next_field(tmp_path: Path, size):
    with wizard(tmp_path, size) as term:
        to_western_district_fields(term)
        answer(term, "Kuntoutus Oy")
        term.wait_for("Y-tunnus")
        answer(term, "0246246-0")
        term.wait_for("Yhteyshenkilö")
        term.keys("C-c")
        term.wait_for_exit(130)
        assert "Vastaukset tallessa" in term.screen()
        with wizard(tmp_path, size, "--resume") as resumed:  # opened before the first pane closes
            screen = resumed.wait_for("Yhteyshenkilö")
            assert "Jatketaan keskeytettyä puhelua" in screen
            assert "Yhteyshenkilö" in last_line(screen)  # the next unanswered field, not the draft
            assert "Luonnos" not in screen and "Mitä tehdään?" not in screen
            answer(resumed, "Maija")
            for _ in range(4):
                resumed.keys("Enter")
            screen = resumed.wait_for("Mitä tehdään?")
            assert "lantinenvp.terapiasopimukset@kela.fi" in screen
            answer(resumed, "Lopeta")
            resumed.wait_for("Lopetetaanko puhelu?")  # typed fields, never copied or saved: asked first
            answer(resumed, "Kyllä")
            resumed.wait_for_exit(0)


@pytest.mark.parametrize("size", SIZES)
def test_two_wizards_one_killed_resume_restores_the_killed_one(tmp_path: Path, size):
    with wizard(tmp_path, size) as first, wizard(tmp_path, size) as second:
        first.wait_for("Mitä yhteydenottosi koskee?")
        second.wait_for("Mitä yhteydenottosi koskee?")
        answer(first, "Muut")
        first.wait_for("Mitä kuntoutuspalveluihin")
        answer(first, "sopimuskauden")
        first.wait_for("Toimiiko palveluntuottaja sopimuskaudella")
        answer(first, "Sopimuskausi")
        first.wait_for("Mikä sopimuskauden aikainen muutos")
        answer(second, "1")
        second.wait_for("Minkä Kelan vakuutuspiirin")
        pid = first.program_pid()
        assert pid, "the first wizard is not running"
        os.kill(pid, signal.SIGKILL)
        first.wait_for_exit(137)
        second.status.unlink()  # both panes record their exit in the same home: clear the first one's
        answer(second, "Pohj")
        second.wait_for("Palveluntuottajan nimi")
        for _ in range(7):
            second.keys("Enter")
        second.wait_for("Mitä tehdään?")
        answer(second, "Lopeta")
        second.wait_for_exit(0)
        # Started while the other panes still exist: closing the last session would stop the tmux
        # server, and a session opened at that moment can meet the server on its way out.
        with wizard(tmp_path, size, "--resume") as term:
            screen = term.wait_for("Mikä sopimuskauden aikainen muutos")
            assert "Jatketaan keskeytettyä puhelua" in screen
            answer(term, "Vakava")
            screen = term.wait_for("Palveluntuottajan nimi")
            assert "kuntoutus_sopimushallinta@kela.fi" in screen
            term.keys("C-c")
            term.wait_for_exit(130)


@pytest.mark.parametrize("size", SIZES)
def test_the_action_menu_keeps_the_address_and_what_to_say_in_view(tmp_path: Path, size):
    with wizard(tmp_path, size) as term:
        to_western_district_fields(term)
        for _ in range(7):
            term.keys("Enter")
        screen = term.wait_for("Mitä tehdään?")
        assert "Sähköposti: lantinenvp.terapiasopimukset@kela.fi" in screen
        assert "Sanottuna: lantinenvp piste terapiasopimukset ät kela piste fi" in screen
        assert "Kerro soittajalle:" in screen
        width = size[0]
        assert all(len(line.rstrip()) <= width for line in screen.splitlines())
        answer(term, "Lopeta")
        term.wait_for_exit(0)


def test_no_color_in_a_real_terminal(tmp_path: Path):
    argv = ["-c", "import os, sys; os.environ['NO_COLOR'] = '1'; from wizard.cli import main; sys.exit(main())"]
    with Tmux([*argv, "wizard", "--no-log"], home=tmp_path, width=80, height=24) as term:
        term.wait_for("Mitä yhteydenottosi koskee?")
        styled = subprocess.run(
            [*term.tmux, "capture-pane", "-e", "-p", "-t", term.name], capture_output=True, text=True, check=True
        ).stdout
        # SGR colour parameters: 30-38, 40-48, 90-97, 100-107 (39 and 49, the defaults, are no colour).
        colours = {str(n) for n in [*range(30, 39), *range(40, 49), *range(90, 98), *range(100, 108)]}
        used = {p for params in re.findall(r"\x1b\[([0-9;]*)m", styled) for p in params.split(";")}
        assert "Mitä yhteydenottosi koskee?" in styled and not used & colours, used
        term.keys("C-c")
        term.wait_for_exit(130)


@pytest.mark.parametrize("size", [pytest.param((80, 24), id="80x24"), pytest.param((60, 20), id="60x20")])
def test_a_question_longer_than_the_terminal_is_wrapped_not_cut(tmp_path: Path, size):
    with wizard(tmp_path, size) as term:
        first = term.wait_for("Mitä yhteydenottosi koskee?")
        assert "valitsee)" in term.wait_for("valitsee)")  # the instruction too, never cut as "valitse/e)"
        assert all(len(line) <= size[0] for line in first.splitlines())
        answer(term, "3")
        term.wait_for("Ajankohtaistiedotteet ja palveluntuottajien ohjeet")
        answer(term, "sopimus")
        screen = term.wait_for("Toimiiko palveluntuottaja")
        # prompt_toolkit does not wrap the question line: the end of the question was cut off
        assert "rekisteröitymismenettelyssä?" in term.wait_for("rekisteröitymismenettelyssä?")
        assert all(len(line) <= size[0] for line in screen.splitlines())
        term.keys("C-c")
        term.wait_for_exit(130)


def test_sigterm_keeps_the_answers_gives_the_terminal_back_and_says_how_to_resume(tmp_path: Path):
    """A session manager or `kill` ends the wizard with SIGTERM. The answers were kept, but the
    terminal was left raw (no echo, no line editing) and nothing said how to go on."""
    with wizard(tmp_path, (80, 24)) as term:
        term.wait_for("Mitä yhteydenottosi koskee?")
        answer(term, "Muut")
        term.wait_for("Mitä kuntoutuspalveluihin")
        [saved] = (tmp_path / "state").glob("autosave-*.toml")
        call_id = saved.stem.removeprefix("autosave-")
        pid = term.program_pid()
        assert pid, "the wizard is not running"
        os.kill(pid, signal.SIGTERM)
        term.wait_for_exit(143)
        assert f"kela-ohjaus wizard --resume {call_id}" in term.screen().replace("\n", "")  # wrapped at 80
        assert term.terminal_restored()
        assert 'option = "muut_palvelut"' in saved.read_text(encoding="utf-8")


@pytest.mark.parametrize("size", [pytest.param((80, 24), id="80x24"), pytest.param((60, 20), id="60x20")])
def test_a_field_error_is_wrapped_not_cut(tmp_path: Path, size):
    """prompt_toolkit showed a validation message in one line: at 60 columns the phone's ended
    "…välilyöntejä, +," and the Y-tunnus's "…väliviiva"."""
    with wizard(tmp_path, size) as term:
        to_western_district_fields(term)
        term.keys("Enter")  # the provider's name: skipped
        term.wait_for("Y-tunnus")
        answer(term, "123")
        screen = term.wait_for("Y-tunnuksen muoto")
        assert "tarkistusnumero)." in term.wait_for("tarkistusnumero).")
        assert all(len(line) <= size[0] for line in screen.splitlines())
        for _ in "123":
            term.keys("BSpace")
        term.keys("Enter")
        term.wait_for("Yhteyshenkilö")
        term.keys("Enter")
        term.wait_for("Puhelin")
        answer(term, "12ab")
        term.wait_for("Puhelinnumerossa saa olla")
        screen = term.wait_for("ja sulkeita.")
        assert all(len(line) <= size[0] for line in screen.splitlines())
        term.keys("C-c")
        term.wait_for_exit(130)
