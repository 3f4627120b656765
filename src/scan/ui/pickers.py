"""Choosing a team and a round, the same way on every team page."""

from __future__ import annotations

import duckdb
import streamlit as st

from scan.analytics import RoundInfo, rounds_of
from scan.analytics.teams import TeamInfo, teams_of_user
from scan.ui.i18n import t


def pick_team(teams: list[TeamInfo], key: str = "team_choice") -> TeamInfo | None:
    if not teams:
        st.info(t("team.no_team"), icon=":material/group_off:")
        return None
    if len(teams) == 1:
        return teams[0]
    return st.selectbox(t("team.choose_team"), teams, format_func=lambda team: team.name, key=key)


def pick_round(rounds: list[RoundInfo], key: str = "round_choice") -> RoundInfo:
    """Newest first; the open round is the default."""
    newest_first = rounds[::-1]
    return st.selectbox(t("team.choose_round"), newest_first, format_func=lambda r: r.name, key=key)


def pick_team_and_round(conn: duckdb.DuckDBPyConnection, user_id: int, key: str) -> tuple[TeamInfo, RoundInfo]:
    """One of the user's teams and one of its organisation's rounds, side by side; without a team the page
    says so and stops."""
    left, right = st.columns(2)
    with left:
        chosen = pick_team(teams_of_user(conn, user_id), key=f"{key}_team")
    if chosen is None:
        st.stop()
    with right:
        return chosen, pick_round(rounds_of(conn, chosen.organisation_id), key=f"{key}_round")
