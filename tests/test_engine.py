"""The engine: moves, the recorded path, and GOV.UK-style answer changes."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wizard.engine import Session
from wizard.errors import InputError
from wizard.model import Flow, Question
from wizard.record import from_record, to_record

from .helpers import FIXED_NOW, fixed_clock


def walk(session: Session, *options: str) -> None:
    for option in options:
        session.choose(option)


def test_starts_at_the_root(session: Session):
    assert session.current_id == "aihe"
    assert session.path == []
    assert not session.finished


def test_district_path_reaches_the_district_address(session: Session):
    walk(session, "vaativa_terapiat", "lantinen")
    assert session.outcome.id == "terapia_lantinen"
    assert session.draft().to == "lantinenvp.terapiasopimukset@kela.fi"
    answer = session.path[0]
    assert (answer.node, answer.option) == ("aihe", "vaativa_terapiat")
    assert answer.label == "Vaativan lääkinnällisen kuntoutuksen terapiat"
    assert answer.at == FIXED_NOW.isoformat()


@pytest.mark.parametrize(
    ("options", "outcome"),
    [
        (("psykoterapia", "muu"), "psykoterapia_muu"),
        (("muut_palvelut", "aikataulut", "ei_onnistu"), "toimeenpano_siirtaminen"),
        (("muut_palvelut", "aikataulut", "itse"), "extranet_itse"),
        (("muut_palvelut", "esivalinta"), "esivalinta"),
        (("muut_palvelut", "tulkkaus", "tulkkauspalveluntuottaja"), "tulkkaus_sopimusmuutokset"),
        (("muut_palvelut", "tulkkaus", "kuntoutuspalveluntuottaja", "kohdentaminen"), "tulkkaus_kohdentaminen"),
        (("yleinen", "chat"), "chat"),
    ],
)
def test_next_node(session: Session, options, outcome):
    walk(session, *options)
    assert session.outcome.id == outcome


def test_back_undoes_the_last_answer(session: Session):
    walk(session, "muut_palvelut", "sopimusmuutokset")
    session.back()
    assert session.current_id == "muut_aihe"
    session.back()
    session.back()  # at the root: stays
    assert session.current_id == "aihe" and session.path == []


def test_restart_keeps_fields_new_call_clears_them(session: Session):
    walk(session, "yleinen", "chat")
    session.set_field("provider", "Oy")
    session.restart()
    assert session.current_id == "aihe" and session.fields["provider"] == "Oy"
    session.restart(keep_fields=False)
    assert session.fields["provider"] == ""


def test_jump_to_fills_in_the_canonical_path(session: Session):
    session.jump_to("sopimus_remontti")
    assert [(a.node, a.option) for a in session.path] == [
        ("aihe", "muut_palvelut"),
        ("muut_aihe", "sopimusmuutokset"),
        ("menettely", "sopimuskausi"),
        ("sopimusmuutos_aihe", "remontti"),
    ]
    assert session.via == "search"
    assert "Remontit, korjaus- ja perusparannustyöt" in [label for _, label in session.draft().path]


def test_change_keeps_later_answers_that_still_apply(session: Session):
    walk(session, "muut_palvelut", "tulkkaus", "kuntoutuspalveluntuottaja", "ongelmat")
    # Change who asks: the walk leaves the matter question behind...
    session.change("tulkkaus_kuka", "tulkkauspalveluntuottaja")
    assert session.outcome.id == "tulkkaus_sopimusmuutokset"
    # ...and changing it back finds the matter answer still there.
    session.change("tulkkaus_kuka", "kuntoutuspalveluntuottaja")
    assert session.outcome.id == "tulkkaus_ongelmat"
    assert [a.node for a in session.path] == ["aihe", "muut_aihe", "tulkkaus_kuka", "tulkkaus_asia"]


def test_change_to_another_branch_asks_the_new_questions(session: Session):
    walk(session, "muut_palvelut", "sopimusmuutokset", "sopimuskausi", "remontti")
    session.change("aihe", "vaativa_terapiat")
    assert session.current_id == "vakuutuspiiri"
    assert [a.node for a in session.path] == ["aihe"]
    session.change("aihe", "muut_palvelut")
    assert session.outcome.id == "sopimus_remontti"


def test_back_forgets_dormant_answers(session: Session):
    walk(session, "muut_palvelut", "sopimusmuutokset", "sopimuskausi", "remontti")
    session.change("aihe", "vaativa_terapiat")
    session.back()
    session.choose("muut_palvelut")
    assert session.current_id == "muut_aihe"


def test_follow_takes_a_non_canonical_route(session: Session):
    route = [("aihe", "muut_palvelut"), ("muut_aihe", "aikataulut"), ("aikataulu_muutos", "ei_onnistu")]
    session.follow(route)
    assert session.outcome.id == "toimeenpano_siirtaminen"
    assert [(a.node, a.option) for a in session.path] == route
    with pytest.raises(InputError):
        session.follow([("muut_aihe", "aikataulut")])  # does not start at the root


def test_invalid_moves_raise_input_error(session: Session):
    with pytest.raises(InputError):
        session.choose("nope")
    with pytest.raises(InputError):
        session.change("vakuutuspiiri", "etelainen")  # not answered yet
    with pytest.raises(InputError):
        session.jump_to("nowhere")
    with pytest.raises(InputError):
        session.draft()
    with pytest.raises(InputError):
        session.set_field("password", "x")


# ---------------------------------------------------------------- properties

moves = st.lists(
    st.tuples(st.sampled_from(["choose", "back", "restart", "change", "jump"]), st.integers(0, 1000)),
    max_size=30,
)


def _check_invariants(session: Session, flow: Flow) -> None:
    node = flow.root
    for answer in session.path:
        assert answer.node == node
        question = flow.questions[node]
        option = question.option(answer.option)
        assert option is not None and option.label == answer.label
        node = option.next
    assert node == session.current_id
    assert flow.node(node) is not None


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(moves=moves)
def test_random_walks_keep_the_path_consistent(flow: Flow, moves):
    session = Session(flow, clock=fixed_clock)
    outcomes = sorted(flow.outcomes)
    for move, n in moves:
        current = session.current
        if move == "choose" and isinstance(current, Question):
            session.choose(current.options[n % len(current.options)].id)
        elif move == "back":
            session.back()
        elif move == "restart":
            session.restart()
        elif move == "change" and session.path:
            answer = session.path[n % len(session.path)]
            options = flow.questions[answer.node].options
            session.change(answer.node, options[n % len(options)].id)
        elif move == "jump":
            session.jump_to(outcomes[n % len(outcomes)])
        _check_invariants(session, flow)
        # A record of any state replays to the same place.
        replayed = from_record(flow, to_record(session)).session
        assert replayed.current_id == session.current_id
        assert [(a.node, a.option) for a in replayed.path] == [(a.node, a.option) for a in session.path]
