"""A tiny Streamlit app for testing scan.ui.session.uninterrupted in the real runtime: a slow callback (as a
password check on a busy server) records a click while the person clicks something else. ?guarded=1 runs the
callback inside ``uninterrupted()``. Served by tests/e2e/test_uninterrupted.py only; never part of the product."""

import contextlib
import time

import streamlit as st

from scan.ui.session import uninterrupted

guarded = st.query_params.get("guarded") == "1"


def record() -> None:
    with uninterrupted() if guarded else contextlib.nullcontext():
        time.sleep(2)
        st.session_state["recorded"] = st.session_state.get("recorded", 0) + 1


with st.form("probe"):
    st.form_submit_button("Vastleggen", on_click=record)
st.button("Iets anders")
st.write(f"Vastgelegd: {st.session_state.get('recorded', 0)}")
