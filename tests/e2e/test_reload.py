"""A reload while a script run is going on, and a click while one is going on: the old run may still be in a
database call when the next one starts. No page may show an exception or an error box, before or after, and the
person stays signed in.

The reload is fired by the page itself, from inside an observer, the moment the app reports
`data-test-script-state` "running" after a click, or at the first change that run makes to the page; the page
notes the state it saw in sessionStorage, which outlives the reload, and the test checks that note: a reload
that came after the run fails the test.
"""

from __future__ import annotations

import contextlib
import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.e2e.browser import click, go, log_in, open_url, settle

pytestmark = pytest.mark.e2e

# Reload once during the next script run: as soon as the app reports it running ("start"), or at the first change
# the run makes to the page while it still runs ("drawn"); both from inside the observer, since a timer could
# fire after the run. A run that ends first (another, short one, say) is let go and the next awaited.
# sessionStorage, which outlives the reload, keeps what the app was doing at the reload and what the page saw.
ARM = """(mode) => {
    sessionStorage.removeItem('scanReloadState');
    sessionStorage.setItem('scanReloadSeen', '');
    const seen = (what) => sessionStorage.setItem('scanReloadSeen',
        sessionStorage.getItem('scanReloadSeen') + what + '@' + Math.round(performance.now()) + ' ');
    const app = document.querySelector('[data-testid=stApp]');
    const running = () => app.getAttribute('data-test-script-state') === 'running';
    const reload = () => {
        sessionStorage.setItem('scanReloadState', app.getAttribute('data-test-script-state'));
        location.reload();
    };
    const drawn = new MutationObserver(() => {
        drawn.disconnect();
        if (running()) reload(); else seen('ended-before-drawing');
    });
    const state = new MutationObserver(() => {
        seen(app.getAttribute('data-test-script-state'));
        if (!running()) return;
        if (mode === 'start') {
            state.disconnect();
            reload();
        } else {
            drawn.observe(document.querySelector('[data-testid=stMain]'),
                {childList: true, subtree: true, attributes: true, characterData: true});
        }
    });
    state.observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
    seen('armed');
}"""
SEEN = "() => sessionStorage.getItem('scanReloadSeen')"
LOG_OUT = re.compile("^(Uitloggen|Log out)$")


def signed_in(page) -> bool:
    return page.get_by_role("button", name=LOG_OUT).count() > 0


def reload_during_the_run_of(page, target, mode: str) -> None:
    what = f"{target} with a reload at the {mode} of its run"
    page.evaluate(ARM, mode)
    try:
        with page.expect_event("load", timeout=30_000):  # a new document: Streamlit's own page changes fire no load
            target.click()
    except PlaywrightTimeout:
        raise AssertionError(f"no reload after {what}; the page saw: {page.evaluate(SEEN)}") from None
    page.wait_for_selector("[data-testid=stApp]")
    settle(page, quiet=0.8)  # fails when the page shows an exception or an error box
    state = page.evaluate("() => sessionStorage.getItem('scanReloadState')")
    assert state == "running", f"{what}: the reload did not land in a run (the app was {state!r})"
    if not signed_in(page):
        # A run that a reload cut short can leave the page half drawn until the next run completes it.
        with contextlib.suppress(PlaywrightTimeout):
            page.get_by_role("button", name=LOG_OUT).wait_for(timeout=15_000)
            settle(page)
    if not signed_in(page):
        cookies = [c["name"] for c in page.context.cookies()]
        raise AssertionError(f"{what} signed the person out (cookies {cookies}):\n{page.inner_text('body')[:600]}")
    if page.locator("[data-testid=stSidebar]").get_by_text("Log out").count():
        # The session outlived the reload with its language: back to Dutch for the menu texts.
        click(page, page.locator("[data-testid=stSidebar]").get_by_text("Nederlands", exact=True))


def sidebar_link(page, text: str):
    return page.locator("[data-testid=stSidebarNav] a").filter(has_text=text).first


def test_reloads_during_reruns_show_no_traceback(fresh_server, page):
    open_url(page, fresh_server.url)
    log_in(page, "professional", "demo")
    page.wait_for_function("() => document.cookie.includes('kindcentrum_scan=')", timeout=30_000)
    open_url(page, fresh_server.url)  # the menu for a signed-in professional
    assert signed_in(page)

    go(page, "Mijn scan")
    if page.get_by_role("button", name="Start de scan").count():
        page.get_by_text("Ik heb dit gelezen en doe mee").click()
        settle(page)
        click(page, page.get_by_role("button", name="Start de scan"))

    sidebar = page.locator("[data-testid=stSidebar]")
    reloads = 0
    for k, mode in enumerate(("start", "drawn")):
        # A new answer in the scan (another option each time): its run saves the draft, a write.
        go(page, "Mijn scan")
        option = page.locator("[data-testid=stRadio]").first.locator("[data-testid=stRadioOption]").nth(k + 1)
        reload_during_the_run_of(page, option, mode)
        # Pages that read a good deal: the report (charts), the team dashboard, back to the scan.
        for link in ("Mijn rapport", "Teamdashboard", "Mijn scan"):
            reload_during_the_run_of(page, sidebar_link(page, link), mode)
        # The language switch reruns every element of the page.
        reload_during_the_run_of(page, sidebar.get_by_text("English", exact=True), mode)
        reloads += 5

    log = (fresh_server.db.parent / "streamlit.log").read_text(errors="replace")
    assert "Traceback" not in log, f"the server logged an error during {reloads} reloads:\n{log[-4000:]}"


RUNNING = "() => document.querySelector('[data-testid=stApp]')?.getAttribute('data-test-script-state') === 'running'"


def test_clicks_during_reruns_show_no_traceback(fresh_server, page):
    """Quick clicks: a second click while the first one's run is going on. Streamlit then starts the second run
    in a new thread while the first may still be in a database call (runner.fastReruns)."""
    open_url(page, fresh_server.url)
    log_in(page, "teamlead", "demo")
    open_url(page, fresh_server.url)
    pairs = [("Mijn rapport", "Teamdashboard"), ("Teamnetwerk", "Mijn rapport"), ("Teamdashboard", "Mijn account"),
             ("Teams vergelijken", "Teamnetwerk"), ("Mijn account", "Teams vergelijken")] * 4  # fmt: skip
    for first, second in pairs:
        runs = page.evaluate("() => window.__scanRuns")  # script runs begun since the page loaded (WATCH)
        for attempt in range(3):  # a click that starts no run at all (it happens, rarely) is clicked again
            sidebar_link(page, first).click()
            try:
                page.wait_for_function(f"() => window.__scanRuns > {runs} && ({RUNNING})()", timeout=10_000)
                break
            except PlaywrightTimeout:
                assert attempt < 2, f"three clicks on {first} started no run"
        sidebar_link(page, second).click()
        settle(page, quiet=0.8)  # fails when the page shows an exception or an error box
        target = sidebar_link(page, second).get_attribute("href").rstrip("/").split("/")[-1]
        assert page.url.rstrip("/").endswith(target), f"{second} did not open after a quick click ({page.url})"
        assert signed_in(page)

    log = (fresh_server.db.parent / "streamlit.log").read_text(errors="replace")
    assert "Traceback" not in log, f"the server logged an error during quick clicks:\n{log[-4000:]}"
