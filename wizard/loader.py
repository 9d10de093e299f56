"""Read and validate the contact directory and decision trees.

Every problem is collected and reported at once as `FILE:LINE: message`
(see errors.Problem); nothing here raises anything but DataError/UsageError.
"""

from __future__ import annotations

import os
import re

# tomli, not the stdlib tomllib: the same parser, but its mypyc-compiled wheel
# parses 2.5x faster, which matters for check on large trees (bench/scale.py).
import tomli

from .digest import content_digest
from .errors import DataError, Problem
from .field_checks import DATA_EMAIL_PATTERN  # the e-mail patterns' one home
from .gcpause import gc_paused
from .model import (
    CHANNEL_KINDS,
    DRAFT_FIELD_KEYS,
    FIELD_KEYS,
    Contact,
    DraftTemplate,
    FieldSpec,
    Flow,
    Hours,
    Option,
    Outcome,
    Question,
)
from .paths import Paths
from .textsafe import CONTROL as _CONTROL

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~3 ms)
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

    from .tomlpos import LineIndex

MAX_FILE_BYTES = 8 * 1024 * 1024  # a 10,000-node flow is ~2 MB
# Ids end up in file names (autosaves), commands and URLs: a safe alphabet only.
_ID = re.compile(r"[a-z0-9_]+")
_EMAIL = re.compile(DATA_EMAIL_PATTERN)
_DOMAIN = re.compile(r"^[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}$")
# The TOML escapes that can decode to a character of the control rule (\b \f \r \e \xHH \uXXXX
# \UXXXXXXXX); an escaped backslash before such a letter only costs a walk that finds nothing.
_CONTROL_ESCAPE = re.compile(r"\\[bfrexuU]")
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
# Patterns only a syntax error needs: compiled (and cached by re) on first use.
_TOML_POS = r"\s*\(at line (\d+), column (\d+)\)"
_TOML_END = r"\s*\(at end of document\)"
MAX_SHOWN = 60  # characters of a data value quoted in a message
_ONE_LINE = str.maketrans({"\n": "\\n", "\r": "\\r", "\t": "\\t"})

# Template placeholders a flow's texts may use.
DRAFT_NAMES = frozenset(
    {"greeting", "subject", "path", "data_version", "flow_id", "flow_hash", "topic", "outcome", "to", *DRAFT_FIELD_KEYS}
)
SAY_NAMES = frozenset({"address", "name", "handled_by", "hours", "topic", "url", "topics", "notes", "phone"})

# Schema: key -> (type, required). `list` means list of non-empty strings.
_STR, _LIST, _ANY_STR, _TABLES = "string", "list of strings", "text", "list of tables"
_DAYS = "list of ISO weekday numbers 1-7"
CONTACT_KEYS = {
    "name": (_STR, True),
    "kind": (_STR, True),
    "handled_by": (_STR, True),
    "section": (_STR, False),
    "address": (_STR, False),
    "url": (_STR, False),
    "sender": (_STR, False),
    "hours_text": (_STR, False),
    "hours": ("table", False),
    "topics": (_LIST, False),
    "notes": (_LIST, False),
    "missing": (_LIST, False),
    # Provenance (checked in provenance.py): the page each fact comes from.
    "phone": (_STR, False),
    "source": (_STR, False),
    "sources": ("table", False),
    "in_source": ("table", False),
}
HOURS_KEYS = {
    "days": (_DAYS, True),
    "open": (_STR, True),
    "close": (_STR, True),
    "timezone": (_STR, True),
}
META_KEYS = {
    "source_title": (_STR, False),
    "source_file": (_STR, False),
    "version": (_STR, True),
    # Our policy, not Kela's: every address must be in one of these domains.
    "allowed_email_domains": (_LIST, True),
    # The primary source: the flows' own texts come from it (see provenance.py).
    "source": (_STR, False),
}
FLOW_KEYS = {"id": (_STR, True), "title": (_STR, True), "root": (_STR, True), "source": (_STR, False)}
QUESTION_KEYS = {"text": (_STR, True), "help": (_STR, False), "option": (_TABLES, True), "source": (_STR, False)}
OPTION_KEYS = {
    "id": (_STR, True),
    "label": (_STR, True),
    "next": (_STR, True),
    "hint": (_STR, False),
    "keywords": (_LIST, False),
    "source": (_STR, False),
}
OUTCOME_KEYS = {
    "title": (_STR, True),
    "contact": (_STR, True),
    "subject": (_STR, True),
    "topic": (_STR, False),
    "keywords": (_LIST, False),
    "source": (_STR, False),
    "notice": (_STR, False),  # one of its contact's notes, said at this outcome
}
DRAFT_KEYS = {
    "subject": (_STR, True),
    "subject_no_provider": (_STR, True),
    "greeting": (_STR, True),
    "body": (_STR, True),
    "include": (_STR, False),  # what the caller should put in the message (said at e-mail outcomes)
}
FIELD_SPEC_KEYS = {"label": (_STR, True), "placeholder": (_ANY_STR, True)}  # placeholder may be ""

# How messages name the schema's kinds and TOML's value types (in Finnish).
KIND_NAMES = {
    _STR: 'merkkijono lainausmerkeissä ("...")',
    _ANY_STR: 'merkkijono lainausmerkeissä ("...")',
    _LIST: 'lista merkkijonoja (["...", "..."])',
    "table": "taulu",
    _TABLES: "lista tauluja ([[...]])",
    _DAYS: "lista viikonpäivien numeroita 1–7 (esim. [1, 2, 3, 4, 5])",
}


