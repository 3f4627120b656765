"""Over de scan: what the scan is, what it measures, who sees what. Open to everyone."""

import streamlit as st

from scan.config import settings
from scan.questionnaire import default_questionnaire
from scan.ui.auth import enter_app
from scan.ui.i18n import t

enter_app()

questionnaire = default_questionnaire()
privacy = settings().privacy

st.title(t("about.title"))
st.markdown(f"*{t('app.tagline')}*")
st.write(t("about.intro"))
st.caption(t("about.facts", items=len(questionnaire.items), blocks=len(questionnaire.building_blocks)))

st.subheader(t("about.what_title"))
st.markdown(t("about.t_shape"))
st.markdown(t("about.blocks"))
st.markdown(t("about.intensity"))

st.subheader(t("about.privacy_title"))
st.info(t("about.privacy", team=privacy.team_threshold, cross=privacy.cross_team_threshold), icon=":material/lock:")
