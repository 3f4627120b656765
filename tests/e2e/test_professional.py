"""The professional's main flows in a real browser (Debian chromium driven by Playwright)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from scan.questionnaire import default_questionnaire
from tests.e2e.browser import answer_all_radios, click, go, log_in, log_out, next_step, open_url, screenshot, settle
from tests.e2e.conftest import SCREENSHOTS, Server

pytestmark = pytest.mark.e2e
Q = default_questionnaire()


def body(page) -> str:
    return page.inner_text("body")


def test_first_request_to_a_deep_page_gets_the_login(fresh_server, page):
    open_url(page, fresh_server.url + "/report")  # the very first page request this server sees
    # Streamlit first says the page is not in the visitor's menu, then runs the main page: the login.
    page.get_by_role("textbox", name="Gebruikersnaam", exact=True).wait_for()
    text = body(page)
    assert "Gebruikersnaam" in text and "Wachtwoord" in text
    assert "Mijn rapport" not in text and "Jouw profiel" not in text
    open_url(page, fresh_server.url + "/scan")
    assert "Gebruikersnaam" in body(page) and not page.locator("[data-testid=stRadio]").count()


def register(page, url: str, username: str, password: str) -> None:
    open_url(page, url)
    go(page, "Account maken")
    page.get_by_role("textbox", name="Uitnodigingscode", exact=True).fill("DEMO-TEAM-2")
    page.get_by_role("textbox", name="Je naam", exact=True).fill("Fleur de Wit")
    page.get_by_role("textbox", name="Gebruikersnaam", exact=True).fill(username)
    page.get_by_role("textbox", name="Wachtwoord", exact=True).fill(password)
    page.get_by_role("textbox", name="Herhaal het wachtwoord", exact=True).fill(password)
    click(page, page.locator("[data-testid=stSelectbox]"))
    click(page, page.get_by_role("option", name="Intern begeleider / zorgcoördinator"))
    click(page, page.get_by_role("button", name="Account maken"))
    assert "Je account is klaar" in body(page)


def start_scan(page) -> None:
    go(page, "Mijn scan")
    page.get_by_text("Ik heb dit gelezen en doe mee").click()
    settle(page)
    click(page, page.get_by_role("button", name="Start de scan"))


def finish_scan(page, screenshot: bool = False) -> None:
    for k, construct in enumerate(Q.constructs):
        assert construct.name.nl in body(page)
        if not construct.optional:
            answer_all_radios(page, option_index=3 if k % 2 else 4)
        if screenshot and k == 2:
            page.locator("[data-testid=stProgress]").scroll_into_view_if_needed()
            page.screenshot(path=str(SCREENSHOTS / "scan.png"))
        next_step(page)
    answer_all_radios(page, option_index=1)  # collaboration intensity: now 2, desired 2 or more
    next_step(page)
    assert "Jouw netwerk in het team" in body(page)
    answer_all_radios(page, option_index=3)  # weekly with every colleague
    next_step(page)

    assert "Controleren en versturen" in body(page)
    click(page, page.get_by_role("button", name="Versturen"))


def test_new_user_scans_gets_a_report_and_a_pdf_and_resumes_a_second_scan(fresh_server, page, tmp_path):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    register(page, fresh_server.url, "fleur", "zonnebloem7")
    open_url(page, fresh_server.url)
    log_in(page, "fleur", "zonnebloem7")
    open_url(page, fresh_server.url)  # the menu for a signed-in professional
    start_scan(page)

    # A step with an unanswered question does not move on, and says which one.
    next_step(page)
    assert "Nog niet alles is beantwoord" in body(page)
    finish_scan(page, screenshot=True)

    settle(page, quiet=1.0)
    assert "Mijn rapport" in body(page)
    page.wait_for_selector("[data-testid=stPlotlyChart]")
    assert page.locator("[data-testid=stPlotlyChart]").count() >= 3  # radar, T, intensity
    profile = page.locator("h3").filter(has_text=re.compile(r"(T-vormig|I-vormig|Generalist|In ontwikkeling)"))
    dutch_profile = profile.first.inner_text().strip() if profile.count() else None
    screenshot(page, SCREENSHOTS / "report.png", 1700)

    click(page, page.locator("[data-testid=stSidebar]").get_by_text("English", exact=True))
    text = body(page)
    assert "My report" in text and "Your profile" in text and "Your strengths" in text
    english_profile = (
        next(p.name.en for p in Q.t_profiles if dutch_profile and p.name.nl == dutch_profile) if dutch_profile else None
    )

    with page.expect_download() as download:
        page.get_by_role("button", name="Report as PDF").click()
    pdf = tmp_path / "report.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes()[:4] == b"%PDF"
    pdf_text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Fleur de Wit" in pdf_text
    if english_profile:
        assert english_profile in pdf_text

    click(page, page.locator("[data-testid=stSidebar]").get_by_text("Nederlands", exact=True))
    log_out(page)
    open_url(page, fresh_server.url)
    log_in(page, "fleur", "zonnebloem7")
    open_url(page, fresh_server.url)
    go(page, "Mijn rapport")
    if dutch_profile:
        assert dutch_profile in body(page)
    page.wait_for_selector("[data-testid=stPlotlyChart]")
    assert page.locator("[data-testid=stPlotlyChart]").count() >= 3

    # A new round (opened by an administrator while the app is stopped): a second scan, stopped halfway.
    db = fresh_server.db
    fresh_server.stop()
    opened = subprocess.run([sys.executable, "-m", "scan", "round", "open", "--db", str(db), "--organisation", "1",
                             "--name", "Najaar 2026"], capture_output=True, text=True, timeout=60)  # fmt: skip
    assert opened.returncode == 0, opened.stderr
    server = Server(db, tmp_path / "second.log")
    try:
        open_url(page, server.url)  # the login cookie outlives the server restart
        assert "Ingelogd als" in body(page) and "Gebruikersnaam" not in body(page)
        go(page, "Mijn scan")

        assert "Najaar 2026" in body(page)
        answer_all_radios(page, option_index=1)
        next_step(page)
        answer_all_radios(page, option_index=2)
        log_out(page)
        open_url(page, server.url)
        log_in(page, "fleur", "zonnebloem7")
        open_url(page, server.url)
        go(page, "Mijn scan")
        assert Q.constructs[1].name.nl in body(page)  # back at the second step
        checked = page.locator("[data-testid=stRadio] input:checked")
        assert checked.count() == len(Q.constructs[1].items)
    finally:
        server.stop()