_MISSING = object()
# The one set of rules for a value of each kind. table() applies them to every
# value (a 10,000-node file has ~20,000 tables); only when one fails does
# _table_problems() look closer to say what is wrong (wrong type, or empty).
_RULES = {
    _STR: lambda item: type(item) is str and bool(item.strip()),
    _ANY_STR: lambda item: type(item) is str,
    _LIST: lambda item: type(item) is list and all(type(v) is str and v.strip() for v in item),
    "table": lambda item: type(item) is dict,
    _TABLES: lambda item: type(item) is list and all(type(v) is dict for v in item),
    _DAYS: lambda item: type(item) is list and all(type(v) is int and 1 <= v <= 7 for v in item),
}


def _q(value: object) -> str:
    """A data value quoted in a message, cut short (a hostile file may hold megabytes)."""
    text = str(value)[: MAX_SHOWN + 1].translate(_ONE_LINE)  # a message never spans lines
    return f"'{text[:MAX_SHOWN]}…'" if len(text) > MAX_SHOWN else f"'{text}'"


_FUZZY: list = []  # rapidfuzz's extractOne and Levenshtein distance, imported on first use
SUGGESTIONS_PER_FILE = 1000  # a file of junk keys needs no more "did you mean" than can be read


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """' – tarkoititko 'x'?' for the closest candidate within a small edit distance, else ''."""
    if not word or len(word) > 200:
        return ""
    if not _FUZZY:
        from rapidfuzz import process  # lazily: only when there is a problem to report
        from rapidfuzz.distance import Levenshtein

        _FUZZY[:] = [process.extractOne, Levenshtein.distance]
    extract_one, distance = _FUZZY
    limit = 1 if len(word) <= 3 else 2 if len(word) <= 10 else 3
    found = extract_one(word, list(candidates), scorer=distance, score_cutoff=limit)
    return f" – tarkoititko {_q(found[0])}?" if found and found[0] != word else ""


def _describe(path: tuple) -> str:
    """How messages name a question, an option or an outcome, from its path."""
    if len(path) == 4 and path[0] == "question" and path[2] == "option":
        return f"kysymyksen {_q(path[1])} vaihtoehto {path[3] + 1}"
    names = {"question": "kysymys", "outcome": "kohde", "contact": "yhteystieto"}
    return f"{names.get(path[0], path[0])} {_q(path[1])}"


def _conforms(value: dict, spec: dict[str, tuple[str, bool]]) -> bool:
    """Every required key present and every value keeping its kind's rule."""
    for key, (kind, required) in spec.items():
        item = value.get(key, _MISSING)
        if item is _MISSING:
            if required:
                return False
        elif not _RULES[kind](item):
            return False
    return True


# The parser's words for the common syntax errors, in plain Finnish with what to do.
_SYNTAX = (
    ("Unterminated string", 'merkkijono jää auki: lisää loppulainausmerkki (")'),
    (
        "Illegal character '\\n'",
        'rivi loppuu kesken merkkijonon: lisää loppulainausmerkki ("), tai kirjoita monirivinen teksti '
        'kolmoislainausmerkkeihin ("""...""")',
    ),
    ("Unclosed array", "lista jää auki: lisää puuttuva ] listan loppuun"),
    ("Unclosed inline table", "taulu jää auki: lisää puuttuva } rivin loppuun"),
    (
        "Expected ']' at the end of a table declaration",
        "taulun otsikosta puuttuu ]: kirjoita se muodossa [nimi.tunnus]",
    ),
    ("Expected ']]' at the end of an array declaration", "otsikosta puuttuu ]]: kirjoita se muodossa [[nimi.option]]"),
    (
        "Expected newline or end of document after a statement",
        "arvon jälkeen on ylimääräistä tekstiä: puuttuuko lainausmerkki, pilkku tai #-merkki kommentin alusta?",
    ),
    ("Invalid value", 'arvo ei kelpaa: kirjoita teksti lainausmerkkeihin ("...") ja listat hakasulkeisiin ([...])'),
    ("Invalid statement", "rivi ei ole muotoa avain = arvo tai [taulu]: tarkista rivi (kommentti alkaa #-merkillä)"),
    ("Unescaped '\\' in a string", "kenoviiva merkkijonossa: kirjoita \\\\ tai käytä heittomerkkejä ('...')"),
    (
        "Illegal character",
        "tekstissä on ohjausmerkki, joka ei kuulu dataan: poista se (sarkain ja rivinvaihto käyvät)",
    ),
    (  # the same, inside a literal ('...') string
        "Found invalid character",
        "tekstissä on ohjausmerkki, joka ei kuulu dataan: poista se (sarkain ja rivinvaihto käyvät)",
    ),
    ("Expected '=' after a key", "avaimen perästä puuttuu =: kirjoita rivi muodossa avain = arvo"),
    (
        "Invalid initial character for a key part",
        "avain ei kelpaa: käytä kirjaimia a–z, numeroita, _ ja -, tai kirjoita avain lainausmerkkeihin",
    ),
    ("Invalid hex value", "\\u- tai \\U-merkinnässä on virheellinen heksadesimaaliluku: tarkista merkintä"),
    (
        "Escaped character is not a Unicode scalar value",
        "\\u- tai \\U-merkintä ei ole Unicode-merkki: tarkista merkintä",
    ),
    ("Invalid date or datetime", "päivämäärä tai aika ei kelpaa: kirjoita se muodossa 2026-11-28"),
    ("Duplicate inline table key", "sama avain on kahdesti {…}-taulussa: poista toinen"),
    (
        "Cannot mutate immutable namespace",
        "{…}- tai [...]-arvona annettua taulua ei voi täydentää myöhemmin: kirjoita sen avaimet yhteen paikkaan",
    ),
    ("Cannot redefine namespace", "taulu on jo määritelty toisella tavalla: yhdistä määrittelyt"),
)
_DECLARE = r"Cannot declare \((.*)\) twice"


