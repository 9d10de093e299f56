"""Files for the person at the browser: under `serve`, `s` and `r` become downloads.

The browser's save actions ask here first. In a web page the file goes to the
person's own browser through Textual's deliver_binary / deliver_text and is
never written on the server (whose disk is not theirs, and may be shared); in a
terminal nothing happens here and the caller writes the file as before.
"""

from __future__ import annotations

import io
import re
from pathlib import PurePath

TYPE_CHECKING = False
if TYPE_CHECKING:
    from textual.app import App

MIME_TYPES = {".eml": "message/rfc822", ".toml": "application/toml"}
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def in_web_page(app: App) -> bool:
    """True when the app runs in a web page (Textual's web driver), not a terminal."""
    return app.is_web


def download_name(name: str, suggested: str) -> str:
    """The file name offered to the browser: the typed name's last part, in safe ASCII,
    keeping the suggested extension (a path typed as in a terminal means nothing here)."""
    suffix = PurePath(suggested).suffix
    base = _UNSAFE.sub("_", PurePath(name.replace("\\", "/")).name).strip("._") or PurePath(suggested).stem
    return base if base.lower().endswith(suffix.lower()) else base + suffix


def deliver(app: App, name: str, suggested: str, content: bytes | str) -> str:
    """Hand `content` to the browser as a download; returns the file name it was offered as."""
    file_name = download_name(name, suggested)
    mime = MIME_TYPES.get(PurePath(file_name).suffix.lower(), "application/octet-stream")
    if isinstance(content, str):
        app.deliver_text(io.StringIO(content), save_filename=file_name, mime_type=mime, encoding="utf-8")
    else:
        app.deliver_binary(io.BytesIO(content), save_filename=file_name, mime_type=mime)
    app.notify(f"Ladataan selaimeen: {file_name}", markup=False)
    return file_name
