"""Accounts: sign-in with growing delays, registration with an invite code, passwords, sessions that end, consent.

The app draws the login form and decides; streamlit-authenticator keeps the signed login cookie. Users,
password hashes, roles, sign-in attempts and the events that end sessions live in the database (store.accounts).
"""

from __future__ import annotations

import random
import re
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import duckdb

from scan.passwords import MAX_PASSWORD_BYTES, check_password, hash_password
from scan.store import accounts as account_store
from scan.store.accounts import AccountRow as Account
from scan.store.accounts import InviteRow as Invite
from scan.validation import InvalidInput, Problem, clean_name, is_email

MIN_PASSWORD_LENGTH = 8
CONSENT_VERSION = "2026-1"
MAX_USERNAME_LENGTH = 64  # what a sign-in attempt records of a typed name
PRUNE_SHARE = 0.01  # the share of sign-in attempts that also remove attempts older than the window
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,31}$")
# Checked against when the username is unknown, so that a wrong name takes as long as a wrong password.
_UNKNOWN_USER_HASH = hash_password("no account has this password")

__all__ = ["Account", "Invite", "SignIn", "Throttle", "sign_in"]


@dataclass(frozen=True)
class Throttle:
    """Growing delays instead of a lock: after ``free`` failures in a row, each next attempt waits
    base·2^(failures − free) seconds, at most ``longest``. Counted per username and client (a browser session),
    and, more leniently, per username and network address, so that one visitor only slows themselves down and
    someone who keeps starting new sessions still meets the address limit."""

    free_per_client: int = 3
    free_per_address: int = 10
    base_seconds: float = 1.0
    longest_seconds: float = 300.0
    window_seconds: float = 24 * 3600.0

    def delay(self, failures: int, free: int) -> float:
        if failures < free:
            return 0.0
        return min(self.longest_seconds, self.base_seconds * 2 ** (failures - free))


THROTTLE = Throttle()


@dataclass(frozen=True)
class SignIn:
    outcome: Literal["ok", "wrong", "wait", "blocked"]
    account: Account | None = None
    wait_seconds: int = 0


def normalise_username(username: str) -> str:
    return (username or "").strip().lower()[:MAX_USERNAME_LENGTH]


def normalise_code(code: str) -> str:
    return re.sub(r"\s+", "", code or "").upper()


def find_account(conn: duckdb.DuckDBPyConnection, username: str) -> Account | None:
    return account_store.find_account(conn, normalise_username(username))


def wait_before_attempt(
    conn: duckdb.DuckDBPyConnection, username: str, client: str, address: str, now: float, throttle: Throttle = THROTTLE
) -> float:
    """Seconds this client must still wait before it may try this username again (0: go ahead)."""
    since = now - throttle.window_seconds
    waits = []
    for failed, free in (
        (account_store.failures(conn, username, since, client=client), throttle.free_per_client),
        (account_store.failures(conn, username, since, address=address), throttle.free_per_address),
    ):
        if failed.last_at is not None:
            waits.append(failed.last_at + throttle.delay(failed.count, free) - now)
    return max([0.0, *waits])


def sign_in(
    conn: duckdb.DuckDBPyConnection,
    username: str,
    password: str,
    *,
    client: str,
    address: str,
    now: float | None = None,
    throttle: Throttle = THROTTLE,
) -> SignIn:
    """Check a typed username and password. An unknown username and a wrong password get the same answer
    after the same work. An attempt made while this client must wait is not checked and not counted."""
    now = time.time() if now is None else now
    username = normalise_username(username)
    wait = wait_before_attempt(conn, username, client, address, now, throttle)
    if wait > 0:
        return SignIn("wait", wait_seconds=max(1, round(wait)))
    stored = account_store.password_hash(conn, username)
    right = check_password(password or "", stored[1] if stored else _UNKNOWN_USER_HASH) and stored is not None
    account_store.record_attempt(conn, username, client, address, right, now)
    if random.random() < PRUNE_SHARE:
        # Attempts older than the window no longer count; now and then they go, so that the table stays small
        # whatever names visitors type.
        account_store.forget_attempts_before(conn, now - throttle.window_seconds)
    if not right:
        # Said at once, so that a person who mistyped knows when the next try will be looked at.
        return SignIn("wrong", wait_seconds=round(wait_before_attempt(conn, username, client, address, now, throttle)))
    if account_store.session_facts(conn, stored[0]).blocked:
        return SignIn("blocked")
    return SignIn("ok", account=account_store.find_account(conn, username))


