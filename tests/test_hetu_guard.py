"""Issue 14: the henkilötunnus guard has no way around it.

Every disguise a reader would still read as a valid code (control, format and
zero-width characters, soft hyphens, whitespace and line breaks inside it,
full-width forms, letters stuck to it), in every field, through every entry
path: `draft` and `replay` (wizard.cli.main in-process), the engine's final
draft, and the wizard's --answers and --resume.
"""

from __future__ import annotations

import io
import json
import sqlite3
from argparse import Namespace
from datetime import date
from email import message_from_bytes
from email.policy import default
from pathlib import Path
from random import Random
from urllib.parse import parse_qs, urlsplit

import pytest
import tomli
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from wizard import cli
from wizard.autosave import path_for
from wizard.cli import FORMATS, main
from wizard.drafts import render_eml, render_json, render_mailto, render_text
from wizard.engine import Session
from wizard.errors import DataError, PersonalDataError
from wizard.field_checks import check_field
from wizard.loader import load
from wizard.locate import default_contacts
from wizard.model import FIELD_KEYS, Flow
from wizard.personal_data import find_personal_codes, remove_personal_codes
from wizard.prompt_ui.app import run_wizard
from wizard.prompt_ui.console import Console
from wizard.prompt_ui.widgets import PromptIO
from wizard.record import load_record, to_record
from wizard.terminal import visible
from wizard.textsafe import CONTROL

from .helpers import fixed_clock

OUTCOME = "sopimus_remontti"  # an e-mail outcome
ENTER = "\r"

