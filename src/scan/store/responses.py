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
from scan.store.db import WriteConflict, is_conflict, transaction, write
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


def _validate_ties(conn: duckdb.DuckDBPyConnection, submission: Submission) -> None:
    roster = {
        row[0]
        for row in conn.execute("SELECT user_id FROM memberships WHERE team_id = ?", [submission.team_id]).fetchall()
    }
    problems = []
    for tie in submission.ties:
        if tie.target_user_id == submission.user_id or tie.target_user_id not in roster:
            problems.append(Problem("unknown_colleague", str(tie.target_user_id), "tie to someone outside the team"))
        if isinstance(tie.frequency, bool) or tie.frequency not in range(0, 5):
            problems.append(Problem("out_of_range", str(tie.target_user_id), f"frequency {tie.frequency!r} is not 0-4"))
    if len({t.target_user_id for t in submission.ties}) != len(submission.ties):
        problems.append(Problem("duplicate_colleague", None, "a colleague is named twice"))
    if problems:
        raise InvalidInput(problems)


def _refusal(conn: duckdb.DuckDBPyConnection, submission: Submission) -> SubmissionRefused:
    status = conn.execute("SELECT status FROM rounds WHERE id = ?", [submission.round_id]).fetchone()
    if status is None or status[0] != "open":
        return SubmissionRefused("round_closed", "this measurement round is not open")
    return SubmissionRefused("not_a_member", "the user is not a member of this team")


def _insert_scores(
    conn: duckdb.DuckDBPyConnection, response_id: int, submission: Submission, scores: Mapping[str, float]
) -> None:
    """The response's scores, and one aggregate row per dimension: appended, summed when read."""
    params = {"response": response_id, "names": list(scores), "scores": list(scores.values())}
    unnested = (
        "(SELECT unnest($names::VARCHAR[]) AS name, unnest($scores::DOUBLE[]) AS score) x"
        " JOIN dimensions d USING (name)"
    )
    conn.execute(
        "INSERT INTO scores SELECT ?, unnest(?::VARCHAR[]), unnest(?::DOUBLE[])",
        [response_id, params["names"], params["scores"]],
    )
    conn.execute(
        "INSERT INTO team_aggregates SELECT t.id, $round, d.id, l.organisation_id, t.location_id, 1,"
        f" x.score, x.score * x.score, x.score, x.score FROM {unnested}"
        " CROSS JOIN teams t JOIN locations l ON l.id = t.location_id WHERE t.id = $team",
        {"names": params["names"], "scores": params["scores"], "team": submission.team_id,
         "round": submission.round_id},
    )  # fmt: skip


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

    for attempt in range(1, _SUBMIT_ATTEMPTS + 1):
        try:
            return _store_submission(conn, questionnaire, submission, given, scores, intensity)
        except (duckdb.ConstraintException, duckdb.TransactionException) as exc:
            # A double click or a second tab: the unique keys refuse the second copy, during the statement
            # (ConstraintException) or, when both transactions ran at once, at COMMIT (TransactionException).
            if isinstance(exc, duckdb.TransactionException) and not is_conflict(exc):
                raise
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
            # Another writer touched a row this one writes too (say, the draft a second tab was saving).
            if attempt == _SUBMIT_ATTEMPTS:
                raise WriteConflict(str(exc)) from exc
    raise AssertionError("unreachable")


_SUBMIT_ATTEMPTS = 3


def _store_submission(
    conn: duckdb.DuckDBPyConnection,
    questionnaire: Questionnaire,
    submission: Submission,
    given: Mapping[str, int],
    scores: Mapping[str, float],
    intensity: Mapping[str, tuple[int | None, int | None]],
) -> SubmitResult:
    with transaction(conn):
        # The checks ride along with the insert: an open round, a member of the team; the unique keys
        # refuse a second submission. Every statement costs DuckDB about a millisecond.
        inserted = conn.execute(
            """
            INSERT INTO responses (id, submission_key, user_id, team_id, round_id, questionnaire_version)
            SELECT nextval('responses_id'), $key, $user, $team, $round, $version FROM rounds r
            WHERE r.id = $round AND r.status = 'open'
              AND EXISTS (SELECT 1 FROM memberships WHERE user_id = $user AND team_id = $team)
            RETURNING id
            """,
            {"key": submission.submission_key, "user": submission.user_id, "team": submission.team_id,
             "round": submission.round_id, "version": questionnaire.version},
        ).fetchone()  # fmt: skip
        if inserted is None:
            raise _refusal(conn, submission)
        response_id = inserted[0]
        if submission.ties:
            _validate_ties(conn, submission)
        # Lists unnested in one statement: one round trip per table instead of one per row.
        conn.execute(
            "INSERT INTO answers SELECT ?, unnest(?::VARCHAR[]), unnest(?::TINYINT[])",
            [response_id, list(given), list(given.values())],
        )
        if scores:
            _insert_scores(conn, response_id, submission, scores)
        if intensity:
            conn.execute(
                "INSERT INTO intensity_answers SELECT ?, unnest(?::VARCHAR[]), unnest(?::TINYINT[]),"
                " unnest(?::TINYINT[])",
                [
                    response_id,
                    list(intensity),
                    [p[0] for p in intensity.values()],
                    [p[1] for p in intensity.values()],
                ],
            )
        if submission.ties:
            conn.execute(
                "INSERT INTO network_ties SELECT ?, unnest(?::BIGINT[]), unnest(?::TINYINT[]), unnest(?::BOOLEAN[])",
                [
                    response_id,
                    [t.target_user_id for t in submission.ties],
                    [t.frequency for t in submission.ties],
                    [t.support for t in submission.ties],
                ],
            )
        if submission.external_partners:
            conn.execute(
                "INSERT INTO external_contacts SELECT ?, unnest(?::VARCHAR[])",
                [response_id, sorted(set(submission.external_partners))],
            )
        conn.execute(
            "DELETE FROM drafts WHERE user_id = ? AND round_id = ?",
            [submission.user_id, submission.round_id],
        )
    return SubmitResult(response_id, created=True)


def save_draft(conn: duckdb.DuckDBPyConnection, user_id: int, round_id: int, payload: Mapping[str, Any]) -> None:
    """Two tabs of one person may save at the same moment: the later one wins after a retry."""
    write(
        conn,
        lambda: conn.execute(
            "INSERT INTO drafts (user_id, round_id, payload) VALUES (?, ?, ?)"
            " ON CONFLICT (user_id, round_id) DO UPDATE SET payload = excluded.payload, updated_at = now()",
            [user_id, round_id, json.dumps(payload, ensure_ascii=False)],
        ),
        upsert=True,
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
