"""Files the tool reads and writes, and odd streams (issue 15): nothing clobbered, nothing hangs.

Each test is a reproduction from the issue, run through the installed entry
point (or, for the file API itself, in process).
"""

from __future__ import annotations

import contextlib
import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wizard import files
from wizard.errors import InputError, UsageError

from .helpers import EXE, run


def run_raw(args: list, *, timeout: float = 30, **kwargs) -> subprocess.CompletedProcess:
    """Like run(), with bytes arguments allowed and a shorter timeout (a hang is the bug)."""
    env = {**os.environ, **kwargs.pop("env", {})}
    kwargs.setdefault("stdout", subprocess.PIPE)
    kwargs.setdefault("stderr", subprocess.PIPE)
    result = subprocess.run([EXE, *args], timeout=timeout, env=env, **kwargs)
    assert b"Traceback" not in result.stderr and b"Exception ignored" not in result.stderr, result.stderr.decode()
    return result


def _one_finnish_line(stderr: bytes) -> str:
    text = stderr.decode()
    assert len(text.strip().splitlines()) == 1, text
    return text


# ---------------------------------------------------------------- never replace a non-regular file


def _fifo(tmp_path: Path) -> Path:
    path = tmp_path / "putki"
    os.mkfifo(path)
    return path


def _socket(tmp_path: Path) -> Path:
    path = tmp_path / "pistoke"
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(path))
    sock.close()
    return path


def _dangling_link(tmp_path: Path) -> Path:
    path = tmp_path / "linkki.eml"
    path.symlink_to(tmp_path / "ei-ole")
    return path


def _link_to_file(tmp_path: Path) -> Path:
    (tmp_path / "kohde.txt").write_text("alkuperäinen")
    path = tmp_path / "linkki.eml"
    path.symlink_to(tmp_path / "kohde.txt")
    return path


@pytest.mark.parametrize("make", [_fifo, _socket, _dangling_link, _link_to_file])
@pytest.mark.parametrize("force", [False, True])
def test_draft_never_replaces_what_is_not_a_regular_file(tmp_path: Path, make, force: bool):
    target = make(tmp_path)
    before = os.lstat(target)
    result = run("draft", "sopimus_remontti", "-o", str(target), *(["--force"] if force else []))
    assert result.returncode == 1
    assert "ei ole tavallinen tiedosto" in _one_finnish_line(result.stderr)
    after = os.lstat(target)
    assert stat.S_IFMT(after.st_mode) == stat.S_IFMT(before.st_mode) and after.st_ino == before.st_ino
    assert not (tmp_path / "ei-ole").exists()
    if (tmp_path / "kohde.txt").exists():
        assert (tmp_path / "kohde.txt").read_text() == "alkuperäinen"


