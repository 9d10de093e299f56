"""Where the shipped data lives, and the cached way to load it.

Kept apart from loader.py so that commands served from the compiled cache
never import tomllib or the validator.
"""

from __future__ import annotations

from pathlib import Path

from .errors import UsageError
from .model import Flow


def data_root() -> Path:
    """Where flows/ and data/ live: inside the wheel, or the source checkout."""
    here = Path(__file__).resolve().parent
    shipped = here / "_data"
    return shipped if (shipped / "data" / "contacts.toml").is_file() else here.parent


def default_contacts() -> Path:
    return data_root() / "data" / "contacts.toml"


def default_flows() -> list[Path]:
    return sorted((data_root() / "flows").glob("*.toml"))


def load_default(flow_id: str | None = None) -> Flow:
    """The shipped flow (first, or by id), through the compiled cache."""
    from .compiled import load_cached

    flows = default_flows()
    if not flows:
        raise UsageError(f"no flows found in {data_root() / 'flows'}")
    if flow_id is None:
        return load_cached(flows[0], default_contacts())
    for path in flows:
        if path.stem == flow_id:
            return load_cached(path, default_contacts())
    raise UsageError(f"unknown flow '{flow_id}' (known: {', '.join(p.stem for p in flows)})")
