"""The search index's build gives exactly what a plain build gives.

`build_index` shares work between outcomes (words inherited along a path once per question, a
contact's words once per contact) and `analyse_words` works per whitespace-separated piece; both
are there for speed only (issue 3: 10,000 nodes in 250 ms). The reference below does everything
the plain way, per outcome and per text, and the index must come out the same: every value, and
every dict in the same order (the order of the postings' stems is the order of the data cache's
marshal and of the candidates `find` tries).
"""

from __future__ import annotations

import marshal
import math
import sys
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wizard import textnorm
from wizard.loader import load
from wizard.model import Flow
from wizard.search import (
    BRANCH_COVER,
    K1,
    NEG,
    SHORT,
    W_CONTACT,
    W_KEYWORD,
    W_LABEL,
    W_PATH,
    W_PHRASE,
    W_TITLE,
    B,
    SearchIndex,
    build_index,
)

from .helpers import FIXTURES

# ------------------------------------------------------------------ the reference


def reference_tokens(text: str) -> list[tuple[str, int]]:
    """textnorm._tokens with every token of a text without negations read where it stands."""
    raw = textnorm._TOKEN.findall(text.lower())
    if not textnorm._NEGATIONS.isdisjoint(raw):
        return textnorm._tokens(text)  # the negation reading itself is not what the build changed
    tokens = []
    for token in raw:
        if token in textnorm._STOPS or textnorm._dropped(word := textnorm.written(token)):
            continue
        parts = textnorm._split(word)
        for part in parts:
            tokens.append((part, textnorm.JOINED if part is parts[-1] and len(parts) > 1 else textnorm.PLAIN))
    return tokens


def reference_words(text: str) -> list[tuple[str, str]]:
    """analyse_words as one pass over the whole text's tokens (main at 51d1db1)."""
    pairs = []
    for word, kind in reference_tokens(text):
        stemmed = textnorm.stem(word)
        if len(stemmed) >= 2:
            pairs.append((stemmed, word))
            if kind == textnorm.FAILED:
                pairs.append((NEG + stemmed, "ei " + word))
    return pairs


def reference_index(flow: Flow) -> tuple:
    """The index's plain form, built per outcome: every text analysed where it is used, every
    path's inherited words weighed from the root again."""
    outcomes = list(flow.outcomes)
    paths = [flow.paths.get(oid, ()) for oid in outcomes]

    def put(terms: dict, text: str, weight: float) -> None:
        for stem_, word in reference_words(text):
            held = terms.get(stem_)
            if held is None or held[0] < weight:
                terms[stem_] = (weight, word)

    def inherited(prefix: tuple) -> dict:
        terms: dict = {}
        for qid, opt_id in prefix:
            option = flow.questions[qid].option(opt_id)
            put(terms, option.label, W_PATH)
            for keyword in option.keywords:
                put(terms, keyword, W_PATH)
        return terms

    # The inherited words first, outcomes grouped by the question they hang from, then each
    # outcome's own words where they weigh more than the inherited ones.
    postings: dict = {}
    groups: dict = {}
    for i, path in enumerate(paths):
        groups.setdefault(path[:-1], []).append(i)
    for prefix, members in groups.items():
        for stem_, entry in inherited(prefix).items():
            for i in members:
                postings.setdefault(stem_, {})[i] = entry
    lengths = []
    for i, oid in enumerate(outcomes):
        outcome = flow.outcomes[oid]
        contact = flow.contacts[outcome.contact]
        own: dict = {}
        if paths[i]:
            option = flow.questions[paths[i][-1][0]].option(paths[i][-1][1])
            put(own, option.label, W_LABEL)
            put(own, option.hint, W_PATH)
            for keyword in option.keywords:
                put(own, keyword, W_PATH)
        put(own, contact.name, W_CONTACT)
        if outcome.topic:
            put(own, outcome.topic, W_TITLE)
        else:
            for topic in contact.topics:
                if not any(s.startswith(NEG) for s, _ in reference_words(topic)):
                    put(own, topic, W_CONTACT)
        for keyword in outcome.keywords:
            pairs = [pair for pair in reference_words(keyword) if not pair[0].startswith(NEG)]
            if len(pairs) < 2:
                put(own, keyword, W_KEYWORD)
                continue
            put(own, keyword, W_PHRASE)
            for (first, _), (second, _) in pairwise(pairs):
                phrase = f"{first} {second}"
                if own.get(phrase, (0.0,))[0] < W_KEYWORD:
                    own[phrase] = (W_KEYWORD, keyword)
        put(own, outcome.title, W_TITLE)
        above = inherited(paths[i][:-1])
        length = sum(w for w, _ in above.values())
        for stem_, entry in own.items():
            held = above.get(stem_)
            if held is None or held[0] < entry[0]:
                length += entry[0] - (held[0] if held else 0.0)
                postings.setdefault(stem_, {})[i] = entry
        lengths.append(length)
    n = len(outcomes)
    idf = {s: math.log(1.0 + (n - len(p) + 0.5) / (len(p) + 0.5)) for s, p in postings.items()}
    average = (sum(lengths) / n) if n else 1.0
    norms = [K1 * (1.0 - B + B * length / (average or 1.0)) for length in lengths]
    contacts = [flow.outcomes[oid].contact for oid in outcomes]
    names = tuple(sorted({textnorm.fold(w) for c in flow.contacts.values() for w in c.name.split()}))
    branches = reference_branches(postings, paths)
    conditional = []
    qualified = {}
    for i, oid in enumerate(outcomes):
        outcome = flow.outcomes[oid]
        title = {s for s, _ in reference_words(outcome.title)}
        if any(s.startswith(NEG) for s in title):
            conditional.append(i)
        topics = [outcome.topic] if outcome.topic else flow.contacts[outcome.contact].topics
        title -= {s for topic in topics for s, _ in reference_words(topic)}
        own = {branches[s] for s in title if s in branches and paths[i][: len(branches[s])] == branches[s]}
        if own:
            qualified[i] = tuple(sorted(own))
    return (outcomes, postings, idf, norms, contacts, paths, flow.root, tuple(conditional), names, branches, qualified)


