"""argparse in Finnish: its usage line, headings and error messages.

argparse looks every text up through gettext at the moment it is used, via the
module globals `_` and `ngettext`; pointing those at this table makes `--help`,
usage lines and errors Finnish without copying argparse. The rule for the CLI
is Finnish only (issue 13): no English line follows.
"""

from __future__ import annotations

FINNISH = {
    "usage: ": "käyttö: ",
    "positional arguments": "argumentit",
    "options": "valitsimet",
    "show this help message and exit": "näytä tämä ohje ja lopeta",
    "argument %(argument_name)s: %(message)s": "argumentti %(argument_name)s: %(message)s",
    "unrecognized arguments: %s": "tuntemattomia argumentteja: %s",
    "the following arguments are required: %s": "nämä argumentit puuttuvat: %s",
    "expected one argument": "tarvitsee arvon",
    "expected at most one argument": "ottaa enintään yhden arvon",
    "expected at least one argument": "tarvitsee vähintään yhden arvon",
    "ambiguous option: %(option)s could match %(matches)s": "moniselitteinen valitsin %(option)s: %(matches)s",
    "invalid %(type)s value: %(value)r": "kelvoton arvo: %(value)r",
    "invalid choice: %(value)r (choose from %(choices)s)": "tuntematon vaihtoehto %(value)r (vaihtoehdot: %(choices)s)",
    "not allowed with argument %s": "ei käy yhdessä argumentin %s kanssa",
    "ignored explicit argument %r": "ylimääräinen arvo %r",
    "one of the arguments %s is required": "jokin argumenteista %s tarvitaan",
    "unknown parser %(parser_name)r (choices: %(choices)s)": (
        "tuntematon komento %(parser_name)r (komennot: %(choices)s)"
    ),
    "unexpected option string: %s": "odottamaton valitsin: %s",
    "%(prog)s: error: %(message)s\n": "%(prog)s: virhe: %(message)s\n",
}


def _gettext(message: str) -> str:
    return FINNISH.get(message, message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    if singular == "expected %s argument":
        return "tarvitsee %s arvoa"
    return FINNISH.get(singular if n == 1 else plural, singular if n == 1 else plural)


def install() -> None:
    """Make argparse speak Finnish in this process (the CLI's own process)."""
    import argparse

    argparse._ = _gettext  # type: ignore[attr-defined]
    argparse.ngettext = _ngettext  # type: ignore[attr-defined]
