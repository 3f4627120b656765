"""Sign-in glue: streamlit-authenticator draws the form and keeps the cookie; accounts come from the store.

Build the authenticator once per run (app.py); pages call ``require_roles`` before they draw anything.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass

import streamlit as st
import streamlit_authenticator as stauth
from streamlit.errors import StreamlitAPIException
from streamlit_authenticator.utilities.exceptions import LoginError

from scan import accounts, config
from scan.accounts import Account
from scan.demo import DEMO_INVITES, DEMO_PASSWORD
from scan.ui.i18n import t
from scan.ui.session import db

DEMO_COOKIE_KEY = "kindcentrum-scan-demo-cookie-key-not-secret"
DEMO_USERNAMES = ("professional", "teamlead", "director", "admin")
_AUTHENTICATOR = "_authenticator"  # our own session keys start with an underscore: none collides with the library
APP_STARTED = "_app_started"


class CookieKeyMissing(RuntimeError):
    pass


@dataclass(frozen=True)
class CookieSettings:
    name: str
    key: str
    expiry_days: float


def cookie_settings() -> CookieSettings:
    """From .streamlit/secrets.toml [auth] or the environment. Outside demo mode a key of our own is required."""
    try:
        section = dict(st.secrets.get("auth", {}))
    except FileNotFoundError:
        section = {}
    key = os.environ.get("SCAN_COOKIE_KEY") or section.get("cookie_key") or ""
    if not key or key in (DEMO_COOKIE_KEY, "replace-with-a-long-random-text"):
        if not config.demo_mode():
            raise CookieKeyMissing("no cookie key")
        key = DEMO_COOKIE_KEY
    return CookieSettings(
        name=section.get("cookie_name", "kindcentrum_scan"),
        key=key,
        expiry_days=float(section.get("cookie_expiry_days", 1)),
    )


def build_authenticator() -> stauth.Authenticate:
    """Once per run, from the current accounts; it also restores a session from the cookie."""
    cookie = cookie_settings()
    credentials = accounts.login_credentials(db())
    # The library waits 0.7 s before every visitor's run for a cookie component; it reads the cookie from
    # the request (st.context.cookies) since 0.4, so the wait only slows every page down.
    authenticator = stauth.Authenticate(
        credentials,
        cookie.name,
        cookie.key,
        cookie.expiry_days,
        auto_hash=False,
        login_sleep_time=float(os.environ.get("SCAN_LOGIN_SLEEP", "0")),
    )
    st.session_state[_AUTHENTICATOR] = (authenticator, credentials)
    return authenticator


def _attempts(credentials: dict) -> dict[str, int]:
    return {u: d.get("failed_login_attempts", 0) for u, d in credentials["usernames"].items()}


def login_form() -> None:
    """The login form with our texts; failed attempts are counted in the database."""
    authenticator, credentials = st.session_state[_AUTHENTICATOR]
    before = _attempts(credentials)
    fields = {
        "Form name": t("auth.form_title"),
        "Username": t("auth.username"),
        "Password": t("auth.password"),
        "Login": t("auth.submit"),
    }
    try:
        authenticator.login(
            location="main",
            max_login_attempts=accounts.MAX_FAILED_LOGINS,
            fields=fields,
            key="login_form",
            callback=lambda event: accounts.record_login(db(), event["username"]),
        )
    except LoginError:
        st.session_state["authentication_status"] = None
        st.error(t("auth.locked", minutes=accounts.LOCK_MINUTES), icon=":material/lock:")
        return
    if st.session_state.get("authentication_status") is False:
        for username, attempts in _attempts(credentials).items():
            if attempts > before.get(username, 0) and accounts.record_failed_login(db(), username):
                st.error(t("auth.locked", minutes=accounts.LOCK_MINUTES), icon=":material/lock:")
                return

        st.error(t("auth.wrong"), icon=":material/error:")


def restore_session() -> None:
    """A returning visitor with a valid cookie is signed in without the form (nothing is drawn)."""
    authenticator, _ = st.session_state[_AUTHENTICATOR]
    try:
        authenticator.login(location="unrendered", key="login_cookie")
    except LoginError:
        st.session_state["authentication_status"] = None


def logout_button() -> None:
    authenticator, _ = st.session_state[_AUTHENTICATOR]
    authenticator.logout(t("auth.logout"), location="sidebar", key="sign_out")


def current_account() -> Account | None:
    if not st.session_state.get("authentication_status"):
        return None
    username = st.session_state.get("username")
    held = st.session_state.get("_account")
    if held is None or held.username != username:
        held = accounts.find_account(db(), username)
        st.session_state["_account"] = held
    return held


def forget_account() -> None:
    """After a change to the account (roles, data), read it again on the next run."""
    st.session_state.pop("_account", None)


def enter_app() -> None:
    """First line of every page. Right after a server start Streamlit serves a pages/ script by its URL
    without running app.py (its legacy mode, until a session has called st.navigation): such a request is
    sent to app.py, which signs the visitor in and builds the navigation for their roles."""
    if not st.session_state.get(APP_STARTED):
        # When the page itself is the entry point (a test harness) there is no app.py to go to: the role
        # guard that follows still applies.
        with contextlib.suppress(StreamlitAPIException):
            st.switch_page("app.py")


def mark_app_started() -> None:
    st.session_state[APP_STARTED] = True


def require_roles(*roles: str) -> Account:
    """The first line of every page that needs a login: no role, no content."""
    enter_app()
    account = current_account()
    if account is None:
        st.warning(t("auth.please_login"), icon=":material/login:")
        st.stop()
    if roles and not set(roles) & set(account.roles):
        st.error(t("auth.refused"), icon=":material/block:")
        st.stop()
    return account


def demo_accounts_note() -> None:
    if not config.demo_mode():
        return
    with st.container(border=True):
        st.markdown(f"**{t('auth.demo_title')}**")
        st.markdown(t("auth.demo_intro", password=DEMO_PASSWORD) + " " + ", ".join(f"`{u}`" for u in DEMO_USERNAMES))
        st.caption(t("auth.demo_invites", codes=", ".join(f"`{c}`" for c in DEMO_INVITES)))
