"""Read models for the dashboards. The anonymity thresholds are applied here, and only here.

A group's scores are shown only when at least ``threshold`` responses carry them; below it the count
may show, the scores never. Groups show the figures of their released sets only (disclosure rule d): a team's
own views the 'team' set, every cross-team view the 'board' sets. Individual scores are read only through
``person_*`` for their owner.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

import duckdb
import pandas as pd

from scan.analytics.disclosure import ReleaseState, group_figure
from scan.config import PrivacySettings, Settings
from scan.questionnaire import Questionnaire
from scan.report import PersonalReport, TrendPoint, build_personal_report
from scan.scoring import ScoringModel


@dataclass(frozen=True)
class DimensionStat:
    dimension: str
    n: int
    mean: float | None  # None: the group is below the threshold
    sd: float | None  # None below the spread threshold (disclosure rule b)

    @property
    def hidden(self) -> bool:
        return self.mean is None


@dataclass(frozen=True)
class GroupAggregate:
    """One group (team, location, organisation) in one round."""

    n_responses: int  # the released responses the figures are computed from
    threshold: int
    stats: Mapping[str, DimensionStat]
    waiting: int = 0  # responses that came or went since the last release
    withheld: bool = False  # its released set holds a deleted response: no figures until the next release

    @property
    def visible(self) -> bool:
        return self.n_responses >= self.threshold and not self.withheld

    def means(self) -> dict[str, float]:
        return {d: s.mean for d, s in self.stats.items() if s.mean is not None}


@dataclass(frozen=True)
class RoundInfo:
    id: int
    wave: int
    name: str
    status: str


def dimension_stat(
    dimension: str, n: int, total: float, total_sq: float, threshold: int, privacy: PrivacySettings
) -> DimensionStat:
    shown = group_figure(dimension, n, total, total_sq, threshold=threshold, privacy=privacy)
    if shown is None:
        return DimensionStat(dimension, n, None, None)
    return DimensionStat(dimension, n, shown.mean, shown.sd)


# ---- the person's own view ----------------------------------------------------------------------


def person_response_id(conn: duckdb.DuckDBPyConnection, user_id: int, round_id: int) -> int | None:
    row = conn.execute("SELECT id FROM responses WHERE user_id = ? AND round_id = ?", [user_id, round_id]).fetchone()
    return row[0] if row else None


def response_scores(conn: duckdb.DuckDBPyConnection, response_id: int) -> dict[str, float]:
    """The scores of one response: for its owner's radar only."""
    rows = conn.execute(
        "SELECT dimension, score FROM scores WHERE response_id = ?",
        [response_id],
    ).fetchall()
    return dict(rows)


def response_answers(conn: duckdb.DuckDBPyConnection, response_id: int) -> dict[str, int]:
    rows = conn.execute("SELECT item_id, value FROM answers WHERE response_id = ?", [response_id]).fetchall()
    return dict(rows)


def person_trend(conn: duckdb.DuckDBPyConnection, user_id: int) -> list[tuple[RoundInfo, dict[str, float]]]:
    """The person's scores per round they took part in, oldest first."""
    rounds = conn.execute(
        "SELECT r.id, r.wave, r.name, r.status, p.id FROM responses p JOIN rounds r ON r.id = p.round_id"
        " WHERE p.user_id = ? ORDER BY r.wave",
        [user_id],
    ).fetchall()
    return [(RoundInfo(*row[:4]), response_scores(conn, row[4])) for row in rounds]


# ---- groups -------------------------------------------------------------------------------------


