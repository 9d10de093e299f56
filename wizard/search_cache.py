"""The search index for a flow, built once per process."""

from __future__ import annotations

from .model import Flow
from .search import SearchIndex, build_index

_built: dict[str, SearchIndex] = {}


def load_index(flow: Flow) -> SearchIndex:
    key = f"{flow.id}:{flow.content_hash}"
    if key not in _built:
        _built[key] = build_index(flow)
    return _built[key]
