"""The current language (nl first, en second) and the texts in it."""

from __future__ import annotations

from typing import Any

import streamlit as st

from scan.locales import text
from scan.questionnaire import LANGUAGES
from scan.ui.errors import guarded

LANGUAGE_KEY = "ui_language"  # not a key streamlit-authenticator uses
# The switch writes into a plain session key: Streamlit drops the state of widgets that a run does not draw.
_SWITCH_KEY = "_language_switch"
LANGUAGE_LABELS = {"nl": "Nederlands", "en": "English"}


def current_language() -> str:
    return st.session_state.get(LANGUAGE_KEY) or LANGUAGES[0]


def t(key: str, **values: Any) -> str:
    return text(current_language(), key, **values)


@guarded
def _switched() -> None:
    chosen = st.session_state.get(_SWITCH_KEY)
    if chosen:  # clicking the selected option again deselects it; the language stays
        st.session_state[LANGUAGE_KEY] = chosen


def language_switch() -> None:
    st.session_state[_SWITCH_KEY] = current_language()
    st.segmented_control(
        t("app.language"),
        options=list(LANGUAGES),
        format_func=LANGUAGE_LABELS.get,
        key=_SWITCH_KEY,
        selection_mode="single",
        on_change=_switched,
    )
