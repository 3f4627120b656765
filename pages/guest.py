"""Scan als gast: the whole scan without an account. Nothing is stored; the report can be downloaded."""

import streamlit as st

from scan.drafts import submission_answers, submission_intensity
from scan.report import build_personal_report
from scan.scoring import score_answers
from scan.ui.auth import enter_app
from scan.ui.i18n import current_language, t
from scan.ui.report_view import show_personal_report
from scan.ui.scan_flow import (
    DraftKeeper,
    Flow,
    consent,
    questionnaire_steps,
    reset_scan,
    scan_state,
)
from scan.ui.session import questionnaire, scoring_model, settings
from scan.ui.widgets import show_problems
from scan.validation import InvalidInput, validate_answers, validate_intensity

enter_app()

GUEST_RESULT = "_guest_result"

st.title(t("scan.guest_title"))
st.info(t("scan.guest_intro"), icon=":material/visibility_off:")

result = st.session_state.get(GUEST_RESULT)
if result is not None:
    answers, intensity = result
    report = build_personal_report(
        questionnaire(),
        settings(),
        scoring_model(),
        lang=current_language(),
        person=t("scan.guest_title"),
        round_name=t("scan.guest_title"),
        answers=answers,
        intensity=intensity,
        scores=score_answers(scoring_model(), answers),
    )
    st.warning(t("report.guest_note"), icon=":material/download:")
    show_personal_report(report, questionnaire(), settings().privacy.team_threshold)
    st.stop()

# A guest's answers stay in this session, and a guest has no team roster: no network step.
flow = Flow(questionnaire(), DraftKeeper(load=lambda: None, save=lambda payload: None))
state = scan_state(flow, scope="guest")
if not consent(state, flow, t("scan.guest_consent_text"), on_consent=lambda: None):
    st.stop()

error = st.session_state.pop("_guest_error", None)
if error is not None:
    show_problems(error)


def finish() -> None:
    try:
        answers = validate_answers(questionnaire(), submission_answers(state))
        intensity = validate_intensity(questionnaire(), submission_intensity(state))
    except InvalidInput as problems:
        st.session_state["_guest_error"] = problems
        return
    st.session_state[GUEST_RESULT] = (answers, intensity)
    reset_scan()


questionnaire_steps(flow, state, on_submit=finish)