def test_dev_null_is_never_replaced_even_with_force():
    result = run("draft", "sopimus_remontti", "-o", "/dev/null", "--force")
    assert result.returncode == 1
    assert "ei ole tavallinen tiedosto" in _one_finnish_line(result.stderr)
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_record_is_never_written_over_a_fifo(tmp_path: Path):
    fifo = _fifo(tmp_path)
    result = run("draft", "sopimus_remontti", "--record", str(fifo), "--force")
    assert result.returncode == 1 and stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_dash_means_standard_output(tmp_path: Path):
    result = run("draft", "sopimus_remontti", "--format", "eml", "-o", "-", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith(b"To: kuntoutus_sopimushallinta@kela.fi")
    assert not (tmp_path / "-").exists()


# ---------------------------------------------------------------- read only regular files, with a limit


@pytest.mark.parametrize(
    "args",
    [
        ["replay", "/dev/zero"],
        ["check", "--contacts", "/dev/zero"],
        ["check", "/dev/zero"],
        ["replay", "FIFO"],
        ["check", "--contacts", "FIFO"],
    ],
)
def test_special_files_are_refused_not_read_forever(tmp_path: Path, args: list[str]):
    fifo = str(_fifo(tmp_path))
    result = run_raw([fifo if a == "FIFO" else a for a in args], timeout=30, stdin=subprocess.DEVNULL)
    assert result.returncode == 1
    assert "ei ole tavallinen tiedosto" in result.stderr.decode()


def test_an_autosave_that_is_a_fifo_does_not_hang_resume(tmp_path: Path):
    home = tmp_path / "home"
    code = (
        "import os, sys\n"
        "from wizard import autosave\n"
        "from wizard.locate import load_default\n"
        "from wizard.errors import InputError\n"
        "flow = load_default()\n"
        "path = autosave.path_for('20000101-000000-000000')\n"  # autosaves are per call
        "path.parent.mkdir(parents=True, exist_ok=True)\n"
        "os.mkfifo(path)\n"
        "try:\n"
        "    autosave.pending()\n"  # the --resume list does not open it either
        "    autosave.load(flow, '20000101-000000-000000')\n"
        "except InputError as exc:\n"
        "    print(exc)\n"
    )
    env = {**os.environ, "KELA_OHJAUS_HOME": str(home)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30, env=env)
    assert "ei ole tavallinen tiedosto" in result.stdout, result.stderr


def test_the_size_limit_is_enforced_while_reading_not_by_stat(tmp_path: Path):
    # /proc files are regular files whose stat() says 0 bytes
    assert os.stat("/proc/self/status").st_size == 0
    with pytest.raises(files.FileTooLarge):
        files.read_bytes("/proc/self/status", limit=10)
    big = tmp_path / "iso.toml"
    big.write_bytes(b"# " + b"x" * 2000)
    with pytest.raises(files.FileTooLarge):
        files.read_bytes(big, limit=1000)
    assert files.read_bytes(big, limit=5000) == big.read_bytes()


def test_a_huge_record_is_refused(tmp_path: Path):
    record = tmp_path / "iso.toml"
    with open(record, "wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: 50 MB of NULs, no disk used
    result = run("replay", str(record))
    assert result.returncode == 1 and "liian suuri" in result.stderr.decode()


def test_read_errors_are_usage_or_input_errors(tmp_path: Path):
    with pytest.raises(UsageError):
        files.read_bytes(tmp_path / "missing.toml")
    with pytest.raises(UsageError):
        files.read_bytes(tmp_path)
    with pytest.raises(InputError, match="UTF-8"):
        (tmp_path / "latin1.toml").write_bytes(b"a = '\xe4'\n")
        files.read_text(tmp_path / "latin1.toml")


# ---------------------------------------------------------------- file names


def test_a_300_character_file_name_is_a_clear_exit_1(tmp_path: Path):
    result = run("draft", "sopimus_remontti", "-o", "a" * 300 + ".eml", cwd=tmp_path)
    assert result.returncode == 1
    assert "liian pitkä" in _one_finnish_line(result.stderr)
    result = run("draft", "sopimus_remontti", "--record", "b" * 300 + ".toml", cwd=tmp_path)
    assert result.returncode == 1 and "liian pitkä" in result.stderr.decode()


def test_an_unknown_user_in_a_file_name_is_a_clear_exit_1(tmp_path: Path):
    result = run("draft", "sopimus_remontti", "-o", "~eikayttajaa/x.eml", cwd=tmp_path)
    assert result.returncode == 1
    assert "eikayttajaa" in _one_finnish_line(result.stderr)
    assert list(tmp_path.iterdir()) == [] or not (tmp_path / "~eikayttajaa").exists()


def test_output_target_for_the_save_prompts(tmp_path: Path):
    """What the wizard's and the browser's save prompts call: InputError, never a crash."""
    for bad in ("a" * 300 + ".eml", "~eikayttajaa/x.eml", str(tmp_path), "", "/dev/null"):
        with pytest.raises(InputError):
            files.output_target(bad)
    existing = tmp_path / "on.eml"
    existing.write_text("x")
    assert files.output_target(str(existing)) == (existing, True)
    assert files.output_target(str(tmp_path / "uusi.eml")) == (tmp_path / "uusi.eml", False)


# ---------------------------------------------------------------- all or nothing, temp files, modes


def test_record_and_existing_output_write_nothing(tmp_path: Path):
    (tmp_path / "luonnos.eml").write_text("vanha")
    result = run("draft", "sopimus_remontti", "--record", "r.toml", "-o", "luonnos.eml", cwd=tmp_path)
    assert result.returncode == 1
    assert not (tmp_path / "r.toml").exists()
    assert (tmp_path / "luonnos.eml").read_text() == "vanha"
    result = run("draft", "sopimus_remontti", "--record", "r.toml", "-o", "luonnos.eml", "--force", cwd=tmp_path)
    assert result.returncode == 0 and (tmp_path / "r.toml").exists()


def test_the_same_file_twice_is_refused(tmp_path: Path):
    result = run("draft", "sopimus_remontti", "--record", "x", "-o", "x", cwd=tmp_path)
    assert result.returncode == 1 and not (tmp_path / "x").exists()


def test_the_same_file_by_two_names_is_refused_before_anything_is_written(tmp_path: Path):
    """`--record link/x -o real/x` (link -> real) wrote the record, then refused the draft: not all or nothing."""
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to("real")
    result = run("draft", "sopimus_remontti", "--record", "link/x", "-o", "real/x", cwd=tmp_path)
    assert result.returncode == 1 and "kahdesti" in result.stderr.decode(), result.stderr
    assert not (tmp_path / "real" / "x").exists()


@pytest.mark.parametrize("name", ["vanha.eml/", "uusi/"])
def test_a_name_ending_in_a_slash_is_not_a_file_name(tmp_path: Path, name: str):
    """`-o vanha.eml/ --force` replaced the file vanha.eml; `-o uusi/` wrote a file called uusi."""
    (tmp_path / "vanha.eml").write_text("vanha")
    result = run("draft", "sopimus_remontti", "-o", name, "--force", cwd=tmp_path)
    assert result.returncode == 1 and "tiedoston nimi" in result.stderr.decode(), result.stderr
    assert (tmp_path / "vanha.eml").read_text() == "vanha"
    assert not (tmp_path / "uusi").exists()


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_stale_temp_files_are_cleaned_up(tmp_path: Path):
    dead = tmp_path / f".luonnos.eml.{_dead_pid()}.0badf00d.tmp"  # its writer was killed
    old = tmp_path / ".luonnos.eml.k2j4h5g6.tmp"  # the old mkstemp name, an hour old
    other = tmp_path / ".muu.eml.k2j4h5g6.tmp"  # another file's: not ours to touch
    for temp in (dead, old, other):
        temp.write_text("puolikas")
    os.utime(old, (0, 0))
    result = run("draft", "sopimus_remontti", "-o", "luonnos.eml", cwd=tmp_path)
    assert result.returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == [".muu.eml.k2j4h5g6.tmp", "luonnos.eml"]


def test_a_fresh_temp_file_of_a_live_writer_is_kept(tmp_path: Path):
    live = tmp_path / f".luonnos.eml.{os.getppid()}.0badf00d.tmp"
    live.write_text("kesken")
    files.write_private(tmp_path / "luonnos.eml", "x")
    assert live.exists()


def test_crash_reports_made_in_the_same_second_are_all_kept(tmp_path: Path, monkeypatch):
    from wizard.cli import _crash_report

    monkeypatch.setenv("KELA_OHJAUS_HOME", str(tmp_path))
    reports = []
    for _ in range(3):
        try:
            raise RuntimeError("boom")
        except RuntimeError as exc:
            reports.append(_crash_report(exc))
    assert None not in reports and len(set(reports)) == 3
    assert all(stat.S_IMODE(os.stat(r).st_mode) == 0o600 for r in reports)


def test_every_file_0600_and_every_created_directory_0700(tmp_path: Path, flow):
    from wizard.calllog import connect, log_call
    from wizard.engine import Session

    old = os.umask(0o022)
    try:
        home = tmp_path / "home"
        env = {"KELA_OHJAUS_HOME": str(home)}
        os.environ.update(env)
        nested = tmp_path / "luonnos.eml"  # a typed name never creates directories (see test_typed_path_*)
        assert run_raw(["draft", "sopimus_remontti", "-o", str(nested)], env=env).returncode == 0
        session = Session(flow)
        session.jump_to("sopimus_remontti", via="steps")
        assert log_call(session) is None
        from wizard import autosave

        autosave.save(session)
        conn = connect()  # -wal and -shm exist while a connection is open
        conn.execute("SELECT COUNT(*) FROM calls").fetchone()
        made = {p: (p.is_dir(), stat.S_IMODE(p.stat().st_mode)) for p in [home, *home.rglob("*")]}
        conn.close()
    finally:
        os.umask(old)
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    assert stat.S_IMODE(nested.stat().st_mode) == 0o600
    assert any(p.name.endswith("-wal") for p in made) and any(p.name.endswith("-shm") for p in made)
    for path, (is_dir, mode) in made.items():
        assert mode == (0o700 if is_dir else 0o600), path


# ---------------------------------------------------------------- streams


def _closed_pipe() -> int:
    """The write end of a pipe whose reader has already gone (`| head -1`, deterministically)."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    return write_end


@pytest.mark.parametrize(
    "args",
    [
        ["outcomes"],
        ["outcomes", "--json"],
        ["graph"],
        ["--help"],
        ["--version"],
        # small outputs: they fit in the buffer, so the pipe breaks only at the final flush
        ["find", "remontti"],
        ["draft", "sopimus_remontti"],
        ["stats"],
    ],
)
def test_a_closed_pipe_ends_quietly(args: list[str]):
    """`| head -1`, deterministically: the reader is gone before the first write. Exit 0, nothing said."""
    write_end = _closed_pipe()
    try:
        result = run_raw(args, stdout=write_end, stderr=subprocess.PIPE)
    finally:
        os.close(write_end)
    assert result.returncode == 0
    assert result.stderr == b""


@pytest.mark.parametrize("args", [["outcomes"], ["outcomes", "--json"], ["graph", "--format", "dot"]])
def test_head_1_ends_quietly(args: list[str]):
    """`kela-ohjaus outcomes | head -1`: the reader goes away mid-output. A 4 KB pipe makes
    the writer wait for the reader, so the break always comes after the first writes."""
    import fcntl

    read_end, write_end = os.pipe()
    fcntl.fcntl(write_end, 1031, 4096)  # F_SETPIPE_SZ
    proc = subprocess.Popen([EXE, *args], stdout=write_end, stderr=subprocess.PIPE)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as reader:
        assert reader.readline()
    _, err = proc.communicate(timeout=30)
    assert (proc.returncode, err.decode()) == (0, "")


COMMANDS = [
    ["--version"],
    ["--help"],
    ["outcomes"],
    ["outcomes", "--json"],
    ["find", "remontti"],
    ["draft", "sopimus_remontti"],
    ["draft", "sopimus_remontti", "--format", "eml"],
    ["graph"],
    ["stats"],
    ["check"],
    ["draft", "--help"],
]


@pytest.mark.parametrize("args", COMMANDS)
def test_a_full_stdout_is_one_clear_line_and_exit_1(args: list[str]):
    with open("/dev/full", "wb") as full:
        result = run_raw(args, stdout=full, stderr=subprocess.PIPE)
    assert result.returncode == 1
    assert "levy on täynnä" in _one_finnish_line(result.stderr)


@pytest.mark.parametrize("args", COMMANDS)
def test_a_closed_stdout_is_one_clear_line_and_exit_1(args: list[str]):
    quoted = " ".join(f"'{a}'" for a in [EXE, *args])
    result = subprocess.run(["bash", "-c", f"exec {quoted} >&-"], capture_output=True, timeout=30)
    assert result.returncode == 1
    assert "suljettu" in _one_finnish_line(result.stderr)


@pytest.mark.parametrize("command", ["wizard", "browse"])
def test_a_closed_stdin_is_exit_2_like_no_terminal(command: str):
    result = subprocess.run(["bash", "-c", f"exec '{EXE}' {command} <&-"], capture_output=True, timeout=30)
    assert result.returncode == 2
    assert b"Traceback" not in result.stderr and "päätteen" in result.stderr.decode()


@pytest.mark.parametrize(
    "extra", [["--format", "eml"], ["--format", "mailto"], ["--format", "json"], ["--record", "r.toml"], []]
)
def test_invalid_utf8_in_a_field_is_a_clear_exit_1(tmp_path: Path, extra: list[str]):
    args = [b"draft", b"terapia_lantinen", b"--field", b"description=\xff\xfe", *(a.encode() for a in extra)]
    result = run_raw(args, cwd=tmp_path)
    assert result.returncode == 1
    assert "UTF-8" in _one_finnish_line(result.stderr)
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- never exit 70

_TEXT = st.one_of(
    st.text(max_size=30),
    st.text(st.characters(codec="utf-8"), max_size=30),
    st.sampled_from(["\udcff\udcfe", "a\udc80b", "${x}", "{x.__class__}", "%(x)s", "\x1b]0;x\x07", "-", "--", "0"]),
    st.sampled_from(["0246246-0", "x@y.fi", "040 123 4567", "131052-308T", "a" * 300, "~eiole/x"]),
)
_NAME = st.one_of(
    st.text(st.sampled_from("abcxyz._-~ä/"), min_size=1, max_size=12).filter(
        lambda n: not n.startswith("/") and ".." not in n
    ),
    st.sampled_from(["-", "a" * 300, "~eiole/x.eml", "/dev/null", "/dev/full", "putki", "hakemisto"]),
)
_OUTCOMES = st.sampled_from(["sopimus_remontti", "chat", "viranomaislinja", "esivalinta", "tulos", ""])
_KEYS = st.sampled_from(["provider", "business_id", "contact", "phone", "email", "description", "notes", "x", ""])


@st.composite
def _argv(draw) -> list[str]:
    command = draw(st.sampled_from(["check", "outcomes", "find", "draft", "replay", "stats", "graph", "wizard", "zz"]))
    argv = draw(st.lists(st.sampled_from(["--flow", "--help"]), max_size=1))
    argv.append(command)
    if command == "find":
        argv += draw(st.lists(_TEXT, min_size=1, max_size=3))
        argv += draw(st.sampled_from([[], ["--json"], ["--limit", "0"], ["--limit", "x"], ["--limit", "2"]]))
    elif command in ("draft", "replay"):
        argv.append(draw(_OUTCOMES) if command == "draft" else draw(_NAME))
        for _ in range(draw(st.integers(0, 4))):
            argv += ["--field", f"{draw(_KEYS)}={draw(_TEXT)}"]
        argv += draw(st.sampled_from([[], ["--format", "eml"], ["--format", "mailto"], ["--format", "json"]]))
        if draw(st.booleans()):
            argv += ["-o", draw(_NAME)]
        if draw(st.booleans()):
            argv += ["--record", draw(_NAME)]
        argv += draw(st.lists(st.sampled_from(["--force", "--allow-personal-data"]), max_size=2, unique=True))
    elif command == "stats":
        argv += draw(st.sampled_from([[], ["--json"], ["--since", "2026-11-01"], ["--since", "20261101"]]))
        if draw(st.booleans()):
            argv += ["--since", draw(_TEXT)]
    elif command == "check":
        argv += draw(st.lists(_NAME, max_size=2))
    argv += draw(st.lists(_TEXT, max_size=1))
    return argv


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(argv=_argv(), record=st.binary(max_size=200))
def test_the_cli_never_exits_70(tmp_path_factory, capsys, argv: list[str], record: bytes):
    from wizard.cli import main

    folder = tmp_path_factory.mktemp("cli")
    (folder / "hakemisto").mkdir()
    os.mkfifo(folder / "putki")
    for name in argv:  # a file argument may exist, with anything in it
        if name and not name.startswith("-") and "/" not in name and len(name) < 100 and name != "putki":
            with contextlib.suppress(OSError, UnicodeError, ValueError):
                if not (folder / name).exists():
                    (folder / name).write_bytes(record)
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        code = main(argv)
    finally:
        os.chdir(cwd)
    err = capsys.readouterr().err
    assert code != 70, (argv, err)
    assert "Traceback" not in err
