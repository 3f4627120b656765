"""Races on a real DuckDB file, each thread with its own cursor as each script run has: exact results, and no
exception but the refusals a person is shown."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import duckdb
import pytest

from scan import accounts
from scan.accounts import Throttle
from scan.passwords import hash_password
from scan.store.org import create_invite, set_login
from scan.store.responses import Submission, SubmissionRefused, save_draft, submit
from scan.validation import InvalidInput
from tests.helpers import full_answers

PASSWORD = "juist-wachtwoord"
LENIENT = Throttle(free_per_client=1000, free_per_address=1000)  # so that every parallel attempt is checked


def at_once(conn: duckdb.DuckDBPyConnection, n: int, work: Callable[[duckdb.DuckDBPyConnection, int], Any]) -> list:
    """Run ``work`` in n threads that start together, each on a cursor of its own; results or exceptions."""
    start = threading.Barrier(n)
    cursors = [conn.cursor() for _ in range(n)]

    def run(k: int) -> Any:
        start.wait()
        try:
            return work(cursors[k], k)
        except Exception as exc:  # collected: the test says which ones are allowed
            return exc

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(run, range(n)))


@pytest.fixture
def login(db, org) -> str:
    set_login(db, org.members[0], username="sanne", email=None, password_hash=hash_password(PASSWORD))
    return "sanne"


def test_the_same_scan_sent_at_once_from_several_tabs_is_stored_once(db, org, questionnaire, model):
    for member in org.members[:3]:
        submission = Submission(str(uuid.uuid4()), member, org.team_id, org.round_id, full_answers(questionnaire))
        results = at_once(db, 6, lambda cur, _k, s=submission: submit(cur, questionnaire, model, s))
        assert all(not isinstance(r, Exception) for r in results), results
        assert len({r.response_id for r in results}) == 1
        assert sum(r.created for r in results) == 1
        assert db.execute("SELECT count(*) FROM responses WHERE user_id = ?", [member]).fetchone()[0] == 1
        answers = db.execute("SELECT count(*) FROM answers WHERE response_id = ?", [results[0].response_id]).fetchone()[
            0
        ]
        assert answers == len(questionnaire.items)


def test_two_different_scans_of_one_person_at_once_store_one_and_refuse_the_other(db, org, questionnaire, model):
    def send(cur, _k):
        return submit(cur, questionnaire, model, Submission(
            str(uuid.uuid4()), org.members[1], org.team_id, org.round_id, full_answers(questionnaire)))  # fmt: skip

    results = at_once(db, 4, send)
    stored = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, SubmissionRefused)]
    assert len(stored) == 1 and len(refused) == 3, results
    assert {r.code for r in refused} == {"already_submitted"}


def test_a_draft_saved_from_two_tabs_at_once_keeps_one_whole_draft(db, org):
    results = at_once(db, 6, lambda cur, k: save_draft(cur, org.members[2], org.round_id, {"step": k, "answers": {}}))
    assert all(r is None for r in results), results
    payloads = db.execute("SELECT payload FROM drafts WHERE user_id = ?", [org.members[2]]).fetchall()
    assert len(payloads) == 1


def test_an_invite_with_one_use_left_goes_to_exactly_one_person(db, org, config):
    code = create_invite(db, org.team_id, max_uses=1)
    disciplines = tuple(d.id for d in config.disciplines)

    def register(cur, k):
        return accounts.register_with_invite(
            cur, code=code, username=f"nieuw{k}", display_name=f"Nieuw {k}", email="", discipline=disciplines[0],
            password="een-goed-wachtwoord", password_repeat="een-goed-wachtwoord", disciplines=disciplines,
        )  # fmt: skip

    results = at_once(db, 4, register)
    registered = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, InvalidInput)]
    assert len(registered) == 1 and len(refused) == 3, results
    assert all({p.code for p in r.problems} <= {"invite_used", "invite_unknown"} for r in refused)
    assert db.execute("SELECT uses FROM invites WHERE code = ?", [code]).fetchone()[0] == 1
    assert db.execute("SELECT count(*) FROM accounts WHERE username LIKE 'nieuw%'").fetchone()[0] == 1


def test_the_same_new_username_taken_at_once_is_given_once(db, org, config):
    code = create_invite(db, org.team_id, max_uses=10)
    disciplines = tuple(d.id for d in config.disciplines)

    def register(cur, k):
        return accounts.register_with_invite(
            cur, code=code, username="dezelfde", display_name=f"Persoon {k}", email="", discipline=disciplines[0],
            password="een-goed-wachtwoord", password_repeat="een-goed-wachtwoord", disciplines=disciplines,
        )  # fmt: skip

    results = at_once(db, 3, register)
    refused = [r for r in results if isinstance(r, InvalidInput)]
    assert len(refused) == 2 and all(r.problems[0].code == "username_taken" for r in refused), results
    assert db.execute("SELECT count(*) FROM accounts WHERE username = 'dezelfde'").fetchone()[0] == 1


def test_parallel_sign_ins_to_one_account_all_get_in(db, login):
    results = at_once(
        db, 6, lambda cur, k: accounts.sign_in(cur, login, PASSWORD, client=f"browser{k}", address="10.0.0.1")
    )
    assert [r.outcome for r in results] == ["ok"] * 6, results
    assert db.execute("SELECT count(*) FROM login_attempts WHERE success").fetchone()[0] == 6


def test_parallel_wrong_passwords_are_each_counted(db, login):
    def wrong(cur, _k):
        return accounts.sign_in(cur, login, "fout", client="one-browser", address="10.0.0.2", throttle=LENIENT)

    results = at_once(db, 10, wrong)
    assert [r.outcome for r in results] == ["wrong"] * 10, results
    failed = db.execute("SELECT count(*) FROM login_attempts WHERE NOT success AND username = ?", [login]).fetchone()
    assert failed[0] == 10