# The bulk runs use this profile: at least 2,000 generated codes per entry path.
settings.register_profile(
    "hetu-guard",
    max_examples=2000,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def autosave_path(flow_id: str) -> Path:
    """The autosave of "the" interrupted call: autosaves are per call, so one fixed call id stands in."""
    return path_for("20000101-000000-000000")


GUARD = settings.get_profile("hetu-guard")

# ---------------------------------------------------------------- the strategy

_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
_CENTURY = {"+": 1800, "-": 1900, "U": 1900, "V": 1900, "W": 1900, "X": 1900, "Y": 1900}
_CENTURY.update(dict.fromkeys("ABCDEF", 2000))


@st.composite
def valid_codes(draw, wrong_check: bool = False) -> str:
    """A valid henkilötunnus: any century sign (the 2023 ones too), a real date,
    individual number 002–999 (900–999 is the temporary range)."""
    sign = draw(st.sampled_from(sorted(_CENTURY)))
    first = date(_CENTURY[sign], 1, 1).toordinal()
    day = date.fromordinal(first + draw(st.integers(0, date(_CENTURY[sign] + 99, 12, 31).toordinal() - first)))
    individual = draw(st.integers(2, 999))
    digits = f"{day.day:02d}{day.month:02d}{day.year % 100:02d}{individual:03d}"
    check = _CHECK[int(digits) % 31]
    if wrong_check:
        # Never the right one, nor a letter read as it: disguise() may lower-case L,
        # and a lower-case l is read as the digit 1 (a look-alike is caught on purpose).
        wrong = [c for c in _CHECK if c != check and not (check == "1" and c == "L")]
        check = draw(st.sampled_from(wrong))
    return f"{digits[:6]}{sign}{digits[6:]}{check}"


INVISIBLE = [
    *"\x00\x01\x07\x08\x1b\x1f\x7f\x80\x9b\x9f",  # C0, DEL, C1 (U+009B is CSI)
    *"\u00ad\u200b\u200c\u200d\u2060\ufeff\u180e\u034f",  # soft hyphen, zero-width, joiners
    *"\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",  # bidi marks, overrides, isolates
]
WHITESPACE = [" ", "  ", "\t", "\u00a0", "\u2009", "\u3000"]
LINE_BREAKS = ["\n", "\r\n", "\r", "\u2028", "\u2029", "\x85", "\x0b", "\x0c"]
# Letters stuck to either side, or a sentence around the code.
AFFIXES = ["", "HETU", "hetu", "Y", "x", "Ä", "ö", "abc", "Asiakkaan tunnus ", " kiitos", "tunnus:", "Ab"]
_FULL_WIDTH = {ch: chr(ord(ch) + 0xFEE0) for ch in "0123456789+-ABCDEFHJKLMNPRSTUVWXY"}
_DASHES = ["-", "\u2010", "\u2011", "\u2013", "\u2212", "\uff0d"]


def disguise(code: str, seed: int) -> str:
    """`code` as an adversary would type it, still read as the same code: some
    characters full-width, the dash a look-alike, letters in either case, up to
    four invisible, whitespace or line-break characters inside, letters or a
    sentence stuck to either side. The choices come from `seed` (one draw per
    example keeps 2,000 examples quick; the failing text is in the message)."""
    rnd = Random(seed)
    chars = [_FULL_WIDTH[ch] if rnd.random() < 0.3 else ch for ch in code]
    if code[6] == "-":
        chars[6] = rnd.choice(_DASHES)
    if rnd.random() < 0.3:
        chars = [ch.lower() for ch in chars]
    for position in sorted((rnd.randint(1, 10) for _ in range(rnd.randint(0, 4))), reverse=True):
        chars.insert(position, rnd.choice(INVISIBLE + WHITESPACE + LINE_BREAKS))
    return rnd.choice(AFFIXES) + "".join(chars) + rnd.choice(AFFIXES)


def disguised(codes: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.builds(disguise, codes, st.integers(0, 2**32 - 1))


disguised_codes = disguised(valid_codes())
fields = st.sampled_from(FIELD_KEYS)


# ---------------------------------------------------------------- helpers


@pytest.fixture
def fast_flow(monkeypatch, flow: Flow):
    """main() without re-reading the data for every generated example (the
    reproductions below keep the real path)."""
    monkeypatch.setattr(cli, "_flow", lambda args: flow)
    return flow


@pytest.fixture
def no_prompts(monkeypatch, flow: Flow) -> list[str]:
    """The wizard's entry guard with every confirmation answered "Ei" (the default
    of the second); the questions asked are collected. The real prompts are
    driven in test_wizard_answers_and_resume_refuse_through_real_prompts."""
    asked: list[str] = []

    def answer_no(io, message: str, default: bool = False) -> bool:
        asked.append(message)
        return False

    monkeypatch.setattr("wizard.prompt_ui.app.confirm", answer_no)
    monkeypatch.setattr("wizard.locate.load_default", lambda flow_id=None: flow)
    return asked


def record_with(flow: Flow, key: str, value: str) -> dict:
    session = Session(flow, clock=fixed_clock)
    session.jump_to(OUTCOME)
    record = to_record(session)
    record["fields"] = {key: value}  # raw, as a hand-edited record would hold it
    return record


def drive_wizard(keys: str, **kw) -> tuple[int, str]:
    out = io.StringIO()
    args = Namespace(**{"resume": False, "answers": None, "no_log": True, "flow": None, **kw})
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        pipe.close()
        code = run_wizard(args, io=PromptIO(pipe, DummyOutput()), console=Console(out, color=False), clock=fixed_clock)
    return code, out.getvalue()


def assert_refused(code: int, out: bytes, err: str, key: str) -> None:
    assert code == 1
    assert out == b""  # nothing written: no draft, no JSON
    assert key in err


# ---------------------------------------------------------------- the property tests


@settings(GUARD, max_examples=500)
@given(text=disguised(valid_codes(wrong_check=True)))
def test_a_wrong_check_character_is_never_personal_data(text: str):
    assert find_personal_codes(text) == [], repr(text)


ENTRY_PATHS = ["draft", "draft -o", "replay", "wizard --answers", "wizard --resume"]


@GUARD
@given(key=fields, value=disguised_codes, path=st.sampled_from(ENTRY_PATHS), fmt=st.sampled_from(FORMATS))
def test_every_disguised_code_is_refused_on_every_entry_path(
    fast_flow: Flow, no_prompts, tmp_path: Path, capsysbinary, key: str, value: str, path: str, fmt: str
):
    # The one decision: found, and removable.
    assert find_personal_codes(value), repr(value)
    assert find_personal_codes(remove_personal_codes(value)) == [], repr(value)
    # The engine's final draft, after set_field's normalisation.
    session = Session(fast_flow, clock=fixed_clock)
    session.jump_to(OUTCOME)
    session.set_field(key, value)
    with pytest.raises(PersonalDataError) as refused:
        session.final_draft()
    assert refused.value.fields == [key], repr(value)
    # One front-end entry path per example, each through its real code.
    output = tmp_path / "luonnos.out"
    record = autosave_path(fast_flow.id) if path == "wizard --resume" else tmp_path / "puhelu.toml"
    if path.startswith(("replay", "wizard")):
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(tomli_w.dumps(record_with(fast_flow, key, value)), encoding="utf-8")
    if path == "draft":
        code = main(["draft", OUTCOME, "--field", f"{key}={value}", "--format", fmt])
    elif path == "draft -o":
        code = main(["draft", OUTCOME, "--field", f"{key}={value}", "--format", fmt, "-o", str(output)])
    elif path == "replay":
        code = main(["replay", str(record), "--format", fmt])
    else:
        resume = path == "wizard --resume"
        out = io.StringIO()
        args = Namespace(resume=resume, answers=None if resume else str(record), no_log=True, flow=None)
        code = run_wizard(args, io=PromptIO(), console=Console(out, color=False), clock=fixed_clock)
        assert no_prompts == ["Poistetaanko henkilötunnus?", "Jatketaanko henkilötunnuksen kanssa?"]
        assert "Luonnos" not in out.getvalue() and find_personal_codes(out.getvalue()) == []
        no_prompts.clear()
    captured = capsysbinary.readouterr()
    assert code == 1, repr(value)
    assert captured.out == b"" and not output.exists()
    if path.startswith(("draft", "replay")):
        assert key in captured.err.decode()


# The same through real prompts: a prompt_toolkit application per example, so fewer.
@settings(GUARD, max_examples=20)
@given(key=fields, value=disguised_codes, resume=st.booleans())
def test_wizard_answers_and_resume_refuse_through_real_prompts(flow: Flow, tmp_path: Path, key, value, resume):
    record = record_with(flow, key, value)
    path = autosave_path(flow.id) if resume else tmp_path / "puhelu.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(tomli_w.dumps(record), encoding="utf-8")
    # "Poistetaanko?" Ei, "Jatketaanko henkilötunnuksen kanssa?" Enter (= Ei): refused.
    code, out = drive_wizard("Ei" + ENTER + ENTER, resume=resume, answers=None if resume else str(path))
    assert code == 1
    assert "Varoitus: henkilötunnus" in out and "Luonnos" not in out
    assert find_personal_codes(out) == []


# ---------------------------------------------------------------- the issue's reproductions


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("description", "Asiakkaan hetu on 010594\x7fY9021"),
        ("contact", "010594\r\nY9021"),
        ("contact", "010594  Y9021"),
        ("description", "hetu 010594\u200bY9021"),
        ("description", "hetu 010594\u00adY9021"),
        ("provider", "HETU010594Y9021"),
        ("description", "０１０５９４Ｙ９０２１"),
        ("phone", "010594-0020"),
        ("email", "010594Y9021@example.fi"),
        ("notes", "soittajan hetu 010594\u2060Y9021"),
    ],
)
def test_issue_reproductions_are_refused_by_draft(tmp_path: Path, capsysbinary, key: str, value: str):
    leak = tmp_path / "leak.eml"
    code = main(["draft", OUTCOME, "--field", f"{key}={value}", "--format", "eml", "-o", str(leak)])
    err = capsysbinary.readouterr().err.decode()
    assert code == 1 and not leak.exists()
    assert key in err and "henkilötunnu" in err and "--allow-personal-data" in err


