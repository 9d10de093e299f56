"""Finnish-aware text normalisation for search: folding, tokens, stems, negation.

Stemming is the Snowball Finnish algorithm through PyStemmer's public API
(`Stemmer.Stemmer("finnish")`, a C extension: ~1 ms to import, the same stems
as the pure-Python snowballstemmer on every word of the seed, the flows and
the scenarios). Callers speak, so a few rules bring spoken forms to the
written ones before stemming (meiän, ois, osakeyhtiöks, tullu), and a
negation word marks what follows: a failure ("ei onnistu") is a word of its
own, an exclusion ("ei koske X") takes X out of the query.
"""

from __future__ import annotations

import re
from functools import cache

_TOKEN = re.compile(r"[0-9a-zåäöšžéü]+(?:-[0-9a-zåäöšžéü]+)*|[.,;:!?]")  # words (hyphenated whole) and stops
_FOLD = str.maketrans({"ä": "a", "ö": "o", "å": "o", "š": "s", "ž": "z", "é": "e", "ü": "u"})

# Words that carry no routing meaning in callers' speech: function words,
# spoken fillers and vague nouns and verbs ("juttu", "mennä"). Matched on the
# spoken word and on its written form. A word the flows' keywords use as a
# caller's word ("uusi ajankohta", "liian vähän") is not one of these.
STOPWORDS = frozenset(
    """
    ja tai on oli ovat olla olen olemme ollaan olis olisi ois oisko olisko oon oo ole olla
    se ne tämä tuo että kun jos niin mutta vaan vai kuin myös eli siis sekä
    me meillä meidän meille meiltä meil meiän meitä mä mulla minä minulla minun mun mulle mua
    sä sinä te teillä teille teidän teiltä he hän hänen sen sitä niitä nää nämä noi noista niistä näistä
    nyt sitten sit vielä jo no joo juu nii niinku niinkun tota toi tuota tää ihan aika tosi kanssa
    tästä siitä tässä tossa siinä siellä täällä tänne sinne jonnekin jonnekki jollekin jollekki joku jokin
    jotain jotakin mikään mitään kukaan ketään
    asia asiaa asiasta asiassa asiat juttu jutut juttua jutusta jutuista semmonen semmoinen sellainen
    sellanen tällainen tällanen tommonen tuollainen
    kelalle kelaan kelaa kela kelan kelalta kelassa teillä
    pitäisi pitää pitäis pitäs pitäiskö pitääkö pitääks täytyy tarttis tarvis tarviis
    haluan haluaisin halutaan haluttais haluttaisiin haluisin haluun haluaa haluis haluttas
    itsensä itseään itsestään itselleen ollenkaan yhtään
    voi voiko voisin voisko voiks voisinks voitteko voisitteko
    miten mites mitä mikä missä mihin mistä kuka ketä keneen kehen kenelle milloin koska onko onks
    olisiko ollut tulee tuli saa saada saisko saako
    en et emme ette eivät ei eikä ettei etten
    mennä menee meni menossa mee mene menis tehdä tehdään tehty tehtiin teen tee tekee tehään
    hei moi moikka terve päivää huomenta kiitos kiitti öö ööö ää äää hmm niin just kyllä
    tarpeeks tarpeeksi koko ens ensi vaan vaa ku mut et
    liittyvä liittyvää liittyen koskien koskeva koskevaa koskee kysymys kysymyksiä kysyä kysyisin kysyttävää
    kysymyksen kysymykseen kysymykset kysymystä kysymyksiin kysy kysyn kysyy kysyi kysyin kysytty kysyttiin
    mie sie myö hyö mää sää mulla multa mulle sulla sulle sua sun meiltä teiltä
    hänelle hänellä häneltä häntä hänet heille heillä heidän heitä sille sillä siltä siihen niille niillä
    tälle tällä tältä tähän tätä noille noilla näille näillä näitä noita keltä kelle keneltä kenen ketkä
    yks yksi kaks kaksi pari pariin paria muutama muutamia tilalle kolme neljä viisi kuusi seitsemän kahdeksan
    yhdeksän kymmenen yksitoista kakstoista kaksitoista kymmenkunta puolet
    ni nii tehä tehhään tehty teki tekee pittää pittääkö pitäskö pitäiskö pitääks pittäis
    sanoo sano sanoi sanonut kertoo kerto kertoi tiedä tiiä tiijä tiedetä tietää ymmärrä ymmärrän ymmärretä
    mietin miettii mietitään luulen luulisin kuulin kuullut kuulla ajattelin varma varmaa varmoja selvää
    """.split()
)


