"""The current language (nl first, en second) and the texts in it."""

from __future__ import annotations

from typing import Any

import streamlit as st

from scan.locales import text
from scan.questionnaire import LANGUAGES

LANGUAGE_KEY = "ui_language"  # not a key streamlit-authenticator uses
LANGUAGE_LABELS = {"nl": "Nederlands", "en": "English"}


def current_language() -> str:
    return st.session_state.get(LANGUAGE_KEY) or LANGUAGES[0]


def t(key: str, **values: Any) -> str:
    return text(current_language(), key, **values)


def language_switch() -> None:
    st.segmented_control(
        t("app.language"),
        options=list(LANGUAGES),
        format_func=LANGUAGE_LABELS.get,
        key=LANGUAGE_KEY,
        default=LANGUAGES[0],
        selection_mode="single",
    )
