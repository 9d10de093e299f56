"""Free-text routing: measured accuracy on callers' phrasings, and hostile queries."""

from __future__ import annotations

import time
import tomllib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wizard.engine import Session
from wizard.model import Flow
from wizard.search import build_index, find, search

from .helpers import (
    CTRL_C,
    ENTER,
    FIXTURES,
    QUIT,
    SKIP_FIELDS,
    drive,
    fixed_clock,
    make_app,
    pick,
    run,
    seed_outcomes,
)

ADDRESS_OUTCOMES, OTHER_CHANNELS = seed_outcomes()

SCENARIOS = tomllib.loads((FIXTURES.parent / "search_scenarios.toml").read_text(encoding="utf-8"))["scenario"]


@pytest.fixture(scope="module")
def index(flow: Flow):
    return build_index(flow)


def test_scenarios_cover_every_address_and_channel(flow: Flow):
    assert len(SCENARIOS) >= 60
    wanted = {s["outcome"] for s in SCENARIOS}
    assert wanted <= set(flow.outcomes)
    for address, outcomes in ADDRESS_OUTCOMES.items():
        assert wanted & outcomes, f"no scenario reaches {address}"
    covered_kinds = {flow.contact_of(flow.outcomes[o]).kind for o in wanted}
    assert set(OTHER_CHANNELS.values()) <= covered_kinds


def measure(index, scenarios: list[dict]) -> tuple[int, int, list[str]]:
    """top-1 and top-3 counts. An ambiguous answer counts as right only when the right outcome is
    among the close hits whose question is offered instead of a guess. A scenario's optional `also`
    lists sibling outcomes of the same address that are equally right."""
    top1 = top3 = 0
    misses = []
    for scenario in scenarios:
        result = find(index, scenario["query"], 3)
        hits = [h.outcome for h in result.hits]
        want = scenario["outcome"]
        right = {want, *scenario.get("also", ())}
        if result.ambiguous:
            right1 = right3 = not right.isdisjoint(result.candidates)
        else:
            right1, right3 = hits[:1] != [] and hits[0] in right, not right.isdisjoint(hits)
        top1 += right1
        top3 += right3
        if not right1:
            shown = f"ask {result.question}: {list(result.candidates)}" if result.ambiguous else hits
            misses.append(f"  {scenario['query']!r}: want {want}, got {shown}")
    return top1, top3, misses


def unsure(index, scenarios: list[dict]) -> int:
    """How many answers are a question rather than a hit (reported: an agent needs a straight answer)."""
    return sum(find(index, scenario["query"], 3).ambiguous for scenario in scenarios)


def report(index, name: str, scenarios: list[dict], capsys, *, misses: bool) -> tuple[int, int, int]:
    """Print a set's figures (and its misses, for sets that are tuned on; never for held-out ones)."""
    top1, top3, missed = measure(index, scenarios)
    n = len(scenarios)
    with capsys.disabled():
        print(
            f"\n{name}: top-1 {top1}/{n} = {top1 / n:.1%}, top-3 {top3}/{n} = {top3 / n:.1%}",
            f"unsure {unsure(index, scenarios)}/{n}",
        )
        if misses:
            print("\n".join(missed))
    return top1, top3, n


def test_search_quality_bar(index, capsys):
    top1, top3, n = report(index, "search", SCENARIOS, capsys, misses=True)
    assert top1 / n >= 0.95
    assert top3 / n >= 0.99
    assert unsure(index, SCENARIOS) / n <= 0.15  # tidy phrasings mostly get a straight answer


HOLDOUT = tomllib.loads((FIXTURES.parent / "search_holdout.toml").read_text(encoding="utf-8"))["scenario"]


def test_held_out_phrasings(index, capsys):
    """Phrasings never used for tuning: the honest figure for new callers, guarded against regressions."""
    top1, top3, n = report(index, "held-out", HOLDOUT, capsys, misses=True)
    assert n >= 20
    assert top1 / n >= 0.8 and top3 / n >= 0.9


SPOKEN = tomllib.loads((FIXTURES.parent / "search_spoken_holdout.toml").read_text(encoding="utf-8"))["scenario"]


def test_spoken_held_out_phrasings(index, flow: Flow, capsys):
    """Spoken-style phrasings (issue 16), written before the ranking changed and NEVER tuned against:
    the figure is reported (misses not printed, so no one tunes on them) and guarded against regressions."""
    assert len(SPOKEN) >= 60 and {s["outcome"] for s in SPOKEN} <= set(flow.outcomes)
    top1, top3, n = report(index, "spoken held-out", SPOKEN, capsys, misses=False)
    assert top1 / n >= 0.85 and top3 / n >= 0.9


def test_hits_say_which_words_matched(index):
    hit = search(index, "laskuttajan vaihto", 1)[0]
    assert hit.outcome == "sopimus_laskuttaja"
    assert hit.matched and all(isinstance(w, str) for w in hit.matched)


@pytest.mark.parametrize("query", ["", "   ", "!!!", "?!.,;:", "\x00\x1b[31m", "ja tai on"])
def test_nothing_to_search_gives_no_hits(index, query):
    assert search(index, query) == []


