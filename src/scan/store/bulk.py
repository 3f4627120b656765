"""Bulk writes for the demo and benchmark data sets: the same rows as ``submit``, set-based.

Scores come from the same ``scoring.score_matrix`` as a single submission, so both paths agree.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from scan.questionnaire import Questionnaire
from scan.scoring import ScoringModel, score_matrix
from scan.store.db import transaction


@dataclass(frozen=True)
class ResponseBatch:
    """Responses as arrays; row k of every array belongs to the same response."""

    user_ids: np.ndarray
    team_ids: np.ndarray
    round_ids: np.ndarray
    values: np.ndarray  # responses × items, NaN = unanswered or not applicable
    intensity_current: np.ndarray  # responses × partner types, NaN = not answered
    intensity_desired: np.ndarray
    ties: pd.DataFrame  # row (index into this batch), target_user_id, frequency, support


def next_ids(conn: duckdb.DuckDBPyConnection, sequence: str, count: int) -> np.ndarray:
    return conn.execute(f"SELECT nextval('{sequence}') FROM range(?)", [count]).fetchnumpy()[f"nextval('{sequence}')"]


def insert_structure(
    conn: duckdb.DuckDBPyConnection,
    organisations: list[str],
    locations: list[tuple[int, str]],
    teams: list[tuple[int, str]],
    round_names: tuple[str, ...],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Organisations, their locations (organisation index, name) and teams (location index, name), and for
    every organisation its rounds, all closed but the last. Returns the ids: organisations, teams, and rounds
    as an organisations × rounds array."""
    org_ids = next_ids(conn, "organisations_id", len(organisations))
    loc_ids = next_ids(conn, "locations_id", len(locations))
    team_ids = next_ids(conn, "teams_id", len(teams))
    round_ids = next_ids(conn, "rounds_id", len(organisations) * len(round_names)).reshape(-1, len(round_names))
    frames = {
        "b_orgs": pd.DataFrame({"id": org_ids, "name": organisations}),
        "b_locs": pd.DataFrame(
            {"id": loc_ids, "org": org_ids[[o for o, _ in locations]], "name": [n for _, n in locations]}
        ),
        "b_teams": pd.DataFrame({"id": team_ids, "loc": loc_ids[[x for x, _ in teams]], "name": [n for _, n in teams]}),
        "b_rounds": pd.DataFrame(
            {
                "id": round_ids.ravel(),
                "org": np.repeat(org_ids, len(round_names)),
                "name": list(round_names) * len(organisations),
                "wave": np.tile(np.arange(1, len(round_names) + 1), len(organisations)),
            }
        ),
    }
    with transaction(conn):
        for name, frame in frames.items():
            conn.register(name, frame)
        conn.execute("INSERT INTO organisations SELECT id, name FROM b_orgs")
        conn.execute("INSERT INTO locations SELECT id, org, name FROM b_locs")
        conn.execute("INSERT INTO teams SELECT id, loc, name FROM b_teams")
        conn.execute(
            "INSERT INTO rounds (id, organisation_id, name, wave, status, closed_at)"
            " SELECT id, org, name, wave, CASE WHEN wave = ? THEN 'open' ELSE 'closed' END,"
            " CASE WHEN wave = ? THEN NULL ELSE current_timestamp END FROM b_rounds",
            [len(round_names), len(round_names)],
        )
        for name in frames:
            conn.unregister(name)
    return org_ids, team_ids, round_ids


def insert_users(conn: duckdb.DuckDBPyConnection, users: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Roster members without a login: organisation_id, display_name, discipline, team_id. Returns their ids."""
    ids = next_ids(conn, "users_id", len(users))
    frame = pd.DataFrame(
        {
            "id": ids,
            "organisation_id": users["organisation_id"].to_numpy(),
            "pseudonym": ["r" + h for h in rng.bytes(8 * len(users)).hex(" ", 8).split(" ")] if len(users) else [],
            "display_name": users["display_name"].to_numpy(),
            "discipline": users["discipline"].to_numpy(),
            "team_id": users["team_id"].to_numpy(),
        }
    )
    with transaction(conn):
        conn.register("new_users", frame)
        conn.execute(
            "INSERT INTO users (id, organisation_id, pseudonym, display_name, discipline)"
            " SELECT id, organisation_id, pseudonym, display_name, discipline FROM new_users"
        )
        conn.execute("INSERT INTO user_roles SELECT id, 'professional' FROM new_users")
        conn.execute("INSERT INTO memberships SELECT id, team_id FROM new_users")
        conn.unregister("new_users")
    return ids


def _long(response_ids: np.ndarray, matrix: np.ndarray, columns: tuple[str, ...], name: str) -> pd.DataFrame:
    """A responses × columns matrix as (response_id, column, value) rows in response order, NaN left out."""
    rows, cols = np.nonzero(~np.isnan(matrix))
    return pd.DataFrame(
        {
            "response_id": response_ids[rows],
            name: pd.Categorical.from_codes(cols, categories=list(columns)),
            "value": matrix[rows, cols],
        }
    )


def insert_responses(
    conn: duckdb.DuckDBPyConnection,
    questionnaire: Questionnaire,
    model: ScoringModel,
    batch: ResponseBatch,
    partner_types: tuple[str, ...],
) -> np.ndarray:
    """Insert a batch of finished scans in one transaction. Returns the response ids, in batch order.

    Nothing is released: the loader calls ``store.released.release_everything`` once, after its last batch."""
    n = len(batch.user_ids)
    ids = next_ids(conn, "responses_id", n)
    responses = pd.DataFrame(
        {
            "id": ids,
            "submission_key": [f"bulk-{i}" for i in ids],
            "user_id": batch.user_ids,
            "team_id": batch.team_ids,
            "round_id": batch.round_ids,
        }
    )
    answers = _long(ids, batch.values, model.item_ids, "item_id")
    scores = _long(ids, score_matrix(model, batch.values), model.dimension_ids, "dimension")
    current = _long(ids, batch.intensity_current, partner_types, "partner_type")
    desired = _long(ids, batch.intensity_desired, partner_types, "partner_type")
    ties = batch.ties.assign(response_id=ids[batch.ties["row"].to_numpy()]) if len(batch.ties) else None

    with transaction(conn):
        for name, frame in (("b_responses", responses), ("b_answers", answers), ("b_scores", scores)):
            conn.register(name, frame)
        conn.execute(
            "INSERT INTO responses (id, submission_key, user_id, team_id, round_id, questionnaire_version)"
            " SELECT id, submission_key, user_id, team_id, round_id, ? FROM b_responses",
            [questionnaire.version],
        )
        conn.execute("INSERT INTO answers SELECT response_id, item_id, value::TINYINT FROM b_answers")
        conn.execute("INSERT INTO scores SELECT response_id, dimension, value FROM b_scores")
        conn.register("b_current", current)
        conn.register("b_desired", desired)
        conn.execute(
            "INSERT INTO intensity_answers"
            " SELECT coalesce(c.response_id, d.response_id), coalesce(c.partner_type, d.partner_type),"
            "        c.value::TINYINT, d.value::TINYINT"
            " FROM b_current c FULL JOIN b_desired d USING (response_id, partner_type)"
            " ORDER BY 1"
        )
        if ties is not None:
            conn.register("b_ties", ties)
            conn.execute(
                "INSERT INTO network_ties SELECT response_id, target_user_id, frequency::TINYINT, support FROM b_ties"
            )
            conn.unregister("b_ties")
        for name in ("b_responses", "b_answers", "b_scores", "b_current", "b_desired"):
            conn.unregister(name)
    return ids
