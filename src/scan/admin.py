"""Setting a person's roles: checked here, written by the store, which refuses a person of another organisation
and leaves an audit entry.

The lists the administration pages show (people, invites, the audit log) are in scan.analytics.administration.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

import duckdb

from scan.store import org
from scan.store.schema import ORGANISATION_ROLES
from scan.validation import InvalidInput, Problem


def set_roles(conn: duckdb.DuckDBPyConnection, user_id: int, roles: Iterable[str], *, actor_user_id: int) -> None:
    """The roles of a person of the administrator's own organisation (else NotInOrganisation)."""
    roles = sorted(set(roles))
    if not roles or set(roles) - set(ORGANISATION_ROLES):
        message = f"roles must be a non-empty subset of {ORGANISATION_ROLES}"
        raise InvalidInput([Problem("unknown_role", "roles", message)])
    org.set_roles(conn, user_id, roles, actor_user_id=actor_user_id, now=time.time())