def test_huge_query_answers_fast(index):
    query = "remontti " * 1200  # ~10,000 characters
    started = time.perf_counter()
    hits = search(index, query)
    assert time.perf_counter() - started < 2.0  # generous: a hang guard, not a benchmark
    assert hits[0].outcome == "sopimus_remontti"


def test_choosing_a_hit_fills_the_path(flow: Flow, index):
    hit = search(index, "tulkki ei tullut paikalle", 1)[0]
    session = Session(flow, clock=fixed_clock)
    session.jump_to(hit.outcome)
    assert session.outcome.id == "tulkkaus_ongelmat"
    assert len(session.path) == 4
    assert "Vieraan kielen tulkkaus kuntoutuksessa" in [label for _, label in session.draft().path]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_search_never_raises(flow: Flow, query: str):
    for hit in search(build_index_cached(flow), query, 5):
        assert hit.outcome in flow.outcomes and hit.score > 0


_CACHE: dict = {}


def build_index_cached(flow: Flow):
    if "ix" not in _CACHE:
        _CACHE["ix"] = build_index(flow)
    return _CACHE["ix"]


def test_a_very_deep_tree_loads_and_searches(tmp_path):
    """Deeper than Python's recursion limit: nothing in loading or indexing may recurse per level."""
    from wizard.loader import load

    depth = 1500
    parts = ['[flow]\nid = "syva"\ntitle = "Syvä"\nroot = "q0"\n']
    for level in range(depth):
        target = f"q{level + 1}" if level + 1 < depth else "loppu"
        parts.append(f'[question.q{level}]\ntext = "Taso {level}?"\n')
        parts.append(f'[[question.q{level}.option]]\nid = "v"\nlabel = "taso {level}"\nnext = "{target}"\n')
    parts.append('[outcome.loppu]\ntitle = "Pohjalla remontti"\ncontact = "mail"\nsubject = "Pohja"\n')
    template = (FIXTURES / "valid" / "flow.toml").read_text(encoding="utf-8")
    parts.append(template[template.index("[say]") :])
    flow_file = tmp_path / "syva.toml"
    flow_file.write_text("\n".join(parts), encoding="utf-8")
    flow = load(flow_file, FIXTURES / "valid" / "contacts.toml")
    assert len(flow.paths["loppu"]) == depth
    hits = search(build_index(flow), "remontti")
    assert hits[0].outcome == "loppu"


# ---------------------------------------------------------------- issue 16: spoken words, negation, unsure


def top(index, query: str) -> str:
    return search(index, query, 1)[0].outcome


def test_fillers_and_vague_words_match_nothing(index):
    """'menee' once matched AKVA ('ei mene läpi'); fillers, 'juttu', 'mennä' carry no routing meaning."""
    query = "hei tota meillä ois semmonen juttu et kuntoutuskeskuksen majoitussiipi menee peruskorjaukseen keväällä"
    hits = search(index, query, 5)
    assert hits[0].outcome == "sopimus_remontti"
    assert not any("mene" in word for hit in hits for word in hit.matched)
    assert search(index, "tota niinku semmonen juttu meillä ois, mennä") == []


@pytest.mark.parametrize("query", ["kesken", "keskustelu", "olemme tulkkausfirma ja yhteystiedot muuttuvat kesken"])
def test_a_short_word_never_reaches_a_district_name(index, query):
    """'kesken' stems to 'kesk', the stem of the district keyword 'keski': only whole words reach names."""
    assert all(not h.outcome.startswith("terapia_") for h in search(index, query, 10))


@pytest.mark.parametrize(
    ("query", "outcome"),
    [
        ("keskisen vakuutuspiirin terapiasopimus", "terapia_keskinen"),
        ("etelän vakuutuspiiri", "terapia_etelainen"),
        ("tulkin tilaus", "tulkkaus_tilaaminen"),  # tulkin ~ tulkki: a short stem's own inflection
        ("ei koske kursseja, yleinen kysymys eläkkeistä", "chat"),  # eläkkeistä ~ eläke: a long ending
    ],
)
def test_names_and_short_words_still_reach_their_own_forms(index, query, outcome):
    assert outcome in [h.outcome for h in search(index, query, 3)]


def test_a_dialect_word_is_not_fuzzy_matched_onto_a_topic(index):
    """'tarpeeks' (enough) once typo-matched 'tarpeeton' (the unneeded interpreter)."""
    assert top(index, "kurssille ei oo tullu tarpeeks hakijoita pitääkö se perua") == "toimeenpano_tayttyminen"


def test_ei_koske_excludes_what_follows(index):
    query = "Yleinen kysymys työttömyysetuuksista, ei koske yksittäistä asiakasta"
    assert top(index, query) == "chat"
    assert top(index, "ei koske kuntoutujaa, yleinen kysymys asumisen tuista") == "chat"


