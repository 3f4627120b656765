"""Roster import from real CSV and Excel files into a real DuckDB file: all rows or none, every problem named."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import openpyxl
import pytest

from scan.locales import locales
from scan.roster import RosterReport, import_roster, read_roster, validate_roster
from scan.store.org import add_location, add_organisation, add_team, set_login
from tests.helpers import count

HEADER_NL = "naam;e-mail;beroep;team;rol"


def csv_bytes(*lines: str, encoding: str = "utf-8-sig") -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run_import(db, org, data: bytes, filename: str, config) -> RosterReport:
    return import_roster(db, org.organisation_id, data, filename, actor_user_id=None, disciplines=config.disciplines)


def member(db, name: str) -> tuple[str, list[int], list[str]]:
    """A person's profession, teams and roles, found by name."""
    user_id, discipline = db.execute("SELECT id, discipline FROM users WHERE display_name = ?", [name]).fetchone()
    teams = [r[0] for r in db.execute("SELECT team_id FROM memberships WHERE user_id = ?", [user_id]).fetchall()]
    roles = [
        r[0] for r in db.execute("SELECT role FROM user_roles WHERE user_id = ? ORDER BY role", [user_id]).fetchall()
    ]
    return discipline, teams, roles


def problems_of(report: RosterReport) -> set[tuple[int, str, str]]:
    return {(p.row, p.column, p.problem_code) for p in report.problems}


def test_semicolon_csv_with_dutch_headers_and_bom_imports_every_row(db, org, config):
    data = csv_bytes(
        HEADER_NL,
        "Anna Jansen;anna@example.org;Leerkracht;IKC Test · Onderbouw;",
        f"Bram de Boer;;pedagogisch_medewerker;{org.other_team_id};team_lead",
        'Chris Peters;Chris@Example.org;ONDERWIJSASSISTENT;ikc test  ·  onderbouw;"professional; team_lead"',
    )
    assert data.startswith(b"\xef\xbb\xbf")
    users_before = count(db, "users")
    report = run_import(db, org, data, "Team.CSV", config)
    assert report.ok and report.rows == 3 and report.imported == 3, report.problems
    assert count(db, "users") == users_before + 3
    assert member(db, "Anna Jansen") == ("leerkracht", [org.team_id], ["professional"])
    assert member(db, "Bram de Boer") == ("pedagogisch_medewerker", [org.other_team_id], ["team_lead"])
    assert member(db, "Chris Peters") == ("onderwijsassistent", [org.team_id], ["professional", "team_lead"])
    assert db.execute("SELECT detail FROM audit_log WHERE action = 'roster.import'").fetchall() == [('{"count": 3}',)]
    # Roster members get no login: the e-mail address is checked, not stored.
    assert count(db, "accounts") == 0


def test_excel_with_english_headers_imports_every_row(db, org, config):
    data = xlsx_bytes(
        [
            ["Name", "E-mail", "Discipline", "Team", "Role", "Notes"],
            ["Dana Smit", "dana@example.org", "Teacher", org.team_id, None, "part-time"],
            [None, None, None, None, None, None],  # an empty row is skipped
            ["Eli Visser", None, "Youth care / district team", "IKC Test · Bovenbouw", "Team_Lead", None],
        ]
    )
    frame = read_roster(data, "team.xlsx")
    assert list(frame.index) == [2, 4]  # the spreadsheet's own row numbers
    report = run_import(db, org, data, "team.xlsx", config)
    assert report.ok and report.imported == 2, report.problems
    assert member(db, "Dana Smit") == ("leerkracht", [org.team_id], ["professional"])
    assert member(db, "Eli Visser") == ("jeugdhulp", [org.other_team_id], ["team_lead"])


def test_windows_1252_csv_with_commas_from_an_older_excel(db, org, config):
    data = csv_bytes("Naam,Beroep,Team", f"José Müller,leerkracht,{org.team_id}", encoding="cp1252")
    report = run_import(db, org, data, "team.csv", config)
    assert report.ok and report.imported == 1, report.problems
    assert member(db, "José Müller")[1] == [org.team_id]


