"""Command palette (Ctrl+P): the same shared search as the `/` box."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from ..describe import channel_line


class OutcomeSearch(Provider):
    async def search(self, query: str) -> Hits:
        from ..search import search  # on the first palette search, not at start-up

        app = self.app
        flow = app.session.flow  # type: ignore[attr-defined]
        hits = search(app.index, query, 10)  # type: ignore[attr-defined]
        top = hits[0].score if hits else 1.0
        for hit in hits:
            outcome = flow.outcomes[hit.outcome]
            contact = flow.contact_of(outcome)
            text = f"{outcome.title} → {channel_line(contact)}"
            yield Hit(
                score=hit.score / top,
                match_display=Content(text),
                command=partial(app.open_outcome, hit.outcome),  # type: ignore[attr-defined]
                text=text,
                help=f"osui: {', '.join(hit.matched)}",
            )

    async def discover(self) -> Hits:
        app = self.app
        flow = app.session.flow  # type: ignore[attr-defined]
        for outcome in list(flow.outcomes.values())[:15]:
            yield DiscoveryHit(
                Content(outcome.title),
                partial(app.open_outcome, outcome.id),
                text=outcome.title,  # type: ignore[attr-defined]
            )
