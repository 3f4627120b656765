"""The public page, run by Streamlit's AppTest through app.py (navigation included)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from scan.config import REPO_ROOT
from scan.locales import text


def test_about_page_shows_the_product_in_dutch_then_english():
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=30).run()
    assert not at.exception
    assert at.title[0].value == text("nl", "about.title")
    assert any("3" in info.value and "5" in info.value for info in at.info)  # the thresholds are stated
    at.session_state["ui_language"] = "en"
    at.run()
    assert at.title[0].value == text("en", "about.title")
