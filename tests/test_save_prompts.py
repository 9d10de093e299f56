"""The front ends' save prompts with file names that cannot be used (issue 15): asked again, never exit 70."""

from __future__ import annotations

from pathlib import Path

from .helpers import ENTER, QUIT, SKIP_FIELDS, drive, make_app, pick

CLEAR = "\x15"  # Ctrl-U: empty the prompt's suggested name


def test_wizard_save_prompt_asks_again_for_an_unusable_name(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "kansio").mkdir()
    keys = pick("1") + pick("Keskinen") + SKIP_FIELDS + pick("Tallenna .eml")
    for bad in ("a" * 300 + ".eml", "~eikayttajaa/x.eml", "kansio", "/dev/null"):
        keys += CLEAR + bad + ENTER
    keys += CLEAR + "hyva.eml" + ENTER
    code, out = drive(keys + QUIT)
    assert code == 0
    assert "liian pitkä" in out and "eikayttajaa" in out and "on hakemisto" in out
    assert "ei ole tavallinen tiedosto" in out
    assert out.count("Anna toinen nimi") == 4
    assert (tmp_path / "hyva.eml").read_bytes().startswith(b"To: keskinenvp.terapiasopimukset@kela.fi")


async def test_browser_save_prompt_asks_again_for_an_unusable_name(flow, tmp_path: Path):
    from textual.widgets import Input

    from wizard.tui.screens.dialogs import FileNameScreen

    app = make_app(flow, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        app.open_outcome("akva_mittarit")
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        for bad, why in (
            ("a" * 300 + ".eml", "liian pitkä"),
            ("~eikayttajaa/x.eml", "eikayttajaa"),
            (str(tmp_path), "on hakemisto"),
            ("/dev/null", "ei ole tavallinen tiedosto"),
        ):
            assert isinstance(app.screen, FileNameScreen)
            app.screen.query_one(Input).value = bad
            await pilot.press("enter")
            await pilot.pause()
            assert why in app.screen.title_text  # the dialog, asked again, says why
        assert isinstance(app.screen, FileNameScreen)  # still asking, the call goes on
        app.screen.query_one(Input).value = str(tmp_path / "hyva.eml")
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, FileNameScreen)
    assert app.crash is None
    assert (tmp_path / "hyva.eml").read_bytes().startswith(b"To: tulos@kela.fi")
    assert stat_mode(tmp_path / "hyva.eml") == 0o600


def stat_mode(path: Path) -> int:
    return path.stat().st_mode & 0o777
