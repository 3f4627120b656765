"""Beheer: locations and teams, users and roles, invites, rounds, roster import, research export, audit log and
retention. For administrators, of their own organisation only (the whole-database backup is the platform's)."""

from datetime import datetime, timedelta

import streamlit as st

from scan import accounts, admin
from scan.analytics import locations_of, open_round_of
from scan.analytics.administration import audit_log, invites_of, users_of
from scan.analytics.teams import teams_of_organisation
from scan.exports import EXPORTS, export_frame
from scan.reports.cells import write_csv
from scan.store.org import add_location, add_team, close_round, create_invite, delete_user, open_round, revoke_invite
from scan.store.retention import apply_retention, retention_months, set_retention
from scan.store.schema import ORGANISATION_ROLES
from scan.ui.auth import forget_account, require_roles
from scan.ui.i18n import current_language, t
from scan.ui.plain import markdown_literal
from scan.ui.session import db, questionnaire, settings
from scan.ui.widgets import refusal_shown, show_problems
from scan.validation import InvalidInput

account = require_roles("admin")
conn, lang = db(), current_language()
org = account.organisation_id
st.title(t("admin.title"))

tabs = st.tabs(
    [
        t(f"admin.tab_{name}")
        for name in ("structure", "users", "invites", "rounds", "import", "export", "audit", "privacy")
    ]
)
teams = teams_of_organisation(conn, org)

with tabs[0]:
    st.dataframe([{t("admin.team"): team.name} for team in teams], hide_index=True, width="stretch")
    locations = locations_of(conn, org)
    with st.form("new_location", clear_on_submit=True):
        name = st.text_input(t("admin.location_name"), max_chars=80, key="new_location_name")
        if st.form_submit_button(t("admin.new_location")):
            try:
                add_location(conn, org, name)
                st.success(t("admin.added"))
            except InvalidInput as problems:
                show_problems(problems)
    with st.form("new_team", clear_on_submit=True):
        where = st.selectbox(t("admin.location"), list(locations), format_func=locations.get, key="new_team_location")
        name = st.text_input(t("admin.team_name"), max_chars=80, key="new_team_name")
        if st.form_submit_button(t("admin.new_team")) and where is not None:
            try:
                add_team(conn, where, name)
                st.success(t("admin.added"))
            except InvalidInput as problems:
                show_problems(problems)

with tabs[1]:
    people = users_of(conn, org)
    shown = people.drop(columns=["id"]).fillna("")
    shown["discipline"] = [
        settings().discipline(d).name(lang) if isinstance(d, str) else "" for d in people["discipline"]
    ]
    shown["roles"] = [
        ", ".join(t(f"roles.{r}") for r in (roles if roles is not None else [])) for roles in people["roles"]
    ]
    shown.columns = [t(f"admin.col_{c}") for c in ("name", "username", "discipline", "roles", "teams")]
    st.dataframe(shown, hide_index=True, width="stretch")

    chosen = st.selectbox(
        t("admin.user"),
        people["id"].tolist(),
        key="admin_user",
        format_func=lambda uid: people.set_index("id").at[uid, "name"],
    )
    if chosen is not None:
        # Platform administration is the platform's to give: it is not offered here, and stays when roles change.
        current = [role for role in people.set_index("id").at[chosen, "roles"] or [] if role in ORGANISATION_ROLES]
        roles = st.multiselect(
            t("admin.roles"),
            ORGANISATION_ROLES,
            default=current,
            key="admin_roles",
            format_func=lambda role: t(f"roles.{role}"),
        )
        # The store refuses people of another organisation too: the list above is not the only guard.
        if st.button(t("admin.save_roles"), key="admin_save_roles"):
            with refusal_shown():
                try:
                    admin.set_roles(conn, chosen, roles, actor_user_id=account.user_id)
                    forget_account()
                    st.success(t("admin.saved"))
                except InvalidInput as problems:
                    show_problems(problems)
        # Blocking is an administrator's decision and ends the person's sessions; sign-in itself only slows down.
        block, unblock = st.columns(2)
        if block.button(t("admin.block"), disabled=chosen == account.user_id, key="admin_block"):
            with refusal_shown():
                accounts.block(conn, chosen, True, actor_user_id=account.user_id)
                st.success(t("admin.blocked"))
        if unblock.button(t("admin.unblock"), key="admin_unblock"):
            with refusal_shown():
                accounts.block(conn, chosen, False, actor_user_id=account.user_id)
                st.success(t("admin.unblocked"))
        sure = st.checkbox(t("admin.delete_user_confirm"), key="admin_delete_confirm")
        if st.button(t("admin.delete_user"), disabled=not sure or chosen == account.user_id, key="admin_delete_user"):
            with refusal_shown():
                delete_user(conn, chosen, actor_user_id=account.user_id)
                st.success(t("admin.deleted"))

