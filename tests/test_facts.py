"""Facts are sacred: every fact in data/ and flows/ comes from the page its source names.

Nothing here repeats the data: addresses, outcomes and sources are read from
data/contacts.toml and flows/, and each fact is looked up in the copy of its
own source, named by that source's `copy` (tests/fixtures/): the seed page for
S0, and for S1/S2 the listing of their facts in shared/sources/README.md.
"""

from __future__ import annotations

import re

import pytest
import tomli

from wizard.model import Flow

from .helpers import FIXTURES, ROOT, SEED, seed_outcomes

SEED_TEXT = SEED.read_text(encoding="utf-8")
DATA = tomli.loads((ROOT / "data" / "contacts.toml").read_text(encoding="utf-8"))
# shared/ sits beside the checkout (or beside the folder of worktrees).
SHARED = next(
    (p / "shared" for p in (ROOT.parent, ROOT.parent.parent) if (p / "shared").is_dir()), ROOT.parent / "shared"
)
# Where each fixture is copied from (the one place the originals live).
ORIGINALS = {
    SEED.name: SHARED / "seeds" / SEED.name.removeprefix("seed_"),
    "sources_README.md": SHARED / "sources" / "README.md",
}


def _normalised(text: str) -> str:
    return " ".join(text.replace("(at)", "@").split())


def source_text(sid: str) -> str:
    """The text a source's facts are checked against: its page copy, or its section of the listing."""
    copy = (FIXTURES / DATA["source"][sid]["copy"]).read_text(encoding="utf-8")
    if copy.startswith("# Secondary sources"):
        found = re.search(rf"^## {re.escape(sid)} —.*?(?=^## |\Z)", copy, re.M | re.S)
        assert found, f"tests/fixtures/{DATA['source'][sid]['copy']} has no section '## {sid} —'"
        copy = found.group()
    return _normalised(copy.replace("**", ""))


SOURCE_TEXTS = {sid: source_text(sid) for sid in DATA["source"]}


@pytest.mark.parametrize("name", sorted(ORIGINALS))
def test_fixture_copies_match_their_originals(name: str):
    original, copy = ORIGINALS[name], FIXTURES / name
    if not original.exists():
        pytest.skip("shared/ is not beside this checkout")
    assert original.read_bytes() == copy.read_bytes(), (
        f"tests/fixtures/{name} is not the same as {original}. That file is the original: "
        f"copy it over the fixture (cp {original} tests/fixtures/{name}), then run `kela-ohjaus audit` "
        "and the tests to see which facts changed."
    )


def test_the_seed_is_the_primary_source():
    assert DATA["meta"]["source"] == "S0"
    assert DATA["source"]["S0"]["copy"] == SEED.name
    assert DATA["source"]["S0"]["copied"] == "2026-11-27"


def _address_source(contact: dict) -> str:
    return contact.get("sources", {}).get("address", contact["source"])


ADDRESS_OUTCOMES, OTHER_CHANNELS = seed_outcomes()


def test_every_seed_address_is_a_contact():
    seed = {m.replace("(at)", "@") for m in re.findall(r"[\w.]+\(at\)kela\.fi", SEED_TEXT)}
    data = {c["address"] for c in DATA["contact"].values() if "address" in c and _address_source(c) == "S0"}
    assert seed - data == set(), "on the seed page but not in data/contacts.toml"
    assert data - seed == set(), "in data/contacts.toml with source S0 but not on the seed page"
    assert set(ADDRESS_OUTCOMES) == seed


def test_every_email_contact_is_reached_by_an_outcome(flow: Flow):
    reached = {o.contact for o in flow.outcomes.values()}
    unreached = {cid for cid, c in flow.contacts.items() if c.kind == "email"} - reached
    assert not unreached, f"no outcome in flows/ leads to these e-mail contacts: {sorted(unreached)}"


def test_every_outcome_is_reachable_from_the_root(flow: Flow):
    assert set(flow.outcomes) <= set(flow.paths)


# Fields whose values are facts copied from the page (name is this tool's label).
FACT_FIELDS = ("address", "phone", "handled_by", "sender", "hours_text", "url", "section", "topics", "notes")


def _facts():
    for cid, contact in DATA["contact"].items():
        words = contact.get("in_source", {})
        for field in FACT_FIELDS:
            if field not in contact:
                continue
            sid = contact.get("sources", {}).get(field, contact["source"])
            value = words.get(field, contact[field])  # a translated fact is checked by its source's words
            for item in value if isinstance(value, list) else [value]:
                yield pytest.param(cid, field, sid, item, id=f"{cid}.{field}")


@pytest.mark.parametrize(("cid", "field", "sid", "value"), list(_facts()))
def test_every_fact_is_copied_from_its_own_source(cid: str, field: str, sid: str, value: str):
    assert _normalised(value) in SOURCE_TEXTS[sid], (
        f"data/contacts.toml: contact {cid}.{field} = {value!r} is not in the text of its source {sid} "
        f"(tests/fixtures/{DATA['source'][sid]['copy']}): copy it byte for byte from that page"
    )


