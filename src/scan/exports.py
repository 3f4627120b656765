"""Research exports: pseudonymous tables (answers, scores, team scores, network ties and metrics) and the codebook,
as CSV or Excel.

Respondents appear by their research pseudonym only: never a name, username or e-mail address.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd

from scan.network import Member, Tie, network_metrics
from scan.questionnaire import Questionnaire
from scan.reports.cells import csv_cell_sql, keep_text_as_text, write_csv

EXPORTS = ("answers", "codebook", "scores", "team-scores", "ties", "network")
# Built in Python rather than by one query, so a CSV of these cannot be streamed by the database.
_BUILT_IN_PYTHON = ("codebook", "network")
FORMATS = ("csv", "xlsx")
EXCEL_MAX_ROWS = 1_048_575  # one row of the sheet holds the header

_TEAM = "l.name || ' · ' || t.name"
_RESPONSE_JOINS = (
    "JOIN responses p ON p.id = x.response_id JOIN users u ON u.id = p.user_id"
    " JOIN teams t ON t.id = p.team_id JOIN locations l ON l.id = t.location_id JOIN rounds r ON r.id = p.round_id"
)


class ExportError(ValueError):
    pass


def _of_organisation(keyword: str, column: str, organisation_id: int | None) -> tuple[str, list]:
    """The condition (after WHERE or AND) that keeps one organisation's rows, and its parameter; no condition for
    None: every organisation (the command line, which the platform runs)."""
    return ("", []) if organisation_id is None else (f" {keyword} {column} = ?", [organisation_id])


def _as_stored(expression: str) -> str:
    return expression


def export_sql(
    what: str, min_n: int, organisation_id: int | None, text: Callable[[str], str] = _as_stored
) -> tuple[str, list]:
    """The query of one export, of one organisation's rows (``organisation_id`` None: of every organisation).
    ``text`` wraps the expression of each text column: the CSV formula rule (scan.reports.cells.csv_cell_sql)
    when the database writes the CSV itself. The rows are ordered by the stored values, so a CSV and a frame of
    the same export list them alike."""
    where, params = _of_organisation("WHERE", "l.organisation_id", organisation_id)
    if what == "answers":
        return (
            f"SELECT {text('u.pseudonym')} AS respondent_id, {text(_TEAM)} AS team, r.wave,"
            f" {text('x.item_id')} AS item_id, x.value"
            f" FROM answers x {_RESPONSE_JOINS}{where} ORDER BY p.id, x.item_id",
            params,
        )
    if what == "scores":
        return (
            f"SELECT {text('u.pseudonym')} AS respondent_id, {text(_TEAM)} AS team, r.wave,"
            f" {text('x.dimension')} AS dimension, x.score"
            f" FROM scores x {_RESPONSE_JOINS}{where} ORDER BY p.id, x.dimension",
            params,
        )
    if what == "team-scores":
        also, params = _of_organisation("AND", "organisation_id", organisation_id)
        return (
            f"""
            WITH g AS (
                -- The teams' 'board' released sets, as every cross-team view (a withheld team has no aggregate).
                SELECT team_id, round_id, dimension_id, sum(n) AS n, sum(total) AS total, sum(total_sq) AS total_sq
                FROM team_aggregates WHERE audience = 'board'{also} GROUP BY ALL HAVING sum(n) >= ?
            )
            SELECT {text(_TEAM)} AS team, r.wave, {text("d.name")} AS dimension, g.n, g.total / g.n AS mean,
                   CASE WHEN g.n > 1
                        THEN sqrt(greatest((g.total_sq - g.total * g.total / g.n) / (g.n - 1), 0)) END AS sd
            FROM g JOIN teams t ON t.id = g.team_id JOIN locations l ON l.id = t.location_id
            JOIN rounds r ON r.id = g.round_id JOIN dimensions d ON d.id = g.dimension_id
            ORDER BY {_TEAM}, r.wave, d.name
            """,
            [*params, min_n],
        )
    if what == "ties":
        # Only ties within the network of a team in a round: the target answered for the same team and round.
        return (
            f"""
            SELECT {text(_TEAM)} AS team, r.wave, {text("u.pseudonym")} AS source, {text("v.pseudonym")} AS target,
                   {text("u.discipline")} AS source_discipline, {text("v.discipline")} AS target_discipline,
                   x.frequency, x.support
            FROM network_ties x {_RESPONSE_JOINS}
            JOIN responses q ON q.user_id = x.target_user_id AND q.round_id = p.round_id AND q.team_id = p.team_id
            JOIN users v ON v.id = x.target_user_id{where}
            ORDER BY p.id, x.target_user_id
            """,
            params,
        )
    raise ExportError(f"unknown export {what!r}; choose from {', '.join(EXPORTS)}")


def network_frame(conn: duckdb.DuckDBPyConnection, organisation_id: int | None) -> pd.DataFrame:
    """Network metrics per team and round (see scan.network), for every team and round with a respondent, of one
    organisation (None: of every organisation)."""
    where, params = _of_organisation("WHERE", "l.organisation_id", organisation_id)
    members = conn.execute(
        f"""
        SELECT {_TEAM} AS team, r.wave, p.team_id, p.round_id, p.user_id, coalesce(u.discipline, '') AS discipline
        FROM responses p JOIN users u ON u.id = p.user_id JOIN teams t ON t.id = p.team_id
        JOIN locations l ON l.id = t.location_id JOIN rounds r ON r.id = p.round_id{where}
        """,
        params,
    ).df()
    also, params = _of_organisation("AND", "l.organisation_id", organisation_id)
    ties = conn.execute(
        "SELECT p.team_id, p.round_id, p.user_id AS source, x.target_user_id AS target, x.frequency"
        " FROM network_ties x JOIN responses p ON p.id = x.response_id JOIN teams t ON t.id = p.team_id"
        f" JOIN locations l ON l.id = t.location_id WHERE x.support{also}",
        params,
    ).df()
    # Row positions per group and plain lists: slicing a DataFrame per team would cost more than the metrics.
    keys = ["team_id", "round_id"]
    tie_rows = ties.groupby(keys).indices
    source, target, frequency = (ties[column].tolist() for column in ("source", "target", "frequency"))
    team, wave, user_id, discipline = (members[column].tolist() for column in ("team", "wave", "user_id", "discipline"))
    rows = []
    for group, positions in members.groupby(keys).indices.items():
        metrics = network_metrics(
            [Member(user_id[i], discipline[i]) for i in positions],
            [Tie(source[i], target[i], frequency[i], True) for i in tie_rows.get(group, ())],
        )
        first = positions[0]
        rows.append(
            (team[first], wave[first], metrics.n, metrics.density, metrics.reciprocity, metrics.centralization,
             metrics.cross_discipline_share, metrics.blau)
        )  # fmt: skip
    columns = ["team", "wave", "n", "density", "reciprocity", "centralization", "cross_discipline_share", "blau"]
    return pd.DataFrame(rows, columns=columns).sort_values(["team", "wave"], ignore_index=True)


def export_frame(
    conn: duckdb.DuckDBPyConnection, questionnaire: Questionnaire, what: str, min_n: int, *, organisation_id: int | None
) -> pd.DataFrame:
    """One export of one organisation's data (``organisation_id`` None: of every organisation)."""
    if what == "codebook":
        return pd.DataFrame(list(questionnaire.codebook_rows()))
    if what == "network":
        return network_frame(conn, organisation_id)
    sql, params = export_sql(what, min_n, organisation_id)
    return conn.execute(sql, params).df()


def write_export(
    conn: duckdb.DuckDBPyConnection,
    questionnaire: Questionnaire,
    what: str,
    fmt: str,
    out: Path | None,
    min_n: int,
    *,
    organisation_id: int | None,
) -> None:
    """Write one export to ``out`` (or standard output for CSV)."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    if fmt == "xlsx" and out is None:
        raise ExportError("an Excel export needs --out FILE")
    if fmt == "csv" and what not in _BUILT_IN_PYTHON:
        # Streamed by the database: also fine for a hundred million answer rows.
        sql, params = export_sql(what, min_n, organisation_id, text=csv_cell_sql)
        target = (str(out) if out else "/dev/stdout").replace("'", "''")
        conn.execute(f"COPY ({sql}) TO '{target}' (FORMAT csv, HEADER)", params)
        return
    frame = export_frame(conn, questionnaire, what, min_n, organisation_id=organisation_id)
    if fmt == "csv":
        write_csv(frame, out or sys.stdout)
        return
    if len(frame) > EXCEL_MAX_ROWS:
        raise ExportError(f"{len(frame):,} rows do not fit in one Excel sheet; use --format csv")
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False, sheet_name=what)
        keep_text_as_text(writer.book)
