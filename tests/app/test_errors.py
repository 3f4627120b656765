"""An unexpected error shows a calm message with an error id, never a traceback; the log holds the traceback."""

from __future__ import annotations

import logging
import re
import tomllib

import duckdb
import pytest
from streamlit import config as streamlit_config
from streamlit.testing.v1 import AppTest

from scan.config import REPO_ROOT
from scan.locales import text
from tests.app.helpers import log_in, start_scan

ERROR_ID = re.compile(r"\b([0-9a-f]{8})\b")


def calm_messages(at: AppTest, lang: str = "nl") -> list[str]:
    """The calm error messages on the page: the localised opening and an error id."""
    opening = text(lang, "app.unexpected_error", error_id="").split(".")[0]
    marker = "Foutcode" if lang == "nl" else "Error id"
    return [e.value for e in at.error if e.value.startswith(opening) and marker in e.value]


def error_id_in(message: str) -> str:
    found = ERROR_ID.findall(message)
    assert len(found) == 1, message
    return found[0]


def logged_traceback(caplog, error_id: str) -> str:
    records = [r for r in caplog.records if r.name == "scan.errors" and error_id in r.getMessage()]
    assert len(records) == 1, [r.getMessage() for r in caplog.records]
    assert records[0].exc_info is not None
    return logging.Formatter().format(records[0])


def test_streamlit_itself_shows_no_error_details():
    """The app's config turns Streamlit's own details off, with a value this Streamlit accepts."""
    with open(REPO_ROOT / ".streamlit" / "config.toml", "rb") as file:
        value = tomllib.load(file)["client"]["showErrorDetails"]
    assert value == streamlit_config.ShowErrorDetailsConfigOptions.NONE
    assert value in {option.value for option in streamlit_config.ShowErrorDetailsConfigOptions}


def broken_app():
    """A tiny app: a page that breaks when asked, a button whose callback breaks, and Streamlit's control flow."""
    import streamlit as st

    from scan.ui.errors import guarded, run_page

    def page():
        st.write("page starts")
        what = st.session_state.get("what")
        if what == "raise":
            raise RuntimeError("secret detail /srv/app/secret.py")
        if what == "stop":
            st.stop()
        if what == "rerun" and not st.session_state.get("reran"):
            st.session_state["reran"] = True
            st.rerun()
        if what == "switch":
            st.session_state["what"] = None
            st.switch_page(st.session_state["other"])
        st.button("boom", key="boom", on_click=guarded(lambda: {}["secret key"]))
        st.write("page ends")

    def other():
        st.write("other page")

    other_page = st.Page(other, title="other", url_path="other")
    st.session_state["other"] = other_page
    run_page(st.navigation([st.Page(page, title="page", default=True), other_page]))


@pytest.fixture
def tiny(monkeypatch) -> AppTest:
    monkeypatch.delenv("SCAN_DEV", raising=False)
    return AppTest.from_function(broken_app, default_timeout=30)


def shown(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown]


def test_an_error_in_a_page_shows_a_calm_message_with_an_id_and_logs_the_traceback(tiny, caplog):
    tiny.session_state["what"] = "raise"
    at = tiny.run()
    assert not at.exception
    [message] = calm_messages(at)
    assert "secret" not in message and "RuntimeError" not in message and "Traceback" not in message
    assert "page starts" in shown(at)
    logged = logged_traceback(caplog, error_id_in(message))
    assert "Traceback" in logged and "RuntimeError: secret detail /srv/app/secret.py" in logged


def test_an_error_in_a_callback_shows_the_calm_message_and_the_page_still_runs(tiny, caplog):
    at = tiny.run()
    assert not calm_messages(at) and not at.exception
    at.button(key="boom").click().run()
    assert not at.exception
    [message] = calm_messages(at)
    assert "secret key" not in message
    assert "page ends" in shown(at)
    assert "KeyError: 'secret key'" in logged_traceback(caplog, error_id_in(message))


