"""`kela-ohjaus serve`: the browser in a web page (issue 17).

The server runs for real on a free 127.0.0.1 port with a private
KELA_OHJAUS_HOME. Two layers of tests:
- the websocket protocol that textual-serve's page speaks, driven directly
  (aiohttp's client), so the core runs wherever the `web` extra is installed;
- Debian's Chromium driven by Playwright (pointed at /usr/bin/chromium, no
  browser download), skipped where Chromium or Playwright is missing.
Screenshots of the real page are kept under test-artifacts/ as evidence.
"""

from __future__ import annotations

import codecs
import email
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from email import policy
from pathlib import Path

import pytest

pytest.importorskip("textual_serve", reason="the web extra (textual-serve) is not installed")
aiohttp = pytest.importorskip("aiohttp")

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
# The flags this machine's headless Chromium needs (root, no GPU, no network beyond loopback).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REMONTTI = ("julkisivuremontti alkaa keväällä", "sopimus_remontti", "kuntoutus_sopimushallinta@kela.fi")
TULKKI = ("tulkki ei tullut paikalle", "tulkkaus_ongelmat", "vatu.kuntoutus@kela.fi")
WAIT = 90  # seconds: an upper bound for a loaded 2-core machine, never a measured expectation
ANSI = re.compile(r"\x1b(\[[0-9;?<>=$]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|[=>78])")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _descendants(pid: int) -> set[int]:
    """Every process under `pid` (the tabs' shells and apps), read from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


class Served:
    """A running `kela-ohjaus serve` and the state directory its tabs use."""

    def __init__(self, home: Path, workdir: Path) -> None:
        self.home = home
        self.workdir = workdir
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        home.mkdir(parents=True, exist_ok=True)
        self.log = home.parent / "serve.log"
        env = {**os.environ, "KELA_OHJAUS_HOME": str(home)}
        env.pop("TEXTUAL_DRIVER", None)
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "wizard", "serve", "--port", str(self.port)],
                cwd=workdir,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + WAIT
        while True:
            assert self.process.poll() is None, self.log.read_text()
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "serve did not start listening"
                time.sleep(0.1)

    def autosaves(self) -> dict[str, str]:
        """outcome id (or '') per autosave file in the state directory."""
        import tomli

        found = {}
        for path in (self.home / "state").glob("autosave-*.toml"):
            data = tomli.loads(path.read_text(encoding="utf-8"))
            found[path.name] = data.get("outcome") or ""
        return found

    def wait_autosaves(self, outcomes: list[str]) -> None:
        """Wait until the live calls' autosaves hold `outcomes` (they may be written off the UI thread)."""
        deadline = time.monotonic() + WAIT
        while sorted(self.autosaves().values()) != sorted(outcomes) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert sorted(self.autosaves().values()) == sorted(outcomes)

    def logged(self) -> list[tuple[str | None, str]]:
        path = self.home / "data" / "calls.sqlite3"
        if not path.exists():
            return []
        with sqlite3.connect(path) as conn:
            return sorted(conn.execute("SELECT outcome, ended FROM calls").fetchall(), key=str)

    def wait_tabs_gone(self) -> None:
        """Wait until every tab's process has ended (the server itself keeps running)."""
        deadline = time.monotonic() + WAIT
        while _descendants(self.process.pid):
            assert time.monotonic() < deadline, "a tab's process did not end"
            time.sleep(0.1)

    def stop(self) -> str:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=WAIT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.log.read_text(errors="replace")


@pytest.fixture
def served(tmp_path: Path):
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    server = Served(tmp_path / "home", workdir)
    yield server
    server.stop()
    # Nothing a person saved may land on the server: its working directory stays empty.
    assert list(workdir.iterdir()) == []


# ---------------------------------------------------------------- the protocol, no browser