def team_trend(
    conn: duckdb.DuckDBPyConnection,
    team_id: int,
    threshold: int,
    *,
    privacy: PrivacySettings,
    round_id: int | None = None,
) -> list[tuple[RoundInfo, GroupAggregate]]:
    """The team's aggregate (its 'team' released sets) in every round of its organisation, oldest first (also
    rounds without answers)."""
    # Single-table reads by constant keys, summed here: a team has a few dozen aggregate rows, and DuckDB's
    # joins and GROUP BY cost more to set up than to run on them (at 1,000,000 respondents 18 -> 7 ms CPU).
    found = conn.execute(
        "SELECT organisation_id FROM locations WHERE id = (SELECT location_id FROM teams WHERE id = ?)", [team_id]
    ).fetchone()
    if found is None:
        return []
    rounds = [
        RoundInfo(*row)
        for row in conn.execute(
            "SELECT id, wave, name, status FROM rounds WHERE organisation_id = ?", [found[0]]
        ).fetchall()
        if round_id is None or row[0] == round_id
    ]
    current: dict[int, set[int]] = defaultdict(set)
    for rid, response_id in conn.execute("SELECT round_id, id FROM responses WHERE team_id = ?", [team_id]).fetchall():
        current[rid].add(response_id)
    released: dict[int, set[int]] = defaultdict(set)
    for rid, response_id in conn.execute(
        "SELECT round_id, response_id FROM released_responses WHERE team_id = ? AND audience = 'team'", [team_id]
    ).fetchall():
        released[rid].add(response_id)
    names = dict(conn.execute("SELECT id, name FROM dimensions").fetchall())
    moments: dict[tuple[int, str], list] = {}
    for rid, dimension_id, n, total, total_sq in conn.execute(
        "SELECT round_id, dimension_id, n, total, total_sq FROM team_aggregates"
        " WHERE team_id = ? AND audience = 'team'",
        [team_id],
    ).fetchall():
        held = moments.setdefault((rid, names[dimension_id]), [0, 0.0, 0.0])
        held[0] += n
        held[1] += total
        held[2] += total_sq
    trend = []
    for info in sorted(rounds, key=lambda r: r.wave):
        stats = {
            dimension: dimension_stat(dimension, *values, threshold, privacy)
            for (rid, dimension), values in moments.items()
            if rid == info.id
        }
        state = ReleaseState(frozenset(current[info.id]), frozenset(released[info.id]))
        trend.append((info, GroupAggregate(len(state.shown), threshold, stats, state.waiting, state.withheld)))
    return trend


def team_aggregate(
    conn: duckdb.DuckDBPyConnection, team_id: int, round_id: int, threshold: int, *, privacy: PrivacySettings
) -> GroupAggregate:
    """One round of ``team_trend``."""
    found = team_trend(conn, team_id, threshold, privacy=privacy, round_id=round_id)
    if not found:
        raise KeyError(f"round {round_id} does not belong to the organisation of team {team_id}")
    return found[0][1]


def grouped_aggregates(
    conn: duckdb.DuckDBPyConnection, group: str, where: str, params: dict, threshold: int
) -> pd.DataFrame:
    """Sum the teams' 'board' aggregates into larger groups (``group``: location_id or organisation_id); cells under
    the threshold keep their n and lose their scores, and a group with a withheld team (rule d) loses them all."""
    return conn.execute(
        f"""
        WITH g AS (
            SELECT a.{group}, a.round_id, a.dimension_id, sum(a.n) AS n, sum(a.total) AS total,
                   sum(a.total_sq) AS total_sq
            FROM team_aggregates a WHERE a.audience = 'board' AND {where} GROUP BY ALL
        ),
        -- A withheld team has no aggregate: its group's sum without it would give its change away.
        withheld AS (
            SELECT DISTINCT a.{group}, a.round_id FROM (
                SELECT x.response_id, x.round_id, t.location_id, l.organisation_id FROM released_responses x
                JOIN teams t ON t.id = x.team_id JOIN locations l ON l.id = t.location_id WHERE x.audience = 'board'
            ) a
            WHERE {where} AND NOT EXISTS (SELECT 1 FROM responses p WHERE p.id = a.response_id)
        ),
        shown AS (
            SELECT g.*, w.round_id IS NOT NULL AS withheld
            FROM g LEFT JOIN withheld w ON w.{group} = g.{group} AND w.round_id = g.round_id
        )
        SELECT s.* EXCLUDE (dimension_id, total, total_sq), d.name AS dimension,
               CASE WHEN n >= $threshold AND NOT withheld THEN total / n END AS mean,
               CASE WHEN n >= $threshold AND NOT withheld AND n > 1
                    THEN sqrt(greatest((total_sq - total * total / n) / (n - 1), 0)) END AS sd,
               n < $threshold OR withheld AS hidden
        FROM shown s JOIN dimensions d ON d.id = s.dimension_id
        """,
        {"threshold": threshold, **params},
    ).df()


