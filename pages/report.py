"""Mijn rapport: the signed-in person's own report, for them only."""

import streamlit as st

from scan import analytics
from scan.ui.auth import require_roles
from scan.ui.i18n import current_language, t
from scan.ui.report_view import show_personal_report
from scan.ui.session import db, questionnaire, scoring_model, settings

account = require_roles("professional", "team_lead")
conn = db()
st.title(t("report.title"))
st.write(t("report.intro"))

taken = analytics.person_trend(conn, account.user_id)
if not taken:
    st.info(t("report.none_yet"), icon=":material/hourglass_empty:")
    st.page_link("pages/scan.py", label=t("report.go_scan"), icon=":material/edit_note:")
    st.stop()

rounds = [info for info, _ in taken]
chosen = rounds[-1]
if len(rounds) > 1:
    chosen = st.selectbox(
        t("report.round"), options=rounds[::-1], format_func=lambda info: info.name, key="report_round"
    )
report = analytics.personal_report(
    conn,
    questionnaire(),
    settings(),
    scoring_model(),
    user_id=account.user_id,
    round_id=chosen.id,
    lang=current_language(),
    person=account.display_name,
)
show_personal_report(report, questionnaire(), settings().privacy.team_threshold)