class Tab:
    """One browser tab as textual-serve's page speaks to the server: JSON text frames in,
    terminal output (binary) and JSON notices out."""

    def __init__(self, ws) -> None:
        self.ws = ws
        self.decode = codecs.getincrementaldecoder("utf-8")().decode
        self.seen = ""  # screen text (escape sequences removed) since the last send
        self.notices: list[list] = []

    async def read_until(self, text: str) -> None:
        deadline = time.monotonic() + WAIT
        while text not in self.seen:
            left = deadline - time.monotonic()
            assert left > 0, f"{text!r} never appeared; last output: {self.seen[-400:]!r}"
            message = await self.ws.receive(timeout=left)
            if message.type == aiohttp.WSMsgType.BINARY:
                self.seen += ANSI.sub("", self.decode(message.data))
            elif message.type == aiohttp.WSMsgType.TEXT:
                self.notices.append(json.loads(message.data))
            else:
                raise AssertionError(f"the connection ended: {message!r}; {self.seen[-400:]!r}")

    async def until_closed(self) -> None:
        deadline = time.monotonic() + WAIT
        while True:
            message = await self.ws.receive(timeout=max(0.1, deadline - time.monotonic()))
            if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSING, aiohttp.WSMsgType.CLOSED):
                return

    async def send(self, keys: str, then: str) -> None:
        self.seen = ""
        await self.ws.send_str(json.dumps(["stdin", keys]))
        await self.read_until(then)

    async def open_outcome(self, phrase: str, address: str) -> None:
        await self.send("/", then="Hae soittajan sanoin")
        await self.send(phrase, then=address)  # hits update as you type
        await self.send("\r", then="sanottuna")  # the outcome's detail: the address as said aloud

    async def delivery(self) -> str:
        deadline = time.monotonic() + WAIT
        while not any(n[0] == "deliver_file_start" for n in self.notices):
            assert time.monotonic() < deadline, "no download was offered"
            message = await self.ws.receive(timeout=deadline - time.monotonic())
            if message.type == aiohttp.WSMsgType.TEXT:
                self.notices.append(json.loads(message.data))
        return next(n[1] for n in self.notices if n[0] == "deliver_file_start")


async def _connect(http, served: Served) -> Tab:
    ws = await http.ws_connect(f"{served.url.replace('http', 'ws')}/ws?width=100&height=30")
    tab = Tab(ws)
    await tab.read_until("Alku")  # the app is up and drew its first screen
    return tab


async def test_protocol_search_save_download_and_close_tab_ends_the_call(served: Served):
    async with aiohttp.ClientSession() as http:
        tab = await _connect(http, served)
        phrase, outcome, address = REMONTTI
        await tab.open_outcome(phrase, address)
        served.wait_autosaves([outcome])  # the call in progress is kept
        await tab.send("s", then=f"{outcome}.eml")  # the file name dialog, a plain name
        await tab.send("\r", then="Ladataan selaimeen")
        key = await tab.delivery()
        async with http.get(f"{served.url}/download/{key}") as response:
            assert response.status == 200
            assert "attachment" in response.headers["Content-Disposition"]
            assert f"{outcome}.eml" in response.headers["Content-Disposition"]
            body = await response.read()
        message = email.message_from_bytes(body, policy=policy.default)
        assert message["To"] == address
        assert message["X-Unsent"] == "1"
        await tab.ws.close()  # the person closed the tab: a close frame from the browser
    served.wait_tabs_gone()
    assert served.autosaves() == {}  # ended like `q`: autosave cleared ...
    assert served.logged() == [(outcome, "finished")]  # ... and the call logged


async def test_protocol_record_is_a_download_too(served: Served):
    async with aiohttp.ClientSession() as http:
        tab = await _connect(http, served)
        phrase, outcome, address = TULKKI
        await tab.open_outcome(phrase, address)
        await tab.send("r", then=f"{outcome}.toml")
        await tab.send("\r", then="Ladataan selaimeen")
        key = await tab.delivery()
        async with http.get(f"{served.url}/download/{key}") as response:
            record = (await response.read()).decode("utf-8")
        assert f'outcome = "{outcome}"' in record
        await tab.ws.send_str(json.dumps(["stdin", "q"]))
        await tab.until_closed()  # quitting in the app ends the page's session
    served.wait_tabs_gone()
    assert served.autosaves() == {}
    assert served.logged() == [(outcome, "finished")]


async def test_protocol_two_tabs_two_calls_and_a_dropped_connection_keeps_the_autosave(served: Served):
    async with aiohttp.ClientSession() as http:
        first, second = await _connect(http, served), await _connect(http, served)
        await first.open_outcome(REMONTTI[0], REMONTTI[2])
        await second.open_outcome(TULKKI[0], TULKKI[2])
        # Each tab is its own call with its own autosave.
        served.wait_autosaves([REMONTTI[1], TULKKI[1]])
        # The network drops (no close frame): both calls stay resumable, neither is logged.
        for tab in (first, second):
            sock = tab.ws.get_extra_info("socket")
            sock.shutdown(socket.SHUT_RDWR)
        served.wait_tabs_gone()
    assert sorted(served.autosaves().values()) == sorted([REMONTTI[1], TULKKI[1]])
    assert served.logged() == []


async def test_protocol_stopping_the_server_keeps_the_call(served: Served):
    async with aiohttp.ClientSession() as http:
        tab = await _connect(http, served)
        await tab.open_outcome(REMONTTI[0], REMONTTI[2])
        served.wait_autosaves([REMONTTI[1]])
        tabs = _descendants(served.process.pid)
        served.stop()  # Ctrl+C
    assert served.process.returncode == 0
    deadline = time.monotonic() + WAIT
    while any(Path(f"/proc/{pid}").exists() for pid in tabs):  # no tab's process is left behind
        assert time.monotonic() < deadline, "a tab's process outlived the server"
        time.sleep(0.1)
    assert list(served.autosaves().values()) == [REMONTTI[1]]  # resumable, not ended
    assert served.logged() == []


