"""The released sets: which responses a group's figures are computed from (disclosure rule d, over time).

If a team's figures followed every response, the means at 3 and at 4 responses would give the fourth person's
score (4·m4 − 3·m3), and a deletion would do the same in reverse. So for every team, round and audience ('team':
the team's own views; 'board': every cross-team view) the store keeps a set R of responses, and views show the
figures of R only. When R becomes the team's current responses is the disclosure rule's decision
(analytics.disclosure.next_releases, with every set the group was released as before: release_history); this
module keeps R and its history, always inside the transaction of the submission or deletion that changed them.

A deleted response's scores go at once; its id stays in R until the next release, and meanwhile the group is
withheld (no aggregate, views say it is being updated): its figures without that response would differ from the
shown ones by one response.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import duckdb

from scan.analytics.disclosure import AUDIENCES, next_releases, release_steps
from scan.store.aggregates import drop_team_aggregate, rebuild_team_aggregates, refresh_team_aggregate


def release(conn: duckdb.DuckDBPyConnection, pairs: Iterable[tuple[int, int]], *, arrivals: Sequence[int] = ()) -> None:
    """Apply the release rule to the given (team, round) pairs, after their responses changed. Call inside the
    transaction that changed them: a concurrent release of the same set then conflicts at COMMIT (both delete
    the same rows, or insert the same key) and is retried by the writer, instead of mixing two sets.

    ``arrivals``: the responses a group commit just wrote, in its order; the rule runs after each of them as if
    the later ones were not there yet, so that every submission of a batch moves the sets exactly as it would
    have alone. One read of the groups' responses and sets for the whole call; only changed sets are written."""
    steps = release_steps()
    pairs = sorted(set(pairs))
    teams, rounds = sorted({t for t, _ in pairs}), sorted({r for _, r in pairs})
    current: dict[tuple[int, int], set[int]] = {pair: set() for pair in pairs}
    for team_id, round_id, rid in conn.execute(
        "SELECT team_id, round_id, id FROM responses WHERE list_contains(?, team_id) AND list_contains(?, round_id)",
        [teams, rounds],
    ).fetchall():
        current.get((team_id, round_id), set()).add(rid)
    released: dict[tuple[int, int, str], frozenset[int]] = {}
    for team_id, round_id, audience, rid in conn.execute(
        "SELECT team_id, round_id, audience, response_id FROM released_responses"
        " WHERE list_contains(?, team_id) AND list_contains(?, round_id)",
        [teams, rounds],
    ).fetchall():
        released[team_id, round_id, audience] = released.get((team_id, round_id, audience), frozenset()) | {rid}
    history: dict[tuple[int, int, str], dict[int, set[int]]] = {}
    for team_id, round_id, audience, number, rid in conn.execute(
        "SELECT team_id, round_id, audience, release_no, response_id FROM release_history"
        " WHERE list_contains(?, team_id) AND list_contains(?, round_id)",
        [teams, rounds],
    ).fetchall():
        history.setdefault((team_id, round_id, audience), {}).setdefault(number, set()).add(rid)
    arriving = set(arrivals)
    for (team_id, round_id), now in current.items():
        # The group's responses after each of its arrivals, or (a single submission, a deletion) just as they are.
        states, held = [], now - arriving
        for rid in arrivals:
            if rid in now:
                held = held | {rid}
                states.append(held)
        states = states or [now]
        for audience in AUDIENCES:
            before = released.get((team_id, round_id, audience), frozenset())
            earlier = history.get((team_id, round_id, audience), {}).values()
            shown_before = [frozenset(), *(frozenset(ids) for ids in earlier)]
            new_sets = next_releases(states, before, shown_before, steps[audience])
            after = new_sets[-1] if new_sets else before
            number = len(history.get((team_id, round_id, audience), {}))
            for offset, ids in enumerate(new_sets, start=1):
                conn.execute(
                    "INSERT INTO release_history SELECT ?, ?, ?, ?, unnest(?::BIGINT[])",
                    [team_id, round_id, audience, number + offset, sorted(ids)],
                )
            if after != before:
                # Only the difference is written: the rows that stay are not touched.
                conn.execute(
                    "DELETE FROM released_responses WHERE team_id = ? AND round_id = ? AND audience = ?"
                    " AND list_contains(?, response_id)",
                    [team_id, round_id, audience, sorted(before - after)],
                )
                conn.execute(
                    "INSERT INTO released_responses SELECT ?, ?, ?, unnest(?::BIGINT[])",
                    [team_id, round_id, audience, sorted(after - before)],
                )
                refresh_team_aggregate(conn, team_id, round_id, audience, sorted(after))
            elif before - now:
                drop_team_aggregate(conn, team_id, round_id, audience)


def release_everything(conn: duckdb.DuckDBPyConnection) -> None:
    """Every group shows all its responses: the end of a demo build or a bulk load, which nobody watched grow."""
    conn.execute("DELETE FROM released_responses")
    conn.execute(
        "INSERT INTO released_responses SELECT p.team_id, p.round_id, a.audience, p.id FROM responses p"
        " CROSS JOIN (SELECT unnest(?::VARCHAR[]) AS audience) a ORDER BY p.team_id, p.round_id, a.audience, p.id",
        [list(AUDIENCES)],
    )
    # Nobody saw an earlier state of these groups: their history begins here.
    conn.execute("DELETE FROM release_history")
    conn.execute(
        "INSERT INTO release_history SELECT team_id, round_id, audience, 1, response_id FROM released_responses"
    )
    rebuild_team_aggregates(conn)


def forget_rounds(conn: duckdb.DuckDBPyConnection, round_ids: list[int]) -> None:
    """Rounds removed as a whole (retention): nothing of them is released any more."""
    conn.execute("DELETE FROM released_responses WHERE list_contains(?, round_id)", [round_ids])
    conn.execute("DELETE FROM release_history WHERE list_contains(?, round_id)", [round_ids])
    conn.execute("DELETE FROM team_aggregates WHERE list_contains(?, round_id)", [round_ids])
