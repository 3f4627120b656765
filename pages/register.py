"""Account maken: registration with an invite code that places the new user in a team. Open to visitors."""

import streamlit as st

from scan.accounts import register_with_invite
from scan.ui.auth import enter_app
from scan.ui.i18n import current_language, t
from scan.ui.plain import markdown_literal
from scan.ui.session import db, settings
from scan.ui.widgets import show_problems
from scan.validation import InvalidInput

enter_app()

st.title(t("register.title"))
st.write(t("register.intro"))

done = st.session_state.get("_registered_team")
if done:
    st.success(t("register.done", team=markdown_literal(done)), icon=":material/check_circle:")
    if st.button(t("register.go_login"), type="primary", key="register_to_login"):
        st.session_state.pop("_registered_team", None)
        st.switch_page("pages/login.py")
    st.stop()

disciplines = settings().disciplines
lang = current_language()
with st.form("register_form"):
    code = st.text_input(t("register.code"), max_chars=40, key="reg_code")
    name = st.text_input(t("register.display_name"), max_chars=80, key="reg_display_name")
    username = st.text_input(t("register.username"), max_chars=32, help=t("register.username_help"), key="reg_username")
    email = st.text_input(t("register.email"), max_chars=120, key="reg_email")
    discipline = st.selectbox(
        t("register.discipline"),
        options=[d.id for d in disciplines],
        format_func=lambda d: settings().discipline(d).name(lang),
        index=None,
        key="reg_discipline",
    )
    password = st.text_input(t("register.password"), type="password", max_chars=72, key="reg_password")
    repeat = st.text_input(t("register.password_repeat"), type="password", max_chars=72, key="reg_password_repeat")
    submitted = st.form_submit_button(t("register.submit"), type="primary")

if submitted:
    try:
        invite = register_with_invite(
            db(),
            code=code,
            username=username,
            display_name=name,
            email=email,
            discipline=discipline or "",
            password=password,
            password_repeat=repeat,
            disciplines=tuple(d.id for d in disciplines),
        )
    except InvalidInput as problems:
        show_problems(problems)
    else:
        st.session_state["_registered_team"] = invite.team_name
        st.rerun()
