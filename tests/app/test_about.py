"""The public page about the scan, for visitors, in Dutch then English."""

from __future__ import annotations

from scan.locales import text


def test_about_page_shows_the_product_and_who_sees_what(new_app):
    at = new_app()
    at.switch_page("pages/about.py").run()
    assert not at.exception
    assert at.title[0].value == text("nl", "about.title")
    assert any("3" in info.value and "5" in info.value for info in at.info)  # the thresholds are stated
    at.session_state["ui_language"] = "en"
    at.run()
    assert at.title[0].value == text("en", "about.title")