def location_aggregates(
    conn: duckdb.DuckDBPyConnection, organisation_id: int, threshold: int, round_id: int | None = None
) -> pd.DataFrame:
    """Per location, round and dimension of one organisation: n, mean, sd (hidden below the threshold)."""
    where = "a.organisation_id = $organisation" + (" AND a.round_id = $round" if round_id is not None else "")
    params = {"organisation": organisation_id} | ({"round": round_id} if round_id is not None else {})
    return grouped_aggregates(conn, "location_id", where, params, threshold)


def director_overview(
    conn: duckdb.DuckDBPyConnection, threshold: int, *, latest_wave_only: bool = False
) -> pd.DataFrame:
    """Each organisation's profile per round and dimension over all its teams, from the team aggregates."""
    where = "TRUE"
    if latest_wave_only:
        where = (
            "a.round_id IN (SELECT id FROM rounds r"
            " WHERE wave = (SELECT max(wave) FROM rounds WHERE organisation_id = r.organisation_id))"
        )
    return grouped_aggregates(conn, "organisation_id", where, {}, threshold)


def locations_of(conn: duckdb.DuckDBPyConnection, organisation_id: int) -> dict[int, str]:
    return dict(
        conn.execute(
            "SELECT id, name FROM locations WHERE organisation_id = ? ORDER BY name", [organisation_id]
        ).fetchall()
    )


def rounds_of(conn: duckdb.DuckDBPyConnection, organisation_id: int) -> list[RoundInfo]:
    rows = conn.execute(
        "SELECT id, wave, name, status FROM rounds WHERE organisation_id = ? ORDER BY wave", [organisation_id]
    ).fetchall()
    return [RoundInfo(*r) for r in rows]


def open_round_of(conn: duckdb.DuckDBPyConnection, organisation_id: int) -> RoundInfo | None:
    return next((r for r in rounds_of(conn, organisation_id) if r.status == "open"), None)


def data_version(conn: duckdb.DuckDBPyConnection) -> tuple[int, int, int]:
    """Changes whenever a response is added or removed: the key for cached dashboard results."""
    return conn.execute(
        "SELECT (SELECT count(*) FROM responses), (SELECT coalesce(max(id), 0) FROM responses),"
        " (SELECT coalesce(max(id), 0) FROM audit_log)"
    ).fetchone()


# ---- the personal report ------------------------------------------------------------------------


def response_intensity(conn: duckdb.DuckDBPyConnection, response_id: int) -> dict[str, tuple[int | None, int | None]]:
    rows = conn.execute(
        "SELECT partner_type, current_level, desired_level FROM intensity_answers WHERE response_id = ?", [response_id]
    ).fetchall()
    return {partner: (current, desired) for partner, current, desired in rows}


def personal_report(
    conn: duckdb.DuckDBPyConnection,
    questionnaire: Questionnaire,
    settings: Settings,
    model: ScoringModel,
    *,
    user_id: int,
    round_id: int,
    lang: str,
    person: str,
) -> PersonalReport | None:
    """The owner's report of one round, with the team mean only when the team reaches its threshold."""
    found = conn.execute(
        "SELECT p.id, p.team_id, r.name FROM responses p JOIN rounds r ON r.id = p.round_id"
        " WHERE p.user_id = ? AND p.round_id = ?",
        [user_id, round_id],
    ).fetchone()
    if found is None:
        return None
    response_id, team_id, round_name = found
    team = team_aggregate(conn, team_id, round_id, settings.privacy.team_threshold, privacy=settings.privacy)
    trend = [TrendPoint(info.name, scores) for info, scores in person_trend(conn, user_id)]
    return build_personal_report(
        questionnaire,
        settings,
        model,
        lang=lang,
        person=person,
        round_name=round_name,
        answers=response_answers(conn, response_id),
        intensity=response_intensity(conn, response_id),
        scores=response_scores(conn, response_id),
        team_means=team.means() if team.visible else {},
        trend=trend,
    )
