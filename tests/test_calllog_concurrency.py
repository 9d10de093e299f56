"""The call log is shared by every process that finishes a call: the tabs of
`kela-ohjaus serve` above all, which may open a brand-new log at the same moment."""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading

from wizard import calllog
from wizard.engine import Session

PROCESSES = 8


def _log_one(barrier, session: Session) -> None:
    barrier.wait()  # all at once, on a log that does not exist yet
    calllog.log_call(session, "finished")


def test_many_processes_log_to_a_new_log_at_once(session: Session):
    session.jump_to("sopimus_remontti")
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(PROCESSES)
    workers = [context.Process(target=_log_one, args=(barrier, session)) for _ in range(PROCESSES)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert [worker.exitcode for worker in workers] == [0] * PROCESSES
    with sqlite3.connect(calllog.log_path()) as conn:
        rows = conn.execute("SELECT outcome FROM calls").fetchall()
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    assert rows == [("sopimus_remontti",)] * PROCESSES  # not one call lost
    assert version == calllog.SCHEMA_VERSION


def test_a_new_log_locked_by_another_process_waits_instead_of_losing_the_call(session: Session):
    """SQLite does not wait on the switch to WAL: with another process holding the write lock of
    a brand-new log, that call failed at once ("database is locked") and went unlogged, about
    one run in ten of the test above. Here the other process's lock is held deterministically."""
    session.jump_to("sopimus_remontti")
    path = calllog.log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # a brand-new file, its write lock held
    release = threading.Timer(0.3, lambda: other.execute("COMMIT"))
    release.start()
    try:
        assert calllog.log_call(session, "finished") is None  # no "Puhelua ei voitu kirjata" notice
    finally:
        release.join()
        other.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT outcome FROM calls").fetchall() == [("sopimus_remontti",)]