def test_one_bad_row_imports_nothing_and_names_row_and_column(db, org, config):
    data = csv_bytes(
        HEADER_NL,
        f"Anna Jansen;;leerkracht;{org.team_id};",
        f"Bram de Boer;;juf;{org.team_id};",
        f"Chris Peters;;leerkracht;{org.team_id};",
    )
    users_before = count(db, "users")
    report = run_import(db, org, data, "team.csv", config)
    assert not report.ok and report.imported == 0 and report.rows == 3
    assert problems_of(report) == {(3, "beroep", "unknown_discipline")}
    assert "row 3" in report.problems[0].message and "juf" in report.problems[0].message
    assert count(db, "users") == users_before
    assert count(db, "audit_log") == 0


def test_every_kind_of_bad_row_is_reported(db, org, config):
    set_login(db, org.members[0], username="lid0", email="lid0@example.org", password_hash="x")
    elsewhere = add_team(db, add_location(db, add_organisation(db, "Stichting Elders"), "IKC Elders"), "Groep 1")
    team = org.team_id
    data = csv_bytes(
        HEADER_NL,
        f"<b>Eva</b>;;leerkracht;{team};",  # 2: markup in the name
        f";;leerkracht;{team};",  # 3: no name
        f"{'x' * 81};;leerkracht;{team};",  # 4: name too long
        f"Fleur;geen-adres;leerkracht;{team};",  # 5: not an e-mail address
        f"Gijs;dubbel@example.org;leerkracht;{team};",  # 6: fine on its own
        f"Hanna;DUBBEL@example.org;leerkracht;{team};",  # 7: the same address as row 6
        f"Ivo;lid0@example.org;leerkracht;{team};",  # 8: the address of a login in the organisation
        f"Jet;;juf;{team};",  # 9: unknown profession
        "Kees;;leerkracht;IKC Test · Nergens;",  # 10: unknown team
        f"Lot;;leerkracht;{elsewhere};",  # 11: a team of another organisation
        f"Mo;;leerkracht;{team};director",  # 12: a role a file may not hand out
        f"Noor;;;{team};",  # 13: no profession
        f"Lid 1;;leerkracht;{team};",  # 14: already in the team
        f"Olle;;leerkracht;{team};",  # 15: fine on its own
        f"olle;;leerkracht;{team};",  # 16: the same person as row 15
        "",  # 17: an empty line keeps its number
        "Piet;;leerkracht;;",  # 18: no team
    )
    report = run_import(db, org, data, "team.csv", config)
    assert report.imported == 0 and report.rows == 16
    assert problems_of(report) == {
        (2, "naam", "markup"),
        (3, "naam", "required"),
        (4, "naam", "text_too_long"),
        (5, "e-mail", "email_invalid"),
        (7, "e-mail", "duplicate_email"),
        (8, "e-mail", "email_exists"),
        (9, "beroep", "unknown_discipline"),
        (10, "team", "unknown_team"),
        (11, "team", "unknown_team"),
        (12, "rol", "unknown_role"),
        (13, "beroep", "required"),
        (14, "naam", "already_member"),
        (16, "naam", "duplicate_person"),
        (18, "team", "required"),
    }
    for problem in report.problems:  # the UI finds a text for each, in both languages
        assert all(problem.text_key in locales()[lang] for lang in ("nl", "en")), problem.text_key


def test_missing_and_doubled_columns_are_reported_on_the_header_row(db, org, config):
    frame = read_roster(csv_bytes("naam;name;team", f"Anna;Anna;{org.team_id}"), "team.csv")
    problems = validate_roster(db, org.organisation_id, frame, config.disciplines)
    assert {(p.row, p.column, p.problem_code) for p in problems} == {
        (1, "name", "duplicate_column"),
        (1, "beroep / discipline", "missing_column"),
    }


