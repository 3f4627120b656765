"""The store's guards on real DuckDB files: migration, constraints, one transaction per submission."""

from __future__ import annotations

import uuid

import duckdb
import pytest

from scan import analytics
from scan.store import SCHEMA_VERSION, DatabaseBusy, connect
from scan.store.aggregates import rebuild_team_aggregates
from scan.store.org import close_round, register_questionnaire
from scan.store.released import release_everything
from scan.store.responses import (
    Submission,
    SubmissionRefused,
    Tie,
    delete_person_data,
    load_draft,
    save_draft,
    submit,
)
from scan.store.schema import migrate
from scan.validation import InvalidInput
from tests.helpers import PRIVACY, count, database_held_by_another_process, full_answers

STORED_TABLES = ("responses", "answers", "scores", "team_aggregates", "intensity_answers", "network_ties")


def scan_of(org, questionnaire, user=None, value=4, **extra) -> Submission:
    return Submission(
        submission_key=str(uuid.uuid4()),
        user_id=user if user is not None else org.members[0],
        team_id=org.team_id,
        round_id=org.round_id,
        answers=full_answers(questionnaire, value),
        **extra,
    )


def snapshot(conn) -> dict[str, int]:
    return {t: count(conn, t) for t in STORED_TABLES}


def test_migration_of_an_empty_file(tmp_path):
    path = tmp_path / "new.duckdb"
    conn = connect(path)
    assert conn.execute("SELECT max(version) FROM schema_version").fetchone()[0] == SCHEMA_VERSION
    tables = {r[0] for r in conn.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert {"organisations", "users", "accounts", "responses", "answers", "scores", "team_aggregates", "drafts",
            "invites", "audit_log", "network_ties", "questionnaire_versions"} <= tables  # fmt: skip
    assert migrate(conn) == SCHEMA_VERSION  # a second run changes nothing
    conn.close()
    assert connect(path).execute("SELECT count(*) FROM schema_version").fetchone()[0] == SCHEMA_VERSION


def test_submission_stores_answers_scores_and_aggregate(db, org, questionnaire, model):
    answers = {**full_answers(questionnaire, 4), questionnaire.items[0].id: None}
    submission = Submission(str(uuid.uuid4()), org.members[0], org.team_id, org.round_id, answers,
                            intensity={"ouders": (2, 3)}, ties=[Tie(org.members[1], 3, True)])  # fmt: skip
    result = submit(db, questionnaire, model, submission)
    assert result.created
    assert count(db, "answers") == len(questionnaire.items) - 1  # "not applicable" has no row
    scores = analytics.response_scores(db, result.response_id)
    assert set(scores) == set(model.dimension_ids)
    aggregate = analytics.team_aggregate(db, org.team_id, org.round_id, threshold=1, privacy=PRIVACY)
    assert aggregate.n_responses == 0 and aggregate.waiting == 1 and not aggregate.stats  # waits for its step
    release_everything(db)
    aggregate = analytics.team_aggregate(db, org.team_id, org.round_id, threshold=1, privacy=PRIVACY)
    assert aggregate.n_responses == 1 and aggregate.stats["netwerk"].mean == pytest.approx(scores["netwerk"])
    assert db.execute("SELECT current_level, desired_level FROM intensity_answers").fetchall() == [(2, 3)]


def test_the_network_names_agreement_is_stored_and_defaults_to_false(db, org, questionnaire, model):
    not_asked, agreed, unticked = org.members[:3]
    submit(db, questionnaire, model, scan_of(org, questionnaire, not_asked))
    submit(db, questionnaire, model, scan_of(org, questionnaire, agreed, network_names_agreed=True))
    submit(db, questionnaire, model, scan_of(org, questionnaire, unticked, network_names_agreed=False))
    stored = dict(db.execute("SELECT user_id, network_names_agreed FROM responses").fetchall())
    assert stored == {not_asked: False, agreed: True, unticked: False}
    with pytest.raises(duckdb.ConstraintException):  # an agreement is yes or no, never unknown
        db.execute("UPDATE responses SET network_names_agreed = NULL")


def test_double_submission_is_stored_once(db, org, questionnaire, model):
    submission = scan_of(org, questionnaire)
    first = submit(db, questionnaire, model, submission)
    before = snapshot(db)
    again = submit(db, questionnaire, model, submission)
    assert again.response_id == first.response_id and not again.created
    assert snapshot(db) == before


def test_second_scan_in_the_same_round_is_refused(db, org, questionnaire, model):
    submit(db, questionnaire, model, scan_of(org, questionnaire))
    before = snapshot(db)
    with pytest.raises(SubmissionRefused) as info:
        submit(db, questionnaire, model, scan_of(org, questionnaire, value=2))
    assert info.value.code == "already_submitted"
    assert snapshot(db) == before


@pytest.mark.parametrize("bad", [{"value": 6}, {"value": 0}, {"item": "no_such_item"}])
def test_bad_answers_store_nothing(db, org, questionnaire, model, bad):
    answers = full_answers(questionnaire)
    if "item" in bad:
        answers[bad["item"]] = 3
    else:
        answers[questionnaire.items[5].id] = bad["value"]
    submission = Submission(str(uuid.uuid4()), org.members[0], org.team_id, org.round_id, answers)
    with pytest.raises(InvalidInput):
        submit(db, questionnaire, model, submission)
    assert all(n == 0 for n in snapshot(db).values())


def test_check_constraint_guards_the_table_itself(db):
    with pytest.raises(duckdb.ConstraintException):
        db.execute("INSERT INTO answers VALUES (1, 'tv_vakbekwaamheid_1', 7)")
    with pytest.raises(duckdb.ConstraintException):
        db.execute("INSERT INTO intensity_answers VALUES (1, 'ouders', 5, 1)")


def test_failed_transaction_leaves_nothing_behind(db, org, questionnaire, model):
    # The tie to someone outside the team is found after the response row was written: all is rolled back.
    submission = scan_of(org, questionnaire, ties=[Tie(org.outsider, 2, True)])
    with pytest.raises(InvalidInput) as info:
        submit(db, questionnaire, model, submission)
    assert info.value.problems[0].code == "unknown_colleague"
    assert all(n == 0 for n in snapshot(db).values())
    assert submit(db, questionnaire, model, scan_of(org, questionnaire)).created  # the connection is fine


def test_closed_round_and_non_member_are_refused(db, org, questionnaire, model):
    with pytest.raises(SubmissionRefused) as info:
        submit(db, questionnaire, model, scan_of(org, questionnaire, user=org.outsider))
    assert info.value.code == "not_a_member"
    close_round(db, org.round_id)
    with pytest.raises(SubmissionRefused) as info:
        submit(db, questionnaire, model, scan_of(org, questionnaire))
    assert info.value.code == "round_closed"
    assert all(n == 0 for n in snapshot(db).values())


def test_released_aggregates_equal_a_rebuild(db, org, questionnaire, model):
    for k, member in enumerate(org.members):
        submit(db, questionnaire, model, scan_of(org, questionnaire, user=member, value=1 + k % 5))
    before = analytics.team_aggregate(db, org.team_id, org.round_id, threshold=1, privacy=PRIVACY)
    rebuild_team_aggregates(db)
    after = analytics.team_aggregate(db, org.team_id, org.round_id, threshold=1, privacy=PRIVACY)
    for dim, stat in before.stats.items():
        assert stat.n == after.stats[dim].n == len(org.members)
        assert stat.mean == pytest.approx(after.stats[dim].mean)
        assert stat.sd == pytest.approx(after.stats[dim].sd)


def test_delete_person_data_removes_everything_of_that_person(db, org, questionnaire, model):
    for k, member in enumerate(org.members[:4]):
        ties = [Tie(org.members[0], 2, True)] if member != org.members[0] else []
        submit(db, questionnaire, model, scan_of(org, questionnaire, user=member, value=2 + k % 3, ties=ties))
    save_draft(db, org.members[0], org.round_id, {"step": 2})
    removed = delete_person_data(db, org.members[0])
    assert removed == 1
    # The team's figures were released at three; one of those is gone, so they are withheld, sums and all.
    withheld = analytics.team_aggregate(db, org.team_id, org.round_id, threshold=1, privacy=PRIVACY)
    assert withheld.withheld and not withheld.visible and not withheld.stats and withheld.waiting == 2
    assert db.execute("SELECT count(*) FROM team_aggregates WHERE audience = 'team'").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM responses WHERE user_id = ?", [org.members[0]]).fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM network_ties WHERE target_user_id = ?", [org.members[0]]).fetchone()[0] == 0
    assert load_draft(db, org.members[0], org.round_id) is None
    assert count(db, "answers") == 3 * len(questionnaire.items)
    release_everything(db)
    aggregate = analytics.team_aggregate(db, org.team_id, org.round_id, threshold=1, privacy=PRIVACY)
    assert aggregate.n_responses == 3 and aggregate.stats["identiteit"].n == 3
    assert db.execute("SELECT count(*) FROM audit_log WHERE action = 'person.delete_data'").fetchone()[0] == 1


