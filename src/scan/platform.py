"""The platform above the organisations: creating an organisation with its first administrator, and platform
administrators. An organisation's administrator sees and changes their own organisation only; what spans every
organisation (this, and the whole-database backup in scan.store.backup) is the platform's, done from the command
line or by a platform administrator. What the platform page lists is in scan.analytics.platform.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

import duckdb

from scan.accounts import find_account, normalise_username, password_problems, username_problems
from scan.analytics.platform import organisation_exists
from scan.passwords import hash_password
from scan.store import org
from scan.validation import InvalidInput, Problem, clean_name

ONE_TIME_PASSWORD_BYTES = 12  # 16 characters of URL-safe base64: 96 random bits


@dataclass(frozen=True)
class NewOrganisation:
    organisation_id: int
    name: str
    admin_username: str
    # Shown once to whoever created the organisation, who hands it over; only its hash is stored. The administrator
    # sets a password of their own under Mijn account.
    password: str


def _organisation_problems(
    conn: duckdb.DuckDBPyConnection, name: str, admin_name: str, username: str, password: str | None
) -> list[Problem]:
    problems: list[Problem] = []
    for value, field in ((name, "organisation"), (admin_name, "display_name")):
        try:
            clean_name(value, field)
        except InvalidInput as exc:
            problems.extend(exc.problems)
    if not problems and organisation_exists(conn, clean_name(name, "organisation")):
        problems.append(Problem("organisation_exists", "organisation", f"an organisation {name!r} exists already"))
    problems.extend(username_problems(conn, username))
    if password is not None:
        problems.extend(password_problems(password, password))
    return problems


def create_organisation(
    conn: duckdb.DuckDBPyConnection,
    *,
    name: str,
    admin_name: str,
    admin_username: str,
    password: str | None = None,
    actor_user_id: int | None,
) -> NewOrganisation:
    """A new organisation and its first administrator, who signs in with ``password`` or, without one, with a new
    one-time password (returned). Every problem is reported at once (InvalidInput); nothing is stored then."""
    username = normalise_username(admin_username)
    problems = _organisation_problems(conn, name, admin_name, username, password)
    if problems:
        raise InvalidInput(problems)
    password = password or secrets.token_urlsafe(ONE_TIME_PASSWORD_BYTES)
    try:
        organisation_id = org.add_organisation_with_administrator(
            conn, name, admin_name=clean_name(admin_name, "display_name"), username=username,
            password_hash=hash_password(password), actor_user_id=actor_user_id,
        )  # fmt: skip
    except duckdb.ConstraintException:
        # The same name or username was taken a moment ago: say which.
        taken = _organisation_problems(conn, name, admin_name, username, None)
        if not taken:
            raise
        raise InvalidInput(taken) from None
    return NewOrganisation(organisation_id, clean_name(name, "organisation"), username, password)


def grant_platform_admin(conn: duckdb.DuckDBPyConnection, username: str) -> None:
    """Make an existing account a platform administrator (the command line only); their sessions end."""
    account = find_account(conn, username)
    if account is None:
        raise InvalidInput([Problem("unknown_user", "username", f"no account {username!r}")])
    org.grant_platform_admin(conn, account.user_id, now=time.time())
