"""Command-line entry point: `kela-ohjaus COMMAND ...`.

A thin shell over loader, engine, drafts and search. It never imports
Textual, questionary, prompt_toolkit or rich unless the command is `wizard`
or `browse`, so the scriptable commands start in a few tens of milliseconds.
Exit codes are documented in README.md and defined in errors.py.
"""

from __future__ import annotations

# Only what `--version` needs is imported up front; each command imports its
# own modules, so no command pays for another's (see bench/startup.py).
import sys

from . import __version__
from .terminal import visible

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~3 ms)
if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence
    from pathlib import Path

FORMATS = ("text", "eml", "mailto", "json")


class StdoutFailed(Exception):
    """Standard output cannot be written (a closed pipe, a full disk, a closed descriptor)."""

    def __init__(self, error: OSError) -> None:
        super().__init__(str(error))
        self.errno = error.errno


def _write(data: str | bytes) -> None:
    """Every byte the CLI prints goes through here, so a failing stdout is one clear error."""
    try:
        if isinstance(data, bytes):
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
        else:
            sys.stdout.write(data)
    except OSError as exc:
        raise StdoutFailed(exc) from None


def _out(text: str = "") -> None:
    _write(visible(text) + "\n")


def _err(text: str) -> None:
    if sys.stderr is not None:
        try:
            sys.stderr.write(visible(text) + "\n")
            sys.stderr.flush()
        except OSError:
            pass  # nowhere left to say it; the exit code still tells


def _json(data: object) -> None:
    import json

    _write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _flow(args: argparse.Namespace):
    from .locate import load_default

    return load_default(getattr(args, "flow", None))


def _now():
    from datetime import UTC, datetime

    return datetime.now(UTC)


# ---------------------------------------------------------------- check


MAX_PROBLEMS_SHOWN = 200  # `check --all` shows every one


def cmd_check(args: argparse.Namespace) -> int:
    import os

    from .errors import EXIT_OK, EXIT_PROBLEM, DataError, UsageError
    from .files import require_regular
    from .loader import load
    from .locate import default_contacts, default_flows

    contacts = args.contacts or default_contacts()
    flows = list(args.flow_files or default_flows())
    if not flows:
        raise UsageError("Tarkistettavia päätöspuutiedostoja ei ole.")
    for path in (contacts, *flows):
        require_regular(path)  # missing, a directory, a FIFO or /dev/zero: said before the loader reads
    problems: dict[str, None] = {}  # ordered and de-duplicated in one step (the contacts' own repeat per flow)
    summary = []
    for path in flows:
        try:
            flow = load(path, contacts)
        except DataError as exc:
            problems.update(dict.fromkeys(str(p) for p in exc.problems))
            continue
        summary.append(
            f"{os.path.basename(path)}: {len(flow.questions) + len(flow.outcomes)} solmua "
            f"(kysymyksiä {len(flow.questions)}, kohteita {len(flow.outcomes)}), "
            f"yhteystietoja {len(flow.contacts)}, tiiviste {flow.content_hash}"
        )
    if problems:
        lines = list(problems)
        shown = lines if args.all else lines[:MAX_PROBLEMS_SHOWN]
        _err("\n".join(shown))
        if len(shown) < len(lines):
            _err(f"… ja {len(lines) - len(shown)} muuta ongelmaa (näytä kaikki: kela-ohjaus check --all)")
        _err(f"Ongelmia yhteensä {len(lines)}. Korjaa ne ja aja kela-ohjaus check uudelleen.")
        return EXIT_PROBLEM
    _out("OK: " + "; ".join(summary))
    return EXIT_OK


# ---------------------------------------------------------------- outcomes


def cmd_outcomes(args: argparse.Namespace) -> int:
    from .channels import CHANNEL_NAMES
    from .describe import channel_line, outcome_info
    from .errors import EXIT_OK

    flow = _flow(args)
    now = _now()
    infos = [outcome_info(flow, oid, now) for oid in flow.outcomes]
    if args.json:
        _json(infos)
        return EXIT_OK
    for info in infos:
        contact = flow.contacts[info["contact"]]
        _out(f"{info['id']}\t[{CHANNEL_NAMES[contact.kind]}] {channel_line(contact)}")
        _out(f"    {' > '.join(info['path'])}")
    return EXIT_OK


