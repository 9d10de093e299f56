"""What one browser tab runs under `kela-ohjaus serve`: `browse`, as its own call.

`python -m wizard.web.tab [--flow ID] [--no-log]`, started by the server with
Textual's web driver (see server.py); run by hand in a terminal it is `browse`.
"""

from __future__ import annotations

import os
import sys


def _own_autosave() -> None:
    """Give this tab's call an autosave file of its own.

    Autosaves that are per call (a call id on the Session) need nothing here.
    The older scheme keeps one autosave per flow, which every tab would share
    and overwrite; a tab then gets its own file beside it, named by this
    process, so two people's calls never mix (kept after a dropped connection).
    """
    from .. import autosave

    if not hasattr(autosave, "autosave_path"):
        return
    tab = f"tab-{os.getpid()}-{os.urandom(3).hex()}"
    shared = autosave.autosave_path
    autosave.autosave_path = lambda flow_id: shared(f"{flow_id}-{tab}")  # type: ignore[assignment]


def main(argv: list[str]) -> int:
    from ..cli import main as cli_main

    _own_autosave()
    flow = argv[argv.index("--flow") : argv.index("--flow") + 2] if "--flow" in argv else []
    rest = [arg for arg in argv if arg == "--no-log"]
    return cli_main([*flow, "browse", *rest])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
