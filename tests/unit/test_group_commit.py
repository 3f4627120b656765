"""Group commit: submissions written together give exactly what each would have given alone."""

from __future__ import annotations

import threading
import uuid
from dataclasses import replace

import pytest

from scan import analytics
from scan.store import connect, responses
from scan.store.aggregates import rebuild_team_aggregates
from scan.store.org import (
    add_location,
    add_organisation,
    add_team,
    add_user,
    close_round,
    open_round,
    register_questionnaire,
)
from scan.store.responses import (
    Submission,
    SubmissionRefused,
    Tie,
    _prepare,
    _store_batch,
    _Waiting,
    save_draft,
    submit,
)
from scan.validation import InvalidInput
from tests.helpers import PRIVACY, count

CHILD_TABLES = {
    "answers": "SELECT r.submission_key, a.item_id, a.value FROM answers a JOIN responses r ON r.id = a.response_id",
    "scores": "SELECT r.submission_key, s.dimension, s.score FROM scores s JOIN responses r ON r.id = s.response_id",
    "intensity": "SELECT r.submission_key, i.partner_type, i.current_level, i.desired_level"
    " FROM intensity_answers i JOIN responses r ON r.id = i.response_id",
    "ties": "SELECT r.submission_key, t.target_user_id, t.frequency, t.support"
    " FROM network_ties t JOIN responses r ON r.id = t.response_id",
    "external": "SELECT r.submission_key, e.partner_type"
    " FROM external_contacts e JOIN responses r ON r.id = e.response_id",
    "aggregates": "SELECT audience, team_id, round_id, dimension_id, organisation_id, location_id, n, total, total_sq,"
    " min_score, max_score FROM team_aggregates",
    "released": "SELECT x.audience, r.submission_key FROM released_responses x"
    " JOIN responses r ON r.id = x.response_id",
    "responses": "SELECT submission_key, user_id, team_id, round_id, questionnaire_version, network_names_agreed"
    " FROM responses",
}


def rich_scan(org, questionnaire, member: int, k: int, key: str | None = None) -> Submission:
    answers = {item.id: 1 + (k + n) % 5 for n, item in enumerate(questionnaire.items)}
    answers[questionnaire.items[k % len(questionnaire.items)].id] = None  # not applicable
    colleagues = [m for m in org.members if m != member][: 1 + k % 3]
    return Submission(
        submission_key=key or str(uuid.uuid4()),
        user_id=member,
        team_id=org.team_id,
        round_id=org.round_id,
        answers=answers,
        intensity={"ouders": (1 + k % 4, 4), "jeugdhulp": (None, None)},
        ties=[Tie(c, 1 + (k + c) % 4, bool((k + c) % 2)) for c in colleagues],
        external_partners=("ggd_jeugdarts",) if k % 2 else (),
        network_names_agreed=k % 3 == 0,
    )


def contents(conn) -> dict[str, list]:
    return {name: sorted(conn.execute(sql).fetchall(), key=repr) for name, sql in CHILD_TABLES.items()}


def test_a_batch_writes_the_same_rows_as_single_submissions(org, db, questionnaire, model):
    scans = [rich_scan(org, questionnaire, member, k) for k, member in enumerate(org.members)]
    for scan in scans:
        assert submit(db, questionnaire, model, scan).created
    alone = contents(db)

    # Undo and write them again as one batch.
    for table in ("answers", "scores", "intensity_answers", "network_ties", "external_contacts", "team_aggregates",
                  "released_responses"):  # fmt: skip
        db.execute(f"DELETE FROM {table}")
    db.execute("DELETE FROM responses")
    batch = [_Waiting(_prepare(questionnaire, model, scan)) for scan in scans]
    _store_batch(db, batch)
    assert all(w.result is not None and w.result.created for w in batch)
    assert contents(db) == alone


def test_what_a_batch_cannot_store_is_left_to_each_alone(org, db, questionnaire, model):
    first = rich_scan(org, questionnaire, org.members[0], 0)
    stored_before = rich_scan(org, questionnaire, org.members[1], 1)
    submit(db, questionnaire, model, stored_before)
    save_draft(db, org.members[2], org.round_id, {"step": 3})
    batch = [
        first,
        replace(first),  # the same key again in the same batch
        rich_scan(org, questionnaire, org.members[0], 2),  # the same person with another key
        rich_scan(org, questionnaire, org.members[2], 3),  # fine, and their draft goes
        rich_scan(org, questionnaire, org.outsider, 4),  # not a member of the team
        Submission(
            **{**rich_scan(org, questionnaire, org.members[3], 5).__dict__, "ties": [Tie(org.outsider, 2, True)]}
        ),
    ]
    waiting = [_Waiting(_prepare(questionnaire, model, scan)) for scan in batch]
    _store_batch(db, waiting)
    assert [w.result is not None for w in waiting] == [True, False, False, True, False, False]
    assert load_draft_count(db, org.members[2], org.round_id) == 0

    # Each of the others, stored on its own afterwards, gets what it would have got alone.
    again = submit(db, questionnaire, model, batch[1])
    assert not again.created and again.response_id == waiting[0].result.response_id
    with pytest.raises(SubmissionRefused) as info:
        submit(db, questionnaire, model, batch[2])
    assert info.value.code == "already_submitted"
    with pytest.raises(SubmissionRefused) as info:
        submit(db, questionnaire, model, batch[4])
    assert info.value.code == "not_a_member"
    with pytest.raises(InvalidInput) as problems:
        submit(db, questionnaire, model, batch[5])
    assert problems.value.problems[0].code == "unknown_colleague"
    assert count(db, "responses") == 3


