"""Kindcentrum Scan: the entry point. Page set-up and navigation; every page lives in pages/."""

import streamlit as st

from scan.ui.i18n import language_switch, t

st.set_page_config(page_title="Kindcentrum Scan", page_icon=":material/diversity_3:", layout="wide")

with st.sidebar:
    language_switch()

# st.navigation on every run, also for visitors: a pages/ folder without it is served as plain URLs.
pages = [st.Page("pages/about.py", title=t("nav.about"), icon=":material/info:", default=True)]
st.navigation(pages).run()
