"""The released sets: which responses a group's figures are computed from (disclosure rule d, over time).

If a team's figures followed every response, the means at 3 and at 4 responses would give the fourth person's
score (4·m4 − 3·m3), and a deletion would do the same in reverse. So for every team, round and audience ('team':
the team's own views, step privacy.team_threshold; 'board': every cross-team view, step
privacy.cross_team_threshold) the store keeps a set R of responses, and views show the figures of R only. With C
the team's current responses in the round, R becomes C when they differ by at least the step (|C Δ R| ≥ k); so
any two states anyone can see differ by 0 or by at least k responses. Nothing but this module writes R, always
inside the transaction of the submission or deletion that changed C.

A deleted response's scores go at once; its id stays in R until the next release, and meanwhile the group is
withheld (no aggregate, views say it is being updated): its figures without that response would differ from the
shown ones by one response.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

import duckdb

from scan.config import PrivacySettings, settings
from scan.store.aggregates import drop_team_aggregate, rebuild_team_aggregates, refresh_team_aggregate

AUDIENCES = ("team", "board")


def release_step(audience: str, privacy: PrivacySettings) -> int:
    """How many responses the released set of ``audience`` changes by at least."""
    return privacy.team_threshold if audience == "team" else privacy.cross_team_threshold


def release(
    conn: duckdb.DuckDBPyConnection, pairs: Iterable[tuple[int, int]], *, not_yet: Collection[int] = ()
) -> None:
    """Apply the release rule to the given (team, round) pairs, after their responses changed. Call inside the
    transaction that changed them: a concurrent release of the same set then conflicts at COMMIT (both delete
    the same rows, or insert the same key) and is retried by the writer, instead of mixing two sets.

    ``not_yet``: responses a group commit wrote after the one being settled; the rule runs as if they were not
    there yet, so that every submission of a batch moves the sets exactly as it would have alone."""
    privacy = settings().privacy
    for team_id, round_id in sorted(set(pairs)):
        current = {
            rid
            for (rid,) in conn.execute(
                "SELECT id FROM responses WHERE team_id = ? AND round_id = ?", [team_id, round_id]
            ).fetchall()
            if rid not in not_yet
        }
        for audience in AUDIENCES:
            released = {
                rid
                for (rid,) in conn.execute(
                    "SELECT response_id FROM released_responses WHERE team_id = ? AND round_id = ? AND audience = ?",
                    [team_id, round_id, audience],
                ).fetchall()
            }
            if len(current ^ released) >= release_step(audience, privacy):
                # Only the difference is written: the rows that stay are not touched.
                conn.execute(
                    "DELETE FROM released_responses WHERE team_id = ? AND round_id = ? AND audience = ?"
                    " AND list_contains(?, response_id)",
                    [team_id, round_id, audience, sorted(released - current)],
                )
                conn.execute(
                    "INSERT INTO released_responses SELECT ?, ?, ?, unnest(?::BIGINT[])",
                    [team_id, round_id, audience, sorted(current - released)],
                )
                refresh_team_aggregate(conn, team_id, round_id, audience)
            elif released - current:
                drop_team_aggregate(conn, team_id, round_id, audience)


def release_everything(conn: duckdb.DuckDBPyConnection) -> None:
    """Every group shows all its responses: the end of a demo build or a bulk load, which nobody watched grow."""
    conn.execute("DELETE FROM released_responses")
    conn.execute(
        "INSERT INTO released_responses SELECT p.team_id, p.round_id, a.audience, p.id FROM responses p"
        " CROSS JOIN (SELECT unnest(?::VARCHAR[]) AS audience) a ORDER BY p.team_id, p.round_id, a.audience, p.id",
        [list(AUDIENCES)],
    )
    rebuild_team_aggregates(conn)


def forget_rounds(conn: duckdb.DuckDBPyConnection, round_ids: list[int]) -> None:
    """Rounds removed as a whole (retention): nothing of them is released any more."""
    conn.execute("DELETE FROM released_responses WHERE list_contains(?, round_id)", [round_ids])
    conn.execute("DELETE FROM team_aggregates WHERE list_contains(?, round_id)", [round_ids])
