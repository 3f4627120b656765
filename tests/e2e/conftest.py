"""Browser tests: the real app served by `streamlit run` in its own process, driven by Debian's chromium
through Playwright (no browser download). Each server is stopped by its own pid."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from scan.config import REPO_ROOT
from tests.e2e.browser import WATCH, check_page, settle

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# `make screenshots` sets this to docs/screenshots (the README's pictures); otherwise they go to a temp folder.
SCREENSHOTS = Path(os.environ.get("SCAN_SCREENSHOT_DIR", "/tmp/kindcentrum-scan-screenshots"))


pytestmark = pytest.mark.e2e


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, db: Path, log: Path, script: Path = REPO_ROOT / "app.py"):
        self.db = db
        self.port = _free_port()

        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "SCAN_DB": str(db), "SCAN_DEMO": "1", "PYTHONUNBUFFERED": "1"}
        self.log = log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(self.port),
             "--server.address", "127.0.0.1", "--server.headless", "true", "--server.fileWatcherType", "none",
             "--browser.gatherUsageStats", "false"],
            cwd=REPO_ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        self._wait_healthy()

    def _wait_healthy(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise TimeoutError("streamlit did not become healthy")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # its own process group, started by us
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
        self.log.close()


def serve(template: Path, folder: Path, prepare: Callable[[Path], None] | None = None) -> Iterator[Server]:
    """A server for one test alone, on a copy of a demo database (``prepare`` changes the copy first)."""
    db = folder / "scan.duckdb"
    shutil.copyfile(template, db)
    if prepare is not None:
        prepare(db)
    server = Server(db, folder / "streamlit.log")
    yield server
    server.stop()


def serve_probe(folder: Path, script: str) -> Iterator[Server]:
    """A server for a tiny probe app of tests/e2e (no database of its own), for one test alone."""
    server = Server(folder / "unused.duckdb", folder / "probe.log", script=REPO_ROOT / "tests/e2e" / script)
    yield server
    server.stop()


@pytest.fixture
def fresh_server(demo_template: Path, tmp_path: Path) -> Iterator[Server]:
    yield from serve(demo_template, tmp_path)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is missing: `make test` installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, tmp_path):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True, locale="nl-NL")
    context.add_init_script(WATCH)  # remembers every exception or error box that appears
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


@pytest.fixture(autouse=True)
def no_error_on_screen(request):
    """After every browser test: no page it leaves open shows an exception element or an error box.

    ``settle`` checks after every action; this catches what appeared after a test's last one. The page is
    requested here, before the test, so that this check runs before the page is closed."""
    page = request.getfixturevalue("page") if "page" in request.fixturenames else None
    yield
    pages = [page] if page is not None else []
    if "browser" in request.fixturenames:
        browser = request.getfixturevalue("browser")
        pages += [p for context in browser.contexts for p in context.pages if p not in pages]
    for open_page in pages:
        if open_page.is_closed():
            continue
        with contextlib.suppress(TimeoutError):
            settle(open_page, quiet=0.3, timeout=10)  # fails itself when an error shows
        check_page(open_page)


@pytest.fixture(scope="session")
def board_template(tmp_path_factory) -> Path:
    """A demo board the size `make run` builds: enough people for the director's thresholds."""
    from scan.demo import build_demo
    from scan.store import connect

    path = tmp_path_factory.mktemp("board") / "board.duckdb"
    conn = connect(path)
    build_demo(conn, 300)
    conn.close()
    return path


@pytest.fixture
def board_server(board_template: Path, tmp_path: Path) -> Iterator[Server]:
    yield from serve(board_template, tmp_path)
