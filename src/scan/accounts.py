"""Accounts: logins from the database, registration with an invite code, passwords, lock-out, consent.

Streamlit-authenticator draws the login form and keeps the cookie; the users, their hashes, their roles
and the failed attempts live here, in the database (never in a YAML file the library rewrites).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import duckdb

from scan.passwords import MAX_PASSWORD_BYTES, check_password, hash_password
from scan.store import transaction
from scan.store.org import add_user, audit, set_login
from scan.validation import InvalidInput, Problem, clean_name, is_email

MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 15
MIN_PASSWORD_LENGTH = 8
CONSENT_VERSION = "2026-1"
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,31}$")


@dataclass(frozen=True)
class Account:
    user_id: int
    username: str
    display_name: str
    email: str | None
    discipline: str | None
    organisation_id: int
    roles: tuple[str, ...]
    team_ids: tuple[int, ...]


@dataclass(frozen=True)
class Invite:
    code: str
    team_id: int
    team_name: str
    organisation_id: int


def normalise_code(code: str) -> str:
    return re.sub(r"\s+", "", code or "").upper()


def find_account(conn: duckdb.DuckDBPyConnection, username: str) -> Account | None:
    row = conn.execute(
        """
        SELECT u.id, a.username, u.display_name, a.email, u.discipline, u.organisation_id,
               list(DISTINCT r.role ORDER BY r.role) FILTER (WHERE r.role IS NOT NULL),
               list(DISTINCT m.team_id ORDER BY m.team_id) FILTER (WHERE m.team_id IS NOT NULL)
        FROM accounts a JOIN users u ON u.id = a.user_id
        LEFT JOIN user_roles r ON r.user_id = a.user_id LEFT JOIN memberships m ON m.user_id = a.user_id
        WHERE a.username = ? GROUP BY ALL
        """,
        [(username or "").strip().lower()],
    ).fetchone()
    if row is None:
        return None
    return Account(*row[:6], roles=tuple(row[6] or ()), team_ids=tuple(row[7] or ()))


def login_credentials(conn: duckdb.DuckDBPyConnection, now: datetime | None = None) -> dict:
    """Every login in the form streamlit-authenticator takes. A locked account shows as 'too many attempts'."""
    now = now or datetime.now()
    # Runs on every page run. Two plain reads, the roles grouped here: with the roles' LEFT JOIN and an
    # ordered list() per account DuckDB took 16 ms at 1,000,000 roster members, these take 3.5 ms.
    rows = conn.execute(
        "SELECT a.user_id, a.username, u.display_name, a.email, a.password_hash, a.failed_logins, a.locked_until"
        " FROM accounts a JOIN users u ON u.id = a.user_id"
    ).fetchall()
    roles: dict[int, list[str]] = {}
    for user_id, role in conn.execute(
        "SELECT user_id, role FROM user_roles WHERE user_id IN (SELECT user_id FROM accounts)"
    ).fetchall():
        roles.setdefault(user_id, []).append(role)
    users = {}
    for user_id, username, name, email, password_hash, failed, locked_until in rows:
        locked = locked_until is not None and locked_until > now
        users[username] = {
            "name": name,
            "email": email or "",
            "password": password_hash,
            "roles": sorted(roles.get(user_id, [])),
            "failed_login_attempts": MAX_FAILED_LOGINS if locked else min(failed, MAX_FAILED_LOGINS - 1),
        }
    return {"usernames": users}


def is_locked(conn: duckdb.DuckDBPyConnection, username: str, now: datetime | None = None) -> bool:
    row = conn.execute("SELECT locked_until FROM accounts WHERE username = ?", [username]).fetchone()
    return bool(row and row[0] and row[0] > (now or datetime.now()))


def record_failed_login(conn: duckdb.DuckDBPyConnection, username: str, now: datetime | None = None) -> bool:
    """Count a wrong password; the fifth in a row locks the account for a while. Returns True when locked."""
    now = now or datetime.now()
    row = conn.execute("SELECT failed_logins FROM accounts WHERE username = ?", [username]).fetchone()
    if row is None:
        return False
    failed = row[0] + 1
    locked_until = now + timedelta(minutes=LOCK_MINUTES) if failed >= MAX_FAILED_LOGINS else None
    conn.execute(
        "UPDATE accounts SET failed_logins = ?, locked_until = ? WHERE username = ?",
        [0 if locked_until else failed, locked_until, username],
    )
    if locked_until:
        audit(conn, None, "account.locked", {"username": username})
    return locked_until is not None


def record_login(conn: duckdb.DuckDBPyConnection, username: str) -> None:
    conn.execute("UPDATE accounts SET failed_logins = 0, locked_until = NULL WHERE username = ?", [username])


def find_invite(conn: duckdb.DuckDBPyConnection, code: str, now: datetime | None = None) -> Invite | None:
    """A usable invite: known, not revoked, not expired, not used up."""
    row = conn.execute(
        """
        SELECT i.code, i.team_id, l.name || ' · ' || t.name, l.organisation_id FROM invites i
        JOIN teams t ON t.id = i.team_id JOIN locations l ON l.id = t.location_id
        WHERE i.code = ? AND i.revoked_at IS NULL AND i.uses < i.max_uses
          AND (i.expires_at IS NULL OR i.expires_at > ?)
        """,
        [normalise_code(code), now or datetime.now()],
    ).fetchone()
    return Invite(*row) if row else None


def _password_problems(password: str, repeat: str, field: str = "password") -> list[Problem]:
    if len(password) < MIN_PASSWORD_LENGTH:
        return [Problem("password_too_short", field, f"a password needs at least {MIN_PASSWORD_LENGTH} characters")]
    if len(password.encode("utf-8")) > MAX_PASSWORD_BYTES:
        return [Problem("password_too_long", field, f"a password may have at most {MAX_PASSWORD_BYTES} bytes")]
    if password != repeat:
        return [Problem("password_mismatch", "password_repeat", "the two passwords differ")]
    return []


def register_with_invite(
    conn: duckdb.DuckDBPyConnection,
    *,
    code: str,
    username: str,
    display_name: str,
    email: str,
    discipline: str,
    password: str,
    password_repeat: str,
    disciplines: tuple[str, ...],
) -> Invite:
    """Create a professional's account in the invite's team. Every problem is reported at once; nothing
    is stored unless all is well. Returns the invite that was used (its team)."""
    problems: list[Problem] = []
    invite = find_invite(conn, code)
    if invite is None:
        problems.append(Problem("invite_unknown", "code", "unknown, expired or used-up invite code"))
    username = (username or "").strip().lower()
    if not _USERNAME.match(username):
        problems.append(Problem("username_invalid", "username", "3-32 letters, digits, dots, dashes or underscores"))
    elif find_account(conn, username) is not None:
        problems.append(Problem("username_taken", "username", "this username is taken"))
    try:
        name = clean_name(display_name, "display_name")
    except InvalidInput as exc:
        problems.extend(exc.problems)
        name = ""
    email = (email or "").strip()
    if email and not is_email(email):
        problems.append(Problem("email_invalid", "email", "not an e-mail address"))
    if discipline not in disciplines:
        problems.append(Problem("required", "discipline", "choose a profession"))
    problems.extend(_password_problems(password or "", password_repeat or ""))
    if problems:
        raise InvalidInput(problems)

    with transaction(conn):
        user_id = add_user(
            conn,
            organisation_id=invite.organisation_id,
            display_name=name,
            discipline=discipline,
            team_ids=[invite.team_id],
        )
        set_login(conn, user_id, username=username, email=email or None, password_hash=hash_password(password))
        conn.execute("UPDATE invites SET uses = uses + 1 WHERE code = ?", [invite.code])
        audit(conn, user_id, "account.register", {"team_id": invite.team_id})
    return invite


def change_password(conn: duckdb.DuckDBPyConnection, user_id: int, old: str, new: str, repeat: str) -> None:
    row = conn.execute("SELECT password_hash FROM accounts WHERE user_id = ?", [user_id]).fetchone()
    if row is None or not check_password(old or "", row[0]):
        raise InvalidInput([Problem("password_wrong", "old_password", "the current password is not right")])
    problems = _password_problems(new or "", repeat or "")
    if problems:
        raise InvalidInput(problems)
    conn.execute("UPDATE accounts SET password_hash = ? WHERE user_id = ?", [hash_password(new), user_id])
    audit(conn, user_id, "account.password_change", {})


def reset_password(conn: duckdb.DuckDBPyConnection, username: str, new: str, *, actor_user_id: int | None) -> None:
    """An administrator sets a new password; the lock-out is lifted."""
    account = find_account(conn, username)
    if account is None:
        raise InvalidInput([Problem("unknown_user", "username", f"no account {username!r}")])
    problems = _password_problems(new or "", new or "")
    if problems:
        raise InvalidInput(problems)
    conn.execute(
        "UPDATE accounts SET password_hash = ?, failed_logins = 0, locked_until = NULL WHERE user_id = ?",
        [hash_password(new), account.user_id],
    )
    audit(conn, actor_user_id, "account.password_reset", {"user_id": account.user_id})


def has_consented(conn: duckdb.DuckDBPyConnection, user_id: int) -> bool:
    return bool(
        conn.execute(
            "SELECT 1 FROM consents WHERE user_id = ? AND text_version = ?", [user_id, CONSENT_VERSION]
        ).fetchone()
    )


def record_consent(conn: duckdb.DuckDBPyConnection, user_id: int) -> None:
    conn.execute(
        "INSERT INTO consents (user_id, text_version) VALUES (?, ?) ON CONFLICT DO NOTHING", [user_id, CONSENT_VERSION]
    )
