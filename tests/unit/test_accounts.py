"""Sign-in with growing delays and sessions that end, on a real DuckDB file."""

from __future__ import annotations

import pytest

from scan import accounts, admin
from scan.accounts import Throttle
from scan.passwords import hash_password
from scan.store.org import delete_user, set_login

PASSWORD = "juist-wachtwoord"
T0 = 1_900_000_000.0  # a fixed clock: the delays are checked to the second
EARLIER = 1_700_000_000.0  # a session that began before any of the changes below


@pytest.fixture
def login(db, org) -> str:
    set_login(db, org.members[0], username="sanne", email=None, password_hash=hash_password(PASSWORD))
    return "sanne"


def attempt(db, password, *, client="a", address="10.0.0.1", now=T0, username="sanne"):
    return accounts.sign_in(db, username, password, client=client, address=address, now=now)


def test_the_right_password_signs_in_and_a_wrong_or_unknown_name_gets_the_same_answer(db, login):
    assert attempt(db, PASSWORD).outcome == "ok"
    assert attempt(db, PASSWORD).account.username == "sanne"
    assert attempt(db, "fout").outcome == "wrong"
    assert attempt(db, PASSWORD, username="niemand").outcome == "wrong"
    assert attempt(db, PASSWORD, username="  SANNE ").outcome == "ok"


def test_delays_grow_per_client_and_never_become_a_lock(db, login):
    throttle = Throttle()
    now = T0
    for k in range(throttle.free_per_client):
        result = attempt(db, "fout", now=now)
        assert result.outcome == "wrong"
        assert result.wait_seconds == (1 if k == throttle.free_per_client - 1 else 0)  # told at once
    # The fourth failure in a row from this client waits 1 s, then 2 s, 4 s ...
    assert attempt(db, "fout", now=now).outcome == "wait"
    waits = []
    for _ in range(4):
        now += 3600  # long enough for any delay to have passed
        assert attempt(db, "fout", now=now).outcome == "wrong"
        waits.append(attempt(db, "fout", now=now).wait_seconds)
    assert waits == [2, 4, 8, 16]
    # Another client is not slowed down by what this one did, and the real user gets in there.
    assert attempt(db, PASSWORD, client="b", now=now).outcome == "ok"
    # After its wait this client gets in with the right password too, and its count starts again.
    assert attempt(db, PASSWORD, now=now + 3600).outcome == "ok"
    assert attempt(db, "fout", now=now + 3600).outcome == "wrong"


def test_someone_who_keeps_starting_new_sessions_meets_the_address_limit(db, login):
    throttle = Throttle()
    for k in range(throttle.free_per_address):
        assert attempt(db, "fout", client=f"fresh{k}").outcome == "wrong"
    assert attempt(db, "fout", client="yet-another").outcome == "wait"
    # Someone elsewhere is not affected.
    assert attempt(db, PASSWORD, client="home", address="10.9.9.9").outcome == "ok"


def test_the_longest_delay_is_capped():
    throttle = Throttle()
    assert throttle.delay(2, 3) == 0
    assert throttle.delay(3, 3) == 1
    assert throttle.delay(50, 3) == throttle.longest_seconds


def test_sign_out_ends_every_session_that_began_before_it(db, login, org):
    user = org.members[0]
    began = T0
    assert accounts.session_is_valid(db, user, began)
    accounts.sign_out_everywhere(db, user, now=began + 10)
    assert not accounts.session_is_valid(db, user, began)  # a cookie copied before the sign-out
    assert accounts.session_is_valid(db, user, began + 11)  # signing in again afterwards


def test_a_new_password_ends_every_session(db, login, org):
    user = org.members[0]
    accounts.change_password(db, user, PASSWORD, "nieuw-wachtwoord", "nieuw-wachtwoord")
    assert not accounts.session_is_valid(db, user, EARLIER)
    assert attempt(db, "nieuw-wachtwoord", now=T0 + 1e6).outcome == "ok"


def test_a_reset_by_the_administrator_ends_every_session(db, login, org):
    accounts.reset_password(db, "sanne", "ander-wachtwoord", actor_user_id=None)
    assert not accounts.session_is_valid(db, org.members[0], EARLIER)


def test_a_block_ends_sessions_and_refuses_sign_in_until_lifted(db, login, org):
    user, admin_id = org.members[0], org.members[1]
    accounts.block(db, user, True, actor_user_id=admin_id)
    assert not accounts.session_is_valid(db, user, EARLIER)
    assert not accounts.session_is_valid(db, user, 4_000_000_000.0)  # blocked: no session at all
    assert attempt(db, PASSWORD, now=4_000_000_000.0).outcome == "blocked"
    accounts.block(db, user, False, actor_user_id=admin_id)
    assert attempt(db, PASSWORD, now=4_000_000_001.0).outcome == "ok"


def test_new_roles_and_deletion_end_sessions(db, login, org):
    user, admin_id = org.members[0], org.members[1]
    admin.set_roles(db, user, ["professional", "team_lead"], actor_user_id=admin_id)
    assert not accounts.session_is_valid(db, user, EARLIER)
    delete_user(db, user, actor_user_id=admin_id)
    assert not accounts.session_is_valid(db, user, 4_000_000_000.0)


def test_attempts_older_than_the_window_are_forgotten(db, login):
    from scan.store.accounts import forget_attempts_before

    attempt(db, "fout", now=T0 - 2 * 86400)
    attempt(db, "fout", now=T0)
    assert forget_attempts_before(db, T0 - 86400) == 1
    assert db.execute("SELECT attempted_at FROM login_attempts").fetchall() == [(T0,)]