# Words every caller says whatever the matter ("mihin ilmoitetaan"): the data's own "ilmoitus" is no
# match for them and names no branch of the tree (stems; see search._candidates and _branches). Longer
# words built on them still count: "tulkkausajankohtien ilmoittaminen", "ilmoittautuneet".
NEUTRAL = frozenset("ilmoit ilmoitus ilmoituks".split())


# When something happens is no routing word in callers' speech ("ens viikolla", "kuukauden", "keväällä",
# "kuntoutuksen aikana"): dates, seasons, weekdays, months and time postpositions, matched on the folded
# written word. (The data's "3 kuukautta ennen muutosta" is a fact about notice, not a caller's cue.)
def _forms(spec: str) -> list[str]:
    """'viiko:n,lla' -> viikon, viikolla; a bare word stands for itself."""
    out = []
    for item in spec.split():
        base, _, endings = item.partition(":")
        out.extend(base + ending for ending in endings.split(",")) if endings else out.append(base)
    return out


# (a set, not a regular expression: compiling one this size took ~20 ms, paid by every `find`)
_TIME_WORDS = frozenset(
    _forms(
        """
        paiva:,n,a,lla,ssa,ksi,t,na paivia
        viikko:,a,ja viiko:n,lla,ssa,ksi,t,ista,ille
        kuukausi:,a,in,en kuukau:den,tta,dessa,deksi,det kuu:ssa,n,ksi,lla
        vuosi:,a,in,en vuo:den,tta,nna,dessa,deksi,det vuodenvaihde vuodenvaihtee:ssa,seen,n
        kevat kevaa:lla,n,seen,ksi,na kesa:,lla,na,ksi,an syksy:,lla,n,ksi,yn,na talvi talve:lla,n,ksi,na
        kuukaute:en viikko:on vuote:en vuode:lta
        aamu:,lla,sta,n ilta illa:lla huomenna ylihuomenna tanaan eilen heti pian joskus
        maanantai:,na,hin,sta,ksi tiistai:,na,hin,sta,ksi keskiviikko:,na,on,sta,ksi
        torstai:,na,hin,sta,ksi perjantai:,na,hin,sta,ksi lauantai:,na,hin,sta,ksi sunnuntai:,na,hin,sta,ksi
        tammikuu:,ssa,n,hun,ta,lla helmikuu:,ssa,n,hun,ta,lla maaliskuu:,ssa,n,hun,ta,lla
        huhtikuu:,ssa,n,hun,ta,lla toukokuu:,ssa,n,hun,ta,lla kesakuu:,ssa,n,hun,ta,lla
        heinakuu:,ssa,n,hun,ta,lla elokuu:,ssa,n,hun,ta,lla syyskuu:,ssa,n,hun,ta,lla
        lokakuu:,ssa,n,hun,ta,lla marraskuu:,ssa,n,hun,ta,lla joulukuu:,ssa,n,hun,ta,lla
        aikana aikaa ajaksi jalkeen ennen asti saakka mennessa lahtien alkaen kuluessa aikaisintaan
        """
    )
)

# Spoken forms of common words, and their written forms (stemmed afterwards).
SPOKEN = {
    "osote": "osoite",
    "osotteen": "osoitteen",
    "osotteeseen": "osoitteeseen",
    "ite": "itse",
    "uus": "uusi",
    "uuen": "uuden",
    "toisii": "toisiin",
    "mitää": "mitään",
    # "me ollaan rekisteröidytty", "rekisteröity tuottaja": a registered provider (Snowball would stem
    # "rekisteröity" as the infinitive "rekisteröityä", to register, which is what a newcomer asks about)
    "rekisteröidytty": "rekisteröitynyt",
    "rekisteröity": "rekisteröitynyt",
}
_SPOKEN_PREFIXES = (("ilmot", "ilmoit"),)  # ilmottaa, ilmotus, ilmottautuminen

