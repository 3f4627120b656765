"""Sign-in glue: our own login form decides (scan.accounts), streamlit-authenticator keeps the signed cookie.

app.py builds the authenticator once per run and checks the session on every run; pages call
``require_roles`` before they draw anything.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import time
from dataclasses import dataclass

import streamlit as st
import streamlit_authenticator as stauth
from streamlit.errors import StreamlitAPIException

from scan import accounts, config
from scan.accounts import Account
from scan.demo import DEMO_INVITES, DEMO_PASSWORD, DEMO_USERNAMES
from scan.ui.i18n import t
from scan.ui.session import db, uninterrupted

DEMO_COOKIE_KEY = "kindcentrum-scan-demo-cookie-key-not-secret"
MIN_COOKIE_KEY_LENGTH = 32
# Our own session keys start with an underscore: none collides with the library's keys.
_AUTHENTICATOR = "_authenticator"
_SIGNED_IN_AT = "_signed_in_at"  # Unix time at which this session's sign-in (form or cookie) began
_CLIENT = "_client_id"
_ENDED = "_session_ended"
_NOTICE = "_login_notice"  # the answer to the last sign-in attempt: (kind, text)
_LOGIN_NAME = "_login_name"
_LOGIN_PASSWORD = "_login_password"
_COOKIE_DUE = "_cookie_due"  # signed in by the form: this run's page writes the cookie
_NOTICE_ICONS = {"wait": ":material/hourglass_top:", "blocked": ":material/block:", "wrong": ":material/error:"}
APP_STARTED = "_app_started"
_LIBRARY_KEYS = ("name", "username", "email", "roles")


class CookieKeyMissing(RuntimeError):
    pass


@dataclass(frozen=True)
class CookieSettings:
    name: str
    key: str
    expiry_days: float


def cookie_settings() -> CookieSettings:
    """From the environment or .streamlit/secrets.toml [auth]. Outside demo mode a key of our own, of at least
    32 characters, is required; demo mode only runs on a demo database (ui.session), so the public demo key
    opens nothing else."""
    try:
        section = dict(st.secrets.get("auth", {}))
    except FileNotFoundError:
        section = {}
    key = os.environ.get("SCAN_COOKIE_KEY") or section.get("cookie_key") or ""
    if key in (DEMO_COOKIE_KEY, "replace-with-a-long-random-text"):
        key = ""
    if not config.demo_mode() and len(key) < MIN_COOKIE_KEY_LENGTH:
        raise CookieKeyMissing("no cookie key of at least 32 characters")
    days = os.environ.get("SCAN_COOKIE_DAYS") or section.get("cookie_expiry_days", 1)
    return CookieSettings(
        name=section.get("cookie_name", "kindcentrum_scan"),
        key=key or DEMO_COOKIE_KEY,
        expiry_days=float(days),
    )


def build_authenticator() -> stauth.Authenticate:
    """Once per run. The library only keeps the cookie here: it is given no credentials (our form checks
    passwords), which also spares every run from reading every account."""
    cookie = cookie_settings()
    authenticator = stauth.Authenticate(
        {"usernames": {}}, cookie.name, cookie.key, cookie.expiry_days, auto_hash=False, login_sleep_time=0
    )
    st.session_state[_AUTHENTICATOR] = (authenticator, cookie)
    return authenticator


def _client() -> tuple[str, str]:
    """Who is trying: this browser session, and its network address (None for localhost in Streamlit)."""
    client = st.session_state.setdefault(_CLIENT, secrets.token_hex(8))
    address = st.context.ip_address
    return client, address if isinstance(address, str) and address else "local"


def _start_session(account: Account, began_at: float) -> None:
    st.session_state.update(
        authentication_status=True,
        username=account.username,
        name=account.display_name,
        email=account.email,
        roles=list(account.roles),
        logout=None,
    )
    st.session_state[_SIGNED_IN_AT] = began_at
    st.session_state["_account"] = account
    st.session_state.pop(_ENDED, None)
    st.session_state.pop(_NOTICE, None)


def _end_local_session() -> None:
    st.session_state["authentication_status"] = None
    for key in _LIBRARY_KEYS:
        st.session_state[key] = None
    for key in (_SIGNED_IN_AT, "_account"):
        st.session_state.pop(key, None)


def login_form() -> None:
    """Username and password; an unknown name and a wrong password get the same answer."""
    if st.session_state.get(_ENDED):
        st.info(t("auth.session_ended"), icon=":material/logout:")
    with st.form("login_form"):
        st.subheader(t("auth.form_title"))
        st.text_input(t("auth.username"), max_chars=accounts.MAX_USERNAME_LENGTH, key=_LOGIN_NAME)
        st.text_input(t("auth.password"), type="password", max_chars=200, key=_LOGIN_PASSWORD)
        # In the button's callback: it runs before the script, so the signed-in menu and first page follow in
        # the same run.
        st.form_submit_button(t("auth.submit"), on_click=_submit)
    # Kept until the next attempt: a component reporting back (the cookie's) reruns the page right after.
    notice = st.session_state.get(_NOTICE)
    if notice:
        kind, text = notice
        (st.warning if kind == "wait" else st.error)(text, icon=_NOTICE_ICONS[kind])


def _submit() -> None:
    # Whole or not at all: the attempt is counted in the database, so the session must learn its outcome.
    with uninterrupted():
        st.session_state[_NOTICE] = _sign_in(
            st.session_state.get(_LOGIN_NAME) or "", st.session_state.get(_LOGIN_PASSWORD) or ""
        )


def _sign_in(username: str, password: str) -> tuple[str, str] | None:
    """Check the attempt; the notice to show, or None when the person is signed in."""
    client, address = _client()
    began_at = time.time()
    result = accounts.sign_in(db(), username, password, client=client, address=address, now=began_at)
    if result.outcome == "ok":
        _start_session(result.account, began_at)
        st.session_state[_COOKIE_DUE] = True
        return None
    if result.outcome == "wait":
        return "wait", t("auth.wait", seconds=result.wait_seconds)
    if result.outcome == "blocked":
        return "blocked", t("auth.blocked")
    later = " " + t("auth.next_try", seconds=result.wait_seconds) if result.wait_seconds else ""
    return "wrong", t("auth.wrong") + later


def check_session() -> None:
    """Every run: writes the cookie of a sign-in by the form; a returning visitor's cookie signs them in when
    it began after the user's latest sign-out, password change, block or role change; a session already open
    is checked by ``current_account``."""
    authenticator, cookie = st.session_state[_AUTHENTICATOR]
    if st.session_state.pop(_COOKIE_DUE, False):
        # Signed in by the form's callback: a component writes the cookie, and it draws only in the script.
        authenticator.cookie_controller.set_cookie()
    if current_account() is not None or st.session_state.get("authentication_status"):
        return
    token = authenticator.cookie_controller.get_cookie()
    if not token or "exp_date" not in token:
        return
    account = accounts.find_account(db(), token["username"])
    # The cookie carries only its expiry: it was issued the cookie lifetime before that.
    issued_at = float(token["exp_date"]) - cookie.expiry_days * 86400
    if account is not None and accounts.session_is_valid(db(), account.user_id, issued_at):
        _start_session(account, issued_at)


def logout_button() -> None:
    """Signing out ends every session of this user, on every device, and removes this browser's cookie."""
    authenticator, _ = st.session_state[_AUTHENTICATOR]
    if st.sidebar.button(t("auth.logout"), key="sign_out"):
        account = current_account()
        if account is not None:
            accounts.sign_out_everywhere(db(), account.user_id)
        authenticator.logout(location="unrendered")
        _end_local_session()


def end_this_session() -> None:
    """After a change that ended all of the user's sessions (a new password): this one ends now, not at the
    next click, and the browser's cookie goes too."""
    authenticator, _ = st.session_state[_AUTHENTICATOR]
    if st.session_state.get("authentication_status"):
        authenticator.logout(location="unrendered")
    _end_local_session()


def current_account() -> Account | None:
    """The signed-in account, as long as its session may go on: it ends once its user signed out elsewhere,
    changed or was given a new password, was blocked, got new roles or was deleted (checked at every call, so
    on every run of app.py and of the page)."""
    if not st.session_state.get("authentication_status"):
        return None
    username = st.session_state.get("username")
    held = st.session_state.get("_account")
    if held is None or held.username != username:
        held = accounts.find_account(db(), username)
    began_at = st.session_state.get(_SIGNED_IN_AT, 0.0)
    if held is None or not accounts.session_is_valid(db(), held.user_id, began_at):
        _end_local_session()
        st.session_state[_ENDED] = True
        return None
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