def test_self_service_ranks_first_unless_the_caller_says_it_failed(index):
    assert top(index, "Haluamme muuttaa kurssin aikataulua") == "extranet_itse"
    assert top(index, "kurssin yhteyshenkilö vaihtuu") == "extranet_itse"
    assert top(index, "kurssin aikataulua ei pysty muuttamaan extranetissä") == "toimeenpano_siirtaminen"
    assert top(index, "yritimme siirtää jakson extranetissä mutta se ei onnistunut") == "toimeenpano_siirtaminen"


@pytest.mark.parametrize(
    ("query", "outcome"),
    [
        ("AKVA-raportoinnin mittarit ovat epäselviä", "akva_mittarit"),
        ("palveluntuottajahaku ei löydä meidän toimipistettä", "tekniset_palveluntuottajahaku"),
    ],
)
def test_the_rare_specific_word_decides(index, query, outcome):
    assert top(index, query) == outcome


def test_unsure_between_addresses_asks_the_question_that_separates_them(index, flow: Flow):
    """'pääsen Kelan kuntoutuspsykoterapeutiksi' once went to the phone line before the qualifications
    address. Either the qualifications address is first, or the psychotherapy question is asked."""
    result = find(index, "olen valmistumassa psykoterapeutiksi, miten pääsen Kelan kuntoutuspsykoterapeutiksi", 3)
    first = flow.outcomes[result.hits[0].outcome]
    if result.ambiguous:
        assert result.question == "psykoterapia_asia"
        assert "psykoterapia_hakuprosessi" in result.candidates
        assert len({flow.outcomes[c].contact for c in result.candidates}) >= 2
    else:
        assert first.contact == "psykoterapia_patevyydet"


def test_ambiguous_result_names_a_question_on_every_candidates_path(index, flow: Flow):
    for query in ["tulkki", "extranet", "sopimus", "asiakas", "muutos", "kuntoutus", "terapia"]:
        result = find(index, query, 5)
        assert result.ambiguous and result.found, query
        assert result.question in flow.questions
        assert len(result.candidates) == len(result.options) >= 2
        assert len({flow.outcomes[c].contact for c in result.candidates}) >= 2
        for candidate, option in zip(result.candidates, result.options, strict=True):
            assert (result.question, option) in flow.paths[candidate], (query, candidate)
        assert set(result.candidates) <= {h.outcome for h in find(index, query, 10).hits}


def test_a_clear_query_is_not_ambiguous(index):
    result = find(index, "julkisivuremontti alkaa keväällä", 3)
    assert not result.ambiguous and result.question is None and result.found
    assert result.hits[0].outcome == "sopimus_remontti"


def test_nothing_useful_offers_the_top_level_question(index, flow: Flow):
    for query in ["kissa istuu puussa", "tota niinku", ""]:
        result = find(index, query, 3)
        assert not result.found and not result.ambiguous and result.question == flow.root


def test_pruning_changes_no_ranking(tmp_path):
    """Max-score pruning must pick exactly the top k that scoring every posting would."""
    import sys

    from wizard.loader import load

    sys.path.insert(0, str(FIXTURES.parent.parent / "bench"))
    try:
        from gen import generate, queries
    finally:
        sys.path.pop(0)
    big = load(*generate(tmp_path, 2000))
    big_index = build_index(big)
    for query in queries(150, seed=7):
        pruned = find(big_index, query, 5)
        full = find(big_index, query, 5, prune=False)
        assert [h.outcome for h in pruned.hits] == [h.outcome for h in full.hits], query
        assert pruned.ambiguous == full.ambiguous and pruned.question == full.question


def test_the_stemmer_is_really_loaded():
    """PyStemmer's public API: a missing or moved stemmer is an error, never silently no stemming."""
    from wizard.textnorm import stem

    assert stem("terapioiden") != "terapioiden"
    assert stem("itäisen") == stem("itäinen")


def test_find_json_marks_an_unsure_result_and_stays_a_list():
    import json

    hits = json.loads(run("find", "psykoterapeutti", "--json").stdout)
    assert isinstance(hits, list) and hits
    assert {"id", "title", "channel", "email", "path", "score", "matched"} <= hits[0].keys()
    assert all({"ambiguous", "question", "option"} <= h.keys() for h in hits)
    assert hits[0]["ambiguous"] is True and hits[0]["question"] == "psykoterapia_asia"
    clear = json.loads(run("find", "julkisivuremontti", "--json").stdout)
    assert clear[0]["ambiguous"] is False and clear[0]["question"] is None and clear[0]["option"] is None


def test_find_text_says_when_it_is_unsure_and_offers_the_question():
    unsure = run("find", "psykoterapeutti")
    out = unsure.stdout.decode()
    assert unsure.returncode == 0
    assert "Epävarma" in out and "Mitä kuntoutuspsykoterapiaa koskeva asiasi koskee?" in out
    nothing = run("find", "kissa", "istuu", "puussa")
    assert nothing.returncode == 1
    assert "Mitä yhteydenottosi koskee?" in nothing.stderr.decode()