def reference_branches(postings: dict, paths: list) -> dict:
    """A word names a branch when all its outcomes share a path prefix ending in an option, it is in
    at least BRANCH_COVER of that option's outcomes, and that option is not all of its question."""

    def under(prefix: tuple) -> int:
        # (search.py counts the paths in a range of the sorted paths that ends at the option id + U+FFFF:
        # that range also holds a sibling option whose id starts with this one's, "muu" ~ "muut_kuntoutujat")
        qid, opt = prefix[-1]
        end = (*prefix[:-1], (qid, opt + "\uffff"))
        return sum(1 for path in paths if prefix <= path < end)

    found = {}
    for term, posting in postings.items():
        if len(posting) < 2 or len(term) <= SHORT or term.startswith(NEG) or " " in term or term in textnorm.NEUTRAL:
            continue
        common = paths[next(iter(posting))]
        for i in posting:
            k = 0
            while k < min(len(common), len(paths[i])) and common[k] == paths[i][k]:
                k += 1
            common = common[:k]
        if not common:
            continue
        whole = under(common[:-1]) if len(common) > 1 else len(paths)
        if len(posting) >= BRANCH_COVER * under(common) and under(common) < whole:
            found[term] = common
    return found


def ordered(value):
    """The value with every dict as its list of items: equal only if the orders are equal too."""
    if isinstance(value, dict):
        return ["dict", *((ordered(k), ordered(v)) for k, v in value.items())]
    if isinstance(value, list | tuple):
        return [type(value).__name__, *map(ordered, value)]
    return value


def assert_same_index(flow: Flow) -> None:
    built = build_index(flow).to_plain()
    expected = reference_index(flow)
    assert built == expected  # the values (a readable diff when they differ)
    for field, (got, want) in enumerate(zip(built, expected, strict=True)):
        assert ordered(got) == ordered(want), f"field {field} of to_plain(): the same values in another order"


# ------------------------------------------------------------------ the trees


def test_the_real_trees_index_is_the_plain_builds(flow: Flow):
    index = build_index(flow)
    assert index.branches and index.qualified and index.conditional  # what the comparison must cover
    assert_same_index(flow)


def test_a_generated_trees_index_is_the_plain_builds(tmp_path):
    sys.path.insert(0, str(FIXTURES.parent.parent / "bench"))
    try:
        from gen import generate
    finally:
        sys.path.pop(0)
    assert_same_index(load(*generate(tmp_path, 1000)))


