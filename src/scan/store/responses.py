"""The write path of a scan: drafts while filling in, one transaction per submission, deletion on request."""

from __future__ import annotations

import json
import threading
import weakref
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import duckdb

from scan.config import settings
from scan.questionnaire import Questionnaire
from scan.scoring import ScoringModel, score_answers
from scan.store.db import WriteConflict, back_off, in_transaction, is_conflict, transaction, write
from scan.store.org import audit, organisation_of_user
from scan.store.released import release
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
    # The network step's agreement: colleagues may see one's name in the network picture (off unless ticked).
    network_names_agreed: bool = False


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


# One statement stores a whole submission (and store.released then decides whether the team's figures move on,
# in the same transaction): DuckDB spends most of a small statement's time parsing, binding
# and planning it (1-3 ms each), so eight statements cost 24-27 ms and this one 15-19. The checks ride along
# with the response row: an open round, a member of the team, every named colleague a member too; when
# they fail nothing at all is written, and _refusal says why. The unique keys on responses refuse a second
# submission (ConstraintException).
# Portability: data-modifying CTEs (INSERT/DELETE inside WITH, each executed once even when nothing reads
# it) are PostgreSQL SQL as well (verified on DuckDB 2.0), not SQLite's; a port to SQLite would send the
# parts one by one in a transaction. DuckDB spellings: list_contains(), len() and ::T[] casts of list
# parameters (PostgreSQL: = ANY(), cardinality(), ::T[]).
_RESPONSE = """
    response AS (
        INSERT INTO responses (id, submission_key, user_id, team_id, round_id, questionnaire_version,
                               network_names_agreed)
        SELECT nextval('responses_id'), $key, $user, $team, $round, $version, $names_agreed FROM rounds r
        WHERE r.id = $round AND r.status = 'open'
          -- the person and every colleague they name (all different, checked before) are in the team
          AND len($members::BIGINT[]) = (SELECT count(*) FROM memberships
                                         WHERE team_id = $team AND list_contains($members::BIGINT[], user_id))
        RETURNING id
    )"""
