"""Command line: python -m scan <command> --help (python -m scan --help lists the commands)"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from datetime import datetime, timedelta
from pathlib import Path

import duckdb

from scan import config
from scan.store import DatabaseBusy, connect


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad argument is one line on stderr and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message}\n")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text!r}")
    return value


def _progress(label: str):
    def show(done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        sys.stderr.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {100 * done // max(total, 1):3d}%")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show


def cmd_init(args: argparse.Namespace) -> int:
    from scan.store.schema import current_version

    conn = connect(args.db)
    print(f"database {args.db} ready (schema version {current_version(conn)})")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from scan.demo import build_demo

    conn = connect(args.db)
    progress = _progress("demo") if args.respondents >= 50_000 else None
    summary = build_demo(conn, args.respondents, args.seed, progress=progress)
    print(
        f"demo ready in {args.db}: {summary.organisations} organisation(s), {summary.locations} locations, "
        f"{summary.teams} teams, {summary.people} people, {summary.responses} responses"
    )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from scan.analytics.disclosure import export_threshold
    from scan.exports import write_export
    from scan.questionnaire import default_questionnaire

    if not Path(args.db).exists():
        raise FileNotFoundError(f"no database at {args.db}")
    conn = connect(args.db, read_only=True)
    min_n = export_threshold(args.min_n, config.settings())
    try:
        write_export(
            conn, default_questionnaire(), args.what, args.format, args.out, min_n, organisation_id=args.organisation
        )
    except (BrokenPipeError, duckdb.IOException) as exc:
        # A reader such as `head` that stops early is not an error of ours.
        if "broken pipe" not in str(exc).lower() and not isinstance(exc, BrokenPipeError):
            raise ValueError(str(exc)) from exc
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from scan.bench import SUBMISSIONS, run_bench

    submissions = {threads: args.submissions for threads in SUBMISSIONS} if args.submissions else None
    figures = run_bench(
        args.respondents,
        cache_dir=args.cache_dir,
        seed=args.seed,
        progress=_progress("bench data"),
        submissions=submissions,
        page_repeats=args.page_runs,
    )
    if args.json:
        print(json.dumps(figures))
    else:
        for key, value in figures.items():
            if isinstance(value, dict):  # pages_p95_ms: page -> viewer -> ms
                for page, viewers in value.items():
                    for viewer, ms in viewers.items():
                        print(f"{f'{key}.{page}.{viewer}':44s} {ms}")
            else:
                print(f"{key:44s} {value}")
    return 0


def cmd_invite(args: argparse.Namespace) -> int:
    from scan.store.org import create_invite

    conn = connect(args.db)
    team = _team_id(conn, args.team)
    expires = datetime.now() + timedelta(days=args.days) if args.days else None
    code = create_invite(conn, team, max_uses=args.max_uses, expires_at=expires)
    print(code)
    return 0


def _team_id(conn: duckdb.DuckDBPyConnection, team: str) -> int:
    """A team by its number or by 'Location · Team' as the exports name it."""
    from scan.analytics.administration import team_labels

    found = [team_id for team_id, label in team_labels(conn) if str(team_id) == team or label == team]
    if len(found) != 1:
        raise ValueError(f"no single team {team!r}; give its number or 'Location · Team'")
    return found[0]


def cmd_reset_password(args: argparse.Namespace) -> int:
    from scan.accounts import reset_password
    from scan.validation import InvalidInput

    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass("New password: ")
    conn = connect(args.db)
    try:
        reset_password(conn, args.username, password, actor_user_id=None)
    except InvalidInput as exc:
        raise ValueError(str(exc)) from None
    print(f"password of {args.username} reset; the account is unlocked")
    return 0


def cmd_round(args: argparse.Namespace) -> int:
    from scan.store.org import close_round, open_round

    conn = connect(args.db)
    if args.action == "open":
        if not args.name:
            raise ValueError("opening a round needs --name")
        round_id = open_round(conn, args.organisation, args.name)
        print(f"round {round_id} '{args.name}' is open; the organisation's previous open round is closed")

    else:
        from scan.analytics import open_round_of

        current = open_round_of(conn, args.organisation)
        if current is None:
            raise ValueError(f"organisation {args.organisation} has no open round")
        close_round(conn, current.id)
        print(f"round {current.id} '{current.name}' is closed")
    return 0


def cmd_organisation(args: argparse.Namespace) -> int:
    from scan.platform import create_organisation
    from scan.validation import InvalidInput

    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else None
    conn = connect(args.db)
    try:
        created = create_organisation(
            conn, name=args.name, admin_name=args.admin_name, admin_username=args.admin_username, password=password,
            actor_user_id=None,
        )  # fmt: skip
    except InvalidInput as exc:
        raise ValueError(str(exc)) from None
    print(f"organisation {created.organisation_id} '{created.name}' created, administrator {created.admin_username}")
    if password is None:
        # Printed once and stored nowhere but as a hash: the administrator chooses their own under Mijn account.
        print(f"one-time password: {created.password}")
    return 0


def cmd_platform_admin(args: argparse.Namespace) -> int:
    from scan.platform import grant_platform_admin
    from scan.validation import InvalidInput

    conn = connect(args.db)
    try:
        grant_platform_admin(conn, args.username)
    except InvalidInput as exc:
        raise ValueError(str(exc)) from None
    print(f"{args.username} is a platform administrator (organisations, whole-database backup); signed out everywhere")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m scan", description="Kindcentrum Scan: database, demo data, exports, benchmark.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    db_help = "path of the DuckDB file"

    p = sub.add_parser("init", help="create or migrate the database")
    p.add_argument("--db", type=Path, required=True, help=db_help)
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("demo", help="fill an empty database with the demo organisation")
    p.add_argument("--db", type=Path, required=True, help=db_help)
    p.add_argument("--respondents", type=_positive, required=True, help="number of people (at least 10)")
    p.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    p.set_defaults(func=cmd_demo)

    from scan.exports import EXPORTS, FORMATS

    p = sub.add_parser("export", help="export pseudonymous data or the codebook")
    p.add_argument("--db", type=Path, required=True, help=db_help)
    p.add_argument("--what", choices=EXPORTS, required=True)
    p.add_argument("--format", choices=FORMATS, default="csv")
    p.add_argument(
        "--min-n",
        type=_positive,
        default=None,
        help="team-scores: leave out groups under this size (default 5)",
    )
    p.add_argument("--out", type=Path, default=None, help="output file (default: standard output, CSV only)")
    p.add_argument("--organisation", type=_positive, default=None, help="organisation number (default: every one)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("invite", help="make an invite code that places a new user in a team")
    p.add_argument("--db", type=Path, required=True, help=db_help)
    p.add_argument("--team", required=True, help="team number, or 'Location · Team'")
    p.add_argument("--max-uses", type=_positive, default=50, help="how many accounts it may create (default 50)")
    p.add_argument("--days", type=_positive, default=None, help="valid for this many days (default: no end)")
    p.set_defaults(func=cmd_invite)

    p = sub.add_parser("reset-password", help="set a new password for a user (administrators)")
    p.add_argument("--db", type=Path, required=True, help=db_help)
    p.add_argument("--username", required=True)
    p.add_argument("--password-stdin", action="store_true", help="read the new password from standard input")
    p.set_defaults(func=cmd_reset_password)

    p = sub.add_parser("round", help="open the next measurement round of an organisation, or close the open one")
    p.add_argument("action", choices=("open", "close"))
    p.add_argument("--db", type=Path, required=True, help=db_help)
    p.add_argument("--organisation", type=_positive, required=True, help="organisation number")
    p.add_argument("--name", help="name of the new round, e.g. 'Najaar 2026'")
    p.set_defaults(func=cmd_round)

    p = sub.add_parser("organisation", help="create an organisation and its first administrator (the platform)")
    p.add_argument("action", choices=("create",))
    p.add_argument("--db", type=Path, required=True, help=db_help)
    p.add_argument("--name", required=True, help="name of the organisation, e.g. 'Stichting Kindcentra Oost'")
    p.add_argument("--admin-username", required=True, help="username of its first administrator")
    p.add_argument("--admin-name", required=True, help="that administrator's name as others see it")
    p.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the administrator's password from standard input (default: print a new one-time password)",
    )
    p.set_defaults(func=cmd_organisation)

    p = sub.add_parser(
        "platform-admin", help="make an account a platform administrator (organisations, whole-database backup)"
    )
    p.add_argument("--db", type=Path, required=True, help=db_help)
    p.add_argument("--username", required=True)
    p.set_defaults(func=cmd_platform_admin)

    p = sub.add_parser("bench", help="measure the data path on a generated data set")

    p.add_argument("--respondents", type=_positive, required=True)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--cache-dir", type=Path, default=config.REPO_ROOT / ".bench-cache")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--submissions", type=_positive, help="scans sent with 1, 4 and 16 threads (default 60, 100, 320)")
    p.add_argument("--page-runs", type=_positive, default=40, help="runs of each page per viewer (default 40)")
    p.set_defaults(func=cmd_bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (DatabaseBusy, FileNotFoundError, ValueError) as exc:
        print(f"{parser.prog}: error: {exc}", file=sys.stderr)
        return 2
