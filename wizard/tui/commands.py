"""Command palette (Ctrl+P): the same shared search as the `/` box.

Unsure means say so here too: when `find()` is ambiguous (or nothing useful
matched) the palette first offers the tree question to ask and each of its
options, then the ranked hits. Enter on the first entry opens the question,
never a guess.
"""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

# Palette entries are shown by score, highest first: the question, its options, then the hits (a clear
# answer's hits keep the 0-1 range they had). A system command the words name ("ohje", "lopeta") scores
# far above 1 in Textual's matcher and stays first.
QUESTION_SCORE, OPTION_SCORE, UNSURE_HIT_SCORE = 1.0, 0.99, 0.45


class OutcomeSearch(Provider):
    async def search(self, query: str) -> Hits:
        from ..describe import channel_line
        from ..search import find  # on the first palette search, not at start-up

        app = self.app
        flow = app.session.flow  # type: ignore[attr-defined]
        result = find(app.index, query, 10)  # type: ignore[attr-defined]
        hits = result.hits
        # Unsure (close hits lead to different addresses) or nothing useful matched (the top-level question):
        # the tree's question and its options first.
        if result.question is not None:
            question = flow.questions[result.question]
            why = "epävarma, kysy soittajalta" if result.ambiguous else "ei selvää osumaa"
            text = f"? {question.text}  ({why})"
            yield Hit(
                score=QUESTION_SCORE,
                match_display=Content(text),
                command=partial(app.open_outcome, question.id),  # type: ignore[attr-defined]
                text=text,
                help="avaa kysymyksen: kysy soittajalta, älä arvaa",
            )
            leads: dict[str, list[str]] = {}
            for option_id, outcome_id in zip(result.options, result.candidates, strict=False):
                leads.setdefault(option_id, []).append(flow.outcomes[outcome_id].title)
            for number, option in enumerate(question.options):
                targets = leads.get(option.id)
                text = f"? {question.text} → {option.label}"
                yield Hit(
                    score=OPTION_SCORE - number / 1000,
                    match_display=Content(text),
                    command=partial(app.open_option, question.id, option.id),  # type: ignore[attr-defined]
                    text=text,
                    help=f"johtaa: {'; '.join(targets)}" if targets else None,
                )
        top = hits[0].score if hits else 1.0
        below = 1.0 if result.question is None else UNSURE_HIT_SCORE
        for hit in hits:
            outcome = flow.outcomes[hit.outcome]
            contact = flow.contact_of(outcome)
            text = f"{outcome.title} → {channel_line(contact)}"
            yield Hit(
                score=below * hit.score / top,
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
