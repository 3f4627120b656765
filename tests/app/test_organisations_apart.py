"""Organisations apart, through the real app: the demo organisation's administrator sees nothing of a second
organisation in the same database, on any tab or in any download, and the backup of the whole database is not there.
"""

from __future__ import annotations

import pytest

from scan.exports import EXPORTS
from tests.app.helpers import downloaded, is_refused, log_in, message

ADMIN_TABS = ("structure", "users", "invites", "rounds", "import", "export", "audit", "privacy")
# What each tab shows of the demo organisation itself: a tab that shows nothing would hide nothing either.
OWN = {
    "structure": "IKC De Regenboog",
    "users": "Kees Visser",
    "invites": "DEMO-TEAM-1",
    "rounds": "Voorjaar 2026",
    "audit": "invite.create",
}
PLATFORM_PASSWORD = "platform-wachtwoord"


def admin_page(new_app):
    at = log_in(new_app(), "admin").run()
    at.switch_page("pages/admin.py").run()
    assert not at.exception, at.exception
    return at


def shown_in(block) -> str:
    """Every text a tab shows: tables, the options and labels of its widgets, messages."""
    parts = [frame.value.to_csv() for frame in block.dataframe]
    for widget in (*block.selectbox, *block.multiselect):
        parts += [widget.label, *map(str, widget.options)]
    for kind in ("button", "text_input", "number_input", "checkbox"):
        parts += [widget.label for widget in block.get(kind)]
    for kind in ("markdown", "caption", "success", "error", "warning", "info"):
        parts += [str(element.value) for element in block.get(kind)]
    return "\n".join(parts)


def assert_nothing_of(elders, shown: str) -> None:
    for word in (*elders.markers, *elders.pseudonyms):
        assert word not in shown


@pytest.mark.parametrize("tab", ADMIN_TABS)
def test_no_tab_of_the_administration_shows_another_organisation(new_app, elders, tab):
    at = admin_page(new_app)
    found = next(block for block in at.tabs if block.label == message("nl", f"admin.tab_{tab}"))
    shown = shown_in(found)
    assert OWN.get(tab, "") in shown and shown.strip()
    assert_nothing_of(elders, shown)


def test_every_research_export_holds_only_the_own_organisation(new_app, elders, served_files):
    at = admin_page(new_app)
    for what in EXPORTS:
        next(s for s in at.selectbox if s.key == "export_what").set_value(what).run()
        exported = downloaded(at, served_files, "export_download").decode("utf-8")
        assert exported.count("\n") > 1, what  # a header and rows of the own organisation
        assert_nothing_of(elders, exported)


def test_the_administration_offers_no_backup_of_the_whole_database(new_app, elders):
    at = admin_page(new_app)
    assert [tab.label for tab in at.tabs] == [message("nl", f"admin.tab_{tab}") for tab in ADMIN_TABS]
    assert not any(b.key in ("backup_make", "restore_button") for b in at.button)
    assert not any(u.key == "restore_file" for u in at.get("file_uploader"))
    assert is_refused(at, "pages/platform.py")
