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
from bisect import bisect_left
from collections import namedtuple

from .gcpause import gc_paused
from .model import Flow
from .textnorm import analyse_words, terms

MAX_QUERY_CHARS = 500  # longer input is cut: callers' sentences are short
MAX_QUERY_WORDS = 40

# Where a word sits in an outcome's document, and what it weighs there.
W_TITLE, W_KEYWORD, W_LABEL, W_PATH, W_CONTACT = 3.0, 2.5, 2.0, 0.6, 1.2


class Hit(namedtuple("Hit", ["outcome", "score", "matched"])):
    __slots__ = ()
    outcome: str
    score: float
    matched: tuple[str, ...]  # index words that matched, as written in the data


class SearchIndex:
    def __init__(
        self,
        outcomes: list[str],
        postings: dict[str, dict[int, tuple[float, str]]],
        idf: dict[str, float],
        stems: list[str],
    ) -> None:
        self.outcomes = outcomes
        # stem -> {outcome index: (weight, surface word as written)}
        self.postings = postings
        self.idf = idf
        self.stems = stems  # sorted vocabulary, for prefix and typo scans
        # Reversed stems with 0-2 trailing letters dropped, sorted: finds the
        # index compounds that end in a query word (see ending_with).
        self._cores = sorted(
            {(term[: len(term) - cut][::-1], term) for term in stems for cut in (0, 1, 2) if len(term) - cut >= 7}
        )

    def with_prefix(self, prefix: str) -> list[str]:
        start = bisect_left(self.stems, prefix)
        end = bisect_left(self.stems, prefix + "\uffff")
        return self.stems[start:end]

    def ending_with(self, stem_: str) -> list[str]:
        """Index stems X + stem_ + (up to 2 letters), X at least 3 letters."""
        key = stem_[::-1]
        start = bisect_left(self._cores, (key,))
        end = bisect_left(self._cores, (key + "\uffff",))
        return [term for core, term in self._cores[start:end] if len(core) >= len(key) + 3]

    def to_plain(self) -> tuple:
        return (self.outcomes, self.postings, self.idf)

    @classmethod
    def from_plain(cls, plain: tuple) -> SearchIndex:
        outcomes, postings, idf = plain
        return cls(outcomes, postings, idf, sorted(postings))


