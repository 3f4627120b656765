"""The audience × team × round × dimension aggregate (n, Σ, Σ², min, max) of each released set, which dashboards
read instead of scores. It follows the released sets (store.released), not the responses."""

from __future__ import annotations

import duckdb

_GROUPED = (
    "SELECT x.audience, x.team_id, x.round_id, d.id, l.organisation_id, t.location_id,"
    " count(*), sum(s.score), sum(s.score * s.score), min(s.score), max(s.score)"
    " FROM released_responses x JOIN scores s ON s.response_id = x.response_id"
    " JOIN dimensions d ON d.name = s.dimension JOIN teams t ON t.id = x.team_id"
    " JOIN locations l ON l.id = t.location_id"
)
_KEYS = "x.audience, x.team_id, x.round_id, d.id, l.organisation_id, t.location_id"


def rebuild_team_aggregates(conn: duckdb.DuckDBPyConnection) -> None:
    """Recompute everything from the released sets (after a bulk load). Call inside or outside a transaction."""
    conn.execute("DELETE FROM team_aggregates")
    # Ordered by team, so that reading one team touches one block of the table.
    conn.execute(
        f"INSERT INTO team_aggregates {_GROUPED} GROUP BY {_KEYS} ORDER BY x.team_id, x.round_id, x.audience, d.id"
    )


def refresh_team_aggregate(
    conn: duckdb.DuckDBPyConnection, team_id: int, round_id: int, audience: str, response_ids: list[int]
) -> None:
    """Recompute the aggregate of one released set (``response_ids``), just released."""
    drop_team_aggregate(conn, team_id, round_id, audience)
    if not response_ids:
        return
    # The ids' range first: scores are stored in response order, so the range skips most of the table, where a
    # join on the released set reads every score in the database.
    conn.execute(
        "INSERT INTO team_aggregates SELECT ?, t.id, ?, d.id, l.organisation_id, t.location_id,"
        " count(*), sum(s.score), sum(s.score * s.score), min(s.score), max(s.score)"
        " FROM scores s JOIN dimensions d ON d.name = s.dimension CROSS JOIN teams t"
        " JOIN locations l ON l.id = t.location_id"
        " WHERE t.id = ? AND s.response_id BETWEEN ? AND ? AND list_contains(?, s.response_id)"
        " GROUP BY ALL",
        [audience, round_id, team_id, min(response_ids), max(response_ids), response_ids],
    )


def drop_team_aggregate(conn: duckdb.DuckDBPyConnection, team_id: int, round_id: int, audience: str) -> None:
    """Remove the aggregate of one released set: it is withheld, or about to be recomputed. A withheld set holds
    a deleted response, and a deleted person's scores must not live on in its sums."""
    conn.execute(
        "DELETE FROM team_aggregates WHERE team_id = ? AND round_id = ? AND audience = ?", [team_id, round_id, audience]
    )
