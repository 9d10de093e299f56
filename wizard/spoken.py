"""Addresses as an agent says them on the phone, in Finnish."""

from __future__ import annotations

_SYMBOLS = {
    "@": "ät",
    ".": "piste",
    "_": "alaviiva",
    "-": "väliviiva",
    "+": "plus",
}
_DIGITS = dict(
    zip("0123456789", "nolla yksi kaksi kolme neljä viisi kuusi seitsemän kahdeksan yhdeksän".split(), strict=True)
)


def spoken(address: str) -> str:
    """'kuntoutus_sopimushallinta@kela.fi' -> 'kuntoutus alaviiva sopimushallinta ät kela piste fi'."""
    words: list[str] = []
    run = ""
    for ch in address:
        if ch.isalpha():
            run += ch
            continue
        if run:
            words.append(run)
            run = ""
        if ch in _DIGITS:
            words.append(_DIGITS[ch])
        elif ch in _SYMBOLS:
            words.append(_SYMBOLS[ch])
        elif not ch.isspace():
            words.append(ch)
    if run:
        words.append(run)
    return " ".join(words)


def spoken_phone(number: str) -> str:
    """'020 692 235' -> 'nolla kaksi nolla, kuusi yhdeksän kaksi, kaksi kolme viisi'.

    Finns read a phone number digit by digit, pausing between the groups as
    written; a leading '+' is said 'plus'."""
    groups = []
    for group in number.split():
        words = ["plus" if ch == "+" else _DIGITS[ch] for ch in group if ch == "+" or ch in _DIGITS]
        if words:
            groups.append(" ".join(words))
    return ", ".join(groups)
