"""Output encoding: names that start like a spreadsheet formula come out of every CSV and Excel file as text.

The names are written straight into the database with SQL (validation refuses them now, but older data or an
import may hold them). Every download and export is read back with csv and openpyxl, as a spreadsheet would
open it: no cell may start a formula, and each hostile name is there as its literal text.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import uuid
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from scan.analytics.director import Filters, director_view
from scan.analytics.teams import team_view
from scan.exports import EXPORTS, export_frame, write_export
from scan.report import build_personal_report, personal_csv, radar_dimensions, short_label
from scan.reports.excel import director_excel, team_excel
from scan.store import connect
from scan.store.org import add_organisation, add_user, register_questionnaire
from scan.store.responses import Submission, Tie, submit
from tests.helpers import scan_cli

LOCATION = '=HYPERLINK("http://x","y")'
TEAM = "+cmd"
ROUND = "@SUM(1)"
TAB_LOCATION = "\tZon"
MINUS_TEAM = "-min"
# What a spreadsheet reads as the start of a formula (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclasses.dataclass
class Hostile:
    path: Path
    organisation_id: int
    round_id: int
    team_id: int
    location_id: int
    members: list[int]


def _insert(conn, sql: str, params: list) -> int:
    return conn.execute(sql + " RETURNING id", params).fetchone()[0]


@pytest.fixture
def hostile(tmp_path, questionnaire, model) -> Hostile:
    """A board whose location, teams and round carry formula-like names, with six scans in the first team
    (with ties) and five in the second."""
    path = tmp_path / "hostile.duckdb"
    conn = connect(path)
    register_questionnaire(conn, questionnaire)
    org = add_organisation(conn, "Stichting Test")
    location = _insert(conn, "INSERT INTO locations (organisation_id, name) VALUES (?, ?)", [org, LOCATION])
    other_location = _insert(conn, "INSERT INTO locations (organisation_id, name) VALUES (?, ?)", [org, TAB_LOCATION])
    team = _insert(conn, "INSERT INTO teams (location_id, name) VALUES (?, ?)", [location, TEAM])
    other_team = _insert(conn, "INSERT INTO teams (location_id, name) VALUES (?, ?)", [other_location, MINUS_TEAM])
    round_id = _insert(
        conn, "INSERT INTO rounds (organisation_id, name, wave, status) VALUES (?, ?, 1, 'open')", [org, ROUND]
    )
    disciplines = ["leerkracht", "pedagogisch_medewerker", "onderwijsassistent", "intern_begeleider", "jeugdhulp"]
    members = [
        add_user(conn, organisation_id=org, display_name=f"\tLid {k}", discipline=disciplines[k % 5], team_ids=[t])
        for k, t in enumerate([team] * 6 + [other_team] * 5)
    ]
    for k, member in enumerate(members):
        team_of = team if k < 6 else other_team
        answers = {item.id: 1 + (i + 2 * k) % 5 for i, item in enumerate(questionnaire.items)}
        colleagues = [m for j, m in enumerate(members) if m != member and (j < 6) == (k < 6)]
        ties = [Tie(c, 3, True) for c in colleagues[:2]]
        submit(conn, questionnaire, model, Submission(str(uuid.uuid4()), member, team_of, round_id, answers, ties=ties))
    conn.close()
    return Hostile(path, org, round_id, team, location, members)


# ---- reading back ------------------------------------------------------------------------------------------


def csv_cells(data: str | bytes, delimiter: str = ",") -> list[str]:
    if isinstance(data, bytes):
        data = data.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(data, newline=""), delimiter=delimiter) for cell in row]


def assert_csv_safe(cells: list[str], expected: set[str]) -> None:
    """No cell starts a formula; each expected text is there behind the quote that makes it text."""
    starting = [c for c in cells if c.startswith(FORMULA_STARTS)]
    assert not starting, starting[:5]
    for text in expected:
        assert "'" + text in cells, (text, sorted(set(cells))[:20])


def xlsx_cells(data: bytes | Path) -> list[openpyxl.cell.Cell]:
    book = openpyxl.load_workbook(io.BytesIO(data) if isinstance(data, bytes) else data)
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def assert_xlsx_safe(cells: list, expected: set[str]) -> None:
    """No formula anywhere; each expected text is a text cell holding exactly that text, and Excel keeps a
    formula-like text a text when someone edits the cell (quote prefix)."""
    formulas = [(c.coordinate, c.value) for c in cells if c.data_type == "f"]
    assert not formulas, formulas[:5]
    texts = {c.value: c for c in cells if isinstance(c.value, str)}
    for text in expected:
        assert text in texts, (text, sorted(texts)[:20])
        assert texts[text].data_type == "s" and texts[text].quotePrefix, (text, texts[text].data_type)
    for cell in cells:
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
            assert cell.data_type == "s" and cell.quotePrefix, (cell.coordinate, cell.value)


TEAM_LABEL = f"{LOCATION} · {TEAM}"
OTHER_LABEL = f"{TAB_LOCATION} · {MINUS_TEAM}"
# Which hostile texts each research export carries as a whole cell (codebook: none, it is the questionnaire).
IN_EXPORT = {
    "answers": {TEAM_LABEL, OTHER_LABEL},
    "scores": {TEAM_LABEL, OTHER_LABEL},
    "team-scores": {TEAM_LABEL, OTHER_LABEL},
    "ties": {TEAM_LABEL, OTHER_LABEL},
    "network": {TEAM_LABEL, OTHER_LABEL},
    "codebook": set(),
}


# ---- research exports --------------------------------------------------------------------------------------


# One export the database streams (COPY) and one built in Python: the CLI's two ways of writing.
@pytest.mark.parametrize("what", ["answers", "network"])
def test_research_exports_through_the_cli_write_formula_like_names_as_text(hostile, tmp_path, what):
    csv_out, xlsx_out = tmp_path / f"{what}.csv", tmp_path / f"{what}.xlsx"
    for fmt, out in (("csv", csv_out), ("xlsx", xlsx_out)):
        result = scan_cli("export", "--db", str(hostile.path), "--what", what, "--format", fmt,
                          "--min-n", "1", "--out", str(out))  # fmt: skip
        assert result.returncode == 0, result.stderr
    assert_csv_safe(csv_cells(csv_out.read_bytes()), IN_EXPORT[what])
    assert_xlsx_safe(xlsx_cells(xlsx_out), IN_EXPORT[what])


@pytest.mark.parametrize("what", EXPORTS)
def test_research_exports_through_the_functions_write_formula_like_names_as_text(
    hostile, questionnaire, tmp_path, what, capfd
):
    conn = connect(hostile.path, read_only=True)
    try:
        # To standard output, as `| head` reads it; the database writes there itself (capfd, not capsys).
        write_export(conn, questionnaire, what, "csv", None, 1, organisation_id=None)
        to_stdout = capfd.readouterr().out
        write_export(conn, questionnaire, what, "xlsx", tmp_path / "x.xlsx", 1, organisation_id=None)
    finally:
        conn.close()
    assert_csv_safe(csv_cells(to_stdout), IN_EXPORT[what])
    assert_xlsx_safe(xlsx_cells(tmp_path / "x.xlsx"), IN_EXPORT[what])


def test_numbers_stay_numbers_and_the_exports_read_as_before(hostile, questionnaire, tmp_path):
    """Only text is touched: the figures of an export are the same numbers in CSV and Excel."""
    conn = connect(hostile.path, read_only=True)
    try:
        frame = export_frame(conn, questionnaire, "team-scores", 1, organisation_id=None)
        write_export(conn, questionnaire, "team-scores", "csv", tmp_path / "t.csv", 1, organisation_id=None)
        write_export(conn, questionnaire, "team-scores", "xlsx", tmp_path / "t.xlsx", 1, organisation_id=None)
    finally:
        conn.close()
    from_csv = pd.read_csv(tmp_path / "t.csv")
    from_xlsx = pd.read_excel(tmp_path / "t.xlsx")
    for read in (from_csv, from_xlsx):
        assert read["n"].tolist() == frame["n"].tolist()
        assert read["mean"].round(9).tolist() == frame["mean"].round(9).tolist()
        assert sorted(set(read["team"])) == sorted({"'" + TEAM_LABEL, "'" + OTHER_LABEL} if read is from_csv
                                                   else {TEAM_LABEL, OTHER_LABEL})  # fmt: skip
    number_cells = [c for c in xlsx_cells(tmp_path / "t.xlsx") if c.column_letter in "DEF" and c.row > 1]
    assert number_cells and all(c.data_type == "n" for c in number_cells if c.value is not None)


# ---- team and director workbooks, the personal report ---------------------------------------------------


def test_the_team_workbook_writes_formula_like_names_as_text(hostile, questionnaire, config):
    conn = connect(hostile.path, read_only=True)
    try:
        view = team_view(conn, questionnaire, config, team_id=hostile.team_id, round_id=hostile.round_id,
                         threshold=config.privacy.team_threshold)  # fmt: skip
    finally:
        conn.close()
    assert view.visible
    for lang in ("nl", "en"):
        assert_xlsx_safe(xlsx_cells(team_excel(view, questionnaire, lang)), {TEAM_LABEL, ROUND})


@pytest.mark.parametrize("location", [None, "first"])
def test_the_director_workbook_writes_formula_like_names_as_text(hostile, questionnaire, config, location):
    dims = radar_dimensions(questionnaire)
    labels = {d: short_label(questionnaire.dimension_name(d).get("nl")) for d in dims}
    filters = Filters(hostile.organisation_id, hostile.round_id, hostile.location_id if location else None)
    conn = connect(hostile.path, read_only=True)
    try:
        view = director_view(conn, questionnaire, config, filters, dimensions=dims)
    finally:
        conn.close()
    rows = {TEAM_LABEL} if location else {LOCATION, TAB_LOCATION}
    assert_xlsx_safe(xlsx_cells(director_excel(view, questionnaire, "nl", labels=labels)), rows | {LOCATION})


def test_the_personal_report_csv_writes_formula_like_texts_as_text(questionnaire, config, model):
    answers = {item.id: 2 + i % 3 for i, item in enumerate(questionnaire.items)}
    report = build_personal_report(
        questionnaire, config, model, lang="nl", person="\tLid", round_name=ROUND, answers=answers,
        intensity={"leerkracht": (2, 3)}, scores={d: 3.0 for d in questionnaire.dimension_ids()},
    )  # fmt: skip
    # The CSV's texts come from the questionnaire: texts that start like a formula stand in for a future one.
    report = dataclasses.replace(
        report,
        scores=(dataclasses.replace(report.scores[0], label="=1+1"), *report.scores[1:]),
        intensity=tuple(
            dataclasses.replace(line, partner="-partner") if line.partner_id == "leerkracht" else line
            for line in report.intensity
        ),
    )
    cells = csv_cells(personal_csv(report, questionnaire), delimiter=";")
    assert_csv_safe(cells, {"=1+1", "-partner"})
    assert "4" in cells and "3.00" in cells  # answers and scores stay as they were


def test_a_negative_number_stays_a_number_and_only_text_gets_the_quote(tmp_path):
    from scan.reports.cells import write_csv

    frame = pd.DataFrame({"name": ["-x", "@y", "z", None], "score": [-1.5, 2.0, -3.0, 4.0], "n": [-1, 2, 3, 4]})
    cells = csv_cells(write_csv(frame))
    assert cells[3:6] == ["'-x", "-1.5", "-1"]
    assert cells[6:9] == ["'@y", "2.0", "2"]
    assert cells[12:15] == ["", "4.0", "4"]