@gc_paused
def build_index(flow: Flow) -> SearchIndex:
    outcomes = list(flow.outcomes)
    postings: dict[str, dict[int, tuple[float, str]]] = {}
    analysed: dict[str, list[tuple[str, str]]] = {"": []}  # labels recur along paths: analyse each text once

    def put(terms_: dict[str, tuple[float, str]], text: str, weight: float) -> None:
        """Add text's (stem, word as written) pairs at `weight`, keeping each stem's best."""
        pairs = analysed.get(text)
        if pairs is None:
            pairs = analysed[text] = analyse_words(text)
        for stem_, word in pairs:
            held = terms_.get(stem_)
            if held is None or held[0] < weight:
                terms_[stem_] = (weight, word)

    # The words an outcome inherits from the options above it, shared by every
    # outcome under the same prefix of the path (a 10,000-node tree has many).
    inherited: dict[tuple, dict[str, tuple[float, str]]] = {(): {}}

    def above(prefix: tuple) -> dict[str, tuple[float, str]]:
        found = inherited.get(prefix)
        if found is not None:
            return found
        known = len(prefix) - 1  # iterative, not recursive: a path may be deeper than the stack
        while prefix[:known] not in inherited:
            known -= 1
        found = inherited[prefix[:known]]
        for depth in range(known, len(prefix)):
            found = dict(found)
            qid, opt_id = prefix[depth]
            option = flow.questions[qid].option(opt_id)
            put(found, option.label, W_PATH)  # type: ignore[union-attr]
            for keyword in option.keywords:  # type: ignore[union-attr]
                put(found, keyword, W_PATH)
            inherited[prefix[: depth + 1]] = found
        return found

    # Inherited words go in per path prefix, for all its outcomes at once
    # (dict.fromkeys/update run in C); only each outcome's own words loop here.
    by_prefix: dict[tuple, list[int]] = {}
    for i, oid in enumerate(outcomes):
        by_prefix.setdefault(flow.paths.get(oid, ())[:-1], []).append(i)
    for prefix, members in by_prefix.items():
        for stem_, entry in above(prefix).items():
            slot = postings.get(stem_)
            if slot is None:
                postings[stem_] = dict.fromkeys(members, entry)
            else:
                slot.update(dict.fromkeys(members, entry))

    for i, oid in enumerate(outcomes):
        outcome = flow.outcomes[oid]
        contact = flow.contacts[outcome.contact]
        path = flow.paths.get(oid, ())
        own: dict[str, tuple[float, str]] = {}
        if path:
            qid, opt_id = path[-1]
            option = flow.questions[qid].option(opt_id)
            put(own, option.label, W_LABEL)  # type: ignore[union-attr]
            put(own, option.hint, W_PATH)  # type: ignore[union-attr]  # ancestors' hints summarise siblings: left out
            for keyword in option.keywords:  # type: ignore[union-attr]
                put(own, keyword, W_PATH)
        put(own, contact.name, W_CONTACT)
        if outcome.topic:
            put(own, outcome.topic, W_TITLE)
        else:  # a general outcome stands for all of its contact's topics
            for topic in contact.topics:
                put(own, topic, W_CONTACT)
        for keyword in outcome.keywords:
            put(own, keyword, W_KEYWORD)
        put(own, outcome.title, W_TITLE)
        from_above = above(path[:-1])
        for stem_, entry in own.items():
            held = from_above.get(stem_)
            if held is None or held[0] < entry[0]:  # inherited words win ties, as before
                slot = postings.get(stem_)
                if slot is None:
                    postings[stem_] = {i: entry}
                else:
                    slot[i] = entry
    n = max(len(outcomes), 1)
    idf = {s: math.log(1.0 + n / len(p)) for s, p in postings.items()}
    return SearchIndex(outcomes, postings, idf, sorted(postings))


def _common_prefix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


def _candidates(index: SearchIndex, stem_: str, surface: str) -> list[tuple[str, float]]:
    """Index stems that a query word may stand for, with match quality.

    Each rule looks up only the stems it can match (dictionary probes and
    bisected ranges of sorted lists), so a query costs about the same on a
    10,000-node tree as on the real one.
    """
    found: dict[str, float] = {}
    postings = index.postings

    def offer(term: str, quality: float) -> None:
        if quality > found.get(term, 0.0):
            found[term] = quality

    if stem_ in postings:
        offer(stem_, 1.0)
    # One word family: a common prefix of >= 5 letters covering all but 2 of the shorter word.
    if len(stem_) >= 5:
        for term in index.with_prefix(stem_[:5]):
            prefix = _common_prefix(term, stem_)
            if prefix >= min(len(term), len(stem_)) - 2:
                offer(term, 0.6 + 0.35 * prefix / max(len(term), len(stem_)))
    # The query word starts an index word: tulkk ~ tulkkaus.
    if len(stem_) >= 4:
        for term in index.with_prefix(stem_):
            offer(term, 0.7)
    # Compound head inside the query word: julkisivuremontti ~ remontti. The part
    # before it must be a word (>= 3 letters); little may follow (inflection).
    n = len(surface)
    for start in range(3, n - 3):
        for end in range(max(start + 4, n - 6), n + 1):
            piece = surface[start:end]
            if piece in postings:
                offer(piece, 0.8)
    # Compound modifier at the start: tulkkifirma ~ tulkki. Weaker: the head decides.
    for end in range(4, n - 3):
        piece = surface[:end]
        if piece in postings:
            offer(piece, 0.55)
    # The query word is the head of an index compound: remontti ~ putkiremontti.
    if len(stem_) >= 4:
        for term in index.ending_with(stem_):
            offer(term, 0.6)
    if not found and len(stem_) >= 5:
        from rapidfuzz import process
        from rapidfuzz.distance import Levenshtein  # lazily: only typos pay for it

        for term, similarity, _ in process.extract(
            stem_, index.stems, scorer=Levenshtein.normalized_similarity, score_cutoff=0.8, limit=20
        ):
            offer(term, 0.6 * similarity)
    return list(found.items())


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
