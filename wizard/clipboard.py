"""The desktop around the terminal: the clipboard and the mail program.

The one clipboard module of both front ends. `copy` reports a copy only when
a clipboard tool took the text and exited 0. An OSC 52 escape sequence (what
Textual's copy_to_clipboard writes) is never reported as a copy: the terminal
or tmux may silently ignore it (tmux's default `set-clipboard external` does),
so the browser says the terminal was asked and shows the text instead.
"""

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
    # Inside tmux without a desktop clipboard: tmux's own paste buffer (-w also
    # forwards it to the outer terminal's clipboard when tmux allows it).
    (["tmux", "load-buffer", "-w", "-"], "TMUX"),
)

# Where each tool puts the text, for the message the user reads.
_PLACES = {"tmux": "tmuxin liitepuskuriin (liitä: Ctrl+B ])"}


def copied_to(tool: str) -> str:
    """Finnish: where the text went, e.g. "leikepöydälle (xclip)"."""
    return _PLACES.get(tool, f"leikepöydälle ({tool})")


# KELA_OHJAUS_CLIPBOARD=off: no tool is run, as if there were none. The test
# suite sets it, so a run inside tmux or on a desktop never overwrites the
# developer's paste buffer or clipboard with Kela addresses.
OFF_VARIABLE = "KELA_OHJAUS_CLIPBOARD"


def copy(text: str) -> str | None:
    """Copy `text`; return the tool's name, or None when no clipboard is available."""
    if os.environ.get(OFF_VARIABLE, "").strip().lower() == "off":
        return None
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