def test_wizard_free_text_asks_the_separating_question_when_unsure():
    """The wizard offers the tree's question instead of a ranked guess, and the call goes on from it."""
    keys = pick("Hae vapaalla") + "psykoterapeutti" + ENTER + pick("Pätevöityminen")
    code, out = drive(keys + SKIP_FIELDS + QUIT)
    assert code == 0
    assert "Epävarma" in out
    assert "kuntoutuspsykoterapeuttien_patevyydet@kela.fi" in out
    assert "Polku: Kuntoutuspsykoterapia › Pätevöityminen" in out  # the path shown on screen


def test_wizard_marks_the_close_hits_options_and_starts_the_cursor_on_one(index, flow: Flow, monkeypatch):
    """An unsure search's question shows which options lead to the close hits (◆, with the hit named
    under the list) and Enter alone takes the first of them, not option 1."""
    from wizard.prompt_ui import app as wizard_app

    shown: list[list] = []
    original = wizard_app.select

    def recording(io, message, choices, *args, **kw):
        shown.append(list(choices))
        return original(io, message, choices, *args, **kw)

    monkeypatch.setattr(wizard_app, "select", recording)
    query = "tota meiän kylpyosasto remontoidaan"
    result = find(index, query, 5)
    assert result.ambiguous and result.question == "muut_aihe"
    options = flow.questions[result.question].options
    first = next(o for o in options if o.id in result.options)
    assert first != options[0]  # option 1 would be wrong here
    _, out = drive(pick("Hae vapaalla") + query + ENTER + ENTER + CTRL_C)
    assert "Epävarma haku" in out
    marked = [c for c in shown[-2] if c[0].startswith("◆ ")]  # the list before the next question's
    assert {c[1][1] for c in marked} == set(result.options) and all(c[2].startswith("Hakuosuma:") for c in marked)
    assert f"› {first.label}" in out.split("Epävarma haku")[-1]  # Enter alone answered with it


def test_wizard_free_text_with_a_clear_hit_still_jumps_to_it():
    code, out = drive(pick("Hae vapaalla") + "julkisivuremontti alkaa" + ENTER + ENTER + SKIP_FIELDS + QUIT)
    assert code == 0 and "Epävarma" not in out and "kuntoutus_sopimushallinta@kela.fi" in out


SPOKEN_DEV = tomllib.loads((FIXTURES.parent / "search_spoken_dev.toml").read_text(encoding="utf-8"))["scenario"]


def test_spoken_dev_phrasings(index, capsys):
    """The spoken-style set search is tuned on (issue 16): misses printed, guarded against regressions.

    Measured 92.2 / 97.4 before the blind-set work, 94.0 / 99.1 (109 and 115 of 116) after it, 96.6 / 100
    (112 and 116) after the second blind set's tuning, 96.6 / 99.1 (112 and 115, the guard) after the
    newcomer's calls were fixed ("tulkausta tarvitaan" lost its third place to the course outcomes)."""
    top1, top3, _ = report(index, "spoken dev", SPOKEN_DEV, capsys, misses=True)
    assert top1 >= 112 and top3 >= 115


async def test_browser_search_offers_the_separating_question_first(flow: Flow):
    """When unsure, the `/` box's first entry is the tree's question; Enter opens it, not a guess."""
    app = make_app(flow)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("slash", *"psykoterapeutti")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.session.outcome is None
        assert app.session.current_id == "psykoterapia_asia"
        assert [a.node for a in app.session.path] == ["aihe"]
        await pilot.press("slash", *"julkisivuremontti")  # a clear hit still opens the outcome
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.session.outcome.id == "sopimus_remontti"


def test_wizard_back_from_the_hit_list_continues_the_call():
    """'← Takaisin' in the hit list once came back as its own title and ended the call with exit 1."""
    keys = pick("Hae vapaalla") + "julkisivuremontti alkaa" + ENTER + pick("Takaisin")  # the hit list's last entry
    code, out = drive(keys + pick("1") + pick("Eteläinen") + ENTER * 7 + QUIT)
    assert code == 0, out
    assert "unknown node" not in out
    assert "etelainenvp.terapiasopimukset@kela.fi" in out


# ------------------------------------- registered providers (issue 18's branch) and words that name a branch

REGISTRATION_DEV = tomllib.loads((FIXTURES.parent / "search_registration_dev.toml").read_text(encoding="utf-8"))[
    "scenario"
]


def test_registration_dev_phrasings(index, flow: Flow, capsys):
    """The registration dev set (tuned on; the held-out one is tests/search_holdout_registration.toml)."""
    assert len(REGISTRATION_DEV) >= 20 and {s["outcome"] for s in REGISTRATION_DEV} <= set(flow.outcomes)
    top1, top3, n = report(index, "registration dev", REGISTRATION_DEV, capsys, misses=True)
    assert top1 / n >= 0.95 and top3 / n >= 0.99


