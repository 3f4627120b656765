"""Mijn scan: the questionnaire for a signed-in professional, in the open round, saved as a draft as you go."""

import streamlit as st

from scan import accounts, analytics
from scan.analytics.teams import roster
from scan.drafts import submission_answers, submission_intensity, submission_names_agreed, submission_ties
from scan.store.responses import Submission, SubmissionRefused, load_draft, save_draft, submit
from scan.ui.auth import require_roles
from scan.ui.i18n import current_language, t
from scan.ui.plain import markdown_literal
from scan.ui.scan_flow import (
    Colleague,
    DraftKeeper,
    Flow,
    consent,
    questionnaire_steps,
    reset_scan,
    scan_state,
)
from scan.ui.session import db, questionnaire, scoring_model, settings
from scan.ui.widgets import show_problems, show_refusal
from scan.validation import InvalidInput

account = require_roles("professional", "team_lead")
conn = db()
st.title(t("scan.title"))

if st.session_state.pop("_scan_submitted", False):
    st.switch_page("pages/report.py")

open_round = analytics.open_round_of(conn, account.organisation_id)
if not account.team_ids:
    st.info(t("scan.no_team"), icon=":material/group_off:")
    st.stop()
if open_round is None:
    st.info(t("scan.no_round"), icon=":material/event_busy:")
    st.stop()
st.markdown(t("scan.round_label", round=markdown_literal(open_round.name)))
if analytics.person_response_id(conn, account.user_id, open_round.id) is not None:
    st.success(t("scan.already_done", round=markdown_literal(open_round.name)), icon=":material/task_alt:")
    st.page_link("pages/report.py", label=t("scan.to_report"), icon=":material/insights:")
    st.stop()

team_id = account.team_ids[0]
# Widget callbacks run at the start of a later script run, in that run's thread: they take that run's cursor
# (db() when called), never `conn` of the run that drew the widget, which may still be busy with a query.
keeper = DraftKeeper(
    load=lambda: load_draft(db(), account.user_id, open_round.id),
    save=lambda payload: save_draft(db(), account.user_id, open_round.id, payload),
)
lang = current_language()
flow = Flow(
    questionnaire=questionnaire(),
    keeper=keeper,
    roster=tuple(Colleague(*member) for member in roster(conn, team_id, exclude=account.user_id)),
    external_partners=settings().external_partners,
    discipline_name=lambda d: settings().discipline(d).name(lang),
)
state = scan_state(flow, scope=f"{account.user_id}:{open_round.id}")
if state.pop("_resumed", False):
    st.toast(t("scan.resumed"), icon=":material/history:")
if accounts.has_consented(conn, account.user_id):
    state["consented"] = True
privacy = settings().privacy
consent_text = t("scan.consent_text", team=privacy.team_threshold, cross=privacy.cross_team_threshold)
if not consent(state, flow, consent_text, on_consent=lambda: accounts.record_consent(db(), account.user_id)):
    st.stop()

error = st.session_state.pop("_scan_error", None)
if isinstance(error, InvalidInput):
    show_problems(error)
elif error:
    show_refusal(error)


def send() -> None:
    submission = Submission(
        submission_key=state["key"],
        user_id=account.user_id,
        team_id=team_id,
        round_id=open_round.id,
        answers=submission_answers(state),
        intensity=submission_intensity(state),
        ties=submission_ties(state),
        external_partners=tuple(state["external"]),
        network_names_agreed=submission_names_agreed(state),
    )
    try:
        submit(db(), questionnaire(), scoring_model(), submission)
    except InvalidInput as problems:
        st.session_state["_scan_error"] = problems
    except SubmissionRefused as refusal:
        st.session_state["_scan_error"] = refusal.code
    else:
        reset_scan()
        st.session_state["_scan_submitted"] = True


questionnaire_steps(flow, state, on_submit=send)
