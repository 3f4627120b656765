"""Inloggen: the login form (and, in demo mode, the demo accounts). Open to visitors."""

import streamlit as st

from scan.ui.auth import current_account, demo_accounts_note, enter_app, login_form
from scan.ui.i18n import t
from scan.ui.plain import markdown_literal

enter_app()


st.title(t("app.name"))
st.markdown(f"*{t('app.tagline')}*")

if current_account() is None:
    form, aside = st.columns([3, 2], gap="large")
    with form:
        login_form()
    with aside:
        demo_accounts_note()
        st.page_link("pages/register.py", label=t("nav.register"), icon=":material/person_add:")
        st.page_link("pages/guest.py", label=t("nav.guest"), icon=":material/edit_note:")
        st.caption(t("about.guest_hint"))

if current_account() is not None:
    # Signed in by the form's callback, app.py draws the signed-in menu and first page in the same run; this
    # page still says so where it runs on its own (a test harness without app.py).
    st.success(
        t("auth.logged_in_as", name=markdown_literal(current_account().display_name)), icon=":material/check_circle:"
    )
    if st.button(t("about.start_scan"), type="primary", key="continue_after_login"):
        st.rerun()
