"""One autosave per call, shared by both front ends (wizard.autosave)."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
import tomli

from wizard import autosave
from wizard.engine import Session
from wizard.errors import InputError, UsageError
from wizard.model import Flow

from .helpers import fixed_clock


def test_two_sessions_have_two_files_and_ending_one_leaves_the_other(flow: Flow):
    first, second = Session(flow, clock=fixed_clock), Session(flow, clock=fixed_clock)
    first.jump_to("sopimus_tilat")
    second.jump_to("tekniset_katso")
    assert first.call_id != second.call_id and autosave.valid_id(first.call_id)
    assert autosave.save(first) is None and autosave.save(second, front_end="browse") is None
    assert {p.call_id for p in autosave.pending(flow.id)} == {first.call_id, second.call_id}
    autosave.clear(first)
    [left] = autosave.pending(flow.id)
    assert left.call_id == second.call_id and left.front_end == "browse"
    assert left.path.name == f"autosave-{second.call_id}.toml"  # the call id only, no data value
    assert left.path.stat().st_mode & 0o777 == 0o600


def test_resume_keeps_the_call_id_and_the_fields_asked(flow: Flow):
    session = Session(flow)
    session.jump_to("sopimus_tilat")
    session.set_field("provider", "Kuntoutus Oy")
    autosave.save(session, fields_asked=("provider", "business_id"))
    resumed = autosave.load(flow, session.call_id)
    assert resumed.session.call_id == session.call_id
    assert resumed.session.via == "resume" and resumed.fields_asked == ("provider", "business_id")
    assert resumed.session.fields["provider"] == "Kuntoutus Oy"


def test_start_again_keeps_the_caller_and_clears_the_matter_new_call_gets_a_new_id(session: Session):
    for key, value in {"provider": "Oy", "email": "a@b.fi", "description": "asia", "notes": "oma"}.items():
        session.set_field(key, value)
    call = session.call_id
    session.restart()
    assert session.fields["provider"] == "Oy" and session.fields["email"] == "a@b.fi"
    assert session.fields["description"] == "" and session.fields["notes"] == ""
    assert session.call_id == call  # the same call
    session.restart(keep_fields=False)
    assert not any(session.fields.values()) and session.call_id != call


def test_ids_are_checked_before_they_become_paths(flow: Flow):
    for bad in ("../x", "kuntoutus", "20261130-100000-ABCDEF", "20261130-100000-abcdef/..", ""):
        with pytest.raises(UsageError):
            autosave.path_for(bad)
    with pytest.raises(InputError, match="ei löydy"):
        autosave.load(flow, "20261130-100000-abcdef")


def test_other_files_in_the_state_directory_are_left_alone(flow: Flow):
    state = autosave.state_dir()
    state.mkdir(parents=True, exist_ok=True)
    (state / "autosave-kuntoutus.toml").write_text("old shared autosave")  # the previous format
    (state / "autosave-20261130-100000-abcdef.toml").write_text("not toml [")
    entries = autosave.pending(flow.id)
    assert [e.call_id for e in entries] == ["20261130-100000-abcdef"] and entries[0].data is None
    assert autosave.count_pending() == (1, 0)
    assert (state / "autosave-kuntoutus.toml").exists()


def test_stale_ones_are_found_not_removed(flow: Flow):
    session = Session(flow)
    session.jump_to("chat")
    autosave.save(session)
    path = autosave.path_for(session.call_id)
    old = path.stat().st_mtime - 8 * 86400
    os.utime(path, (old, old))
    assert autosave.count_pending() == (1, 1)
    assert [p.call_id for p in autosave.stale(autosave.pending())] == [session.call_id]
    assert path.exists()


async def test_the_saver_does_not_block_the_caller_and_writes_the_latest(flow: Flow):
    changes: list[str | None] = []
    saver = autosave.Saver("browse", changes.append)
    session = Session(flow)
    path = autosave.path_for(session.call_id)
    session.choose("muut_palvelut")
    saver.request(session)
    assert not path.exists()  # request() returned before any write: painting never waits for an fsync
    session.choose("sopimusmuutokset")
    saver.request(session)
    session.jump_to("sopimus_remontti")
    saver.request(session)
    while saver._task is not None and not saver._task.done():
        await asyncio.sleep(0.01)
    saved = tomli.loads(path.read_text(encoding="utf-8"))
    assert saved["outcome"] == "sopimus_remontti" and saved["autosave"]["front_end"] == "browse"
    assert changes == []  # no failure to report
    saver.clear(session)
    assert not path.exists()


async def test_the_saver_reports_a_failure_once_and_the_recovery(flow: Flow, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("KELA_OHJAUS_HOME", str(tmp_path))
    (tmp_path / "state").write_text("a file where the directory should be")
    changes: list[str | None] = []
    saver = autosave.Saver("browse", changes.append)
    session = Session(flow)
    session.choose("muut_palvelut")
    for _ in range(3):
        saver.request(session)
        await saver._task
    assert len(changes) == 1 and "EPÄONNISTUI" in changes[0]
    (tmp_path / "state").unlink()
    saver.request(session)
    await saver._task
    assert changes[-1] is None and autosave.path_for(session.call_id).exists()


async def test_a_write_in_flight_cannot_bring_back_a_cleared_call(flow: Flow):
    saver = autosave.Saver("browse")
    session = Session(flow)
    session.choose("muut_palvelut")
    saver.request(session)
    saver.clear(session)  # the call ended before the thread wrote
    await saver._task
    assert not autosave.path_for(session.call_id).exists()


async def test_browse_resume_picker_lists_the_calls_and_returns_the_pick(flow: Flow):
    from wizard.tui.screens.resume import ResumePicker

    sessions = []
    for outcome in ("sopimus_tilat", "tekniset_katso"):
        session = Session(flow)
        session.jump_to(outcome)
        autosave.save(session, front_end="browse")
        sessions.append(session)
    entries = autosave.pending(flow.id)
    app = ResumePicker(flow, entries)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        shown = " ".join(str(o.prompt) for o in app.query_one("#calls").options)  # type: ignore[attr-defined]
        assert "Tilojen muutokset" in shown and "KATSO-tunnistautuminen" in shown
        await pilot.press("down", "enter")
    assert app.return_value == entries[1].call_id


def test_browse_resume_by_id(flow: Flow):
    from wizard.tui.screens.resume import resume_call

    session = Session(flow)
    session.jump_to("tekniset_katso")
    autosave.save(session, front_end="browse")
    other = Session(flow)
    other.jump_to("chat")
    autosave.save(other)
    resumed = resume_call(flow, session.call_id)
    assert resumed is not None and resumed.session.outcome.id == "tekniset_katso"
    with pytest.raises(InputError, match="Ei keskeytettyä"):
        for entry in autosave.pending():
            autosave.remove(entry.call_id)
        resume_call(flow, True)


def _two_calls_one_from_a_newer_version(flow: Flow) -> tuple[autosave.Pending, autosave.Pending]:
    """Two interrupted calls; the newer one's file says `format = 2` (a later kela-ohjaus wrote it)."""
    calls = []
    for outcome, age in (("sopimus_tilat", 120), ("tekniset_katso", 60)):
        session = Session(flow)
        session.jump_to(outcome)
        autosave.save(session, front_end="browse")
        path = autosave.path_for(session.call_id)
        at = path.stat().st_mtime - age
        os.utime(path, (at, at))
        calls.append(session.call_id)
    future = autosave.path_for(calls[1])
    future.write_text(future.read_text().replace("format = 1\n", "format = 2\n", 1))
    os.utime(future, (future.stat().st_mtime - 60,) * 2)
    newer, usable = autosave.pending(flow.id)
    assert (newer.call_id, usable.call_id) == (calls[1], calls[0])
    return newer, usable


