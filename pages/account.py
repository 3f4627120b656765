"""Mijn account: profile, password change, and deleting one's own data."""

import streamlit as st

from scan.accounts import change_password
from scan.store.responses import delete_person_data
from scan.ui.auth import end_this_session, forget_account, require_roles
from scan.ui.i18n import t
from scan.ui.plain import markdown_literal
from scan.ui.scan_flow import reset_scan
from scan.ui.session import db
from scan.ui.widgets import show_problems
from scan.validation import InvalidInput

account = require_roles()
st.title(t("account.title"))
st.markdown(
    t(
        "account.profile",
        name=markdown_literal(account.display_name),
        username=markdown_literal(account.username),
        roles=", ".join(t(f"roles.{role}") for role in account.roles),
    )
)

st.subheader(t("account.password_title"))
with st.form("password_form", clear_on_submit=True):
    old = st.text_input(t("account.old_password"), type="password", key="pw_old")
    new = st.text_input(t("account.new_password"), type="password", max_chars=72, key="pw_new")
    repeat = st.text_input(t("account.new_password_repeat"), type="password", max_chars=72, key="pw_repeat")
    if st.form_submit_button(t("account.change")):
        try:
            change_password(db(), account.user_id, old, new, repeat)
        except InvalidInput as problems:
            show_problems(problems)
        else:
            end_this_session()
            st.success(t("account.changed"), icon=":material/check_circle:")
            # A click reruns the app, which now builds the visitor's menu with the login form.
            st.button(t("nav.login"), type="primary", key="login_again", icon=":material/login:")
            st.stop()

st.subheader(t("account.delete_title"))
st.write(t("account.delete_intro"))
confirmed = st.checkbox(t("account.delete_confirm"), key="delete_confirm")
if st.button(t("account.delete_button"), type="primary", disabled=not confirmed, key="delete_data"):
    removed = delete_person_data(db(), account.user_id)
    reset_scan()
    forget_account()
    st.success(t("account.deleted", n=removed), icon=":material/delete:")
