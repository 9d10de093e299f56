"""`typing.NamedTuple` for type checkers, the same record at run time without `import typing`.

A record is declared once: `class Contact(NamedTuple):` with one annotated line
per field and its default beside it, exactly as with typing.NamedTuple, which
is what type checkers see (TYPE_CHECKING below). At run time `import typing`
costs ~3-4 ms, and typing.NamedTuple also compiles every string annotation, a
tenth of a scriptable command's start-up guard (bench/startup.py); so here the
class body is turned into the same collections.namedtuple directly: field
names from the annotations in order, defaults from the values assigned,
methods, docstring and annotations kept on the namedtuple class itself
(as typing.NamedTuple does).
"""

from __future__ import annotations

from collections import namedtuple

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import NamedTuple as NamedTuple
else:
    _PROHIBITED = frozenset(
        {
            "__new__",
            "__init__",
            "__slots__",
            "__getnewargs__",
            "_fields",
            "_field_defaults",
            "_make",
            "_replace",
            "_asdict",
        }
    )

    class _NamedTupleMeta(type):
        def __new__(mcls, name: str, bases: tuple, namespace: dict):
            if not bases:  # NamedTuple itself
                return super().__new__(mcls, name, bases, namespace)
            if bases != (NamedTuple,):
                raise TypeError(f"{name}: a record derives from NamedTuple alone")
            fields = list(namespace.get("__annotations__", {}))
            defaults = []
            for field in fields:
                if field in namespace:
                    defaults.append(namespace[field])
                elif defaults:
                    raise TypeError(f"{name}: field '{field}' without a default follows one with a default")
            # As typing.NamedTuple does: the namedtuple class itself, with the body's methods set on it.
            record = namedtuple(name, fields, defaults=defaults, module=namespace.get("__module__"))
            for key, value in namespace.items():
                if key in _PROHIBITED:
                    raise AttributeError(f"{name}: cannot overwrite NamedTuple attribute {key}")
                if key not in fields and key != "__module__":
                    setattr(record, key, value)
            return record

    class NamedTuple(metaclass=_NamedTupleMeta):
        """Base of the records: see the module docstring."""