def plain_syntax_error(raw: str) -> str:
    """A TOML parser's error text in plain Finnish with its line and column (for records and autosaves)."""
    found = re.search(_TOML_POS, raw)
    message = re.sub(_TOML_END, "", re.sub(_TOML_POS, "", raw)).strip()
    plain = next((fi for en, fi in _SYNTAX if message.startswith(en)), None)
    if plain is None:
        plain = "rakenne ei ole kelvollista TOMLia: tarkista rivin lainausmerkit, sulkeet ja = -merkki"
    return f"rivi {found.group(1)}, sarake {found.group(2)}: {plain}" if found else plain


_OVERWRITE = "Cannot overwrite a value"


def _key_tuple(text: str) -> tuple[str, ...]:
    """('outcome', 'x') from tomli's repr of a key."""
    import ast

    try:
        value = ast.literal_eval(f"({text},)")
    except (ValueError, SyntaxError):
        return ()
    return tuple(v for v in value if isinstance(v, str))


class _Doc:
    """One parsed TOML file plus what is needed to point at its lines."""

    def __init__(self, path: str, problems: list[Problem]) -> None:
        self.name = str(path)
        self.problems = problems
        self.data: dict[str, Any] = {}
        self.raw = b""
        self.text = ""
        self._index: LineIndex | None = None  # made on the first problem (see index)
        self._suggestions = 0
        self.ok = False
        text = self._read(path)
        if text is None:
            return
        self.text = text
        try:
            self.data = tomli.loads(text)
        except tomli.TOMLDecodeError as exc:
            self._syntax_problem(str(exc))
            return
        except RecursionError:
            self.problem(
                self.index.deepest_line or None,
                f"listoja tai tauluja on sisäkkäin liian monta ({self.index.max_depth} tasoa): "
                "datatiedostossa riittää muutama taso – tarkista hakasulkeet",
            )
            return
        # The rule applies to decoded values: TOML escapes (\e, \x1b, \u001b, \r) decode to them.
        # A decoded control character needs one of those escapes or a raw one in the text: else
        # skip the walk (\" and \\ are common in data and decode to no control character).
        if _CONTROL_ESCAPE.search(text) or _CONTROL.search(text):
            self._reject_control_characters()
        self.ok = True

    def _syntax_problem(self, raw: str) -> None:
        found = re.search(_TOML_POS, raw)
        message = re.sub(_TOML_END, "", re.sub(_TOML_POS, "", raw)).strip()
        line = int(found.group(1)) if found else None
        column = f", sarake {found.group(2)}" if found else ""
        if line is None:
            line = self.text.count("\n") + (0 if self.text.endswith("\n") else 1)
        plain = next((fi for en, fi in _SYNTAX if message.startswith(en)), None)
        if declared := re.match(_DECLARE, message):
            key = _key_tuple(declared.group(1))
            name = ".".join(key)
            first = self._first_line(key, line)
            where = f" rivillä {first}" if first else ""
            plain = f"taulu [{name}] on jo määritelty{where}: yhdistä taulut tai anna toiselle oma tunnus"
        elif message.startswith(_OVERWRITE):
            plain, line = self._overwrite(line)
        elif message.startswith(("Unclosed array", "Unclosed inline table")):
            bracket = "[" if "array" in message else "{"
            opened = self._opening_line(line, bracket)
            if opened:
                what = "lista" if bracket == "[" else "taulu"
                close = "]" if bracket == "[" else "}"
                plain = f"{what} jää auki (jäsennin huomasi sen rivillä {line}{column}): lisää puuttuva {close}"
                line, column = opened, ""
        if plain is None:
            plain = f"{message} – tarkista rivin lainausmerkit, sulkeet ja = -merkki"
        self.problem(line, f"TOML-syntaksivirhe{column}: {plain}")

    def _opening_line(self, line: int, bracket: str) -> int | None:
        """The assignment above `line` whose value opens `bracket` (where an unclosed list starts)."""
        opening = re.compile(r"^\s*[^#=\s][^#=]*=\s*" + re.escape(bracket))
        lines = self.text.split("\n", line)[:line]
        for number in range(min(line, len(lines)), 0, -1):
            if opening.match(lines[number - 1]):
                return number
        return None

    def _first_line(self, path: tuple, before: int) -> int | None:
        """Where `path` was first written, looking only above line `before`."""
        head = "\n".join(self.text.split("\n", before - 1)[: before - 1])
        from .tomlpos import LineIndex

        found = LineIndex(head).lines.get(path)
        return found if found and found < before else None

    def _overwrite(self, line: int) -> tuple[str, int]:
        """tomli names no key for 'Cannot overwrite a value' (and often no line): find the repeated key."""
        from .tomlpos import LineIndex

        for path, first, again in LineIndex(self.text).duplicates:
            name = ".".join(str(p) for p in path)
            return f"avain {_q(name)} on annettu jo rivillä {first}: poista toinen rivi", again
        return "sama avain on annettu kahdesti samassa taulussa: poista toinen rivi", line

    def _reject_control_characters(self) -> None:
        """Data is shown in terminals and mail headers: no escape sequences, NULs or CRs.
        One pass over every decoded key and string, without recursion."""
        search = _CONTROL.search
        stack: list[tuple[Any, tuple]] = [(self.data, ())]
        while stack:
            value, path = stack.pop()
            if type(value) is dict:
                for key, item in value.items():
                    if search(key):
                        self._control_problem((*path, key), key)
                    if type(item) is str:
                        if search(item):
                            self._control_problem((*path, key), item)
                    elif type(item) in (dict, list):
                        stack.append((item, (*path, key)))
            elif type(value) is list:
                for i, item in enumerate(value):
                    if type(item) is str:
                        if search(item):
                            self._control_problem((*path, i), item)
                    elif type(item) in (dict, list):
                        stack.append((item, (*path, i)))

    def _control_problem(self, path: tuple, text: str) -> None:
        code = ord(_CONTROL.search(text).group())  # type: ignore[union-attr]
        self.problem(
            path,
            f"ohjausmerkki U+{code:04X} tekstissä: poista se (päätteen escape-sekvenssit, NUL ja CR "
            "eivät kuulu dataan; rivinvaihto ja sarkain käyvät)",
        )

    def _read(self, path: str) -> str | None:
        from .files import FileTooLarge, read_bytes

        # Regular files only, the limit counted while reading: a FIFO or /dev/zero is refused, not read forever.
        try:
            self.raw = read_bytes(path, limit=MAX_FILE_BYTES)
        except FileTooLarge:
            self.problem(None, f"tiedosto on yli {MAX_FILE_BYTES} tavua: datatiedosto saa olla enintään sen kokoinen")
            return None
        if not self.raw.strip():
            self.problem(None, "tiedosto on tyhjä: kirjoita siihen data tai anna oikea tiedosto")
            return None
        try:
            text = self.raw.decode("utf-8-sig")  # a leading BOM is harmless; accept it
        except UnicodeDecodeError as exc:
            line = self.raw[: exc.start].count(b"\n") + 1
            self.problem(
                line,
                f"ei ole UTF-8-tekstiä (tavu 0x{self.raw[exc.start]:02x} kohdassa {exc.start}): "
                "tallenna tiedosto UTF-8-muodossa",
            )
            return None
        if "\x00" in text:
            self.problem(text[: text.index("\x00")].count("\n") + 1, "sisältää NUL-tavun: tämä ei ole tekstitiedosto")
            return None
        return text

    def did_you_mean(self, word: str, candidates: Iterable[str]) -> str:
        self._suggestions += 1
        return did_you_mean(word, candidates) if self._suggestions <= SUGGESTIONS_PER_FILE else ""

    @property
    def index(self) -> LineIndex:
        """Line numbers, computed only once there is a problem to point at."""
        if self._index is None:
            from .tomlpos import LineIndex  # only a problem needs line numbers

            self._index = LineIndex(self.text)
        return self._index

    def line(self, path: tuple) -> int | None:
        return self.index.line(path)

    def problem(self, where: int | tuple | None, message: str) -> None:
        line = self.index.line(where) if isinstance(where, tuple) else where
        self.problems.append(Problem(self.name, line, message))

    # -- schema helpers ------------------------------------------------
    def table(
        self, value: Any, path: tuple, spec: dict[str, tuple[str, bool]], what: str | None = None
    ) -> dict[str, Any] | None:
        """Check one table against its spec; `what` names it in messages (by default
        named from its path, and only once there is a problem to report)."""
        if type(value) is dict and value.keys() <= spec.keys() and _conforms(value, spec):
            return value
        return self._table_problems(value, path, spec, what or _describe(path))

    def _table_problems(
        self, value: Any, path: tuple, spec: dict[str, tuple[str, bool]], what: str
    ) -> dict[str, Any] | None:
        if type(value) is not dict:
            self.problem(path, f"{what} pitää olla taulu, nyt se on {_type_name(value)}")
            return None
        if not value.keys() <= spec.keys():
            known = ", ".join(sorted(spec))
            for key in value.keys() - spec.keys():
                hint = self.did_you_mean(key, spec)
                self.problem((*path, key), f"{what}: tuntematon avain {_q(key)}{hint} (sallitut: {known})")
        for key, (kind, required) in spec.items():
            item = value.get(key, _MISSING)
            if item is _MISSING:
                if required:
                    self.problem(path, f"{what}: pakollinen avain '{key}' puuttuu – lisää rivi {key} = …")
                continue
            if _RULES[kind](item):
                continue
            wanted = KIND_NAMES[kind]
            if type(item) is list and kind.startswith("list"):
                bad = [i for i, v in enumerate(item) if not _RULES[kind]([v])]
                # A wrong type is named before an empty string (which only a list of strings can hold).
                mistyped = [i for i in bad if not (kind == _LIST and type(item[i]) is str)]
                if mistyped:
                    at, found = mistyped[0], _type_name(item[mistyped[0]])
                    self.problem((*path, key, at), f"{what}: '{key}' pitää olla {wanted}; alkio {at + 1} on {found}")
                else:
                    self.problem(
                        (*path, key, bad[0]), f"{what}: '{key}' sisältää tyhjän alkion {bad[0] + 1} – poista se"
                    )
            elif kind == _STR and type(item) is str:
                self.problem((*path, key), f"{what}: '{key}' on tyhjä – kirjoita arvo tai poista rivi")
            else:
                self.problem((*path, key), f"{what}: '{key}' pitää olla {wanted}, nyt se on {_type_name(item)}")
        return value

    def ids(self, section: str) -> dict[str, Any]:
        value = self.data.get(section, {})
        if not isinstance(value, dict):
            self.problem((section,), f"[{section}] pitää olla taulu, jossa on [{section}.TUNNUS]-tauluja")
            return {}
        for key in value:
            if not _ID.fullmatch(key):
                self.problem((section, key), _bad_id(key))
        return value


