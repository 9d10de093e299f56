"""The search index for a flow, built (or read from the data cache) once per process."""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from .model import Flow
    from .search import SearchIndex

# Plain indexes read from the data cache, turned into SearchIndex on first
# use: commands that never search (outcomes, draft) do not import search.py.
_plain: dict[str, tuple] = {}
_built: dict[str, SearchIndex] = {}


def _key(flow: Flow) -> str:
    return f"{flow.id}:{flow.content_hash}"


def register_plain(flow: Flow, plain: tuple) -> None:
    _plain[_key(flow)] = plain


def load_index(flow: Flow) -> SearchIndex:
    from .search import SearchIndex, build_index

    key = _key(flow)
    if key not in _built:
        plain = _plain.pop(key, None)
        _built[key] = SearchIndex.from_plain(plain) if plain is not None else build_index(flow)
    return _built[key]
