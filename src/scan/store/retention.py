"""Retention: answers are kept for a set number of months after their round closed, then removed."""

from __future__ import annotations

from datetime import datetime

import duckdb

from scan.store.db import transaction
from scan.store.org import audit
from scan.store.released import forget_rounds
from scan.validation import InvalidInput, Problem

DEFAULT_RETENTION_MONTHS = 36
_CHILDREN = ("answers", "scores", "intensity_answers", "network_ties", "external_contacts")


def retention_months(conn: duckdb.DuckDBPyConnection, organisation_id: int) -> int:
    row = conn.execute(
        "SELECT retention_months FROM organisation_settings WHERE organisation_id = ?", [organisation_id]
    ).fetchone()
    return row[0] if row else DEFAULT_RETENTION_MONTHS


def set_retention(conn: duckdb.DuckDBPyConnection, organisation_id: int, months: int, *, actor_user_id: int) -> None:
    if isinstance(months, bool) or not isinstance(months, int) or not 6 <= months <= 120:
        raise InvalidInput([Problem("out_of_range", "retention_months", "between 6 and 120 months")])
    with transaction(conn):
        conn.execute("DELETE FROM organisation_settings WHERE organisation_id = ?", [organisation_id])
        conn.execute("INSERT INTO organisation_settings VALUES (?, ?)", [organisation_id, months])
        detail = {"organisation_id": organisation_id, "months": months}
        audit(conn, actor_user_id, "privacy.retention", detail, organisation_id=organisation_id)


def expired_rounds(conn: duckdb.DuckDBPyConnection, organisation_id: int, now: datetime | None = None) -> list[int]:
    months = retention_months(conn, organisation_id)
    rows = conn.execute(
        "SELECT id FROM rounds WHERE organisation_id = ? AND status = 'closed'"
        " AND closed_at + to_months(?) < ? ORDER BY wave",
        [organisation_id, months, now or datetime.now()],
    ).fetchall()
    return [r[0] for r in rows]


def apply_retention(
    conn: duckdb.DuckDBPyConnection, organisation_id: int, *, actor_user_id: int | None, now: datetime | None = None
) -> int:
    """Remove every response of the rounds whose retention has passed. Returns how many were removed."""
    rounds = expired_rounds(conn, organisation_id, now)
    if not rounds:
        return 0
    with transaction(conn):
        removed = conn.execute("SELECT count(*) FROM responses WHERE list_contains(?, round_id)", [rounds]).fetchone()[
            0
        ]
        for table in _CHILDREN:
            conn.execute(
                f"DELETE FROM {table} WHERE response_id IN (SELECT id FROM responses WHERE list_contains(?, round_id))",
                [rounds],
            )
        forget_rounds(conn, rounds)
        conn.execute("DELETE FROM drafts WHERE list_contains(?, round_id)", [rounds])
        conn.execute("DELETE FROM responses WHERE list_contains(?, round_id)", [rounds])
        detail = {"rounds": rounds, "responses": removed}
        audit(conn, actor_user_id, "privacy.retention_applied", detail, organisation_id=organisation_id)
    return removed
