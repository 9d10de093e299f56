"""The Textual browser, driven with Pilot, plus SVG snapshots and one real terminal run."""

from __future__ import annotations

import os
from email import message_from_bytes
from email.policy import default
from pathlib import Path

import pytest
from textual.widgets import Button, Input, Static

from wizard.engine import Session
from wizard.model import Flow
from wizard.tui.app import KelaApp
from wizard.tui.screens.dialogs import ConfirmScreen, FileNameScreen
from wizard.tui.screens.main import MainScreen
from wizard.tui.widgets.flow_tree import FlowTree

from .conftest import fixed_clock


def make_app(flow: Flow, tmp_path: Path | None = None, **kw) -> KelaApp:
    # A fixed hash and clock keep snapshots about the screen, not about data edits.
    session = Session(flow._replace(content_hash="0123456789ab"), clock=fixed_clock)
    for key, value in kw.items():
        session.set_field(key, value)
    return KelaApp(session, save_dir=tmp_path or ".")


def text_of(app: KelaApp, widget_id: str) -> str:
    return str(app.screen.query_one(f"#{widget_id}", Static).render())


async def open_steps(pilot, app: KelaApp, *steps: tuple[str, str]) -> None:
    tree = app.screen.query_one(FlowTree)
    tree.reveal(tuple(steps))
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()


async def test_open_district_outcome_shows_its_address_in_the_draft(flow: Flow):
    app = make_app(flow)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_steps(pilot, app, ("aihe", "vaativa_terapiat"), ("vakuutuspiiri", "lantinen"))
        assert app.session.outcome.id == "terapia_lantinen"
        assert "Vastaanottaja: lantinenvp.terapiasopimukset@kela.fi" in text_of(app, "draft")
        assert "lantinenvp.terapiasopimukset@kela.fi" in text_of(app, "address")
        assert "Läntinen vakuutuspiiri" in text_of(app, "breadcrumb")


async def test_keys_and_a_jump_during_start_up_neither_crash_nor_get_lost(flow: Flow):
    """An agent may type before the first screen is built: nothing may raise, and
    an outcome opened then (e.g. from the palette) is what the screen shows."""
    from textual import events

    app = make_app(flow)
    seen: dict[str, object] = {}

    async def straight_away(pilot) -> None:  # runs when the app is ready, before the screen's widgets exist
        for key in ("slash", "e", "right", "left", "c", "s", "question_mark"):
            app.screen.post_message(events.Key(key, None))
        app.open_outcome("sopimus_remontti")
        await pilot.pause()
        seen["address"] = text_of(app, "address")
        seen["outcome"] = app.session.outcome.id if app.session.outcome else None
        await pilot.press("slash")  # once shown, keys work as usual
        seen["search_bar"] = bool(app.screen.query("#search-bar"))
        app.exit(0)

    await app.run_async(headless=True, size=(100, 30), auto_pilot=straight_away)
    assert app.crash is None and app.return_code == 0
    assert seen["outcome"] == "sopimus_remontti"
    assert "kuntoutus_sopimushallinta@kela.fi" in str(seen["address"])
    assert seen["search_bar"] is True


# Keys a hurried agent (or a paste into the wrong window) may send faster than the
# browser builds what the previous key asked for: the search bar and the fields form
# are mounted on first use, so "e e" or "/ /" can arrive before their inputs exist.
STORM_KEYS = [
    *("e", "e", "slash", "slash", "escape", "e", "escape", "escape", "slash", "a", "b", "enter"),
    *("down", "right", "left", "c", "a", "n", "question_mark", "escape", "r", "s", "escape"),
    *("tab", "shift+tab", "backspace", "right", "right", "down", "up", "enter", "1", "x", "ä", "space"),
]


@pytest.mark.parametrize("seed", range(6))
async def test_a_burst_of_keys_never_ends_the_call(flow: Flow, seed: int, tmp_path: Path):
    import random

    from textual import events

    app = make_app(flow, tmp_path)
    keys = random.Random(seed).choices(STORM_KEYS, k=100)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        for key in keys:  # posted at once, without waiting for the screen between keys
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        await pilot.pause()
        await pilot.pause()
        assert app.crash is None
        await pilot.press("escape", "escape", "escape")  # closes any dialog the storm opened
        assert app.is_running and isinstance(app.screen, MainScreen)
        assert app.session.current_id in flow.questions.keys() | flow.outcomes.keys()


async def test_arrow_keys_walk_the_tree(flow: Flow):
    app = make_app(flow)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("down", "right")  # open the first option
        assert app.session.current_id == "vakuutuspiiri"
        await pilot.press("left")  # back along the path
        assert app.session.current_id == "aihe"