@pytest.mark.parametrize(
    ("query", "registered", "contract"),
    [
        ("rekisteröitynyt yhtiö, toiminimi muutetaan osakeyhtiöksi", "rekisteri_yhtiomuoto", "sopimus_rakenne"),
        ("rekisteröitynyt firma myydään uudelle omistajalle", "rekisteri_liiketoiminta", "sopimus_rakenne"),
        ("rekisteröitynyt, laskuttajan vaihto", "rekisteri_itse", "sopimus_laskuttaja"),
    ],
)
def test_saying_registered_decides_between_the_two_branches(index, query, registered, contract):
    """'rekisteröitynyt' names the registration branch: a contract-period matter word (osakeyhtiö, myydään,
    laskuttaja) no longer pulls the caller to the contract-period outcome; without it, it does."""
    assert top(index, query) == registered
    without = query.split(",")[-1].replace("rekisteröitynyt ", "")
    assert top(index, without) == contract


@pytest.mark.parametrize(
    ("query", "outcome"),
    [
        ("toiminimi muutetaan osakeyhtiöksi", "sopimus_rakenne"),
        ("meidän firma myydään uudelle omistajalle", "sopimus_rakenne"),
        ("laskutaja muuttuu", "sopimus_laskuttaja"),
    ],
)
def test_the_contract_period_stays_the_default_when_the_branch_is_not_named(index, query, outcome):
    """The registered twins share these words; an outcome whose title names its branch ('Rekisteröityneen
    palveluntuottajan …') ranks below its contract-period peer unless the caller names the branch."""
    hits = search(index, query, 3)
    assert hits[0].outcome == outcome


def test_wanting_to_register_reaches_the_registration_question(index):
    """'rekisteröityä' (to register) is the data's own word for the registration question; its relatives
    ('rekisteröityneen', in every registered outcome's title) match it less well than the word itself."""
    assert top(index, "haluaisimme rekisteröityä palveluntuottajaksi, mistä aloitetaan") == "rekisteri_kysymys"
    assert top(index, "miten yritys rekisteröityy kelan kuntoutuspalvelujen tuottajaksi") == "rekisteri_kysymys"


def test_a_question_on_the_path_does_not_demote_its_outcomes(index):
    """Issue 18 put the registration question on sopimus_tilat's path and this phrasing fell to third.
    The path question itself costs ~1 % (its label lengthens the outcome's text); what mattered was the
    stemmer: 'vastaanotto' stems to 'vastaanoto' and so never reached the data's 'vastaanottotila'."""
    result = find(index, "vastaanotto siirtyy uuteen toimipisteeseen", 3)
    assert result.hits[0].outcome == "sopimus_tilat"
    assert "vastaanottotila" in result.hits[0].matched


def test_branch_words_come_from_the_data(index):
    """A word names a branch only when it sits in most of the branch's outcomes and in no sibling's."""
    branches = index.branches
    assert branches["rekisteroityny"][-1] == ("muut_aihe", "rekisteroityminen")
    assert "toimipist" not in branches  # in a registered and a contract-period outcome: decides nothing
    assert "palveluntuottaj" not in branches


# ---------------------------------------------------------------- routing v2 follow-up: general rules


def test_a_compound_the_data_lacks_is_no_relative_of_a_short_word_it_starts_with(index):
    """'kuntoutuslaitoksen' (a rehabilitation institution's) once matched 'kuntoutuja' (a rehabilitee) by
    word family, a rare word, so the confidential-data and research outcomes outranked the renovation."""
    result = find(index, "kuntoutuslaitoksen ruokasali remontoidaan", 5)
    assert {h.outcome for h in result.hits[:2]} == {"sopimus_remontti", "rekisteri_tilat"}
    assert "sopimus_remontti" in result.candidates  # the two renovation addresses: asked, not guessed
    assert all(h.score < 0.5 * result.hits[0].score for h in result.hits if "kuntoutujat" in h.matched)


@pytest.mark.parametrize(
    "query",
    [
        "remontoidaan ja se on suljettuna kuukauden",  # the data's "3 kuukautta" (a notice period) once won
        "tota remontti alkaa ens viikolla maanantaina",
        "remontti syksyllä, heti vuodenvaihteen jälkeen",
    ],
)
def test_when_something_happens_is_no_routing_word(index, query):
    hits = search(index, query, 3)
    assert hits[0].outcome in {"sopimus_remontti", "rekisteri_tilat"}
    assert not any(
        word.startswith(("kuukau", "viiko", "maanan", "syksy", "vuode")) for hit in hits for word in hit.matched
    )


def test_two_words_that_the_data_writes_as_one_compound_match_it(index):
    """'raportoinnin ohjeet' is the data's 'raportointiohje' (the AKVA further-information outcome)."""
    hit = search(index, "raportoinnin ohjeet on epäselvät", 1)[0]
    assert hit.outcome == "akva_lisatieto" and "raportointiohje" in hit.matched


@pytest.mark.parametrize(
    ("spoken", "written_form"),
    [("tarvittais", "tarvittaisiin"), ("järjestettäis", "järjestettäisiin"), ("kurssil", "kurssilla")],
)
def test_more_spoken_endings_are_written_out(spoken, written_form):
    from wizard.textnorm import written

    assert written(spoken) == written_form