def _bad_id(key: str) -> str:
    return (
        f"tunnus {_q(key)} ei kelpaa: käytä vain pieniä kirjaimia a–z, numeroita 0–9 ja alaviivaa _ "
        "(tunnus päätyy tiedostonimiin ja komentoihin)"
    )


def _type_name(value: Any) -> str:
    names = {
        str: "merkkijono",
        int: "kokonaisluku",
        float: "desimaaliluku",
        bool: "totuusarvo (true/false)",
        list: "lista",
        dict: "taulu",
    }
    if type(value) in names:
        return names[type(value)]
    return {"date": "päivämäärä", "datetime": "aikaleima", "time": "kellonaika"}.get(
        type(value).__name__, type(value).__name__
    )


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _strings(value: Any) -> tuple[str, ...]:
    if type(value) is not list:
        return ()
    strings = tuple(value)
    # table() has reported any non-string entry; keep only the strings here
    return strings if all(type(v) is str for v in strings) else tuple(v for v in strings if isinstance(v, str))


def _check_template(doc: _Doc, path: tuple, text: Any, allowed: frozenset[str], what: str) -> None:
    if not isinstance(text, str) or "$" not in text:
        return  # no placeholder: nothing to check (most subjects)
    from string import Template  # only texts with a placeholder need it

    template = Template(text)
    if not template.is_valid():
        doc.problem(path, f"{what}: virheellinen paikkamerkki – kirjoita ${{nimi}}; dollarimerkki kirjoitetaan $$")
        return
    for name in template.get_identifiers():
        if name not in allowed:
            known = ", ".join(sorted(allowed)) or "ei yhtään"
            hint = doc.did_you_mean(name, allowed)
            doc.problem(path, f"{what}: tuntematon paikkamerkki ${{{name}}}{hint} (sallitut: {known})")


