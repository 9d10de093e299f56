"""One free-text search over outcomes, shared by `find`, the wizard and the browser.

The index is built from the data only: outcome titles and topics, the option
labels and hints on the path to each outcome, contact names and topics, and
the `keywords` written beside each node in flows/. No routing knowledge lives
here.

Ranking is BM25-style: each query word adds, per outcome, its best match
quality x the word's rarity over all outcomes (BM25 idf) x a saturated weight
for where the word sits (title and keywords weigh most, words inherited from
the path least), normalised by how much text the outcome has. Match quality:

* exact stem match .............................. 1.0   (a stem of <= 4 letters only as a whole word:
                                                          "kesken" never reaches "keski")
* same word family (long common prefix) ......... 0.6-0.95  terapiaa ~ terapioiden
* compound head (the query word ends in a stem) . 0.8   julkisivuremontti ~ remontti
* query word starts an index word ............... 0.7   tulkkau ~ tulkkaus; also the whole word where
                                                          the stemmer undoubled it: vastaanotto ~ vastaanottotila
* a relative of a word the data has exactly ...... x 0.85  rekisteröityä is not rekisteröityneen
* query word is the head of an index compound ... 0.6   remontti ~ putkiremontti
* compound modifier, counted beside the head .... 0.55  tulkkausfirma ~ tulkkaus + firma
* one consonant grade away, or a lost double .... 0.9   tulkaus ~ tulkkaus, mitarit ~ mittarit
* typo (Levenshtein similarity >= 0.8) .......... 0.45-0.5  remontii ~ remontti; only for
                                                          words of >= 7 letters, and only
                                                          towards rarer index words
* two adjacent words, one data compound ......... 0.9   raportoinnin ohjeet ~ raportointiohje
* two adjacent words, one keyword phrase ........ +0.5  "vanha sopimus" said as one (a word of a
                                                          phrase alone weighs 1.5, a keyword 2.5)

A word the data lacks is first tried as the written word it is spoken or typed for (rahotusta ~
rahoitusta, sairastu ~ sairastui, tyoikasille ~ työikäisille; see textnorm.variants).

A caller's negation is read (see textnorm): "ei koske X" subtracts what X
would add (not from a general "Muu …" outcome that only stands for X),
"ei onnistu" matches the data's own "ei onnistu", and what a negated modal
says cannot be done ("ei pystytä järjestämään") reaches both the word and
the data's own negation of it ("ei järjestetä"). An outcome
whose title is conditional on a failure ("... kun muuttaminen ei onnistu
Extranetissä") ranks below the step to try first unless the caller reports
a failure.

Branches: a word that sits in most outcomes of one option's branch and in no
outcome under the question's other options names that branch ("rekisteröitynyt"
at "sopimuskausi vai rekisteröitymismenettely?"); a caller who says it has
answered the question, so the other options' outcomes step back. So does a close relative of
such a word ("rekisteröity", which stems as the data's "rekisteröityä"). An outcome
whose own title names its branch ("Rekisteröityneen palveluntuottajan …") is
for callers in that branch: when the caller does not name it, it ranks below
the peer in a sibling branch that the same words reach.

`find()` says when it is unsure: when the close top hits lead to different
addresses it names the tree question that separates them; when nothing
useful matched it names the top-level question.

Scale: query words are scored rarest-bound first, and once the k-th best
score beats everything the remaining words could add, those words only
re-score outcomes already found (max-score pruning); the top k are picked
with a heap, not a full sort.
"""

from __future__ import annotations

import heapq
import math
from bisect import bisect_left
from collections import defaultdict
from itertools import pairwise

from .gcpause import gc_paused
from .model import Flow
from .named_tuple import NamedTuple
from .textnorm import (
    EXCLUDED,
    FAILED,
    JOINED,
    NEG,
    NEUTRAL,
    PLAIN,
    UNABLE,
    analyse_words,
    fold,
    query_terms,
    stem,
    variants,
)

MAX_QUERY_CHARS = 500  # longer input is cut: callers' sentences are short
MAX_QUERY_WORDS = 40

# Where a word sits in an outcome's document, and what it weighs there (BM25's tf).
W_TITLE, W_KEYWORD, W_LABEL, W_PATH, W_CONTACT = 3.0, 2.5, 2.0, 0.6, 1.2
W_PHRASE = 1.5  # a word of a keyword of several words, alone
K1, B = 1.2, 0.75  # BM25 saturation and length normalisation
CONDITIONAL = 0.7  # factor for an outcome conditional on a failure the caller did not report
CLOSE = 0.8  # hits within this fraction of the top score are "close"
MAX_CLOSE = 6  # at most this many hits are weighed against each other (the question offers all its options)
WEAK = 1.0  # a top score below this is "nothing useful"
# A word that names one option's branch of a question (it is in most of that branch's outcomes and in no
# other outcome under the question, e.g. "rekisteröitynyt" at "sopimuskausi vai rekisteröitymismenettely?")
# decides that question: the outcomes under its other options are scaled by this.
OTHER_BRANCH = 0.5
UNNAMED_BRANCH = 0.7  # factor for an outcome whose title names a branch the caller did not name (see _score)
BRANCH_COVER = 0.5  # the share of the branch's outcomes a word must be in to name the branch
FAMILY_OF_EXACT = 0.85  # a relative of a word the data has exactly matches less: rekisteröityä ≠ rekisteröityneen
RUN_ON = 4  # a caller's word the data lacks relates to a data word it starts with only if it runs on this much
PHRASE = 0.5  # a keyword phrase said as one adds this on top of its words (which count at W_PHRASE)
PAIR = 0.9  # two adjacent words that make a compound of the data
NAMES_BRANCH = 0.9  # a relative this close (before FAMILY_OF_EXACT) of a word that names a branch names it too
GRADED = 0.9  # a word the data lacks, one consonant grade from a data word (tulkaus ~ tulkkaus)
SHORT = 4  # stems this short match only as whole words, never by prefix, compound or typo


