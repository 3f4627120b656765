"""``uninterrupted()`` in the real Streamlit runtime: a click elsewhere while a callback runs no longer cuts the
callback's session-state writes off (the login lost clicks this way under load). The unguarded run shows why
the block exists; should a Streamlit release stop cutting callbacks off, that half fails and says so."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from tests.e2e.browser import open_url, settle
from tests.e2e.conftest import Server, serve_probe

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def probe(tmp_path_factory) -> Iterator[Server]:
    yield from serve_probe(tmp_path_factory.mktemp("probe"), "uninterrupted_probe_app.py")


def recorded_after_a_click_elsewhere(page, url: str) -> str:
    open_url(page, url)
    page.get_by_role("button", name="Vastleggen").click()
    time.sleep(0.7)  # the callback is sleeping: a rerun is asked for meanwhile
    page.get_by_role("button", name="Iets anders").click()
    time.sleep(2.5)  # the callback's two seconds are over
    settle(page, quiet=1.0)
    return page.get_by_text("Vastgelegd:").inner_text()


def test_a_click_elsewhere_does_not_cut_a_guarded_callback_off(probe, page):
    assert recorded_after_a_click_elsewhere(page, probe.url + "/?guarded=1") == "Vastgelegd: 1"


def test_without_the_guard_streamlit_cuts_the_callback_off(probe, page):
    assert recorded_after_a_click_elsewhere(page, probe.url + "/?guarded=0") == "Vastgelegd: 0", (
        "Streamlit no longer stops a callback at a session-state write: uninterrupted() may no longer be needed"
    )
