"""Per-process resources (one DuckDB connection) and per-run handles (one cursor per script-run thread)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from scan import config
from scan.config import Settings
from scan.demo import build_demo, holds_demo_accounts, is_demo_database
from scan.questionnaire import Questionnaire, default_questionnaire
from scan.scoring import ScoringModel
from scan.store import connect
from scan.store.org import holds_organisations, register_questionnaire
from scan.store.serving import tune_for_serving

DEMO_SIZE = 300
_run = threading.local()


class DemoRefused(RuntimeError):
    """Demo mode and the database disagree; ``code`` names the message (auth.<code>)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@st.cache_resource(show_spinner=False)
def _connection(path: str) -> duckdb.DuckDBPyConnection:
    conn = connect(path)
    tune_for_serving(conn)
    register_questionnaire(conn, default_questionnaire())
    empty = not holds_organisations(conn)
    if config.demo_mode():
        if empty:
            build_demo(conn, DEMO_SIZE)
        elif not is_demo_database(conn):
            conn.close()
            raise DemoRefused("demo_on_real_database")
    elif holds_demo_accounts(conn):
        # Public demo accounts (and, with them, the public demo cookie key) must never open real data.
        conn.close()
        raise DemoRefused("demo_accounts_outside_demo")
    return conn


def db() -> duckdb.DuckDBPyConnection:
    """This script run's cursor. Streamlit can run two script runs of one session at the same time (a reload,
    quick clicks), each in a thread of its own, and a DuckDB cursor refuses a second concurrent call: one cursor
    per thread, so that no two runs ever share one."""
    path = str(config.db_path())
    held = getattr(_run, "cursor", None)
    if held is None or held[0] != path:
        held = (path, _connection(path).cursor())
        _run.cursor = held
    return held[1]


@contextmanager
def uninterrupted() -> Iterator[None]:
    """Session-state reads and writes in this block cannot be cut off halfway by a rerun asked for meanwhile.

    Streamlit looks for a waiting rerun at every session-state read and write (SafeSessionState calls its yield
    check first) and stops the run right there, skipping the write: a sign-in that checked the password and
    then lost its writes to a cookie component reporting back was a click lost (111 of them with 50 browsers).
    Here the check waits until the block is done, and then the run stops as asked. Only for short blocks: a
    rerun the user asked for waits as long as the block runs."""
    ctx = get_script_run_ctx()
    state = ctx.session_state if ctx is not None else None
    check = getattr(state, "_yield_callback", None)
    if check is None:  # not in a script run (or a Streamlit without the check): nothing to hold back
        yield
        return
    object.__setattr__(state, "_yield_callback", lambda: None)
    try:
        yield
    finally:
        object.__setattr__(state, "_yield_callback", check)
    check()


def questionnaire() -> Questionnaire:
    return default_questionnaire()


def settings() -> Settings:
    return config.settings()


@st.cache_resource(show_spinner=False)
def scoring_model() -> ScoringModel:
    return ScoringModel.from_questionnaire(default_questionnaire(), config.settings().scoring)