def load_draft_count(conn, user_id: int, round_id: int) -> int:
    return conn.execute(
        "SELECT count(*) FROM drafts WHERE user_id = ? AND round_id = ?", [user_id, round_id]
    ).fetchone()[0]


def test_a_batch_that_meets_a_stored_key_stores_nothing_and_leaves_all_alone(org, db, questionnaire, model):
    stored = rich_scan(org, questionnaire, org.members[0], 0)
    submit(db, questionnaire, model, stored)
    before = contents(db)
    waiting = [_Waiting(_prepare(questionnaire, model, s)) for s in
               (rich_scan(org, questionnaire, org.members[1], 1), stored)]  # fmt: skip
    _store_batch(db, waiting)  # the unique key refuses the whole statement
    assert [w.result for w in waiting] == [None, None] and contents(db) == before


def test_a_closed_round_is_refused_in_a_batch_too(org, db, questionnaire, model):
    scans = [rich_scan(org, questionnaire, member, k) for k, member in enumerate(org.members[:2])]
    close_round(db, org.round_id)
    waiting = [_Waiting(_prepare(questionnaire, model, s)) for s in scans]
    _store_batch(db, waiting)
    assert [w.result for w in waiting] == [None, None] and count(db, "responses") == 0
    with pytest.raises(SubmissionRefused) as info:
        submit(db, questionnaire, model, scans[0])
    assert info.value.code == "round_closed"


def test_parallel_submissions_are_each_stored_once_with_exact_aggregates(tmp_path, questionnaire, model, monkeypatch):
    batches: list[int] = []

    def counted(conn, batch):
        batches.append(len(batch))
        return _store_batch(conn, batch)

    monkeypatch.setattr(responses, "_store_batch", counted)
    conn = connect(tmp_path / "parallel.duckdb")
    register_questionnaire(conn, questionnaire)
    org_id = add_organisation(conn, "Stichting Parallel")
    location = add_location(conn, org_id, "IKC Parallel")
    teams = [add_team(conn, location, f"Team {t}") for t in range(4)]
    round_id = open_round(conn, org_id, "Voorjaar 2026")
    people = [
        (add_user(conn, organisation_id=org_id, display_name=f"P{k}", discipline="leerkracht", team_ids=[teams[k % 4]]),
         teams[k % 4])
        for k in range(64)
    ]  # fmt: skip
    scans = []
    for k, (user, team) in enumerate(people):
        answers = {item.id: 1 + (k * 7 + n) % 5 for n, item in enumerate(questionnaire.items)}
        scans.append(Submission(str(uuid.uuid4()), user, team, round_id, answers, intensity={"ouders": (2, 3)}))
    doubles = scans[::8]  # sent twice, from another thread, at the same time
    work = [[] for _ in range(16)]
    for k, scan in enumerate(scans + doubles):
        work[k % 16].append(scan)
    results: dict[str, list] = {}
    failures: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(16)

    def send(share):
        cur = conn.cursor()
        start.wait()
        for scan in share:
            try:
                result = submit(cur, questionnaire, model, scan)
            except BaseException as exc:  # noqa: BLE001 - reported below
                with lock:
                    failures.append(exc)
                continue
            with lock:
                results.setdefault(scan.submission_key, []).append(result)
        cur.close()

    threads = [threading.Thread(target=send, args=(share,)) for share in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert any(size > 1 for size in batches)  # some were written together
    assert count(conn, "responses") == len(scans)
    for scan in scans:
        outcomes = results[scan.submission_key]
        assert len({r.response_id for r in outcomes}) == 1  # the same stored response every time
        assert sum(r.created for r in outcomes) == 1  # created exactly once
    assert count(conn, "answers") == len(scans) * (len(questionnaire.items))
    appended = {team: analytics.team_aggregate(conn, team, round_id, threshold=1, privacy=PRIVACY) for team in teams}
    rebuild_team_aggregates(conn)
    for team in teams:
        rebuilt = analytics.team_aggregate(conn, team, round_id, threshold=1, privacy=PRIVACY)
        # Released in steps of 3; one after another that is 15 shown and 1 waiting, but two writers at the same
        # moment each see the other's response only after both committed, and may leave a step to the next one.
        assert appended[team].n_responses == rebuilt.n_responses and rebuilt.n_responses + rebuilt.waiting == 16
        assert rebuilt.n_responses >= 12 and not rebuilt.withheld
        for dimension, stat in rebuilt.stats.items():
            assert appended[team].stats[dimension].n == stat.n
            assert appended[team].stats[dimension].mean == pytest.approx(stat.mean)
            assert appended[team].stats[dimension].sd == pytest.approx(stat.sd)
    conn.close()
