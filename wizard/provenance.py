"""Provenance: every fact in data/ and flows/ names the Kela page it was copied from.

The pages are defined once, as `[source.ID]` tables in the contacts file (title,
URL, the date the copy was taken). A contact names its page with `source`, and
a single fact from another page with `sources = { phone = "S1" }`; flow texts
that state facts (a question's help, an option's hint, an outcome) may name
theirs with `source`, and otherwise come from `[flow] source` or the contacts
file's `[meta] source`. Kept apart from loader.py: it runs only once the data
is otherwise sound, so a broken file gets its own message, not a follow-on one.
"""

from __future__ import annotations

import re

from .model import Contact, Outcome, Question, Source

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .loader import _Doc

# The facts a contact can hold; `sources` may name any of them.
FACT_FIELDS = (
    "name",
    "handled_by",
    "section",
    "address",
    "phone",
    "url",
    "sender",
    "hours_text",
    "hours",
    "topics",
    "notes",
)
# No source beyond Kela's own pages.
_KELA_URL = re.compile(r"^https://(www\.)?kela\.fi/\S*$")
_SOURCE_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PHONE = re.compile(r"^\+?\d[\d ]{4,}\d$")
SOURCE_KEYS = ("title", "url", "copied", "note", "copy")


def _sources(doc: _Doc) -> dict[str, Source]:
    raw = doc.data.get("source", {})
    if not isinstance(raw, dict):
        doc.problem(("source",), "[source] pitää olla taulukko lähteistä: [source.S0] title, url, copied")
        return {}
    found: dict[str, Source] = {}
    for sid, table in raw.items():
        path = ("source", sid)
        if not _SOURCE_ID.match(sid):
            doc.problem(path, f"lähteen tunnus '{sid}' ei kelpaa: käytä kirjaimia ja numeroita, esim. S3")
            continue
        if not isinstance(table, dict):
            doc.problem(path, f"lähde '{sid}' pitää olla taulukko, jossa on title ja url")
            continue
        for key in table.keys() - set(SOURCE_KEYS):
            doc.problem(
                (*path, key), f"lähteessä '{sid}' on tuntematon avain '{key}' (sallitut: {', '.join(SOURCE_KEYS)})"
            )
        title, url = table.get("title"), table.get("url")
        if not isinstance(title, str) or not title.strip():
            doc.problem(path, f"lähteeltä '{sid}' puuttuu title: kirjoita sivun otsikko sellaisenaan")
        if not isinstance(url, str) or not _KELA_URL.match(url):
            doc.problem(
                (*path, "url"), f"lähteen '{sid}' url pitää olla Kelan sivu (https://www.kela.fi/...), ei {url!r}"
            )
        copied = table.get("copied", "")
        copied = copied.isoformat() if hasattr(copied, "isoformat") else copied
        if not isinstance(copied, str) or (copied and not _DATE.match(copied)):
            doc.problem((*path, "copied"), f"lähteen '{sid}' copied on kopion ottopäivä muodossa VVVV-KK-PP")
            copied = ""
        note = table.get("note", "")
        found[sid] = Source(
            sid,
            title if isinstance(title, str) else "",
            url if isinstance(url, str) else "",
            copied,
            note if isinstance(note, str) else "",
        )
    return found


def _known(doc: _Doc, path: tuple, sid: Any, sources: dict[str, Source], what: str) -> bool:
    if sid in sources:
        return True
    known = ", ".join(sources) or "ei yhtään: lisää [source.S0]"
    doc.problem(path, f"{what}: tuntematon lähde {sid!r} (lähteet: {known})")
    return False


