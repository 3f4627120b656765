"""Research exports: pseudonymous tables (answers, scores, team scores) and the codebook, as CSV or Excel.

Respondents appear by their research pseudonym only: never a name, username or e-mail address.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import pandas as pd

from scan.questionnaire import Questionnaire

EXPORTS = ("answers", "codebook", "scores", "team-scores")
FORMATS = ("csv", "xlsx")
EXCEL_MAX_ROWS = 1_048_575  # one row of the sheet holds the header

_TEAM = "l.name || ' · ' || t.name"
_RESPONSE_JOINS = (
    "JOIN responses p ON p.id = x.response_id JOIN users u ON u.id = p.user_id"
    " JOIN teams t ON t.id = p.team_id JOIN locations l ON l.id = t.location_id JOIN rounds r ON r.id = p.round_id"
)


class ExportError(ValueError):
    pass


def export_sql(what: str, min_n: int) -> tuple[str, list]:
    if what == "answers":
        return (
            f"SELECT u.pseudonym AS respondent_id, {_TEAM} AS team, r.wave, x.item_id, x.value"
            f" FROM answers x {_RESPONSE_JOINS} ORDER BY p.id, x.item_id",
            [],
        )
    if what == "scores":
        return (
            f"SELECT u.pseudonym AS respondent_id, {_TEAM} AS team, r.wave, x.dimension, x.score"
            f" FROM scores x {_RESPONSE_JOINS} ORDER BY p.id, x.dimension",
            [],
        )
    if what == "team-scores":
        return (
            f"""
            WITH g AS (
                SELECT team_id, round_id, dimension_id, sum(n) AS n, sum(total) AS total, sum(total_sq) AS total_sq
                FROM team_aggregates GROUP BY ALL HAVING sum(n) >= ?
            )
            SELECT {_TEAM} AS team, r.wave, d.name AS dimension, g.n, g.total / g.n AS mean,
                   CASE WHEN g.n > 1
                        THEN sqrt(greatest((g.total_sq - g.total * g.total / g.n) / (g.n - 1), 0)) END AS sd
            FROM g JOIN teams t ON t.id = g.team_id JOIN locations l ON l.id = t.location_id
            JOIN rounds r ON r.id = g.round_id JOIN dimensions d ON d.id = g.dimension_id
            ORDER BY team, r.wave, dimension
            """,
            [min_n],
        )
    raise ExportError(f"unknown export {what!r}; choose from {', '.join(EXPORTS)}")


def export_frame(conn: duckdb.DuckDBPyConnection, questionnaire: Questionnaire, what: str, min_n: int) -> pd.DataFrame:
    if what == "codebook":
        return pd.DataFrame(list(questionnaire.codebook_rows()))
    sql, params = export_sql(what, min_n)
    return conn.execute(sql, params).df()


def write_export(
    conn: duckdb.DuckDBPyConnection,
    questionnaire: Questionnaire,
    what: str,
    fmt: str,
    out: Path | None,
    min_n: int,
) -> None:
    """Write one export to ``out`` (or standard output for CSV)."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    if fmt == "xlsx" and out is None:
        raise ExportError("an Excel export needs --out FILE")
    if fmt == "csv" and what != "codebook":
        # Streamed by the database: also fine for a hundred million answer rows.
        sql, params = export_sql(what, min_n)
        target = (str(out) if out else "/dev/stdout").replace("'", "''")
        conn.execute(f"COPY ({sql}) TO '{target}' (FORMAT csv, HEADER)", params)
        return
    frame = export_frame(conn, questionnaire, what, min_n)
    if fmt == "csv":
        frame.to_csv(out or sys.stdout, index=False)
        return
    if len(frame) > EXCEL_MAX_ROWS:
        raise ExportError(f"{len(frame):,} rows do not fit in one Excel sheet; use --format csv")
    frame.to_excel(out, index=False, sheet_name=what, engine="openpyxl")
