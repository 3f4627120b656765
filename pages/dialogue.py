"""Teamdialoog: reflection questions for the weakest building block and the widest disagreements, and the
team's action list per round (kept by the team lead, shown again beside the next round)."""

from datetime import date

import streamlit as st

from scan.analytics import rounds_of
from scan.analytics.teams import team_view
from scan.store.actions import STATUSES, actions_of, add_action, set_status
from scan.ui.auth import require_roles
from scan.ui.i18n import current_language, t
from scan.ui.pickers import pick_team_and_round
from scan.ui.plain import markdown_literal
from scan.ui.session import db, questionnaire, settings
from scan.ui.widgets import show_problems
from scan.validation import InvalidInput

account = require_roles("professional", "team_lead")
conn, q, lang = db(), questionnaire(), current_language()
threshold = settings().privacy.team_threshold
lead = "team_lead" in account.roles
st.title(t("dialogue.title"))
st.write(t("dialogue.intro"))

chosen, round_info = pick_team_and_round(conn, account.user_id, key="dialogue")

view = team_view(conn, q, settings(), team_id=chosen.id, round_id=round_info.id, threshold=threshold)
if view.waiting and not view.withheld:
    st.caption(t("release.waiting", n=view.waiting, step=threshold))
if view.withheld:
    st.info(t("release.withheld", n=view.waiting, step=threshold), icon=":material/update:")
elif not view.visible:
    st.info(t("team.below", n=view.n_answered, members=view.n_members, threshold=threshold), icon=":material/lock:")
else:
    blocks = [b for b in q.building_blocks if b.id in view.spreads]
    if blocks:
        weakest = min(blocks, key=lambda b: view.spreads[b.id].mean)
        st.subheader(t("dialogue.weakest", block=weakest.name.get(lang)))
        st.markdown("\n".join(f"- {question.text.get(lang)}" for question in weakest.reflection_questions))
    subdims = tuple(s.id for b in q.building_blocks for s in b.subdimensions)
    for spread in view.disagreements(subdims, n=2):
        block = q.construct(next(s.construct_id for s in q.subdimensions if s.id == spread.dimension))
        with st.expander(t("dialogue.disagreement", dimension=q.dimension_name(spread.dimension).get(lang))):
            st.markdown("\n".join(f"- {question.text.get(lang)}" for question in block.reflection_questions))

status_names = {s: t(f"dialogue.status_{s}") for s in STATUSES}


def action_list(round_id: int, editable: bool) -> None:
    actions = actions_of(conn, chosen.id, round_id)
    if not actions:
        st.caption(t("dialogue.no_actions"))
    for action in actions:
        with st.container(border=True):
            what, who, due, status = st.columns([4, 2, 2, 2])
            what.text(action.what)  # typed by a person: shown as plain text, never as markdown
            who.text(action.who)
            due.text(action.due.isoformat() if action.due else "")
            if editable:
                new = status.selectbox(
                    t("dialogue.status"),
                    STATUSES,
                    index=STATUSES.index(action.status),
                    format_func=status_names.get,
                    key=f"action_status_{action.id}",
                    label_visibility="collapsed",
                )
                if new != action.status:
                    set_status(conn, action.id, chosen.id, new, account.user_id)
            else:
                status.text(status_names[action.status])


st.subheader(t("dialogue.actions_title"))
action_list(round_info.id, editable=lead)
if lead:
    with st.form("action_form", clear_on_submit=True):
        what = st.text_area(t("dialogue.what"), max_chars=500, key="action_what")
        who_column, due_column = st.columns(2)
        who = who_column.text_input(t("dialogue.who"), max_chars=120, key="action_who")
        due = due_column.date_input(t("dialogue.due"), value=None, min_value=date(2020, 1, 1), key="action_due")
        if st.form_submit_button(t("dialogue.add"), type="primary"):
            try:
                add_action(
                    conn,
                    team_id=chosen.id,
                    round_id=round_info.id,
                    what=what,
                    who=who,
                    due=due,
                    actor_user_id=account.user_id,
                )
            except InvalidInput as problems:
                show_problems(problems)
            else:
                st.success(t("dialogue.added"), icon=":material/check_circle:")
                st.rerun()
else:
    st.caption(t("dialogue.lead_only"))

earlier = [r for r in rounds_of(conn, chosen.organisation_id) if r.wave < round_info.wave]
if earlier:
    previous = earlier[-1]
    st.subheader(t("dialogue.previous_title", round=markdown_literal(previous.name)))
    action_list(previous.id, editable=lead)
