"""Roster import from real CSV and Excel files into a real DuckDB file: all rows or none, every problem named."""

from __future__ import annotations

import io

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
        (b"PK\x03\x04 no workbook inside", "team.xlsx", "unreadable"),
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
