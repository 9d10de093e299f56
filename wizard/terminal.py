"""What every front end needs to know about the terminal it writes to."""

from __future__ import annotations

import os
import sys


def visible(text: str) -> str:
    """Show the characters of the control rule (escape sequences, CR, NUL, C1, bidi
    overrides; see textsafe) as \\xNN / \\uNNNN codes; keep newlines and tabs."""
    # Imported here: `--version` imports this module and must not pay for `re`.
    from .textsafe import escape_controls

    return escape_controls(text)


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
