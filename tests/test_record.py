"""Records: TOML written with tomli-w, replayed against the current or a changed tree."""

from __future__ import annotations

import pytest
import tomli
import tomli_w

from wizard.engine import Session
from wizard.errors import InputError
from wizard.model import Flow, Option, Question
from wizard.record import dumps, from_record, to_record

from .helpers import fixed_clock


def _finished(flow: Flow) -> Session:
    session = Session(flow, clock=fixed_clock)
    for option in ("muut_palvelut", "sopimusmuutokset", "sopimuskausi", "laskuttaja"):
        session.choose(option)
    session.set_field("provider", "Oy Esimerkki Ab")
    return session


def test_record_contents(flow: Flow):
    record = tomli.loads(dumps(_finished(flow)))
    assert record["flow"] == {"id": "kuntoutus", "hash": flow.content_hash, "data_version": flow.data_version}
    assert record["outcome"] == "sopimus_laskuttaja"
    assert record["answers"]["sopimusmuutos_aihe"]["option"] == "laskuttaja"
    assert record["answers"]["aihe"]["at"] == "2026-11-30T10:00:00+00:00"
    assert record["fields"] == {"provider": "Oy Esimerkki Ab"}


def test_replay_rebuilds_the_same_draft(flow: Flow):
    session = _finished(flow)
    replayed = from_record(flow, tomli.loads(dumps(session)))
    assert replayed.notices == []
    again = replayed.session
    again.clock = fixed_clock
    assert again.draft().body == session.draft().body


def _with_options(flow: Flow, qid: str, options: tuple[Option, ...]) -> Flow:
    questions = dict(flow.questions)
    questions[qid] = questions[qid]._replace(options=options)
    return flow._replace(questions=questions, content_hash="changed00000")


def test_replay_on_a_changed_tree_says_so_and_still_replays(flow: Flow):
    record = to_record(_finished(flow))
    reordered = tuple(reversed(flow.questions["sopimusmuutos_aihe"].options))
    changed = _with_options(flow, "sopimusmuutos_aihe", reordered)
    replayed = from_record(changed, record)
    assert replayed.session.outcome.id == "sopimus_laskuttaja"
    assert any("muuttunut" in n for n in replayed.notices)


def test_replay_fails_clearly_when_an_answer_no_longer_fits(flow: Flow):
    record = to_record(_finished(flow))
    without = tuple(o for o in flow.questions["sopimusmuutos_aihe"].options if o.id != "laskuttaja")
    with pytest.raises(InputError, match="ei enää ole vaihtoehtoa 'laskuttaja'"):
        from_record(_with_options(flow, "sopimusmuutos_aihe", without), record)


@pytest.mark.parametrize(
    "record",
    [
        {},
        {"flow": {"id": "other"}, "answers": {}},
        {"flow": {"id": "kuntoutus"}, "answers": {"nope": {"option": "x"}}},
        {"flow": {"id": "kuntoutus"}, "answers": {}, "fields": {"password": "x"}},
        {"flow": {"id": "kuntoutus"}, "answers": "x"},
    ],
)
def test_bad_records_raise_input_error(flow: Flow, record):
    with pytest.raises(InputError):
        from_record(flow, record)


def test_record_is_plain_toml(flow: Flow):
    text = dumps(_finished(flow))
    assert tomli_w.dumps(tomli.loads(text)) == text
    assert isinstance(flow.questions["aihe"], Question)


@pytest.mark.parametrize("record", [{}, {"answers": {}}, {"flow": {"hash": "x"}, "answers": {}}])
def test_a_record_without_a_tree_says_so_not_none(flow: Flow, record):
    """An empty record said "tallenne on päätöspuusta 'None'": Python's None, not a Finnish reason."""
    with pytest.raises(InputError) as caught:
        from_record(flow, record, source="r.toml")
    assert "None" not in str(caught.value) and "[flow]" in str(caught.value), str(caught.value)