class Hit(NamedTuple):
    outcome: str
    score: float
    matched: tuple[str, ...]  # index words that matched, as written in the data


class SearchResult(NamedTuple):
    """What `find()` returns.

    hits        ranked Hits (at most `limit`)
    ambiguous   True when the close top hits lead to different addresses
    question    the tree question to ask instead of guessing: the one that
                separates the close hits when ambiguous, the top-level question
                when nothing useful matched; None when the top hit is clear
    candidates  the outcome ids the question separates (the close hits), () otherwise
    options     for each candidate, the option id of `question` that leads to it
    """

    hits: list[Hit]
    ambiguous: bool
    question: str | None
    candidates: tuple[str, ...]
    options: tuple[str, ...]

    @property
    def found(self) -> bool:
        """False when nothing useful matched (then `question` is the top-level one)."""
        return bool(self.hits) and (self.ambiguous or self.question is None)


class SearchIndex:
    def __init__(
        self,
        outcomes: list[str],
        postings: dict[str, dict[int, tuple[float, str]]],
        idf: dict[str, float],
        norms: list[float],
        contacts: list[str],
        paths: list[tuple[tuple[str, str], ...]],
        root: str,
        conditional: frozenset[int] | set[int],
        names: tuple[str, ...] = (),
        branches: dict[str, tuple[tuple[str, str], ...]] | None = None,
        qualified: dict[int, tuple[tuple[tuple[str, str], ...], ...]] | None = None,
    ) -> None:
        self.outcomes = outcomes
        # stem -> {outcome index: (weight, surface word as written)}
        self.postings = postings
        self.idf = idf
        self.norms = norms  # per outcome: K1 * (1 - B + B * length / average length)
        self.contacts = contacts  # per outcome: its contact id (one address each)
        self.paths = paths  # per outcome: ((question id, option id), ...) from the root
        self.root = root
        self.conditional = frozenset(conditional)  # outcomes whose title is conditional on a failure
        self.names = names  # the words of contact names (folded): short stems reach them only as whole words
        self.branches = branches or {}  # stem -> the path prefix (ending in the option) whose branch it names
        # outcome -> the branches its own title names ("Rekisteröityneen palveluntuottajan …"): it is for
        # callers in that branch only, so it ranks below its peers unless the caller names the branch
        self.qualified = qualified or {}
        self.min_norm = min(norms, default=K1)
        # for prefix and typo scans: words, not negations ("!onnistu") nor phrases ("vanh sopimus")
        self.stems = sorted(s for s in postings if not s.startswith(NEG) and " " not in s)
        self._restricted: dict[str, dict[int, tuple[float, str]]] = {}
        self._ranked: dict[str, list[tuple[float, int, str]]] = {}
        self._max_weight: dict[str, float] = {}
        # Reversed stems with 0-2 trailing letters dropped, sorted: finds the
        # index compounds that end in a query word (see ending_with).
        self._cores = sorted(
            {(term[: len(term) - cut][::-1], term) for term in self.stems for cut in (0, 1, 2) if len(term) - cut >= 7}
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

    def short_match(self, term: str, surface: str) -> str | None:
        """A short stem (<= 4 letters) is reached only by the words it stands for: "etelän" ~ "etelä",
        "tulkin" ~ "tulkki", never "kesken" ~ "keski" nor "tulkki" ~ "tulkinta". Returns the term, a
        restricted copy of it (only the outcomes whose word matches), or None."""
        key = f"{term}\x00{surface}"
        if key in self._restricted:
            return key if self._restricted[key] else None
        posting = self.postings[term]
        ok = {
            word: _same_word(surface, folded, any(name.startswith(folded) for name in self.names))
            for word in {w for _, w in posting.values()}
            for folded in (_fold(word),)
        }
        if all(ok.values()):
            return term
        kept = {i: entry for i, entry in posting.items() if ok[entry[1]]}
        if len(self._restricted) > 10_000:  # a long session must not grow without bound
            self._restricted.clear()
        self._restricted[key] = kept
        return key if kept else None

    def posting(self, term: str) -> dict[int, tuple[float, str]]:
        found = self.postings.get(term)
        return found if found is not None else self._restricted[term]

    def rarity(self, term: str) -> float:
        found = self.idf.get(term)
        return found if found is not None else self.idf[term.partition("\x00")[0]]

    def negated(self, stem_: str) -> list[tuple[str, float]]:
        """The data's negated verbs that a caller's negated verb stands for ("ei löydä" ~ "ei löydy")."""
        if NEG + stem_ in self.postings:
            return [(NEG + stem_, 1.0)]
        key = NEG + stem_[:4]
        return [(t, 0.9) for t in self.postings if t.startswith(key)] if len(stem_) >= 4 else []

    def ranked(self, term: str) -> list[tuple[float, int, str]]:
        """A term's postings as (BM25 weight without idf, outcome, word), best first; sorted on first use."""
        found = self._ranked.get(term)
        if found is None:
            norms, saturation = self.norms, K1 + 1.0
            found = sorted(
                ((saturation * w / (w + norms[i]), i, word) for i, (w, word) in self.posting(term).items()),
                key=lambda entry: (-entry[0], entry[1]),
            )
            if len(self._ranked) > 50_000:  # a long session must not grow without bound
                self._ranked.clear()
            self._ranked[term] = found
        return found

    def max_weight(self, term: str) -> float:
        found = self._max_weight.get(term)
        if found is None:
            found = self._max_weight[term] = max(w for w, _ in self.posting(term).values())
        return found

    def to_plain(self) -> tuple:
        return (
            self.outcomes,
            self.postings,
            self.idf,
            self.norms,
            self.contacts,
            self.paths,
            self.root,
            tuple(sorted(self.conditional)),
            self.names,
            self.branches,
            self.qualified,
        )

    @classmethod
    def from_plain(cls, plain: tuple) -> SearchIndex:
        return cls(*plain)


def _fold(word: str) -> str:
    from .textnorm import fold

    return fold(word)


def _same_word(query: str, word: str, name: bool) -> bool:
    """Is the caller's word a form of the data's word? It starts with it (etelän ~ etelä), or, unless
    the word is part of a name, the data's word differs only in its last three letters (tulkin ~ tulkki,
    tiloihin ~ tilojen)."""
    if query.startswith(word):
        return True
    if name:
        return False
    prefix = _common_prefix(query, word)
    return len(word) > SHORT and len(query) - prefix <= 6 and len(word) - prefix <= 3  # callers inflect more


@gc_paused
def build_index(flow: Flow) -> SearchIndex:
    outcomes = list(flow.outcomes)
    links = flow.paths.links  # node -> the last step of its path, (question id, option id); None for the root
    # stem -> {outcome index: (weight, word as written)}: a defaultdict while it is built (one lookup
    # per insertion), a plain dict in the index (the data cache's marshal takes no other)
    postings: defaultdict[str, dict[int, tuple[float, str]]] = defaultdict(dict)
    analysed: dict[str, list[tuple[str, str]]] = {"": []}  # labels recur along paths: analyse each text once

    def words(text: str) -> list[tuple[str, str]]:
        pairs = analysed.get(text)
        if pairs is None:
            pairs = analysed[text] = analyse_words(text)
        return pairs

    def put(terms_: dict[str, tuple[float, str]], text: str, weight: float) -> None:
        """Add text's (stem, word as written) pairs at `weight`, keeping each stem's best."""
        for stem_, word in words(text):
            held = terms_.get(stem_)
            if held is None or held[0] < weight:
                terms_[stem_] = (weight, word)

    # The words an outcome inherits from the options above it: those of the path to the question
    # it is an option of, shared by every outcome of that question (a 10,000-node tree has many).
    # Keyed by the question's id, which stands for its path (paths.py): ids hash cheaply, paths
    # do not. None stands for no question (an outcome without a path).
    inherited: dict[str | None, dict[str, tuple[float, str]]] = {None: {}}
    inherited_length: dict[str | None, float] = {None: 0.0}
    path_to: dict[str | None, tuple[tuple[str, str], ...]] = {None: ()}  # (as flow.paths, made once per step)

    def above(qid: str | None) -> dict[str, tuple[float, str]]:
        found = inherited.get(qid)
        if found is not None:
            return found
        unknown = []  # iterative, not recursive: a path may be deeper than the stack
        while qid not in inherited:
            unknown.append(qid)
            link = links[qid]  # type: ignore[index]
            qid = link[0] if link else None
        found = inherited[qid]
        path = path_to[qid]
        for qid in reversed(unknown):
            link = links[qid]  # type: ignore[index]
            if link is not None:  # (the root inherits nothing)
                path += (link,)
                found = dict(found)
                option = flow.questions[link[0]].option(link[1])
                put(found, option.label, W_PATH)  # type: ignore[union-attr]
                for keyword in option.keywords:  # type: ignore[union-attr]
                    put(found, keyword, W_PATH)
            inherited[qid] = found
            inherited_length[qid] = sum(w for w, _ in found.values())
            path_to[qid] = path
        return found

    # Inherited words go in per question, for all its outcomes at once.
    parents = [link[0] if (link := links.get(oid)) else None for oid in outcomes]
    by_parent: dict[str | None, list[int]] = {}
    for i, parent in enumerate(parents):
        by_parent.setdefault(parent, []).append(i)
    for parent, members in by_parent.items():
        for stem_, entry in above(parent).items():
            slot = postings[stem_]
            for i in members:  # (a question has a few outcomes: a loop beats dict.fromkeys + update)
                slot[i] = entry

    def add(terms_: dict[str, tuple[float, str]], more: dict[str, tuple[float, str]]) -> None:
        """Put words already weighed (as `put` would have, one text after another)."""
        for stem_, entry in more.items():
            held = terms_.get(stem_)
            if held is None or held[0] < entry[0]:
                terms_[stem_] = entry

    # What an outcome's contact adds is the same for all its outcomes: weighed once, then added (the
    # same as putting its texts there: a stem keeps its best).
    from_contact: dict[tuple[str, str], dict[str, tuple[float, str]]] = {}

    def contact_words(contact_id: str, topic: str) -> dict[str, tuple[float, str]]:
        found = from_contact.get((contact_id, topic))
        if found is None:
            contact = flow.contacts[contact_id]
            found = from_contact[(contact_id, topic)] = {}
            put(found, contact.name, W_CONTACT)
            if topic:
                put(found, topic, W_TITLE)
            else:  # a general outcome stands for all of its contact's topics, which its siblings name better
                for text in contact.topics:
                    # (not for one conditional on a failure: "… jos aikataulujen muuttaminen ei onnistu
                    # Extranetissä" belongs to the self-service step first and to its own sibling after)
                    if not any(s.startswith(NEG) for s, _ in words(text)):
                        put(found, text, W_CONTACT)
        return found

    lengths: list[float] = []
    paths: list[tuple[tuple[str, str], ...]] = []
    for i, (oid, outcome) in enumerate(flow.outcomes.items()):
        link = links.get(oid)
        paths.append((*path_to[parents[i]], link) if link else ())
        own: dict[str, tuple[float, str]] = {}
        if link:
            option = flow.questions[link[0]].option(link[1])
            put(own, option.label, W_LABEL)  # type: ignore[union-attr]
            put(own, option.hint, W_PATH)  # type: ignore[union-attr]  # ancestors' hints summarise siblings: left out
            for keyword in option.keywords:  # type: ignore[union-attr]
                put(own, keyword, W_PATH)
        add(own, contact_words(outcome.contact, outcome.topic))
        for keyword in outcome.keywords:
            pairs = words(keyword)
            if len(pairs) > 1:
                pairs = [pair for pair in pairs if pair[0][0] != NEG]  # "ei hakijoita" is one word
            if len(pairs) < 2:
                put(own, keyword, W_KEYWORD)
                continue
            # A word of a phrase ("vanha sopimus") says less on its own; the phrase said as one adds to it.
            put(own, keyword, W_PHRASE)
            for (first, _), (second, _) in pairwise(pairs):
                phrase = f"{first} {second}"
                if own.get(phrase, (0.0,))[0] < W_KEYWORD:
                    own[phrase] = (W_KEYWORD, keyword)
        put(own, outcome.title, W_TITLE)
        from_above = inherited[parents[i]]
        length = inherited_length[parents[i]]
        for stem_, entry in own.items():
            held = from_above.get(stem_)
            if held is None or held[0] < entry[0]:  # inherited words win ties, as before
                length += entry[0] - (held[0] if held else 0.0)
                postings[stem_][i] = entry
        lengths.append(length)
    postings = dict(postings)  # type: ignore[assignment]
    n = len(outcomes)
    # (a word's rarity depends on how many outcomes have it: worked out once per count)
    rarity = {size: math.log(1.0 + (n - size + 0.5) / (size + 0.5)) for size in set(map(len, postings.values()))}
    idf = {s: rarity[len(p)] for s, p in postings.items()}
    average = (sum(lengths) / n) if n else 1.0
    norms = [K1 * (1.0 - B + B * length / (average or 1.0)) for length in lengths]
    contacts = [flow.outcomes[oid].contact for oid in outcomes]
    names = tuple(sorted({_fold(w) for c in flow.contacts.values() for w in c.name.split()}))
    branches = _branches(postings, paths)

    # Every stem of an outcome's title is in the outcome's postings (its own entry or an inherited
    # one), so the few outcomes below are found through the postings of the few stems they need.
    def title_stems(i: int) -> set[str]:
        return {s for s, _ in words(flow.outcomes[outcomes[i]].title)}

    # Outcomes whose title is conditional on a failure: it has a negated verb ("!onnistu").
    conditional = {i for s, posting in postings.items() if s.startswith(NEG) for i in posting if s in title_stems(i)}
    # Outcomes whose title names their branch: the branch words the title adds to the topics it stands
    # for (a qualifier such as "Rekisteröityneen").
    qualified = {}
    for i in sorted({i for s in branches for i in postings[s]}):
        outcome = flow.outcomes[outcomes[i]]
        topics = [outcome.topic] if outcome.topic else flow.contacts[outcome.contact].topics
        stems = title_stems(i) - {s for t in topics for s, _ in words(t)}
        own = {branches[t] for t in stems if t in branches and paths[i][: len(branches[t])] == branches[t]}
        if own:
            qualified[i] = tuple(sorted(own))
    return SearchIndex(
        outcomes, postings, idf, norms, contacts, paths, flow.root, conditional, names, branches, qualified
    )


def _branches(
    postings: dict[str, dict[int, tuple[float, str]]], paths: list[tuple[tuple[str, str], ...]]
) -> dict[str, tuple[tuple[str, str], ...]]:
    """The words that name a branch: all their outcomes share a path prefix ending in one option of a
    question, they are in at least BRANCH_COVER of that option's outcomes and in no outcome under the
    question's other options (a word that is elsewhere too separates nothing there)."""
    # The common prefix of a set of paths is that of its least and greatest, and the paths under a
    # prefix are a run of the sorted paths: rank the paths once.
    by_rank = sorted(range(len(paths)), key=paths.__getitem__)
    ordered = [paths[i] for i in by_rank]
    rank = [0] * len(paths)
    for r, i in enumerate(by_rank):
        rank[i] = r
    sizes: dict[tuple, int] = {(): len(paths)}

    def size(prefix: tuple) -> int:
        found = sizes.get(prefix)
        if found is None:
            qid, opt = prefix[-1]
            end = (*prefix[:-1], (qid, opt + "\uffff"))
            found = sizes[prefix] = bisect_left(ordered, end) - bisect_left(ordered, prefix)
        return found

    # A word in more outcomes than the widest top-level branch has cannot be in one branch only:
    # the test skips it without ranking its outcomes (most of the entries are such common words).
    widest = max((size(first) for first in {path[:1] for path in paths if path}), default=0)
    found: dict[str, tuple[tuple[str, str], ...]] = {}
    for term, posting in postings.items():
        if (
            not 2 <= len(posting) <= widest
            or len(term) <= SHORT
            or term.startswith(NEG)
            or " " in term
            or term in NEUTRAL
        ):
            continue
        ranks = list(map(rank.__getitem__, posting))
        first, last = paths[by_rank[min(ranks)]], paths[by_rank[max(ranks)]]
        prefix = first[: _common_prefix(first, last)]
        if prefix and len(posting) >= BRANCH_COVER * size(prefix) and size(prefix) < size(prefix[:-1]):
            found[term] = prefix
    return found


def _branches_named(index: SearchIndex, stem_: str, surface: str) -> set[tuple[tuple[str, str], ...]]:
    """The branches a word names: itself or a close relative ("rekisteröinti" ~ "rekisteröityminen"), or,
    for a compound the data lacks, its first part ("rekisteröitymisjuttu")."""
    stems = [stem_]
    if stem_ not in index.postings:  # then its first parts, the longest first (as _modifier tries them)
        stems += [stem(surface[:end]) for end in range(len(surface) - 4, SHORT, -1)]
    for term in stems:
        found = {index.branches[t] for t, q in _family(index, term).items() if q >= 0.85 and t in index.branches}
        if found:
            return found
    return set()


def _common_prefix(a: str | tuple, b: str | tuple) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


def _modifier(index: SearchIndex, surface: str) -> list[tuple[str, float]]:
    """The data's word that a query compound starts with: tulkkausfirma ~ tulkkaus (fysioterapiayritys ~
    fysioterapia). It counts beside the head, as a word of its own but weaker: the head decides, unless
    the head is the commoner word of the two (henkilöstömuutos: "muutos" is in many outcomes' titles,
    "henkilöstö" says which one), when the modifier counts as much as a head would."""
    for end in range(len(surface) - 4, SHORT, -1):  # the longest piece first; the head keeps >= 4 letters
        piece = surface[:end]
        for term in (piece, stem(piece)):
            if len(term) > SHORT and (found := _family(index, term)):
                head = stem(surface[end:])
                rarity = index.idf.get(head)
                common_head = rarity is not None and rarity < min(index.rarity(t) for t in found)
                weight = 0.8 if common_head else 0.55
                return [(t, weight * q) for t, q in found.items()]
    return []


def _family(index: SearchIndex, stem_: str) -> dict[str, float]:
    """The stem itself, its word family (a common prefix of >= 5 letters covering all but 2 of the
    shorter word, or 85 % of the longer), and the index words it starts (tulkkau ~ tulkkaus)."""
    found: dict[str, float] = {}
    exact = stem_ in index.postings
    if exact:
        found[stem_] = 1.0
    for term in index.with_prefix(stem_[:5]):
        prefix = _common_prefix(term, stem_)
        longer = max(len(term), len(stem_))
        # (a caller's word the data lacks may run on: myöhästyi ~ myöhässä; the data's may not: järjestää is
        # no järjestelmä; a word the data has keeps to its close family: toimitila is no toiminta)
        shorter = min(len(term), len(stem_))
        gap = max(len(term) - len(stem_), 0)
        # A word the data has relates only to stems of itself: extranet ~ extran, never toimitila ~ toimin(ta).
        # A caller's word may run on by an ending (myöhästyi ~ myöhässä), not by a whole word: a compound the
        # data lacks (kuntoutuslaitoksen) is no relative of a short word it starts with (kuntoutuja).
        run_on = len(stem_) - prefix
        related = (
            (prefix == shorter and longer - shorter <= 2)
            if exact
            else (prefix >= shorter - 2 and gap <= 2 and run_on <= RUN_ON)
        )
        if related or prefix >= 0.85 * longer:
            found[term] = max(found.get(term, 0.0), 0.6 + 0.35 * prefix / longer)
    for term in index.with_prefix(stem_):
        found[term] = max(found.get(term, 0.0), 0.7)
    return found


_CONSONANTS = frozenset("bcdfghjklmnpqrstvwxz")
_GRADES = (
    ("kk", "k"),
    ("pp", "p"),
    ("tt", "t"),
    ("nk", "ng"),
    ("mp", "mm"),
    ("lt", "ll"),
    ("nt", "nn"),
    ("rt", "rr"),
    ("t", "d"),
)


def _graded(stem_: str) -> list[str]:
    """The stem with one consonant doubled or undoubled, or one strong grade swapped for its weak grade
    or back (kk/k, pp/p, tt/t, nk/ng, mp/mm, lt/ll, nt/nn, rt/rr, t/d): Finnish consonant gradation and
    a caller's lost or added double letter. Only stems of >= 5 letters; the first two letters stay."""
    if len(stem_) <= SHORT:
        return []
    out = []
    for k in range(2, len(stem_)):
        ch = stem_[k]
        if ch not in _CONSONANTS:
            continue
        if stem_[k - 1] == ch:
            out.append(stem_[:k] + stem_[k + 1 :])  # mittar -> mitar
        elif k + 1 >= len(stem_) or stem_[k + 1] != ch:
            out.append(stem_[:k] + ch + stem_[k:])  # mitar -> mittar
        for strong, weak in _GRADES:
            for a, b in ((strong, weak), (weak, strong)):
                if stem_.startswith(a, k - len(a) + 1) and k - len(a) + 1 >= 2:
                    out.append(stem_[: k - len(a) + 1] + b + stem_[k + 1 :])
    return list(dict.fromkeys(out))


def _candidates(index: SearchIndex, stem_: str, surface: str) -> list[tuple[str, float]]:
    """Index stems that a query word may stand for, with match quality.

    Each rule looks up only the stems it can match (dictionary probes and
    bisected ranges of sorted lists), so a query costs about the same on a
    10,000-node tree as on the real one. Short stems match only whole words.
    """
    found: dict[str, float] = {}
    postings = index.postings

    def offer(term: str, quality: float, word: str = surface) -> None:
        if term in NEUTRAL:  # "mihin ilmoitetaan" is said whatever the matter; "ilmoittaminen" still counts
            return
        if len(term) <= SHORT:
            term = index.short_match(term, word)  # type: ignore[assignment]
        if term is not None and quality > found.get(term, 0.0):
            found[term] = quality

    exact = stem_ in postings
    if exact:
        offer(stem_, 1.0)
    if len(stem_) <= SHORT:
        return list(found.items())
    for term, quality in _family(index, stem_).items():
        offer(term, quality if term == stem_ or not exact else FAMILY_OF_EXACT * quality)
    # The stemmer undoubles a final consonant (vastaanotto -> vastaanoto), so the whole word starts
    # index compounds its stem does not: vastaanotto ~ vastaanottotila.
    if len(surface) >= 7 and not surface.startswith(stem_):
        for term in index.with_prefix(surface):
            offer(term, 0.7)
    if exact:  # a word the data has is not taken apart: toimipiste is no "toimi"
        return list(found.items())
    for term in _graded(stem_):  # consonant gradation or a lost double: mitarit ~ mittarit, tulkaus ~ tulkkaus
        if term in postings:
            offer(term, GRADED)
    # Compound head inside the query word: julkisivuremontti ~ remontti. The part
    # before it must be a word (>= 3 letters); what follows is inflection, so the
    # tail is stemmed as a word of its own.
    n = len(surface)
    for start in range(3, n - 4):
        tail = stem(surface[start:])
        if len(tail) >= 3 and tail in postings and (len(tail) > SHORT or start >= 5):  # tarv|itsemme is no "itse"
            offer(tail, 0.8, surface[start:])
    # The query word is the head of an index compound: remontti ~ putkiremontti.
    for term in index.ending_with(stem_):
        offer(term, 0.6)
    if not found and len(stem_) >= 7:
        from rapidfuzz import process
        from rapidfuzz.distance import Levenshtein  # lazily: only typos pay for it

        rare = max(2, len(index.outcomes) // 4)  # typos reach only words that say something specific
        for term, similarity, _ in process.extract(
            stem_, index.stems, scorer=Levenshtein.normalized_similarity, score_cutoff=0.8, limit=20
        ):
            if len(term) >= 6 and term[0] == stem_[0] and len(postings[term]) <= rare:
                offer(term, 0.5 * similarity)
    return list(found.items())


def _respelled(index: SearchIndex, stem_: str, surface: str) -> tuple[str, str]:
    """A word the data lacks, as the written word it is likely spoken or typed for (rahotusta ~ rahoitusta,
    sairastu ~ sairastui, tyoikasille ~ työikäisille): the first variant whose stem the data has."""
    for form in variants(surface):
        found = stem(form)
        if found in index.postings and len(found) > SHORT:
            return found, fold(form)
    return stem_, surface


def _score(
    index: SearchIndex, query: str, limit: int, prune: bool = True
) -> tuple[list[tuple[int, float]], dict[int, list[str]]]:
    query_terms_ = query_terms(query[:MAX_QUERY_CHARS])[:MAX_QUERY_WORDS]
    postings, idf, norms = index.postings, index.idf, index.norms
    saturation = K1 + 1.0
    failure_reported = any(kind in (FAILED, UNABLE) for _, _, kind in query_terms_)
    branches = index.branches

    # Each distinct query word: its candidate stems and an upper bound of what it can add.
    plan: list[tuple[float, list[tuple[str, float]], int]] = []
    pending: list[tuple[list[tuple[str, float]], int]] = []
    seen: set[tuple[str, int]] = set()
    relatives_of_exact: list[str] = []  # words the data has, whose close relatives may name a branch
    denied: set[tuple[tuple[str, str], ...]] = set()  # branches the caller says the matter is not in
    for stem_, surface, kind in query_terms_:
        if stem_ not in postings and kind != JOINED and len(surface) >= 5:
            stem_, surface = _respelled(index, stem_, surface)
        if kind in (FAILED, EXCLUDED) and (said_not := _branches_named(index, stem_, surface)):
            if kind == FAILED and not index.negated(stem_):
                kind = EXCLUDED  # "ei rekisteröinti", "ei tulkkaus": a branch's name negated says which it is not
            if kind == EXCLUDED:
                denied |= said_not
        if kind == PLAIN and stem_ in postings and len(stem_) > SHORT and branches:
            relatives_of_exact.append(stem_)
        if (stem_, kind) in seen or len(stem_) < 2:
            continue
        seen.add((stem_, kind))
        if kind == JOINED:  # "akva-raportoinnin": its parts count; the joined word only as a word of the data
            cands = [(stem_, 1.0)] if stem_ in postings else []
        elif kind == FAILED and (failed := index.negated(stem_)):
            cands = failed  # the data's own "ei onnistu", "ei löydy"
        else:
            cands = _candidates(index, stem_, surface)
            if kind == EXCLUDED and NEG + stem_ in postings:
                cands.append((NEG + stem_, 1.0))
            if kind == UNABLE:  # the matter, and the data's own failure of it ("ei järjestetä")
                cands += index.negated(stem_)
            if stem_ not in postings and (modifier := _modifier(index, surface)):
                pending.append((modifier, kind))
        # One word's forms share one rarity: the rarest spelling of a family ("kuntoutuspsykoterapiaan",
        # once in the data) must not outweigh its common one, nor a compound part the word itself.
        close_family = [idf[t] for t, q in _family(index, stem_).items() if q >= 0.85]
        if close_family:
            cap = min(close_family)
            cands = [(t, q * min(1.0, cap / index.rarity(t))) for t, q in cands]
        pending.append((cands, kind))
    # Two words that the data writes as one compound: "raportoinnin ohjeet" ~ "raportointiohje"; or as a
    # phrase among its keywords: "vanha sopimus".
    for (first, _, kind1), (second, _, kind2) in pairwise(query_terms_):
        if kind1 == kind2 == PLAIN and (phrase := f"{first} {second}") in postings:
            pending.append(([(phrase, PHRASE)], PLAIN))
        if kind1 == kind2 == PLAIN and len(first) >= 5 and len(second) >= 3:
            joined = [
                (term, PAIR)
                for term in index.ending_with(second)
                if _common_prefix(term, first) >= max(5, len(first) - 2) and term != first
            ]
            if joined:
                pending.append((joined, PLAIN))
    for cands, kind in pending:
        if not cands:
            continue
        bound = max(
            q * index.rarity(t) * saturation * index.max_weight(t) / (index.max_weight(t) + index.min_norm)
            for t, q in cands
        )
        plan.append((bound, cands, kind))
    plan.sort(key=lambda p: -p[0])

    scores: dict[int, float] = {}
    matched: dict[int, list[str]] = {}
    keep = max(limit, MAX_CLOSE)
    remaining = sum(bound for bound, _, kind in plan if kind != EXCLUDED)
    penalties: dict[int, float] = {}
    for bound, cands, kind in plan:
        if kind == EXCLUDED:
            continue
        # Max-score pruning: the k-th best so far is a floor under the final k-th best. An outcome not
        # yet scored whose value here plus all the later words could add stays under it cannot reach
        # the top k, so each term's postings are walked best first and left there.
        floor = heapq.nlargest(keep, scores.values())[-1] if prune and len(scores) >= keep else 0.0
        remaining -= bound
        best: dict[int, tuple[float, str]] = {}
        for term, quality in cands:
            factor = quality * index.rarity(term)
            posting = index.posting(term)
            if prune and floor > bound + remaining:  # nothing new can enter: re-score the known ones
                rest = 0
            else:
                ranked = index.ranked(term)
                firsts: list[float] = []
                term_floor = floor
                for rest, (value, i, word) in enumerate(ranked):  # noqa: B007  (rest is used below)
                    value *= factor
                    if prune and value + remaining < term_floor:
                        break
                    if value > best.get(i, (0.0, ""))[0]:
                        best[i] = (value, word)
                    if len(firsts) < keep:  # values fall: the k-th seen is a floor for the final k-th
                        firsts.append(value)
                        if len(firsts) == keep:
                            term_floor = max(term_floor, value)
                else:
                    continue
            # The postings left unwalked still add to outcomes already found.
            known = scores.keys() | best.keys()
            if len(known) < len(posting) - rest:
                pairs = [(i, posting[i]) for i in known if i in posting]
            else:
                pairs = [(i, posting[i]) for _, i, _ in index.ranked(term)[rest:] if i in known]
            for i, (weight, word) in pairs:
                value = factor * (saturation * weight / (weight + norms[i]))  # as in ranked(): same float
                if value > best.get(i, (0.0, ""))[0]:
                    best[i] = (value, word)
        for i, (value, word) in best.items():
            scores[i] = scores.get(i, 0.0) + value
            words = matched.setdefault(i, [])
            if word not in words:
                words.append(word)
    # "ei koske X": X takes back what it would add, except where the data says "ei X" too.
    for _, cands, kind in plan:
        if kind != EXCLUDED:
            continue
        agree = {t for t, _ in cands if t.startswith(NEG)}
        best_penalty: dict[int, float] = {}
        for term, quality in cands:
            posting = index.posting(term)
            for i in scores:
                entry = posting.get(i)
                # (a word an outcome only stands for, its contact's topics or its path, is not taken back:
                # "muu …, ei oo peruminen" is for the "Muu …" outcome that stands for all of them)
                if entry is None or entry[0] <= W_CONTACT:
                    continue
                value = quality * index.rarity(term) * saturation * entry[0] / (entry[0] + norms[i])
                if term in agree:
                    scores[i] += value
                    best_penalty[i] = -math.inf
                elif value > best_penalty.get(i, 0.0):
                    best_penalty[i] = value
        for i, value in best_penalty.items():
            if value > 0:
                penalties[i] = penalties.get(i, 0.0) + value
    for i, value in penalties.items():
        scores[i] -= value
    # A word that names a branch decides its question: the other options' outcomes step back.
    named = {
        branches[t] for _, cands, kind in plan if kind != EXCLUDED for t, q in cands if q >= 0.85 and t in branches
    }
    # A word the data has names the branch of its close relative too: "rekisteröity (tuottaja)" stems as the
    # data's "rekisteröityä" but means "rekisteröitynyt" (both are the registration branch).
    for stem_ in relatives_of_exact:
        named.update(branches[t] for t, q in _family(index, stem_).items() if q >= NAMES_BRANCH and t in branches)
    # "ei rekisteröinti", "ei oo rekisteröitymisjuttu": the branch the caller says it is not steps back.
    for prefix in denied - named:
        for i in scores:
            if index.paths[i][: len(prefix)] == prefix:
                scores[i] *= OTHER_BRANCH
    for prefix in named:
        depth = len(prefix) - 1
        # Words that name different options of this question (or of a branch under another option of
        # it) contradict each other there: "vaativan … fysioterapian palvelukuvaus" names both the
        # therapies and the service descriptions. Neither side steps back at this question.
        if any(
            len(other) > depth and other[:depth] == prefix[:depth] and other[depth] != prefix[depth] for other in named
        ):
            continue
        for i in scores:
            path = index.paths[i]
            if len(path) > depth and path[:depth] == prefix[:depth] and path[depth] != prefix[depth]:
                scores[i] *= OTHER_BRANCH
    # An outcome whose title names its branch ("Rekisteröityneen palveluntuottajan yhtiömuodon muutos")
    # ranks below the peer the same words reach in a sibling branch, unless the caller names the branch.
    # (only among the leading hits: the order further down is never shown)
    leading = heapq.nlargest(4 * keep, scores, key=scores.__getitem__) if index.qualified else []
    for i in leading:
        own = index.qualified.get(i)
        if own is None or not named.isdisjoint(own):
            continue
        words = set(matched[i])
        for prefix in own:
            depth = len(prefix) - 1
            if any(
                j != i
                and (path := index.paths[j])[:depth] == prefix[:depth]
                and len(path) > depth
                and path[depth] != prefix[depth]
                and not words.isdisjoint(matched[j])
                for j in leading
            ):
                scores[i] *= UNNAMED_BRANCH
                break
    if not failure_reported:
        for i in index.conditional & scores.keys():
            scores[i] *= CONDITIONAL
    outcomes = index.outcomes
    positive = ((i, s) for i, s in scores.items() if s > 1e-9)
    top = heapq.nsmallest(keep, positive, key=lambda kv: (-kv[1], outcomes[kv[0]]))
    return top, matched


def search(index: SearchIndex, query: str, limit: int = 5) -> list[Hit]:
    """Ranked outcomes for a caller's words; [] if nothing matches."""
    return find(index, query, limit).hits


def find(index: SearchIndex, query: str, limit: int = 5, *, prune: bool = True) -> SearchResult:
    """Ranked outcomes for a caller's words, and whether the ranking is sure (see SearchResult).

    `prune=False` scores every posting (the tests check that pruning changes no ranking)."""
    top, matched = _score(index, query, limit, prune)
    outcomes = index.outcomes
    hits = [Hit(outcomes[i], round(score, 3), tuple(matched[i])) for i, score in top[: max(limit, 0)]]
    if not top or top[0][1] < WEAK:
        return SearchResult(hits, False, index.root, (), ())
    best = top[0][1]
    close = [i for i, score in top[:MAX_CLOSE] if score >= CLOSE * best]
    if len({index.contacts[i] for i in close}) < 2:
        return SearchResult(hits, False, None, (), ())

    paths = [index.paths[i] for i in close]
    depth = 0
    while all(len(p) > depth for p in paths) and len({p[depth] for p in paths}) == 1:
        depth += 1
    if not all(len(p) > depth for p in paths):  # an outcome without a path: ask from the top
        return SearchResult(hits, True, index.root, tuple(outcomes[i] for i in close), ())
    return SearchResult(
        hits,
        True,
        paths[0][depth][0],
        tuple(outcomes[i] for i in close),
        tuple(p[depth][1] for p in paths),
    )