# ---------------------------------------------------------------- find


def cmd_find(args: argparse.Namespace) -> int:
    from .describe import channel_heading, outcome_info
    from .errors import EXIT_OK, EXIT_PROBLEM, UsageError
    from .search import find
    from .search_cache import load_index

    query = " ".join(args.query)
    if args.limit < 1:
        raise UsageError("--limit: anna vähintään 1.")
    flow = _flow(args)
    result = find(load_index(flow), query, args.limit)
    hits = result.hits
    if args.json:
        # The clock (and datetime) is needed only to say whether the chat is open.
        timed = any(flow.contact_of(flow.outcomes[h.outcome]).hours for h in hits)
        now = _now() if timed else None
        # A list, as before; each hit also says whether the ranking is unsure and which question
        # (and which of its options) decides, so old scripts keep working.
        leads = dict(zip(result.candidates, result.options, strict=False))
        _json(
            [
                {
                    **outcome_info(flow, h.outcome, now),
                    "score": h.score,
                    "matched": list(h.matched),
                    "ambiguous": result.ambiguous,
                    "question": result.question,
                    "option": leads.get(h.outcome),
                }
                for h in hits
            ]
        )
    if not hits:
        if not query.strip() or not any(ch.isalnum() for ch in query):
            _err("Ei hakusanoja: kirjoita soittajan omin sanoin, mitä asia koskee.")
        else:
            _err("Ei osumia. Kokeile muita sanoja tai `kela-ohjaus wizard`.")
            _ask(flow, flow.root, "Aloita ylimmästä kysymyksestä:", _err)
        return EXIT_PROBLEM
    if not args.json:
        if result.ambiguous and result.question:
            _out("Epävarma: parhaat osumat johtavat eri osoitteisiin. Kysy soittajalta ensin:")
            _ask(flow, result.question, "", _out, dict(zip(result.options, result.candidates, strict=False)))
            _out("")
        elif result.question:
            _out("Ei selvää osumaa. Aloita ylimmästä kysymyksestä:")
            _ask(flow, result.question, "", _out)
            _out("")
        for rank, hit in enumerate(hits, start=1):
            outcome = flow.outcomes[hit.outcome]
            contact = flow.contact_of(outcome)
            _out(f"{rank}. {outcome.title}  [{hit.outcome}]")
            _out(f"   {channel_heading(contact)}")
            _out(f"   osui: {', '.join(hit.matched)}  (pisteet {hit.score})")
    return EXIT_OK


def _ask(flow, qid: str, heading: str, write, leads: dict[str, str] | None = None) -> None:
    """A tree question and its options; with `leads`, the hits each option leads to."""
    question = flow.questions[qid]
    if heading:
        write(heading)
    write(f"   {question.text}  [{qid}]")
    for option in question.options:
        target = (leads or {}).get(option.id)
        suffix = f"  → {flow.outcomes[target].title}" if target else ""
        write(f"   - {option.label}{suffix}")


# ---------------------------------------------------------------- draft / replay


def _parse_fields(pairs: Sequence[str]) -> dict[str, str]:
    from .errors import UsageError
    from .fields import FIELD_KEYS

    fields: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise UsageError(f"--field: anna muodossa AVAIN=ARVO, ei '{pair}'.")
        if key not in FIELD_KEYS:
            raise UsageError(f"--field: tuntematon avain '{key}' (avaimet: {', '.join(FIELD_KEYS)}).")
        if key in fields:  # which one the caller meant is a guess: ask rather than keep the last
            raise UsageError(f"--field: avain '{key}' annettu kahdesti; anna kukin kenttä vain kerran.")
        fields[key] = _valid_text(value, f"--field {key}")
    return fields


