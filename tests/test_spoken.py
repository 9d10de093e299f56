"""Addresses and phone numbers as said aloud to a caller (wizard/spoken.py)."""

from __future__ import annotations

import json

import pytest

from wizard.model import Flow
from wizard.spoken import spoken

from .helpers import run


def test_spoken_form_of_every_shipped_address(flow: Flow, snapshot):
    addresses = sorted(c.address for c in flow.contacts.values() if c.address)
    assert {a: spoken(a) for a in addresses} == snapshot


@pytest.mark.parametrize(
    ("address", "said"),
    [
        ("kuntoutus_sopimushallinta@kela.fi", "kuntoutus alaviiva sopimushallinta ät kela piste fi"),
        ("vatu.kuntoutus@kela.fi", "vatu piste kuntoutus ät kela piste fi"),
        ("a1-b2@x.fi", "a yksi väliviiva b kaksi ät x piste fi"),
        ("Kuntoutuspalvelut_muutokset@kela.fi", "Kuntoutuspalvelut alaviiva muutokset ät kela piste fi"),
        ("tulos+akva@kela.fi", "tulos plus akva ät kela piste fi"),
    ],
)
def test_tricky_addresses_read_aloud(address: str, said: str):
    assert spoken(address) == said


def test_spoken_is_in_json(flow: Flow):
    data = json.loads(run("outcomes", "--json").stdout)
    remontti = next(d for d in data if d["id"] == "sopimus_remontti")
    assert remontti["spoken"] == "kuntoutus alaviiva sopimushallinta ät kela piste fi"
