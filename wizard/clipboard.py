"""The desktop around the terminal: the clipboard and the mail program."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

# (command, needs) in order of preference; `needs` is an env var that must be set.
_TOOLS = (
    (["wl-copy"], "WAYLAND_DISPLAY"),
    (["xclip", "-selection", "clipboard"], "DISPLAY"),
    (["xsel", "--clipboard", "--input"], "DISPLAY"),
    (["pbcopy"], None),
    (["clip.exe"], None),
)


def copy(text: str) -> str | None:
    """Copy `text`; return the tool's name, or None when no clipboard is available."""
    for command, needs in _TOOLS:
        if needs and not os.environ.get(needs):
            continue
        if shutil.which(command[0]) is None:
            continue
        try:
            subprocess.run(command, input=text.encode("utf-8"), check=True, timeout=5, capture_output=True)
        except (OSError, subprocess.SubprocessError):
            continue
        return command[0]
    return None


def open_link(link: str) -> bool:
    """Open a mailto: link in the desktop's mail program; False when there is no desktop.

    Not webbrowser.open: without a display it falls back to text browsers
    (lynx, w3m) that would take over the terminal in the middle of a call.
    """
    if sys.platform == "darwin":
        command = ["open", link]
    elif sys.platform == "win32":  # pragma: no cover - the project's CI is Linux
        os.startfile(link)  # type: ignore[attr-defined]
        return True
    elif (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")) and shutil.which("xdg-open"):
        command = ["xdg-open", link]
    else:
        return False
    try:
        subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError:
        return False
    return True