def _valid_text(value: str, what: str) -> str:
    """`value` if it is valid Unicode text; bytes that are not UTF-8 arrive as lone surrogates."""
    from .errors import InputError

    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(
            f"{what}: arvossa on merkkejä, jotka eivät ole kelvollista UTF-8-tekstiä. "
            "Kirjoita arvo uudelleen tai tarkista päätteen merkistö (UTF-8)."
        ) from None
    return value


def _check_fields(fields: dict[str, str], source: str = "") -> None:
    """Validate the fields as the session stores them (after set_field's normalisation);
    `source` names the record they came from."""
    from .errors import InputError
    from .field_checks import check_field

    for key, value in fields.items():
        problem = check_field(key, value)
        if problem:
            raise InputError(f"{source}kenttä '{key}': {problem}")


def _final_draft(session, allow_personal_data: bool, source: str = ""):
    """The engine's refusing draft; the refusal names the record (`source`) and how to override it here."""
    from .errors import InputError, PersonalDataError

    try:
        return session.final_draft(allow_personal_data=allow_personal_data)
    except PersonalDataError as exc:
        raise InputError(f"{source}{exc} Poista henkilötunnus tai anna --allow-personal-data.") from None


def _emit_draft(session, args: argparse.Namespace, source: str = "") -> int:
    from .drafts import RENDERERS
    from .errors import EXIT_OK, EXIT_PROBLEM, UsageError
    from .files import check_target, user_path, write_all

    # `-` is standard output wherever an option names a file to write: `-o -`, `--record -`.
    # Only one of them can have it; a file named `-` is never written.
    record_to_stdout = args.record is not None and args.record.strip() == "-"
    if record_to_stdout and (args.output is None or args.output.strip() == "-"):
        raise UsageError(
            "--record - kirjoittaa tallenteen vakiotulosteeseen, jonne luonnoskin menee ilman -o-valitsinta. "
            "Anna luonnokselle tiedosto (-o luonnos.eml) tai tallenteelle tiedoston nimi (--record puhelu.toml)."
        )
    # The engine's refusing draft first; then every output is rendered and checked
    # before any is written: all or nothing.
    draft = _final_draft(session, args.allow_personal_data, source)
    outputs: list[tuple[Path, str | bytes]] = []
    record_text = None
    if args.record:
        from .record import dumps

        record_text = dumps(session)
        if not record_to_stdout:
            outputs.append((user_path(args.record), record_text))
    rendered = RENDERERS[args.format](draft) if draft.to is not None else None
    to_file = rendered is not None and args.output is not None and args.output.strip() != "-"
    if to_file:
        outputs.append((user_path(args.output), rendered))
    if rendered is None:  # nothing to send, exit 1: all or nothing, so no record either
        outputs = []
        if args.record:
            _err("Tallennetta ei kirjoitettu: tälle kohteelle ei tehdä luonnosta.")
    elif record_to_stdout:  # first, once the file is known to be writable: a failing stdout leaves no file
        for path, _ in outputs:
            check_target(path, overwrite=args.force)
        _write(record_text)
        _flush_stdout()
    if outputs:
        write_all(outputs, overwrite=args.force)
        if args.record and not record_to_stdout:
            _err(f"Tallenne tallennettu: {outputs[0][0]}")
    if rendered is None:
        if args.format == "json":
            from .drafts import render_json

            _write(render_json(draft))
        _err(f"'{draft.outcome}' ei ole sähköpostiasia: sille ei tehdä viestiluonnosta. Toimi näin:")
        for line in draft.instructions:
            _err(f"  - {line}")
        return EXIT_PROBLEM
    if to_file:
        _err(f"Luonnos tallennettu: {outputs[-1][0]}")
    elif isinstance(rendered, bytes):
        _write(rendered)
    else:
        _write(rendered if rendered.endswith("\n") else rendered + "\n")
    return EXIT_OK


def cmd_draft(args: argparse.Namespace) -> int:
    from .engine import VIA_STEPS, Session
    from .errors import InputError

    flow = _flow(args)
    if args.outcome not in flow.outcomes:
        raise InputError(f"Tuntematon kohde '{args.outcome}'. Kohteet luettelee: kela-ohjaus outcomes")
    fields = _parse_fields(args.field or [])
    session = Session(flow)
    session.jump_to(args.outcome, via=VIA_STEPS)
    for key, value in fields.items():
        session.set_field(key, value)  # normalised once here; checked as stored
    _check_fields({k: session.fields[k] for k in fields})
    return _emit_draft(session, args)


