"""Records declared once: NamedTuple records, and a data cache that knows no field of them."""

from __future__ import annotations

import ast
import marshal
import typing
from pathlib import Path

import pytest

from wizard import data_cache, model
from wizard.named_tuple import NamedTuple

WIZARD = Path(model.__file__).parent


def _encoded_types(plain) -> set[str]:
    """The record type names in data_cache.encode()'s output."""
    if type(plain) is list:  # a record, or a container of records ("()" / "{}")
        tag, *items = plain
        found = {tag} - {"()", "{}"}
        return found.union(*(_encoded_types(v) for v in items))
    if type(plain) is tuple:
        return set().union(*(_encoded_types(v) for v in plain))
    if type(plain) is dict:
        return set().union(*(_encoded_types(v) for v in plain.values()))
    return set()


def _same_types(a, b) -> bool:
    """Equal, and of the same record type at every level (a tuple is not a Contact)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same_types(a[k], b[k]) for k in a)
    if hasattr(type(a), "_fields"):
        return all(_same_types(getattr(a, f), getattr(b, f)) for f in type(a)._fields)
    if isinstance(a, tuple):
        return len(a) == len(b) and all(_same_types(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def test_the_cache_round_trips_every_record_type_of_the_model(flow):
    plain = marshal.loads(marshal.dumps(data_cache.encode(flow)))
    assert _encoded_types(plain) == set(data_cache.RECORDS)  # every record type is exercised
    assert set(data_cache.RECORDS) >= {"Flow", "Contact", "Hours", "Question", "Option", "Outcome", "Source", "Paths"}
    again = data_cache.decode(plain)
    assert again == flow
    assert _same_types(again, flow)
    assert dict(again.paths) == dict(flow.paths)


def test_a_new_contact_field_needs_no_change_to_the_cache(flow, monkeypatch):
    """Adding a field is one line in model.py: the cache carries it without being told."""
    ns = {
        "__module__": model.__name__,
        "__annotations__": {**model.Contact.__annotations__, "extension": "str"},
        **model.Contact._field_defaults,
        "extension": "",
        "source_of": model.Contact.source_of,
    }
    Extended = type(NamedTuple)("Contact", (NamedTuple,), ns)  # model.Contact with one line more
    monkeypatch.setitem(data_cache.RECORDS, "Contact", Extended)
    contacts = {cid: Extended(*c, extension=f"uusi {cid}") for cid, c in flow.contacts.items()}
    extended = flow._replace(contacts=contacts)
    again = data_cache.decode(marshal.loads(marshal.dumps(data_cache.encode(extended))))
    assert again == extended
    assert {c.extension for c in again.contacts.values()} == {f"uusi {cid}" for cid in flow.contacts}


def test_the_cache_refuses_what_it_could_not_rebuild(flow):
    class Stranger(NamedTuple):
        value: str

    with pytest.raises(TypeError, match="Stranger"):
        data_cache.encode(flow._replace(say={"email": Stranger("x")}))
    with pytest.raises(TypeError, match="list"):
        data_cache.encode(flow._replace(say={"email": ["a"]}))


def _field_names() -> set[str]:
    return {field for record in data_cache.RECORDS.values() for field in record._fields}


def test_no_module_lists_a_records_fields_again():
    """Each record's fields are written once, in its class: no namedtuple("X", [...]) field lists,
    and the cache names no field (it walks _fields), so nothing slices a record by position."""
    for path in sorted(WIZARD.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        calls = [
            node
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "namedtuple"
        ]
        if path.name != "named_tuple.py":
            assert not calls, f"{path.name}: declare the record as a NamedTuple class, its fields once"
    cache = ast.parse((WIZARD / "data_cache.py").read_text(encoding="utf-8"))
    named = {n.attr for n in ast.walk(cache) if isinstance(n, ast.Attribute)}
    named |= {n.value for n in ast.walk(cache) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    assert not named & _field_names()
    slices = [n for n in ast.walk(cache) if isinstance(n, ast.Subscript) and isinstance(n.slice, ast.Slice)]
    assert len(slices) == 1  # value[1:]: the values after the type name, whatever the record


def test_named_tuple_builds_what_typing_named_tuple_builds():
    class Ours(NamedTuple):
        """A record."""

        a: str
        b: int = 1
        c: tuple[str, ...] = ()

        def twice(self) -> int:
            return self.b * 2

    class Theirs(typing.NamedTuple):
        a: str
        b: int = 1
        c: tuple[str, ...] = ()

    assert Ours._fields == Theirs._fields
    assert Ours._field_defaults == Theirs._field_defaults
    assert Ours.__mro__[1:] == Theirs.__mro__[1:] == (tuple, object)
    record = Ours("x", c=("y",))
    assert record == Theirs("x", 1, ("y",)) and record.twice() == 2
    assert repr(record) == "Ours(a='x', b=1, c=('y',))" and Ours.__doc__ == "A record."
    assert record._replace(b=3).twice() == 6 and record._asdict() == {"a": "x", "b": 1, "c": ("y",)}
    assert not hasattr(record, "__dict__")
    with pytest.raises(AttributeError):
        record.a = "z"  # type: ignore[misc]


def test_named_tuple_refuses_what_typing_named_tuple_refuses():
    with pytest.raises(TypeError, match="'b' without a default"):

        class Bad(NamedTuple):
            a: str = ""
            b: str

    with pytest.raises(AttributeError, match="_replace"):

        class Clash(NamedTuple):
            a: str

            def _replace(self):  # pragma: no cover
                return self


def test_the_cache_serves_the_data_as_it_is_now(tmp_path, monkeypatch):
    """An edit that keeps the file's size and time (one letter of an address) is still seen:
    the entry is compared with the data's bytes, not with its size or a short digest."""
    import os
    import shutil

    from wizard.locate import default_contacts, default_flows

    monkeypatch.setenv("KELA_OHJAUS_HOME", str(tmp_path / "home"))
    flow_file = shutil.copy(default_flows()[0], tmp_path / "kuntoutus.toml")
    contacts_file = tmp_path / "contacts.toml"
    shutil.copy(default_contacts(), contacts_file)
    before = data_cache.load_cached(str(flow_file), str(contacts_file))
    assert data_cache.load_cached(str(flow_file), str(contacts_file)) == before  # served from the entry
    stat = os.stat(contacts_file)
    text = contacts_file.read_text(encoding="utf-8")
    address = before.contacts["sopimushallinta"].address
    edited = address.replace("kuntoutus_", "kuntoutus-", 1)
    assert len(edited) == len(address) and edited in text.replace(address, edited)
    contacts_file.write_text(text.replace(address, edited), encoding="utf-8")
    os.utime(contacts_file, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert os.stat(contacts_file).st_size == stat.st_size
    after = data_cache.load_cached(str(flow_file), str(contacts_file))
    assert after.contacts["sopimushallinta"].address == edited
