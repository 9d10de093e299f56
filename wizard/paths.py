"""Canonical paths from the root, stored as one link per node.

A path is ((question_id, option_id), ...). Storing each node's whole path costs
memory quadratic in the depth (a chain of 20,000 questions needed 2 GB); storing
only the last step per node is linear, and a path is rebuilt when it is asked for.
"""

from __future__ import annotations

from collections.abc import Mapping

Step = tuple[str, str]


class Paths(Mapping):
    """Read-only mapping node id -> its path; `links` is node -> last step (None for the root)."""

    __slots__ = ("links",)
    _fields = ("links",)  # what the data cache stores (data_cache.encode), as for the records

    def __init__(self, links: dict[str, Step | None]) -> None:
        self.links = links

    def __getitem__(self, node: str) -> tuple[Step, ...]:
        links = self.links
        link = links[node]
        steps: list[Step] = []
        while link is not None:
            steps.append(link)
            link = links[link[0]]
        steps.reverse()
        return tuple(steps)

    def __contains__(self, node: object) -> bool:
        return node in self.links

    def __iter__(self):
        return iter(self.links)

    def __len__(self) -> int:
        return len(self.links)

    def __repr__(self) -> str:
        return f"Paths({len(self.links)} nodes)"
