"""`kela-ohjaus audit PAGE`: a newer copy of Kela's page against the facts taken from it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wizard.cli import main

from .helpers import FIXTURES, ROOT, SEED

SEED_TEXT = SEED.read_text(encoding="utf-8")
SEED_HTML = FIXTURES / "seed_000_af6b420aa2413dc6.html"
CONTACTS_LINES = (ROOT / "data" / "contacts.toml").read_text(encoding="utf-8").splitlines()
FLOW_LINES = (ROOT / "flows" / "kuntoutus.toml").read_text(encoding="utf-8").splitlines()


def audit(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["audit", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def page(tmp_path: Path, text: str, name: str = "sivu.txt") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def line_of(lines: list[str], fragment: str, after: str = "") -> int:
    start = next(i for i, line in enumerate(lines) if after in line) if after else 0
    return next(i for i, line in enumerate(lines[start:], start) if fragment in line) + 1


def test_the_seed_copy_audits_clean(capsys):
    code, out, _ = audit(capsys, str(SEED))
    assert code == 0
    assert out.startswith("Ei eroja") and "S0" in out


def test_an_html_rendering_of_the_seed_audits_clean(capsys):
    code, out, _ = audit(capsys, str(SEED_HTML))
    assert code == 0, out
    assert out.startswith("Ei eroja")


def test_html_is_read_with_a_parser_not_a_regex():
    from wizard.audit import page_text

    text, mailto = page_text(SEED_HTML.read_text(encoding="utf-8"))
    assert "ei(at)kela.fi" not in text and "klo 7-21" not in text  # script and style skipped
    assert "Chatissä vastataan" in text  # &auml; decoded
    assert " • mittarit" in text.splitlines() and "tulos@kela.fi" in mailto


def test_a_removed_address_is_reported_exactly(capsys, tmp_path):
    copy = SEED_TEXT.replace(" • keskinenvp.terapiasopimukset(at)kela.fi\n", "")
    code, out, _ = audit(capsys, page(tmp_path, copy))
    assert code == 1
    line = line_of(CONTACTS_LINES, 'address = "keskinenvp.terapiasopimukset@kela.fi"')
    assert out.splitlines() == [
        f"data/contacts.toml:{line}: osoite poistunut sivulta: keskinenvp.terapiasopimukset@kela.fi "
        "(yhteystieto keskinenvp; kohteet terapia_keskinen)",
        "1 ero sivun ja tietojen välillä (lähde S0: Kuntoutuksen yhteystiedot kuntoutuksen palveluntuottajille).",
    ]


def test_a_renamed_address_is_reported_as_changed(capsys, tmp_path):
    copy = SEED_TEXT.replace("tulos(at)kela.fi", "akva.tulos(at)kela.fi")
    code, out, _ = audit(capsys, page(tmp_path, copy))
    assert code == 1
    line = line_of(CONTACTS_LINES, 'address = "tulos@kela.fi"')
    assert out.splitlines()[:-1] == [
        f"data/contacts.toml:{line}: osoite muuttunut: tulos@kela.fi → akva.tulos@kela.fi (yhteystieto akva; "
        "kohteet akva_toimittaminen, akva_kayttoliittyma, akva_mittarit, akva_lisatieto)"
    ]


def test_a_new_address_is_reported_as_added(capsys, tmp_path):
    copy = SEED_TEXT.replace(
        "Yhteydenotot: kuntoutushanke(at)kela.fi", "Yhteydenotot: kuntoutushanke(at)kela.fi\n\nLuvat: luvat(at)kela.fi"
    )
    code, out, _ = audit(capsys, page(tmp_path, copy, "uusi.txt"), "--json")
    assert code == 1
    report = json.loads(out)
    assert report["source"]["id"] == "S0"
    [difference] = report["differences"]
    assert (difference["kind"], difference["change"], difference["new"]) == ("address", "added", "luvat@kela.fi")
    assert difference["file"] == "data/contacts.toml"
    assert difference["line"] == line_of(CONTACTS_LINES, "[contact.kehittamishankkeet]")


def test_a_new_topic_bullet_is_reported_as_added(capsys, tmp_path):
    copy = SEED_TEXT.replace(
        " • kurssin kohderyhmän muutos\n", " • kurssin kohderyhmän muutos\n • kurssin kielen muutos\n"
    )
    code, out, _ = audit(capsys, page(tmp_path, copy))
    assert code == 1
    line = line_of(CONTACTS_LINES, '"kurssin kohderyhmän muutos"')
    assert out.splitlines()[:-1] == [
        f'data/contacts.toml:{line}: uusi aihe sivulla: "kurssin kielen muutos" (lisää yhteystiedon toimeenpano '
        "topics-listaan ja sille vaihtoehto ja kohde flows/-puuhun)"
    ]


@pytest.mark.parametrize(
    ("new", "change"),
    [(None, "removed"), ("laskuttajan tai tilinumeron muutos", "changed")],
    ids=["removed", "changed"],
)
def test_a_removed_or_changed_topic_names_its_outcome_too(capsys, tmp_path, new, change):
    bullet = f" • {new}\n" if new else ""
    code, out, _ = audit(capsys, page(tmp_path, SEED_TEXT.replace(" • laskuttajan muutos\n", bullet)), "--json")
    assert code == 1
    [difference] = json.loads(out)["differences"]
    assert (difference["kind"], difference["change"], difference["old"], difference["new"]) == (
        "topic",
        change,
        "laskuttajan muutos",
        new,
    )
    assert difference["line"] == line_of(CONTACTS_LINES, '"laskuttajan muutos"')
    topic_line = line_of(FLOW_LINES, 'topic = "laskuttajan muutos"')
    assert f"flows/kuntoutus.toml:{topic_line} kohde sopimus_laskuttaja" in difference["message"]


def test_changed_chat_hours_are_reported_with_every_line_to_edit(capsys, tmp_path):
    code, out, _ = audit(capsys, page(tmp_path, SEED_TEXT.replace("ma-pe klo 9-15", "ma-pe klo 8-16")))
    assert code == 1
    hours_text = line_of(CONTACTS_LINES, 'hours_text = "ma-pe klo 9-15"')
    hours = line_of(CONTACTS_LINES, "hours = {", after="[contact.chat]")
    note = line_of(CONTACTS_LINES, "kysymyksiin ma-pe klo 9-15.")
    label = line_of(FLOW_LINES, "(ma-pe klo 9-15)")
    assert out.splitlines()[:-1] == [
        f"data/contacts.toml:{hours_text}: aukioloaika muuttunut: ma-pe klo 9-15 → ma-pe klo 8-16 (yhteystieto chat; "
        f"päivitä myös data/contacts.toml:{hours} (hours), data/contacts.toml:{note}, flows/kuntoutus.toml:{label})"
    ]


def test_the_news_page_s1_is_audited_on_its_number_and_hours(capsys, tmp_path):
    news = (
        "Kelan erityispalvelu nykymuotoisena päättyy – näin voit tukea asiakasta Kela-asioissa\n\n"
        "Viranomaislinja palvelee numerossa 020 692 236 ma–pe klo 9–15.\n"
    )
    code, out, _ = audit(capsys, page(tmp_path, news), "--json")
    assert code == 1
    report = json.loads(out)
    assert report["source"]["id"] == "S1"
    [difference] = report["differences"]
    assert (difference["kind"], difference["old"], difference["new"]) == ("phone", "020 692 235", "020 692 236")
    assert difference["line"] == line_of(CONTACTS_LINES, 'phone = "020 692 235"')


def test_usage_errors_exit_2(capsys, tmp_path):
    code, _, err = audit(capsys, str(tmp_path / "ei-ole.txt"))
    assert code == 2 and "tiedostoa ei löydy" in err
    code, _, err = audit(capsys, page(tmp_path, "Jokin muu sivu\n\n • aihe\n", "muu.txt"))
    assert code == 2 and "--source" in err and "S0" in err
    code, _, err = audit(capsys, str(SEED), "--source", "S9")
    assert code == 2 and "tuntematon lähde" in err
    code, _, err = audit(capsys, page(tmp_path, "   \n", "tyhja.txt"))
    assert code == 2 and "tyhjä" in err
    junk = tmp_path / "roskaa.bin"
    junk.write_bytes(bytes(range(128, 256)) * 40)  # neither UTF-8 nor cp1252 (0x81 is undefined)
    code, _, err = audit(capsys, str(junk))
    assert code == 2 and "ei tekstiä" in err and "Traceback" not in err
    code, _, err = audit(capsys)
    assert code == 2


def test_a_page_named_by_source_is_compared_even_without_its_title(capsys, tmp_path):
    body = SEED_TEXT.split("\n", 1)[1]  # no title line
    code, out, _ = audit(capsys, page(tmp_path, body), "--source", "S0")
    assert code == 0, out
