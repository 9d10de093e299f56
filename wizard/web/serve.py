"""`kela-ohjaus serve`: check the options, then run the web server (server.py)."""

from __future__ import annotations

import ipaddress
import shlex
import socket
import sys
from typing import Any

from ..errors import EXIT_OK, EXIT_PROBLEM, EXIT_USAGE, UsageError

INSTALL_HINT = (
    "kela-ohjaus serve tarvitsee web-lisäosan. Asenna se: pip install 'kela-ohjaus[web]' "
    "(The web extra is not installed.)\n"
)
REMOTE_WARNING = (
    "VAROITUS: palvelin kuuntelee osoitteessa {host}, ei vain tällä koneella. Palvelimessa ei ole "
    "kirjautumista: kuka tahansa, joka saa yhteyden porttiin {port}, voi käyttää sitä. Pidä se "
    "organisaation tunnistavan välityspalvelimen (reverse proxy) takana äläkä avaa porttia muualle.\n"
)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def tab_command(args: Any) -> str:
    """The command each browser tab runs: the browser, under this same Python."""
    command = [sys.executable, "-m", "wizard.web.tab"]
    if getattr(args, "flow", None):
        command += ["--flow", args.flow]
    if getattr(args, "no_log", False):
        command.append("--no-log")
    return shlex.join(command)


def run_server(args: Any) -> int:
    try:
        from .server import KelaServer
    except ImportError:
        sys.stderr.write(INSTALL_HINT)
        return EXIT_USAGE
    host, port = args.host, args.port
    if not 1 <= port <= 65535:
        raise UsageError(f"--port {port}: portin pitää olla 1–65535")
    if not is_loopback(host):
        if not args.allow_remote:
            raise UsageError(
                f"--host {host}: palvelimessa ei ole kirjautumista, joten se kuuntelee oletuksena vain tätä konetta "
                "(127.0.0.1). Muu osoite vaatii lisäksi valitsimen --allow-remote ja tunnistavan välityspalvelimen."
            )
        sys.stderr.write(REMOTE_WARNING.format(host=host, port=port))
    try:  # say it before the server prints that it is serving
        socket.create_server((host.strip("[]"), port)).close()
    except OSError as exc:
        sys.stderr.write(f"Palvelinta ei voi käynnistää osoitteessa {host}:{port}: {exc.strerror or exc}\n")
        return EXIT_PROBLEM
    display_host = f"[{host}]" if ":" in host else host
    public_url = args.public_url or f"http://{display_host}:{port}"
    server = KelaServer(tab_command(args), host=host, port=port, public_url=public_url.rstrip("/"))
    try:
        server.serve()
    except OSError as exc:
        sys.stderr.write(f"Palvelinta ei voi käynnistää osoitteessa {host}:{port}: {exc.strerror or exc}\n")
        return EXIT_PROBLEM
    return EXIT_OK
