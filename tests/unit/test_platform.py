"""The platform: organisations with their first administrator, platform administrators (scan.platform)."""

from __future__ import annotations

import pytest

from scan import accounts, admin, platform
from scan.analytics import administration
from scan.analytics.platform import organisations
from scan.store.org import add_user, set_login
from scan.validation import InvalidInput
from tests.helpers import add_second_organisation


@pytest.fixture
def administrator(db, org) -> int:
    return add_user(db, organisation_id=org.organisation_id, display_name="Beheerder Test", discipline=None,
                    roles=["admin"])  # fmt: skip


def roles_of(db, user_id: int) -> list[str]:
    return [r[0] for r in db.execute("SELECT role FROM user_roles WHERE user_id = ? ORDER BY 1", [user_id]).fetchall()]


def test_platform_administration_is_given_by_the_platform_only_and_stays(db, org, administrator):
    person = org.members[0]
    with pytest.raises(InvalidInput):
        admin.set_roles(db, person, ["platform_admin"], actor_user_id=administrator)
    set_login(db, person, username="lid0", email=None, password_hash="not used here")
    platform.grant_platform_admin(db, "lid0")
    assert roles_of(db, person) == ["platform_admin", "professional"]
    admin.set_roles(db, person, ["team_lead"], actor_user_id=administrator)
    assert roles_of(db, person) == ["platform_admin", "team_lead"]
    granted = administration.audit_log(db, org.organisation_id)
    assert "user.platform_admin" in set(granted["action"])


def test_organisations_are_listed_with_their_size_for_the_platform(db, org, questionnaire, model):
    add_second_organisation(db, questionnaire, model)
    listed = organisations(db).set_index("name")
    assert listed.at["Stichting Test", "people"] == len(org.members) + 1
    assert (listed.at["Stichting Elders", "teams"], listed.at["Stichting Elders", "people"]) == (1, 7)


def test_a_new_organisation_gets_its_administrator_and_a_one_time_password(db, org):
    created = platform.create_organisation(
        db, name="Stichting Nieuw", admin_name="Nina Nieuw", admin_username="Nina.Nieuw", actor_user_id=None
    )
    assert created.admin_username == "nina.nieuw" and len(created.password) >= 16
    signed_in = accounts.sign_in(db, "nina.nieuw", created.password, client="c", address="a")
    assert signed_in.outcome == "ok"
    assert signed_in.account.organisation_id == created.organisation_id and signed_in.account.roles == ("admin",)
    assert list(administration.audit_log(db, created.organisation_id)["action"]) == ["organisation.create"]
    with pytest.raises(InvalidInput) as again:
        platform.create_organisation(
            db, name="Stichting Nieuw", admin_name="<b>", admin_username="nina.nieuw", password="kort",
            actor_user_id=None,
        )  # fmt: skip
    assert {p.code for p in again.value.problems} == {"markup", "username_taken", "password_too_short"}
    with pytest.raises(InvalidInput) as taken:
        platform.create_organisation(
            db, name="Stichting Nieuw", admin_name="Nina", admin_username="nina2", actor_user_id=None
        )
    assert [p.code for p in taken.value.problems] == ["organisation_exists"]
