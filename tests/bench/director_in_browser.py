"""The director overview on the largest benchmark data set, in Debian chromium: the time per interaction.

    python -m scan bench --respondents 1000000      # builds .bench-cache/ once
    python -m tests.bench.director_in_browser [CACHE_DIR]     # from the repository root

Prints the server-side time the page reports ("Berekend in … ms") and the time from a click until the rerun
has finished in the browser. A measurement, not a test: it asserts nothing about speed.
"""

import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from scan.config import REPO_ROOT
from tests.e2e.browser import click, log_in, open_url, settle
from tests.e2e.conftest import CHROMIUM, CHROMIUM_FLAGS, Server

STATE = "() => document.querySelector('[data-testid=stApp]')?.getAttribute('data-test-script-state')"


def computed_ms(page: Page) -> int | None:
    found = re.search(r"Berekend in (\d+) ms", page.inner_text("body"))
    return int(found.group(1)) if found else None


def choose(page: Page, label: str, option: str) -> int:
    """Pick an option; returns the milliseconds from the click until the rerun has finished."""
    click(page, page.locator("[data-testid=stSelectbox]").filter(has_text=label))
    page.keyboard.type(option[:6])
    target = page.get_by_role("option", name=option).first
    start = time.perf_counter()
    target.click()
    while page.evaluate(STATE) == "notRunning" and time.perf_counter() - start < 5:
        time.sleep(0.01)
    while page.evaluate(STATE) != "notRunning":
        time.sleep(0.01)
    waited = round((time.perf_counter() - start) * 1000)
    settle(page, quiet=1.0)
    return waited


def main(cache: Path) -> None:
    source = max(cache.glob("bench-*.duckdb"), key=lambda p: p.stat().st_size)  # the largest benchmark set
    work = Path(tempfile.mkdtemp(prefix="scan-director-"))
    db = work / "director.duckdb"
    shutil.copyfile(source, db)  # the app must not change the cached set
    server = Server(db, work / "server.log")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
            page = browser.new_page(viewport={"width": 1280, "height": 1400})
            page.set_default_timeout(120_000)
            start = time.perf_counter()
            open_url(page, server.url)
            print(f"first page: {time.perf_counter() - start:.1f} s")
            log_in(page, "director", "demo")
            open_url(page, server.url)
            page.wait_for_selector("text=Overzicht van het bestuur")
            settle(page, quiet=1.0)
            print(f"overview, all locations: {computed_ms(page)} ms server-side")
            for label, option in (
                ("Locatie", "IKC De Vlinder"),
                ("Beroep", "Leerkracht"),
                ("Meetronde", "Najaar 2025"),
                ("Meetronde", "Voorjaar 2026"),
            ):
                waited = choose(page, label, option)
                print(f"{label} = {option}: {computed_ms(page)} ms server-side, {waited} ms in the browser")
            browser.close()
    finally:
        server.stop()
        shutil.rmtree(work)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO_ROOT / ".bench-cache")
