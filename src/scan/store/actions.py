"""The team's action list: kept by the team lead per round, shown again beside the next round's results."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from scan.store.org import audit, organisation_of_team
from scan.validation import InvalidInput, Problem, clean_text

STATUSES = ("open", "busy", "done", "dropped")


@dataclass(frozen=True)
class Action:
    id: int
    round_id: int
    what: str
    who: str
    due: date | None
    status: str


def add_action(
    conn: duckdb.DuckDBPyConnection,
    *,
    team_id: int,
    round_id: int,
    what: str,
    who: str,
    due: date | None,
    actor_user_id: int,
) -> int:
    problems: list[Problem] = []
    try:
        what = clean_text(what, "what")
        who = clean_text(who, "who", max_length=120)
    except InvalidInput as exc:
        problems.extend(exc.problems)
    if not problems and not what:
        problems.append(Problem("required", "what", "what is to be done?"))
    if problems:
        raise InvalidInput(problems)
    action_id = conn.execute(
        "INSERT INTO team_actions (team_id, round_id, what, who, due, created_by) VALUES (?, ?, ?, ?, ?, ?)"
        " RETURNING id",
        [team_id, round_id, what, who or None, due, actor_user_id],
    ).fetchone()[0]
    detail = {"team_id": team_id, "action_id": action_id}
    audit(conn, actor_user_id, "action.add", detail, organisation_id=organisation_of_team(conn, team_id))
    return action_id


def set_status(conn: duckdb.DuckDBPyConnection, action_id: int, team_id: int, status: str, actor_user_id: int) -> None:
    if status not in STATUSES:
        raise InvalidInput([Problem("out_of_range", "status", f"unknown status {status!r}")])
    conn.execute("UPDATE team_actions SET status = ? WHERE id = ? AND team_id = ?", [status, action_id, team_id])
    detail = {"action_id": action_id, "status": status}
    audit(conn, actor_user_id, "action.status", detail, organisation_id=organisation_of_team(conn, team_id))


def actions_of(conn: duckdb.DuckDBPyConnection, team_id: int, round_id: int) -> list[Action]:
    rows = conn.execute(
        "SELECT id, round_id, what, coalesce(who, ''), due, status FROM team_actions"
        " WHERE team_id = ? AND round_id = ? ORDER BY id",
        [team_id, round_id],
    ).fetchall()
    return [Action(*row) for row in rows]
