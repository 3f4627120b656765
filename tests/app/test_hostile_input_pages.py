"""Hostile text typed into the pages' own text fields: refused in the user's language, nothing stored."""

from __future__ import annotations

from tests.app.helpers import log_in, message, query
from tests.app.test_register_and_account import register


def errors(at) -> list[str]:
    assert not at.exception, at.exception
    return [e.value for e in at.error]


def test_a_display_name_that_reads_backwards_is_refused_at_registration(new_app, demo_db):
    before = query(demo_db, "SELECT count(*) FROM accounts")[0][0]
    at = register(new_app(), reg_display_name="\u202eNoor Visser", reg_username="noor2")
    assert message("nl", "error.bidi_control") in errors(at)
    assert query(demo_db, "SELECT count(*) FROM accounts")[0][0] == before


def test_invisible_characters_formulas_and_control_characters_in_names_are_refused_by_the_admin_page(new_app, demo_db):
    at = log_in(new_app(), "admin").run()
    at.switch_page("pages/admin.py").run()
    counts = "SELECT (SELECT count(*) FROM locations), (SELECT count(*) FROM teams), (SELECT count(*) FROM rounds)"
    before = query(demo_db, counts)
    for field, form, value, code in (
        ("new_location_name", "new_location", "IKC\u200b De Zon", "invisible_character"),
        ("new_team_name", "new_team", '=HYPERLINK("https://example.org";"klik")', "formula_prefix"),
        ("round_name", "open_round", "Voorjaar\x00 2027", "control_character"),
    ):
        next(i for i in at.text_input if i.key == field).input(value)
        next(b for b in at.button if b.key.startswith(f"FormSubmitter:{form}")).click().run()
        assert message("nl", f"error.{code}") in errors(at), (field, errors(at))
    assert query(demo_db, counts) == before
