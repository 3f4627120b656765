"""The read model of administration: the lists an administrator works from (people, invites, the audit log).

Each list is of one organisation: an administrator sees their own organisation only. The writes these lists lead
to are in scan.admin and scan.store.org.
"""

from __future__ import annotations

import duckdb
import pandas as pd

# How a team is named to people, in lists and in the exports.
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