def cmd_replay(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .errors import InputError
    from .record import load_record

    flow = _flow(args)
    replayed = load_record(flow, Path(args.record_file))
    for notice in replayed.notices:
        _err(f"Huom: {notice}")
    session = replayed.session
    if session.outcome is None:
        raise InputError(
            f"{args.record_file}: tallenne päättyy kysymykseen '{session.current_id}'; kohdetta ei ole vielä valittu."
        )
    source = f"{args.record_file}: "  # which record to fix, when an agent has several at hand
    _check_fields({k: v for k, v in session.fields.items() if v}, source)
    args.record = None
    return _emit_draft(session, args, source)


# ---------------------------------------------------------------- audit


def _read_page(path: str) -> str:
    import os

    from .errors import UsageError
    from .files import FileTooLarge, read_bytes

    if not os.path.exists(path):
        raise UsageError(f"{path}: tiedostoa ei löydy (anna tallennettu Kelan sivu: teksti tai HTML)")
    if os.path.isdir(path):
        raise UsageError(f"{path}: on hakemisto, ei tallennettu sivu")
    try:  # the one reader: regular files only (a FIFO hung `audit`), the limit counted while reading
        raw = read_bytes(path, limit=8 * 1024 * 1024)
    except FileTooLarge:
        raise UsageError(f"{path}: yli 8 Mt: ei tallennettu sivu") from None
    for encoding in ("utf-8-sig", "cp1252"):  # browsers save UTF-8; old Windows copies may be cp1252
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UsageError(f"{path}: ei tekstiä (ei UTF-8:aa): tallenna sivu selaimesta tekstinä tai HTML:nä")
    if "\x00" in text or not text.strip():
        raise UsageError(f"{path}: tyhjä tai ei tekstiä: tallenna sivu selaimesta tekstinä tai HTML:nä")
    return text


def cmd_audit(args: argparse.Namespace) -> int:
    from .audit import audit, detect_source
    from .describe import source_info
    from .errors import EXIT_OK, EXIT_PROBLEM, UsageError
    from .loader import load
    from .locate import default_contacts, default_flows, flow_id_of

    flows = default_flows()
    flow_file = next((p for p in flows if flow_id_of(p) == args.flow), None) if args.flow else (flows or [None])[0]
    if flow_file is None:
        raise UsageError(f"tuntematon puu '{args.flow}'")
    flow = load(flow_file, default_contacts())
    page = _read_page(args.page)
    sid = args.source or detect_source(flow, page)
    if sid is None:
        known = ", ".join(f"{s.id} ({s.title})" for s in flow.sources.values())
        raise UsageError(f"{args.page}: sivua ei tunnistettu otsikosta; kerro mikä lähde se on: --source ID ({known})")
    if sid not in flow.sources:
        raise UsageError(f"--source: tuntematon lähde '{sid}' (lähteet: {', '.join(flow.sources)})")
    found = audit(flow, default_contacts(), flow_file, page, sid)
    if args.json:
        _json(
            {
                "page": args.page,
                "source": source_info(flow.sources[sid]),
                "differences": [d._asdict() for d in found],
            }
        )
    else:
        for difference in found:
            _out(str(difference))
        title = flow.sources[sid].title
        if found:
            count = "1 ero" if len(found) == 1 else f"{len(found)} eroa"
            _out(f"{count} sivun ja tietojen välillä (lähde {sid}: {title}).")
        else:
            _out(f"Ei eroja: sivun osoitteet, aiheet ja aukioloajat vastaavat tietoja (lähde {sid}: {title}).")
    return EXIT_PROBLEM if found else EXIT_OK


# ---------------------------------------------------------------- stats / graph


def cmd_stats(args: argparse.Namespace) -> int:
    from .errors import EXIT_OK, UsageError
    from .stats import clear, collect, render

    if args.clear:
        _out(f"Puhelulokista poistettiin {clear()} riviä.")
        return EXIT_OK
    if args.since:
        import re
        from datetime import date

        try:
            # Only YYYY-MM-DD: fromisoformat() also takes 20261101, which the log's text dates never match.
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", args.since):
                raise ValueError
            date.fromisoformat(args.since)
        except ValueError:
            raise UsageError(
                f"--since: anna päivämäärä muodossa VVVV-KK-PP (esim. 2026-11-01), ei '{args.since}'."
            ) from None
    stats = collect(args.since)
    if args.json:
        _json(stats)
    else:
        _out(render(stats))
    return EXIT_OK


def cmd_graph(args: argparse.Namespace) -> int:
    from .errors import EXIT_OK, InputError
    from .graph import UnknownNode, dot, mermaid, svg

    flow = _flow(args)
    try:
        text = mermaid(flow, args.start) if args.format == "mermaid" else dot(flow, args.start)
    except UnknownNode:
        from .loader import did_you_mean

        hint = did_you_mean(args.start, [*flow.questions, *flow.outcomes])
        raise InputError(
            f"--from: solmua '{args.start}' ei ole{hint} (solmujen tunnukset näkyvät kaaviossa hakasulkeissa)"
        ) from None
    if args.format != "svg":
        _write(text)
        return EXIT_OK
    try:
        image = svg(text)
    except FileNotFoundError:
        raise InputError(
            "SVG-kuvan piirtämiseen tarvitaan Graphviz-ohjelma dot, eikä sitä löydy. Asenna Graphviz "
            "(esim. apt install graphviz tai brew install graphviz), tai tulosta DOT-muoto: "
            "kela-ohjaus graph --format dot > puu.dot"
        ) from None
    except (RuntimeError, OSError) as exc:
        raise InputError(f"Graphviz ei piirtänyt kuvaa: {exc}") from None
    _write(image)  # a full or closed stdout is one clear line, as for every other output
    return EXIT_OK


# ---------------------------------------------------------------- front ends


def cmd_wizard(args: argparse.Namespace) -> int:
    from .prompt_ui.app import run_wizard

    return run_wizard(args)


def cmd_browse(args: argparse.Namespace) -> int:
    from .gcpause import end_startup, pause_startup

    pause_startup()  # until the first screen is drawn (MainScreen.on_mount), Textual's imports included
    try:
        from .tui.app import run_browser

        return run_browser(args)
    finally:
        end_startup()  # a browser that ended before its first screen (a crash, no terminal) pauses nothing


def cmd_serve(args: argparse.Namespace) -> int:
    from .web.serve import run_server

    return run_server(args)


# ---------------------------------------------------------------- parser


def _args_check(p: argparse.ArgumentParser) -> None:
    p.add_argument("--contacts", metavar="TIEDOSTO", help="yhteystiedot (oletus: mukana tuleva data/contacts.toml)")
    p.add_argument(
        "flow_files", nargs="*", metavar="PUUTIEDOSTO", help="päätöspuut (oletus: mukana tulevat flows/*.toml)"
    )
    p.add_argument(
        "--all", action="store_true", help=f"näytä kaikki ongelmat (oletus: {MAX_PROBLEMS_SHOWN} ensimmäistä)"
    )


def _args_json(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="tulosta JSON")


def _args_find(p: argparse.ArgumentParser) -> None:
    p.add_argument("query", nargs="+", metavar="HAKUSANAT", help="soittajan omat sanat")
    p.add_argument("--limit", type=int, default=5, metavar="N", help="montako osumaa (oletus 5)")
    p.add_argument("--json", action="store_true", help="tulosta JSON")


def _output_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=FORMATS, default="text", help="muoto (oletus text)")
    p.add_argument(
        "-o", "--output", metavar="TIEDOSTO", help="kirjoita tiedostoon TIEDOSTO (- tarkoittaa vakiotulostetta)"
    )
    p.add_argument("--force", action="store_true", help="korvaa olemassa olevat tiedostot")
    p.add_argument("--allow-personal-data", action="store_true", help="salli henkilötunnus kentissä (ei suositella)")