def session_is_valid(conn: duckdb.DuckDBPyConnection, user_id: int, began_at: float) -> bool:
    """A session (or login cookie) that began before the user's latest sign-out, password change, block or role
    change has ended; so has every session of a blocked or deleted account."""
    facts = account_store.session_facts(conn, user_id)
    return facts.exists and not facts.blocked and began_at > facts.sessions_valid_after


def sign_out_everywhere(conn: duckdb.DuckDBPyConnection, user_id: int, now: float | None = None) -> None:
    account_store.end_sessions(conn, user_id, time.time() if now is None else now)


def block(conn: duckdb.DuckDBPyConnection, user_id: int, blocked: bool, *, actor_user_id: int) -> None:
    account_store.set_blocked(conn, user_id, blocked, time.time(), actor_user_id=actor_user_id)


def find_invite(conn: duckdb.DuckDBPyConnection, code: str, now: datetime | None = None) -> Invite | None:
    return account_store.find_invite(conn, normalise_code(code), now or datetime.now())


def username_problems(conn: duckdb.DuckDBPyConnection, username: str) -> list[Problem]:
    """What is wrong with a new username (already normalised to lower case): its form, or that it is taken."""
    if not _USERNAME.match(username):
        return [Problem("username_invalid", "username", "3-32 letters, digits, dots, dashes or underscores")]
    if find_account(conn, username) is not None:
        return [Problem("username_taken", "username", "this username is taken")]
    return []


def password_problems(password: str, repeat: str, field: str = "password") -> list[Problem]:
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
    if find_invite(conn, code) is None:
        problems.append(Problem("invite_unknown", "code", "unknown, expired or used-up invite code"))
    username = (username or "").strip().lower()
    problems.extend(username_problems(conn, username))
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
    problems.extend(password_problems(password or "", password_repeat or ""))
    if problems:
        raise InvalidInput(problems)

    try:
        invite = account_store.register_account(
            conn, code=normalise_code(code), now=datetime.now(), username=username, display_name=name,
            email=email or None, discipline=discipline, new_hash=hash_password(password),
        )  # fmt: skip
    except duckdb.ConstraintException:
        # Someone took the same username a moment ago.
        raise InvalidInput([Problem("username_taken", "username", "this username is taken")]) from None
    if invite is None:
        # Someone else took the invite's last use a moment ago.
        raise InvalidInput([Problem("invite_used", "code", "the invite code has just been used up")])
    return invite


def change_password(conn: duckdb.DuckDBPyConnection, user_id: int, old: str, new: str, repeat: str) -> None:
    """Every session of the user ends, this one too: they sign in again with the new password."""
    if not check_password(old or "", account_store.password_hash_of(conn, user_id)):
        raise InvalidInput([Problem("password_wrong", "old_password", "the current password is not right")])
    problems = password_problems(new or "", repeat or "")
    if problems:
        raise InvalidInput(problems)
    account_store.set_password(
        conn, user_id, hash_password(new), time.time(), actor_user_id=user_id, action="account.password_change"
    )


def reset_password(conn: duckdb.DuckDBPyConnection, username: str, new: str, *, actor_user_id: int | None) -> None:
    """An administrator sets a new password; every session of the user ends."""
    account = find_account(conn, username)
    if account is None:
        raise InvalidInput([Problem("unknown_user", "username", f"no account {username!r}")])
    problems = password_problems(new or "", new or "")
    if problems:
        raise InvalidInput(problems)
    account_store.set_password(
        conn, account.user_id, hash_password(new), time.time(), actor_user_id=actor_user_id,
        action="account.password_reset",
    )  # fmt: skip


def has_consented(conn: duckdb.DuckDBPyConnection, user_id: int) -> bool:
    return account_store.has_consented(conn, user_id, CONSENT_VERSION)


def record_consent(conn: duckdb.DuckDBPyConnection, user_id: int) -> None:
    account_store.record_consent(conn, user_id, CONSENT_VERSION)
