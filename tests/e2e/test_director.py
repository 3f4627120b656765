"""The director's overview and the administration in a real browser."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from tests.e2e.browser import click, log_in, open_url, screenshot, settle
from tests.e2e.conftest import SCREENSHOTS

pytestmark = pytest.mark.e2e


def choose(page, label: str, option: str) -> None:
    click(page, page.locator("[data-testid=stSelectbox]").filter(has_text=label))
    page.keyboard.type(option[:6])  # the option list is virtual: narrow it so the option is drawn
    click(page, page.get_by_role("option", name=option).first)

    settle(page, quiet=0.8)


def test_director_filters_the_overview_and_downloads_what_is_shown(board_server, page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    open_url(page, board_server.url)
    log_in(page, "director", "demo")
    open_url(page, board_server.url)  # a director starts on the board overview
    page.wait_for_selector("[data-testid=stPlotlyChart]")
    text = page.inner_text("body")
    assert "Overzicht van het bestuur" in text and "Locaties per bouwsteen" in text
    screenshot(page, SCREENSHOTS / "director.png", 1500)

    choose(page, "Locatie", "IKC De Regenboog")
    assert "Teams van deze locatie per bouwsteen" in page.inner_text("body")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download dit overzicht (Excel)").click()
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()))  # the temp file has no .xlsx ending
    sheet = book.worksheets[0]
    labels = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert any(label and label.startswith("IKC De Regenboog · ") for label in labels)  # the teams shown

    choose(page, "Beroep", "Jeugdhulp / wijkteam")
    assert "te klein om te tonen" in page.inner_text("body")  # one location's youth care: a small group


def test_administrator_sees_the_administration(board_server, page):
    open_url(page, board_server.url)
    log_in(page, "admin", "demo")
    open_url(page, board_server.url)
    page.get_by_text("Gebruikers", exact=True).first.click()
    settle(page)
    assert "Beheer" in page.inner_text("body")
    screenshot(page, SCREENSHOTS / "admin.png", 1100)
