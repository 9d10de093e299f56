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