async def test_browse_resume_marks_a_call_it_cannot_continue_and_stays_in_the_list(flow: Flow):
    """Picking an autosave from a newer version ended `browse --resume` with exit 1, and the list
    showed its outcome as if it could be opened: it is marked with why, and picking it says so."""
    from textual.widgets import Label, OptionList

    from wizard.tui.screens.resume import ResumePicker

    newer, usable = _two_calls_one_from_a_newer_version(flow)
    app = ResumePicker(flow, autosave.pending(flow.id))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        calls = app.query_one("#calls", OptionList)
        rows = [str(o.prompt) for o in calls.options]
        assert rows[0].startswith("EI VOI JATKAA") and "tehty uudemmalla versiolla" in rows[0]
        assert "KATSO" not in rows[0] and "Tilojen muutokset" in rows[1]
        assert calls.highlighted == 1  # the cursor starts on the call that can be continued
        await pilot.press("up", "enter")
        await pilot.pause()
        assert app.is_running and app.return_value is None
        said = str(app.query_one("#confirm", Label).render())
        assert "Tätä puhelua ei voi jatkaa" in said and "'format' = 2" in said and "jää ennalleen" in said
        await pilot.press("down", "enter")
    assert app.return_value == usable.call_id
    assert newer.path.exists()


def test_resume_opens_nothing_it_cannot_read_and_keeps_the_file(flow: Flow):
    from wizard.tui.screens.resume import resume_call

    newer, usable = _two_calls_one_from_a_newer_version(flow)
    autosave.remove(usable.call_id)
    with pytest.raises(InputError, match=r"'format' = 2.*uudemmalla"):
        resume_call(flow, True)
    assert newer.path.exists()
    [left] = autosave.pending(flow.id)
    assert left.label(flow, left.saved).startswith("EI VOI JATKAA · ")
    assert left.problem(flow) is not None and str(newer.path) in left.problem(flow)[1]


def test_a_call_that_cannot_be_continued_is_never_offered_for_removal(flow: Flow):
    """A newer kela-ohjaus can still open it: "remove the old ones" leaves it alone."""
    from wizard.tui.screens.resume import ResumePicker

    newer, usable = _two_calls_one_from_a_newer_version(flow)
    for entry in (newer, usable):
        ten_days_ago = entry.path.stat().st_mtime - 10 * 86400
        os.utime(entry.path, (ten_days_ago, ten_days_ago))
    entries = autosave.pending(flow.id)
    assert [p.call_id for p in ResumePicker(flow, entries).old()] == [usable.call_id]
