"""Small shared widgets."""

from __future__ import annotations

import streamlit as st

from scan.ui.i18n import t
from scan.validation import InvalidInput


def show_problems(error: InvalidInput) -> None:
    """Every problem once, in the user's language."""
    seen = []
    for problem in error.problems:
        message = t(f"error.{problem.code}")
        if message not in seen:
            seen.append(message)
    for message in seen:
        st.error(message, icon=":material/error:")


def show_refusal(code: str) -> None:
    st.error(t(f"error.{code}"), icon=":material/error:")