_PARTS = {
    "answers": "INSERT INTO answers SELECT id, unnest($items::VARCHAR[]), unnest($values::TINYINT[]) FROM response",
    "scores": "INSERT INTO scores SELECT id, unnest($dimensions::VARCHAR[]), unnest($scores::DOUBLE[]) FROM response",
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


@dataclass(frozen=True)
class _Prepared:
    """A validated and scored submission, ready to be written alone or with others."""

    submission: Submission
    version: str
    given: dict[str, int]  # answered items
    scores: dict[str, float]
    intensity: dict[str, tuple[int | None, int | None]]
    external: list[str]
    ties_suspect: bool  # a tie is wrong without asking the database: nothing is written, _refusal says why


def _prepare(questionnaire: Questionnaire, model: ScoringModel, submission: Submission) -> _Prepared:
    answers = validate_answers(questionnaire, submission.answers)
    intensity = validate_intensity(questionnaire, submission.intensity)
    validate_choices(submission.external_partners, {p.id for p in settings().external_partners}, "partner_type")
    return _Prepared(
        submission=submission,
        version=questionnaire.version,
        given={item_id: value for item_id, value in answers.items() if value is not None},
        scores=score_answers(model, answers),
        intensity=dict(intensity),
        external=sorted(set(submission.external_partners)),
        ties_suspect=bool(_tie_problems(submission, None)),
    )


def submit(
    conn: duckdb.DuckDBPyConnection, questionnaire: Questionnaire, model: ScoringModel, submission: Submission
) -> SubmitResult:
    """Store a finished scan: response, answers, intensity, ties, scores and the release rule, all or nothing.

    Sending the same submission (same key) again returns the stored one and writes nothing. While other
    submissions are being written, this one may be written in one transaction together with them (group
    commit); its outcome is the same as alone.
    """
    prepared = _prepare(questionnaire, model, submission)
    with _group_commit.arrived() as together:
        if together and not prepared.ties_suspect and not in_transaction(conn):
            group = _group_commit.group_of(conn)
            if group is not None:
                result = group.write(conn, prepared)
                if result is not None:
                    return result
        # Alone, or not written with the others (a refusal, a double submission, a conflict): on its own,
        # which gives exactly the outcome it would have had without the others.
        return _store_one(conn, prepared)


def _store_one(conn: duckdb.DuckDBPyConnection, prepared: _Prepared) -> SubmitResult:
    submission = prepared.submission
    params = {
        "key": submission.submission_key, "user": submission.user_id, "team": submission.team_id,
        "round": submission.round_id, "version": prepared.version,
        "names_agreed": submission.network_names_agreed is True,
        "tie_targets": [t.target_user_id for t in submission.ties],
        "members": [submission.user_id] + [t.target_user_id for t in submission.ties],
        "items": list(prepared.given), "values": list(prepared.given.values()),
        "dimensions": list(prepared.scores), "scores": list(prepared.scores.values()),
        "partners": list(prepared.intensity), "current": [p[0] for p in prepared.intensity.values()],
        "desired": [p[1] for p in prepared.intensity.values()],
        "tie_frequencies": [t.frequency for t in submission.ties], "tie_support": [t.support for t in submission.ties],
        "external": prepared.external,
    }  # fmt: skip
    parts = ("answers",) + ("scores",) * bool(prepared.scores) + ("intensity",) * bool(prepared.intensity)
    parts += ("ties",) * bool(submission.ties) + ("external",) * bool(prepared.external) + ("draft",)
    statement = _submit_statement(parts)
    used = {name: value for name, value in params.items() if f"${name}" in statement}

    for attempt in range(1, _SUBMIT_ATTEMPTS + 1):
        try:
            # One statement, and the release rule in the same transaction (a caller's, when there is one): the
            # team's released sets never miss a stored response's turn. A tie the database need not be asked about
            # (to oneself, twice, a frequency out of range) is refused before anything is written, after the round
            # and the membership.
            inserted = None
            if not prepared.ties_suspect:
                with transaction(conn):
                    inserted = conn.execute(statement, used).fetchone()
                    if inserted is not None:
                        release(conn, [(submission.team_id, submission.round_id)])
        except (duckdb.ConstraintException, duckdb.TransactionException) as exc:
            # A double click or a second tab: the unique keys refuse the second copy, during the statement
            # (ConstraintException) or, when both ran at the same moment, at its commit (TransactionException).
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
            # Another writer touched a row this one writes too (say, the draft a second tab was saving, or the
            # released set of the same team: two releases at once conflict by design, see store.released).
            if attempt == _SUBMIT_ATTEMPTS or in_transaction(conn):
                raise WriteConflict(str(exc)) from exc
            back_off(attempt)
            continue
        if inserted is None:
            raise _refusal(conn, submission)
        return SubmitResult(inserted[0], created=True)
    raise AssertionError("unreachable")


# Enough for 16 writers releasing the sets of the same four teams at once (tests/unit/test_group_commit.py).
_SUBMIT_ATTEMPTS = 8


# ---- group commit ---------------------------------------------------------------------------------
# Concurrent submissions on separate cursors do not conflict, but each costs DuckDB its own statement and
# commit, and they queue for the same two cores. While one submission is being written, the ones that
# arrive wait, and the next of them writes all that have gathered in one statement and one transaction
# (a leader among the waiting threads, no thread of its own). A batch either commits as a whole or not
# at all: everything it did not store (the checks failed, a key or a person twice, a conflict, an error)
# is then stored by its own thread on its own, exactly as without the others.

_BATCH = """
WITH
    batch AS (
        SELECT unnest($k::INTEGER[]) AS k, unnest($keys::VARCHAR[]) AS submission_key,
               unnest($users::BIGINT[]) AS user_id, unnest($teams::BIGINT[]) AS team_id,
               unnest($rounds::BIGINT[]) AS round_id, unnest($names_agreed::BOOLEAN[]) AS network_names_agreed
    ),
    named AS (
        SELECT unnest($tie_k::INTEGER[]) AS k, unnest($tie_targets::BIGINT[]) AS target,
               unnest($tie_frequencies::TINYINT[]) AS frequency, unnest($tie_support::BOOLEAN[]) AS support
    ),
    score_rows AS (
        SELECT unnest($score_k::INTEGER[]) AS k, unnest($dimensions::VARCHAR[]) AS dimension,
               unnest($scores::DOUBLE[]) AS score
    ),
    -- The rosters of the batch's teams first: checked against all memberships, DuckDB would build a hash
    -- table of every membership (at 1,000,000 respondents 110 of the batch's 140 ms).
    team_members AS (SELECT user_id, team_id FROM memberships WHERE team_id IN (SELECT team_id FROM batch)),
    allowed AS (
        SELECT b.* FROM batch b
        WHERE EXISTS (SELECT 1 FROM rounds r WHERE r.id = b.round_id AND r.status = 'open')
          AND EXISTS (SELECT 1 FROM team_members m WHERE m.user_id = b.user_id AND m.team_id = b.team_id)
          AND NOT EXISTS (
              SELECT 1 FROM named t WHERE t.k = b.k
                AND NOT EXISTS (SELECT 1 FROM team_members m WHERE m.user_id = t.target AND m.team_id = b.team_id)
          )
    ),
    response AS (
        INSERT INTO responses (id, submission_key, user_id, team_id, round_id, questionnaire_version,
                               network_names_agreed)
        SELECT nextval('responses_id'), submission_key, user_id, team_id, round_id, $version, network_names_agreed
        FROM allowed ORDER BY k
        RETURNING id, submission_key, user_id, team_id, round_id
    ),
    written AS (SELECT r.*, b.k FROM response r JOIN batch b USING (submission_key)),
    answers_written AS (
        INSERT INTO answers SELECT w.id, a.item_id, a.value FROM written w
        JOIN (SELECT unnest($answer_k::INTEGER[]) AS k, unnest($items::VARCHAR[]) AS item_id,
                     unnest($values::TINYINT[]) AS value) a USING (k)
        ORDER BY w.id
    ),
    scores_written AS (
        INSERT INTO scores SELECT w.id, s.dimension, s.score FROM written w JOIN score_rows s USING (k) ORDER BY w.id
    ),
    intensity_written AS (
        INSERT INTO intensity_answers SELECT w.id, i.partner_type, i.current_level, i.desired_level FROM written w
        JOIN (SELECT unnest($intensity_k::INTEGER[]) AS k, unnest($partners::VARCHAR[]) AS partner_type,
                     unnest($current::TINYINT[]) AS current_level, unnest($desired::TINYINT[]) AS desired_level) i
        USING (k)
    ),
    ties_written AS (
        INSERT INTO network_ties SELECT w.id, t.target, t.frequency, t.support FROM written w JOIN named t USING (k)
    ),
    external_written AS (
        INSERT INTO external_contacts SELECT w.id, e.partner_type FROM written w
        JOIN (SELECT unnest($external_k::INTEGER[]) AS k, unnest($external::VARCHAR[]) AS partner_type) e USING (k)
    ),
    drafts_deleted AS (
        DELETE FROM drafts
        WHERE EXISTS (SELECT 1 FROM written w WHERE w.user_id = drafts.user_id AND w.round_id = drafts.round_id)
    )
SELECT k, id FROM written
"""
MAX_BATCH = 64


def _batch_params(batch: Sequence[_Prepared]) -> dict[str, Any]:
    params: dict[str, list] = {
        name: []
        for name in ("k", "keys", "users", "teams", "rounds", "names_agreed", "tie_k", "tie_targets",
                     "tie_frequencies", "tie_support", "score_k", "dimensions", "scores", "answer_k", "items", "values",
                     "intensity_k", "partners", "current", "desired", "external_k", "external")
    }  # fmt: skip
    for k, prepared in enumerate(batch):
        submission = prepared.submission
        params["k"].append(k)
        params["keys"].append(submission.submission_key)
        params["users"].append(submission.user_id)
        params["teams"].append(submission.team_id)
        params["rounds"].append(submission.round_id)
        params["names_agreed"].append(submission.network_names_agreed is True)
        for tie in submission.ties:
            params["tie_k"].append(k)
            params["tie_targets"].append(tie.target_user_id)
            params["tie_frequencies"].append(tie.frequency)
            params["tie_support"].append(tie.support)
        for dimension, score in prepared.scores.items():
            params["score_k"].append(k)
            params["dimensions"].append(dimension)
            params["scores"].append(score)
        for item_id, value in prepared.given.items():
            params["answer_k"].append(k)
            params["items"].append(item_id)
            params["values"].append(value)
        for partner, (current, desired) in prepared.intensity.items():
            params["intensity_k"].append(k)
            params["partners"].append(partner)
            params["current"].append(current)
            params["desired"].append(desired)
        for partner in prepared.external:
            params["external_k"].append(k)
            params["external"].append(partner)
    return params | {"version": batch[0].version}


class _Waiting:
    __slots__ = ("prepared", "result", "done")

    def __init__(self, prepared: _Prepared):
        self.prepared = prepared
        self.result: SubmitResult | None = None  # None when done: store it on its own
        self.done = False


class _Group:
    """The submissions waiting to be written to one database file."""

    def __init__(self) -> None:
        self._changed = threading.Condition(threading.Lock())
        self._queue: list[_Waiting] = []
        self._writing = False

    def write(self, conn: duckdb.DuckDBPyConnection, prepared: _Prepared) -> SubmitResult | None:
        """Stored together with others, or alone while others gathered (the result, or the refusal raised),
        or None: to be stored on its own."""
        mine = _Waiting(prepared)
        with self._changed:
            self._queue.append(mine)
            while not mine.done:
                if self._writing:
                    self._changed.wait()
                    continue
                # This thread writes what has gathered, its own submission included.
                self._writing = True
                batch, self._queue = self._queue[:MAX_BATCH], self._queue[MAX_BATCH:]
                self._changed.release()
                try:
                    if batch == [mine]:  # alone after all: the single statement (its refusals are raised here)
                        mine.result = _store_one(conn, prepared)
                    else:
                        _store_batch(conn, batch)
                finally:
                    self._changed.acquire()
                    self._writing = False
                    for waiting in batch:
                        waiting.done = True
                    self._changed.notify_all()
        return mine.result


def _store_batch(conn: duckdb.DuckDBPyConnection, batch: list[_Waiting]) -> None:
    """Write the batch in one transaction; set the result of each submission it stored."""
    # One submission per key and per person and round: a second one is left to store on its own, after
    # this batch, where it finds the first (the stored result, or already_submitted).
    seen: set[object] = set()
    chosen = []
    for waiting in batch:
        submission = waiting.prepared.submission
        marks = (submission.submission_key, (submission.user_id, submission.round_id))
        if not seen.intersection(marks):
            chosen.append(waiting)
        seen.update(marks)
    try:  # one statement and the release rule of its teams: all of the batch or nothing
        with transaction(conn):
            stored = dict(conn.execute(_BATCH, _batch_params([w.prepared for w in chosen])).fetchall())
            # In batch order, each as if alone: the rule runs after every submission, not once per batch.
            written = [chosen[k].prepared.submission for k in sorted(stored)]
            pairs = [(submission.team_id, submission.round_id) for submission in written]
            release(conn, pairs, arrivals=[stored[k] for k in sorted(stored)])
    except Exception:  # a key or a person stored before, a conflict: each on its own says which
        return
    for k, waiting in enumerate(chosen):
        if k in stored:
            waiting.result = SubmitResult(stored[k], created=True)


class _GroupCommit:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._in_flight = 0
        self._groups: dict[str, _Group] = {}
        self._paths: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, str | None] = weakref.WeakKeyDictionary()

    @contextmanager
    def arrived(self) -> Iterator[bool]:
        """Counts the submissions in progress; True when others are in progress too."""
        with self._lock:
            others = self._in_flight
            self._in_flight += 1
        try:
            yield others > 0
        finally:
            with self._lock:
                self._in_flight -= 1

    def group_of(self, conn: duckdb.DuckDBPyConnection) -> _Group | None:
        """The queue of the database file this cursor writes to (None in memory: nothing to share)."""
        with self._lock:
            known = conn in self._paths
            path = self._paths.get(conn)
        if not known:
            row = conn.execute(
                "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
            ).fetchone()  # DuckDB's catalog: a port would key the queue on its own connection settings
            path = row[0] if row else None
            with self._lock:
                self._paths[conn] = path
        if path is None:
            return None
        with self._lock:
            return self._groups.setdefault(path, _Group())