def _args_draft(p: argparse.ArgumentParser) -> None:
    p.add_argument("outcome", metavar="KOHDE", help="kohteen tunnus (kela-ohjaus outcomes)")
    p.add_argument(
        "--field",
        action="append",
        metavar="AVAIN=ARVO",
        help="avaimet: provider, business_id, contact, phone, email, description",
    )
    p.add_argument(
        "--record",
        metavar="TIEDOSTO.toml",
        help="tallenna myös tallenne replay-komentoa varten (- tarkoittaa vakiotulostetta)",
    )
    _output_options(p)


def _args_replay(p: argparse.ArgumentParser) -> None:
    p.add_argument("record_file", metavar="TIEDOSTO.toml", help="tallenne")
    _output_options(p)


def _args_browse(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--resume",
        nargs="?",
        const=True,
        default=False,
        metavar="TUNNUS",
        help="jatka keskeytynyttä puhelua: ainoaa, listasta valittua tai tunnuksella annettua",
    )
    p.add_argument("--no-log", action="store_true", help="älä kirjaa puhelua puhelulokiin")


def _args_wizard(p: argparse.ArgumentParser) -> None:
    p.add_argument("--answers", metavar="TIEDOSTO.toml", help="aloita tallennetusta tallenteesta")
    _args_browse(p)


