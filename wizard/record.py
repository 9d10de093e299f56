"""Records: a session's answers and fields as TOML, for `replay` and resume.

Answers are keyed by question id, so a record survives reordering of the
tree; the flow's content hash tells `replay` whether the tree has changed.
"""

from __future__ import annotations

from pathlib import Path

import tomli

from .engine import VIA_RECORD, VIA_VALUES, Answer, Session
from .errors import InputError
from .fields import FIELD_KEYS
from .model import Flow
from .named_tuple import NamedTuple

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~3 ms)
if TYPE_CHECKING:
    from typing import Any

FORMAT = 1
# A record is a few KB; anything far larger is not one.
MAX_RECORD_BYTES = 1024 * 1024


def to_record(session: Session) -> dict[str, Any]:
    from .drafts import tool_version

    flow = session.flow
    record: dict[str, Any] = {
        "format": FORMAT,
        "tool": tool_version(),
        "flow": {"id": flow.id, "hash": flow.content_hash, "data_version": flow.data_version},
        "started": session.started,
        "saved": session.clock().isoformat(timespec="seconds"),
        "via": session.via,
        "answers": {a.node: {"option": a.option, "label": a.label, "at": a.at} for a in session.path},
        "fields": {k: v for k, v in session.fields.items() if v},
    }
    if session.outcome is not None:
        record["outcome"] = session.outcome.id
    return record


def dumps(session: Session) -> str:
    import tomli_w

    return tomli_w.dumps(to_record(session))


class Replayed(NamedTuple):
    session: Session
    notices: list[str]


def unreadable_format(record: dict[str, Any]) -> str | None:
    """Why this version cannot read the record's `format` (Finnish), or None when it can."""
    version = record.get("format", FORMAT)  # hand-made records may leave it out
    if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= FORMAT:
        newer = isinstance(version, int) and not isinstance(version, bool) and version > FORMAT
        return "tallenne on tehty uudemmalla kela-ohjauksen versiolla" if newer else "tuntematon tallennemuoto"
    return None


def from_record(flow: Flow, record: dict[str, Any], *, source: str = "record") -> Replayed:
    """Rebuild a session from a record; raise InputError if its answers no longer fit."""
    notices: list[str] = []
    if not isinstance(record, dict) or not isinstance(record.get("answers", {}), dict):
        raise InputError(f"{source}: ei ole kela-ohjaus-tallenne ([answers]-taulu puuttuu).")
    why = unreadable_format(record)
    if why:
        raise InputError(
            f"{source}: kenttä 'format' = {record.get('format')!r}: {why}; tämä versio lukee vain muotoa {FORMAT}. "
            "Päivitä kela-ohjaus tai tee tallenne uudelleen tällä versiolla."
        )
    meta = record.get("flow", {})
    if not isinstance(meta, dict) or not isinstance(meta.get("id"), str):
        raise InputError(f"{source}: ei ole kela-ohjaus-tallenne ([flow]-taulun id puuttuu).")
    if meta.get("id") != flow.id:
        raise InputError(
            f"{source}: tallenne on päätöspuusta '{meta['id']}', ei puusta '{flow.id}' (valitse puu: --flow)."
        )
    if meta.get("hash") != flow.content_hash:
        notices.append(
            f"Päätöspuu on muuttunut tallennuksen jälkeen ({meta.get('hash')} → {flow.content_hash}); "
            "vastaukset tarkistettiin uutta puuta vasten."
        )
    session = Session(flow)
    fields = record.get("fields", {})
    if not isinstance(fields, dict):
        raise InputError(f"{source}: [fields]-kohdan pitää olla taulu.")
    for key, value in fields.items():
        if key not in FIELD_KEYS or not isinstance(value, str):
            raise InputError(f"{source}: tuntematon kenttä tai arvo ei ole tekstiä: '{key}'.")
        # Through set_field, like typed values: a hand-edited record gets the same
        # normalisation, and every guard then sees what a draft would write.
        session.set_field(key, value)
    answers = record.get("answers", {})
    for node, raw in answers.items():
        question = flow.questions.get(node)
        option = raw.get("option") if isinstance(raw, dict) else None
        if question is None:
            raise InputError(f"{source}: kysymystä '{node}' ei enää ole päätöspuussa.")
        if not isinstance(option, str):
            raise InputError(f'{source}: vastauksesta [answers.{node}] puuttuu vaihtoehto (option = "…").')
        if question.option(option) is None:
            raise InputError(f"{source}: kysymyksessä '{node}' ei enää ole vaihtoehtoa '{option}'.")
        at = raw.get("at") if isinstance(raw.get("at"), str) else session.started
        session.answers[node] = Answer(node, option, question.option(option).label, at)  # type: ignore[union-attr]
    if isinstance(record.get("started"), str):
        session.started = record["started"]
    session.via = record.get("via") if record.get("via") in VIA_VALUES else VIA_RECORD
    walked = {a.node for a in session.path}
    stray = sorted(set(answers) - walked)
    if stray:
        notices.append(f"Vastauksia, jotka eivät enää ole polulla, ohitettiin: {', '.join(stray)}.")
    expected = record.get("outcome")
    if expected and session.outcome is not None and session.outcome.id != expected:
        notices.append(f"Vastaukset johtavat nyt kohteeseen '{session.outcome.id}', ei '{expected}'.")
    if expected and session.outcome is None:
        raise InputError(
            f"{source}: vastaukset eivät enää johda kohteeseen (pysähtyi kysymykseen '{session.current_id}')."
        )
    return Replayed(session, notices)


def load_record(flow: Flow, path: Path) -> Replayed:
    from .files import read_text

    text = read_text(path, limit=MAX_RECORD_BYTES)  # regular files only; Finnish errors naming the file
    try:
        data = tomli.loads(text)
    except tomli.TOMLDecodeError as exc:
        from .loader import plain_syntax_error  # only on this error path: the loader is slow to import

        raise InputError(f"{path}: ei kelvollinen TOML-tallenne: {plain_syntax_error(str(exc))}") from None
    except RecursionError:
        raise InputError(f"{path}: ei kelvollinen tallenne: sisäkkäisiä tasoja on liian monta.") from None
    return from_record(flow, data, source=str(path))