_group_commit = _GroupCommit()


def save_draft(conn: duckdb.DuckDBPyConnection, user_id: int, round_id: int, payload: Mapping[str, Any]) -> None:
    """Keep the draft unless the stored one has a higher ``revision``.

    Two script runs of one session can save at nearly the same moment (quick clicks), and the run that took its
    copy first may write last: the revision keeps that older copy from replacing the newer one. Two tabs of one
    person saving at once: the higher revision wins after a retry."""
    revision = "CASE WHEN json_valid({0}) THEN TRY_CAST(json_extract_string({0}, '$.revision') AS BIGINT) END"
    revision = f"coalesce({revision}, 0)"
    write(
        conn,
        lambda: conn.execute(
            "INSERT INTO drafts (user_id, round_id, payload) VALUES (?, ?, ?)"
            " ON CONFLICT (user_id, round_id) DO UPDATE SET payload = excluded.payload, updated_at = now()"
            f" WHERE {revision.format('excluded.payload')} >= {revision.format('drafts.payload')}",
            [user_id, round_id, json.dumps(payload, ensure_ascii=False)],
        ),
        upsert=True,
    )


def load_draft(conn: duckdb.DuckDBPyConnection, user_id: int, round_id: int) -> dict[str, Any] | None:
    row = conn.execute("SELECT payload FROM drafts WHERE user_id = ? AND round_id = ?", [user_id, round_id]).fetchone()
    return json.loads(row[0]) if row else None


def delete_person_data(conn: duckdb.DuckDBPyConnection, user_id: int, *, actor_user_id: int | None = None) -> int:
    """Remove a person's answers, scores, intensity, ties (both directions) and drafts, at once; the released sets
    follow (store.released: a set that held a removed response is withheld until its next release).

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
        release(conn, affected)
        conn.execute("DELETE FROM network_ties WHERE target_user_id = ?", [user_id])
        conn.execute("DELETE FROM drafts WHERE user_id = ?", [user_id])
        audit(
            conn,
            actor_user_id if actor_user_id is not None else user_id,
            "person.delete_data",
            {"user_id": user_id},
            organisation_id=organisation_of_user(conn, user_id),
        )
    return len(affected)