@pytest.mark.parametrize(
    ("query", "outcome"),
    [
        ("putkiremontti haittaa kursseja", "sopimus_remontti"),  # "kursseja" alone is no "lisää kursseja"
        ("vanha sopimus päättyy ja uusi sopimuskausi alkaa", "toimeenpano_siirtymavaihe"),  # the phrase said
    ],
)
def test_a_word_of_a_keyword_phrase_says_less_alone(index, query, outcome):
    assert top(index, query) == outcome


def test_a_common_word_of_a_phrase_does_not_decide(index):
    """'yritys' alone once sent a company sale to the biller ('laskuttava yritys')."""
    assert top(index, "koko yritys siirtyy isommalle ketjulle") != "sopimus_laskuttaja"


def test_what_a_general_outcome_stands_for_is_not_taken_back(index):
    """'Muu …' stands for all of its contact's topics: excluding one of them ('ei koske perumista')
    once took it back from the very outcome such a caller needs."""
    assert top(index, "muu toimeenpanoon liittyvä asia, ei koske perumista eikä siirtoa") == "toimeenpano_muu"


# ---------------------------------------------------------------- the blind set's dev half

BLIND_DEV = tomllib.loads((FIXTURES.parent / "search_blind_dev.toml").read_text(encoding="utf-8"))["scenario"]


def test_also_lists_only_siblings_of_the_same_address(flow: Flow):
    for scenario in BLIND_DEV + SPOKEN_DEV:
        for other in scenario.get("also", ()):
            assert flow.outcomes[other].contact == flow.outcomes[scenario["outcome"]].contact, scenario["query"]


def test_blind_dev_phrasings(index, flow: Flow, capsys):
    """The even half of a blind set written from the seed and the outcome list by someone who had not
    seen the search code (the odd half is held out by the lead). Tuned on: misses printed. Main measured
    86.4 / 90.9 (57 and 60 of 66, with `also` counted); the guard is the figure reached here, 66 / 66."""
    assert len(BLIND_DEV) >= 60 and {s["outcome"] for s in BLIND_DEV} <= set(flow.outcomes)
    top1, top3, _ = report(index, "blind dev", BLIND_DEV, capsys, misses=True)
    assert top1 >= 66 and top3 >= 66


BLIND_HOLDOUT = tomllib.loads((FIXTURES.parent / "search_blind_holdout.toml").read_text(encoding="utf-8"))["scenario"]


def test_blind_held_out_phrasings(index, flow: Flow, capsys):
    """The odd half of the blind set, kept out of the repository while the search was tuned on the even
    half: the honest figure for callers no one tuned for. Reported, misses NOT printed (no one tunes on
    them), guarded against regressions. On the main before issue 16's follow-ups: 81.8 / 92.4 % (54 and
    61 of 66); after them: 84.8 / 93.9 % (56 and 62 of 66) — short of the issue's 95 / 99."""
    assert len(BLIND_HOLDOUT) >= 60 and {s["outcome"] for s in BLIND_HOLDOUT} <= set(flow.outcomes)
    assert not {s["query"] for s in BLIND_HOLDOUT} & {s["query"] for s in BLIND_DEV}
    top1, top3, _ = report(index, "blind held-out", BLIND_HOLDOUT, capsys, misses=False)
    assert top1 >= 56 and top3 >= 62


BLIND2_DEV = tomllib.loads((FIXTURES.parent / "search_blind2_dev.toml").read_text(encoding="utf-8"))["scenario"]
BLIND2_HOLDOUT = tomllib.loads((FIXTURES.parent / "search_blind2_holdout.toml").read_text(encoding="utf-8"))["scenario"]


def test_second_blind_dev_phrasings(index, flow: Flow, capsys):
    """A second blind set (360 of 720 phrasings, six writers who saw the outcome list but no keyword
    list and no code): tuned on, misses printed. Main at 51d1db1: 79.2 / 86.4 % (285 and 311 of 360);
    the guard is the figure reached by two rounds of tuning (327 and 349)."""
    assert len(BLIND2_DEV) >= 300 and {s["outcome"] for s in BLIND2_DEV} == set(flow.outcomes)
    top1, top3, _ = report(index, "second blind dev", BLIND2_DEV, capsys, misses=True)
    assert top1 >= 327 and top3 >= 349


def test_second_blind_held_out_phrasings(index, flow: Flow, capsys):
    """The other 360: never tuned on, misses NOT printed. Main at 51d1db1: 82.8 / 88.6 % (298 and 319 of
    360); after two rounds of tuning on the dev part: 89.2 / 96.1 % (321 and 346); after the newcomer's
    calls were fixed: 88.9 / 96.9 % (320 and 349, the guard) — short of issue 16's 95 / 99."""
    assert len(BLIND2_HOLDOUT) >= 300 and {s["outcome"] for s in BLIND2_HOLDOUT} == set(flow.outcomes)
    assert not {s["query"] for s in BLIND2_HOLDOUT} & {s["query"] for s in BLIND2_DEV + BLIND_DEV + SPOKEN_DEV}
    top1, top3, _ = report(index, "second blind held-out", BLIND2_HOLDOUT, capsys, misses=False)
    assert top1 >= 320 and top3 >= 349


