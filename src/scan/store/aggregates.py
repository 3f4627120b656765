"""The team × round × dimension aggregate (n, Σ, Σ², min, max) that dashboards read instead of scores."""

from __future__ import annotations

from collections.abc import Iterable

import duckdb

_GROUPED = (
    "SELECT r.team_id, r.round_id, d.id, l.organisation_id, t.location_id,"
    " count(*), sum(s.score), sum(s.score * s.score), min(s.score), max(s.score)"
    " FROM scores s JOIN dimensions d ON d.name = s.dimension JOIN responses r ON r.id = s.response_id"
    " JOIN teams t ON t.id = r.team_id JOIN locations l ON l.id = t.location_id"
)
_KEYS = "r.team_id, r.round_id, d.id, l.organisation_id, t.location_id"


def rebuild_team_aggregates(conn: duckdb.DuckDBPyConnection) -> None:
    """Recompute everything from the stored scores (after a bulk load). Call inside or outside a transaction."""
    conn.execute("DELETE FROM team_aggregates")
    # Ordered by team, so that reading one team touches one block of the table.
    conn.execute(f"INSERT INTO team_aggregates {_GROUPED} GROUP BY {_KEYS} ORDER BY r.team_id, r.round_id, d.id")


def refresh_team_aggregates(conn: duckdb.DuckDBPyConnection, pairs: Iterable[tuple[int, int]]) -> None:
    """Recompute the aggregate of the given (team, round) pairs, e.g. after someone's data was deleted."""
    for team_id, round_id in pairs:
        conn.execute("DELETE FROM team_aggregates WHERE team_id = ? AND round_id = ?", [team_id, round_id])
        conn.execute(
            f"INSERT INTO team_aggregates {_GROUPED} WHERE r.team_id = ? AND r.round_id = ? GROUP BY {_KEYS}",
            [team_id, round_id],
        )
