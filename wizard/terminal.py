"""What every front end needs to know about the terminal it writes to."""

from __future__ import annotations

import os
import sys


def visible(text: str) -> str:
    """Show control characters (escape sequences, CR, NUL) as \\xNN codes; keep newlines and tabs."""
    return "".join(ch if ch in "\n\t" or ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text)


def is_terminal() -> bool:
    """Interactive front ends need a real terminal on both ends (not a pipe, not TERM=dumb)."""
    # A closed stdin or stdout (`<&-`, `>&-`) leaves the stream None: no terminal either.
    return (
        sys.stdin is not None
        and sys.stdout is not None
        and sys.stdin.isatty()
        and sys.stdout.isatty()
        and os.environ.get("TERM", "") != "dumb"
    )
