"""Small shared widgets."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from scan.store.org import NotInOrganisation
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


@contextmanager
def refusal_shown() -> Iterator[None]:
    """What the store refuses as another organisation's shows as a message in the user's language; the page goes on.
    The page offers only its own organisation's people and invites, so this is the guard behind that."""
    try:
        yield
    except NotInOrganisation as refusal:
        show_refusal(refusal.code)