def _check_contact(doc: _Doc, contact: Contact, table: dict, sources: dict[str, Source]) -> None:
    path = ("contact", contact.id)
    what = f"yhteystieto '{contact.id}'"
    if "source" not in table:
        doc.problem(path, f'{what}: tiedoilla ei ole lähdettä: lisää source = "S0" (sivu, jolta ne on kopioitu)')
    else:
        _known(doc, (*path, "source"), table["source"], sources, what)
    overrides = table.get("sources", {})
    if not isinstance(overrides, dict):
        doc.problem((*path, "sources"), f'{what}: sources on taulukko, esim. sources = {{ phone = "S1" }}')
        overrides = {}
    for field, sid in overrides.items():
        if field not in FACT_FIELDS or field not in table:
            doc.problem((*path, "sources"), f"{what}: sources nimeää tiedon '{field}', jota yhteystiedolla ei ole")
        else:
            _known(doc, (*path, "sources"), sid, sources, f"{what}, tieto '{field}'")
    words = table.get("in_source", {})
    if not isinstance(words, dict):
        doc.problem((*path, "in_source"), f"{what}: in_source on taulukko: [contact.{contact.id}.in_source]")
        words = {}
    for field, value in words.items():
        mine = table.get(field)
        if field not in FACT_FIELDS or mine is None:
            doc.problem(
                (*path, "in_source", field), f"{what}: in_source nimeää tiedon '{field}', jota yhteystiedolla ei ole"
            )
        elif isinstance(mine, list) != isinstance(value, list) or (isinstance(mine, list) and len(mine) != len(value)):
            doc.problem(
                (*path, "in_source", field),
                f"{what}: in_source.{field}: anna lähteen sanat jokaiselle {field}-kohdalle samassa järjestyksessä",
            )
        elif not all(isinstance(v, str) and v.strip() for v in (value if isinstance(value, list) else [value])):
            doc.problem((*path, "in_source", field), f"{what}: in_source.{field} pitää olla lähteen tekstiä")
    if contact.phone is not None:
        if contact.kind != "phone":
            doc.problem((*path, "phone"), f'{what}: vain puhelinkanavalla (kind = "phone") voi olla phone')
        elif not _PHONE.match(contact.phone):
            doc.problem(
                (*path, "phone"), f"{what}: puhelinnumero {contact.phone!r} ei ole numero (numeroita ja välejä)"
            )


def check_provenance(
    cdoc: _Doc, fdoc: _Doc, contacts: dict[str, Contact], questions: dict[str, Question], outcomes: dict[str, Outcome]
) -> tuple[dict[str, Source], str]:
    """Report every fact without a known source; return the sources and the flow texts' source."""
    sources = _sources(cdoc)
    if not sources and "source" not in cdoc.data:
        cdoc.problem(None, "yhtään lähdettä ei ole määritelty: lisää [source.S0] title, url, copied (Kelan sivu)")
    raw_contacts = cdoc.data.get("contact", {})
    for cid, contact in contacts.items():
        _check_contact(cdoc, contact, raw_contacts.get(cid, {}), sources)
    meta = cdoc.data.get("meta", {})
    primary = meta.get("source", "") if isinstance(meta, dict) else ""
    if primary:
        _known(cdoc, ("meta", "source"), primary, sources, "[meta] source")
    head = fdoc.data.get("flow", {})
    facts_source = head.get("source", "") or primary
    if not facts_source:
        fdoc.problem(("flow",), 'puun tekstien lähde puuttuu: lisää [flow] source = "S0" (tai [meta] source)')
    elif head.get("source"):
        _known(fdoc, ("flow", "source"), facts_source, sources, "[flow] source")
    for qid, question in questions.items():
        if question.source:
            _known(fdoc, ("question", qid, "source"), question.source, sources, f"kysymys '{qid}'")
        for i, option in enumerate(question.options):
            if option.source:
                _known(
                    fdoc, ("question", qid, "option", i, "source"), option.source, sources, f"vaihtoehto '{option.id}'"
                )
    for oid, outcome in outcomes.items():
        if outcome.source:
            _known(fdoc, ("outcome", oid, "source"), outcome.source, sources, f"kohde '{oid}'")
        contact = contacts.get(outcome.contact)
        if outcome.notice and contact and outcome.notice not in contact.notes:
            fdoc.problem(
                ("outcome", oid, "notice"),
                f"kohde '{oid}': notice pitää olla jokin yhteystiedon '{contact.id}' notes-kohdista sellaisenaan",
            )
    return sources, facts_source
