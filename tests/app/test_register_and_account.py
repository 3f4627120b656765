"""Registration with an invite code, bad input in text fields, password change and deleting one's data."""

from __future__ import annotations

import pytest

from tests.app.helpers import log_in, message, query, texts


def register(at, **fields):
    values = {
        "reg_code": "DEMO-TEAM-1",
        "reg_display_name": "Noor Visser",
        "reg_username": "noor",
        "reg_email": "noor@example.org",
        "reg_password": "geheim123",
        "reg_password_repeat": "geheim123",
    }
    values.update(fields)
    at.switch_page("pages/register.py").run()
    for key, value in values.items():
        next(ti for ti in at.text_input if ti.key == key).input(value)
    next(s for s in at.selectbox if s.key == "reg_discipline").select("pedagogisch_medewerker")
    next(b for b in at.button if b.key.startswith("FormSubmitter:register_form")).click().run()
    return at


def accounts(db):
    return query(db, "SELECT count(*) FROM accounts")[0][0]


def test_register_with_a_demo_code_then_log_in(new_app, demo_db):
    before = accounts(demo_db)
    at = register(new_app())
    assert message("nl", "register.done", team="IKC De Regenboog · Onderbouw") in texts(at)
    assert accounts(demo_db) == before + 1
    team = query(demo_db, "SELECT t.name FROM memberships m JOIN teams t ON t.id = m.team_id JOIN accounts a"
                          " ON a.user_id = m.user_id WHERE a.username = 'noor'")  # fmt: skip
    assert team == [("Onderbouw",)]
    at = log_in(new_app(), "noor", "geheim123")
    assert at.session_state["authentication_status"] is True


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"reg_code": "NOPE-1234"}, "error.invite_unknown"),
        ({"reg_display_name": "<script>alert(1)</script>"}, "error.markup"),
        ({"reg_display_name": "**Noor** [klik](http://x)"}, "error.markup"),
        ({"reg_username": "Noor Visser!"}, "error.username_invalid"),
        ({"reg_username": "professional"}, "error.username_taken"),
        ({"reg_password_repeat": "anders123"}, "error.password_mismatch"),
        ({"reg_password": "kort", "reg_password_repeat": "kort"}, "error.password_too_short"),
        ({"reg_email": "geen-mail"}, "error.email_invalid"),
    ],
)
def test_bad_registration_input_gets_a_clear_message_and_stores_nothing(new_app, demo_db, fields, error):
    before = accounts(demo_db)
    at = register(new_app(), **fields)
    assert message("nl", error) in [e.value for e in at.error]
    assert accounts(demo_db) == before


def test_messages_follow_the_language(new_app):
    at = new_app()
    at.session_state["ui_language"] = "en"
    at = register(at, reg_code="NOPE-1234")
    assert message("en", "error.invite_unknown") in [e.value for e in at.error]


def test_password_change(new_app):
    at = log_in(new_app(), "professional")
    at.switch_page("pages/account.py").run()
    for key, value in (("pw_old", "wrong"), ("pw_new", "nieuwgeheim"), ("pw_repeat", "nieuwgeheim")):
        next(ti for ti in at.text_input if ti.key == key).input(value)
    next(b for b in at.button if b.key.startswith("FormSubmitter:password_form")).click().run()
    assert message("nl", "error.password_wrong") in [e.value for e in at.error]
    for key, value in (("pw_old", "demo"), ("pw_new", "nieuwgeheim"), ("pw_repeat", "nieuwgeheim")):
        next(ti for ti in at.text_input if ti.key == key).input(value)
    next(b for b in at.button if b.key.startswith("FormSubmitter:password_form")).click().run()
    assert message("nl", "account.changed") in [s.value for s in at.success]
    assert not at.session_state["authentication_status"]  # this session ended with the old password
    assert not log_in(new_app(), "professional", "demo").session_state["authentication_status"]
    assert log_in(new_app(), "professional", "nieuwgeheim").session_state["authentication_status"] is True


def test_delete_my_data_needs_confirmation_and_removes_everything(new_app, demo_db):
    user = query(demo_db, "SELECT user_id FROM accounts WHERE username = 'teamlead'")[0][0]
    assert query(demo_db, "SELECT count(*) FROM responses WHERE user_id = ?", [user])[0][0] == 2
    at = log_in(new_app(), "teamlead")
    at.switch_page("pages/account.py").run()
    delete = next(b for b in at.button if b.key == "delete_data")
    assert delete.disabled
    next(c for c in at.checkbox if c.key == "delete_confirm").check().run()
    next(b for b in at.button if b.key == "delete_data").click().run()
    assert message("nl", "account.deleted", n=2) in [s.value for s in at.success]
    for table in ("responses",):
        assert query(demo_db, f"SELECT count(*) FROM {table} WHERE user_id = ?", [user])[0][0] == 0
    assert query(demo_db, "SELECT count(*) FROM drafts WHERE user_id = ?", [user])[0][0] == 0
    at.switch_page("pages/report.py").run()
    assert message("nl", "report.none_yet") in texts(at)
