"""`kela-ohjaus audit PAGE`: compare a saved copy of a Kela page with the facts taken from it.

The page may be its text as copied from a browser or its HTML as saved from
one (read with the standard library's html.parser). Compared with the facts
whose source is that page: e-mail addresses, phone numbers, topic bullets and
opening hours. Each difference names the data file and line to edit. Pure
functions apart from reading the files; the CLI prints.
"""

from __future__ import annotations

import difflib
import functools
import os
import re
from html.parser import HTMLParser

from .errors import Problem
from .model import Flow
from .named_tuple import NamedTuple

# Finds an address as Kela's page writes it, (at) and [at] too: page parsing, not a check
# (the checks' patterns are field_checks.TYPED_EMAIL and DATA_EMAIL_PATTERN).
_ADDRESS = re.compile(r"([A-Za-z0-9._%+-]+)\s*(?:\(at\)|\[at\]|@)\s*([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
_DAY = r"(?:ma|ti|ke|to|pe|la|su)"
_HOURS = re.compile(rf"\b{_DAY}\s*[-–]\s*{_DAY}\s+klo\s+\d{{1,2}}(?:[.:]\d{{2}})?\s*[-–]\s*\d{{1,2}}(?:[.:]\d{{2}})?")
_PHONE = re.compile(r"(?<![\d+])(?:\+358|0)\d{1,3}(?:[ -]\d{2,4}){1,3}(?!\d)")
_BULLET = re.compile(r"^\s*[•·▪◦*–-]\s+")
_BLOCKS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th", "dt", "dd",
    "section", "article", "header", "footer", "main", "nav", "table", "title", "blockquote", "figcaption",
}  # fmt: skip
_SKIP = {"script", "style", "noscript", "template", "svg"}


class Difference(NamedTuple):
    kind: str  # address, phone, topic, hours
    change: str  # removed, added, changed
    old: str | None
    new: str | None
    contact: str
    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        return str(Problem(self.file, self.line, self.message))  # the one FILE:LINE format


class _TextOfHtml(HTMLParser):
    """The page's text, one block a line, list items as '• ' bullets; mailto links kept."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.mailto: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skipping += 1
        elif tag in _BLOCKS:
            self.parts.append("\n • " if tag == "li" else "\n")
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if href.lower().startswith("mailto:"):
                self.mailto.append(href[7:].split("?")[0])

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data.replace("\n", " "))


def looks_like_html(text: str) -> bool:
    head = text.lstrip()[:1000].lower()
    return head.startswith("<") and any(t in head for t in ("<html", "<!doctype", "<body", "<div", "<p", "<ul", "<h1"))


def page_text(text: str) -> tuple[str, list[str]]:
    """The page's plain text and any mailto addresses (HTML is rendered to text first)."""
    if not looks_like_html(text):
        return text, []
    parser = _TextOfHtml()
    parser.feed(text)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).split("\n")]
    return "\n".join(line if not line.startswith("•") else " " + line for line in lines if line), parser.mailto


def _norm(text: str) -> str:
    return " ".join(text.replace("(at)", "@").split()).strip().rstrip(".").strip()


def _bullets(text: str) -> list[str]:
    found = []
    for line in text.splitlines():
        if _BULLET.match(line):
            item = _norm(_BULLET.sub("", line))
            if item and "@" not in item:
                found.append(item)
    return found


