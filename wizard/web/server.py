"""The web server: textual-serve, with a page that needs no internet and calls that end cleanly.

What this adds to textual-serve's Server:
- its own page (templates/app_index.html): the bundled Roboto Mono instead of a
  font from the internet, Finnish texts, nothing loaded from elsewhere;
- each tab's process runs under driver.KelaWebDriver, and a tab the person
  closed (a close frame from the browser) ends its call as `q` does, while a
  dropped connection or the server stopping keeps the autosave;
- Finnish start-up lines instead of the banner.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from aiohttp import WSCloseCode, WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from . import DRIVER
from .driver import END_CALL

log = logging.getLogger("textual-serve")

HERE = Path(__file__).parent
# Close codes a browser sends when the page goes away: the tab closed, reloaded or left.
CLOSED_BY_PERSON = {WSCloseCode.OK, WSCloseCode.GOING_AWAY}


class TabService(AppService):
    """One tab's process, run under the driver that understands END_CALL."""

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        environment = super()._build_environment(width, height)
        environment["TEXTUAL_DRIVER"] = DRIVER
        return environment

    async def end_call(self) -> None:
        await self.send_meta({"type": END_CALL})


class KelaServer(Server):
    def __init__(self, command: str, host: str, port: int, public_url: str | None = None) -> None:
        import textual_serve

        # textual-serve's own static files (xterm.js, its CSS, Roboto Mono), our page.
        statics = Path(textual_serve.__file__).parent / "static"
        super().__init__(
            command,
            host=host,
            port=port,
            title="kela-ohjaus",
            public_url=public_url,
            statics_path=statics,
            templates_path=HERE / "templates",
        )

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.router.add_static("/kela-ohjaus", HERE / "static")  # the symbol font (see app_index.html)
        return app

    def initialize_logging(self) -> None:
        # Plain lines: textual-serve's handler prints tracebacks with local
        # variables, which here could hold what a person typed.
        logging.basicConfig(level="DEBUG" if self.debug else "INFO", format="%(message)s")

    async def on_startup(self, app: web.Application) -> None:
        self.console.print(f"kela-ohjaus palvelee osoitteessa {self.public_url}", highlight=False, markup=False)
        self.console.print(
            "Jokainen selaimen välilehti on oma puhelunsa. Lopeta: Ctrl+C", highlight=False, markup=False
        )

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        websocket = web.WebSocketResponse(heartbeat=15)
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        service: TabService | None = None
        try:
            await websocket.prepare(request)
            service = TabService(
                self.command,
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=websocket.close,
                download_manager=self.download_manager,
                debug=self.debug,
            )
            await service.start(width, height)
            if await self._relay(websocket, service):
                await service.end_call()
        except asyncio.CancelledError:  # the server is stopping: the call stays resumable
            await websocket.close()
        except Exception as error:
            log.exception(error)
        finally:
            if service is not None:
                await service.stop()
        return websocket

    async def _relay(self, websocket: web.WebSocketResponse, service: AppService) -> bool:
        """Pass the browser's messages to the tab's process until the socket closes.

        Returns True when the person's browser closed it (a close frame), False
        when the connection was lost or the app ended the session itself.
        """
        while True:
            message = await websocket.receive()
            if message.type == WSMsgType.CLOSE:
                return message.data in CLOSED_BY_PERSON
            if message.type in (WSMsgType.CLOSING, WSMsgType.CLOSED, WSMsgType.ERROR):
                return False
            if message.type != WSMsgType.TEXT:
                continue
            try:
                kind, *rest = message.json()
            except (ValueError, TypeError):
                continue  # not the page's protocol: ignore, as textual-serve would not crash on it
            if kind == "stdin" and rest and isinstance(rest[0], str):
                await service.send_bytes(rest[0].encode("utf-8"))
            elif kind == "resize" and rest and isinstance(rest[0], dict):
                width, height = rest[0].get("width"), rest[0].get("height")
                if isinstance(width, int) and isinstance(height, int) and width > 0 and height > 0:
                    await service.set_terminal_size(width, height)
            elif kind == "ping" and rest:
                await websocket.send_json(["pong", rest[0]])
            elif kind == "blur":
                await service.blur()
            elif kind == "focus":
                await service.focus()