async def test_search_remontti_enter_lands_on_the_outcome(flow: Flow):
    app = make_app(flow)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("slash", *"remontti")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.session.outcome.id == "sopimus_remontti"
        assert [a.node for a in app.session.path] == ["aihe", "muut_aihe", "menettely", "sopimusmuutos_aihe"]
        assert "kuntoutus_sopimushallinta@kela.fi" in text_of(app, "draft")
        assert not app.screen.query_one("#search-bar").display  # the box closes


async def test_search_arrows_pick_another_hit_and_escape_leaves(flow: Flow):
    app = make_app(flow)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("slash", *"tulkki")
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.session.outcome is not None and app.session.outcome.id.startswith("tulkkaus_")
        await pilot.press("slash", "x", "escape")
        assert not app.screen.query_one("#search-bar").display
        assert isinstance(app.focused, FlowTree)


async def test_command_palette_offers_the_same_hits(flow: Flow):
    app = make_app(flow)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"katso tunnarit")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert app.session.outcome.id == "tekniset_katso"


async def test_edit_fields_updates_the_draft_live(flow: Flow):
    app = make_app(flow)
    async with app.run_test(size=(100, 40)) as pilot:
        app.open_outcome("sopimus_tilat")
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        await pilot.press(*"Kuntoutus Oy")
        await pilot.pause()
        assert "Aihe: Sopimuskauden aikainen muutos: tilat – Kuntoutus Oy" in text_of(app, "draft")
        business_id = app.screen.query_one("#field-business_id", Input)
        business_id.value = "0246246-1"
        await pilot.pause()
        assert "Y-tunnus: [Y-tunnus]" in text_of(app, "draft")  # invalid never reaches it
        assert "tarkistusnumero" in text_of(app, "error-business_id")
        business_id.value = "0246246-0"
        await pilot.pause()
        assert "Y-tunnus: 0246246-0" in text_of(app, "draft")
        app.screen.query_one("#field-description", Input).value = "asiakas 131052-308T"
        await pilot.pause()
        assert app.screen.query_one("#hetu-warning").display
        app.screen.query_one("#remove-hetu", Button).press()
        await pilot.pause()
        assert "131052-308T" not in text_of(app, "draft")


async def test_save_eml_to_a_temp_dir_and_parse_it(flow: Flow, tmp_path: Path):
    app = make_app(flow, tmp_path, provider="Oy Esimerkki")
    async with app.run_test(size=(100, 30)) as pilot:
        app.open_outcome("akva_mittarit")
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, FileNameScreen)
        await pilot.press("enter")
        await pilot.pause()
        saved = tmp_path / "akva_mittarit.eml"
        msg = message_from_bytes(saved.read_bytes(), policy=default)
        assert msg["To"] == "tulos@kela.fi" and msg["X-Unsent"] == "1"
        assert saved.stat().st_mode & 0o777 == 0o600
        # A second save asks before overwriting; "Ei" keeps the file.
        saved.write_bytes(b"keep")
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert saved.read_bytes() == b"keep"