def _addresses(text: str, mailto: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for local, domain in _ADDRESS.findall(text):
        seen.setdefault(f"{local}@{domain}".lower(), f"{local}@{domain}")
    for address in mailto:
        seen.setdefault(address.lower(), address)
    return list(seen.values())


class _Lines:
    """Line numbers in one data file: of a key, or of the first line at/after it holding a value."""

    def __init__(self, path: str, shown: str) -> None:
        from .tomlpos import LineIndex

        with open(path, encoding="utf-8") as handle:
            self.text = handle.read()
        self.lines = self.text.splitlines()
        self.index = LineIndex(self.text)
        self.shown = shown

    def key(self, *path: str | int) -> int | None:
        return self.index.line(path)

    def value(self, start: int | None, value: str) -> int | None:
        quoted = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
        for number in range(start or 1, len(self.lines) + 1):
            if quoted in self.lines[number - 1]:
                return number
        return start

    def containing(self, text: str) -> list[int]:
        return [n for n, line in enumerate(self.lines, 1) if text in line]


def detect_source(flow: Flow, text: str) -> str | None:
    """The source whose page this is: the one whose title the page shows (longest title wins)."""
    flat = " ".join(text.split())
    titles = sorted(flow.sources.values(), key=lambda s: -len(s.title))
    return next((s.id for s in titles if s.title and s.title in flat), None)


def audit(flow: Flow, contacts_file: str, flow_file: str, page: str, source_id: str) -> list[Difference]:
    """Every difference between the page's text and the facts whose source is `source_id`."""
    text, mailto = page_text(page)
    flat = _norm(text)
    data = _Lines(contacts_file, "data/contacts.toml")
    tree = _Lines(flow_file, f"flows/{os.path.basename(flow_file)}")
    found: list[Difference] = []
    found += _audit_addresses(flow, data, source_id, _addresses(text, mailto))
    found += _audit_topics(flow, data, tree, source_id, _bullets(text), flat)
    found += _audit_timed(flow, data, tree, source_id, text, flat)
    return found


def _outcomes_of(flow: Flow, cid: str, topic: str | None = None) -> list[str]:
    return [o.id for o in flow.outcomes.values() if o.contact == cid and (topic is None or o.topic == topic)]


def _audit_addresses(flow: Flow, data: _Lines, sid: str, page: list[str]) -> list[Difference]:
    mine = [c for c in flow.contacts.values() if c.address and c.source_of("address") == sid]
    old = [c.address.lower() for c in mine]  # type: ignore[union-attr]
    new = [a.lower() for a in page]
    out: list[Difference] = []

    @functools.cache
    def line_of(i: int) -> int | None:
        return data.key("contact", mine[i].id, "address") if mine else None

    @functools.cache
    def where(i: int) -> str:
        uses = _outcomes_of(flow, mine[i].id)
        return f"yhteystieto {mine[i].id}" + (f"; kohteet {', '.join(uses)}" if uses else "")

    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                if mine[i].address != page[j]:
                    out.append(_changed("address", mine[i].address, page[j], mine[i].id, data, line_of(i), where(i)))
            continue
        pairs = min(i2 - i1, j2 - j1) if op == "replace" else 0
        for k in range(pairs):
            i, j = i1 + k, j1 + k
            out.append(_changed("address", mine[i].address, page[j], mine[i].id, data, line_of(i), where(i)))
        for i in range(i1 + pairs, i2):
            message = f"osoite poistunut sivulta: {mine[i].address} ({where(i)})"
            out.append(
                Difference("address", "removed", mine[i].address, None, mine[i].id, data.shown, line_of(i), message)
            )
        for j in range(j1 + pairs, j2):
            near = min(max(i1 - 1, 0), len(mine) - 1)
            cid = mine[near].id if mine else ""
            line = data.key("contact", cid) if cid else None
            message = (
                f"uusi osoite sivulla: {page[j]} (lisää sille [contact.ID] yhteystiedon {cid} viereen "
                "ja kohde flows/-puuhun)"
            )
            out.append(Difference("address", "added", None, page[j], cid, data.shown, line, message))
    return out


def _changed(kind: str, old: str | None, new: str, cid: str, data: _Lines, line: int | None, where: str) -> Difference:
    names = {"address": "osoite", "topic": "aihe", "hours": "aukioloaika", "phone": "puhelinnumero"}
    message = f"{names[kind]} muuttunut: {old!s} → {new} ({where})"
    return Difference(kind, "changed", old, new, cid, data.shown, line, message)


def _audit_topics(flow: Flow, data: _Lines, tree: _Lines, sid: str, bullets: list[str], flat: str) -> list[Difference]:
    position = {b: i for i, b in reversed(list(enumerate(bullets)))}
    rows: list[tuple[float, str, str]] = []  # (place on the page, contact id, topic)
    for contact in flow.contacts.values():
        translated = any(field == "topics" for field, _ in contact.in_source)
        if not contact.topics or translated or contact.source_of("topics") != sid:
            continue
        last = None
        pending: list[str] = []
        for topic in contact.topics:
            key = _norm(topic)
            if key in position:
                last = float(position[key])
                rows += [(last - 0.5 + k / 100, contact.id, t) for k, t in enumerate(pending)]
                pending = []
                rows.append((last, contact.id, topic))
            elif key and key in flat:
                continue  # a topic from the page's running text, not a bullet: it is still there
            elif last is not None:
                rows.append((last + 0.5, contact.id, topic))
            else:
                pending.append(topic)
        rows += [(float("inf"), contact.id, t) for t in pending]
    rows.sort(key=lambda r: r[0])
    old = [_norm(t) for _, _, t in rows]
    out: list[Difference] = []

    # Cached: a hostile page can hold hundreds of thousands of bullets next to one row.
    @functools.cache
    def line_of(k: int) -> int | None:
        cid, topic = rows[k][1], rows[k][2]
        return data.value(data.key("contact", cid, "topics"), topic)

    @functools.cache
    def where(k: int) -> str:
        cid, topic = rows[k][1], rows[k][2]
        uses = [f"{tree.shown}:{tree.key('outcome', o, 'topic')} kohde {o}" for o in _outcomes_of(flow, cid, topic)]
        return f"yhteystieto {cid}" + (f"; myös {', '.join(uses)}" if uses else "")

    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, bullets, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        pairs = min(i2 - i1, j2 - j1) if op == "replace" else 0
        for k in range(pairs):
            i, j = i1 + k, j1 + k
            out.append(_changed("topic", rows[i][2], bullets[j], rows[i][1], data, line_of(i), where(i)))
        for i in range(i1 + pairs, i2):
            message = f'aihe poistunut sivulta: "{rows[i][2]}" ({where(i)})'
            out.append(Difference("topic", "removed", rows[i][2], None, rows[i][1], data.shown, line_of(i), message))
        for j in range(j1 + pairs, j2):
            near = i1 - 1 if i1 > 0 else i1
            cid = rows[near][1] if 0 <= near < len(rows) else ""
            line = line_of(near) if cid else None
            message = (
                f'uusi aihe sivulla: "{bullets[j]}" (lisää yhteystiedon {cid} topics-listaan ja sille vaihtoehto '
                "ja kohde flows/-puuhun)"
            )
            out.append(Difference("topic", "added", None, bullets[j], cid, data.shown, line, message))
    return out


def _audit_timed(flow: Flow, data: _Lines, tree: _Lines, sid: str, text: str, flat: str) -> list[Difference]:
    """Opening hours and phone numbers: each data value must still be on the page."""
    out: list[Difference] = []
    for kind, field, pattern in (("hours", "hours_text", _HOURS), ("phone", "phone", _PHONE)):
        mine = [c for c in flow.contacts.values() if getattr(c, field) and c.source_of(field) == sid]
        values = {_norm(getattr(c, field)) for c in mine}
        candidates = [m for m in dict.fromkeys(_norm(x) for x in pattern.findall(text)) if m not in values]
        for contact in mine:
            value = getattr(contact, field)
            if _norm(value) in flat:
                continue
            line = data.key("contact", contact.id, field)
            also = [f"{data.shown}:{n}" for n in data.containing(value) if n != line]
            if kind == "hours" and contact.hours:
                also.insert(0, f"{data.shown}:{data.key('contact', contact.id, 'hours')} (hours)")
            also += [f"{tree.shown}:{n}" for n in tree.containing(value)]
            where = f"yhteystieto {contact.id}" + (f"; päivitä myös {', '.join(also)}" if also else "")
            if candidates:
                out.append(_changed(kind, value, candidates.pop(0), contact.id, data, line, where))
            else:
                names = {"hours": "aukioloaikaa", "phone": "puhelinnumeroa"}
                message = f"{names[kind]} {value} ei enää löydy sivulta ({where})"
                out.append(Difference(kind, "removed", value, None, contact.id, data.shown, line, message))
    return out
