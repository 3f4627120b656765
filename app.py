"""Kindcentrum Scan: the entry point. Sign-in, then the pages the user's roles allow; every page is in pages/."""

import streamlit as st

from scan.ui.auth import (
    CookieKeyMissing,
    build_authenticator,
    current_account,
    logout_button,
    mark_app_started,
    restore_session,
)
from scan.ui.i18n import language_switch, t

st.set_page_config(page_title="Kindcentrum Scan", page_icon=":material/diversity_3:", layout="wide")
mark_app_started()


def refuse_to_start() -> None:
    st.error(t("auth.no_cookie_key"), icon=":material/key_off:")


def pages_for(roles: tuple[str, ...] | None) -> dict[str, list]:
    """Only what the roles allow. The first page of the first section is the default (the site's root)."""
    about = st.Page("pages/about.py", title=t("nav.about"), icon=":material/info:")
    if roles is None:
        return {
            t("nav.section_me"): [
                st.Page("pages/login.py", title=t("nav.login"), icon=":material/login:", default=True),
                st.Page("pages/register.py", title=t("nav.register"), icon=":material/person_add:"),
                st.Page("pages/guest.py", title=t("nav.guest"), icon=":material/edit_note:"),
            ],
            t("nav.section_info"): [about],
        }
    mine = []
    if {"professional", "team_lead"} & set(roles):
        mine += [
            st.Page("pages/scan.py", title=t("nav.scan"), icon=":material/edit_note:", default=True),
            st.Page("pages/report.py", title=t("nav.report"), icon=":material/insights:"),
        ]
    board = "director" in roles and not mine  # a director without a scan of their own starts on the overview
    mine.append(
        st.Page("pages/account.py", title=t("nav.account"), icon=":material/person:", default=not mine and not board)
    )

    team = []
    if {"professional", "team_lead"} & set(roles):
        team += [
            st.Page("pages/team.py", title=t("nav.team"), icon=":material/groups:"),
            st.Page("pages/network.py", title=t("nav.network"), icon=":material/hub:"),
            st.Page("pages/dialogue.py", title=t("nav.dialogue"), icon=":material/forum:"),
        ]
    if {"team_lead", "director"} & set(roles):
        team.append(st.Page("pages/compare.py", title=t("nav.compare"), icon=":material/compare:"))
    sections = {t("nav.section_me"): mine}
    if "director" in roles:
        sections[t("nav.section_board")] = [
            st.Page("pages/director.py", title=t("nav.director"), icon=":material/dashboard:", default=board)
        ]

    if team:
        sections[t("nav.section_team")] = team

    return sections | {t("nav.section_info"): [about]}


with st.sidebar:
    language_switch()

try:
    build_authenticator()
except CookieKeyMissing:
    # st.navigation is called in every case: with a pages/ folder and no navigation, Streamlit would serve
    # the page scripts by URL to the first visitor.
    st.navigation([st.Page(refuse_to_start, title="Kindcentrum Scan")]).run()
    st.stop()

if not st.session_state.get("authentication_status"):
    restore_session()
account = current_account()

navigation = st.navigation(pages_for(account.roles if account else None))
if account:
    with st.sidebar:
        st.markdown(t("auth.logged_in_as", name=account.display_name))
        logout_button()
navigation.run()
