"""What one browser tab runs under `kela-ohjaus serve`: `browse`, as its own call.

`python -m wizard.web.tab [--flow ID] [--no-log]`, started by the server with
Textual's web driver (see server.py); run by hand in a terminal it is `browse`.
"""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    from ..cli import main as cli_main

    flow = argv[argv.index("--flow") : argv.index("--flow") + 2] if "--flow" in argv else []
    rest = [arg for arg in argv if arg == "--no-log"]
    return cli_main([*flow, "browse", *rest])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
