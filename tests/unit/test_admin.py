"""Administration in the core: roles, invites, deleting a person, retention, the audit log."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest

from scan import admin
from scan.accounts import find_invite
from scan.analytics import administration
from scan.store.org import add_user, close_round, create_invite, delete_user, open_round, revoke_invite
from scan.store.responses import Submission, submit
from scan.store.retention import apply_retention, expired_rounds, retention_months, set_retention
from scan.validation import InvalidInput
from tests.helpers import count, full_answers


@pytest.fixture
def administrator(db, org) -> int:
    """The organisation's administrator: the store lets administrators act in their own organisation only."""
    return add_user(db, organisation_id=org.organisation_id, display_name="Beheerder", discipline=None, roles=["admin"])


def scan(db, org, questionnaire, model, member):
    submission = Submission(str(uuid.uuid4()), member, org.team_id, org.round_id, full_answers(questionnaire))
    return submit(db, questionnaire, model, submission)


def test_roles_are_replaced_and_checked(db, org, administrator):
    admin.set_roles(db, org.members[0], ["professional", "team_lead"], actor_user_id=administrator)
    people = administration.users_of(db, org.organisation_id).set_index("id")
    assert list(people.at[org.members[0], "roles"]) == ["professional", "team_lead"]
    with pytest.raises(InvalidInput):
        admin.set_roles(db, org.members[0], ["king"], actor_user_id=administrator)
    with pytest.raises(InvalidInput):
        admin.set_roles(db, org.members[0], [], actor_user_id=administrator)


def test_revoked_invite_no_longer_works(db, org, administrator):
    code = create_invite(db, org.team_id, created_by=administrator)
    assert find_invite(db, code) is not None
    revoke_invite(db, code, actor_user_id=administrator)
    assert find_invite(db, code) is None
    assert administration.invites_of(db, org.organisation_id)["revoked_at"].notna().all()


def test_deleting_a_user_removes_their_personal_data(db, org, questionnaire, model, administrator):
    scan(db, org, questionnaire, model, org.members[0])
    before = count(db, "users")
    delete_user(db, org.members[0], actor_user_id=administrator)
    assert count(db, "users") == before - 1
    assert count(db, "responses") == count(db, "answers") == count(db, "scores") == 0
    assert db.execute("SELECT count(*) FROM memberships WHERE user_id = ?", [org.members[0]]).fetchone()[0] == 0
    log = administration.audit_log(db, org.organisation_id)
    assert "user.delete" in set(log["action"]) and not log["detail"].str.contains("Lid 0").any()


def test_retention_removes_rounds_closed_long_enough_ago(db, org, questionnaire, model):
    scan(db, org, questionnaire, model, org.members[0])
    assert retention_months(db, org.organisation_id) == 36
    set_retention(db, org.organisation_id, 12, actor_user_id=0)
    assert retention_months(db, org.organisation_id) == 12
    with pytest.raises(InvalidInput):
        set_retention(db, org.organisation_id, 2, actor_user_id=0)
    close_round(db, org.round_id)
    open_round(db, org.organisation_id, "Volgende")
    assert expired_rounds(db, org.organisation_id) == []
    later = datetime.now() + timedelta(days=400)
    assert expired_rounds(db, org.organisation_id, later) == [org.round_id]
    assert apply_retention(db, org.organisation_id, actor_user_id=0, now=later) == 1
    assert count(db, "responses") == count(db, "answers") == count(db, "team_aggregates") == 0
