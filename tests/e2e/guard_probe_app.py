"""A tiny Streamlit app for testing the browser-test guard: ?show=exception raises, ?show=errorbox shows the calm
error box with an error id, ?show=plain shows an ordinary error message (a missing answer), anything else is calm.
Served by tests/e2e/test_guard.py only; never part of the product."""

import streamlit as st

show = st.query_params.get("show", "")
st.title("Guard probe")
st.button("Rerun")
if show == "exception":
    raise RuntimeError("guard probe: a real exception in a page script")
if show == "errorbox":
    st.error("Er ging iets mis. Probeer het opnieuw. Foutcode: GP-4711")
if show == "errorbox_en":
    st.error("Something went wrong. Please try again. Error id: GP-4712")
if show == "plain":
    st.error("Nog niet alles is beantwoord: vraag 2")
st.write("ok")
