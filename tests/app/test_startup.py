"""Starting the app: a cookie key of its own outside demo mode, and demo mode only on a demo database."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from scan.config import REPO_ROOT
from scan.locales import text
from scan.questionnaire import default_questionnaire
from scan.store import connect
from scan.store.org import add_organisation, register_questionnaire

GOOD_KEY = "a-long-random-key-for-this-test-only-0123456789"


def start() -> AppTest:
    return AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60).run()


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


@pytest.fixture
def real_db(tmp_path: Path, monkeypatch) -> Path:
    """A database of a real board: no demo mark, no demo accounts."""
    path = tmp_path / "real.duckdb"
    conn = connect(path)
    register_questionnaire(conn, default_questionnaire())
    add_organisation(conn, "Stichting Echt")
    conn.close()
    monkeypatch.setenv("SCAN_DB", str(path))
    monkeypatch.setenv("SCAN_LOGIN_SLEEP", "0")
    return path


def test_without_a_cookie_key_the_app_refuses_to_start(real_db, monkeypatch):
    monkeypatch.setenv("SCAN_DEMO", "0")
    monkeypatch.delenv("SCAN_COOKIE_KEY", raising=False)
    at = start()
    assert errors(at) == [text("nl", "auth.no_cookie_key")]
    assert not at.text_input  # no login form, no page


def test_a_cookie_key_under_32_characters_is_refused(real_db, monkeypatch):
    monkeypatch.setenv("SCAN_DEMO", "0")
    monkeypatch.setenv("SCAN_COOKIE_KEY", "x" * 31)
    assert errors(start()) == [text("nl", "auth.no_cookie_key")]
    monkeypatch.setenv("SCAN_COOKIE_KEY", "k")
    assert errors(start()) == [text("nl", "auth.no_cookie_key")]


def test_a_cookie_key_of_our_own_starts_the_app_outside_demo_mode(real_db, monkeypatch):
    monkeypatch.setenv("SCAN_DEMO", "0")
    monkeypatch.setenv("SCAN_COOKIE_KEY", GOOD_KEY)
    at = start()
    assert not at.error and len(at.text_input) == 2
    assert "`professional`" not in "\n".join(m.value for m in at.markdown)  # demo accounts are not listed


def test_a_demo_database_does_not_start_outside_demo_mode(demo_template, tmp_path, monkeypatch):
    path = tmp_path / "scan.duckdb"
    shutil.copyfile(demo_template, path)
    monkeypatch.setenv("SCAN_DB", str(path))
    monkeypatch.setenv("SCAN_DEMO", "0")
    monkeypatch.setenv("SCAN_COOKIE_KEY", GOOD_KEY)
    at = start()
    assert errors(at) == [text("nl", "auth.demo_accounts_outside_demo")]
    assert not at.text_input


def test_demo_accounts_in_an_unmarked_database_also_stop_it(demo_template, tmp_path, monkeypatch):
    """A demo file made before files were marked: the public demo password still gives it away."""
    path = tmp_path / "scan.duckdb"
    shutil.copyfile(demo_template, path)
    conn = connect(path)
    conn.execute("DELETE FROM database_marks")
    conn.close()
    monkeypatch.setenv("SCAN_DB", str(path))
    monkeypatch.setenv("SCAN_DEMO", "0")
    monkeypatch.setenv("SCAN_COOKIE_KEY", GOOD_KEY)
    assert errors(start()) == [text("nl", "auth.demo_accounts_outside_demo")]


def test_demo_mode_refuses_a_real_database(real_db, monkeypatch):
    monkeypatch.setenv("SCAN_DEMO", "1")
    monkeypatch.delenv("SCAN_COOKIE_KEY", raising=False)
    at = start()
    assert errors(at) == [text("nl", "auth.demo_on_real_database")]
    assert not at.text_input


def test_demo_mode_on_an_empty_file_builds_a_marked_demo(tmp_path, monkeypatch):
    path = tmp_path / "demo.duckdb"
    monkeypatch.setenv("SCAN_DB", str(path))
    monkeypatch.setenv("SCAN_DEMO", "1")
    monkeypatch.setenv("SCAN_LOGIN_SLEEP", "0")
    at = start()
    assert not at.error and len(at.text_input) == 2
    assert "`professional`" in "\n".join(m.value for m in at.markdown)
    from tests.app.helpers import query

    assert query(path, "SELECT mark FROM database_marks") == [("demo",)]
