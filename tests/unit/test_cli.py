"""The command line: help on every command, one-line errors with exit code 2, and the benchmark's output."""

from __future__ import annotations

import json

import pytest

from scan.cli import main
from tests.helpers import database_held_by_another_process, scan_cli

COMMANDS = ["init", "demo", "export", "invite", "reset-password", "round", "organisation", "platform-admin", "bench"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as info:
        main([command, "--help"])
    assert info.value.code == 0
    assert "--db" in capsys.readouterr().out or command == "bench"


@pytest.mark.parametrize(
    "args",
    [
        ["demo", "--db", "x.duckdb", "--respondents", "zero"],
        ["demo", "--db", "x.duckdb", "--respondents", "-3"],
        ["export", "--db", "x.duckdb", "--what", "everything"],
        ["export", "--db", "x.duckdb", "--what", "answers", "--format", "pdf"],
        ["frobnicate"],
    ],
)
def test_bad_arguments_give_one_line_and_exit_2(args, capsys):
    with pytest.raises(SystemExit) as info:
        main(args)
    assert info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "error" in err


def test_missing_database_and_excel_to_stdout_are_refused(tmp_path, capsys):
    assert main(["export", "--db", str(tmp_path / "none.duckdb"), "--what", "answers"]) == 2
    assert "no database" in capsys.readouterr().err
    db = tmp_path / "d.duckdb"
    assert main(["init", "--db", str(db)]) == 0
    assert main(["export", "--db", str(db), "--what", "codebook", "--format", "xlsx"]) == 2
    assert "--out" in capsys.readouterr().err


def test_database_held_by_a_running_app_gives_exit_2(tmp_path):
    db = tmp_path / "held.duckdb"
    assert scan_cli("init", "--db", str(db)).returncode == 0
    with database_held_by_another_process(db):
        result = scan_cli("init", "--db", str(db))
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "in use by another process" in result.stderr


def test_demo_refuses_a_filled_database(tmp_path):
    db = tmp_path / "d.duckdb"
    assert scan_cli("demo", "--db", str(db), "--respondents", "30").returncode == 0
    again = scan_cli("demo", "--db", str(db), "--respondents", "30")
    assert again.returncode == 2 and "empty database" in again.stderr


def test_bench_prints_every_figure_as_json(tmp_path):
    result = scan_cli("bench", "--respondents", "300", "--cache-dir", str(tmp_path), "--json",
                      "--submissions", "8", "--page-runs", "2")  # fmt: skip
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    for key in ("submission_ms_p50", "radar_ms_p50", "team_view_ms", "director_ms", "director_latest_wave_ms",
                "pandas_raw_ms", "speedup_vs_pandas_raw", "pandas_scored_ms", "speedup_vs_pandas_scored"):  # fmt: skip
        assert figures[key] > 0, key
    assert figures["pandas_raw_matches_store"] is True
    assert figures["pandas_scored_matches_store"] is True
    assert len(list(tmp_path.glob("bench-300-*.duckdb"))) == 1  # cached for the next run


def test_bench_measures_pages_and_parallel_submissions(tmp_path):
    from scan.bench import run_bench

    figures = run_bench(300, cache_dir=tmp_path, submissions={1: 4, 4: 8, 16: 16}, page_repeats=2)
    pages = figures["pages_p95_ms"]
    expected = {
        "board_overview": {"director"},
        "team_dashboard": {"team_lead", "professional"},
        "comparison": {"team_lead", "director"},
        "network": {"team_lead", "professional"},
        "personal_report": {"team_lead", "professional"},
        "scan_step": {"team_lead", "professional"},
    }
    assert {page: set(viewers) for page, viewers in pages.items()} == expected
    assert all(ms > 0 for viewers in pages.values() for ms in viewers.values())
    for threads in (1, 4, 16):
        assert figures[f"submissions_per_s_{threads}"] > 0
        assert 0 < figures[f"submission_p50_ms_{threads}"] <= figures[f"submission_p95_ms_{threads}"]
        assert figures[f"submission_errors_{threads}"] == 0
        assert figures[f"submissions_all_stored_{threads}"] is True


def test_invite_round_and_password_reset_commands(tmp_path):
    from scan.accounts import find_invite
    from scan.store import connect

    db = tmp_path / "d.duckdb"
    assert scan_cli("demo", "--db", str(db), "--respondents", "30").returncode == 0
    made = scan_cli(
        "invite", "--db", str(db), "--team", "IKC De Regenboog · Onderbouw", "--max-uses", "2", "--days", "7"
    )
    assert made.returncode == 0, made.stderr
    assert scan_cli("invite", "--db", str(db), "--team", "No such team").returncode == 2
    opened = scan_cli("round", "open", "--db", str(db), "--organisation", "1", "--name", "Najaar 2026")
    assert opened.returncode == 0 and "Najaar 2026" in opened.stdout
    reset_args = ("reset-password", "--db", str(db), "--username", "professional", "--password-stdin")
    reset = scan_cli(*reset_args, stdin="nieuw-wachtwoord\n")
    assert reset.returncode == 0, reset.stderr
    short = scan_cli(*reset_args, stdin="kort\n")
    assert short.returncode == 2
    conn = connect(db)
    invite = find_invite(conn, made.stdout.strip())
    assert invite is not None and invite.team_name == "IKC De Regenboog · Onderbouw"
    waves = conn.execute("SELECT wave, status FROM rounds WHERE organisation_id = 1 ORDER BY wave").fetchall()
    assert waves == [(1, "closed"), (2, "closed"), (3, "open")]
    from scan.accounts import find_account
    from scan.passwords import check_password

    stored = conn.execute("SELECT password_hash FROM accounts WHERE username = 'professional'").fetchone()[0]
    assert check_password("nieuw-wachtwoord", stored) and find_account(conn, "professional") is not None


def test_the_platform_creates_an_organisation_with_its_first_administrator(tmp_path, capsys, monkeypatch):
    import io

    from scan import accounts
    from scan.store import connect

    db = tmp_path / "d.duckdb"
    create = ["organisation", "create", "--db", str(db), "--name", "Stichting Oost", "--admin-username", "beheer.oost",
              "--admin-name", "Olga Oost"]  # fmt: skip
    assert main(create) == 0
    printed = capsys.readouterr().out
    assert "organisation 1 'Stichting Oost' created, administrator beheer.oost" in printed
    password = printed.split("one-time password: ")[1].strip()
    assert main(create) == 2  # the same name and username again
    assert "exists already" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("eigen-wachtwoord\n"))
    assert main([*create[:5], "Stichting West", "--admin-username", "beheer.west", "--admin-name", "Wim West",
                 "--password-stdin"]) == 0  # fmt: skip
    assert "one-time password" not in capsys.readouterr().out
    assert main(["platform-admin", "--db", str(db), "--username", "beheer.oost"]) == 0
    assert main(["platform-admin", "--db", str(db), "--username", "niemand"]) == 2

    conn = connect(db)
    oost = accounts.sign_in(conn, "beheer.oost", password, client="c", address="a")
    west = accounts.sign_in(conn, "beheer.west", "eigen-wachtwoord", client="c", address="a")
    assert oost.outcome == west.outcome == "ok"
    assert oost.account.roles == ("admin", "platform_admin") and west.account.roles == ("admin",)
    assert (oost.account.organisation_id, west.account.organisation_id) == (1, 2)


def test_export_of_one_organisation(tmp_path, questionnaire, model):
    from scan.store import connect
    from scan.store.org import add_organisation, register_questionnaire
    from tests.helpers import add_second_organisation

    db, out = tmp_path / "two.duckdb", tmp_path / "scores.csv"
    conn = connect(db)
    register_questionnaire(conn, questionnaire)
    elders = add_second_organisation(conn, questionnaire, model)
    empty = add_organisation(conn, "Stichting Leeg")
    conn.close()
    export = ["export", "--db", str(db), "--what", "scores", "--out", str(out), "--organisation"]
    assert main([*export, str(elders.organisation_id)]) == 0
    assert "IKC Elders · Bovenbouw Elders" in out.read_text()
    assert main([*export, str(empty)]) == 0
    assert out.read_text().strip() == "respondent_id,team,wave,dimension,score"
