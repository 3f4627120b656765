"""Writes for the organisation: organisations, locations, teams, users, roles, rounds, invites, audit."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import duckdb

from scan.questionnaire import Questionnaire
from scan.store.db import transaction, write
from scan.store.schema import ORGANISATION_ROLES, ROLES
from scan.validation import CodedError, clean_name

INVITE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read aloud and typed


class NotInOrganisation(CodedError):
    """An administrator acted on a person, an invite or a team of another organisation (or of none); nothing was
    changed. ``code`` names the message for the UI (error.<code>)."""


def _insert_returning_id(conn: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> int:
    return conn.execute(sql + " RETURNING id", params).fetchone()[0]


# Names of organisations, locations, teams and rounds are checked here, where they are written: plain text
# (scan.validation.clean_name), stored as cleaned; InvalidInput otherwise.


def add_organisation(conn: duckdb.DuckDBPyConnection, name: str) -> int:
    name = clean_name(name, "organisation")
    return _insert_returning_id(conn, "INSERT INTO organisations (name) VALUES (?)", [name])


def add_location(conn: duckdb.DuckDBPyConnection, organisation_id: int, name: str) -> int:
    name = clean_name(name, "location")
    return _insert_returning_id(
        conn, "INSERT INTO locations (organisation_id, name) VALUES (?, ?)", [organisation_id, name]
    )


def add_team(conn: duckdb.DuckDBPyConnection, location_id: int, name: str) -> int:
    name = clean_name(name, "team")
    return _insert_returning_id(conn, "INSERT INTO teams (location_id, name) VALUES (?, ?)", [location_id, name])


def new_pseudonym() -> str:
    return "r" + secrets.token_hex(8)


def add_user(
    conn: duckdb.DuckDBPyConnection,
    *,
    organisation_id: int,
    display_name: str,
    discipline: str | None,
    username: str | None = None,
    email: str | None = None,
    password_hash: str | None = None,
    roles: Iterable[str] = ("professional",),
    team_ids: Iterable[int] = (),
) -> int:
    roles = tuple(roles)
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown role(s): {', '.join(sorted(unknown))}")
    with transaction(conn):
        user_id = _insert_returning_id(
            conn,
            "INSERT INTO users (organisation_id, pseudonym, display_name, discipline) VALUES (?, ?, ?, ?)",
            [organisation_id, new_pseudonym(), display_name, discipline],
        )
        if username is not None:
            set_login(conn, user_id, username=username, email=email, password_hash=password_hash)
        for role in roles:
            conn.execute("INSERT INTO user_roles VALUES (?, ?)", [user_id, role])
        for team_id in team_ids:
            conn.execute("INSERT INTO memberships VALUES (?, ?)", [user_id, team_id])
    return user_id


def set_login(
    conn: duckdb.DuckDBPyConnection,
    user_id: int,
    *,
    username: str,
    email: str | None,
    password_hash: str | None,
) -> None:
    """Give a user a login (or replace it); the username is stored in lower case."""
    if not password_hash:
        raise ValueError("a login needs a password hash")
    conn.execute("DELETE FROM accounts WHERE user_id = ?", [user_id])
    conn.execute(
        "INSERT INTO accounts (user_id, username, email, password_hash) VALUES (?, ?, ?, ?)",
        [user_id, username.strip().lower(), email, password_hash],
    )


def add_organisation_with_administrator(
    conn: duckdb.DuckDBPyConnection,
    name: str,
    *,
    admin_name: str,
    username: str,
    password_hash: str,
    actor_user_id: int | None,
) -> int:
    """A new organisation and its first administrator, in one transaction (the platform's task). Returns its id."""
    with transaction(conn):
        organisation_id = add_organisation(conn, name)
        admin_user_id = add_user(
            conn, organisation_id=organisation_id, display_name=admin_name, discipline=None, username=username,
            password_hash=password_hash, roles=("admin",),
        )  # fmt: skip
        detail = {"organisation_id": organisation_id, "admin_user_id": admin_user_id}
        audit(conn, actor_user_id, "organisation.create", detail, organisation_id=organisation_id)
    return organisation_id


def open_round(conn: duckdb.DuckDBPyConnection, organisation_id: int, name: str) -> int:
    """Open the next measurement round; the organisation's previous open round is closed first."""
    name = clean_name(name, "round", max_length=60)
    with transaction(conn):
        conn.execute(
            "UPDATE rounds SET status = 'closed', closed_at = current_timestamp"
            " WHERE organisation_id = ? AND status = 'open'",
            [organisation_id],
        )
        wave = conn.execute(
            "SELECT coalesce(max(wave), 0) + 1 FROM rounds WHERE organisation_id = ?", [organisation_id]
        ).fetchone()[0]
        return _insert_returning_id(
            conn,
            "INSERT INTO rounds (organisation_id, name, wave, status) VALUES (?, ?, ?, 'open')",
            [organisation_id, name, wave],
        )


def close_round(conn: duckdb.DuckDBPyConnection, round_id: int) -> None:
    conn.execute("UPDATE rounds SET status = 'closed', closed_at = current_timestamp WHERE id = ?", [round_id])


def register_questionnaire(conn: duckdb.DuckDBPyConnection, questionnaire: Questionnaire) -> None:
    """Record a questionnaire version and its items once; earlier versions stay, so old answers keep meaning."""
    conn.execute(
        "INSERT INTO dimensions SELECT (SELECT coalesce(max(id), 0) FROM dimensions) + row_number() OVER (), name"
        " FROM (SELECT unnest(?::VARCHAR[]) AS name) WHERE name NOT IN (SELECT name FROM dimensions)",
        [list(questionnaire.dimension_ids())],
    )
    known = conn.execute(
        "SELECT content_hash FROM questionnaire_versions WHERE version = ?", [questionnaire.version]
    ).fetchone()
    if known:
        if known[0] != questionnaire.content_hash:
            # The same version with other content would change the meaning of stored answers.
            stored = conn.execute(
                "SELECT item_id FROM items WHERE version = ? ORDER BY item_id", [questionnaire.version]
            ).fetchall()
            if sorted(r[0] for r in stored) != sorted(i.id for i in questionnaire.items):
                raise ValueError(
                    f"questionnaire version {questionnaire.version} is already registered with other items; "
                    "give the changed questionnaire a new version"
                )
        return
    with transaction(conn):
        conn.execute(
            "INSERT INTO questionnaire_versions (version, content_hash) VALUES (?, ?)",
            [questionnaire.version, questionnaire.content_hash],
        )
        conn.execute(
            "INSERT INTO items SELECT ?, unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]),"
            " unnest(?::BOOLEAN[])",
            [
                questionnaire.version,
                [i.id for i in questionnaire.items],
                [i.construct_id for i in questionnaire.items],
                [i.subdimension_id for i in questionnaire.items],
                [i.reverse for i in questionnaire.items],
            ],
        )


def organisation_of_user(conn: duckdb.DuckDBPyConnection, user_id: int) -> int | None:
    row = conn.execute("SELECT organisation_id FROM users WHERE id = ?", [user_id]).fetchone()
    return row[0] if row else None


def organisation_of_team(conn: duckdb.DuckDBPyConnection, team_id: int) -> int | None:
    row = conn.execute(
        "SELECT l.organisation_id FROM teams t JOIN locations l ON l.id = t.location_id WHERE t.id = ?", [team_id]
    ).fetchone()
    return row[0] if row else None


def _organisation_of_invite(conn: duckdb.DuckDBPyConnection, code: str) -> int | None:
    row = conn.execute("SELECT team_id FROM invites WHERE code = ?", [code]).fetchone()
    return organisation_of_team(conn, row[0]) if row else None


def within_actors_organisation(
    conn: duckdb.DuckDBPyConnection, actor_user_id: int | None, organisation_id: int | None, refusal: str
) -> int:
    """The organisation of what is acted on, when the actor may act there: an administrator only in their own
    organisation. No actor is the platform's own tooling (the command line, the demo builder), which acts in every
    organisation. Checked here, in the store, so that no page or caller can reach another organisation's people."""
    if organisation_id is None or (
        actor_user_id is not None and organisation_of_user(conn, actor_user_id) != organisation_id
    ):
        raise NotInOrganisation(refusal, f"{refusal}: outside the organisation of user {actor_user_id}")
    return organisation_id


def new_invite_code() -> str:
    return "-".join("".join(secrets.choice(INVITE_ALPHABET) for _ in range(4)) for _ in range(3))


def create_invite(
    conn: duckdb.DuckDBPyConnection,
    team_id: int,
    *,
    created_by: int | None = None,
    code: str | None = None,
    max_uses: int = 50,
    expires_at: datetime | None = None,
) -> str:
    """An invite for a team of the creator's organisation (any team when made by the command line or the demo)."""
    code = code or new_invite_code()
    with transaction(conn):
        organisation_id = within_actors_organisation(
            conn, created_by, organisation_of_team(conn, team_id), "other_organisation_team"
        )
        conn.execute(
            "INSERT INTO invites (code, team_id, created_by, max_uses, expires_at) VALUES (?, ?, ?, ?, ?)",
            [code, team_id, created_by, max_uses, expires_at],
        )
        audit(conn, created_by, "invite.create", {"team_id": team_id}, organisation_id=organisation_id)
    return code


def audit(
    conn: duckdb.DuckDBPyConnection,
    actor_user_id: int | None,
    action: str,
    detail: dict[str, Any],
    *,
    organisation_id: int | None,
) -> None:
    """One entry of the audit log. ``organisation_id``: whose administrators read it; None for the platform's."""
    conn.execute(
        "INSERT INTO audit_log (actor_user_id, organisation_id, action, detail) VALUES (?, ?, ?, ?)",
        [actor_user_id, organisation_id, action, json.dumps(detail, ensure_ascii=False, sort_keys=True)],
    )


def rename_user(conn: duckdb.DuckDBPyConnection, user_id: int, display_name: str) -> None:
    conn.execute("UPDATE users SET display_name = ? WHERE id = ?", [display_name, user_id])


def set_roles(
    conn: duckdb.DuckDBPyConnection, user_id: int, roles: list[str], *, actor_user_id: int | None, now: float
) -> None:
    """The person's roles in their organisation, by an administrator of that organisation. Platform administration
    is not among them: only the platform gives it (grant_platform_admin), and it stays when these change.
    New roles end the user's sessions: the menu and the guards are built from the roles at sign-in."""
    from scan.store.accounts import end_sessions

    if set(roles) - set(ORGANISATION_ROLES):
        raise ValueError(f"an organisation hands out only the roles {', '.join(ORGANISATION_ROLES)}")

    def work() -> None:
        organisation_id = within_actors_organisation(
            conn, actor_user_id, organisation_of_user(conn, user_id), "other_organisation_person"
        )
        conn.execute("DELETE FROM user_roles WHERE user_id = ? AND role <> 'platform_admin'", [user_id])
        conn.execute("INSERT INTO user_roles SELECT ?, unnest(?::VARCHAR[])", [user_id, roles])
        end_sessions(conn, user_id, now)
        audit(conn, actor_user_id, "user.roles", {"user_id": user_id, "roles": roles}, organisation_id=organisation_id)

    write(conn, work)


def grant_platform_admin(conn: duckdb.DuckDBPyConnection, user_id: int, *, now: float) -> None:
    """The platform's own decision (the command line): the person may create organisations and back up and restore
    the whole database. Ends their sessions, like every change of roles. Logged in their organisation too, so that
    its administrators see who of theirs can reach every organisation."""
    from scan.store.accounts import end_sessions

    def work() -> None:
        organisation_id = organisation_of_user(conn, user_id)
        if organisation_id is None:
            raise ValueError(f"no user {user_id}")
        conn.execute("INSERT INTO user_roles VALUES (?, 'platform_admin') ON CONFLICT DO NOTHING", [user_id])
        end_sessions(conn, user_id, now)
        audit(conn, None, "user.platform_admin", {"user_id": user_id}, organisation_id=organisation_id)

    write(conn, work)


def delete_user(conn: duckdb.DuckDBPyConnection, user_id: int, *, actor_user_id: int) -> None:
    """Remove the person: answers, scores, ties, drafts, login, roles, memberships, consents and the user row.
    The audit log keeps only the number, never the name. Without a login row every session of theirs ends.
    An administrator deletes only people of their own organisation."""
    from scan.store.responses import delete_person_data

    with transaction(conn):
        organisation_id = within_actors_organisation(
            conn, actor_user_id, organisation_of_user(conn, user_id), "other_organisation_person"
        )
        delete_person_data(conn, user_id, actor_user_id=actor_user_id)
        for table in ("accounts", "user_roles", "memberships", "consents", "drafts"):
            conn.execute(f"DELETE FROM {table} WHERE user_id = ?", [user_id])
        # Nothing personal is left on the row itself, should the second step below not happen.
        conn.execute("UPDATE users SET display_name = '-', discipline = NULL WHERE id = ?", [user_id])
        audit(conn, actor_user_id, "user.delete", {"user_id": user_id}, organisation_id=organisation_id)
    # DuckDB checks foreign keys against the state before the transaction: the row can only go after the
    # rows that pointed at it are committed away.
    conn.execute("DELETE FROM users WHERE id = ?", [user_id])


def revoke_invite(conn: duckdb.DuckDBPyConnection, code: str, *, actor_user_id: int) -> None:
    """An administrator revokes only invites to the teams of their own organisation."""
    with transaction(conn):
        organisation_id = within_actors_organisation(
            conn, actor_user_id, _organisation_of_invite(conn, code), "other_organisation_invite"
        )
        conn.execute("UPDATE invites SET revoked_at = current_timestamp WHERE code = ? AND revoked_at IS NULL", [code])
        audit(conn, actor_user_id, "invite.revoke", {"code": code}, organisation_id=organisation_id)


def mark_database(conn: duckdb.DuckDBPyConnection, mark: str) -> None:
    conn.execute("INSERT INTO database_marks (mark) VALUES (?) ON CONFLICT DO NOTHING", [mark])


def has_mark(conn: duckdb.DuckDBPyConnection, mark: str) -> bool:
    return conn.execute("SELECT 1 FROM database_marks WHERE mark = ?", [mark]).fetchone() is not None


def holds_organisations(conn: duckdb.DuckDBPyConnection) -> bool:
    """Whether the database holds anything yet: the demo is only ever built into an empty one."""
    return conn.execute("SELECT 1 FROM organisations LIMIT 1").fetchone() is not None
