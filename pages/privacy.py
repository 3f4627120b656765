"""Privacy: what is stored, why, who sees it and for how long, in plain words. Open to everyone."""

import streamlit as st

from scan.store.retention import DEFAULT_RETENTION_MONTHS, retention_months
from scan.ui.auth import current_account, enter_app
from scan.ui.i18n import t
from scan.ui.session import db, settings

enter_app()

account = current_account()
months = retention_months(db(), account.organisation_id) if account else DEFAULT_RETENTION_MONTHS
privacy = settings().privacy
st.title(t("privacy.title"))
st.markdown(
    t(
        "privacy.body",
        team=privacy.team_threshold,
        cross=privacy.cross_team_threshold,
        minimum=privacy.network_min_profession,
        months=months,
    )
)
