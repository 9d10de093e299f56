"""A cache of the validated flow and its search index, kept for the data's exact bytes.

Parsing and validating the TOML and stemming every index word takes ~35 ms,
three times Python's own start-up; the scriptable commands would spend most
of their time on it. The first run after any change to the data (or to the
code that shapes the cache) validates as usual and stores the result with
marshal (builtin, no import cost) in the user's cache directory; later runs
read it back in about a millisecond. `check` never uses it: it always parses
and validates. A corrupt or unreadable cache is ignored and rebuilt.

The entry is valid only for the exact bytes it was made from: it stores them
and compares them whole (a memcmp), so no hash (and no `hashlib`, ~4 ms to
import) is needed on this path and no collision can serve stale facts.

Records are encoded generically: any object with `_fields` (every NamedTuple
in model.py, and Paths) becomes a list [type name, *values]; lists occur
nowhere else in a Flow, so decoding knows a record when it sees one. No field
list lives here: a new field needs no change in this module.
"""

from __future__ import annotations

import contextlib
import marshal
import os

from . import __version__, model

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from .model import Flow

FORMAT = 3
ENTRY = "data-cache.marshal"  # one entry: the data in use; another version simply replaces it
# Code whose changes must invalidate the cache (stat only: reading them would cost).
_SHAPERS = (
    "model.py",
    "named_tuple.py",
    "channels.py",
    "loader.py",
    "provenance.py",
    "paths.py",
    "digest.py",
    "search.py",
    "textnorm.py",
    "data_cache.py",
)
# Every record type in a Flow, by class name: whatever model.py declares with `_fields`.
RECORDS = {name: obj for name, obj in vars(model).items() if isinstance(obj, type) and hasattr(obj, "_fields")}
_TUPLE, _DICT = "()", "{}"  # tags of the containers that hold records (no class is named so)


def encode(value):
    """`value` in marshal's types. A record becomes [type name, *field values]; a tuple or
    dict that holds records becomes ["()", *items] or ["{}", dict]. Lists occur nowhere
    else in a Flow, so decode() walks only the lists and returns everything else as is."""
    kind = type(value)
    fields = getattr(kind, "_fields", None)
    if fields is not None:
        if RECORDS.get(kind.__name__) is not kind:
            raise TypeError(f"{kind.__name__} is not a record of model.py: the cache cannot rebuild it")
        return [kind.__name__, *(encode(getattr(value, field)) for field in fields)]
    if kind is tuple:
        items = tuple(encode(item) for item in value)
        return [_TUPLE, *items] if any(type(item) is list for item in items) else items
    if kind is dict:
        items = {key: encode(item) for key, item in value.items()}
        return [_DICT, items] if any(type(item) is list for item in items.values()) else items
    if kind is list:
        raise TypeError("a list in a Flow: the cache reserves lists for records (use a tuple)")
    return value


def decode(value):
    """The inverse of encode()."""
    if type(value) is not list:
        return value
    tag = value[0]
    if tag == _DICT:
        return {key: decode(item) if type(item) is list else item for key, item in value[1].items()}
    items = [decode(item) if type(item) is list else item for item in value[1:]]
    return tuple(items) if tag == _TUPLE else RECORDS[tag](*items)


def _stamp(*blobs: bytes) -> tuple[str, tuple[bytes, ...]]:
    """What an entry is valid for: the format, the code that shapes it, the data's bytes."""
    here = os.path.dirname(__file__)
    shapers = []
    for name in _SHAPERS:
        stat = os.stat(os.path.join(here, name))
        shapers.append(f"{name}:{stat.st_size}:{stat.st_mtime_ns}")
    return f"{FORMAT}:{__version__}:{';'.join(shapers)}", blobs


def _read(path: str) -> bytes:
    from .files import read_bytes  # regular files only, size-limited while reading

    return read_bytes(path)


def load_cached(flow_file: str, contacts_file: str) -> Flow:
    """The validated flow (and, registered for search, its index), from cache when possible."""
    from .errors import KelaError, UsageError
    from .files import cache_path
    from .search_cache import register_plain

    if os.environ.get("KELA_OHJAUS_NO_CACHE"):  # measuring the cache's worth, or debugging
        from .loader import load

        return load(flow_file, contacts_file)
    try:
        stamp = _stamp(_read(contacts_file), _read(flow_file))
    except OSError as exc:
        raise UsageError(f"{exc.filename}: cannot read: {exc.strerror}") from None
    entry = cache_path(ENTRY)
    try:
        stored, flow_plain, index_plain = marshal.loads(_read(entry))
        if stored == stamp:
            flow = decode(flow_plain)
            register_plain(flow, index_plain)
            return flow
    except (KelaError, OSError, EOFError, ValueError, TypeError, IndexError, KeyError, AttributeError, RecursionError):
        pass  # no cache yet, or an unreadable one: rebuild it below
    from .files import write_private
    from .loader import load
    from .search_cache import load_index

    flow = load(flow_file, contacts_file)
    index = load_index(flow)
    plain = marshal.dumps((stamp, encode(flow), index.to_plain()))
    # A read-only home must not stop the command; the next run simply rebuilds.
    with contextlib.suppress(Exception):
        write_private(entry, plain, overwrite=True)
        _forget_old(entry)
    return flow


def _forget_old(keep: str) -> None:
    """Drop the entries earlier versions left (compiled-KEY.marshal, one per data version)."""
    folder = os.path.dirname(keep)
    for other in os.listdir(folder):
        if other.startswith("compiled-") and other.endswith(".marshal"):
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(folder, other))
