"""What an administrator keeps in order: users and roles, invites, the audit log, deleting a person.

Reads here are lists for the administration pages, each of one organisation: an administrator sees their own
organisation only. The writes are in the store, which refuses people and invites of another organisation, and each
leaves an audit entry.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

import duckdb
import pandas as pd

from scan.store import org
from scan.store.schema import ORGANISATION_ROLES
from scan.validation import InvalidInput, Problem


def users_of(conn: duckdb.DuckDBPyConnection, organisation_id: int) -> pd.DataFrame:
    return conn.execute(
        """
        SELECT u.id, u.display_name AS name, a.username, u.discipline,
               (SELECT list(role ORDER BY role) FROM user_roles r WHERE r.user_id = u.id) AS roles,
               (SELECT string_agg(l.name || ' · ' || t.name, ', ') FROM memberships m JOIN teams t ON t.id = m.team_id
                JOIN locations l ON l.id = t.location_id WHERE m.user_id = u.id) AS teams
        FROM users u LEFT JOIN accounts a ON a.user_id = u.id
        WHERE u.organisation_id = ? ORDER BY u.display_name
        """,
        [organisation_id],
    ).df()


def set_roles(conn: duckdb.DuckDBPyConnection, user_id: int, roles: Iterable[str], *, actor_user_id: int) -> None:
    """The roles of a person of the administrator's own organisation (else NotInOrganisation)."""
    roles = sorted(set(roles))
    if not roles or set(roles) - set(ORGANISATION_ROLES):
        message = f"roles must be a non-empty subset of {ORGANISATION_ROLES}"
        raise InvalidInput([Problem("unknown_role", "roles", message)])
    org.set_roles(conn, user_id, roles, actor_user_id=actor_user_id, now=time.time())


def invites_of(conn: duckdb.DuckDBPyConnection, organisation_id: int) -> pd.DataFrame:
    return conn.execute(
        """
        SELECT i.code, l.name || ' · ' || t.name AS team, i.uses, i.max_uses, i.expires_at, i.revoked_at, i.created_at
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
