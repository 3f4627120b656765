"""The guard every browser test relies on: ``settle`` fails when a page shows an exception or an error box.

Served from a tiny probe app (tests/e2e/guard_probe_app.py) that raises a real exception in its script, so the
guard is tested on Streamlit's own exception element in a real browser, not on a hand-made page."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.browser import PageShowsError, check_page, click, open_url, settle
from tests.e2e.conftest import Server, serve_probe

pytestmark = pytest.mark.e2e


@pytest.fixture
def probe(tmp_path) -> Iterator[Server]:
    yield from serve_probe(tmp_path, "guard_probe_app.py")


def test_settle_fails_on_an_exception_and_names_it(probe, page):
    with pytest.raises(PageShowsError) as failure:
        open_url(page, probe.url + "/?show=exception")
    shown = page.locator("[data-testid=stException]").first.inner_text().strip()
    assert shown and shown in str(failure.value)

    # After an action too, and in the end-of-test check.
    with pytest.raises(PageShowsError):
        click(page, page.get_by_role("button", name="Rerun"))
    with pytest.raises(PageShowsError):
        check_page(page)
    open_url(page, probe.url)  # leave a calm page for the end-of-test check


@pytest.mark.parametrize(("show", "text"), [("errorbox", "Foutcode: GP-4711"), ("errorbox_en", "Error id: GP-4712")])
def test_settle_fails_on_the_calm_error_box(probe, page, show, text):
    with pytest.raises(PageShowsError) as failure:
        open_url(page, f"{probe.url}/?show={show}")
    assert text in str(failure.value)
    open_url(page, probe.url)


def test_an_ordinary_error_message_and_a_calm_page_pass(probe, page):
    open_url(page, probe.url + "/?show=plain")  # a message to the user, not a failure of the app
    assert "Nog niet alles is beantwoord" in page.inner_text("body")
    click(page, page.get_by_role("button", name="Rerun"))
    open_url(page, probe.url)
    settle(page)
    assert check_page(page) == "notRunning"