def test_draft_allows_a_disguised_code_only_when_told(capsysbinary):
    code = main(["draft", OUTCOME, "--field", "description=hetu 010594\u200bY9021", "--allow-personal-data"])
    assert code == 0 and "010594" in capsysbinary.readouterr().out.decode()


def test_replay_refuses_a_control_character_inside_a_code(flow: Flow, tmp_path: Path, capsysbinary):
    record = tmp_path / "puhelu.toml"
    record.write_text(tomli_w.dumps(record_with(flow, "description", "hetu 010594\u0001Y9021")), encoding="utf-8")
    assert main(["replay", str(record), "--format", "eml"]) == 1
    captured = capsysbinary.readouterr()
    assert captured.out == b"" and "description" in captured.err.decode()


def test_draft_record_is_not_written_when_the_draft_is_refused(tmp_path: Path, capsysbinary):
    record = tmp_path / "puhelu.toml"
    code = main(["draft", OUTCOME, "--field", "notes=hetu 131052-308T", "--record", str(record)])
    assert code == 1 and not record.exists()


def test_131052_308A_is_still_not_personal_data(capsysbinary):
    assert main(["draft", OUTCOME, "--field", "description=viite 131052-308A"]) == 0
    assert "131052-308A" in capsysbinary.readouterr().out.decode()


