"""The administration page and the privacy statement through the real app."""

from __future__ import annotations

from tests.app.helpers import is_refused, log_in, message, query, texts


def admin_page(new_app):
    at = log_in(new_app(), "admin").run()
    at.switch_page("pages/admin.py").run()
    assert not at.exception, at.exception
    return at


def test_admin_makes_and_revokes_an_invite_and_opens_a_round(new_app, demo_db):
    at = admin_page(new_app)
    before = query(demo_db, "SELECT count(*) FROM invites")[0][0]
    next(b for b in at.button if b.key.startswith("FormSubmitter:make_invite")).click().run()
    assert query(demo_db, "SELECT count(*) FROM invites")[0][0] == before + 1
    next(i for i in at.text_input if i.key == "round_name").input("Najaar 2026")
    next(b for b in at.button if b.key.startswith("FormSubmitter:open_round")).click().run()
    assert query(demo_db, "SELECT name FROM rounds WHERE status = 'open' AND organisation_id = 1") == [("Najaar 2026",)]
    assert (
        "invite.create" in texts(at)
        or query(demo_db, "SELECT count(*) FROM audit_log WHERE action = 'invite.create'")[0][0]
    )


def test_markup_in_a_team_name_is_refused(new_app, demo_db):
    at = admin_page(new_app)
    before = query(demo_db, "SELECT count(*) FROM teams")[0][0]
    next(i for i in at.text_input if i.key == "new_team_name").input("<script>x</script>")
    next(b for b in at.button if b.key.startswith("FormSubmitter:new_team")).click().run()
    assert message("nl", "error.markup") in [e.value for e in at.error]
    assert query(demo_db, "SELECT count(*) FROM teams")[0][0] == before


def test_only_administrators_reach_the_administration(new_app):
    for user in ("professional", "teamlead", "director"):
        assert is_refused(log_in(new_app(), user).run(), "pages/admin.py")


def test_privacy_page_states_who_sees_what_and_how_long(new_app):
    at = new_app()
    at.switch_page("pages/privacy.py").run()
    shown = texts(at)
    assert "minstens 3 mensen" in shown and "minstens 5 mensen" in shown and "36 maanden" in shown
