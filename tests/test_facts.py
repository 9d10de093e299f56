"""Facts are sacred: every contact fact in data/ and flows/ comes from the seed.

The table below binds each of the 15 e-mail addresses on Kela's page to the
outcomes that must reach it. Anything missing, misspelled or extra fails.
"""

from __future__ import annotations

import re
import tomllib

import pytest

from wizard.model import Flow

from .conftest import ROOT, SEED

SEED_TEXT = SEED.read_text(encoding="utf-8")


def _normalised(text: str) -> str:
    return " ".join(text.replace("(at)", "@").split())


SEED_NORMALISED = _normalised(SEED_TEXT)

# Each seed address -> the outcomes it must be reached from (exactly these).
ADDRESS_OUTCOMES = {
    "etelainenvp.terapiasopimukset@kela.fi": {"terapia_etelainen"},
    "keskinenvp.terapiasopimukset@kela.fi": {"terapia_keskinen"},
    "lantinenvp.terapiasopimukset@kela.fi": {"terapia_lantinen"},
    "itainenvp.terapiasopimukset@kela.fi": {"terapia_itainen"},
    "pohjoinenvp.terapiasopimukset@kela.fi": {"terapia_pohjoinen"},
    "kuntoutuspsykoterapeuttien_patevyydet@kela.fi": {
        "psykoterapia_hakuprosessi",
        "psykoterapia_patevoityminen",
        "psykoterapia_toiminta",
        "psykoterapia_osoitemuutos",
    },
    "Kuntoutuspalvelut_muutokset@kela.fi": {
        "toimeenpano_siirtymavaihe",
        "toimeenpano_peruminen",
        "toimeenpano_siirtaminen",
        "toimeenpano_tayttyminen",
        "toimeenpano_kohderyhma",
        "toimeenpano_kurssimaara",
        "toimeenpano_muut_kuntoutujat",
        "toimeenpano_salassa",
        "toimeenpano_muu",
    },
    "kuntoutus_sopimushallinta@kela.fi": {
        "sopimus_rakenne",
        "sopimus_tilat",
        "sopimus_ytunnus",
        "sopimus_remontti",
        "sopimus_johtaja",
        "sopimus_laskuttaja",
        "sopimus_tapaturma",
        "sopimus_muu",
    },
    "kuntoutus_palvelukuvaukset@kela.fi": {"palvelukuvaus_yleinen", "palvelukuvaus_palvelu", "palvelukuvaus_terapiat"},
    "tulos@kela.fi": {"akva_toimittaminen", "akva_kayttoliittyma", "akva_mittarit", "akva_lisatieto"},
    "kuntoutushanke@kela.fi": {"hanke_haku", "hanke_tutkimusluvat", "hanke_kehittamishankkeet"},
    "vatu.kuntoutus@kela.fi": {
        "tulkkaus_tilaaminen",
        "tulkkaus_jarjestaminen",
        "tulkkaus_tarpeeton",
        "tulkkaus_ongelmat",
    },
    "kuntoutus_tulkkaus@kela.fi": {"tulkkaus_kohdentaminen"},
    "kuntoutus_tulkkaus_sopimuksenhallinta@kela.fi": {"tulkkaus_sopimusmuutokset"},
    "kuntoutus_jarjestelmat@kela.fi": {
        "tekniset_extranet",
        "tekniset_katso",
        "tekniset_palveluntuottajahaku",
        "tekniset_muu",
    },
}
# Outcomes without an e-mail address -> their channel kind.
OTHER_CHANNELS = {
    "psykoterapia_muu": "phone",
    "viranomaislinja": "phone",
    "chat": "chat",
    "extranet_itse": "extranet",
    "esivalinta": "contact-person",
    "kela_sivusto": "web",
}


def test_seed_copy_matches_shared_seed():
    shared = ROOT.parent / "shared" / "seeds" / SEED.name.removeprefix("seed_")
    if not shared.exists():
        pytest.skip("shared/ is not beside this checkout")
    assert shared.read_bytes() == SEED.read_bytes()


def test_seed_has_exactly_the_fifteen_addresses():
    found = {m.replace("(at)", "@") for m in re.findall(r"[\w.]+\(at\)kela\.fi", SEED_TEXT)}
    assert found == set(ADDRESS_OUTCOMES)
    assert len(found) == 15


def test_every_address_reaches_exactly_its_outcomes(flow: Flow):
    reached: dict[str, set[str]] = {}
    for oid, outcome in flow.outcomes.items():
        contact = flow.contact_of(outcome)
        if contact.kind == "email":
            reached.setdefault(contact.address, set()).add(oid)
    assert reached == ADDRESS_OUTCOMES


def test_non_email_outcomes_use_their_channels(flow: Flow):
    others = {oid: flow.contact_of(o).kind for oid, o in flow.outcomes.items() if flow.contact_of(o).kind != "email"}
    assert others == OTHER_CHANNELS


def test_every_outcome_is_reachable_from_the_root(flow: Flow):
    assert set(flow.outcomes) <= set(flow.paths)


def test_no_other_address_url_or_phone_number_in_data():
    for path in [ROOT / "data" / "contacts.toml", *sorted((ROOT / "flows").glob("*.toml"))]:
        text = path.read_text(encoding="utf-8")
        for address in re.findall(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", text):
            assert address in ADDRESS_OUTCOMES, f"{path.name}: address not in the seed: {address}"
        for url in re.findall(r"(?:https?://|www\.)\S+", text):
            assert url.rstrip('",') in SEED_TEXT, f"{path.name}: URL not in the seed: {url}"
        # No phone numbers: runs of 6+ digits (spaces/dashes allowed) do not occur.
        assert not re.search(r"(?<![\w-])(?:\+?\d[\d -]{5,}\d)(?![\w-])", text.replace("2026-11-28", "")), path.name


SEED_FIELDS = ("address", "handled_by", "sender", "hours_text", "url")
SEED_LISTS = ("topics", "notes")


def test_contact_facts_are_copied_from_the_seed():
    data = tomllib.loads((ROOT / "data" / "contacts.toml").read_text(encoding="utf-8"))
    for cid, contact in data["contact"].items():
        for key in SEED_FIELDS:
            if key in contact:
                assert contact[key] in SEED_NORMALISED, f"contact {cid}.{key} not in seed: {contact[key]!r}"
        for key in SEED_LISTS:
            for item in contact.get(key, []):
                assert _normalised(item) in SEED_NORMALISED, f"contact {cid}.{key} not in seed: {item!r}"


def test_outcome_topics_are_seed_bullets(flow: Flow):
    for oid, outcome in flow.outcomes.items():
        if outcome.topic:
            assert outcome.topic in SEED_NORMALISED, oid


def test_chat_hours_match_the_seed(flow: Flow):
    chat = flow.contacts["chat"]
    assert chat.hours_text == "ma-pe klo 9-15"
    assert "ma-pe klo 9-15" in SEED_TEXT
    assert chat.hours is not None
    assert (chat.hours.days, chat.hours.open, chat.hours.close) == ((1, 2, 3, 4, 5), "09:00", "15:00")


def test_missing_facts_are_said_not_invented(flow: Flow):
    assert any("puhelinnumero" in m for m in flow.contacts["viranomaislinja"].missing)
    assert flow.contacts["viranomaislinja"].address is None
    assert any("verkko-osoite" in m for m in flow.contacts["extranet"].missing)
    assert any("yhteyshenkilön" in m for m in flow.contacts["esivalinta"].missing)


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
