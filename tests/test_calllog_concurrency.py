"""The call log is shared by every process that finishes a call: the tabs of
`kela-ohjaus serve` above all, which may open a brand-new log at the same moment."""

from __future__ import annotations

import multiprocessing
import sqlite3

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