with tabs[2]:
    with st.form("make_invite"):
        team = st.selectbox(t("admin.team"), teams, format_func=lambda x: x.name, key="invite_team")
        uses = st.number_input(t("admin.max_uses"), min_value=1, max_value=500, value=30, key="invite_uses")
        days = st.number_input(t("admin.days"), min_value=1, max_value=365, value=30, key="invite_days")
        if st.form_submit_button(t("admin.make_invite"), type="primary") and team is not None:
            with refusal_shown():
                code = create_invite(
                    conn,
                    team.id,
                    created_by=account.user_id,
                    max_uses=int(uses),
                    expires_at=datetime.now() + timedelta(days=int(days)),
                )
                st.success(t("admin.made_invite", code=code))
    invites = invites_of(conn, org)
    st.dataframe(invites, hide_index=True, width="stretch")
    active = invites[invites["revoked_at"].isna()]["code"].tolist()
    if active:
        code = st.selectbox(t("admin.revoke"), active, key="revoke_code")
        if st.button(t("admin.revoke"), key="revoke_invite"):
            with refusal_shown():
                revoke_invite(conn, code, actor_user_id=account.user_id)
                st.success(t("admin.revoked"))

with tabs[3]:
    current = open_round_of(conn, org)
    with st.form("open_round", clear_on_submit=True):
        name = st.text_input(t("admin.round_name"), max_chars=60, key="round_name")
        if st.form_submit_button(t("admin.open_round"), type="primary"):
            try:
                open_round(conn, org, name)
                st.success(t("admin.opened"))
            except InvalidInput as problems:
                show_problems(problems)
    if current is not None and st.button(
        t("admin.close_round", round=markdown_literal(current.name)), key="close_round"
    ):
        close_round(conn, current.id)
        st.success(t("admin.closed"))

with tabs[4]:
    from scan.roster import import_roster

    st.write(t("admin.import_intro"))
    upload = st.file_uploader(t("admin.upload"), type=["csv", "xlsx"], key="roster_file")
    if upload is not None and st.button(t("admin.import_button"), type="primary", key="roster_import"):
        report = import_roster(
            conn, org, upload.getvalue(), upload.name, actor_user_id=account.user_id, disciplines=settings().disciplines
        )
        if report.ok:
            st.success(t("admin.imported", n=report.imported))
        else:
            st.error(t("admin.import_failed"))
            st.dataframe(
                [
                    {
                        t("admin.row"): str(p.row) if p.row else "",  # row 0: the file as a whole
                        t("admin.column"): p.column,
                        t("admin.problem"): t(f"roster.{p.problem_code}"),
                    }
                    for p in report.problems
                ],
                hide_index=True,
                width="stretch",
            )

with tabs[5]:
    st.write(t("admin.export_intro"))
    what = st.selectbox(t("admin.export_what"), EXPORTS, key="export_what")
    frame = export_frame(conn, questionnaire(), what, settings().privacy.cross_team_threshold, organisation_id=org)
    st.download_button(
        t("admin.export_download"),
        write_csv(frame).encode("utf-8"),
        file_name=f"{what}.csv",
        mime="text/csv",
        key="export_download",
    )

with tabs[6]:
    st.dataframe(audit_log(conn, org), hide_index=True, width="stretch")

with tabs[7]:
    st.write(t("admin.retention_intro"))
    months = st.number_input(
        t("admin.retention_months"),
        min_value=6,
        max_value=120,
        value=retention_months(conn, org),
        key="retention_months",
    )
    if st.button(t("admin.retention_save"), key="retention_save"):
        set_retention(conn, org, int(months), actor_user_id=account.user_id)
        st.success(t("admin.saved"))
    if st.button(t("admin.retention_apply"), key="retention_apply"):
        st.success(t("admin.retention_applied", n=apply_retention(conn, org, actor_user_id=account.user_id)))