@pytest.mark.parametrize(
    ("data", "filename", "code"),
    [
        (bytes(range(256)) * 4, "team.csv", "unreadable"),  # binary junk named .csv
        (b"PK\x03\x04 no workbook inside", "team.xlsx", "excel_unreadable"),
        (b"%PDF-1.7\nnaam;beroep;team\n", "team.pdf", "unsupported_file"),
        (b"", "team.csv", "empty"),
        (b"", "team.xlsx", "empty"),
        (csv_bytes(HEADER_NL), "team.csv", "empty"),
        (csv_bytes(HEADER_NL, ";;;;", ""), "team.csv", "empty"),
        (xlsx_bytes([["Name", "Discipline", "Team"]]), "team.xlsx", "empty"),
    ],
)
def test_a_malformed_file_gives_one_clear_problem_and_changes_nothing(db, org, config, data, filename, code):
    users_before = count(db, "users")
    report = run_import(db, org, data, filename, config)
    assert not report.ok and report.imported == 0
    assert [(p.row, p.problem_code) for p in report.problems] == [(0, code)]
    assert all(report.problems[0].text_key in locales()[lang] for lang in ("nl", "en"))
    assert count(db, "users") == users_before


# ---- damaged Excel files and oversized cells ------------------------------------------------------------


def good_workbook(org, people: int = 60) -> bytes:
    header = [["Naam", "E-mail", "Beroep", "Team", "Notities"]]
    return xlsx_bytes(header + [[f"Persoon {k}", None, "leerkracht", org.team_id, "x"] for k in range(people)])