async def test_protocol_hostile_frames_do_not_end_the_server(served: Served):
    async with aiohttp.ClientSession() as http:
        ws = await http.ws_connect(f"{served.url.replace('http', 'ws')}/ws")
        for frame in ("not json", "[]", '["resize", {"width": -1, "height": "x"}]', '["stdin", 5]', "{}"):
            await ws.send_str(frame)
        tab = Tab(ws)
        await tab.read_until("Alku")
        await tab.send("?", then="Näppäimet")  # still answering keys
        await ws.close()
    served.wait_tabs_gone()
    assert served.process.poll() is None


# ---------------------------------------------------------------- the command


@pytest.mark.parametrize(
    ("typed", "offered"),
    [
        ("sopimus_remontti.eml", "sopimus_remontti.eml"),
        ("/srv/../../etc/passwd", "passwd.eml"),  # a path means nothing in a web page: the last part
        ("C:\\Users\\x\\luonnos", "luonnos.eml"),
        ("puhelu 1; rm -rf.eml", "puhelu_1_rm_-rf.eml"),  # safe in a Content-Disposition header
        ("...", "sopimus_remontti.eml"),
        ("\r\nX-Header: 1", "X-Header_1.eml"),
    ],
)
def test_download_names_are_plain_and_safe(typed: str, offered: str):
    from wizard.web.deliver import download_name

    assert download_name(typed, "sopimus_remontti.eml") == offered


def _serve(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "wizard", "serve", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=WAIT,
    )


def test_other_address_needs_an_explicit_flag():
    result = _serve("--host", "0.0.0.0")
    assert result.returncode == 2
    assert "--allow-remote" in result.stderr
    assert "kirjautumista" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_port_in_use_is_one_finnish_line():
    with socket.create_server(("127.0.0.1", 0)) as taken:
        result = _serve("--port", str(taken.getsockname()[1]))
    assert result.returncode == 1
    assert "Palvelinta ei voi käynnistää" in result.stderr
    assert "palvelee" not in result.stdout  # it never claimed to be serving
    assert "Traceback" not in result.stderr + result.stdout


def test_bad_port_is_a_usage_error():
    result = _serve("--port", "70000")
    assert result.returncode == 2
    assert "1–65535" in result.stderr


def test_remote_address_with_flag_warns_in_finnish(monkeypatch, capsys):
    from wizard.cli import main
    from wizard.web import server

    started = {}
    # Nothing listens for real: neither the port check nor the server binds 0.0.0.0 here.
    monkeypatch.setattr(socket, "create_server", lambda address: socket.socket())
    monkeypatch.setattr(server.KelaServer, "serve", lambda self, debug=False: started.update(host=self.host))
    assert main(["serve", "--host", "0.0.0.0", "--allow-remote", "--public-url", "https://ohjaus.example.fi/"]) == 0
    assert started == {"host": "0.0.0.0"}
    err = capsys.readouterr().err
    assert "VAROITUS" in err and "kirjautumista" in err and "välityspalvelimen" in err


def test_without_the_web_extra_serve_says_how_to_install_it():
    code = "import sys; sys.modules['textual_serve'] = None; from wizard.cli import main; sys.exit(main(['serve']))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=WAIT)
    assert result.returncode == 2
    assert "pip install 'kela-ohjaus[web]'" in result.stderr


