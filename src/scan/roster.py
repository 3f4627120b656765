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
import threading
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import openpyxl
import pandas as pd
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.worksheet._reader import WorkSheetParser

from scan.analytics.administration import login_emails, team_labels, team_members
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
# A cell of a column that is read (name, e-mail, profession, team, role) holds at most this many characters;
# any other cell at most what the csv module reads by default (csv.field_size_limit(), 131072).
MAX_CELL_LENGTH = 200
MAX_OTHER_CELL_LENGTH = 131072
_SHOWN_HEADER_LENGTH = 40  # a longer header is shortened where a problem names its column
T = TypeVar("T")


class RosterFileError(CodedError):
    """The file cannot be read as a roster; ``code`` names the reason for the UI (roster.<code>).

    ``row`` and ``column`` name the place when it is known (the spreadsheet row, the header or column
    letter); row 0 is the file as a whole.
    """

    def __init__(self, code: str, message: str, *, row: int = 0, column: str = ""):
        super().__init__(code, message)
        self.row = row
        self.column = column


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


# csv.field_size_limit is one setting for the whole process: it is raised only under this lock, and put back.
_FIELD_LIMIT_LOCK = threading.Lock()


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

    def parse() -> list[list[str]]:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))

    try:
        return parse()
    except csv.Error as exc:
        if "field limit" not in str(exc):
            raise RosterFileError("unreadable", f"the CSV file cannot be read: {exc}") from None
    # A cell over the csv module's limit: read the file once more without that limit, so that the check of
    # every cell (in _check) can name the row and the column of the cell that is too long.
    with _FIELD_LIMIT_LOCK:
        limit = csv.field_size_limit()
        csv.field_size_limit(max(limit, len(text) + 1))
        try:
            return parse()
        except csv.Error as exc:
            raise RosterFileError("unreadable", f"the CSV file cannot be read: {exc}") from None
        finally:
            csv.field_size_limit(limit)


class _DamagedCell(Exception):
    def __init__(self, row: int, column: int):
        super().__init__(f"row {row}, column {column}")
        self.row = row
        self.column = column


class _CellLocatingParser(WorkSheetParser):
    """openpyxl's sheet parser, telling which cell it could not read (openpyxl itself does not say)."""

    def parse_cell(self, element: Any) -> dict:
        try:
            return super().parse_cell(element)
        except Exception as exc:
            coordinate = element.get("r")
            found = re.fullmatch(r"\$?([A-Z]{1,3})\$?([0-9]{1,7})", coordinate or "")
            if found:
                raise _DamagedCell(int(found[2]), column_index_from_string(found[1])) from exc
            # Without a coordinate openpyxl has counted the cell already; with a broken one it has not.
            raise _DamagedCell(self.row_counter, self.col_counter + (1 if coordinate else 0)) from exc


def _damaged_cell(book: Any, sheet: Any) -> tuple[int, int] | None:
    """The first cell of the sheet that cannot be read, if the damage is in one cell; else None.

    Uses openpyxl's sheet parser as its read-only worksheets do (openpyxl 3.1; pinned in requirements.txt).
    """
    try:
        with sheet._get_source() as source:
            parser = _CellLocatingParser(
                source,
                sheet._shared_strings,
                data_only=True,
                epoch=book.epoch,
                date_formats=book._date_formats,
                timedelta_formats=book._timedelta_formats,
            )
            for _ in parser.parse():
                pass
    except _DamagedCell as damaged:
        return damaged.row, damaged.column
    except Exception:
        return None
    return None


def _xlsx_rows(data: bytes) -> list[list[str]]:
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises a different exception for each way a file can be broken
        raise RosterFileError("excel_unreadable", f"the Excel file cannot be read: {exc!r}") from None
    rows: list[list[str]] = []
    try:
        sheet = book.worksheets[0]
        # Read-only mode reads the sheet while iterating: damage inside it shows up here, not when opening.
        for values in sheet.iter_rows(values_only=True):
            rows.append([_cell_text(value) for value in values])
        return rows
    except Exception as exc:
        raise _damage(book, rows, exc) from None
    finally:
        book.close()


def _damage(book: Any, rows: list[list[str]], exc: Exception) -> RosterFileError:
    """Where an Excel file broke while its first sheet was read, as precisely as can be told."""
    if not book.worksheets:
        return RosterFileError("excel_unreadable", "the Excel file has no worksheet")
    cell = _damaged_cell(book, book.worksheets[0])
    if cell is not None:
        row, position = cell
        header = rows[0] if rows and row > 1 else []
        label = header[position - 1].strip() if position <= len(header) else ""
        column = _shown(label) if label else get_column_letter(max(position, 1))
        message = f"row {row}, column {column}: the cell cannot be read: {exc!r}"
        return RosterFileError("excel_damaged_cell", message, row=row, column=column)
    if isinstance(exc, zipfile.BadZipFile):  # a checksum: something in the sheet is damaged, nobody knows where
        return RosterFileError("excel_unreadable", f"the Excel file is damaged: {exc!r}")
    # The sheet breaks off (a cut-off file) or is garbled from here on: the rows before it were read.
    row = len(rows) + 1
    return RosterFileError("excel_damaged_from_row", f"from row {row} on the sheet cannot be read: {exc!r}", row=row)


def _shown(header: str) -> str:
    """A header as a problem names its column: as written, shortened when it is very long."""
    header = str(header).strip()
    return header if len(header) <= _SHOWN_HEADER_LENGTH else header[: _SHOWN_HEADER_LENGTH - 1] + "…"


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
            problems.append(RosterProblem(1, _shown(header), "duplicate_column", f"column {header!r} occurs twice"))
        else:
            positions[column] = (position, header)
    for column in REQUIRED_COLUMNS:
        if column not in positions:
            label = " / ".join(COLUMNS[column][:2])
            problems.append(RosterProblem(1, label, "missing_column", f"the column {label!r} is missing"))
    return positions, problems


def _too_long_cells(frame: pd.DataFrame, positions: dict[str, tuple[int, str]]) -> list[RosterProblem]:
    """Every cell over its length limit, by row and column: a column that is read holds short values only."""
    read = {position for position, _ in positions.values()}
    found = []
    for position, header in enumerate(frame.columns):
        limit = MAX_CELL_LENGTH if position in read else MAX_OTHER_CELL_LENGTH
        if len(str(header)) > MAX_OTHER_CELL_LENGTH:
            found.append((1, position, header, len(str(header)), MAX_OTHER_CELL_LENGTH))
        lengths = frame.iloc[:, position].str.strip().str.len()
        for row, length in lengths[lengths > limit].items():
            found.append((int(row), position, header, int(length), limit))
    return [
        RosterProblem(row, _shown(header), "cell_too_long", f"row {row}: {length} characters, more than {limit}")
        for row, _, header, length, limit in sorted(found, key=lambda f: f[:2])
    ]


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
    for team_id, label in team_labels(conn, organisation_id):
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
    taken_emails = {email.casefold() for email in login_emails(conn, organisation_id)}
    members = {(team_id, _fold(name)) for team_id, name in team_members(conn, organisation_id)}
    headers = {column: _shown(header) for column, (_, header) in positions.items()}
    problems = _too_long_cells(frame, positions)
    # A row with a cell that is too long is not checked further: its value is not what the person meant.
    too_long = {p.row for p in problems}
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
        if row in too_long:
            continue
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
        return RosterReport(0, (RosterProblem(error.row, error.column, error.code, str(error)),), 0)
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
        audit(conn, actor_user_id, "roster.import", {"count": len(people)}, organisation_id=organisation_id)
    return RosterReport(len(frame), (), len(people))
