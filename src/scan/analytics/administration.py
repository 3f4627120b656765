"""The read model of administration: the lists an administrator works from (people, invites, the audit log) and
what the roster import and the command line look teams and people up in.

Each list is of one organisation: an administrator sees their own organisation only. The writes these lists lead
to are in scan.admin and scan.store.org.
"""

from __future__ import annotations

import duckdb
import pandas as pd

# How a team is named to people, in lists, the exports, the roster import and on the command line.
TEAM_LABEL = "l.name || ' · ' || t.name"


def users_of(conn: duckdb.DuckDBPyConnection, organisation_id: int) -> pd.DataFrame:
    return conn.execute(
        f"""
        SELECT u.id, u.display_name AS name, a.username, u.discipline,
               (SELECT list(role ORDER BY role) FROM user_roles r WHERE r.user_id = u.id) AS roles,
               (SELECT string_agg({TEAM_LABEL}, ', ') FROM memberships m JOIN teams t ON t.id = m.team_id
                JOIN locations l ON l.id = t.location_id WHERE m.user_id = u.id) AS teams
        FROM users u LEFT JOIN accounts a ON a.user_id = u.id
        WHERE u.organisation_id = ? ORDER BY u.display_name
        """,
        [organisation_id],
    ).df()


def invites_of(conn: duckdb.DuckDBPyConnection, organisation_id: int) -> pd.DataFrame:
    return conn.execute(
        f"""
        SELECT i.code, {TEAM_LABEL} AS team, i.uses, i.max_uses, i.expires_at, i.revoked_at, i.created_at
        FROM invites i JOIN teams t ON t.id = i.team_id JOIN locations l ON l.id = t.location_id
        WHERE l.organisation_id = ? ORDER BY i.created_at DESC
        """,
        [organisation_id],
    ).df()


def audit_log(conn: duckdb.DuckDBPyConnection, organisation_id: int, limit: int = 200) -> pd.DataFrame:
    """Who changed what in the organisation, when: newest first. Actors appear by name where they still exist."""
    return conn.execute(
        """
        SELECT g.occurred_at, coalesce(u.display_name, CAST(g.actor_user_id AS VARCHAR), '') AS actor, g.action,
               g.detail
        FROM audit_log g LEFT JOIN users u ON u.id = g.actor_user_id
        WHERE g.organisation_id = ? ORDER BY g.id DESC LIMIT ?
        """,
        [organisation_id, limit],
    ).df()


def team_labels(conn: duckdb.DuckDBPyConnection, organisation_id: int | None = None) -> list[tuple[int, str]]:
    """Every team with its label 'Location · Team': of one organisation, or of all of them for the command line,
    which is the platform's."""
    where, params = ("WHERE l.organisation_id = ?", [organisation_id]) if organisation_id is not None else ("", [])
    return conn.execute(
        f"SELECT t.id, {TEAM_LABEL} FROM teams t JOIN locations l ON l.id = t.location_id {where} ORDER BY t.id",
        params,
    ).fetchall()


def login_emails(conn: duckdb.DuckDBPyConnection, organisation_id: int) -> list[str]:
    """The e-mail addresses of the organisation's logins."""
    rows = conn.execute(
        "SELECT a.email FROM accounts a JOIN users u ON u.id = a.user_id"
        " WHERE u.organisation_id = ? AND a.email IS NOT NULL",
        [organisation_id],
    ).fetchall()
    return [email for (email,) in rows]


def team_members(conn: duckdb.DuckDBPyConnection, organisation_id: int) -> list[tuple[int, str]]:
    """Every membership of the organisation as (team id, the member's display name)."""
    return conn.execute(
        "SELECT m.team_id, u.display_name FROM memberships m JOIN users u ON u.id = m.user_id"
        " WHERE u.organisation_id = ?",
        [organisation_id],
    ).fetchall()