def test_browse_in_a_pipe_is_still_refused():
    result = subprocess.run(
        [sys.executable, "-m", "wizard", "browse"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env={k: v for k, v in os.environ.items() if k != "TEXTUAL_DRIVER"},
        timeout=WAIT,
    )
    assert result.returncode == 2
    assert "tarvitsee päätteen" in result.stderr


def test_page_loads_nothing_from_elsewhere(served: Served):
    import urllib.request

    page = urllib.request.urlopen(served.url + "/", timeout=WAIT).read().decode("utf-8")
    assert "googleapis" not in page
    assert re.findall(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page) == []
    for asset in re.findall(r"""(?:src|href)=["'](/static/[^"']+)""", page) + re.findall(r'url\("(/[^"]+)"\)', page):
        assert urllib.request.urlopen(served.url + asset, timeout=WAIT).status == 200


# ---------------------------------------------------------------- a real browser


def _playwright():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing (Debian's chromium; .ci/run installs it)")
    return pytest.importorskip("playwright.sync_api")


# The terminal is drawn on a canvas, so the test reads what the page receives instead:
# a copy of the websocket's terminal output, kept by the page itself.
WATCH_SCREEN = """
window.__screen = "";
const NativeWebSocket = window.WebSocket;
window.WebSocket = class extends NativeWebSocket {
  constructor(...args) {
    super(...args);
    const decoder = new TextDecoder();
    this.addEventListener("message", (event) => {
      if (typeof event.data !== "string") window.__screen += decoder.decode(event.data, { stream: true });
    });
  }
};
"""


def _type(page, text: str) -> None:
    page.evaluate("window.__screen = ''")
    page.keyboard.type(text, delay=20)  # human speed


def _press(page, key: str) -> None:
    page.evaluate("window.__screen = ''")
    page.keyboard.press(key)


def _wait_text(page, text: str) -> None:
    """Wait until the app has drawn `text` since the last key (a screenshot is kept if it never does)."""
    try:
        page.wait_for_function(
            "t => window.__screen.replace(/\\x1b\\[[0-9;?]*[ -\\/]*[@-~]/g, '').includes(t)",
            arg=text,
            timeout=WAIT * 1000,
        )
    except Exception:
        page.screenshot(path=str(ARTIFACTS / "serve-failure.png"))
        raise


def test_browser_search_save_eml_and_two_tabs(served: Served, tmp_path: Path):
    sync_api = _playwright()
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 800})
            context.add_init_script(WATCH_SCREEN)
            outside = []
            context.on("request", lambda r: None if r.url.startswith(served.url) else outside.append(r.url))
            first = context.new_page()
            first.goto(served.url + "/")
            _wait_text(first, "Alku")
            phrase, outcome, address = REMONTTI
            _type(first, "/")
            _wait_text(first, "Hae soittajan sanoin")
            _type(first, phrase)
            _wait_text(first, address)
            _press(first, "Enter")
            _wait_text(first, "sanottuna")  # the outcome's detail: the address as said aloud
            # `a` copies the address through the browser's clipboard; `?` shows the help.
            context.grant_permissions(["clipboard-read", "clipboard-write"], origin=served.url)
            _press(first, "a")
            _wait_text(first, "selaimelle")  # the toast wraps between words
            assert first.evaluate("navigator.clipboard.readText()") == address
            _press(first, "?")
            _wait_text(first, "Näppäimet")
            # `?` closes it again. (Not Esc here: a key following Esc within the terminal
            # parser's escape delay reads as Alt+key, in a page as in any terminal.)
            _press(first, "?")
            _wait_text(first, "sanottuna")  # back on the outcome
            # `s`, then Enter confirms the offered name; the browser downloads the file.
            downloads = []
            first.on("download", lambda download: downloads.append(download))
            _press(first, "s")
            _wait_text(first, f"{outcome}.eml")
            first.screenshot(path=str(ARTIFACTS / "serve-save-dialog.png"))
            _press(first, "Enter")
            deadline = time.monotonic() + WAIT
            while not downloads:
                assert time.monotonic() < deadline, "the browser got no download"
                first.wait_for_timeout(100)
            saved = tmp_path / "downloaded.eml"
            downloads[0].save_as(saved)
            assert downloads[0].suggested_filename == f"{outcome}.eml"
            message = email.message_from_bytes(saved.read_bytes(), policy=policy.default)
            assert message["To"] == address
            _wait_text(first, "Ladataan selaimeen")
            first.screenshot(path=str(ARTIFACTS / "serve-outcome.png"))
            # ✉ ▶ ▼ and the other symbols come from the page's own fonts, whatever the machine has.
            loaded = first.evaluate("[...document.fonts].filter(f => f.status === 'loaded').map(f => f.unicodeRange)")
            assert any("U+2700-27BF" in r.upper() for r in loaded), loaded

            # A second tab at the same time is a second call with its own autosave.
            second = context.new_page()
            second.goto(served.url + "/")
            _wait_text(second, "Alku")
            _type(second, "/")
            _wait_text(second, "Hae soittajan sanoin")
            _type(second, TULKKI[0])
            _wait_text(second, TULKKI[2])
            _press(second, "Enter")
            _wait_text(second, "sanottuna")
            served.wait_autosaves([outcome, TULKKI[1]])
            second.screenshot(path=str(ARTIFACTS / "serve-second-tab.png"))
            # Closing the tabs ends both calls as `q` would.
            second.close(run_before_unload=False)
            first.close(run_before_unload=False)
            assert outside == []  # nothing from the internet (nor any other host)
        finally:
            browser.close()
    served.wait_tabs_gone()
    assert served.autosaves() == {}
    assert served.logged() == sorted([(outcome, "finished"), (TULKKI[1], "finished")], key=str)
