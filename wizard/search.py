"""One free-text search over outcomes, shared by `find`, the wizard and the browser.

The index is built from the data only: outcome titles and topics, the option
labels and hints on the path to each outcome, contact names and topics, and
the `keywords` written beside each node in flows/. No routing knowledge lives
here. Matching is Finnish-aware (see textnorm) and tolerant:

* exact stem match .............................. 1.0
* same word family (long common prefix) ......... 0.6-0.95  terapiaa ~ terapioiden
* compound head (index word ends the query word)  0.8   julkisivuremontti ~ remontti
* query word starts an index word ............... 0.7   tulkk ~ tulkkaus
* query word is the head of an index compound ... 0.6   remontti ~ putkiremontti
* compound modifier (index word starts it) ...... 0.55  tulkkifirma ~ tulkki
* typo (Levenshtein similarity >= 0.8) .......... 0.48-0.6  remontii ~ remontti

Each query word contributes its best match per outcome, weighted by where the
word sits (title and keywords weigh most) and by how rare it is (idf).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .model import Flow
from .textnorm import terms

MAX_QUERY_CHARS = 500  # longer input is cut: callers' sentences are short
MAX_QUERY_WORDS = 40

# Where a word sits in an outcome's document, and what it weighs there.
W_TITLE, W_KEYWORD, W_LABEL, W_PATH, W_CONTACT = 3.0, 2.5, 2.0, 0.6, 1.2


@dataclass(frozen=True, slots=True)
class Hit:
    outcome: str
    score: float
    matched: tuple[str, ...]  # index words that matched, as written in the data


@dataclass
class SearchIndex:
    outcomes: list[str]
    # stem -> {outcome index: (weight, surface word as written)}
    postings: dict[str, dict[int, tuple[float, str]]]
    idf: dict[str, float]
    stems: list[str]  # sorted vocabulary, for prefix and typo scans

    def to_plain(self) -> tuple:
        return (self.outcomes, self.postings, self.idf)

    @classmethod
    def from_plain(cls, plain: tuple) -> SearchIndex:
        outcomes, postings, idf = plain
        return cls(outcomes, postings, idf, sorted(postings))


def build_index(flow: Flow) -> SearchIndex:
    outcomes = list(flow.outcomes)
    postings: dict[str, dict[int, tuple[float, str]]] = {}

    def add(i: int, text: str, weight: float) -> None:
        for stem_, _surface in terms(text):
            if len(stem_) < 2:
                continue
            slot = postings.setdefault(stem_, {})
            if slot.get(i, (0.0, ""))[0] < weight:
                slot[i] = (weight, _display_word(text, _surface))

    for i, oid in enumerate(outcomes):
        outcome = flow.outcomes[oid]
        contact = flow.contacts[outcome.contact]
        add(i, outcome.title, W_TITLE)
        if outcome.topic:
            add(i, outcome.topic, W_TITLE)
        else:  # a general outcome stands for all of its contact's topics
            for topic in contact.topics:
                add(i, topic, W_CONTACT)
        for keyword in outcome.keywords:
            add(i, keyword, W_KEYWORD)
        add(i, contact.name, W_CONTACT)
        path = flow.paths.get(oid, ())
        for depth, (qid, opt_id) in enumerate(path):
            option = flow.questions[qid].option(opt_id)
            last = depth == len(path) - 1
            add(i, option.label, W_LABEL if last else W_PATH)  # type: ignore[union-attr]
            if last:  # an ancestor's hint summarises its siblings too: noise here
                add(i, option.hint, W_PATH)  # type: ignore[union-attr]
            for keyword in option.keywords:  # type: ignore[union-attr]
                add(i, keyword, W_PATH)
    n = max(len(outcomes), 1)
    idf = {s: math.log(1.0 + n / len(p)) for s, p in postings.items()}
    return SearchIndex(outcomes, postings, idf, sorted(postings))


def _display_word(text: str, folded: str) -> str:
    from .textnorm import fold, words

    for word in words(text):
        if fold(word) == folded:
            return word
    return folded


def _common_prefix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


def _candidates(index: SearchIndex, stem_: str, surface: str) -> list[tuple[str, float]]:
    """Index stems that a query word may stand for, with match quality."""
    found: dict[str, float] = {}
    if stem_ in index.postings:
        found[stem_] = 1.0
    for term in index.stems:
        if term in found:
            continue
        quality = _relation(term, stem_, surface)
        if quality:
            found[term] = quality
    if not found and len(stem_) >= 5:
        from rapidfuzz.distance import Levenshtein  # lazily: only typos pay for it

        for term in index.stems:
            if abs(len(term) - len(stem_)) <= 2:
                similarity = Levenshtein.normalized_similarity(term, stem_)
                if similarity >= 0.8:
                    found[term] = 0.6 * similarity
    return list(found.items())


def _relation(term: str, stem_: str, surface: str) -> float:
    """How well index stem `term` stands for a query word (0 = not at all)."""
    shorter = min(len(term), len(stem_))
    prefix = _common_prefix(term, stem_)
    if prefix >= 5 and prefix >= shorter - 2:  # one word family: terapiaa ~ terapioiden
        return 0.6 + 0.35 * prefix / max(len(term), len(stem_))
    if len(term) >= 4:
        # Compound head: liiketilat ~ tila, julkisivuremontti ~ remontti. The part
        # before it must be a word (>= 3 letters) and little may follow (inflection).
        at = surface.find(term, 3)
        if at >= 3 and len(surface) - at - len(term) <= 6:
            return 0.8
        # Compound modifier: tulkkifirma ~ tulkki. Weaker: the head decides the meaning.
        if surface.startswith(term) and len(surface) - len(term) >= 4:
            return 0.55
    if len(stem_) >= 4:
        at = term.find(stem_, 3)  # the query word is the head of an index compound
        if at >= 3 and len(term) - at - len(stem_) <= 2:
            return 0.6
        if term.startswith(stem_):  # the query word starts an index word: tulkk ~ tulkkaus
            return 0.7
    return 0.0


def search(index: SearchIndex, query: str, limit: int = 5) -> list[Hit]:
    """Ranked outcomes for a caller's words; [] if nothing matches."""
    query_terms = terms(query[:MAX_QUERY_CHARS])[:MAX_QUERY_WORDS]
    scores: dict[int, float] = {}
    matched: dict[int, list[str]] = {}
    seen: set[str] = set()
    for stem_, surface in query_terms:
        if stem_ in seen or len(stem_) < 2:
            continue
        seen.add(stem_)
        best: dict[int, tuple[float, str]] = {}
        for term, quality in _candidates(index, stem_, surface):
            idf = index.idf[term]
            for i, (weight, word) in index.postings[term].items():
                value = quality * weight * idf
                if value > best.get(i, (0.0, ""))[0]:
                    best[i] = (value, word)
        for i, (value, word) in best.items():
            scores[i] = scores.get(i, 0.0) + value
            if word not in matched.setdefault(i, []):
                matched[i].append(word)
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], index.outcomes[kv[0]]))
    return [Hit(index.outcomes[i], round(score, 3), tuple(matched[i])) for i, score in ranked[: max(limit, 0)]]
