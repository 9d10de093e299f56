"""Keys in order: each key reaches the widget that has focus once the previous key is done.

Textual hands a key to whatever has focus the moment the key is read. A key
that moves focus (Enter in the search box, Tab in the fields form, `e` opening
the form) only moves it a few messages later, so keys typed faster than that
went to the old widget: "q" after a search ended up in the hidden search box,
Y-tunnus digits in the provider field. The gate holds each key (and paste)
until every message the previous one caused has been handled. Letters for a
text field need not wait on each other: once focus has settled on the field,
the letters queued behind the key that moved it go in together.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import TYPE_CHECKING

from textual import events, messages

if TYPE_CHECKING:
    from textual.app import App
    from textual.message_pump import MessagePump
    from textual.widget import Widget

ROUND_LIMIT = 200  # safety: a pump that never answers must not freeze the keyboard


def _pumps(app: App) -> list[MessagePump]:
    pumps: list[MessagePump] = [app]
    for screen in app.screen_stack:
        pumps.extend(screen.walk_children(with_self=True))
    return pumps


# Repaint plumbing, not the result of a key: a spinner or a blinking cursor
# posts these forever, and waiting for them would hold keys for nothing.
_REPAINT = (messages.Prompt, messages.Update, messages.Layout, events.Idle)


def _quiet(pumps: list[MessagePump]) -> bool:
    for pump in pumps:
        if pump._next_callbacks:
            return False
        if any(not isinstance(message, _REPAINT) for message in pump._message_queue.values):
            return False
    return True


def _is_text(event: events.Event) -> bool:
    return isinstance(event, events.Key) and event.is_printable and len(event.character or "") == 1


def _key_of(character: str) -> str:
    from textual.keys import _character_to_key

    return character if character.isalnum() else _character_to_key(character)


class KeyGate:
    def __init__(self, app: App) -> None:
        self.app = app
        self.backlog: deque[events.Event] = deque()
        self.released: set[int] = set()  # ids of events let through by the gate
        self.task: asyncio.Task[None] | None = None
        self.text_field: Widget | None = None  # the Input the last key was typed into
        # Set when everything the keys so far caused has been handled; a key
        # arriving then is handled at once, as Textual would.
        self.idle = asyncio.Event()

    def start(self) -> None:
        """Once the app runs: let keys through directly as soon as start-up has settled."""
        self._ensure_running()

    def hold(self, event: events.Event) -> bool:
        """Called for every key/paste the app receives; True when the gate keeps it for later."""
        if id(event) in self.released:
            self.released.discard(id(event))
            self._note(event)
            return False
        if isinstance(event, events.Key) and event.key.startswith("alt+") and event.character:
            # Esc and a letter typed within tmux's escape-time (500 ms by default)
            # arrive as one "alt+letter". Nothing here is bound to Alt, and an
            # agent's Esc must close the form, not turn into a letter typed in it.
            self.backlog.extend([events.Key("escape", "\x1b"), events.Key(_key_of(event.character), event.character)])
            self.idle.clear()
            self._ensure_running()
            return True
        if not self.backlog and (self.idle.is_set() or self._more_text(event)):
            self.idle.clear()  # handled now; the next key waits until this one is done
            self._ensure_running()
            self._note(event)
            return False
        self.backlog.append(event)
        self.idle.clear()
        self._ensure_running()
        return True

    def _more_text(self, event: events.Event) -> bool:
        """A letter for the text field that took the previous key, a letter too: no need to wait.

        Letters typed into a field cannot move focus or open anything, so the
        field that took the previous one takes this one. Only keys that can
        (Tab, Enter, Esc, shortcuts outside a field) wait for what came before.
        Typing stays as fast as the terminal delivers it.
        """
        focused = self.app.focused
        return self.text_field is not None and focused is self.text_field and _is_text(event)

    def _note(self, event: events.Event) -> None:
        """Remember whether this key went, as text, into the focused text field."""
        from textual.widgets import Input

        focused = self.app.focused
        self.text_field = focused if isinstance(focused, Input) and _is_text(event) else None

    def _ensure_running(self) -> None:
        # One task only: two waiting side by side would each see the other's
        # probes queued and never find the pumps quiet.
        if self.task is None or self.task.done():
            self.task = asyncio.create_task(self._run())

    async def _round(self) -> list[MessagePump]:
        """Wait until every pump has handled what was queued before this call."""
        pumps = _pumps(self.app)
        pending = 0
        done = asyncio.Event()

        def answered() -> None:
            nonlocal pending
            pending -= 1
            if pending == 0:
                done.set()

        for pump in pumps:
            if pump.call_later(answered):
                pending += 1
        if pending:
            await done.wait()
        return pumps

    async def wait_settled(self) -> None:
        """Two rounds in a row after which no pump has anything queued: nothing is in flight.

        One round is not enough: a pump may already have taken the next message
        and be waiting inside its handler (a mount, say) when the round ends.
        """
        quiet_rounds = 0
        for _ in range(ROUND_LIMIT):
            pumps = await self._round()
            await asyncio.sleep(0)
            quiet_rounds = quiet_rounds + 1 if _quiet(pumps) else 0
            if quiet_rounds == 2:
                return

    async def _run(self) -> None:
        while True:
            await self.wait_settled()
            if not self.app.is_running or self.app._exit_renderables or self.app.return_code is not None:
                self.backlog.clear()  # the app is ending: nothing left to deliver keys to
            if not self.backlog:
                self.idle.set()
                return
            for event in self._next_release():
                self.released.add(id(event))
                self.app.post_message(event)

    def _next_release(self) -> list[events.Event]:
        """What may go now that everything before it is handled: one key, or every letter in a row.

        Focus has settled; if it is on a text field, the letters queued at the
        head of the backlog all go into that field (a letter cannot move focus),
        so they are released together. Releasing them one settle apart made
        typing after a Tab lag by seconds: every letter behind the first waited
        for a full round over every widget (issue B1 of the newcomer's report).
        """
        from textual.widgets import Input

        first = self.backlog.popleft()
        batch = [first]
        if _is_text(first) and isinstance(self.app.focused, Input):
            while self.backlog and _is_text(self.backlog[0]):
                batch.append(self.backlog.popleft())
        return batch
