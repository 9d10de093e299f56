"""Privacy and hostile input across commands: henkilötunnus guard, checked IDs,
injection-proof output, crash safety, and fuzzing of the loader and the engine."""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
from argparse import Namespace
from email import message_from_bytes
from email.policy import default
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import tomli
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from wizard.cli import main
from wizard.engine import Session
from wizard.errors import DataError, InputError, UsageError
from wizard.field_checks import check_business_id, check_email
from wizard.loader import load
from wizard.model import Flow, Question
from wizard.personal_data import find_personal_codes, remove_personal_codes
from wizard.record import dumps, from_record

from .helpers import FIXTURES, fixed_clock, run

# ---------------------------------------------------------------- henkilötunnus


@pytest.mark.parametrize(
    "code",
    [
        "131052-308T",
        "010594Y9021",  # temporary range 900-999: still personal data
        "131052+308T",
        "131052A308T",
        "131052B308T",
        "131052C308T",
        "131052D308T",
        "131052E308T",
        "131052F308T",
        "131052U308T",
        "131052V308T",
        "131052W308T",
        "131052X308T",
        "131052Y308T",
    ],
)
def test_every_century_sign_is_detected(code: str):
    assert len(find_personal_codes(f"asiakkaan tunnus on {code}, kiitos")) == 1


@pytest.mark.parametrize("text", ["131052-308A", "321352-308T", "0246246-0", "puhelin 040 123 4567", "131052G308T"])
def test_non_codes_are_left_alone(text: str):
    assert find_personal_codes(text) == []


def test_codes_can_be_removed():
    assert (
        remove_personal_codes("a 131052-308T b 010594Y9021")
        == "a [henkilötunnus poistettu] b [henkilötunnus poistettu]"
    )


def test_draft_refuses_personal_data_unless_allowed(tmp_path: Path):
    result = run("draft", "sopimus_tilat", "--field", "description=asiakas 131052-308T")
    assert result.returncode == 1
    assert b"description" in result.stderr and b"henkil" in result.stderr
    assert b"Kela" not in result.stderr  # the product's own advice, not attributed to Kela
    allowed = run("draft", "sopimus_tilat", "--field", "description=asiakas 131052-308T", "--allow-personal-data")
    assert allowed.returncode == 0 and b"131052-308T" in allowed.stdout


def test_replay_refuses_personal_data_unless_allowed(flow: Flow, tmp_path: Path):
    session = Session(flow, clock=fixed_clock)
    session.jump_to("sopimus_tilat")
    session.set_field("notes", "soittajan hetu 010594Y9021")
    record = tmp_path / "r.toml"
    record.write_text(dumps(session), encoding="utf-8")
    refused = run("replay", str(record))
    assert refused.returncode == 1 and b"notes" in refused.stderr
    assert run("replay", str(record), "--allow-personal-data").returncode == 0


# ---------------------------------------------------------------- checked IDs


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("0246246-0", True),
        ("0246246-1", False),
        ("2617416-4", True),
        ("246246-0", False),
        ("02462460", False),
        ("", False),
    ],
)
def test_business_id(value: str, ok: bool):
    assert (check_business_id(value) is None) is ok


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("maija@example.fi", True),
        ("a.b+c@sub.example.com", True),
        ("maija@", False),
        ("@x.fi", False),
        ("a b@x.fi", False),
        ("a@x", False),
        ("a..b@x.fi", False),
        ("a@x.fi\nBcc: y@z.fi", False),
    ],
)
def test_email(value: str, ok: bool):
    assert (check_email(value) is None) is ok


# ---------------------------------------------------------------- injection, every format

HOSTILE = {
    "provider": "Oy\r\nBcc: evil@example.com",
    "contact": "Maija\x00\x1b[31m",
    "description": "${provider} {provider.__class__} %(x)s [b]bold[/b] \x1b]52;c;ZXZpbA==\x07",
}


def _draft_args(fmt: str) -> list[str]:
    args = ["draft", "sopimus_tilat", "--format", fmt]
    for key, value in HOSTILE.items():
        args += ["--field", f"{key}={value}"]
    return args


def draft_bytes(capsysbinary, fmt: str) -> bytes:
    """In-process: argv cannot carry the NUL byte the hostile values contain."""
    assert main(_draft_args(fmt)) == 0
    return capsysbinary.readouterr().out


def test_injection_text_format(capsysbinary):
    out = draft_bytes(capsysbinary, "text").decode()
    assert "\x1b" not in out and "\x00" not in out and "\x07" not in out
    assert "${provider} {provider.__class__} %(x)s [b]bold[/b]" in out
    assert "Aihe: Sopimuskauden aikainen muutos: tilat – Oy Bcc: evil@example.com" in out