# After a negation word: verbs that exclude what follows ("ei koske X", "ei
# liity X:ään", "ei oo X eikä Y"). Any other verb after a negation reports a
# failure ("ei onnistu", "ei anna", "ei toimi") and is kept as a marked word.
_NEGATIONS = frozenset("ei eikä en emme ette eivät ettei etten".split())
_EXCLUDING = frozenset("koske koskee liity liittyy kuulu kuuluu tarkoita oo ole olla ollut oli kyse kysymys".split())
# Verbs whose negation says that the infinitive after them failed: ei pysty/voi/saa/ehdi/onnistu X.
_MODALS = frozenset(
    "pysty pystytä pystytty pystyny pystynyt voi voida voitu saa saada saatu ehdi ehditä ehditty onnistu onnistuta"
    " onnistuttu kannata jaksa".split()
)
_SCOPE_END = frozenset(". , ; : ! ? mutta mut vaan vaa".split())
_CONTRAST = frozenset("vaan vaa".split())  # "ei X vaan Y": X is what the matter is not
# Adverbs between a negation and what it negates ("ei siis", "ei oo vielä", "en oo ihan"): skipped.
_NEGATION_FILLERS = frozenset(
    "siis vielä ihan kyllä yhtään enää edes ollenkaan kuitenkaan oikein kai varmaan me mä mää mie hän se ne".split()
)
# "ei haluta perua": what the caller does not want to do is not the matter
_UNWILLING = frozenset("halua haluta haluttu aio aiota".split())
# "ei mikään X", "ei mitään X": X is excluded, as after "ei koske".
_NOTHING = frozenset("mikään mitään mitkään kukaan ketään".split())
# "en oo varma", "ei oo selvää": a hedge, not an exclusion of what follows.
_HEDGES = frozenset("varma varmaa varmoja selvä selvää selvillä tietoinen perillä".split())
# "ei pätevyysasia": a negated matter noun says what the matter is not
_MATTER_NOUNS = ("asia", "asiaa", "juttu", "juttua", "kysymys", "homma", "hommaa")
_STOPS = STOPWORDS | frozenset(".,;:!?")


@cache
def _dropped(word: str) -> bool:
    """A written word that carries no routing meaning: a stopword or a time word."""
    return word in STOPWORDS or fold(word) in _TIME_WORDS


_PARTICIPLE = re.compile(r"(?:nut|nyt|lut|lyt|rut|ryt|sut|syt|nu|ny|llu|lly|rru|rry|ssu|ssy|ttu|tty)$")

# Token kinds in a query.
PLAIN, FAILED, EXCLUDED, JOINED = 0, 1, 2, 3  # JOINED: a hyphenated compound written as one word
UNABLE = 4  # what a negated modal says cannot be done: "ei pystytä järjestämään" (the word, and its failure)
NEG = "!"  # prefix of a negated (failure) stem: "ei onnistu" -> "!onnistu"


def fold(text: str) -> str:
    return text.lower().translate(_FOLD)


@cache
def _stemmer():
    import Stemmer  # PyStemmer: a declared dependency, so a missing one is an error, not silence

    return Stemmer.Stemmer("finnish")


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
    stemmed = _stemmer().stemWord(word) if len(word) > 3 else word
    if stemmed.endswith("is") and len(stemmed) >= 4 and _NEN_FORMS.search(word):
        stemmed = stemmed[:-2] + "in"
    return fold(stemmed)


@cache
def written(word: str) -> str:
    """The written form of a spoken word: osote → osoite, osakeyhtiöks → osakeyhtiöksi, tullu → tullut,
    tarvittais → tarvittaisiin, kurssil → kurssilla."""
    if word in SPOKEN:
        return SPOKEN[word]
    for spoken, proper in _SPOKEN_PREFIXES:
        if word.startswith(spoken):
            word = proper + word[len(spoken) :]
    if len(word) >= 6 and word.endswith("ks") and word[-3] in "aeiouyäö":  # translative: -ks for -ksi
        return word + "i"
    if len(word) >= 7 and word.endswith(("ttais", "ttäis")):  # passive conditional: tarvittais for tarvittaisiin
        return word + "iin"
    if len(word) >= 6 and word[-2] in "aeiouyäö" and word[-1] == "l":  # adessive: kurssil for kurssilla
        return word + ("la" if any(v in word for v in "aou") else "lä")
    if len(word) >= 6 and word.endswith(("ais", "äis")):  # conditional: haluais for haluaisi
        return word + "i"
    if len(word) >= 5 and re.search(r"(?:[aeiouyäö]n|ll|rr|ss)[uy]$", word):  # participle: tullu, onnistunu
        return word + "t"
    return word


