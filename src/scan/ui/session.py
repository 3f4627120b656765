"""Per-process resources (one DuckDB connection) and per-session handles (one cursor per browser session)."""

from __future__ import annotations

import duckdb
import streamlit as st

from scan import config
from scan.config import Settings
from scan.questionnaire import Questionnaire, default_questionnaire
from scan.scoring import ScoringModel
from scan.store import connect
from scan.store.org import register_questionnaire
from scan.store.serving import tune_for_serving

DEMO_SIZE = 300


@st.cache_resource(show_spinner=False)
def _connection(path: str) -> duckdb.DuckDBPyConnection:
    conn = connect(path)
    tune_for_serving(conn)
    register_questionnaire(conn, default_questionnaire())
    if config.demo_mode() and not conn.execute("SELECT count(*) FROM organisations").fetchone()[0]:
        from scan.demo import build_demo

        build_demo(conn, DEMO_SIZE)
    return conn


def db() -> duckdb.DuckDBPyConnection:
    """This session's cursor: a connection shared across threads refuses concurrent calls."""
    path = str(config.db_path())
    held = st.session_state.get("_db_cursor")
    if held is None or held[0] != path:
        held = (path, _connection(path).cursor())
        st.session_state["_db_cursor"] = held
    return held[1]


def questionnaire() -> Questionnaire:
    return default_questionnaire()


def settings() -> Settings:
    return config.settings()


@st.cache_resource(show_spinner=False)
def scoring_model() -> ScoringModel:
    return ScoringModel.from_questionnaire(default_questionnaire(), config.settings().scoring)
