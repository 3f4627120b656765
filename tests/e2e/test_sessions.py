"""Sessions that end and sign-in that cannot be turned against someone else, in a real browser."""

from __future__ import annotations

import time

import pytest

from tests.e2e.browser import click, log_in, log_out, open_url

pytestmark = pytest.mark.e2e
COOKIE = "kindcentrum_scan"


def signed_in(page) -> bool:
    return page.get_by_role("button", name="Uitloggen").count() > 0


def new_page(browser, cookies=()):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    if cookies:
        context.add_cookies(list(cookies))
    page = context.new_page()
    page.set_default_timeout(30_000)
    return context, page


def login_cookie(page, timeout: float = 20) -> list[dict]:
    """The login cookie, once the library's component in the page has written it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [c for c in page.context.cookies() if c["name"] == COOKIE]
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError("the login cookie was never written")


def test_a_cookie_copied_before_logout_no_longer_signs_in(fresh_server, browser, page):
    open_url(page, fresh_server.url)
    log_in(page, "professional", "demo")
    copied = login_cookie(page)

    # The copy works while the owner is still signed in ...
    thief_context, thief = new_page(browser, copied)
    open_url(thief, fresh_server.url)
    assert signed_in(thief)

    # ... and not after the owner signed out: the session it opened ends at its next click, and the cookie
    # no longer signs anyone in, in a new browser either.
    log_out(page)
    assert not signed_in(page)
    click(thief, thief.locator("[data-testid=stSidebarNav] a").filter(has_text="Mijn account").first)
    assert not signed_in(thief)
    assert "sessie is beëindigd" in thief.inner_text("body")
    thief_context.close()
    context, thief = new_page(browser, copied)
    open_url(thief, fresh_server.url)
    assert not signed_in(thief)
    assert thief.get_by_role("textbox", name="Gebruikersnaam", exact=True).count() == 1
    context.close()


def test_five_wrong_passwords_in_one_browser_do_not_keep_the_real_user_out(fresh_server, browser, page):
    open_url(page, fresh_server.url)
    for _ in range(5):
        log_in(page, "director", "geraden-wachtwoord")
    assert not signed_in(page)
    told = page.inner_text("body")

    context, owner = new_page(browser)
    open_url(owner, fresh_server.url)
    log_in(owner, "director", "demo")
    assert signed_in(owner)
    context.close()
    assert "seconden" in told  # the one who guesses is told to wait (1, 2, 4 … s, by how fast they typed)