def rezipped(data: bytes, change) -> bytes:
    """The same workbook with the first sheet's XML changed: a damage inside a sound zip file."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            target.writestr(info.filename, change(content) if info.filename.endswith("sheet1.xml") else content)
    return out.getvalue()


def the_problem(report: RosterReport) -> tuple[int, str, str]:
    """The one problem of a refused file, checked to have a text in both languages."""
    assert not report.ok and report.imported == 0
    assert len(report.problems) == 1, report.problems
    problem = report.problems[0]
    assert all(problem.text_key in locales()[lang] for lang in ("nl", "en")), problem.text_key
    return problem.row, problem.column, problem.problem_code


def test_a_cut_off_excel_file_is_refused_as_unreadable_excel(db, org, config):
    data = good_workbook(org)
    users_before = count(db, "users")
    for cut in (len(data) // 2, len(data) - 1, 30):
        assert the_problem(run_import(db, org, data[:cut], "team.xlsx", config)) == (0, "", "excel_unreadable")
    assert count(db, "users") == users_before


@pytest.mark.parametrize("garbage", [b"PK\x03\x04" + bytes(range(256)) * 8, b"\x00" * 5000])
def test_a_zip_with_garbage_is_refused_as_unreadable_excel(db, org, config, garbage):
    assert the_problem(run_import(db, org, garbage, "team.xlsx", config)) == (0, "", "excel_unreadable")


def test_a_sheet_that_breaks_off_names_the_row_from_which_it_cannot_be_read(db, org, config):
    data = good_workbook(org)
    cut_at = b'<row r="31"'

    def cut(xml: bytes) -> bytes:
        return xml[: xml.index(cut_at) + 20]  # the zip is sound, the sheet's XML stops inside row 31

    users_before = count(db, "users")
    assert the_problem(run_import(db, org, rezipped(data, cut), "team.xlsx", config)) == (
        31,
        "",
        "excel_damaged_from_row",
    )
    assert count(db, "users") == users_before


@pytest.mark.parametrize(
    ("cell", "column"),
    [
        ('<c r="D12" t="n"><v>x3</v></c>', "Team"),  # a number that is none
        ('<c r="A12" t="s"><v>999999</v></c>', "Naam"),  # a shared text that is not in the file
        ('<c r="B12" t="b"><v>ja</v></c>', "E-mail"),  # a true/false cell holding something else
        ('<c r="C12" t="d"><v>2026-13-45</v></c>', "Beroep"),  # a date that does not exist
        ('<c r="E12" t="n"><v>1e</v></c>', "E"),  # a column without a header is named by its letter
    ],
)
def test_a_damaged_cell_is_named_by_row_and_column(db, org, config, cell, column):
    data = xlsx_bytes(
        [["Naam", "E-mail", "Beroep", "Team"]]
        + [[f"Persoon {k}", f"p{k}@example.org", "leerkracht", org.team_id] for k in range(20)]
    )
    coordinate = re.search(r'r="([A-Z]+12)"', cell)[1]

    def damage(xml: bytes) -> bytes:
        text = xml.decode()
        if f'r="{coordinate}"' in text:  # the cell replaced
            return re.sub(rf'<c r="{coordinate}".*?</c>', cell, text, count=1).encode()
        return re.sub(r'(<row r="12".*?)</row>', rf"\1{cell}</row>", text, count=1).encode()  # the cell added

    users_before = count(db, "users")
    report = run_import(db, org, rezipped(data, damage), "team.xlsx", config)
    assert the_problem(report) == (12, column, "excel_damaged_cell")
    assert count(db, "users") == users_before


def test_a_checksum_error_inside_the_sheet_is_refused_as_unreadable_excel(db, org, config):
    """The sheet stored uncompressed with one letter changed: sound XML, but not what the file's checksum says.
    Where the damage is cannot be told, so the file as a whole is refused."""
    source = zipfile.ZipFile(io.BytesIO(good_workbook(org)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:  # ZIP_STORED: the sheet's bytes stand in the file as they are
        for info in source.infolist():
            target.writestr(info.filename, source.read(info.filename))
    data = bytearray(out.getvalue())
    where = data.index(b"Persoon 30")
    data[where] = ord("Q")
    assert the_problem(run_import(db, org, bytes(data), "team.xlsx", config)) == (0, "", "excel_unreadable")


def test_a_csv_cell_over_the_csv_module_limit_is_named_by_row_and_column(db, org, config):
    limit = csv.field_size_limit()
    huge = "x" * (limit + 10)
    data = csv_bytes(HEADER_NL, f"Anna;;leerkracht;{org.team_id};", f"Bram;;leerkracht;{org.team_id};{huge}")
    users_before = count(db, "users")
    report = run_import(db, org, data, "team.csv", config)
    assert the_problem(report) == (3, "rol", "cell_too_long")
    assert str(limit + 10) in report.problems[0].message
    assert csv.field_size_limit() == limit  # the process-wide limit is back where it was
    assert count(db, "users") == users_before
    # Also in a column that is not read, and in any column of a comma-separated file.
    notes = csv_bytes("naam,beroep,team,notities", f"Anna,leerkracht,{org.team_id},{huge}")
    assert the_problem(run_import(db, org, notes, "team.csv", config)) == (2, "notities", "cell_too_long")


def test_cells_of_the_columns_that_are_read_hold_at_most_200_characters(db, org, config):
    long_team = "IKC Test · " + "x" * 200
    data = csv_bytes(
        "naam;beroep;team;notities",
        f"{'Anna ' * 41};leerkracht;{org.team_id};",  # 205 characters: too long as a cell
        f"Bram;leerkracht;{long_team};",
        f"Chris;leerkracht;{org.team_id};{'a' * 5000}",  # a long note is left alone
        f"{'D' * 120};leerkracht;{org.team_id};",  # not too long as a cell, too long as a name (80)
    )
    report = run_import(db, org, data, "team.csv", config)
    assert problems_of(report) == {
        (2, "naam", "cell_too_long"),
        (3, "team", "cell_too_long"),
        (5, "naam", "text_too_long"),
    }
    assert report.imported == 0


def test_cells_of_up_to_200_characters_and_long_notes_are_imported(db, org, config):
    data = xlsx_bytes([["Naam", "Beroep", "Team", "Notities"], ["Anna Jansen", "leerkracht", org.team_id, "n" * 32000]])
    report = run_import(db, org, data, "team.xlsx", config)
    assert report.ok and report.imported == 1, report.problems