def _args_serve(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1", help="kuunneltava osoite (oletus 127.0.0.1: vain tämä kone)")
    p.add_argument("--port", type=int, default=8000, help="portti (oletus 8000)")
    p.add_argument(
        "--public-url", metavar="URL", help="osoite, jonka käyttäjät avaavat, esim. välityspalvelimen takana"
    )
    p.add_argument(
        "--allow-remote",
        action="store_true",
        help="pakollinen, jos --host ei ole tämä kone: palvelimessa ei ole omaa kirjautumista",
    )
    p.add_argument("--no-log", action="store_true", help="älä kirjaa puheluita puhelulokiin")


def _args_stats(p: argparse.ArgumentParser) -> None:
    p.add_argument("--since", metavar="PVM", help="vain puhelut tästä päivästä alkaen (VVVV-KK-PP)")
    p.add_argument("--json", action="store_true", help="tulosta JSON")
    p.add_argument("--clear", action="store_true", help="tyhjennä puheluloki")


def _args_audit(p: argparse.ArgumentParser) -> None:
    p.add_argument("page", metavar="SIVU", help="tallennettu Kelan sivu: sen teksti tai HTML")
    p.add_argument("--source", metavar="TUNNUS", help="mikä lähde sivu on (oletus: tunnistetaan otsikosta)")
    p.add_argument("--json", action="store_true", help="tulosta JSON")


def _args_graph(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--format", choices=("mermaid", "dot", "svg"), default="mermaid", help="kaavion muoto (oletus mermaid)"
    )
    p.add_argument("--from", dest="start", metavar="SOLMU", help="piirrä vain SOLMUn alapuolinen haara (solmun tunnus)")


# name -> (help, arguments, handler); the order is the order of --help.
COMMANDS = {
    "check": ("tarkista tietotiedostot", _args_check, cmd_check),
    "outcomes": ("luettele kaikki kohteet", _args_json, cmd_outcomes),
    "find": ("vapaa haku soittajan sanoin", _args_find, cmd_find),
    "draft": ("sähköpostiluonnos kohteelle", _args_draft, cmd_draft),
    "replay": ("luonnos tallenteesta uudelleen", _args_replay, cmd_replay),
    "wizard": ("ohjattu kysely puhelun aikana", _args_wizard, cmd_wizard),
    "browse": ("koko puun selain", _args_browse, cmd_browse),
    "serve": ("selain verkkosivulla, jokainen välilehti oma puhelunsa", _args_serve, cmd_serve),
    "stats": ("puhelutilastot", _args_stats, cmd_stats),
    "audit": ("vertaa tallennettua Kelan sivua tietoihin", _args_audit, cmd_audit),
    "graph": ("päätöspuu kaaviona", _args_graph, cmd_graph),
}


def _command_in(argv: Sequence[str]) -> str | None:
    """The command word in argv, if it is a known one (skipping --flow's value)."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "--flow":
            skip = True
        elif not arg.startswith("-"):
            return arg if arg in COMMANDS else None
    return None


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The CLI parser. With `only`, just that command's subparser is built:
    each argparse parser costs ~1 ms (gettext look-ups), a third of a command's budget."""
    import argparse

    from .argparse_fi import install
    from .errors import UsageError

    install()  # usage, headings and argparse's own errors in Finnish

    class _Formatter(argparse.HelpFormatter):
        """Given a width, HelpFormatter skips `import shutil` (and with it bz2 and lzma)."""

        def __init__(self, prog: str, **kwargs) -> None:
            import os

            try:
                columns = int(os.environ.get("COLUMNS", "")) or os.get_terminal_size().columns
            except (ValueError, OSError):
                columns = 80
            kwargs.setdefault("width", max(columns - 2, 40))
            super().__init__(prog, **kwargs)

    class _Parser(argparse.ArgumentParser):
        """argparse that raises instead of exiting, so main() owns every exit."""

        def __init__(self, *args, **kwargs) -> None:
            kwargs.setdefault("formatter_class", _Formatter)
            super().__init__(*args, **kwargs)

        def _print_message(self, message: str, file=None) -> None:
            # argparse swallows write errors; --help to a full or closed stdout must say so
            if message:
                if file is None or file is sys.stdout:
                    _write(message)
                else:
                    _err(message.rstrip("\n"))

        def error(self, message: str) -> None:  # type: ignore[override]
            raise UsageError(f"{self.prog}: {message} (katso --help)")

    parser = _Parser(
        prog="kela-ohjaus",
        description="Ohjaa kuntoutuksen palveluntuottajan oikeaan Kelan yhteystietoon ja tee valmis sähköpostiluonnos.",
    )
    parser.add_argument(
        "--version", action="version", version=f"kela-ohjaus {__version__}", help="näytä versio ja lopeta"
    )
    parser.add_argument("--flow", metavar="PUU", help="päätöspuun tunnus, jos puita on useita (oletus: ensimmäinen)")
    sub = parser.add_subparsers(dest="command", metavar="KOMENTO", parser_class=_Parser, title="komennot")
    for name, (help_text, add_arguments, handler) in COMMANDS.items():
        if only is None or name == only:
            command = sub.add_parser(name, help=help_text)
            add_arguments(command)
            command.set_defaults(func=handler)
    return parser


def _crash_report(exc: BaseException) -> Path | None:
    """Write the traceback (no field values: only code locations) to the state dir."""
    try:
        import os
        import traceback
        from datetime import datetime

        from .errors import InputError
        from .files import state_dir, write_private

        frames = traceback.extract_tb(exc.__traceback__)
        now = datetime.now()
        lines = [f"kela-ohjaus {__version__} crash at {now.isoformat(timespec='seconds')}", f"{type(exc).__name__}"]
        lines += [f'  File "{f.filename}", line {f.lineno}, in {f.name}' for f in frames]
        # Unique per process and attempt: two crashes in the same second keep both reports.
        stem = f"crash-{now:%Y%m%d-%H%M%S}-{os.getpid()}"
        for attempt in range(100):
            path = state_dir() / (f"{stem}.txt" if attempt == 0 else f"{stem}-{attempt}.txt")
            try:
                return write_private(path, "\n".join(lines) + "\n", overwrite=False)
            except InputError:
                if not path.exists():
                    return None
        return None
    except Exception:
        return None


def _stdout_failed(exc: StdoutFailed) -> int:
    """A closed pipe (`| head`) ends quietly with 0; any other failing stdout is one line and exit 1."""
    import errno
    import os

    try:  # the interpreter flushes stdout again at exit: let that go to /dev/null, silently
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass
    if exc.errno == errno.EPIPE:
        return 0
    reasons = {errno.ENOSPC: "levy on täynnä", errno.EBADF: "tuloste on suljettu", errno.EIO: "levyvirhe"}
    _err(f"Tulostetta ei voitu kirjoittaa: {reasons.get(exc.errno or 0, 'kirjoitus epäonnistui')}.")
    return 1


def _flush_stdout() -> None:
    try:
        sys.stdout.flush()
    except OSError as exc:
        raise StdoutFailed(exc) from None


class _ClosedStdout:
    """Stands in for a stdout closed at start (`>&-`): writing fails as a closed descriptor
    does, so a usage error is still found (exit 2) and only real output fails (exit 1)."""

    def _closed(self, *args: object) -> None:
        import errno

        raise OSError(errno.EBADF, "stdout is closed")

    write = fileno = _closed

    def flush(self) -> None:
        pass  # nothing is ever buffered; the interpreter flushes stdout at exit

    def isatty(self) -> bool:
        return False

    @property
    def buffer(self) -> _ClosedStdout:  # bytes (an .eml, an SVG) fail the same way
        return self


FRONT_ENDS = ("wizard", "browse", "serve")  # they draw on stdout from the start


def main(argv: Sequence[str] | None = None) -> int:
    stdout_closed = sys.stdout is None  # started with stdout closed (`>&-`)
    if stdout_closed:
        sys.stdout = _ClosedStdout()  # type: ignore[assignment]
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv == ["--version"]:  # the fastest path: no parser, no data, no other module
        try:
            _write(f"kela-ohjaus {__version__}\n")
            _flush_stdout()
        except StdoutFailed as exc:
            return _stdout_failed(exc)
        return 0
    import errno

    from .errors import EXIT_CRASH, EXIT_INTERRUPTED, EXIT_TERMINATED, EXIT_USAGE, KelaError, Terminated

    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="replace")
    try:
        parser = build_parser(_command_in(argv))
        try:
            args = parser.parse_args(argv)
        except SystemExit as exc:  # --help and --version
            _flush_stdout()
            return int(exc.code or 0)
        except OSError as exc:  # argparse printing --help to a failing stdout
            raise StdoutFailed(exc) from None
        if not getattr(args, "command", None):
            try:
                _write(parser.format_help())
            except StdoutFailed as exc:
                _stdout_failed(exc)  # said on stderr; the missing command is still the usage error
            code = EXIT_USAGE
        elif stdout_closed and args.command in FRONT_ENDS:
            raise StdoutFailed(OSError(errno.EBADF, "stdout is closed"))
        else:
            code = args.func(args)
        _flush_stdout()
        return code
    except StdoutFailed as exc:
        return _stdout_failed(exc)
    except KelaError as exc:
        _err(str(exc))
        return exc.exit_code
    except KeyboardInterrupt as exc:
        _err("Keskeytetty.")
        return EXIT_TERMINATED if isinstance(exc, Terminated) else EXIT_INTERRUPTED
    except BrokenPipeError as exc:  # a front end's write to a closed pipe
        return _stdout_failed(StdoutFailed(exc))
    except Exception as exc:
        report = _crash_report(exc)
        where = f" Raportti: {report}" if report else ""
        _err(f"Odottamaton virhe ({type(exc).__name__}).{where}")
        return EXIT_CRASH


# Commands that run to completion in one go (the front ends wizard, browse and serve stay up).
RUN_TO_COMPLETION = frozenset({"check", "outcomes", "find", "draft", "replay", "stats", "audit", "graph"})


def run() -> int:
    """The console script (and `python -m wizard`): main() with the garbage collector out of the way.

    A scriptable command lives for tens of milliseconds and makes no garbage cycles
    worth collecting, yet the collector rescans its growing heap as modules are
    imported (~2-3 ms), and Python's shutdown runs full collections over everything
    still alive (~5 ms): together a quarter of its start-up guard (bench/startup.py).
    So the collector is off for those commands, and before any exit gc.freeze() moves
    what is alive out of its view (shutdown frees it by reference count alone). Not
    in main(): tests call main() in-process, where the heap must stay collectable.
    """
    import gc

    if _command_in(sys.argv[1:]) in RUN_TO_COMPLETION:
        gc.disable()
    code = main()
    gc.freeze()
    return code


if __name__ == "__main__":
    sys.exit(run())
