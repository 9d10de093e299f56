"""A cache of the validated flow and its search index, keyed by the data's content.

Parsing and validating the TOML and stemming every index word takes ~35 ms,
three times Python's own start-up; the scriptable commands would spend most
of their time on it. The first run after any change to the data (or to the
code that shapes the cache) validates as usual and stores the result with
marshal (builtin, no import cost) in the user's cache directory; later runs
read it back in about a millisecond. `check` never uses it: it always parses
and validates. A corrupt or unreadable cache is ignored and rebuilt.
"""

from __future__ import annotations

import contextlib
import marshal
import os

from . import __version__
from .digest import content_digest
from .model import Contact, DraftTemplate, FieldSpec, Flow, Hours, Option, Outcome, Question, Source
from .paths import Paths

FORMAT = 2
# Code whose changes must invalidate the cache (stat only: reading them would cost).
_SHAPERS = (
    "model.py",
    "channels.py",
    "loader.py",
    "provenance.py",
    "paths.py",
    "digest.py",
    "search.py",
    "textnorm.py",
    "compiled.py",
)


def _key(*blobs: bytes) -> str:
    here = os.path.dirname(__file__)
    shapers = []
    for name in _SHAPERS:
        stat = os.stat(os.path.join(here, name))
        shapers.append(f"{name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return content_digest(f"{FORMAT}:{__version__}".encode(), *shapers, *blobs, size=16)


def to_plain(flow: Flow) -> tuple:
    contacts = {cid: (*c[:9], tuple(c.hours) if c.hours else None, *c[10:]) for cid, c in flow.contacts.items()}
    questions = {
        qid: (q.id, q.text, tuple(tuple(o) for o in q.options), q.help, q.source) for qid, q in flow.questions.items()
    }
    return (
        flow.id,
        flow.title,
        flow.root,
        questions,
        {oid: tuple(o) for oid, o in flow.outcomes.items()},
        contacts,
        dict(flow.say),
        tuple(flow.draft),
        {k: tuple(f) for k, f in flow.fields.items()},
        flow.content_hash,
        flow.data_version,
        flow.paths.links,  # one link per node (see paths.py): linear in size
        flow.source,
        {sid: tuple(s) for sid, s in flow.sources.items()},
        flow.facts_source,
    )


def from_plain(plain: tuple) -> Flow:
    (fid, title, root, questions, outcomes, contacts, say, draft, fields, content_hash, version, paths, source) = plain[
        :13
    ]
    sources, facts_source = plain[13:]
    return Flow(
        id=fid,
        title=title,
        root=root,
        questions={k: Question(q[0], q[1], tuple(Option(*o) for o in q[2]), *q[3:]) for k, q in questions.items()},
        outcomes={k: Outcome(*o) for k, o in outcomes.items()},
        contacts={k: Contact(*c[:9], Hours(*c[9]) if c[9] else None, *c[10:]) for k, c in contacts.items()},
        say=say,
        draft=DraftTemplate(*draft),
        fields={k: FieldSpec(*f) for k, f in fields.items()},
        content_hash=content_hash,
        data_version=version,
        paths=Paths(paths),
        source=source,
        sources={k: Source(*s) for k, s in sources.items()},
        facts_source=facts_source,
    )


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
        key = _key(_read(contacts_file), _read(flow_file))
    except OSError as exc:
        raise UsageError(f"{exc.filename}: cannot read: {exc.strerror}") from None
    cache = cache_path(f"compiled-{key}.marshal")
    try:
        flow_plain, index_plain = marshal.loads(_read(cache))
        flow = from_plain(flow_plain)
        register_plain(flow, index_plain)
        return flow
    except (KelaError, OSError, EOFError, ValueError, TypeError, IndexError, KeyError, AttributeError):
        pass  # no cache yet, or an unreadable one: rebuild it below
    from .files import write_private
    from .loader import load
    from .search_cache import load_index

    flow = load(flow_file, contacts_file)
    index = load_index(flow)
    # A read-only home must not stop the command; the next run simply rebuilds.
    with contextlib.suppress(Exception):
        write_private(cache, marshal.dumps((to_plain(flow), index.to_plain())), overwrite=True)
        _forget_others(cache)
    return flow


def _forget_others(keep: str) -> None:
    """One entry per data version is enough: drop the caches of older data or code."""
    folder, name = os.path.split(keep)
    for other in os.listdir(folder):
        if other.startswith("compiled-") and other.endswith(".marshal") and other != name:
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(folder, other))
