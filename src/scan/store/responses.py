"""The write path of a scan: drafts while filling in, one transaction per submission, deletion on request."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb

from scan.config import settings
from scan.questionnaire import Questionnaire
from scan.scoring import ScoringModel, score_answers
from scan.store.aggregates import refresh_team_aggregates
from scan.store.db import transaction
from scan.store.org import audit
from scan.validation import CodedError, InvalidInput, Problem, validate_answers, validate_choices, validate_intensity


class SubmissionRefused(CodedError):
    """The submission cannot be stored; ``code`` names the reason for the UI (error.<code>)."""


@dataclass(frozen=True)
class Tie:
    target_user_id: int
    frequency: int  # 0 never .. 4 (almost) daily
    support: bool  # "I ask this colleague for support"


@dataclass(frozen=True)
class Submission:
    submission_key: str
    user_id: int
    team_id: int
    round_id: int
    answers: Mapping[str, int | None]
    intensity: Mapping[str, tuple[int | None, int | None]] = field(default_factory=dict)
    ties: Sequence[Tie] = ()
    external_partners: Sequence[str] = ()  # partner types outside the team one works with


@dataclass(frozen=True)
class SubmitResult:
    response_id: int
    created: bool


def _tie_problems(submission: Submission, roster: set[int] | None) -> list[Problem]:
    """What is wrong with the ties; with ``roster`` None only what can be seen without the database."""
    problems = []
    for tie in submission.ties:
        if tie.target_user_id == submission.user_id or (roster is not None and tie.target_user_id not in roster):
            problems.append(Problem("unknown_colleague", str(tie.target_user_id), "tie to someone outside the team"))
        if isinstance(tie.frequency, bool) or tie.frequency not in range(0, 5):
            problems.append(Problem("out_of_range", str(tie.target_user_id), f"frequency {tie.frequency!r} is not 0-4"))
    if len({t.target_user_id for t in submission.ties}) != len(submission.ties):
        problems.append(Problem("duplicate_colleague", None, "a colleague is named twice"))
    return problems


def _refusal(conn: duckdb.DuckDBPyConnection, submission: Submission) -> SubmissionRefused | InvalidInput:
    """Why a submission was not stored: the round, the membership, or (only then) a tie."""
    status = conn.execute("SELECT status FROM rounds WHERE id = ?", [submission.round_id]).fetchone()
    if status is None or status[0] != "open":
        return SubmissionRefused("round_closed", "this measurement round is not open")
    roster = {
        row[0]
        for row in conn.execute("SELECT user_id FROM memberships WHERE team_id = ?", [submission.team_id]).fetchall()
    }
    if submission.user_id in roster:
        problems = _tie_problems(submission, roster)
        if problems:
            return InvalidInput(problems)
    return SubmissionRefused("not_a_member", "the user is not a member of this team")


# One statement stores a whole submission (DuckDB charges about a millisecond per statement, and more for
# each statement's joins). The checks ride along with the response row: an open round, a member of the
# team, every named colleague a member too; when they fail nothing at all is written, and _refusal says
# why. The unique keys on responses refuse a second submission (ConstraintException).
# Data-modifying CTEs (INSERT ... RETURNING inside WITH, every one of them executed once) are
# PostgreSQL and DuckDB (≥ 1.4) SQL, not SQLite: a port to SQLite would send the same statements one by one.
_RESPONSE = """
    response AS (
        INSERT INTO responses (id, submission_key, user_id, team_id, round_id, questionnaire_version)
        SELECT nextval('responses_id'), $key, $user, $team, $round, $version FROM rounds r
        WHERE r.id = $round AND r.status = 'open'
          AND EXISTS (SELECT 1 FROM memberships WHERE user_id = $user AND team_id = $team)
          AND len($tie_targets::BIGINT[]) = (SELECT count(*) FROM memberships
                                             WHERE team_id = $team AND list_contains($tie_targets::BIGINT[], user_id))
        RETURNING id
    )"""
_PARTS = {
    "answers": "INSERT INTO answers SELECT id, unnest($items::VARCHAR[]), unnest($values::TINYINT[]) FROM response",
    "scores": "INSERT INTO scores SELECT id, unnest($dimensions::VARCHAR[]), unnest($scores::DOUBLE[]) FROM response",
    # One aggregate row per dimension: appended, summed when read (an upsert on a keyed table cost 8 ms).
    "aggregates": (
        "INSERT INTO team_aggregates SELECT t.id, $round, d.id, l.organisation_id, t.location_id, 1,"
        " x.score, x.score * x.score, x.score, x.score"
        " FROM response CROSS JOIN teams t JOIN locations l ON l.id = t.location_id"
        " CROSS JOIN (SELECT unnest($dimensions::VARCHAR[]) AS name, unnest($scores::DOUBLE[]) AS score) x"
        " JOIN dimensions d ON d.name = x.name WHERE t.id = $team"
    ),
    "intensity": (
        "INSERT INTO intensity_answers SELECT id, unnest($partners::VARCHAR[]), unnest($current::TINYINT[]),"
        " unnest($desired::TINYINT[]) FROM response"
    ),
    "ties": (
        "INSERT INTO network_ties SELECT id, unnest($tie_targets::BIGINT[]), unnest($tie_frequencies::TINYINT[]),"
        " unnest($tie_support::BOOLEAN[]) FROM response"
    ),
    "external": "INSERT INTO external_contacts SELECT id, unnest($external::VARCHAR[]) FROM response",
    "draft": "DELETE FROM drafts WHERE user_id = $user AND round_id = $round AND EXISTS (SELECT 1 FROM response)",
}


def _submit_statement(parts: tuple[str, ...]) -> str:
    ctes = [_RESPONSE] + [f"    {name}_written AS ({_PARTS[name]})" for name in parts]
    return "WITH" + ",\n".join(ctes) + "\nSELECT id FROM response"


def submit(
    conn: duckdb.DuckDBPyConnection, questionnaire: Questionnaire, model: ScoringModel, submission: Submission
) -> SubmitResult:
    """Store a finished scan: response, answers, intensity, ties, scores and the team aggregate, all or nothing.

    Sending the same submission (same key) again returns the stored one and writes nothing.
    """
    answers = validate_answers(questionnaire, submission.answers)
    intensity = validate_intensity(questionnaire, submission.intensity)
    validate_choices(submission.external_partners, {p.id for p in settings().external_partners}, "partner_type")
    scores = score_answers(model, answers)
    given = {item_id: value for item_id, value in answers.items() if value is not None}
    params = {
        "key": submission.submission_key, "user": submission.user_id, "team": submission.team_id,
        "round": submission.round_id, "version": questionnaire.version,
        "tie_targets": [t.target_user_id for t in submission.ties],
        "items": list(given), "values": list(given.values()),
        "dimensions": list(scores), "scores": list(scores.values()),
        "partners": list(intensity), "current": [p[0] for p in intensity.values()],
        "desired": [p[1] for p in intensity.values()],
        "tie_frequencies": [t.frequency for t in submission.ties], "tie_support": [t.support for t in submission.ties],
        "external": sorted(set(submission.external_partners)),
    }  # fmt: skip
    parts = ("answers",) + ("scores", "aggregates") * bool(scores) + ("intensity",) * bool(intensity)
    parts += ("ties",) * bool(submission.ties) + ("external",) * bool(submission.external_partners) + ("draft",)
    statement = _submit_statement(parts)
    used = {name: value for name, value in params.items() if f"${name}" in statement}

    try:
        with transaction(conn):
            # A tie the database need not be asked about (to oneself, twice, a frequency out of range) is
            # refused before anything is written, after the round and the membership, as always.
            inserted = None if _tie_problems(submission, None) else conn.execute(statement, used).fetchone()
            if inserted is None:
                raise _refusal(conn, submission)
            response_id = inserted[0]

    except duckdb.ConstraintException:
        # The same key again (a double click), or a second scan by the same person in this round.
        existing = conn.execute(
            "SELECT id FROM responses WHERE submission_key = ?", [submission.submission_key]
        ).fetchone()
        if existing:
            return SubmitResult(existing[0], created=False)
        if conn.execute(
            "SELECT 1 FROM responses WHERE user_id = ? AND round_id = ?",
            [submission.user_id, submission.round_id],
        ).fetchone():
            raise SubmissionRefused("already_submitted", "this user already submitted in this round") from None
        raise
    return SubmitResult(response_id, created=True)


def save_draft(conn: duckdb.DuckDBPyConnection, user_id: int, round_id: int, payload: Mapping[str, Any]) -> None:
    conn.execute(
        "INSERT INTO drafts (user_id, round_id, payload) VALUES (?, ?, ?)"
        " ON CONFLICT (user_id, round_id) DO UPDATE SET payload = excluded.payload, updated_at = now()",
        [user_id, round_id, json.dumps(payload, ensure_ascii=False)],
    )


def load_draft(conn: duckdb.DuckDBPyConnection, user_id: int, round_id: int) -> dict[str, Any] | None:
    row = conn.execute("SELECT payload FROM drafts WHERE user_id = ? AND round_id = ?", [user_id, round_id]).fetchone()
    return json.loads(row[0]) if row else None


def delete_person_data(conn: duckdb.DuckDBPyConnection, user_id: int, *, actor_user_id: int | None = None) -> int:
    """Remove a person's answers, scores, intensity, ties (both directions) and drafts; the aggregates follow.

    Returns the number of responses removed.
    """
    with transaction(conn):
        affected = conn.execute(
            "SELECT DISTINCT team_id, round_id FROM responses WHERE user_id = ?", [user_id]
        ).fetchall()
        for table in ("answers", "scores", "intensity_answers", "network_ties", "external_contacts"):
            conn.execute(
                f"DELETE FROM {table} WHERE response_id IN (SELECT id FROM responses WHERE user_id = ?)",
                [user_id],
            )
        conn.execute("DELETE FROM responses WHERE user_id = ?", [user_id])
        # Recomputed rather than subtracted: exact, and min/max cannot be undone incrementally.
        refresh_team_aggregates(conn, affected)
        conn.execute("DELETE FROM network_ties WHERE target_user_id = ?", [user_id])
        conn.execute("DELETE FROM drafts WHERE user_id = ?", [user_id])
        audit(
            conn,
            actor_user_id if actor_user_id is not None else user_id,
            "person.delete_data",
            {"user_id": user_id},
        )
    return len(affected)
