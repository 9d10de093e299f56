"""The search index for a flow, built (or read from the compiled cache) once per process."""

from __future__ import annotations

from .model import Flow
from .search import SearchIndex, build_index

_built: dict[str, SearchIndex] = {}


def _key(flow: Flow) -> str:
    return f"{flow.id}:{flow.content_hash}"


def register(flow: Flow, index: SearchIndex) -> None:
    _built[_key(flow)] = index


def load_index(flow: Flow) -> SearchIndex:
    key = _key(flow)
    if key not in _built:
        _built[key] = build_index(flow)
    return _built[key]