_VOWELS = "aeiouyäö"
_RESTORE = str.maketrans({"a": "ä", "o": "ö"})


@cache
def variants(word: str) -> tuple[str, ...]:
    """Written forms a caller's word may stand for, most likely first, for a word whose stem the data
    lacks (search tries them in order and keeps the first whose stem the data has). Speech drops an i
    after a vowel (rahotus, itäsen, vapaamuotonen, myöhästy, sairastu), an m of the -maan infinitive
    (järjestään, tuottaan, tekeen), and typing drops ä and ö (tyoikasille)."""
    out: list[str] = []

    def add(form: str) -> None:
        if form != word and form not in out:
            out.append(form)

    for base in (word, word.translate(_RESTORE)) if any(v in word for v in "ao") else (word,):
        add(base)
        if len(base) >= 5:
            # the i of -oi-/-ai-/-äi- before t or s: rahotus ~ rahoitus, itäsen ~ itäisen, tarkottaa ~ tarkoittaa
            add(re.sub(r"([aoäöuy])(?=(?:tt?|s|n)[aeiouyäö])", r"\1i", base, count=1))
            if base.endswith(("nen", "set", "sen")) and base[-4] in "aouäöy":
                add(base[:-3] + "i" + base[-3:])
            # a d spoken as j between vowels (savo, tampere): remontoijaan ~ remontoidaan
            add(re.sub(r"([aeiouyäö])ij([aeiouyäö])", r"\1id\2", base, count=1))
            if base[-1] in "uy" and base[-2] not in _VOWELS:  # past tense: sairastu ~ sairastui
                add(base + "i")
            if re.search(r"[^aeiouyäö](?:aa|ää|ee)n$", base):  # -maan infinitive: järjestään ~ järjestämään
                back = any(v in base for v in "aou")
                add(base[:-2] + "m" + (base[-3:] if base[-3] != "e" else "aan" if back else "ään"))
    return tuple(out)


def _split(group: str) -> list[str]:
    """A hyphenated compound gives its parts and the joined word ("y-tunnuksen": tunnuksen, ytunnuksen)."""
    if "-" not in group:
        return [group]
    parts = [p for p in group.split("-") if p]
    return [*parts, "".join(parts)]


def words(text: str) -> list[str]:
    """Lower-case surface words (diacritics kept; the stemmer needs them)."""
    return [w for group in _TOKEN.findall(text.lower()) if group[0] not in ".,;:!?" for w in _split(group)]


@cache
def _plain_token(token: str) -> tuple[tuple[str, int], ...]:
    """(written word, kind) for one token outside any negation's reach: it depends on the token alone."""
    if token in _STOPS or _dropped(word := written(token)):
        return ()
    parts = _split(word)
    return tuple((part, JOINED if part is parts[-1] and len(parts) > 1 else PLAIN) for part in parts)


