"""Importing a team roster from a CSV or Excel file: every row is checked first, then all of it or nothing.

A roster row is one person: name, e-mail (optional), profession, team and roles (optional). Headers may be
Dutch or English and in any case. Every problem of every row is reported with the row number a person sees
in their spreadsheet (the header is row 1), so a whole file can be corrected in one go.

The e-mail address is checked but not stored: ``users`` has no e-mail column, and the one in ``accounts``
belongs to a login, which roster members do not get (they join with an invite code or get a login later).
It only serves to catch the same person twice: within the file, and against the logins of the organisation.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import openpyxl
import pandas as pd

from scan.config import Choice
from scan.store.db import transaction
from scan.store.org import add_user, audit
from scan.validation import CodedError, InvalidInput, clean_name, is_email

# Canonical column → the headers accepted for it (compared in lower case); the first two name it in problems.
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("naam", "name"),
    "email": ("e-mail", "email", "e-mailadres", "emailadres"),
    "discipline": ("beroep", "discipline"),
    "team": ("team",),
    "role": ("rol", "role", "rollen", "roles"),
}
REQUIRED_COLUMNS = ("name", "discipline", "team")
_HEADERS = {header: column for column, headers in COLUMNS.items() for header in headers}
# A file may hand out the roles of a team only: directors and administrators are appointed one by one.
_ROLES = {"professional": "professional", "team_lead": "team_lead", "teamleider": "team_lead"}
DEFAULT_ROLES = ("professional",)
# Control characters other than tab and line breaks do not occur in a real CSV: such a file is binary.
_BINARY = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_FILE = 0  # the row number of a problem of the file as a whole
T = TypeVar("T")


class RosterFileError(CodedError):
    """The file cannot be read as a roster at all; ``code`` names the reason for the UI (roster.<code>)."""


@dataclass(frozen=True)
class RosterProblem:
    """One problem in one cell. ``row`` is the spreadsheet row (header 1, first person 2; 0 the whole file).

    ``column`` is the header as written in the file; ``message`` is English, for logs.
    """

    row: int
    column: str
    problem_code: str
    message: str

    @property
    def text_key(self) -> str:
        return f"roster.{self.problem_code}"


@dataclass(frozen=True)
class RosterReport:
    rows: int
    problems: tuple[RosterProblem, ...]
    imported: int

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class _Person:
    name: str
    discipline: str
    team_id: int
    roles: tuple[str, ...]


def _cell_text(value: Any) -> str:
    """An Excel cell as the text a person sees: 12.0 is the team number 12, an empty cell is ''."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):  # a datetime is a date too
        return value.isoformat()
    return str(value)