def test_injection_eml_format(capsysbinary):
    raw = draft_bytes(capsysbinary, "eml")
    msg = message_from_bytes(raw, policy=default)
    assert msg["Bcc"] is None and not msg.defects
    assert msg["To"] == "kuntoutus_sopimushallinta@kela.fi"
    assert "${provider} {provider.__class__}" in msg.get_content()
    assert b"\x1b" not in raw


def test_injection_mailto_format(capsysbinary):
    uri = draft_bytes(capsysbinary, "mailto").decode().strip()
    parts = urlsplit(uri)
    assert parts.path == "kuntoutus_sopimushallinta@kela.fi"
    query = parse_qs(parts.query)
    assert set(query) == {"subject", "body"}  # no smuggled bcc=
    assert "\n" not in query["subject"][0]


def test_injection_json_format(capsysbinary):
    data = json.loads(draft_bytes(capsysbinary, "json"))
    assert "\n" not in data["subject"] and "\x1b" not in data["body"]
    assert "{provider.__class__}" in data["body"]


def test_find_output_shows_queries_and_data_literally():
    result = run("find", "\x1b[31mremontti", "[b]x[/b]")
    assert result.returncode == 0 and b"\x1b" not in result.stdout


def test_wizard_shows_markup_in_fields_literally():
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from wizard.prompt_ui.app import run_wizard
    from wizard.prompt_ui.console import Console
    from wizard.prompt_ui.widgets import PromptIO

    out = io.StringIO()
    keys = "1\r" + "Etel\r" + "[b]Oy[/b] <i>\r" + "\r" * 6 + "Lopeta\r" + "Kyllä\r"
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        pipe.close()
        args = Namespace(resume=False, answers=None, no_log=True, flow=None)
        code = run_wizard(args, io=PromptIO(pipe, DummyOutput()), console=Console(out, color=False), clock=fixed_clock)
    assert code == 0
    assert "Palveluntuottaja: [b]Oy[/b] <i>" in out.getvalue()


# ---------------------------------------------------------------- crash safety


def test_unexpected_error_exits_70_with_a_report_and_no_field_values(monkeypatch, tmp_path: Path, capsys):
    monkeypatch.setenv("KELA_OHJAUS_HOME", str(tmp_path))

    def explode(*args, **kwargs):
        raise RuntimeError("secret value Salainen Oy")

    monkeypatch.setattr("wizard.engine.Session.draft", explode)
    code = main(["draft", "sopimus_tilat", "--field", "provider=Salainen Oy"])
    assert code == 70
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err and "Raportti:" in err
    reports = list((tmp_path / "state").glob("crash-*.txt"))
    assert len(reports) == 1
    text = reports[0].read_text(encoding="utf-8")
    assert "RuntimeError" in text and "Salainen" not in text
    assert reports[0].stat().st_mode & 0o777 == 0o600


def test_a_crash_in_the_wizard_keeps_the_answers(monkeypatch):
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from wizard.autosave import pending
    from wizard.prompt_ui.app import Wizard, run_wizard
    from wizard.prompt_ui.console import Console
    from wizard.prompt_ui.widgets import PromptIO

    def explode(self, outcome):
        raise RuntimeError("boom")

    monkeypatch.setattr(Wizard, "at_outcome", explode)
    with create_pipe_input() as pipe:
        pipe.send_text("1\rPohj\r")
        pipe.close()
        args = Namespace(resume=False, answers=None, no_log=True, flow=None)
        with pytest.raises(RuntimeError):
            run_wizard(args, io=PromptIO(pipe, DummyOutput()), console=Console(io.StringIO(), color=False))
    [call] = pending()
    saved = tomli.loads(call.path.read_text(encoding="utf-8"))
    assert saved["outcome"] == "terapia_pohjoinen"


@pytest.mark.skipif(not os.path.exists("/usr/bin/tmux"), reason="tmux missing")
def test_kill_9_mid_call_then_resume_continues(tmp_path: Path):
    from .tmux import Tmux

    with Tmux(["-m", "wizard", "wizard", "--no-log"], home=tmp_path) as term:
        term.wait_for("Mitä yhteydenottosi koskee?")
        term.type("Muut", enter=True)
        term.wait_for("Mitä kuntoutuspalveluihin liittyvä asiasi koskee?")
        term.type("sopimuskauden", enter=True)
        term.wait_for("Toimiiko palveluntuottaja sopimuskaudella")
        term.type("Sopimuskausi", enter=True)
        term.wait_for("Mikä sopimuskauden aikainen muutos on kyseessä?")
        pid = term.program_pid()
        assert pid, "wizard process not found"
        os.kill(pid, signal.SIGKILL)
        term.wait_for_exit(137)
    with Tmux(["-m", "wizard", "wizard", "--resume", "--no-log"], home=tmp_path) as term:
        screen = term.wait_for("Mikä sopimuskauden aikainen muutos on kyseessä?")
        assert "Jatketaan keskeytettyä puhelua" in screen
        term.type("Vakava", enter=True)
        term.wait_for("Palveluntuottajan nimi")
        assert "kuntoutus_sopimushallinta@kela.fi" in term.screen()
        term.keys("C-c")
        term.wait_for_exit(130)


