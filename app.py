"""Kindcentrum Scan: the entry point. Sign-in, then the pages the user's roles allow; every page is in pages/."""

import logging

import streamlit as st

from scan.accounts import Account
from scan.ui.auth import (
    CookieKeyMissing,
    build_authenticator,
    check_session,
    current_account,
    logout_button,
    mark_app_started,
)
from scan.ui.errors import report_error, reported, run_page
from scan.ui.i18n import language_switch, t
from scan.ui.plain import markdown_literal
from scan.ui.session import DemoRefused, db

st.set_page_config(page_title="Kindcentrum Scan", page_icon=":material/diversity_3:", layout="wide")
mark_app_started()


def refuse_to_start(reason: str) -> None:
    st.error(t(f"auth.{reason}"), icon=":material/key_off:")


# The board section: page, icon, the role that opens it.
BOARD_PAGES = (
    ("director", "dashboard", "director"),
    ("admin", "admin_panel_settings", "admin"),
    ("platform", "domain", "platform_admin"),
)


def pages_for(roles: tuple[str, ...] | None) -> dict[str, list]:
    """Only what the roles allow. The first page of the first section is the default (the site's root)."""
    about = [
        st.Page("pages/about.py", title=t("nav.about"), icon=":material/info:"),
        st.Page("pages/privacy.py", title=t("nav.privacy"), icon=":material/shield_person:"),
    ]
    if roles is None:
        return {
            t("nav.section_me"): [
                st.Page("pages/login.py", title=t("nav.login"), icon=":material/login:", default=True),
                st.Page("pages/register.py", title=t("nav.register"), icon=":material/person_add:"),
                st.Page("pages/guest.py", title=t("nav.guest"), icon=":material/edit_note:"),
            ],
            t("nav.section_info"): about,
        }
    roles = set(roles)
    scans = bool({"professional", "team_lead"} & roles)
    # The first page: one's own scan, else the first page of the board section (the overview, the administration,
    # the platform), else the account.
    first = "scan" if scans else next((name for name, _, role in BOARD_PAGES if role in roles), "account")

    def page(name: str, icon: str) -> st.Page:
        return st.Page(f"pages/{name}.py", title=t(f"nav.{name}"), icon=f":material/{icon}:", default=name == first)

    mine = [page("scan", "edit_note"), page("report", "insights")] if scans else []
    mine.append(page("account", "person"))
    sections = {t("nav.section_me"): mine}
    board = [page(name, icon) for name, icon, role in BOARD_PAGES if role in roles]
    if board:
        sections[t("nav.section_board")] = board
    team = [page("team", "groups"), page("network", "hub"), page("dialogue", "forum")] if scans else []
    if {"team_lead", "director"} & roles:
        team.append(page("compare", "compare"))
    if team:
        sections[t("nav.section_team")] = team
    return sections | {t("nav.section_info"): about}


with st.sidebar:
    language_switch()


def signed_in_account() -> Account | None:
    db()
    build_authenticator()
    check_session()
    return current_account()


try:
    account = signed_in_account()
except (CookieKeyMissing, DemoRefused) as refusal:
    reason = refusal.code if isinstance(refusal, DemoRefused) else "no_cookie_key"
    logging.getLogger("scan").error("the app refuses to start: %s", reason)
    # st.navigation is called in every case: with a pages/ folder and no navigation, Streamlit would serve
    # the page scripts by URL to the first visitor.
    st.navigation([st.Page(lambda: refuse_to_start(reason), title="Kindcentrum Scan")]).run()
    st.stop()
except Exception as error:
    failure = error  # a name of its own for the page function below
    # The database or the sign-in failed unforeseen: a calm message with an error id, no page.
    st.navigation([st.Page(lambda: report_error(failure, "sign-in"), title="Kindcentrum Scan")]).run()
    st.stop()

navigation = st.navigation(pages_for(account.roles if account else None))
if account:
    with st.sidebar, reported("sidebar"):
        st.markdown(t("auth.logged_in_as", name=markdown_literal(account.display_name)))
        logout_button()
run_page(navigation)  # an unexpected error: a calm message with an error id (scan.ui.errors)