def test_english_speakers_get_the_message_in_english(tiny):
    tiny.session_state["what"] = "raise"
    tiny.session_state["ui_language"] = "en"
    at = tiny.run()
    [message] = calm_messages(at, "en")
    assert message.startswith("Something went wrong") and "Error id" in message


@pytest.mark.parametrize("what", ["stop", "rerun", "switch"])
def test_streamlit_control_flow_passes_through_untouched(tiny, caplog, what):
    tiny.session_state["what"] = what
    at = tiny.run()
    assert not at.exception and not at.error
    assert not [r for r in caplog.records if r.name == "scan.errors"]
    if what == "stop":
        assert shown(at) == ["page starts"]
    elif what == "rerun":
        assert at.session_state["reran"] and "page ends" in shown(at)
    else:
        assert shown(at) == ["other page"]


def test_the_development_switch_shows_the_details_as_well(tiny, monkeypatch):
    monkeypatch.setenv("SCAN_DEV", "1")
    tiny.session_state["what"] = "raise"
    at = tiny.run()
    assert calm_messages(at) and at.exception
    assert "secret detail" in at.exception[0].message


def test_a_real_page_that_breaks_shows_the_calm_message_not_the_database_error(new_app, demo_db, monkeypatch, caplog):
    """The administration page (the administrator's first page) on a database that lost a table: a real
    DuckDB error deep inside a page."""
    monkeypatch.delenv("SCAN_DEV")
    at = log_in(new_app(), "admin")
    assert not at.exception and not calm_messages(at)
    with duckdb.connect(str(demo_db)) as conn:  # same process: the app's own database instance
        conn.execute("DROP TABLE audit_log")
    # AppTest runs a page it has been on directly (Streamlit's legacy pages/ mode, reset on every run); going
    # to app.py runs the page the way the server does: through app.py's navigation and scan.ui.errors.
    at.switch_page("app.py").run()
    assert not at.exception
    [message] = calm_messages(at)
    assert "audit_log" not in message and "Catalog" not in message
    assert [t.value for t in at.title] == [text("nl", "admin.title")]  # the page got as far as it could
    logged = logged_traceback(caplog, error_id_in(message))
    assert "Traceback" in logged and "pages/admin.py" in logged and "audit_log" in logged


def test_a_real_callback_that_breaks_shows_the_calm_message(new_app, demo_db, monkeypatch, caplog):
    """An answer in the scan is kept as a draft by the radio's callback; here the draft cannot be stored."""
    monkeypatch.delenv("SCAN_DEV")
    at = start_scan(log_in(new_app(), "professional"))
    assert not at.exception and any(r.key.startswith("q_") for r in at.radio)
    with duckdb.connect(str(demo_db)) as conn:  # same process: the app's own database instance
        conn.execute("DROP TABLE drafts")
    next(r for r in at.radio if r.key.startswith("q_")).set_value(4).run()
    assert not at.exception
    [message] = calm_messages(at)
    assert "drafts" not in message
    assert any(r.key.startswith("q_") for r in at.radio)  # the page itself is still there
    logged = logged_traceback(caplog, error_id_in(message))
    assert "Traceback" in logged and "_remember" in logged and "drafts" in logged


def test_a_database_that_cannot_be_opened_gives_the_calm_message_before_any_page(tmp_path, monkeypatch, caplog):
    """The sign-in in app.py itself: the database path is a folder, so DuckDB cannot open it."""
    monkeypatch.delenv("SCAN_DEV", raising=False)
    monkeypatch.setenv("SCAN_DEMO", "1")
    folder = tmp_path / "not-a-file.duckdb"
    folder.mkdir()
    monkeypatch.setenv("SCAN_DB", str(folder))
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    [message] = calm_messages(at)
    assert str(folder) not in message
    assert "Traceback" in logged_traceback(caplog, error_id_in(message))
    assert not at.text_input  # no login form