@pytest.mark.parametrize(
    "text", ["131052-308A", "321352-308T", "290223-308T", "131052-000T", "0246246-0", "tilaus 1131052-308T0"]
)
def test_negative_cases_stay_negative(text: str):
    assert find_personal_codes(text) == []


def test_full_width_business_id_is_folded_and_checked(capsysbinary):
    assert main(["draft", OUTCOME, "--field", "business_id=０２４６２４６-０"]) == 0
    assert "Y-tunnus: 0246246-0" in capsysbinary.readouterr().out.decode()
    assert main(["draft", OUTCOME, "--field", "business_id=０２４６２４６-１"]) == 1
    assert "business_id" in capsysbinary.readouterr().err.decode()
    assert check_field("business_id", "٠٢٤٦٢٤٦-٠") is not None  # other scripts' digits are not a Y-tunnus


def test_set_field_normalises_once_on_the_way_in(session: Session):
    session.set_field("business_id", "０２４６２４６-０")
    session.set_field("provider", "Oy\u202eAb\x9b31m\r\nTwo\x00")
    session.set_field("description", "rivi 1\r\nrivi 2\u2066\x85rivi 3")
    assert session.fields["business_id"] == "0246246-0"
    assert session.fields["provider"] == "OyAb31m Two"
    assert session.fields["description"] == "rivi 1\nrivi 2\nrivi 3"


# ---------------------------------------------------------------- the wizard's entry paths


def test_wizard_answers_file_warns_and_removes_by_default(flow: Flow, tmp_path: Path):
    path = tmp_path / "puhelu.toml"
    path.write_text(tomli_w.dumps(record_with(flow, "description", "hetu 010594\u200bY9021")), encoding="utf-8")
    code, out = drive_wizard(ENTER + "Lopeta" + ENTER + "Kyllä" + ENTER, answers=str(path))
    assert code == 0
    warning, draft = out.split("Luonnos", 1)
    assert "Varoitus: henkilötunnus kentässä Kuvaus asiasta" in warning
    assert "[henkilötunnus poistettu]" in draft and find_personal_codes(out) == []


def test_wizard_answers_file_can_keep_it_only_on_a_second_yes(flow: Flow, tmp_path: Path):
    path = tmp_path / "puhelu.toml"
    path.write_text(tomli_w.dumps(record_with(flow, "provider", "HETU010594Y9021")), encoding="utf-8")
    code, out = drive_wizard("Ei" + ENTER + "Kyllä" + ENTER + "Lopeta" + ENTER + "Kyllä" + ENTER, answers=str(path))
    assert code == 0 and "010594Y9021" in out.split("Luonnos", 1)[1]