def test_every_second_blind_also_names_a_sibling_of_the_same_address(flow: Flow):
    for scenario in BLIND2_DEV + BLIND2_HOLDOUT:
        assert scenario["outcome"] in flow.outcomes, scenario["query"]
        for other in scenario.get("also", ()):
            assert flow.outcomes[other].contact == flow.outcomes[scenario["outcome"]].contact, scenario["query"]


# ------------------------------------------- words the data lacks: spoken or typed forms, consonant gradation


@pytest.mark.parametrize(
    ("spoken", "written_form"),
    [
        ("rahotusta", "rahoitusta"),  # the i of -oi- dropped in speech
        ("itäsen", "itäisen"),
        ("vapaamuotonen", "vapaamuotoinen"),
        ("sairastu", "sairastui"),  # spoken past tense
        ("järjestään", "järjestämään"),  # spoken -maan infinitive
        ("tyoikasille", "työikäisille"),  # typed without ä/ö, and the dropped i
    ],
)
def test_a_spoken_or_typed_form_offers_its_written_word(spoken, written_form):
    from wizard.textnorm import variants

    assert written_form in variants(spoken)


@pytest.mark.parametrize(
    ("query", "outcome"),
    [
        ("itäsen piirin terapiasopimus päättyy", "terapia_itainen"),  # once a question between all five districts
        ("tulkaus tilataan ens viikolle", "tulkkaus_tilaaminen"),  # tulkaus ~ tulkkaus: a lost double letter
        ("AKVA mitarit on sekasin", "akva_mittarit"),
    ],
)
def test_a_word_the_data_lacks_reaches_the_word_it_stands_for(index, query, outcome):
    result = find(index, query, 3)
    assert not result.ambiguous and result.hits[0].outcome == outcome


def test_one_consonant_grade_apart():
    from wizard.search import _graded

    assert "tulkkaus" in _graded("tulkaus") and "mittar" in _graded("mitar")
    assert "kengä" in _graded("kenkä") or "kenga" in _graded("kenka")
    assert _graded("tila") == []  # short stems match only whole words


@pytest.mark.parametrize(
    ("query", "outcome"),
    [
        ("yritys myydään toiselle, palvelumme on rekisteröity kelaan", "rekisteri_liiketoiminta"),
        ("uusi fysioterapeutti tulossa töihin, ollaan rekisteröity tuottaja", "rekisteri_henkilosto"),
    ],
)
def test_registered_said_as_a_participle_names_the_registration_branch(index, query, outcome):
    """'rekisteröity' stems as the data's 'rekisteröityä' (to register), not as 'rekisteröitynyt', the word
    that names the registration branch; a close relative of a branch word names the branch too."""
    result = find(index, query, 3)
    assert not result.ambiguous and result.hits[0].outcome == outcome


def test_what_a_negated_modal_says_cannot_be_done_is_a_failure_of_that_matter(index):
    """'ei pystytä järjestämään' (cannot be arranged) is the data's 'ei järjestetä' (a cancellation), not only
    the 'ei pysty' of a schedule change that failed in Extranet."""
    from wizard.textnorm import UNABLE, query_terms

    assert ("jarjestam", "jarjestamaan", UNABLE) in query_terms("kurssia ei pystytä järjestämään")
    assert top(index, "meiän kevään kurssia ei pystytä järjestään ollenkaan") == "toimeenpano_peruminen"
    assert top(index, "kurssin aikataulua ei pysty muuttamaan extranetissä") == "toimeenpano_siirtaminen"
    assert top(index, "tulkki ei saapunut paikalle") == "tulkkaus_ongelmat"  # "saapunut" is no modal "saa"


# ---------------------------------------------------------------- the second blind set (five writers' styles)


@pytest.mark.parametrize(
    ("query", "excluded"),
    [
        ("psykoterapeutti kysyy asiakkaan jatkohakemuksesta, ei pätevyysasia", "patevyysasia"),  # "ei X" + noun
        ("ei pätevyysasia vaan asiakkaan päätös", "patevyysasia"),  # "ei X vaan Y"
        ("ei siis peruta, kohderyhmä muuttuu", "peruta"),  # "ei siis X": a clarification
        ("kysymys koskee yhtä asiakasta, ei siis mikään yleinen juttu", "yleinen"),  # "ei mikään X"
    ],
)
def test_what_a_caller_says_the_matter_is_not_is_excluded(query, excluded):
    from wizard.textnorm import EXCLUDED, query_terms

    assert (excluded, EXCLUDED) in [(surface, kind) for _, surface, kind in query_terms(query)]


def test_a_hedge_is_no_exclusion():
    """'en oo ihan varma miten …' once excluded everything after it up to the full stop ("ei oo X")."""
    from wizard.textnorm import EXCLUDED, query_terms

    terms = query_terms("mää en oo ihan varma missä vaiheessa tiedot pitää toimittaa Kelaan")
    assert all(kind != EXCLUDED for _, _, kind in terms)
    assert "toimittaa" in [surface for _, surface, _ in terms]