def test_outcome_topics_and_notices_are_their_contacts_own(flow: Flow):
    for oid, outcome in flow.outcomes.items():
        contact = flow.contact_of(outcome)
        if outcome.topic:
            assert outcome.topic in contact.topics, f"flows/: outcome {oid} topic is not one of {contact.id}'s topics"
        if outcome.notice:
            assert outcome.notice in contact.notes, f"flows/: outcome {oid} notice is not one of {contact.id}'s notes"


def test_flow_items_name_known_sources(flow: Flow):
    named = [q.source for q in flow.questions.values()] + [o.source for o in flow.outcomes.values()]
    named += [opt.source for q in flow.questions.values() for opt in q.options]
    assert {s for s in named if s} <= set(flow.sources)
    assert flow.facts_source == "S0"


def test_no_address_url_or_phone_number_without_a_source():
    everything = " ".join(SOURCE_TEXTS.values())
    urls = {s["url"] for s in DATA["source"].values()}
    for path in [ROOT / "data" / "contacts.toml", *sorted((ROOT / "flows").glob("*.toml"))]:
        text = path.read_text(encoding="utf-8")
        for address in re.findall(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", text):
            assert address in everything, f"{path.name}: e-mail address {address} is on none of the source pages"
        for url in re.findall(r"(?:https?://|www\.)[^\s\")]+", text):
            url = url.rstrip(".,")
            assert url in urls or url in everything, f"{path.name}: URL {url} is on none of the source pages"
        # Runs of 6+ digits (spaces/dashes allowed) are phone numbers: each must be on a source page.
        for number in re.findall(r"(?<![\w-])\+?\d[\d -]{5,}\d(?![\w-])", text):
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", number):
                assert number in everything, f"{path.name}: phone number {number} is on none of the source pages"


def _hours(text: str) -> tuple[tuple[int, ...], str, str]:
    """'ma-pe klo 9-15' (or with en dashes) -> ((1..5), '09:00', '15:00')."""
    days = ("ma", "ti", "ke", "to", "pe", "la", "su")
    m = re.fullmatch(r"(\w\w)[-–](\w\w) klo (\d{1,2})[-–](\d{1,2})", text)
    assert m, text
    first, last = days.index(m.group(1)) + 1, days.index(m.group(2)) + 1
    return tuple(range(first, last + 1)), f"{int(m.group(3)):02d}:00", f"{int(m.group(4)):02d}:00"


def test_opening_hours_agree_with_their_words(flow: Flow):
    timed = [c for c in flow.contacts.values() if c.hours]
    assert {c.id for c in timed} == {"chat", "viranomaislinja"}
    for contact in timed:
        assert (contact.hours.days, contact.hours.open, contact.hours.close) == _hours(contact.hours_text), contact.id
        assert contact.source_of("hours") == contact.source_of("hours_text"), contact.id


def test_viranomaislinja_number_and_hours_come_from_s1(flow: Flow):
    line = flow.contacts["viranomaislinja"]
    assert (line.phone, line.hours_text) == ("020 692 235", "ma–pe klo 9–15")
    assert line.source_of("phone") == line.source_of("hours_text") == "S1"
    assert line.source == "S0"  # the line itself is named on the seed page


def test_secondary_facts_fill_gaps_the_seed_leaves():
    """A secondary source may add what the seed lacks, never silently replace what it says:
    the seed's Puhelinpalvelu section names the line but gives no number and no hours."""
    section = SEED_TEXT.split("Puhelinpalvelu", 1)[1].split("Yhteistyökumppanien chatti", 1)[0]
    assert "viranomaislinja" in section and not re.search(r"\d", section)
    for cid, contact in DATA["contact"].items():
        for field, sid in contact.get("sources", {}).items():
            assert sid == contact["source"] or field in ("phone", "hours_text", "hours"), (
                f"contact {cid}.{field} from {sid} replaces a fact of its page {contact['source']}: "
                "show both and say which page says what"
            )


def test_missing_facts_are_said_not_invented(flow: Flow):
    line = flow.contacts["viranomaislinja"]
    assert not any("puhelinnumero" in m for m in line.missing), "the number is known now (S1)"
    assert any("verkko-osoite" in m for m in flow.contacts["extranet"].missing)
    assert any("yhteyshenkilön" in m for m in flow.contacts["esivalinta"].missing)
    assert any("verkko-osoite" in m for m in flow.contacts["chat"].missing)
    assert any("verkko-osoite" in m for m in flow.contacts["rekisteroitymisjarjestelma"].missing)


SEED_BULLETS = [
    _normalised(line.strip().lstrip("•").strip()).rstrip(".")
    for line in SEED_TEXT.splitlines()
    if line.strip().startswith("•") and "(at)" not in line
]


@pytest.mark.parametrize("bullet", SEED_BULLETS)
def test_every_seed_bullet_is_reachable(flow: Flow, bullet: str):
    """Each bullet is an option label or a listed topic of the outcome it leads to."""
    from wizard.textnorm import fold

    want = fold(bullet)
    labels = [fold(o.label) for q in flow.questions.values() for o in q.options]
    reached_topics = [fold(t) for o in flow.outcomes.values() for t in flow.contact_of(o).topics]
    reached_topics += [fold(o.topic or "") for o in flow.outcomes.values()]
    assert any(want in t or t.startswith(want) for t in reached_topics) or any(want in label for label in labels), (
        bullet
    )