def test_draft_round_trip(db, org):
    assert load_draft(db, org.members[0], org.round_id) is None
    save_draft(db, org.members[0], org.round_id, {"step": 1, "answers": {"x": 3}})
    save_draft(db, org.members[0], org.round_id, {"step": 2, "answers": {"x": 4}})
    assert load_draft(db, org.members[0], org.round_id) == {"step": 2, "answers": {"x": 4}}


def test_an_older_draft_never_replaces_a_newer_one(db, org):
    """Two runs of one session save nearly at once; the one that took its copy first may write last."""
    person, round_id = org.members[0], org.round_id
    save_draft(db, person, round_id, {"revision": 7, "answers": {"x": 3, "y": 5}})
    save_draft(db, person, round_id, {"revision": 6, "answers": {"x": 3}})
    assert load_draft(db, person, round_id) == {"revision": 7, "answers": {"x": 3, "y": 5}}
    save_draft(db, person, round_id, {"revision": 8, "answers": {"x": 2, "y": 5}})
    assert load_draft(db, person, round_id)["answers"] == {"x": 2, "y": 5}


def test_a_new_questionnaire_version_keeps_the_old_one(db, org, questionnaire):
    register_questionnaire(db, questionnaire)  # again: no change
    assert count(db, "questionnaire_versions") == 1
    changed = type(questionnaire)(
        version="2099.1", content_hash="x", scale=questionnaire.scale, constructs=questionnaire.constructs,
        t_profiles=questionnaire.t_profiles, intensity=questionnaire.intensity, _items=questionnaire._items,
    )  # fmt: skip
    register_questionnaire(db, changed)
    assert count(db, "questionnaire_versions") == 2
    assert count(db, "items") == 2 * len(questionnaire.items)
    assert count(db, "dimensions") == len(questionnaire.dimension_ids())


def test_second_process_gets_a_clear_busy_error(tmp_path):
    path = tmp_path / "held.duckdb"
    connect(path).close()
    with database_held_by_another_process(path), pytest.raises(DatabaseBusy, match="in use by another process"):
        connect(path)