# ---------------------------------------------------------------- contacts


def _load_contacts(doc: _Doc) -> tuple[dict[str, Contact], str] | None:
    """The contact directory, or None when it is too broken for flows to be checked against it."""
    for key in doc.data:
        if key not in ("meta", "contact", "source"):
            hint = doc.did_you_mean(key, ("meta", "contact", "source"))
            doc.problem(
                (key,),
                f"tuntematon päätason avain {_q(key)}{hint} yhteystietotiedostossa (sallitut: contact, meta, source)",
            )
    meta = doc.table(doc.data.get("meta", {}), ("meta",), META_KEYS, "[meta]") or {}
    domains = _allowed_domains(doc, meta)
    contacts: dict[str, Contact] = {}
    raw = doc.ids("contact")
    if not raw:
        doc.problem(None, "yhteystietoja ei ole: lisää vähintään yksi [contact.TUNNUS]-taulu")
        return None
    doubtful: set[str] = set()
    for cid, value in raw.items():
        path = ("contact", cid)
        what = f"yhteystieto {_q(cid)}"
        before = len(doc.problems)
        doubtful.add(cid)  # until it has passed every check below
        table = doc.table(value, path, CONTACT_KEYS, what)
        if table is None:
            continue
        kind = _text(table.get("kind"))
        if kind and kind not in CHANNEL_KINDS:
            hint = doc.did_you_mean(kind, CHANNEL_KINDS)
            doc.problem(
                (*path, "kind"), f"{what}: kind {_q(kind)} ei kelpaa{hint} (sallitut: {', '.join(CHANNEL_KINDS)})"
            )
        address = table.get("address")
        if kind == "email":
            if not isinstance(address, str):
                doc.problem(path, f'{what}: kind = "email" vaatii osoitteen – lisää rivi address = "…@kela.fi"')
            elif not _EMAIL.match(address):
                doc.problem(
                    (*path, "address"),
                    f"{what}: sähköpostiosoite {_q(address)} on virheellinen – kirjoita se muodossa nimi@kela.fi "
                    "(sivun (at) kirjoitetaan @)",
                )
            elif domains is not None and address.rpartition("@")[2].lower() not in domains:
                doc.problem(
                    (*path, "address"),
                    f"{what}: osoitteen {_q(address)} verkkotunnus ei ole sallittu "
                    f"([meta] allowed_email_domains: {', '.join(sorted(domains))}) – tarkista osoite Kelan sivulta",
                )
        elif address is not None:
            doc.problem(
                (*path, "address"),
                f'{what}: vain sähköpostiyhteystiedolla (kind = "email") voi olla address – '
                "poista rivi tai vaihda kind",
            )
        hours = None
        if "hours" in table and isinstance(table["hours"], dict):
            h = doc.table(table["hours"], (*path, "hours"), HOURS_KEYS, f"{what} hours")
            if h is not None:
                for key in ("open", "close"):
                    if isinstance(h.get(key), str) and not _HHMM.match(h[key]):
                        doc.problem(
                            (*path, "hours", key),
                            f"{what}: hours.{key} pitää olla muotoa HH:MM (esim. 09:00), nyt {_q(h[key])}",
                        )
                if isinstance(h.get("timezone"), str) and not _valid_zone(h["timezone"]):
                    doc.problem(
                        (*path, "hours", "timezone"),
                        f"{what}: tuntematon aikavyöhyke {_q(h['timezone'])} – käytä IANA-nimeä, esim. Europe/Helsinki",
                    )
                hours = Hours(
                    tuple(d for d in h.get("days", []) if isinstance(d, int)),
                    _text(h.get("open")),
                    _text(h.get("close")),
                    _text(h.get("timezone")),
                )
        contacts[cid] = Contact(
            id=cid,
            name=_text(table.get("name")),
            kind=kind,
            handled_by=_text(table.get("handled_by")),
            section=_text(table.get("section")),
            address=address if isinstance(address, str) else None,
            url=table.get("url") if isinstance(table.get("url"), str) else None,
            sender=table.get("sender") if isinstance(table.get("sender"), str) else None,
            hours_text=table.get("hours_text") if isinstance(table.get("hours_text"), str) else None,
            hours=hours,
            topics=_strings(table.get("topics")),
            notes=_strings(table.get("notes")),
            missing=_strings(table.get("missing")),
            phone=table.get("phone") if isinstance(table.get("phone"), str) else None,
            source=_text(table.get("source")),
            field_sources=_field_sources(table.get("sources")),
            in_source=_in_source(table.get("in_source")),
        )
        if len(doc.problems) == before:
            doubtful.discard(cid)
    seen: dict[str, str] = {}
    for cid, contact in contacts.items():
        if contact.address:
            folded = contact.address.lower()
            if folded in seen:
                first = doc.line(("contact", seen[folded], "address"))
                doc.problem(
                    ("contact", cid, "address"),
                    f"yhteystieto {_q(cid)}: osoite {_q(contact.address)} on jo yhteystiedolla {_q(seen[folded])} "
                    f"(rivi {first}) – yhdellä osoitteella on yksi yhteystieto; poista toinen",
                )
            else:
                seen[folded] = cid
    # A contact with a problem becomes a bare placeholder (kind ""): outcomes pointing
    # at it are neither "unknown contact" nor checked against its broken topics or kind.
    for cid in doubtful:
        contacts[cid] = Contact(id=cid, name=cid, kind="", handled_by="")
    return contacts, _text(meta.get("version"))


