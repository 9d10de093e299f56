"""The call log: one row per call without field values, schema migrations, and under stress
(issue 15): atomic migrations, concurrent first use, broken logs."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from wizard import calllog
from wizard.calllog import MIGRATIONS, SCHEMA_VERSION, CallLogError, connect, log_call
from wizard.engine import Session
from wizard.model import Flow
from wizard.stats import collect

from .helpers import QUIT, SKIP_FIELDS, drive, fixed_clock, pick, run

# Each process waits for the start file, then logs its calls as fast as it can.
WORKER = """
import os, sys, time
from wizard.calllog import log_call
from wizard.engine import Session
from wizard.locate import load_default
flow = load_default()
start, db, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
while not os.path.exists(start):
    time.sleep(0.001)
from pathlib import Path
failures = 0
for _ in range(count):
    session = Session(flow)
    session.jump_to("sopimus_remontti", via="steps")
    if log_call(session, path=Path(db)) is not None:
        failures += 1
print(failures)
"""


def test_twelve_processes_logging_their_first_call_at_once_keep_every_row(tmp_path: Path):
    db = tmp_path / "log" / "calls.sqlite3"
    start = tmp_path / "go"
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(start), str(db), "30"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(12)
    ]
    start.touch()
    outputs = [worker.communicate(timeout=300) for worker in workers]
    assert all(worker.returncode == 0 for worker in workers), [err.decode() for _, err in outputs]
    assert [out.strip() for out, _ in outputs] == [b"0"] * 12
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM calls").fetchone()[0] == 360
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_migration_that_fails_halfway_leaves_the_old_schema(tmp_path: Path, monkeypatch):
    db = tmp_path / "calls.sqlite3"
    conn = connect(db)
    conn.close()
    with sqlite3.connect(db) as raw:  # back to version 1, as a log from the first release
        raw.executescript(
            "DROP TABLE calls; " + calllog.MIGRATIONS[0] + "; PRAGMA user_version = 1; DROP INDEX IF EXISTS x;"
        )
    broken = calllog.MIGRATIONS[1].replace("CREATE INDEX calls_finished", "CREATE INDEX no_such_table.x")
    monkeypatch.setattr(calllog, "MIGRATIONS", [calllog.MIGRATIONS[0], broken])
    with pytest.raises(CallLogError):
        connect(db)
    with sqlite3.connect(db) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == 1
        columns = [row[1] for row in raw.execute("PRAGMA table_info(calls)")]
    assert "via" not in columns  # the ALTERs before the failure were rolled back too


def _session(flow: Flow) -> Session:
    session = Session(flow, clock=fixed_clock)
    session.jump_to("sopimus_remontti", via="steps")
    return session


def test_a_log_that_cannot_be_written_is_reported_once(flow: Flow, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(calllog, "_reported", False)
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")  # the log's directory is a file: nothing can be created under it
    path = blocker / "calls.sqlite3"
    first = log_call(_session(flow), path=path)
    assert first and "puhelulokiin" in first and str(blocker) in first
    assert log_call(_session(flow), path=path) is None  # said once; the call goes on either way


def test_a_working_log_reports_nothing(flow: Flow, tmp_path: Path):
    assert log_call(_session(flow), path=tmp_path / "calls.sqlite3") is None


def _stats_with_log(tmp_path: Path, make) -> tuple[int, str]:
    home = tmp_path / "home"
    db = home / "data" / "calls.sqlite3"
    db.parent.mkdir(parents=True)
    make(db)
    result = run("stats", home=home)
    return result.returncode, result.stderr.decode()


def _newer(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA user_version = 99")


def _corrupt(db: Path) -> None:
    db.write_bytes(b"this is not a database at all" * 100)


def _foreign(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE calls (something TEXT)")


def _unreadable(db: Path) -> None:
    db.mkdir()  # a directory where the log should be


def _negative_version(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA user_version = -5")  # was IndexError: exit 70


def _fifo(db: Path) -> None:
    os.mkfifo(db)  # was "levy on täynnä" (disk full)


def _link_to_a_device(db: Path) -> None:
    db.symlink_to("/dev/zero")


@pytest.mark.parametrize("make", [_newer, _corrupt, _foreign, _unreadable, _negative_version, _fifo, _link_to_a_device])
def test_stats_on_a_broken_log_names_the_file_and_exits_1(tmp_path: Path, make):
    code, err = _stats_with_log(tmp_path, make)
    assert code == 1
    assert "calls.sqlite3" in err and "puheluloki" in err
    assert "levy on täynnä" not in err and "tietokantavirhe" not in err, err
    assert len(err.strip().splitlines()) == 1


def test_a_log_that_is_not_a_regular_file_is_reported_not_written_through(flow: Flow, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(calllog, "_reported", False)
    target = tmp_path / "elsewhere.sqlite3"
    db = tmp_path / "calls.sqlite3"
    db.symlink_to(target)
    session = Session(flow)
    session.jump_to("sopimus_remontti", via="steps")
    notice = log_call(session, path=db)
    assert notice and "calls.sqlite3" in notice
    assert not target.exists()


def test_a_newer_log_says_to_update(tmp_path: Path):
    _, err = _stats_with_log(tmp_path, _newer)
    assert "99" in err and "Päivitä" in err


def test_stats_since_takes_only_an_iso_date():
    assert run("stats", "--since", "20261101").returncode == 2
    assert run("stats", "--since", "2026-11-01").returncode == 0


def test_stats_on_a_missing_log_is_empty(tmp_path: Path):
    assert collect(path=tmp_path / "none.sqlite3")["calls"] == 0
    assert not (tmp_path / "none.sqlite3").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_stats_on_an_unreadable_log(tmp_path: Path):
    def unreadable(db: Path) -> None:
        connect(db).close()
        db.chmod(0)

    code, err = _stats_with_log(tmp_path, unreadable)
    assert code == 1 and "calls.sqlite3" in err


def test_the_wizard_says_once_that_the_log_cannot_be_written(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(calllog, "_reported", False)
    monkeypatch.setenv("KELA_OHJAUS_HOME", str(tmp_path))
    (tmp_path / "data").write_text("")  # the data directory is a file: no log can be made
    call = pick("1") + pick("Keskinen") + SKIP_FIELDS
    code, out = drive(call + pick("Uusi puhelu") + pick("Kyllä") + call + QUIT, no_log=False)
    assert code == 0
    assert out.count("Puhelua ei voitu kirjata puhelulokiin") == 1
    assert "keskinenvp.terapiasopimukset@kela.fi" in out


def test_an_io_error_is_not_called_a_full_disk():
    assert calllog.reason(sqlite3.OperationalError("disk I/O error")) != "levy on täynnä"
    assert calllog.reason(sqlite3.OperationalError("database or disk is full")) == "levy on täynnä"


def test_a_call_writes_one_row_without_field_values(flow: Flow, tmp_path: Path):
    db = tmp_path / "calls.sqlite3"
    session = Session(flow, clock=fixed_clock)
    for option in ("muut_palvelut", "sopimusmuutokset", "sopimuskausi", "remontti"):
        session.choose(option)
    secrets = {
        "provider": "Salainen Oy",
        "contact": "Maija Meikäläinen",
        "description": "Kuvausteksti 123",
        "notes": "muistio",
    }
    for key, value in secrets.items():
        session.set_field(key, value)
    log_call(session, path=db)
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT path, outcome, channel, steps, via, ended FROM calls").fetchall()
    assert rows == [
        (
            "aihe:muut_palvelut>muut_aihe:sopimusmuutokset>menettely:sopimuskausi>sopimusmuutos_aihe:remontti",
            "sopimus_remontti",
            "email",
            4,
            "steps",
            "finished",
        )
    ]
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    for value in secrets.values():
        assert value.encode() not in raw


def test_an_older_schema_is_migrated(flow: Flow, tmp_path: Path):
    db = tmp_path / "calls.sqlite3"
    with sqlite3.connect(db) as conn:
        conn.executescript(MIGRATIONS[0])
        conn.execute("PRAGMA user_version = 1")
        conn.execute(
            "INSERT INTO calls (started, finished, flow_id, flow_hash, path, outcome, channel, steps) "
            "VALUES ('2026-01-01T10:00:00+00:00', '2026-01-01T10:01:00+00:00', "
            "'kuntoutus', 'x', 'aihe:yleinen', 'chat', 'chat', 2)"
        )
    with connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("SELECT via, ended FROM calls").fetchone() == ("steps", "finished")
    assert collect(path=db)["calls"] == 1
