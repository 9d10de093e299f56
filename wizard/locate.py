"""Where the shipped data lives, and the cached way to load it.

Kept apart from loader.py so that commands served from the data cache
never import tomllib/tomli or the validator. Paths are plain strings here:
pathlib costs ~5 ms to import (it pulls in urllib.parse and ipaddress),
half the interpreter's own start-up.
"""

from __future__ import annotations

import os

from .errors import UsageError
from .model import Flow


def data_root() -> str:
    """Where flows/ and data/ live: inside the wheel, or the source checkout."""
    here = os.path.dirname(os.path.realpath(__file__))
    shipped = os.path.join(here, "_data")
    return shipped if os.path.isfile(os.path.join(shipped, "data", "contacts.toml")) else os.path.dirname(here)


def default_contacts() -> str:
    return os.path.join(data_root(), "data", "contacts.toml")


def default_flows() -> list[str]:
    folder = os.path.join(data_root(), "flows")
    try:
        names = sorted(n for n in os.listdir(folder) if n.endswith(".toml"))
    except OSError:
        return []
    return [os.path.join(folder, n) for n in names]


def flow_id_of(path: str) -> str:
    return os.path.splitext(os.path.basename(path))[0]


def load_default(flow_id: str | None = None) -> Flow:
    """The shipped flow (first, or by id), through the data cache."""
    from .data_cache import load_cached

    flows = default_flows()
    if not flows:
        raise UsageError(f"Päätöspuita ei löydy hakemistosta {os.path.join(data_root(), 'flows')}.")
    if flow_id is None:
        return load_cached(flows[0], default_contacts())
    for path in flows:
        if flow_id_of(path) == flow_id:
            return load_cached(path, default_contacts())
    raise UsageError(f"Tuntematon päätöspuu '{flow_id}' (puut: {', '.join(flow_id_of(p) for p in flows)}).")
