"""`kela-ohjaus serve`: the browser (`browse`) in a web page, through textual-serve.

One process per browser tab, each its own call. This package is imported by
the CLI and the browser only for what they ask of it; textual-serve and aiohttp
(the optional `web` extra) are imported by server.py alone.
"""

from __future__ import annotations

import importlib
import os

# The driver each tab's process runs under (see driver.py).
DRIVER = "wizard.web.driver:KelaWebDriver"


def web_driver_active() -> bool:
    """True when Textual will drive the app from a web page rather than a terminal.

    Textual picks its driver from TEXTUAL_DRIVER (textual-serve sets it for each
    tab's process); this resolves it the same way and asks whether it is the web
    driver, so a pipe without it is still refused as "not a terminal".
    """
    name = os.environ.get("TEXTUAL_DRIVER")
    if not name:
        return False
    from textual.drivers.web_driver import WebDriver

    module, _, symbol = name.partition(":")
    try:
        driver = getattr(importlib.import_module(module), symbol)
    except (ImportError, AttributeError, ValueError):
        return False
    return isinstance(driver, type) and issubclass(driver, WebDriver)
