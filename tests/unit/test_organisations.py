"""Organisations apart: an administrator reads and changes their own organisation only; the platform spans them all.

Two organisations in one real DuckDB file: the small one of the ``org`` fixture (with its administrator) and
"Stichting Elders" (tests.helpers.add_second_organisation).
"""

from __future__ import annotations

import pytest

from scan import accounts, admin
from scan.analytics import administration
from scan.exports import EXPORTS, export_frame
from scan.locales import text
from scan.store import connect
from scan.store.org import add_user, create_invite, delete_user, revoke_invite
from scan.store.schema import MIGRATIONS, ROLES, migrate
from scan.validation import CodedError
from tests.helpers import add_second_organisation, count


@pytest.fixture
def administrator(db, org) -> int:
    return add_user(db, organisation_id=org.organisation_id, display_name="Beheerder Test", discipline=None,
                    roles=["admin"])  # fmt: skip


@pytest.fixture
def elders(db, org, questionnaire, model):
    return add_second_organisation(db, questionnaire, model)


def roles_of(db, user_id: int) -> list[str]:
    return [r[0] for r in db.execute("SELECT role FROM user_roles WHERE user_id = ? ORDER BY 1", [user_id]).fetchall()]


def test_the_audit_log_holds_only_the_organisations_own_entries(db, org, administrator, elders):
    create_invite(db, org.team_id, created_by=administrator)
    # The other organisation's administrator acts last: its entries are the newest of the whole log.
    revoke_invite(db, elders.invite, actor_user_id=elders.administrator)
    log = administration.audit_log(db, org.organisation_id)
    assert list(log["action"]) == ["invite.create"] and set(log["actor"]) == {"Beheerder Test"}
    theirs = administration.audit_log(db, elders.organisation_id)
    assert {"invite.create", "invite.revoke", "privacy.retention"} <= set(theirs["action"])
    assert "Beheerder Test" not in set(theirs["actor"])


def test_research_exports_hold_only_the_organisations_own_rows(db, org, questionnaire, elders):
    for what in EXPORTS:
        mine = export_frame(db, questionnaire, what, 1, organisation_id=org.organisation_id)
        shown = mine.to_csv(index=False)
        assert not any(marker in shown for marker in elders.markers), what
        assert not any(pseudonym in shown for pseudonym in elders.pseudonyms), what
        if what != "codebook":
            theirs = export_frame(db, questionnaire, what, 1, organisation_id=elders.organisation_id).to_csv()
            assert "IKC Elders · Bovenbouw Elders" in theirs, what
            everything = export_frame(db, questionnaire, what, 1, organisation_id=None).to_csv()
            assert "IKC Elders · Bovenbouw Elders" in everything, what


def test_users_and_invites_are_read_per_organisation(db, org, administrator, elders):
    create_invite(db, org.team_id, created_by=administrator)
    people = administration.users_of(db, org.organisation_id)
    assert set(people["id"]) == {*org.members, org.outsider, administrator}
    assert elders.invite not in set(administration.invites_of(db, org.organisation_id)["code"])
    assert set(administration.invites_of(db, elders.organisation_id)["code"]) == {elders.invite}


def what_an_action_changes(db, person: int) -> dict:
    return {
        "roles": roles_of(db, person),
        "events": count(db, "account_events"),
        "users": count(db, "users"),
        "invites": db.execute("SELECT code, revoked_at FROM invites ORDER BY code").fetchall(),
        "audit": count(db, "audit_log"),
    }


@pytest.mark.parametrize(
    "action",
    ["set_roles", "block", "unblock", "delete", "revoke_invite", "create_invite"],
)
def test_the_store_refuses_an_administrator_acting_on_another_organisation(db, org, administrator, elders, action):
    person = elders.members[0]
    before = what_an_action_changes(db, person)
    act = {
        "set_roles": lambda: admin.set_roles(db, person, ["team_lead"], actor_user_id=administrator),
        "block": lambda: accounts.block(db, person, True, actor_user_id=administrator),
        "unblock": lambda: accounts.block(db, person, False, actor_user_id=administrator),
        "delete": lambda: delete_user(db, person, actor_user_id=administrator),
        "revoke_invite": lambda: revoke_invite(db, elders.invite, actor_user_id=administrator),
        "create_invite": lambda: create_invite(db, elders.team_id, created_by=administrator),
    }[action]
    with pytest.raises(CodedError) as refused:
        act()
    assert refused.value.code.startswith("other_organisation_")
    for lang in ("nl", "en"):  # a message in the user's language, not the key
        assert text(lang, f"error.{refused.value.code}") != f"error.{refused.value.code}"
    assert what_an_action_changes(db, person) == before


def test_an_administrator_still_acts_in_their_own_organisation(db, org, administrator, elders):
    person = org.members[0]
    admin.set_roles(db, person, ["team_lead"], actor_user_id=administrator)
    accounts.block(db, person, True, actor_user_id=administrator)
    code = create_invite(db, org.team_id, created_by=administrator)
    revoke_invite(db, code, actor_user_id=administrator)
    delete_user(db, person, actor_user_id=administrator)
    log = administration.audit_log(db, org.organisation_id)
    assert set(log["action"]) >= {"user.roles", "account.block", "invite.create", "invite.revoke", "user.delete"}


def test_migration_6_gives_earlier_audit_entries_their_organisation(tmp_path):
    """A database of schema version 5 with two organisations: after the migration an entry belongs to the
    organisation of who made it; one without a known actor to the platform (NULL). Roles are kept."""
    conn = connect(tmp_path / "v5.duckdb", migrate_schema=False)
    conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    for number, sql in MIGRATIONS[:5]:
        conn.execute(sql)
        conn.execute("INSERT INTO schema_version VALUES (?)", [number])
    conn.execute("INSERT INTO organisations (name) VALUES ('Een'), ('Twee')")
    conn.execute("INSERT INTO users (organisation_id, pseudonym, display_name) VALUES (1, 'r1', 'A'), (2, 'r2', 'B')")
    conn.execute("INSERT INTO user_roles VALUES (1, 'admin'), (2, 'admin'), (2, 'professional')")
    conn.execute("INSERT INTO audit_log (actor_user_id, action) VALUES (1, 'a'), (2, 'b'), (NULL, 'cli'), (99, 'gone')")
    assert migrate(conn) == MIGRATIONS[-1][0]
    assert conn.execute("SELECT action, organisation_id FROM audit_log ORDER BY id").fetchall() == [
        ("a", 1), ("b", 2), ("cli", None), ("gone", None)
    ]  # fmt: skip
    assert conn.execute("SELECT * FROM user_roles ORDER BY ALL").fetchall() == [
        (1, "admin"), (2, "admin"), (2, "professional")
    ]  # fmt: skip
    for role in ROLES:  # every role of this program fits the table's check
        conn.execute("INSERT INTO user_roles VALUES (1, ?) ON CONFLICT DO NOTHING", [role])
