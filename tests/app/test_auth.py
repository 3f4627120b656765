"""Sign-in, lock-out, role guards and the language switch, through the real app.py."""

from __future__ import annotations

import pytest

from tests.app.helpers import is_refused, log_in, message, query, texts


def failed_logins(db_path, username: str) -> int:
    return query(db_path, "SELECT count(*) FROM login_attempts WHERE username = ? AND NOT success", [username])[0][0]


def test_visitor_gets_the_login_and_only_visitor_pages(new_app):
    at = new_app()
    assert not at.exception
    assert [ti.label for ti in at.text_input] == [message("nl", "auth.username"), message("nl", "auth.password")]
    assert "`professional`" in texts(at)  # demo mode lists the demo accounts
    assert is_refused(at, "pages/report.py") and is_refused(at, "pages/scan.py")


def test_a_guarded_page_run_without_login_shows_nothing(demo_db):
    from streamlit.testing.v1 import AppTest

    from scan.config import REPO_ROOT

    # As Streamlit would serve it by URL before any navigation exists: the page's own guard stops it.
    at = AppTest.from_file(str(REPO_ROOT / "pages" / "report.py"), default_timeout=30).run()
    assert [w.value for w in at.warning] == [message("nl", "auth.please_login")]
    assert not at.title and not at.get("plotly_chart")


def test_wrong_password_is_refused_and_counted(new_app, demo_db):
    at = log_in(new_app(), "professional", "not-the-password")
    assert not at.session_state["authentication_status"]
    assert message("nl", "auth.wrong") in texts(at)
    assert failed_logins(demo_db, "professional") == 1


def test_an_unknown_username_gets_the_same_answer_as_a_wrong_password(new_app, demo_db):
    wrong_password = texts(log_in(new_app(), "professional", "not-the-password"))
    unknown_user = texts(log_in(new_app(), "nobody-by-this-name", "not-the-password"))
    assert message("nl", "auth.wrong") in wrong_password
    assert wrong_password == unknown_user
    assert failed_logins(demo_db, "nobody-by-this-name") == 1


def test_wrong_passwords_slow_down_this_browser_but_never_lock_out_another(new_app, demo_db):
    import time

    import duckdb

    from scan.store.accounts import record_attempt

    at = new_app()
    for _ in range(3):
        log_in(at, "professional", "wrong-password")
    assert message("nl", "auth.wrong") + " " + message("nl", "auth.next_try", seconds=1) in texts(at)
    # Six more failures from this browser in quick succession: the next attempt waits half a minute.
    with duckdb.connect(str(demo_db)) as conn:
        for _ in range(6):
            record_attempt(conn, "professional", at.session_state["_client_id"], "local", False, time.time())
    at = log_in(at, "professional", "demo")  # even the right password waits here
    assert not at.session_state["authentication_status"]
    assert any(w.value.startswith(message("nl", "auth.wait", seconds=1)[:20]) for w in at.warning)
    other = log_in(new_app(), "professional", "demo")  # the real user, in another browser
    assert other.session_state["authentication_status"] is True


def test_professional_logs_in_and_sees_the_scan(new_app):
    at = log_in(new_app(), "professional")
    assert at.session_state["authentication_status"] is True
    at.switch_page("pages/scan.py").run()
    assert not at.exception
    assert at.title[0].value == message("nl", "scan.title")


def test_director_cannot_open_the_professional_pages(new_app):
    at = log_in(new_app(), "director").run()
    assert at.session_state["authentication_status"] is True
    assert is_refused(at, "pages/scan.py") and is_refused(at, "pages/report.py")
    at.switch_page("pages/account.py").run()
    assert message("nl", "roles.director") in texts(at)


def test_language_switch_changes_the_login(new_app):
    at = new_app()
    at.session_state["ui_language"] = "en"
    at.run()
    assert [ti.label for ti in at.text_input] == [message("en", "auth.username"), message("en", "auth.password")]


def _user_id(db_path, username: str) -> int:
    return query(db_path, "SELECT user_id FROM accounts WHERE username = ?", [username])[0][0]


@pytest.mark.parametrize("change", ["sign_out_elsewhere", "block", "new_roles"])
def test_an_open_session_ends_at_its_next_run_after_a_change_elsewhere(new_app, demo_db, change):
    import duckdb

    from scan import accounts, admin

    at = log_in(new_app(), "professional")
    assert at.session_state["authentication_status"] is True
    user = _user_id(demo_db, "professional")
    with duckdb.connect(str(demo_db)) as conn:
        if change == "sign_out_elsewhere":
            accounts.sign_out_everywhere(conn, user)
        elif change == "block":
            accounts.block(conn, user, True, actor_user_id=_user_id(demo_db, "admin"))
        else:
            admin.set_roles(conn, user, ["professional", "team_lead"], actor_user_id=_user_id(demo_db, "admin"))
    at.run()
    assert not at.session_state["authentication_status"]
    assert message("nl", "auth.session_ended") in texts(at)
    assert is_refused(at, "pages/report.py")