def _allowed_domains(doc: _Doc, meta: dict[str, Any]) -> frozenset[str] | None:
    value = meta.get("allowed_email_domains")
    if not isinstance(value, list):
        return None  # table() has said what is wrong
    domains = frozenset(v.lower() for v in value if isinstance(v, str))
    if not value:
        doc.problem(
            ("meta", "allowed_email_domains"),
            '[meta] allowed_email_domains on tyhjä: kirjoita sallitut verkkotunnukset, esim. ["kela.fi"]',
        )
        return None
    for i, domain in enumerate(value):
        if isinstance(domain, str) and not _DOMAIN.match(domain):
            doc.problem(
                ("meta", "allowed_email_domains", i),
                f"[meta] allowed_email_domains: {_q(domain)} ei ole verkkotunnus – kirjoita pienillä kirjaimilla, "
                "esim. kela.fi",
            )
    return domains


def _field_sources(value: Any) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict):
        return ()
    return tuple((k, v) for k, v in value.items() if isinstance(v, str))


def _in_source(value: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(value, dict):
        return ()
    return tuple((k, (v,) if isinstance(v, str) else _strings(v)) for k, v in value.items())


def _valid_zone(name: str) -> bool:
    from zoneinfo import ZoneInfo  # lazily: only contacts with hours need it

    try:
        ZoneInfo(name)
    except (ValueError, KeyError, OSError):
        return False
    return True


# ---------------------------------------------------------------- flow

FLOW_SECTIONS = ("flow", "question", "outcome", "say", "draft", "field")


def _load_flow_doc(doc: _Doc, contacts: dict[str, Contact] | None) -> dict[str, Any]:
    """The flow's parts. `contacts` is None when the contact file is broken: the checks
    that depend on it are skipped rather than repeated for every outcome."""
    known = ", ".join(sorted(FLOW_SECTIONS))
    for key in doc.data:
        if key not in FLOW_SECTIONS:
            hint = doc.did_you_mean(key, FLOW_SECTIONS)
            doc.problem((key,), f"tuntematon päätason avain {_q(key)}{hint} (sallitut: {known})")
    head = doc.table(doc.data.get("flow"), ("flow",), FLOW_KEYS, "[flow]") if "flow" in doc.data else None
    if head is None and "flow" not in doc.data:
        doc.problem(None, "[flow]-taulu puuttuu – lisää [flow] ja sen rivit id, title ja root")
    head = head or {}
    if isinstance(head.get("id"), str) and head["id"].strip() and not _ID.fullmatch(head["id"]):
        doc.problem(("flow", "id"), "[flow] id: " + _bad_id(head["id"]))
    questions: dict[str, Question] = {}
    outcomes: dict[str, Outcome] = {}
    raw_questions = doc.ids("question")
    raw_outcomes = doc.ids("outcome")
    for qid in raw_questions.keys() & raw_outcomes.keys():
        doc.problem(
            ("outcome", qid),
            f"tunnus {_q(qid)} on sekä kysymys (rivi {doc.line(('question', qid))}) että kohde – "
            "anna toiselle oma tunnus",
        )
    # Set when an edge may be missing because of a problem already reported: then
    # "cannot be reached" would only repeat it for every node below.
    broken_edges = not isinstance(doc.data.get("question", {}), dict)
    for qid, value in raw_questions.items():
        path = ("question", qid)
        table = doc.table(value, path, QUESTION_KEYS)
        if table is None:
            broken_edges = True
            continue
        options: list[Option] = []
        raw_options = table.get("option", [])
        if not isinstance(raw_options, list) or not raw_options:
            broken_edges = True
        if isinstance(raw_options, list) and not raw_options:
            doc.problem(path, f"kysymys {_q(qid)}: ei yhtään vaihtoehtoa – lisää [[question.{qid}.option]]-taulu")
        seen: dict[str, int] = {}
        for i, raw in enumerate(raw_options if isinstance(raw_options, list) else []):
            opath = (*path, "option", i)
            if type(raw) is not dict:
                broken_edges = True
                continue  # the question's 'option' check has named it
            opt = doc.table(raw, opath, OPTION_KEYS)
            if not isinstance(opt.get("next"), str) or not _ID.fullmatch(opt["next"]):
                broken_edges = True
            option = Option(
                _text(opt.get("id")),
                _text(opt.get("label")),
                _text(opt.get("next")),
                _strings(opt.get("keywords")),
                _text(opt.get("hint")),
                _text(opt.get("source")),
            )
            if option.id and not _ID.fullmatch(option.id):
                doc.problem((*opath, "id"), f"{_describe(opath)}: " + _bad_id(option.id))
            if option.id in seen:
                first = doc.line((*path, "option", seen[option.id], "id"))
                doc.problem(
                    (*opath, "id"),
                    f"kysymyksellä {_q(qid)} on kaksi vaihtoehtoa tunnuksella {_q(option.id)} (rivit {first} ja "
                    f"{doc.line((*opath, 'id'))}) – anna toiselle oma tunnus",
                )
            else:
                seen[option.id] = i
            options.append(option)
        questions[qid] = Question(
            qid, _text(table.get("text")), tuple(options), _text(table.get("help")), _text(table.get("source"))
        )
    for oid, value in raw_outcomes.items():
        path = ("outcome", oid)
        table = doc.table(value, path, OUTCOME_KEYS)
        if table is None:
            continue
        topic = table.get("topic")
        outcome = Outcome(
            oid,
            _text(table.get("title")),
            _text(table.get("contact")),
            _text(table.get("subject")),
            topic if isinstance(topic, str) else None,
            _strings(table.get("keywords")),
            _text(table.get("source")),
            _text(table.get("notice")),
        )
        cid, topic = outcome.contact, outcome.topic
        if contacts is not None and cid and cid not in contacts:
            hint = doc.did_you_mean(cid, contacts)
            doc.problem(
                (*path, "contact"),
                f"kohde {_q(oid)}: yhteystietoa {_q(cid)} ei ole{hint} (yhteystiedot ovat [contact.TUNNUS]-tauluina "
                "yhteystietotiedostossa)",
            )
        if (
            contacts is not None
            and topic
            and cid in contacts
            and contacts[cid].kind
            and topic not in contacts[cid].topics
        ):
            hint = doc.did_you_mean(topic, contacts[cid].topics)
            doc.problem(
                (*path, "topic"),
                f"kohde {_q(oid)}: aihe {_q(topic)} ei ole yhteystiedon {_q(cid)} aiheissa{hint} – kopioi aihe "
                "sellaisenaan sen topics-listasta",
            )
        outcomes[oid] = outcome
    for oid, outcome in outcomes.items():
        _check_template(doc, ("outcome", oid, "subject"), outcome.subject, frozenset(), f"kohteen {_q(oid)} subject")

    say = doc.data.get("say", {})
    if not isinstance(say, dict):
        doc.problem(("say",), "[say] pitää olla taulu: kanavan tyyppi = repliikki")
        say = {}
    for kind, text in say.items():
        if kind not in CHANNEL_KINDS:
            hint = doc.did_you_mean(kind, CHANNEL_KINDS)
            doc.problem(
                ("say", kind),
                f"[say]: tuntematon kanavan tyyppi {_q(kind)}{hint} (sallitut: {', '.join(CHANNEL_KINDS)})",
            )
        elif not isinstance(text, str) or not text.strip():
            doc.problem(
                ("say", kind), f"[say] {kind}: pitää olla ei-tyhjä merkkijono – kirjoita, mitä soittajalle sanotaan"
            )
        else:
            _check_template(doc, ("say", kind), text, SAY_NAMES, f"[say] {kind}")
    if contacts is not None:
        used_kinds = {contacts[o.contact].kind for o in outcomes.values() if o.contact in contacts}
        for kind in sorted(used_kinds - say.keys() - {""}):
            doc.problem(
                ("say",),
                f"[say]: kanavalle '{kind}' ei ole repliikkiä, vaikka kohde käyttää sitä – lisää {kind} = \"…\"",
            )

    draft = None
    if "draft" not in doc.data:
        doc.problem(
            None, "[draft]-taulu puuttuu – lisää sähköpostin pohjat (subject, subject_no_provider, greeting, body)"
        )
    else:
        d = doc.table(doc.data["draft"], ("draft",), DRAFT_KEYS, "[draft]")
        if d is not None:
            for key in DRAFT_KEYS:
                _check_template(doc, ("draft", key), d.get(key), DRAFT_NAMES, f"[draft] {key}")
            draft = DraftTemplate(*(_text(d.get(k)) for k in DRAFT_KEYS))

    fields: dict[str, FieldSpec] = {}
    raw_fields = doc.data.get("field", {})
    if not isinstance(raw_fields, dict):
        doc.problem(("field",), "[field] pitää olla taulu, jossa on [field.AVAIN]-tauluja")
        raw_fields = {}
    for key, value in raw_fields.items():
        if key not in FIELD_KEYS:
            hint = doc.did_you_mean(key, FIELD_KEYS)
            doc.problem(("field", key), f"tuntematon kenttä {_q(key)}{hint} (sallitut: {', '.join(FIELD_KEYS)})")
            continue
        if not isinstance(value, dict):
            doc.problem(("field", key), f"kenttä '{key}' pitää olla taulu [field.{key}], jossa label ja placeholder")
            continue
        spec = doc.table(value, ("field", key), FIELD_SPEC_KEYS, f"kenttä '{key}'")
        if spec is not None:
            fields[key] = FieldSpec(key, _text(spec.get("label")), _text(spec.get("placeholder")))
    for key in FIELD_KEYS:
        if key not in raw_fields:
            doc.problem(("field",), f"[field.{key}] puuttuu – lisää se ja sen label ja placeholder")

    return {
        "head": head,
        "questions": questions,
        "outcomes": outcomes,
        "say": say,
        "draft": draft,
        "fields": fields,
        "broken_edges": broken_edges,
    }


def _graph_checks(
    doc: _Doc,
    root: str,
    questions: dict[str, Question],
    outcomes: dict[str, Outcome],
    known: set[str],
    broken_edges: bool = False,
) -> Paths:
    """Root, next, reachability and cycles. `known` holds every id written in the file,
    valid or not, so that a broken node gives one message, not one per option pointing at it."""
    nodes = questions.keys() | outcomes.keys()
    sections_ok = isinstance(doc.data.get("question", {}), dict) and isinstance(doc.data.get("outcome", {}), dict)
    if root and sections_ok and root not in questions and root not in known - outcomes.keys():
        what = "se on kohde" if root in outcomes else "sitä ei ole"
        hint = "" if root in outcomes else doc.did_you_mean(root, questions)
        doc.problem(("flow", "root"), f"[flow] root {_q(root)} pitää olla kysymys, mutta {what}{hint}")
    for qid, q in questions.items():
        for i, opt in enumerate(q.options):
            if opt.next and opt.next not in nodes and opt.next not in known:
                hint = doc.did_you_mean(opt.next, nodes)
                doc.problem(
                    ("question", qid, "option", i, "next"),
                    f"kysymyksen {_q(qid)} vaihtoehto {_q(opt.id)}: seuraavaa solmua (next) {_q(opt.next)} "
                    f"ei ole{hint}",
                )
    # Canonical paths: breadth-first from the root, options in file order, so
    # the shortest (and first-written) route to each node wins. One link per node.
    links: dict[str, tuple[str, str] | None] = {}
    if root in questions:
        links[root] = None
        queue = [root]
        for qid in queue:  # grows while it is walked: breadth-first without pop(0)
            for opt in questions[qid].options:
                if opt.next in nodes and opt.next not in links:
                    links[opt.next] = (qid, opt.id)
                    if opt.next in questions:
                        queue.append(opt.next)
        if not broken_edges:
            _unreachable(doc, root, questions, outcomes, links)
    # Cycles: iterative DFS with colours (recursion would overflow on deep trees).
    colour: dict[str, int] = {}
    for start in questions:
        if colour.get(start):
            continue
        stack = [(start, iter(questions[start].options))]
        colour[start] = 1
        while stack:
            qid, it = stack[-1]
            for opt in it:
                nxt = opt.next
                if nxt not in questions:
                    continue
                if colour.get(nxt) == 1:
                    i = next(k for k, o in enumerate(questions[qid].options) if o is opt)
                    doc.problem(
                        ("question", qid, "option", i, "next"),
                        f"silmukka: kysymyksen {_q(qid)} vaihtoehto {_q(opt.id)} johtaa takaisin kysymykseen "
                        f"{_q(nxt)} – ohjaa se eteenpäin toiseen kysymykseen tai kohteeseen",
                    )
                elif not colour.get(nxt):
                    colour[nxt] = 1
                    stack.append((nxt, iter(questions[nxt].options)))
                    break
            else:
                colour[qid] = 2
                stack.pop()
    return Paths(links)


def _unreachable(
    doc: _Doc, root: str, questions: dict[str, Question], outcomes: dict[str, Outcome], links: dict
) -> None:
    """Report each unreachable part once: at its top node, not again for everything below it."""
    missing = [n for n in (*questions, *outcomes) if n not in links]
    if not missing:
        return
    pointed = {opt.next for q in questions.values() for opt in q.options}
    covered: set[str] = set()
    tops = [n for n in missing if n not in pointed] + [n for n in missing if n in pointed]
    for nid in tops:
        if nid in covered:
            continue
        kind = "kysymys" if nid in questions else "kohde"
        doc.problem(
            ("question" if nid in questions else "outcome", nid),
            f'{kind} {_q(nid)}: juuresta {_q(root)} ei pääse tänne – lisää vaihtoehto, jonka next = "{nid}", '
            "tai poista se",
        )
        todo = [nid]
        covered.add(nid)
        while todo:
            node = todo.pop()
            for opt in questions[node].options if node in questions else ():
                if opt.next not in covered and opt.next not in links:
                    covered.add(opt.next)
                    todo.append(opt.next)


def _content_hash(*blobs: bytes) -> str:
    """12 hex digits over the files' bytes: any edit, even to a comment, marks a new tree."""
    return content_digest(*blobs, size=6)


def _in_file_order(problems: list[Problem], files: list[str]) -> list[Problem]:
    """File by file (in the order given), then by line; file-wide problems first."""
    order = {name: i for i, name in enumerate(files)}
    return sorted(problems, key=lambda p: (order.get(p.file, len(order)), p.line or 0))


@gc_paused
def load(flow_file: os.PathLike | str, contacts_file: os.PathLike | str) -> Flow:
    """Load and validate one flow with its contacts; raise DataError listing every problem."""
    problems: list[Problem] = []
    flow_file, contacts_file = os.fspath(flow_file), os.fspath(contacts_file)
    cdoc = _Doc(contacts_file, problems)
    loaded = _load_contacts(cdoc) if cdoc.ok else None
    contacts, version = loaded if loaded is not None else (None, "")
    fdoc = _Doc(flow_file, problems)
    if not fdoc.ok:
        raise DataError(_in_file_order(problems, [contacts_file, flow_file]))
    parts = _load_flow_doc(fdoc, contacts)
    head = parts["head"]
    known = _all_ids(fdoc)
    paths = _graph_checks(
        fdoc, _text(head.get("root")), parts["questions"], parts["outcomes"], known, parts["broken_edges"]
    )
    sources, facts_source = {}, ""
    if not problems and contacts is not None:  # provenance is checked on data that is otherwise sound
        from .provenance import check_provenance

        sources, facts_source = check_provenance(cdoc, fdoc, contacts, parts["questions"], parts["outcomes"])
    if problems or contacts is None:
        raise DataError(_in_file_order(problems, [contacts_file, flow_file]))
    return Flow(
        id=head["id"],
        title=head["title"],
        root=head["root"],
        questions=parts["questions"],
        outcomes=parts["outcomes"],
        contacts=contacts,
        say=parts["say"],
        draft_template=parts["draft"],
        fields=parts["fields"],
        content_hash=_content_hash(cdoc.raw, fdoc.raw),
        data_version=version,
        source=str(flow_file),
        paths=paths,
        sources=sources,
        facts_source=facts_source,
    )


def _all_ids(doc: _Doc) -> set[str]:
    ids: set[str] = set()
    for section in ("question", "outcome"):
        value = doc.data.get(section)
        if isinstance(value, dict):
            ids.update(value)
    return ids