def _csv_rows(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel's "CSV (puntkomma-gescheiden)" on a Dutch Windows writes Windows-1252, not UTF-8.
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise RosterFileError("unreadable", "the file is not a text (CSV) file") from None
    if _BINARY.search(text):
        raise RosterFileError("unreadable", "the file is not a text (CSV) file")
    header = text.splitlines()[0] if text else ""
    # Dutch Excel separates with ";", most other programs with ",": the header row tells which.
    delimiter = ";" if header.count(";") >= header.count(",") else ","
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise RosterFileError("unreadable", f"the CSV file cannot be read: {exc}") from None


def _xlsx_rows(data: bytes) -> list[list[str]]:
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises a different exception for each way a file can be broken
        raise RosterFileError("unreadable", f"the Excel file cannot be read: {exc}") from None
    try:
        return [[_cell_text(value) for value in row] for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


def read_roster(data: bytes, filename: str) -> pd.DataFrame:
    """The first sheet or the CSV as text: header cells as columns, the spreadsheet row number as index.

    Empty rows are left out (their numbers are skipped); a file without people gives an empty frame.
    Raises RosterFileError for a file that is neither CSV nor Excel (.xlsx), or cannot be read.
    """
    suffix = Path(filename).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise RosterFileError("unsupported_file", f"{filename}: upload a .csv or .xlsx file")
    if not data.strip():
        return pd.DataFrame()
    rows = _csv_rows(data) if suffix == ".csv" else _xlsx_rows(data)
    header = [cell.strip() for cell in rows[0]] if rows else []
    people = {
        number: (cells + [""] * len(header))[: len(header)]
        for number, cells in enumerate(rows[1:], start=2)
        if any(cell.strip() for cell in cells)
    }
    return pd.DataFrame(list(people.values()), index=list(people), columns=header, dtype=str)


def _column_positions(frame: pd.DataFrame) -> tuple[dict[str, tuple[int, str]], list[RosterProblem]]:
    """Canonical column → (position, header as written), and the problems of the header row."""
    positions: dict[str, tuple[int, str]] = {}
    problems = []
    for position, header in enumerate(frame.columns):
        column = _HEADERS.get(str(header).strip().lower())
        if column is None:
            continue  # other columns (notes, a phone number) are left alone
        if column in positions:
            problems.append(RosterProblem(1, header, "duplicate_column", f"column {header!r} occurs twice"))
        else:
            positions[column] = (position, header)
    for column in REQUIRED_COLUMNS:
        if column not in positions:
            label = " / ".join(COLUMNS[column][:2])
            problems.append(RosterProblem(1, label, "missing_column", f"the column {label!r} is missing"))
    return positions, problems


def _rows(frame: pd.DataFrame, positions: dict[str, tuple[int, str]]) -> Iterator[tuple[int, dict[str, str]]]:
    """Each row's number and its stripped text per canonical column ('' for a column the file lacks)."""
    for position, number in enumerate(frame.index):
        yield (
            int(number),
            {
                column: str(frame.iat[position, positions[column][0]]).strip() if column in positions else ""
                for column in COLUMNS
            },
        )


def _teams(conn: duckdb.DuckDBPyConnection, organisation_id: int) -> dict[str, list[int]]:
    """A team by its number or by 'Location · Team' (as the exports name it), of this organisation only."""
    found: dict[str, list[int]] = {}
    for team_id, label in conn.execute(
        "SELECT t.id, l.name || ' · ' || t.name FROM teams t JOIN locations l ON l.id = t.location_id"
        " WHERE l.organisation_id = ?",
        [organisation_id],
    ).fetchall():
        found[str(team_id)] = [team_id]
        found.setdefault(_fold(label), []).append(team_id)
    return found


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def _roles(cell: str) -> tuple[tuple[str, ...], list[str]]:
    """The roles named in a cell (";" between several) and the names that are no role."""
    named = [_fold(part).replace(" ", "_").replace("-", "_") for part in cell.split(";") if part.strip()]
    unknown = [name for name in named if name not in _ROLES]
    roles = tuple(dict.fromkeys(_ROLES[name] for name in named if name in _ROLES))
    return roles or DEFAULT_ROLES, unknown


def _check(
    conn: duckdb.DuckDBPyConnection, organisation_id: int, frame: pd.DataFrame, disciplines: Iterable[Choice]
) -> tuple[list[_Person], list[RosterProblem]]:
    if len(frame) == 0:
        return [], [RosterProblem(_FILE, "", "empty", "the file holds no people")]
    positions, problems = _column_positions(frame)
    if problems:
        return [], problems  # without its columns no row can be read

    known_disciplines = {
        _fold(name): [choice.id] for choice in disciplines for name in (choice.id, choice.name_nl, choice.name_en)
    }
    teams = _teams(conn, organisation_id)
    # Logins of the organisation: an address there is someone who is already in.
    taken_emails = {
        row[0].casefold()
        for row in conn.execute(
            "SELECT a.email FROM accounts a JOIN users u ON u.id = a.user_id"
            " WHERE u.organisation_id = ? AND a.email IS NOT NULL",
            [organisation_id],
        ).fetchall()
    }
    members = {
        (team_id, _fold(name))
        for team_id, name in conn.execute(
            "SELECT m.team_id, u.display_name FROM memberships m JOIN users u ON u.id = m.user_id"
            " WHERE u.organisation_id = ?",
            [organisation_id],
        ).fetchall()
    }
    headers = {column: header for column, (_, header) in positions.items()}
    first_row: dict[object, int] = {}  # an e-mail address or a (team, name) → the row that has it first
    people = []

    def problem(row: int, column: str, code: str, message: str) -> None:
        problems.append(RosterProblem(row, headers.get(column, ""), code, f"row {row}: {message}"))

    def look_up(row: int, column: str, text: str, known: dict[str, list[T]], what: str) -> list[T]:
        """What a required cell names (more than one when ambiguous); a missing or unknown value is a problem."""
        found = known.get(_fold(text), [])
        if not text:
            problem(row, column, "required", f"the {what} is missing")
        elif not found:
            problem(row, column, f"unknown_{column}", f"unknown {what} {text!r}")
        return found

    def only_once(row: int, column: str, key: object, existing: set, codes: tuple[str, str], what: str) -> None:
        """A value (an address, a person) may stand in one row, and not be in the organisation already."""
        if key in first_row:
            problem(row, column, codes[0], f"{what} is in row {first_row[key]} too")
        elif key in existing:
            problem(row, column, codes[1], f"{what} is in the organisation already")
        else:
            first_row[key] = row

    for row, cells in _rows(frame, positions):
        try:
            name = clean_name(cells["name"], "name")
        except InvalidInput as invalid:
            name = None
            for found in invalid.problems:
                problem(row, "name", found.code, found.message)

        email = cells["email"].casefold()
        if email:
            if not is_email(email):
                problem(row, "email", "email_invalid", f"{email!r} is not an e-mail address")
            else:
                only_once(row, "email", email, taken_emails, ("duplicate_email", "email_exists"), email)

        disciplines_found = look_up(row, "discipline", cells["discipline"], known_disciplines, "profession")
        discipline = disciplines_found[0] if disciplines_found else None
        team_ids = look_up(row, "team", cells["team"], teams, "team")
        if len(team_ids) > 1:
            problem(row, "team", "ambiguous_team", f"several teams are called {cells['team']!r}; give its number")

        roles, unknown_roles = _roles(cells["role"])
        if unknown_roles:
            problem(row, "role", "unknown_role", f"unknown role(s) {', '.join(unknown_roles)}")

        if name is None or discipline is None or len(team_ids) != 1:
            continue
        # A second import of the same file, or a person twice in it, would double them in the team.
        label = f"{name} in team {team_ids[0]}"
        only_once(row, "name", (team_ids[0], _fold(name)), members, ("duplicate_person", "already_member"), label)
        people.append(_Person(name, discipline, team_ids[0], roles))
    return people, problems


def validate_roster(
    conn: duckdb.DuckDBPyConnection, organisation_id: int, frame: pd.DataFrame, disciplines: Sequence[Choice]
) -> list[RosterProblem]:
    """Every problem of every row of a frame from ``read_roster`` (its index is the spreadsheet row)."""
    return _check(conn, organisation_id, frame, disciplines)[1]


def import_roster(
    conn: duckdb.DuckDBPyConnection,
    organisation_id: int,
    data: bytes,
    filename: str,
    *,
    actor_user_id: int | None,
    disciplines: Sequence[Choice],
) -> RosterReport:
    """Add every person of the file to their team, in one transaction; when any row is wrong, nobody.

    Each person becomes a user without a login, with the roles of the file (professional when none) and a
    membership of the team. The e-mail address is only checked against duplicates (see the module text).
    """
    try:
        frame = read_roster(data, filename)
    except RosterFileError as error:
        return RosterReport(0, (RosterProblem(_FILE, "", error.code, str(error)),), 0)
    people, problems = _check(conn, organisation_id, frame, disciplines)
    if problems:
        return RosterReport(len(frame), tuple(problems), 0)
    with transaction(conn):
        for person in people:
            add_user(
                conn,
                organisation_id=organisation_id,
                display_name=person.name,
                discipline=person.discipline,
                roles=person.roles,
                team_ids=[person.team_id],
            )
        audit(conn, actor_user_id, "roster.import", {"count": len(people)})
    return RosterReport(len(frame), (), len(people))
