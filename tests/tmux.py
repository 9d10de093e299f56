"""Drive the real program in a real terminal: tmux send-keys and capture-pane."""

from __future__ import annotations

import atexit
import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

# Key names tmux understands; anything else passed to human()/burst() is text.
# The test run's own tmux server (one per pytest process), never the default one.
SOCKET = f"kela-ohjaus-tests-{os.getpid()}"

TMUX_KEY_NAMES = frozenset({"Enter", "Tab", "BTab", "Escape", "BSpace", "Up", "Down", "Left", "Right", "C-q", "C-c"})


_server_started = False


def _own_server(tmux: list[str], env: dict[str, str]) -> None:
    """Start the run's tmux server once and keep it up between tests (exit-empty off): a server
    that stops when a test's last session closes can meet the next test's new-session on its
    way out. It is stopped when the test run ends."""
    global _server_started
    if _server_started:
        return
    subprocess.run([*tmux, "start-server", ";", "set-option", "-g", "exit-empty", "off"], check=True, env=env)
    socket = subprocess.run(
        [*tmux, "display-message", "-p", "#{socket_path}"], capture_output=True, text=True, env=env
    ).stdout.strip()

    def stop() -> None:
        subprocess.run([*tmux, "kill-server"], capture_output=True)
        if socket:
            Path(socket).unlink(missing_ok=True)  # tmux leaves the socket file behind

    atexit.register(stop)
    _server_started = True


class Tmux:
    def __init__(self, argv: list[str], home: Path, width: int = 100, height: int = 32) -> None:
        self.name = f"kela-{uuid.uuid4().hex[:8]}"
        self.status = home / "exit-status"
        command = " ".join(shlex.quote(a) for a in [sys.executable, *argv])
        self.shell = (
            # PYTHONSAFEPATH: `-m wizard` must import this checkout, never a `wizard`
            # directory that happens to sit in the pane's working directory.
            f"KELA_OHJAUS_HOME={shlex.quote(str(home))} PYTHONSAFEPATH=1 {command}; "
            f"echo $? > {shlex.quote(str(self.status))}; sleep 60"
        )
        self.width, self.height = width, height
        # A tmux server of the test run's own (its socket, no config file): nothing a test
        # sends or copies (a program's `tmux load-buffer -w`) reaches the developer's tmux,
        # and the developer's tmux.conf cannot change what the tests see.
        self.tmux = [shutil.which("tmux") or "/usr/bin/tmux", "-L", SOCKET, "-f", "/dev/null"]

    def __enter__(self) -> Tmux:
        self.status.unlink(missing_ok=True)  # a previous run in the same home
        env = {**os.environ, "TERM": "xterm-256color"}
        _own_server(self.tmux, env)
        subprocess.run(
            [
                *self.tmux,
                "new-session",
                "-d",
                "-s",
                self.name,
                "-x",
                str(self.width),
                "-y",
                str(self.height),
                "-c",  # files the program saves land in the test's home
                str(self.status.parent),
                # bash, not tmux's default-shell: dash dies with a Ctrl-C that reaches the
                # program as SIGINT, and the exit status would never be written.
                "bash",
                "-c",
                self.shell,
            ],
            check=True,
            env=env,
        )
        return self

    def __exit__(self, *exc) -> None:
        subprocess.run([*self.tmux, "kill-session", "-t", self.name], capture_output=True)

    def program_pid(self) -> int | None:
        """The program's pid: the child of the pane's shell (which waits to record the exit code)."""
        shell = subprocess.run(
            [*self.tmux, "display-message", "-p", "-t", self.name, "#{pane_pid}"], capture_output=True, text=True
        ).stdout.strip()
        children = subprocess.run(["ps", "-o", "pid=", "--ppid", shell], capture_output=True, text=True).stdout.split()
        return int(children[0]) if children else None

    def terminal_restored(self) -> bool:
        """The pane is back as the program found it: line editing and echo on, no alternate screen."""
        tty = subprocess.run(
            [*self.tmux, "display-message", "-p", "-t", self.name, "#{pane_tty}"], capture_output=True, text=True
        ).stdout.strip()
        with open(tty) as pane:
            modes = subprocess.run(["stty", "-a"], stdin=pane, capture_output=True, text=True).stdout.split()
        alternate = subprocess.run(
            [*self.tmux, "display-message", "-p", "-t", self.name, "#{alternate_on}"], capture_output=True, text=True
        ).stdout.strip()
        return "icanon" in modes and "echo" in modes and alternate == "0"

    def screen(self) -> str:
        return subprocess.run(
            [*self.tmux, "capture-pane", "-p", "-t", self.name], capture_output=True, text=True, check=True
        ).stdout

    def keys(self, *keys: str) -> None:
        subprocess.run([*self.tmux, "send-keys", "-t", self.name, *keys], check=True)

    def type(self, text: str, enter: bool = False) -> None:
        for ch in text:  # one key at a time, as a person types
            subprocess.run([*self.tmux, "send-keys", "-t", self.name, "-l", ch], check=True)
            time.sleep(0.02)
        if enter:
            self.keys("Enter")

    def human(self, *keys: str) -> None:
        """Keys at 20 ms each: a tmux key name ("Tab", "Escape", "C-q") or literal text."""
        for key in keys:
            if key in TMUX_KEY_NAMES:
                self.keys(key)
                time.sleep(0.02)
            else:
                self.type(key)

    def burst(self, *keys: str) -> None:
        """All keys from one tmux command, written to the terminal back to back (a fast burst)."""
        command: list[str] = [*self.tmux]
        for key in keys:
            if len(command) > len(self.tmux):
                command.append(";")
            literal = [] if key in TMUX_KEY_NAMES else ["-l"]
            command.extend(["send-keys", "-t", self.name, *literal, key])
        subprocess.run(command, check=True)

    def raw(self, data: bytes) -> None:
        """Bytes as the terminal sends them, valid UTF-8 or not (a Latin-1 terminal's ä is 0xE4)."""
        buffer = f"raw-{self.name}"
        subprocess.run([*self.tmux, "set-buffer", "-b", buffer, data], check=True)
        subprocess.run([*self.tmux, "paste-buffer", "-d", "-b", buffer, "-t", self.name], check=True)

    def wait_for(self, text: str, timeout: float = 15.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} not on screen after {timeout}s:\n{self.screen()}")

    def wait_for_exit(self, code: int | None = None, timeout: float = 15.0) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.status.exists() and self.status.read_text().strip():
                status = int(self.status.read_text().strip())
                if code is not None:
                    assert status == code, f"exit {status}, expected {code}\n{self.screen()}"
                return status
            time.sleep(0.1)
        raise AssertionError(f"program did not exit within {timeout}s:\n{self.screen()}")
