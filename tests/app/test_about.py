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


def test_without_a_cookie_key_the_app_refuses_to_start(demo_db, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from scan.config import REPO_ROOT

    monkeypatch.setenv("SCAN_DEMO", "0")
    monkeypatch.delenv("SCAN_COOKIE_KEY", raising=False)
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=30).run()
    assert [e.value for e in at.error] == [text("nl", "auth.no_cookie_key")]
    assert not at.text_input  # no login form, no page


def test_a_cookie_key_of_our_own_starts_the_app_outside_demo_mode(demo_db, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from scan.config import REPO_ROOT

    monkeypatch.setenv("SCAN_DEMO", "0")
    monkeypatch.setenv("SCAN_COOKIE_KEY", "a-long-random-key-for-this-test-only-0123456789")
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=30).run()
    assert not at.error and len(at.text_input) == 2
    assert "`professional`" not in "\n".join(m.value for m in at.markdown)  # demo accounts are not listed