HOSTILE = """
[flow]
id = "vaikea"
title = "Vaikea"
root = "alku"

[question.alku]
text = "Mikä asia?"

[[question.alku.option]]
id = "remontti"
label = "Remontti ja tilat"
hint = "Tilojen muutokset, ei koske laskutusta"
keywords = ["putkiremontti", "ei onnistu", "julkisivu-remontti", "Remontti"]
next = "tilat"

[[question.alku.option]]
id = "lasku"
label = "Laskutus ei onnistu"
next = "lasku"

[[question.alku.option]]
id = "suora"
label = "Suora  loppu\\tlaskutus"
next = "suora"

[question.tilat]
text = "Mitä tiloissa?"

[[question.tilat.option]]
id = "a"
label = "Remontti alkaa, tilat: REMONTTI!"
hint = "remontti"
keywords = ["tilat", "remontti", "Tilat"]
next = "remontoidaan"

[[question.tilat.option]]
id = "ab"
label = "Muutto uusiin tiloihin"
hint = "remontista"
next = "muutto"

[[question.tilat.option]]
id = "jatka"
label = "Jatka laskutukseen"
next = "lasku"

[question.lasku]
text = "Mikä laskussa?"

[[question.lasku.option]]
id = "x"
label = "Lasku ei mene läpi, ei onnistu"
next = "hylatty"

[[question.lasku.option]]
id = "y"
label = "Ei koske laskua eikä remonttia"
next = "remontoidaan"

[outcome.suora]
title = "Suora asia"
contact = "mail"
subject = "Suora"

[outcome.remontoidaan]
title = "Remontti, kun muuttaminen ei onnistu"
contact = "mail"
subject = "Remontti"
topic = "aihe yksi"
keywords = ["vanha sopimus", "ei hakijoita", "Remontti", "remontti-ilmoitus", "y-tunnus", "vanha sopimus vanha"]

[outcome.muutto]
title = "Rekisteröityneen palveluntuottajan muutto"
contact = "line"
subject = "Muutto"
keywords = ["muutto muutto", "tilat tilat tilat", "ei oo tullu"]

[outcome.hylatty]
title = "Lasku"
contact = "line"
subject = "Lasku"
keywords = ["laskutus ei toimi", "Lasku  ei\\u00a0onnistu"]
"""


def test_a_tree_of_awkward_texts_gives_the_plain_builds_index(tmp_path):
    """Repeated words across and within texts, negations in labels, hints, keywords and titles,
    hyphenated compounds, odd whitespace, an outcome and a question reached by two options."""
    template = (FIXTURES / "valid" / "flow.toml").read_text(encoding="utf-8")
    flow_file = tmp_path / "vaikea.toml"
    flow_file.write_text(HOSTILE + template[template.index("[say]") :], encoding="utf-8")
    flow = load(flow_file, FIXTURES / "valid" / "contacts.toml")
    index = build_index(flow)
    assert index.conditional and any(s.startswith(NEG) for s in index.postings)
    assert_same_index(flow)


def test_the_cached_index_is_the_built_one(flow: Flow):
    """What the data cache stores (marshal of to_plain) reads back as the same index."""
    index = build_index(flow)
    again = SearchIndex.from_plain(marshal.loads(marshal.dumps(index.to_plain())))
    assert ordered(again.to_plain()) == ordered(index.to_plain())
    assert again.stems == index.stems


# ------------------------------------------------------------------ the text analysis


def every_text(flow: Flow) -> list[str]:
    texts = [flow.title]
    for question in flow.questions.values():
        texts.append(question.text)
        for option in question.options:
            texts += [option.label, option.hint, *option.keywords]
    for outcome in flow.outcomes.values():
        texts += [outcome.title, outcome.topic or "", *outcome.keywords]
    for contact in flow.contacts.values():
        texts += [contact.name, *contact.topics]
    return texts


def test_every_text_of_the_flows_analyses_as_before(flow: Flow):
    for text in every_text(flow):
        assert textnorm.analyse_words(text) == reference_words(text), text


# Finnish letters, the token's hyphen and stops, Unicode whitespace that str.split() splits on
# (tab, NBSP, U+2003, U+3000), letters that lower-case to two (İ) and words that steer the reading.
_ALPHABET = st.sampled_from(list("aeiouyäöåkltsnrmpv-.,;:!? \t\n\u00a0\u2003\u3000\u0130ÄÖÉ0"))
_WORDS = st.sampled_from(
    "ei eikä en koske liity oo tullu onnistu pysty järjestämään remontti y-tunnus osote ilmottaa ja"
    " kesäkuussa tarvittais kurssil mutta - , . !".split()
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.text(_ALPHABET, max_size=12), _WORDS), max_size=12).map(" ".join))
def test_any_text_analyses_as_before(text: str):
    assert textnorm.analyse_words(text) == reference_words(text)
    assert textnorm._tokens(text) == reference_tokens(text)  # a caller's query is read the same way too


@pytest.mark.parametrize("text", ["", "   ", "\u00a0", "ei", "Ei onnistu. Remontti", "a-b-c d--e", "İSO remontti"])
def test_edge_texts_analyse_as_before(text: str):
    assert textnorm.analyse_words(text) == reference_words(text)
