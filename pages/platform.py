"""Platformbeheer: the organisations and their first administrators, and the backup of the whole database.
For platform administrators only: an organisation's administrator never reaches another organisation."""

from datetime import datetime

import streamlit as st

from scan import platform
from scan.analytics.platform import organisations
from scan.store.backup import BackupError, backup_bytes, restore_bytes
from scan.ui.auth import forget_account, require_roles
from scan.ui.i18n import t
from scan.ui.session import db
from scan.ui.widgets import show_problems
from scan.validation import InvalidInput

account = require_roles("platform_admin")
conn = db()
st.title(t("platform.title"))
st.write(t("platform.intro"))
organisations_tab, backup_tab = st.tabs([t("platform.tab_organisations"), t("platform.tab_backup")])

with organisations_tab:
    shown = organisations(conn)
    shown.columns = [t(f"platform.col_{c}") for c in ("id", "name", "locations", "teams", "people")]
    st.dataframe(shown, hide_index=True, width="stretch")
    with st.form("new_organisation", clear_on_submit=True):
        name = st.text_input(t("platform.organisation_name"), max_chars=80, key="new_organisation_name")
        admin_name = st.text_input(t("platform.admin_name"), max_chars=80, key="new_organisation_admin_name")
        username = st.text_input(t("platform.admin_username"), max_chars=32, key="new_organisation_admin_username")
        if st.form_submit_button(t("platform.create"), type="primary"):
            try:
                created = platform.create_organisation(
                    conn, name=name, admin_name=admin_name, admin_username=username, actor_user_id=account.user_id
                )
                # The one-time password shows in this run only; the database keeps its hash.
                st.success(
                    t(
                        "platform.created",
                        organisation=created.name,
                        username=created.admin_username,
                        password=created.password,
                    )
                )
            except InvalidInput as problems:
                show_problems(problems)

with backup_tab:
    st.write(t("platform.backup_intro"))
    if st.button(t("platform.backup_make"), key="backup_make"):
        st.session_state["_backup"] = backup_bytes(conn)
    if "_backup" in st.session_state:
        st.download_button(
            t("platform.backup_download"),
            st.session_state["_backup"],
            key="backup_download",
            file_name=f"kindcentrum-scan-{datetime.now():%Y%m%d-%H%M}.zip",
            mime="application/zip",
        )
    st.warning(t("platform.restore_intro"), icon=":material/warning:")
    restore = st.file_uploader(t("platform.upload"), type=["zip"], key="restore_file")
    sure = st.checkbox(t("platform.restore_confirm"), key="restore_confirm")
    if restore is not None and st.button(t("platform.restore_button"), disabled=not sure, key="restore_button"):
        try:
            counts = restore_bytes(conn, restore.getvalue())
            forget_account()
            st.success(t("platform.restored", n=sum(counts.values())))
        except BackupError as error:
            st.error(t(f"backup.{error.code}"))