async def test_record_save(flow: Flow, tmp_path: Path):
    app = make_app(flow, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        app.open_outcome("hanke_haku")
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert 'outcome = "hanke_haku"' in (tmp_path / "hanke_haku.toml").read_text(encoding="utf-8")


async def test_back_and_new_call(flow: Flow):
    app = make_app(flow, provider="Oy")
    async with app.run_test(size=(100, 30)) as pilot:
        app.open_outcome("tulkkaus_ongelmat")
        await pilot.pause()
        await pilot.press("backspace")
        assert app.session.current_id == "tulkkaus_asia"
        await pilot.press("n")
        await pilot.pause()
        assert app.session.current_id == "aihe" and app.session.fields["provider"] == ""
        assert text_of(app, "breadcrumb") == "Alku"


async def test_copy_keys_use_the_app_clipboard(flow: Flow, monkeypatch):
    app = make_app(flow)
    copied: list[str] = []
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    async with app.run_test(size=(100, 30)) as pilot:
        app.open_outcome("tekniset_extranet")
        await pilot.pause()
        await pilot.press("a", "c")
        assert copied[0] == "kuntoutus_jarjestelmat@kela.fi"
        assert copied[1].startswith("Vastaanottaja: kuntoutus_jarjestelmat@kela.fi")


async def test_markup_in_data_and_fields_is_shown_literally(flow: Flow):
    questions = dict(flow.questions)
    first = questions["aihe"].options[0]
    questions["aihe"] = questions["aihe"]._replace(
        options=(first._replace(label="[b]x[/b]"), *questions["aihe"].options[1:])
    )
    app = make_app(flow._replace(questions=questions), provider="[red]Oy[/red]")
    async with app.run_test(size=(100, 30)) as pilot:
        tree = app.screen.query_one(FlowTree)
        assert any("[b]x[/b]" in str(node.label) for node in tree.root.children)
        await open_steps(pilot, app, ("aihe", "vaativa_terapiat"))
        assert "[b]x[/b]" in text_of(app, "breadcrumb")
        app.open_outcome("sopimus_tilat")
        await pilot.pause()
        assert "[red]Oy[/red]" in text_of(app, "draft")


@pytest.mark.parametrize(
    ("size", "narrow", "outcome", "address"),
    [
        ((80, 24), False, "tulkkaus_kohdentaminen", "kuntoutus_tulkkaus@kela.fi"),
        ((60, 20), True, "tulkkaus_sopimusmuutokset", "kuntoutus_tulkkaus_sopimuksenhallinta@kela.fi"),
    ],
)
async def test_opening_an_outcome_brings_its_address_into_view(flow: Flow, size, narrow, outcome, address):
    app = make_app(flow)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert app.screen.has_class("-narrow") is narrow  # below 80 columns the detail moves under the tree
        tree, detail = app.screen.query_one("#tree"), app.screen.query_one("#detail")
        assert (detail.region.y >= tree.region.bottom) is narrow
        app.open_outcome("kela_sivusto")  # scroll somewhere first
        await pilot.pause()
        app.open_outcome(outcome)
        await pilot.pause()
        shown = app.screen.query_one("#address")
        detail = app.screen.query_one("#detail")
        assert detail.region.y <= shown.region.y < detail.region.bottom  # visible inside the pane
        assert address in text_of(app, "address")
        assert "Kerro viestissä" in text_of(app, "say")


async def test_quit_exits_zero(flow: Flow):
    app = make_app(flow)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("q")
    assert app.return_code == 0


# ---------------------------------------------------------------- SVG snapshots


def test_snapshot_start_screen(flow: Flow, snap_compare):
    assert snap_compare(make_app(flow), terminal_size=(100, 30))


def test_snapshot_outcome_with_draft(flow: Flow, snap_compare):
    async def open_it(pilot):
        pilot.app.open_outcome("sopimus_remontti")
        await pilot.pause()

    assert snap_compare(make_app(flow, provider="Kuntoutus Oy"), terminal_size=(100, 40), run_before=open_it)


def test_snapshot_search_hits(flow: Flow, snap_compare):
    assert snap_compare(make_app(flow), press=["slash", *"tulkki"], terminal_size=(100, 30))


def test_snapshot_narrow(flow: Flow, snap_compare):
    async def open_it(pilot):
        pilot.app.open_outcome("terapia_pohjoinen")
        await pilot.pause()

    assert snap_compare(make_app(flow), terminal_size=(60, 20), run_before=open_it)


# ---------------------------------------------------------------- real terminal


@pytest.mark.skipif(not os.path.exists("/usr/bin/tmux"), reason="tmux missing")
def test_real_terminal_under_tmux(tmp_path: Path):
    from .tmux import Tmux

    with Tmux(["-m", "wizard", "browse", "--no-log"], home=tmp_path) as term:
        term.wait_for("Mitä yhteydenottosi koskee?")
        term.keys("/")
        term.wait_for("Hae soittajan sanoin")
        term.type("laskuttajan muutos")  # a clear query: an unsure one offers its question first
        term.wait_for("Laskuttajan muutos")
        term.keys("Enter")
        # The address is already in the hit list; the draft's recipient line shows only once the
        # outcome is open and the box closed. Waiting for the address let "q" reach the search box.
        term.wait_for("Vastaanottaja:")
        term.keys("q")
        term.wait_for_exit(0)


def test_a_crash_in_the_browser_exits_70_and_keeps_the_call(monkeypatch, tmp_path: Path, capsys):
    from wizard.cli import main
    from wizard.tui import app as tui_app

    monkeypatch.setenv("KELA_OHJAUS_HOME", str(tmp_path))
    monkeypatch.setattr(tui_app, "is_terminal", lambda: True)

    def crash_mid_call(self):  # what KelaApp._fatal_error leaves behind after an error
        self.session.jump_to("sopimus_tilat")
        self.crash = RuntimeError("boom")

    monkeypatch.setattr(tui_app.KelaApp, "run", crash_mid_call)
    assert main(["browse", "--no-log"]) == 70
    err = capsys.readouterr().err
    assert "Odottamaton virhe (RuntimeError)" in err and "Traceback" not in err
    assert list((tmp_path / "state").glob("crash-*.txt"))
    [saved] = (tmp_path / "state").glob("autosave-*.toml")
    assert 'outcome = "sopimus_tilat"' in saved.read_text(encoding="utf-8")


def test_browse_without_a_terminal_exits_2(capsys):
    from wizard.cli import main

    assert main(["browse"]) == 2
    assert "find" in capsys.readouterr().err
