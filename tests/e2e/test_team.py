"""The team lead's main flow in a real browser: dashboard, network, comparison, an action that persists."""

from __future__ import annotations

import pytest

from tests.e2e.browser import click, go, log_in, log_out, open_url, screenshot
from tests.e2e.conftest import SCREENSHOTS

pytestmark = pytest.mark.e2e
ACTION = "Elke maand een casusoverleg met de jeugdhulp"


def test_team_lead_sees_the_team_compares_and_keeps_an_action(fresh_server, page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    open_url(page, fresh_server.url)
    log_in(page, "teamlead", "demo")
    open_url(page, fresh_server.url)

    go(page, "Teamdashboard")
    page.wait_for_selector("[data-testid=stPlotlyChart]")
    text = page.inner_text("body")
    assert "Het teamprofiel" in text and "Spreiding in het team" in text and "Waar jullie het meest verschillen" in text
    screenshot(page, SCREENSHOTS / "team.png", 1500)

    go(page, "Teamnetwerk")
    page.wait_for_selector("[data-testid=stPlotlyChart]")
    text = page.inner_text("body")
    assert "Vele verbindingen (dichtheid)" in text and "Steun tussen beroepsgroepen" in text
    assert "Jij noemde:" in text  # one's own network; colleagues' names only once everyone agreed
    screenshot(page, SCREENSHOTS / "network.png", 1100)

    go(page, "Teams vergelijken")
    page.wait_for_selector("[data-testid=stPlotlyChart]")
    assert "Alle teams per bouwsteen" in page.inner_text("body")

    go(page, "Teamdialoog")
    page.get_by_role("textbox", name="Wat gaan we doen?").fill(ACTION)
    page.get_by_role("textbox", name="Wie?").fill("Jeroen")
    click(page, page.get_by_role("button", name="Afspraak toevoegen"))
    assert ACTION in page.inner_text("body")

    log_out(page)
    open_url(page, fresh_server.url)
    log_in(page, "teamlead", "demo")
    open_url(page, fresh_server.url)
    go(page, "Teamdialoog")
    assert ACTION in page.inner_text("body")
