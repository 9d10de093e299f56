"""Textual's web driver, plus the one message the server adds: the tab was closed.

textual-serve ends a tab's process with a "quit" message both when the person
closes the tab and when the connection drops; only the server can tell the two
apart (a close frame from the browser, or none). It sends "end_call" first for
a closed tab, and the call then ends as with `q`: logged, autosave cleared. A
dropped connection gets only "quit", so the autosave stays for `--resume`.
"""

from __future__ import annotations

import contextlib

from textual import messages
from textual.drivers.web_driver import WebDriver

END_CALL = "end_call"


class KelaWebDriver(WebDriver):
    def on_meta(self, packet_type: str, payload: dict[str, object]) -> None:
        if packet_type == END_CALL:
            # Runs on the driver's input thread: hand the work to the app's loop.
            # RuntimeError: the app already ended (`q`, then the tab closed); nothing left to end.
            with contextlib.suppress(RuntimeError):
                self._app.call_from_thread(self._end_call)
            return
        super().on_meta(packet_type, payload)

    async def _end_call(self) -> None:
        finish = getattr(self._app, "finish_call", None)
        if finish is not None:
            finish()
        await self._app._post_message(messages.ExitApp())
