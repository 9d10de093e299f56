"""`kela-ohjaus wizard`: one question a screen, for an agent with a caller on the line.

A thin shell: every move goes through the shared engine (wizard.engine), the
search is the shared search, drafts come from wizard.drafts. After every
answer and field the call is autosaved in its own file (wizard.autosave), so
Ctrl-C, a crash or kill -9 never loses it: `kela-ohjaus wizard --resume`
continues it at the next unanswered field, or at the action menu.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import autosave
from ..describe import channel_line, open_info, say_lines, source_lines
from ..drafts import render_eml, render_mailto, render_text
from ..engine import Session
from ..errors import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_PROBLEM,
    EXIT_TERMINATED,
    EXIT_USAGE,
    InputError,
    KelaError,
    Terminated,
)
from ..field_checks import check_field
from ..fields import FIELD_KEYS, FREE_TEXT_FIELDS, MATTER_FIELDS
from ..model import Flow, Outcome, Question
from ..personal_data import find_personal_codes, personal_code_in_id, personal_data_fields, remove_personal_codes
from ..record import dumps
from ..save_file import NOT_SAVED, overwrite_question, try_save
from ..search import find
from ..search_cache import load_index
from ..spoken import spoken, spoken_phone
from ..terminal import is_terminal
from .console import Console
from .widgets import PromptIO, confirm, end_calls_on_sigterm, select, text

BACK, RESTART, SEARCH = "Takaisin", "Aloita alusta", "Hae vapaalla tekstillä"
# The same questions as the browser's `n` and `q` (default No in both front ends).
NEW_CALL_QUESTION = "Aloitetaanko uusi puhelu? Tämän puhelun vastaukset ja tiedot poistetaan."
QUIT_QUESTION = (
    "Lopetetaanko puhelu? Tietoja ei ole kopioitu eikä tallennettu, ja ne poistetaan. "
    "(Ctrl-C keskeyttää ja säilyttää puhelun: kela-ohjaus wizard --resume)"
)


class Wizard:
    def __init__(
        self,
        session: Session,
        io: PromptIO | None = None,
        console: Console | None = None,
        open_url: Callable[[str], bool] | None = None,
        copy: Callable[[str], str | None] | None = None,
        on_finish: Callable[[Session, str], None] | None = None,
    ) -> None:
        self.session = session
        self.flow: Flow = session.flow
        self.io = io or PromptIO()
        self.out = console or Console()
        if open_url is None:
            from ..clipboard import open_link as open_url
        self.open_url = open_url
        self.copy = copy
        self.on_finish = on_finish or (lambda session, how: None)
        # The fields asked so far, in order (a skipped one counts): where a resumed call continues.
        self.fields_asked: tuple[str, ...] = FIELD_KEYS if any(session.fields.values()) else ()
        self._shown: tuple | None = None  # what the outcome card last showed
        # The last option picked at each question: Back puts the cursor there.
        self._picked: dict[str, str] = {a.node: a.option for a in session.path}
        # An unsure search's question -> {option id: the close hit it leads to}, marked once.
        self._suggested: dict[str, dict[str, str]] = {}
        self.save_error: str | None = None  # the last failed autosave, shown once until it works again

    # ------------------------------------------------------------ main loop
    def run(self) -> int:
        self.out.line(f"kela-ohjaus · {self.flow.title}", "title")
        self.out.line("Ctrl-C keskeyttää; puhelu tallentuu ja jatkuu: kela-ohjaus wizard --resume", "dim")
        while True:
            node = self.session.current
            if isinstance(node, Question):
                self.ask_question(node)
            elif self.at_outcome(node) == "quit":
                return EXIT_OK
            self.save()

    def save(self) -> bool:
        """Autosave the call; a failure is said at once (and once), a recovery too."""
        if not self.session.answers and not any(self.session.fields.values()):
            return True  # nothing to keep yet: no file for an empty call
        error = autosave.save(self.session, front_end="wizard", fields_asked=self.fields_asked)
        if error and error != self.save_error:
            self.out.line(error, "error")
        elif not error and self.save_error:
            self.out.line("Automaattinen tallennus toimii taas.", "address")
        self.save_error = error
        return error is None

    def breadcrumb(self) -> None:
        labels = [a.label for a in self.session.path]
        if labels:
            self.out.line("Polku: " + " › ".join(labels), "dim", hang=2)

    def ask_question(self, question: Question) -> None:
        self.out.line()
        self.breadcrumb()
        if question.help:
            self.out.line(question.help, "dim")
        suggested = self._suggested.pop(question.id, {})
        if suggested:  # printed here, next to the list, so it is on screen with it at 60x20
            self.out.line(
                "Epävarma haku: ◆-merkityt vaihtoehdot johtavat osumiin eri osoitteisiin. Kysy soittajalta:", "warn"
            )
        choices = []
        for o in question.options:
            if o.id in suggested:  # the mark first: a long label is shortened at its end
                hint = f"Hakuosuma: {self.flow.outcomes[suggested[o.id]].title}"
                choices.append((f"◆ {o.label}", ("choose", o.id), f"{hint}. {o.hint}" if o.hint else hint))
            else:
                choices.append((o.label, ("choose", o.id), o.hint))
        extras: list[tuple[str, Any]] = []
        if self.session.path:
            extras.append((f"← {BACK}", ("back",)))
        extras += [(f"↺ {RESTART}", ("restart",)), (f"⌕ {SEARCH}", ("search",))]
        previous = self.session.answers.get(question.id)
        picked = previous.option if previous else self._picked.get(question.id)
        if picked is None and suggested:  # the cursor starts on the first close hit, not option 1
            picked = next(o.id for o in question.options if o.id in suggested)
        default = ("choose", picked) if picked else None
        action = select(self.io, question.text, choices, extras, default=default)
        if action[0] == "choose":
            self._picked[question.id] = action[1]
            self.session.choose(action[1])
        elif action[0] == "back":
            self.session.back()
        elif action[0] == "restart":
            self.start_again()
        elif action[0] == "search":
            self.free_text_search()

    def free_text_search(self) -> None:
        query = text(self.io, "Soittajan omin sanoin (tyhjä palaa):")
        if not query.strip():
            return
        result = find(load_index(self.flow), query, 5)
        hits = result.hits
        if not hits:
            self.out.line("Ei osumia. Kokeile muita sanoja tai valitse listasta.", "warn")
            return
        if result.question is not None:  # unsure: ask the tree's question instead of guessing
            if result.ambiguous:
                options: dict[str, str] = {}
                for option, candidate in zip(result.options, result.candidates, strict=True):
                    options.setdefault(option, candidate)
                self._suggested[result.question] = options
            else:
                self.out.line("Ei selvää osumaa: aloitetaan ylimmästä kysymyksestä.", "warn")
            self.session.jump_to(result.question)
            return
        choices: list[tuple[str, Any, str, str]] = []
        for hit in hits:
            outcome = self.flow.outcomes[hit.outcome]
            contact = self.flow.contact_of(outcome)
            choices.append((outcome.title, hit.outcome, "", f" → {channel_line(contact)}"))  # the address stays whole
        picked = select(self.io, "Valitse osuma:", choices, [(f"← {BACK}", None)])
        if picked in self.flow.outcomes:  # None: "← Takaisin"
            self.session.jump_to(picked)
            self._picked.update((a.node, a.option) for a in self.session.path)

    # ------------------------------------------------------------ outcome
    def show_outcome(self, outcome: Outcome) -> None:
        contact = self.flow.contact_of(outcome)
        self.out.line()
        self.out.rule("Ohjaus")
        self.breadcrumb()
        self.out.line(outcome.title, "title")
        if contact.kind == "email":
            self.out.field("Sähköposti", contact.address or "", "address")
            self.out.field("Sanottuna", spoken(contact.address or ""))
        elif contact.phone:
            self.out.field("Puhelin", f"{contact.name} {contact.phone}", "address")
            self.out.field("Sanottuna", spoken_phone(contact.phone))
            if contact.hours_text:
                self.out.field("Aukioloaika", contact.hours_text)
        else:
            self.out.field("Kanava", channel_line(contact), "address")
        self.out.field("Käsittelijä", contact.handled_by)
        if contact.sender:
            self.out.field("Lähettäjä", contact.sender)
        if outcome.topic:
            self.out.field("Aihe Kelan sivulla", outcome.topic)
        elif contact.topics:
            self.out.field("Aiheita", "; ".join(contact.topics))
        opened = open_info(contact, self.session.clock())
        if opened:
            self.out.field("Aukiolo", opened["text"], "address" if opened["open_now"] else "warn")
        self.out.line("Kerro soittajalle:", "bold")
        for line in say_lines(self.flow, outcome):
            self.out.line(f"• {line}", indent=2, hang=2)
        for line in source_lines(self.flow, outcome):  # which Kela page the facts come from
            self.out.line(line, "dim")

    def at_outcome(self, outcome: Outcome) -> str | None:
        contact = self.flow.contact_of(outcome)
        # Repaint the card and draft only when they changed, not after every action.
        if self._shown != (outcome.id, tuple(self.session.fields.items())):
            self.show_outcome(outcome)
            if contact.kind == "email":
                if len(self.fields_asked) < len(FIELD_KEYS):
                    self.ask_fields()  # a resumed call continues at the next unanswered field
                self.out.rule("Luonnos")
                self.out.line(render_text(self.session.draft()))
            self._shown = (outcome.id, tuple(self.session.fields.items()))
        self.summary(outcome)
        return self.outcome_actions(contact.kind == "email")

    def summary(self, outcome: Outcome) -> None:
        """The address, its spoken form and the first thing to tell the caller, right above
        the action menu: at 80x24 the card itself has scrolled away behind the draft."""
        contact = self.flow.contact_of(outcome)
        self.out.rule(outcome.title)
        if contact.kind == "email":
            self.out.field("Sähköposti", contact.address or "", "address")
            self.out.field("Sanottuna", spoken(contact.address or ""))
        else:
            self.out.field("Kanava", channel_line(contact), "address")
        lines = say_lines(self.flow, outcome)
        if lines:
            self.out.line(f"Kerro soittajalle: {lines[0]}", indent=2, hang=2)

    def outcome_actions(self, is_email: bool) -> str | None:
        actions: list[tuple[str, str]] = []
        if is_email:
            actions += [
                ("Kopioi luonnos leikepöydälle", "copy"),
                ("Tallenna .eml-tiedostoksi", "eml"),
                ("Avaa sähköpostiohjelmassa (mailto-linkki)", "mailto"),
                ("Tallenna tallenne (.toml, replay)", "record"),
                ("Tulosta luonnos", "print"),
                ("Muokkaa tietoja", "fields"),
            ]
        actions += [
            ("Muuta aiempaa vastausta", "change"),
            (SEARCH, "search"),
            ("Uusi puhelu", "new"),
            ("Lopeta", "quit"),
        ]
        action = select(
            self.io,
            "Mitä tehdään?",
            actions,
            [(f"← {BACK}", "back"), (f"↺ {RESTART}", "restart")],
            instruction="(numero, nuolet tai alku nimestä; Enter)",
        )
        if action == "quit":
            if self.session.unsent_work and not confirm(self.io, QUIT_QUESTION, default=False):
                self.out.line("Puhelu jatkuu.", "dim")
                return None
            self.finish("finished")
            return "quit"
        if action == "new":
            # One row below "Hae vapaalla tekstillä": a slip must not wipe the caller's data.
            if not confirm(self.io, NEW_CALL_QUESTION, default=False):
                self.out.line("Puhelu jatkuu: mitään ei tyhjennetty.", "dim")
                return None
            self.finish("finished")
            self.session.restart(keep_fields=False)
            self.fields_asked = ()
            self._picked.clear()
            self._shown = None
            self.out.line("Uusi puhelu aloitettu: kaikki tiedot tyhjennettiin.", "title")
        elif action == "back":
            self.session.back()
        elif action == "restart":
            self.start_again()
        elif action == "search":
            self.free_text_search()
        elif action == "change":
            self.change_answer()
        elif action == "fields":
            self.ask_fields(again=True)
        else:
            self.draft_action(action)
        return None

    def personal_data_confirmed(self) -> bool:
        """Before a draft leaves the wizard: a henkilötunnus in a field needs an explicit yes (default No)."""
        keys = personal_data_fields(self.session.fields)
        if not keys:
            return True
        names = ", ".join(self.flow.fields[k].label for k in keys)
        self.out.line(f"Varoitus: kentässä on henkilötunnus: {names}.", "warn")
        if confirm(self.io, f"Viedäänkö luonnos silti eteenpäin? (henkilötunnus: {names})", default=False):
            return True
        self.out.line("Ei tehty. Poista henkilötunnus valinnalla Muokkaa tietoja.", "warn")
        return False

    def draft_action(self, action: str) -> None:
        draft = self.session.draft()
        # Printing counts too: the terminal's scrollback and selection carry it on.
        if action in ("copy", "eml", "record", "mailto", "print") and not self.personal_data_confirmed():
            return
        if action == "copy":
            from ..clipboard import copied_to

            tool = self.copy(render_text(draft)) if self.copy else None
            if tool:
                self.session.mark_handed_off()
                self.out.line(f"Kopioitu {copied_to(tool)}.", "address")
            else:
                self.out.line("Leikepöytää ei ole käytettävissä: tallenna tai tulosta luonnos.", "warn")
        elif action == "eml":
            if self.write_file(f"{draft.outcome}.eml", render_eml(draft), "Luonnos"):
                self.session.mark_handed_off()
        elif action == "record":
            if self.write_file(f"{draft.outcome}.toml", dumps(self.session), "Tallenne"):
                self.session.mark_handed_off()
        elif action == "mailto":
            link = render_mailto(draft)
            opened = False
            try:
                opened = self.open_url(link)
            except Exception:
                opened = False
            self.session.mark_handed_off()  # opened, or the link shown to copy
            message = "Avattu sähköpostiohjelmassa." if opened else "Sähköpostiohjelmaa ei voitu avata. Linkki:"
            self.out.line(message, "dim")
            if not opened:
                self.out.line(link)
        elif action == "print":
            self.session.mark_handed_off()
            self.out.rule("Luonnos")
            self.out.line(render_text(draft))

    def write_file(self, suggested: str, content: bytes | str, what: str) -> bool:
        """Ask a name and save; True once the file is written."""
        while True:  # a name that cannot be used is asked again; an empty name gives up
            name = text(self.io, f"{what}: tiedoston nimi", default=suggested).strip()
            if not name:
                return False
            attempt = try_save(name, content)
            if attempt.exists:
                if not confirm(self.io, overwrite_question(attempt.path), default=False):
                    self.out.line(NOT_SAVED, "warn")
                    return False
                attempt = try_save(name, content, overwrite=True)
            if attempt.refused:
                self.out.line(f"{attempt.refused} Anna toinen nimi, tai tyhjennä nimi perumiseksi.", "error")
                continue
            self.out.line(f"{what} tallennettu: {attempt.path}", "address")
            return True

    def start_again(self) -> None:
        """The same caller, a new matter: who is calling stays, the matter is asked again."""
        kept = [self.flow.fields[k].label for k in FIELD_KEYS if k not in MATTER_FIELDS and self.session.fields[k]]
        self.session.restart(keep_fields=True)
        self.fields_asked = tuple(k for k in self.fields_asked if k not in MATTER_FIELDS)
        self._picked.clear()
        self._shown = None
        matter = ", ".join(self.flow.fields[k].label for k in MATTER_FIELDS)
        if kept:
            self.out.line(f"Aloitetaan alusta. Soittajan tiedot säilytettiin: {', '.join(kept)}.", "title")
        else:
            self.out.line("Aloitetaan alusta.", "title")
        self.out.line(f"Tyhjennettiin ja kysytään uudelleen: {matter}. (Uusi puhelu tyhjentää kaiken.)", "dim")

    def change_answer(self) -> None:
        path = self.session.path
        if not path:
            return
        picks = [(f"{self.flow.questions[a.node].text} {a.label}", a.node) for a in path]
        node = select(self.io, "Mitä vastausta muutetaan?", picks, [(f"← {BACK}", None)], default=path[-1].node)
        if not node:
            return
        question = self.flow.questions[node]
        choices = [(o.label, o.id) for o in question.options]
        current = self.session.answers[node].option
        option = select(self.io, question.text, choices, [(f"← {BACK}", None)], default=current)
        if option:
            self._picked[node] = option
            self.session.change(node, option)

    # ------------------------------------------------------------ fields
    def ask_fields(self, again: bool = False) -> None:
        """Ask the fields not asked yet (all of them with `again`), autosaving after each."""
        if again:
            self.fields_asked = ()
        self.out.line("Viestin tiedot (Enter ohittaa kentän):", "bold")
        for key in FIELD_KEYS:
            if key in self.fields_asked:
                continue
            spec = self.flow.fields[key]

            def validate(value: str, key: str = key) -> bool | str:
                # An identifier field holding a henkilötunnus is asked again (issue 14).
                return check_field(key, value) or personal_code_in_id(key, value) or True

            value = text(self.io, spec.label, validate=validate, default=self.session.fields.get(key, ""))
            if key in FREE_TEXT_FIELDS and find_personal_codes(value):
                self.out.line(
                    "Varoitus: tekstissä on henkilötunnus. Henkilötunnusta ei kannata lähettää tavallisessa "
                    "sähköpostissa (tämän työkalun suositus).",
                    "warn",
                )
                if confirm(self.io, "Poistetaanko henkilötunnus?", default=True):
                    value = remove_personal_codes(value)
            self.session.set_field(key, value)
            self.fields_asked = (*self.fields_asked, key)
            self.save()

    def finish(self, how: str) -> None:
        self.on_finish(self.session, how)
        autosave.clear(self.session)


def confirm_loaded_fields(session: Session, io: PromptIO, out: Console, fields_asked: tuple[str, ...] = ()) -> bool:
    """--answers and --resume: a henkilötunnus in the loaded fields is named before any
    draft is shown, and removed (default) or kept only on a default-No confirmation.
    False means the agent refused to continue with it."""
    keys = session.personal_data()
    if not keys:
        return True
    labels = ", ".join(session.flow.fields[k].label for k in keys)
    out.line(
        f"Varoitus: henkilötunnus kentässä {labels}. Henkilötunnusta ei kannata lähettää tavallisessa "
        "sähköpostissa (tämän työkalun suositus).",
        "warn",
    )
    if confirm(io, "Poistetaanko henkilötunnus?", default=True):
        for key in keys:
            session.set_field(key, remove_personal_codes(session.fields[key]))
        error = autosave.save(session, front_end="wizard", fields_asked=fields_asked)  # keeps resume's place
        if error:
            out.line(error, "error")
        if not session.personal_data():
            out.line("Henkilötunnus poistettu.", "dim")
            return True
    return confirm(io, "Jatketaanko henkilötunnuksen kanssa?", default=False)


def run_wizard(args: Any, io: PromptIO | None = None, console: Console | None = None, clock=None) -> int:
    from ..clipboard import copy
    from ..loader import load
    from ..locate import default_contacts, default_flows, load_default
    from ..record import load_record

    if io is None and not is_terminal():
        sys.stderr.write(
            "kela-ohjaus wizard tarvitsee päätteen (stdin tai stdout ei ole pääte, tai TERM=dumb).\n"
            "Skripteissä käytä: kela-ohjaus find SANAT, kela-ohjaus draft KOHDE, kela-ohjaus replay TALLENNE.toml\n"
        )
        return EXIT_USAGE
    if io is None:
        end_calls_on_sigterm()
    io = io or PromptIO()
    out = console or Console()
    flows = default_flows()
    if getattr(args, "flow", None):
        flow = load_default(args.flow)
    elif len(flows) > 1:
        picked = select(io, "Mikä päätöspuu?", [(Path(p).stem, p) for p in flows])
        flow = load(picked, default_contacts())
    else:
        flow = load_default()
    kwargs = {"clock": clock} if clock else {}
    fields_asked: tuple[str, ...] | None = None
    replayed: Any = None
    requested = getattr(args, "resume", False)
    if requested:
        try:
            replayed = resume_call(io, out, flow, requested)
        except KelaError as exc:
            sys.stderr.write(f"{exc}\n")
            return exc.exit_code
        except (KeyboardInterrupt, EOFError) as exc:
            sys.stderr.write("\nKeskeytetty. Keskeytetyt puhelut ovat ennallaan.\n")
            return _interrupted_code(exc)
        if replayed is None:
            out.line("Ei jatkettu: keskeytetyt puhelut ovat tallessa.", "dim")
            return EXIT_OK
        fields_asked = replayed.fields_asked
        out.line(f"Jatketaan keskeytettyä puhelua {replayed.session.call_id}.", "title")
    elif getattr(args, "answers", None):
        replayed = load_record(flow, Path(args.answers))
    else:
        waiting, old = autosave.count_pending()
        if waiting:
            note = f", niistä {old} yli 7 päivää vanhoja (--resume tarjoaa poistoa)" if old else ""
            out.line(f"Keskeytettyjä puheluita odottaa {waiting}{note}: kela-ohjaus wizard --resume", "dim")
    session = replayed.session if replayed else Session(flow, **kwargs)
    if clock:
        session.clock = clock
    for notice in replayed.notices if replayed else []:
        out.line(f"Huom: {notice}", "warn")
    if replayed and not confirm_loaded_fields(session, io, out, fields_asked or ()):
        source = args.answers if getattr(args, "answers", None) and not getattr(args, "resume", False) else None
        where = f" tallenteesta {source}" if source else ""
        sys.stderr.write(f"Puhelua ei avattu: poista henkilötunnus{where} ja yritä uudelleen.\n")
        return EXIT_PROBLEM

    on_finish = None
    if not getattr(args, "no_log", False):
        from ..calllog import log_call

        def on_finish(session: Session, how: str) -> None:
            notice = log_call(session, how)  # a notice only the first time the log fails
            if notice:
                out.line(notice, "warn")

    wizard = Wizard(session, io, out, copy=copy, on_finish=on_finish)
    if fields_asked is not None:
        wizard.fields_asked = fields_asked
    try:
        return wizard.run()
    except (KeyboardInterrupt, EOFError) as exc:
        if session.path and on_finish:  # counted as abandoned; a resumed call counts again when finished
            on_finish(session, "abandoned")
        if not session.answers and not any(session.fields.values()):
            sys.stderr.write("\nKeskeytetty. Puhelussa ei ollut vielä mitään tallennettavaa.\n")
            return _interrupted_code(exc)
        error = autosave.save(session, front_end="wizard", fields_asked=wizard.fields_asked)
        if error:  # never claim a save that did not happen
            sys.stderr.write(f"\nKeskeytetty. {error}\n")
        else:
            sys.stderr.write(f"\nKeskeytetty. Vastaukset tallessa: kela-ohjaus wizard --resume {session.call_id}\n")
        return _interrupted_code(exc)
    except BaseException:
        # The crash handler in cli.main reports it; the call is kept.
        autosave.save(session, front_end="wizard", fields_asked=wizard.fields_asked)
        raise


def _interrupted_code(exc: BaseException) -> int:
    return EXIT_TERMINATED if isinstance(exc, Terminated) else EXIT_INTERRUPTED


def resume_call(io: PromptIO, out: Console, flow: Flow, requested: str | bool) -> autosave.Resumed | None:
    """The call `--resume` continues: the one named, the only one, or the one the agent picks."""
    if isinstance(requested, str):
        return autosave.load(flow, requested)
    from datetime import UTC, datetime

    while True:
        offered = autosave.resumable(flow)
        if isinstance(offered, autosave.Pending):
            return autosave.load(flow, offered.call_id)
        entries = offered
        now = datetime.now(UTC)
        # A call that cannot be continued is never offered for removal: a newer version may open it.
        old = autosave.stale([p for p in entries if p.problem(flow) is None], now)
        # One line each (the id kept whole); the highlighted one is shown in full under the list.
        choices = [(p.label(flow, now, with_id=False), p.call_id, _hint(flow, p, now), p.tail()) for p in entries]
        extras: list[tuple[str, Any]] = []
        if old:
            extras.append((f"Poista yli 7 päivää vanhat ({len(old)})", "cleanup"))
        extras.append(("← Peru", None))
        legend = "aika · päätöspuu · kohde tai kysymys · ohjelma · tunnus"
        out.line(f"Keskeytettyjä puheluita on {len(entries)} ({legend}).", "bold")
        first = next((p.call_id for p in entries if p.problem(flow) is None), None)  # the cursor starts there
        instruction = "(nuolet tai numero, Enter valitsee)"
        picked = select(io, "Mikä puhelu jatkuu?", choices, extras, default=first, instruction=instruction)
        if picked is None:
            return None
        if picked != "cleanup":
            entry = next(p for p in entries if p.call_id == picked)
            if entry.problem(flow):  # back to the list, the file untouched
                out.line(autosave.refusal(flow, entry), "error")
                continue
            try:
                return autosave.load(flow, picked)
            except InputError as exc:  # changed or opened elsewhere since it was listed: pick again
                out.line(f"{exc} Tiedosto jää ennalleen.", "error")
                continue
        question = f"Poistetaanko {len(old)} yli 7 päivää vanhaa keskeytettyä puhelua? Niitä ei voi palauttaa."
        if confirm(io, question, default=False):
            for entry in old:
                autosave.remove(entry.call_id)
            out.line(f"Poistettiin {len(old)} vanhaa keskeytettyä puhelua.", "dim")


def _hint(flow: Flow, entry: autosave.Pending, now: Any) -> str:
    """The highlighted row in full under the list; for one that cannot be continued, why."""
    problem = entry.problem(flow)
    return entry.label(flow, now) + (f" — {problem[1]}" if problem else "")
