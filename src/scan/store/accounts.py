"""Logins: account rows, sign-in attempts, the events that end sessions, invites taken, consent.

Sign-in attempts and session events are appended, never updated, so that concurrent sign-ins cannot
conflict and every attempt counts. Times are Unix seconds (the login cookie's expiry is one too).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb

from scan.store.db import write
from scan.store.org import add_user, audit, organisation_of_user, set_login, within_actors_organisation


@dataclass(frozen=True)
class AccountRow:
    user_id: int
    username: str
    display_name: str
    email: str | None
    discipline: str | None
    organisation_id: int
    roles: tuple[str, ...]
    team_ids: tuple[int, ...]


@dataclass(frozen=True)
class SessionFacts:
    """What decides whether a signed-in session may go on."""

    exists: bool
    sessions_valid_after: float  # a session that began at or before this has ended
    blocked: bool


@dataclass(frozen=True)
class Failures:
    count: int  # failed attempts since the last success (within the window)
    last_at: float | None


@dataclass(frozen=True)
class InviteRow:
    code: str
    team_id: int
    team_name: str
    organisation_id: int


def find_account(conn: duckdb.DuckDBPyConnection, username: str) -> AccountRow | None:
    row = conn.execute(
        """
        SELECT u.id, a.username, u.display_name, a.email, u.discipline, u.organisation_id,
               list(DISTINCT r.role ORDER BY r.role) FILTER (WHERE r.role IS NOT NULL),
               list(DISTINCT m.team_id ORDER BY m.team_id) FILTER (WHERE m.team_id IS NOT NULL)
        FROM accounts a JOIN users u ON u.id = a.user_id
        LEFT JOIN user_roles r ON r.user_id = a.user_id LEFT JOIN memberships m ON m.user_id = a.user_id
        WHERE a.username = ? GROUP BY ALL
        """,
        [username],
    ).fetchone()
    if row is None:
        return None
    return AccountRow(*row[:6], roles=tuple(row[6] or ()), team_ids=tuple(row[7] or ()))


def password_hash(conn: duckdb.DuckDBPyConnection, username: str) -> tuple[int, str] | None:
    row = conn.execute("SELECT user_id, password_hash FROM accounts WHERE username = ?", [username]).fetchone()
    return (row[0], row[1]) if row else None


def password_hash_of(conn: duckdb.DuckDBPyConnection, user_id: int) -> str | None:
    row = conn.execute("SELECT password_hash FROM accounts WHERE user_id = ?", [user_id]).fetchone()
    return row[0] if row else None


def record_attempt(
    conn: duckdb.DuckDBPyConnection, username: str, client: str, address: str, success: bool, at: float
) -> None:
    conn.execute(
        "INSERT INTO login_attempts (username, client, address, attempted_at, success) VALUES (?, ?, ?, ?, ?)",
        [username, client, address, at, success],
    )


def failures(
    conn: duckdb.DuckDBPyConnection, username: str, since: float, *, client: str | None = None,
    address: str | None = None,
) -> Failures:  # fmt: skip
    """Failed attempts for this username from one client (or one address) since its last success there."""
    column, value = ("client", client) if client is not None else ("address", address)
    count, last_at = conn.execute(
        f"""
        SELECT count(*), max(attempted_at) FROM login_attempts
        WHERE username = $username AND {column} = $value AND NOT success AND attempted_at > $since
          AND attempted_at > coalesce((SELECT max(attempted_at) FROM login_attempts
                                       WHERE username = $username AND {column} = $value AND success), 0)
        """,
        {"username": username, "value": value, "since": since},
    ).fetchone()
    return Failures(count, last_at)


def forget_attempts_before(conn: duckdb.DuckDBPyConnection, before: float) -> int:
    """Old attempts no longer count; they need not be kept."""
    return write(
        conn, lambda: conn.execute("DELETE FROM login_attempts WHERE attempted_at < ?", [before]).fetchone()[0]
    )


def session_facts(conn: duckdb.DuckDBPyConnection, user_id: int) -> SessionFacts:
    row = conn.execute(
        """
        SELECT a.user_id IS NOT NULL,
               (SELECT max(occurred_at) FROM account_events e WHERE e.user_id = $user),
               (SELECT event FROM account_events e WHERE e.user_id = $user AND event IN ('block', 'unblock')
                ORDER BY occurred_at DESC LIMIT 1)
        FROM (SELECT $user AS id) x LEFT JOIN accounts a ON a.user_id = x.id
        """,
        {"user": user_id},
    ).fetchone()
    return SessionFacts(exists=bool(row[0]), sessions_valid_after=row[1] or 0.0, blocked=row[2] == "block")


def end_sessions(conn: duckdb.DuckDBPyConnection, user_id: int, at: float, *, event: str = "sessions_end") -> None:
    """Every session and login cookie of the user that began before ``at`` ends (an append: cannot conflict)."""
    conn.execute("INSERT INTO account_events (user_id, event, occurred_at) VALUES (?, ?, ?)", [user_id, event, at])


def set_blocked(conn: duckdb.DuckDBPyConnection, user_id: int, blocked: bool, at: float, *, actor_user_id: int) -> None:
    """An administrator's decision, about a person of their own organisation: a blocked account cannot sign in, and
    its sessions end at once."""

    def work() -> None:
        organisation_id = within_actors_organisation(
            conn, actor_user_id, organisation_of_user(conn, user_id), "other_organisation_person"
        )
        end_sessions(conn, user_id, at, event="block" if blocked else "unblock")
        action = "account.block" if blocked else "account.unblock"
        audit(conn, actor_user_id, action, {"user_id": user_id}, organisation_id=organisation_id)

    write(conn, work)


def set_password(
    conn: duckdb.DuckDBPyConnection, user_id: int, new_hash: str, at: float, *, actor_user_id: int | None, action: str
) -> None:
    """A new password ends every session of the user, the one that changed it included."""

    def work() -> None:
        conn.execute("UPDATE accounts SET password_hash = ? WHERE user_id = ?", [new_hash, user_id])
        end_sessions(conn, user_id, at)
        audit(conn, actor_user_id, action, {"user_id": user_id}, organisation_id=organisation_of_user(conn, user_id))

    write(conn, work)


def find_invite(conn: duckdb.DuckDBPyConnection, code: str, now: datetime) -> InviteRow | None:
    """A usable invite: known, not revoked, not expired, not used up."""
    row = conn.execute(
        """
        SELECT i.code, i.team_id, l.name || ' · ' || t.name, l.organisation_id FROM invites i
        JOIN teams t ON t.id = i.team_id JOIN locations l ON l.id = t.location_id
        WHERE i.code = ? AND i.revoked_at IS NULL AND i.uses < i.max_uses
          AND (i.expires_at IS NULL OR i.expires_at > ?)
        """,
        [code, now],
    ).fetchone()
    return InviteRow(*row) if row else None


def register_account(
    conn: duckdb.DuckDBPyConnection,
    *,
    code: str,
    now: datetime,
    username: str,
    display_name: str,
    email: str | None,
    discipline: str,
    new_hash: str,
) -> InviteRow | None:
    """Take one use of the invite and create the professional's account in its team, in one transaction.

    Returns None when the invite is no longer usable (used up, revoked, expired), also when another person
    took its last use at the same moment: the use is counted in the same statement that checks it.
    """

    def work() -> InviteRow | None:
        invite = find_invite(conn, code, now)
        if invite is None:
            return None
        taken = conn.execute(
            "UPDATE invites SET uses = uses + 1 WHERE code = ? AND uses < max_uses RETURNING uses", [code]
        ).fetchone()
        if taken is None:
            return None
        user_id = add_user(
            conn, organisation_id=invite.organisation_id, display_name=display_name, discipline=discipline,
            team_ids=[invite.team_id],
        )  # fmt: skip
        set_login(conn, user_id, username=username, email=email, password_hash=new_hash)
        audit(conn, user_id, "account.register", {"team_id": invite.team_id}, organisation_id=invite.organisation_id)
        return invite

    return write(conn, work)


def has_consented(conn: duckdb.DuckDBPyConnection, user_id: int, version: str) -> bool:
    return bool(
        conn.execute("SELECT 1 FROM consents WHERE user_id = ? AND text_version = ?", [user_id, version]).fetchone()
    )


def record_consent(conn: duckdb.DuckDBPyConnection, user_id: int, version: str) -> None:
    write(
        conn,
        lambda: conn.execute(
            "INSERT INTO consents (user_id, text_version) VALUES (?, ?) ON CONFLICT DO NOTHING", [user_id, version]
        ),
        upsert=True,
    )