def test_wizard_resume_refuses_without_consent(flow: Flow, capsys):
    path = autosave_path(flow.id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(tomli_w.dumps(record_with(flow, "notes", "hetu 131052-308T")), encoding="utf-8")
    code, out = drive_wizard("Ei" + ENTER + ENTER, resume=True)
    assert code == 1 and "Luonnos" not in out
    assert "henkilötunnus" in capsys.readouterr().err
    assert path.exists()  # the call is not lost


@pytest.mark.parametrize(("key", "value"), [("phone", "010594-0020"), ("email", "010594Y9021@example.fi")])
def test_wizard_phone_and_email_prompts_ask_again(key: str, value: str):
    position = FIELD_KEYS.index(key)
    keys = "1" + ENTER + "Etel" + ENTER + ENTER * position + value + ENTER + "\x15" + ENTER
    keys += ENTER * (len(FIELD_KEYS) - position - 1) + "Lopeta" + ENTER
    code, out = drive_wizard(keys)
    assert code == 0
    assert value not in out and find_personal_codes(out) == []


# ---------------------------------------------------------------- control characters, every output

HOSTILE = "Oy\x1b[2J\u202eAb\x9b31m\x85\u2066x\u2069\x07"


def _written_text(render, draft) -> str:
    """What a reader of each format gets, decoded."""
    rendered = render(draft)
    if render is render_eml:
        msg = message_from_bytes(rendered, policy=default)
        return str(msg["Subject"]) + msg.get_content().replace("\r\n", "\n")
    if render is render_mailto:
        query = parse_qs(urlsplit(rendered).query)
        return query["subject"][0] + query["body"][0].replace("\r\n", "\n")
    if render is render_json:
        data = json.loads(rendered)
        return data["subject"] + data["body"] + "".join(data["fields"].values())
    return rendered


@pytest.mark.parametrize("render", [render_text, render_json, render_mailto, render_eml])
def test_no_control_or_bidi_character_reaches_any_draft_format(session: Session, render):
    session.jump_to(OUTCOME)
    for key in ("provider", "contact", "description"):
        session.set_field(key, HOSTILE)
    text = _written_text(render, session.final_draft())
    assert "Ab31m" in text and not CONTROL.search(text)


def test_a_draft_built_around_set_field_is_still_clean(flow: Flow):
    from wizard.drafts import build_draft

    session = Session(flow, clock=fixed_clock)
    session.jump_to(OUTCOME)
    draft = build_draft(flow, session.outcome, session.path, {"provider": HOSTILE, "notes": ""}, fixed_clock())
    assert not CONTROL.search(draft.subject + draft.body + draft.fields["provider"])


def test_terminal_shows_the_rule_escaped():
    assert visible("a\x1b[31m\u202eb\x9bc\td\n") == "a\\x1b[31m\\u202eb\\x9bc\td\n"


def test_the_loader_rejects_bidi_overrides(tmp_path: Path):
    flow_text = Path(__file__).resolve().parent.parent.joinpath("flows", "kuntoutus.toml").read_text(encoding="utf-8")
    cases = [("\u202e", "202E"), ("\\u202E", "202E"), ("\\u2066", "2066"), ("\x9b", "009B")]
    for i, (hostile, code) in enumerate(cases):
        broken = tmp_path / f"flow{i}.toml"
        text = flow_text.replace('label = "Kuntoutuspsykoterapia"', f'label = "Kuntoutus{hostile}"', 1)
        broken.write_text(text, encoding="utf-8")
        with pytest.raises(DataError) as failed:
            load(broken, default_contacts())
        assert any(f"U+{code}" in p.message for p in failed.value.problems), failed.value.problems


# ---------------------------------------------------------------- the call log and crash reports


def test_call_log_never_holds_field_values(flow: Flow, tmp_path: Path):
    from wizard.calllog import log_call

    session = Session(flow, clock=fixed_clock)
    session.jump_to(OUTCOME)
    for key in FIELD_KEYS:
        session.set_field(key, f"{key} 131052-308T Salainen")
    log = tmp_path / "calls.sqlite3"
    log_call(session, path=log)
    with sqlite3.connect(log) as conn:
        rows = conn.execute("SELECT * FROM calls").fetchall()
    assert len(rows) == 1
    assert "131052" not in repr(rows) and "Salainen" not in repr(rows)


def test_crash_report_holds_no_field_values(monkeypatch, tmp_path: Path, capsys):
    monkeypatch.setenv("KELA_OHJAUS_HOME", str(tmp_path))

    def explode(self, *args, **kwargs):
        raise RuntimeError(f"boom {self.fields['description']}")

    monkeypatch.setattr(Session, "final_draft", explode)
    assert main(["draft", OUTCOME, "--field", "description=hetu 131052-308T Salainen"]) == 70
    capsys.readouterr()
    (report,) = (tmp_path / "state").glob("crash-*.txt")
    text = report.read_text(encoding="utf-8")
    assert "131052" not in text and "Salainen" not in text


def test_record_load_normalises_like_typing(flow: Flow, tmp_path: Path):
    path = tmp_path / "puhelu.toml"
    path.write_text(tomli_w.dumps(record_with(flow, "business_id", "０２４６２４６-０")), encoding="utf-8")
    assert load_record(flow, path).session.fields["business_id"] == "0246246-0"
    assert tomli.loads(path.read_text(encoding="utf-8"))["fields"]["business_id"] == "０２４６２４６-０"