def _tokens(text: str) -> list[tuple[str, int]]:
    """(written word, kind) for the words of `text`, negation read, stopwords dropped.

    A negation followed by an excluding verb marks the content words after it
    (to the end of the clause, "eikä" continuing it) EXCLUDED; followed by any
    other verb, that verb becomes FAILED and the words after it stay PLAIN.
    "ei oo tullu" is a negated past tense: the participle is the FAILED verb.
    """
    raw = _TOKEN.findall(text.lower())
    if _NEGATIONS.isdisjoint(raw):  # the common case, and every index text without "ei": no scopes to read
        return [pair for token in raw for pair in _plain_token(token)]
    out: list[tuple[str, int]] = []
    excluding = False
    k = 0
    while k < len(raw):
        token = raw[k]
        k += 1
        if token in _SCOPE_END:
            excluding = False
            continue
        word = written(token)
        if token in _NEGATIONS:
            if token == "eikä" and excluding:
                continue
            excluding = False
            clarifying = False  # "ei siis X": what follows says what the matter is not
            while k < len(raw) and raw[k] in _NEGATION_FILLERS:
                clarifying = clarifying or raw[k] == "siis"
                k += 1
            if k < len(raw) and raw[k] not in _SCOPE_END:
                verb = written(raw[k])
                k += 1
                if verb in _EXCLUDING:
                    while k < len(raw) and raw[k] in _NEGATION_FILLERS:
                        k += 1
                    after = written(raw[k]) if k < len(raw) else ""
                    if after in _HEDGES:  # en oo varma: nothing is excluded
                        k += 1
                    elif _PARTICIPLE.search(after) and after not in STOPWORDS and not after.endswith(_MATTER_NOUNS):
                        # ei oo tullu: a failure (but "ei oo rekisteröitymisjuttu" is a noun)
                        out.append((after, FAILED))
                        k += 1
                    else:
                        excluding = True
                elif verb in _NOTHING:
                    excluding = True
                else:
                    if verb in _UNWILLING:  # "ei haluta perua": nothing failed, and what follows is not the matter
                        if k < len(raw) and raw[k] not in _STOPS:
                            out.append((written(raw[k]), EXCLUDED))
                            k += 1
                        continue
                    if verb not in STOPWORDS:
                        # "ei pätevyysasia vaan …": what the matter is not, not a failure
                        contrast = (
                            clarifying or verb.endswith(_MATTER_NOUNS) or any(t in _CONTRAST for t in raw[k : k + 2])
                        )
                        out.append((verb, EXCLUDED if contrast else FAILED))
                    # "ei pystytä järjestämään", "ei voi siirtää": what cannot be done failed too
                    if verb in _MODALS and k < len(raw) and raw[k] not in _STOPS:
                        out.append((written(raw[k]), UNABLE))
                        k += 1
            continue
        if token in STOPWORDS or _dropped(word):
            continue
        parts = _split(word)
        for part in parts:
            out.append((part, EXCLUDED if excluding else JOINED if part is parts[-1] and len(parts) > 1 else PLAIN))
    return out


def query_terms(text: str) -> list[tuple[str, str, int]]:
    """(stem, folded surface, kind) for every meaningful word of a caller's query."""
    return [(stem(w), fold(w), kind) for w, kind in _tokens(text)]


def terms(text: str) -> list[tuple[str, str]]:
    """(stem, folded surface) for every meaningful, non-excluded word (negated verbs as plain words)."""
    return [(stem(w), fold(w)) for w, kind in _tokens(text) if kind != EXCLUDED]


def analyse_words(text: str) -> list[tuple[str, str]]:
    """(stem, the word as written) for every meaningful word: index building's one pass.

    A negated verb in the data ("ei onnistu") gives both its stem and the
    marked stem "!onnistu", which only a caller's own negation reaches.
    Stems shorter than two letters carry no meaning for search and are left out.
    """
    # An index has tens of thousands of texts over a few thousand words: the work is done once per
    # whitespace-separated piece (see _piece_pairs), and a text only joins its pieces' pairs.
    pairs: list[tuple[str, str]] = []
    for piece in text.lower().split():
        found = _piece_pairs(piece)
        if found is None:
            return _negated_pairs(text)
        pairs += found
    return pairs


def _negated_pairs(text: str) -> list[tuple[str, str]]:
    """analyse_words for a text with a negation word, read as a whole (see _tokens)."""
    pairs = []
    for word, kind in _tokens(text):
        stemmed = stem(word)
        if len(stemmed) >= 2:
            pairs.append((stemmed, word))
            if kind == FAILED:
                pairs.append((NEG + stemmed, "ei " + word))
    return pairs


@cache
def _piece_pairs(piece: str) -> tuple[tuple[str, str], ...] | None:
    """analyse_words' pairs for one whitespace-separated piece of lower-case text, or None if the piece
    holds a negation word (its reach goes past the piece: the whole text is read then). No token spans
    whitespace, so a text without negations has exactly its pieces' pairs, in order."""
    raw = _TOKEN.findall(piece)
    if not _NEGATIONS.isdisjoint(raw):
        return None
    return tuple((stemmed, word) for token in raw for word, _ in _plain_token(token) if len(stemmed := stem(word)) >= 2)
