"""Finnish-aware text normalisation for search: folding, tokens, stems.

The Snowball Finnish stemmer (pure Python, BSD) is loaded on its own: the
`snowballstemmer` package's __init__ imports all 30 languages (~12 ms), which
would eat a third of the scriptable commands' start-up budget.
"""

from __future__ import annotations

import re
import sys
from functools import cache

_HYPHENATED = re.compile(r"[0-9a-zåäöšž]+(?:-[0-9a-zåäöšž]+)*")  # words, hyphenated compounds whole
_FOLD = str.maketrans({"ä": "a", "ö": "o", "å": "o", "š": "s", "ž": "z", "é": "e", "ü": "u"})

# Words that carry no routing meaning in callers' speech.
STOPWORDS = frozenset(
    """
    ja tai on oli ovat olla olen olemme se ne tämä tuo että kun jos niin mutta vaan vai kuin myös
    me meillä meidän meille meiltä mä mulla minä minulla minun sä sinä te teillä he hän hänen
    nyt sitten vielä jo siis no joo niinku ihan aika tosi kanssa tästä siitä asia asiaa asiasta
    kelalle kelaan kelaa kela pitäisi pitää pitäis haluan haluaisin halutaan voi voiko voisin
    miten mitä mikä missä mihin mistä kuka ketä keneen onko olisi ollut tulee tuli
    saa saada en et emme ette eivät ei meil meiän tää toi noi se
    liittyvä liittyvä liittyen liittyvää koskien koskeva koskevaa kysymys kysymyksiä kysyä kysyisin
    """.split()
)


def fold(text: str) -> str:
    return text.lower().translate(_FOLD)


@cache
def _stemmer():
    import importlib
    from importlib.machinery import PathFinder  # already loaded by the import system; importlib.util is not

    spec = PathFinder.find_spec("snowballstemmer")
    if spec is None or not spec.submodule_search_locations:
        return None
    # A private package object pointing at snowballstemmer's folder lets the
    # Finnish module resolve its relative imports without the package __init__.
    name = "_kela_snowball"
    if name not in sys.modules:
        import types

        package = types.ModuleType(name)
        package.__path__ = list(spec.submodule_search_locations)
        sys.modules[name] = package
    module = importlib.import_module(f"{name}.finnish_stemmer")
    return module.FinnishStemmer()


# Inflected forms of -nen words (itäisen, eteläiset, yleistä...) lose the n:
# Snowball stems "itäisen" to "itäis" but "itäinen" to "itäin". These endings
# put the n back, so both forms meet.
_NEN_FORMS = re.compile(
    r"is(?:en|et|ia|iä|ta|tä|ten|ille|ilta|iltä|issa|issä|ista|istä|iin"
    r"|ella|ellä|elle|elta|eltä|essa|essä|esta|estä|een)$"
)


@cache
def stem(word: str) -> str:
    """Stem a lower-case Finnish word, then fold diacritics (ä→a, ö→o)."""
    stemmer = _stemmer()
    stemmed = stemmer.stemWord(word) if stemmer and len(word) > 3 else word
    if stemmed.endswith("is") and len(stemmed) >= 4 and _NEN_FORMS.search(word):
        stemmed = stemmed[:-2] + "in"
    return fold(stemmed)


def words(text: str) -> list[str]:
    """Lower-case surface words (diacritics kept; the stemmer needs them).

    A hyphenated compound gives its parts and the joined word, so that
    "y-tunnuksen" meets both "tunnus" and "ytunnus".
    """
    lowered = text.lower()
    if "-" not in lowered:  # the common case: one findall does it
        return _HYPHENATED.findall(lowered)
    out: list[str] = []
    for group in _HYPHENATED.findall(lowered):
        if "-" in group:
            parts = group.split("-")
            out.extend(parts)
            out.append("".join(parts))
        else:
            out.append(group)
    return out


def terms(text: str, *, keep_stopwords: bool = False) -> list[tuple[str, str]]:
    """(stem, folded surface) pairs for every meaningful word of `text`."""
    return [(stem(w), fold(w)) for w in words(text) if keep_stopwords or w not in STOPWORDS]


def analyse_words(text: str) -> list[tuple[str, str]]:
    """(stem, the word as written) for every meaningful word: index building's one pass.

    Stems shorter than two letters carry no meaning for search and are left out."""
    pairs = []
    for word in words(text):
        if word not in STOPWORDS:
            stemmed = stem(word)
            if len(stemmed) >= 2:
                pairs.append((stemmed, word))
    return pairs