# ---------------------------------------------------------------- fuzzing

toml_scalars = st.one_of(st.text(max_size=20), st.integers(), st.booleans(), st.floats(allow_nan=False))
toml_values = st.recursive(
    toml_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(min_size=1, max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
flowish = st.fixed_dictionaries(
    {},
    optional={
        "flow": st.dictionaries(st.sampled_from(["id", "title", "root", "x"]), toml_scalars, max_size=4),
        "question": st.dictionaries(
            st.sampled_from(["alku", "b", "Bad Id"]),
            st.fixed_dictionaries(
                {},
                optional={
                    "text": toml_scalars,
                    "option": st.lists(
                        st.dictionaries(st.sampled_from(["id", "label", "next", "keywords"]), toml_values, max_size=4),
                        max_size=3,
                    ),
                },
            ),
            max_size=3,
        ),
        "outcome": st.dictionaries(
            st.sampled_from(["loppu_posti", "o2"]),
            st.dictionaries(st.sampled_from(["title", "contact", "subject", "topic"]), toml_values, max_size=4),
            max_size=2,
        ),
        "say": st.dictionaries(st.sampled_from(["email", "phone", "fax"]), toml_values, max_size=3),
        "draft": st.dictionaries(st.sampled_from(["subject", "body", "greeting"]), toml_values, max_size=3),
        "field": toml_values,
    },
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=flowish)
def test_loader_raises_only_its_own_error_on_generated_documents(tmp_path: Path, doc):
    path = tmp_path / "fuzz.toml"
    path.write_text(tomli_w.dumps(doc), encoding="utf-8")
    with contextlib.suppress(DataError, UsageError):  # anything else fails the test
        load(path, FIXTURES / "valid" / "contacts.toml")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_loader_raises_only_its_own_error_on_raw_bytes(tmp_path: Path, raw: bytes):
    path = tmp_path / "raw.toml"
    path.write_bytes(raw)
    with contextlib.suppress(DataError, UsageError):  # anything else fails the test
        load(path, FIXTURES / "valid" / "contacts.toml")


class EngineMachine(RuleBasedStateMachine):
    """Any sequence of moves keeps the path walkable, the draft honest and replay faithful."""

    flow: Flow

    def __init__(self) -> None:
        super().__init__()
        self.session = Session(self.flow, clock=fixed_clock)

    @rule(n=st.integers(0, 50))
    def choose(self, n: int) -> None:
        node = self.session.current
        if isinstance(node, Question):
            self.session.choose(node.options[n % len(node.options)].id)

    @rule()
    def back(self) -> None:
        self.session.back()

    @rule()
    def restart(self) -> None:
        self.session.restart()

    @precondition(lambda self: self.session.path)
    @rule(n=st.integers(0, 50))
    def change(self, n: int) -> None:
        answer = self.session.path[n % len(self.session.path)]
        options = self.flow.questions[answer.node].options
        self.session.change(answer.node, options[n % len(options)].id)

    @rule(n=st.integers(0, 100))
    def jump(self, n: int) -> None:
        outcomes = sorted(self.flow.outcomes)
        self.session.jump_to(outcomes[n % len(outcomes)])

    @rule(key=st.sampled_from(["provider", "contact", "description", "notes"]), value=st.text(max_size=30))
    def set_field(self, key: str, value: str) -> None:
        # Notes carry a marker so the invariant can tell them from text the draft has anyway.
        self.session.set_field(key, f"MUISTIO-{value}" if key == "notes" else value)

    @invariant()
    def path_is_walkable(self) -> None:
        node = self.flow.root
        for answer in self.session.path:
            assert answer.node == node
            node = self.flow.questions[node].option(answer.option).next
        assert node == self.session.current_id

    @invariant()
    def draft_is_honest(self) -> None:
        outcome = self.session.outcome
        if outcome is None:
            with pytest.raises(InputError):
                self.session.draft()
            return
        draft = self.session.draft()
        contact = self.flow.contact_of(outcome)
        assert draft.to == (contact.address if contact.kind == "email" else None)
        assert "\n" not in draft.subject and "\r" not in draft.subject
        assert "MUISTIO-" not in draft.body  # the agent's notes never reach the e-mail

    @invariant()
    def record_replays(self) -> None:
        replayed = from_record(self.flow, tomli.loads(dumps(self.session))).session
        assert replayed.current_id == self.session.current_id
        assert {k: v for k, v in replayed.fields.items() if v} == {k: v for k, v in self.session.fields.items() if v}


def test_engine_state_machine(flow: Flow):
    EngineMachine.flow = flow
    EngineMachine.TestCase.settings = settings(max_examples=60, stateful_step_count=25, deadline=None)
    EngineMachine.TestCase().runTest()