def test_an_adverb_between_the_negation_and_its_verb_is_skipped():
    """'ei oo vielä tullu' is a failure of 'tullu', as 'ei oo tullu' is."""
    from wizard.textnorm import FAILED, query_terms

    assert ("tullut", FAILED) in [(surface, kind) for _, surface, kind in query_terms("tulkki ei oo vielä tullu")]


def test_dialect_pronouns_and_hedges_carry_no_routing_meaning():
    from wizard.textnorm import query_terms

    assert query_terms("mie ja myö tehhään ni keltä mä kysyn, en tiedä, en oo varma") == []


def test_a_savo_j_for_d_is_read_as_the_written_word(index):
    """'remontoijaan' (remontoidaan) once matched nothing and a long story went to the therapies."""
    from wizard.textnorm import variants

    assert variants("remontoijaan")[0] == "remontoidaan"
    assert top(index, "meiän kuntoutuslaitoksella remontoijaan allasosasto") in {"sopimus_remontti", "rekisteri_tilat"}


def test_notifying_names_no_branch(index):
    """Every caller says 'ilmoittaa'; the therapies' keyword 'ilmoitus' once made it decide the first
    question, so a renovation story was sent to the five therapy districts."""
    query = "kuntoutuslaitoksella remontoidaan allasosasto, tehdään Kelan sopimuksella kursseja, pitääkö ilmoittaa"
    result = find(index, query, 3)
    assert not result.hits[0].outcome.startswith("terapia_")
    assert "ilmoit" not in index.branches and "ilmoitus" not in index.branches


def test_words_naming_two_options_of_one_question_cancel_there(index):
    """'vaativan … fysioterapian' names the therapies, 'palvelukuvaus' the service descriptions: a caller
    asking how the therapies' service description reads was sent to the five districts."""
    query = (
        "vaativan lääkinnällisen kuntoutuksen fysioterapiaa, saako terapian antaa etänä palvelukuvauksen mukaan,"
        " ei oo sopimusmuutos vaan tulkintakysymys"
    )
    result = find(index, query, 3)
    assert "palvelukuvaus_terapiat" in ([*result.candidates] if result.ambiguous else [result.hits[0].outcome])


@pytest.mark.parametrize(
    "query",
    [
        "remontoidaan allasosasto, tässä on Kelan sopimus, ei rekisteröinti",  # a negated branch name
        "omistaja myy osakkeet, ei oo rekisteröitymisjuttu vaan kilpailutettu sopimus",  # "…juttu" is no participle
    ],
)
def test_the_branch_a_caller_says_it_is_not_steps_back(index, query):
    assert not top(index, query).startswith("rekisteri_")


def test_ei_kyse_x_excludes_x():
    from wizard.textnorm import EXCLUDED, query_terms

    terms = query_terms("ei siis kysymys mittareista vaan siitä lähettämisestä")
    assert ("mittareista", EXCLUDED) in [(surface, kind) for _, surface, kind in terms]


# ---------------------------------------------------------------- a newcomer's calls (fifth session)


@pytest.mark.parametrize(
    ("query", "outcome"),
    [
        # one client's application: the phone line, not a question under "Muut kuntoutuspalvelut"
        ("asiakas kysyy et miks sen kuntoutushakemus on vielä kesken", "viranomaislinja"),
        ("tulkkaus peruttava", "tulkkaus_tarpeeton"),
        # the seed's self-service step first, and no question about it
        ("kurssin alkamispäivä siirtyy viikolla", "extranet_itse"),
        ("kurssin aikataulu muuttuu", "extranet_itse"),
    ],
)
def test_a_newcomers_calls_reach_their_outcome(index, query, outcome):
    result = find(index, query, 3)
    assert result.hits[0].outcome == outcome and not result.ambiguous


def test_a_registered_providers_renovation_goes_to_the_registration_address(index, flow: Flow):
    """'rekisteröity' is the participle (registered), not the infinitive 'rekisteröityä' (to register): the
    newcomer's registered provider got 'Kysymys rekisteröitymisestä' confidently. The first hit is now a
    registered provider's matter (the same address as 'Rekisteröityneen … tilojen muutos'); which of them
    is still a guess: 'putkiremontti' is only in the contract period's 'Remontit'."""
    hit = search(index, "ollaan rekisteröity palveluntuottaja ja meillä alkaa putkiremontti", 1)[0]
    assert hit.outcome != "rekisteri_kysymys"
    assert flow.outcomes[hit.outcome].contact == flow.outcomes["rekisteri_tilat"].contact


def test_a_general_outcome_does_not_stand_for_a_topic_conditional_on_a_failure(index):
    """'Muu … toimeenpanoon liittyvä asia' once matched 'aikataulujen' through its contact's topic
    '… jos jaksojen aikataulujen muuttaminen ei onnistu Extranetissä', so a plain schedule change became
    a question between it and the Extranet self-service."""
    assert "toimeenpano_muu" not in [h.outcome for h in search(index, "kurssin aikataulu muuttuu", 3)]


def test_a_benefit_question_is_the_general_branch(index):
    result = find(index, "paljonko kela maksaa kuntoutusrahaa", 3)
    assert "chat" in ([*result.candidates] if result.ambiguous else [result.hits[0].outcome])
