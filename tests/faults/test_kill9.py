"""Faults: a process sending scans is killed with SIGKILL at random moments, ten times. After every kill the
database opens again, every scan the store acknowledged is there and complete (its answers, its scores as
scan.scoring recomputes them, its intensity and its ties), no scan is there in part, and the team aggregates
equal a recomputation from the scores.

The sender (tests/faults/sender.py) writes a line per acknowledged scan and fsyncs it before the next one.
Some kills land while the sender starts and opens the database (recovery from the write-ahead log), most while
it sends; every other life checkpoints often, so that kills land in checkpoints too.
"""

from __future__ import annotations

import json
import math
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from scan.config import REPO_ROOT, settings
from scan.questionnaire import default_questionnaire
from scan.scoring import ScoringModel, score_answers
from scan.store import connect
from scan.store.bulk import insert_users
from scan.store.org import add_location, add_organisation, add_team, open_round, register_questionnaire

KILLS = 10
TEAMS, PER_TEAM = 40, 40  # 1,600 people: more than ten lives of sending can use
READY_TIMEOUT = 30.0
Q = default_questionnaire()
MODEL = ScoringModel.from_questionnaire(Q, settings().scoring)


def build_org(db: Path) -> None:
    conn = connect(db)
    try:
        register_questionnaire(conn, Q)
        org = add_organisation(conn, "Stichting Stroomuitval")
        location = add_location(conn, org, "IKC De Noodstop")
        teams = [add_team(conn, location, f"Team {k + 1}") for k in range(TEAMS)]
        disciplines = ["leerkracht", "pedagogisch_medewerker", "onderwijsassistent", "intern_begeleider", "jeugdhulp"]
        people = pd.DataFrame(
            {
                "organisation_id": org,
                "display_name": [f"Persoon {k}" for k in range(TEAMS * PER_TEAM)],
                "discipline": [disciplines[k % 5] for k in range(TEAMS * PER_TEAM)],
                "team_id": np.repeat(teams, PER_TEAM),
            }
        )
        insert_users(conn, people, np.random.default_rng(1))
        open_round(conn, org, "Voorjaar 2026")
    finally:
        conn.close()


def acknowledged(ack_log: Path) -> list[dict]:
    if not ack_log.exists():
        return []
    lines = ack_log.read_text(encoding="utf-8").split("\n")
    scans = [json.loads(line) for line in lines[:-1]]  # every line the sender finished (ends in a newline)
    if lines[-1]:
        json.loads(lines[-1])  # a line cut off by the kill must still be whole: one write() per line
        scans.append(json.loads(lines[-1]))
    return scans


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def check_database(db: Path, scans: list[dict], seed: int, life: int) -> int:
    """Everything acknowledged is there and complete; nothing is there in part; the aggregates add up.

    Returns the number of stored responses."""
    where = f"(seed {seed}, after kill {life})"
    conn = connect(db)  # opening it is the restart: DuckDB replays its write-ahead log here
    try:
        responses = {
            key: (rid, user, team, round_id)
            for rid, key, user, team, round_id in conn.execute(
                "SELECT id, submission_key, user_id, team_id, round_id FROM responses"
            ).fetchall()
        }
        answers: dict[int, dict[str, int]] = {}
        for rid, item, value in conn.execute("SELECT response_id, item_id, value FROM answers").fetchall():
            answers.setdefault(rid, {})[item] = value
        scores: dict[int, dict[str, float]] = {}
        for rid, dim, score in conn.execute("SELECT response_id, dimension, score FROM scores").fetchall():
            assert dim not in scores.get(rid, {}), f"response {rid}: score {dim} stored twice {where}"
            scores.setdefault(rid, {})[dim] = score
        intensity: dict[int, dict[str, list]] = {}
        for rid, partner, now, want in conn.execute("SELECT * FROM intensity_answers").fetchall():
            intensity.setdefault(rid, {})[partner] = [now, want]
        ties: dict[int, set] = {}
        for rid, target, frequency, support in conn.execute(
            "SELECT response_id, target_user_id, frequency, support FROM network_ties"
        ).fetchall():
            ties.setdefault(rid, set()).add((target, frequency, support))
        aggregates = {
            (audience, team, round_id, dim): (n, total, total_sq)
            for audience, team, round_id, dim, n, total, total_sq in conn.execute(
                "SELECT audience, team_id, round_id, dimension_id, sum(n), sum(total), sum(total_sq)"
                " FROM team_aggregates GROUP BY ALL"
            ).fetchall()
        }
        # Per audience, of its released set (disclosure rule d): nothing is deleted here, so none is withheld.
        recomputed = {
            (audience, team, round_id, dim): (n, total, total_sq)
            for audience, team, round_id, dim, n, total, total_sq in conn.execute(
                """
                SELECT x.audience, x.team_id, x.round_id, d.id, count(*), sum(s.score), sum(s.score * s.score)
                FROM released_responses x JOIN scores s ON s.response_id = x.response_id
                JOIN dimensions d ON d.name = s.dimension
                GROUP BY ALL
                """
            ).fetchall()
        }
        per_person = Counter(
            (user, round_id) for user, round_id in conn.execute("SELECT user_id, round_id FROM responses").fetchall()
        )
    finally:
        conn.close()

    # Every acknowledged scan, exactly as sent.
    for scan in scans:
        assert scan["key"] in responses, f"acknowledged scan {scan['key']} is lost {where}"
        rid, user, team, round_id = responses[scan["key"]]
        assert (user, team, round_id) == (scan["user_id"], scan["team_id"], scan["round_id"]), where
        given = {item: value for item, value in scan["answers"].items() if value is not None}
        assert answers.get(rid) == given, f"answers of {scan['key']} differ {where}"
        assert intensity.get(rid) == {p: list(v) for p, v in scan["intensity"].items()}, f"intensity {where}"
        assert ties.get(rid, set()) == {tuple(t) for t in scan["ties"]}, f"ties of {scan['key']} differ {where}"

    # Every stored scan, acknowledged or not (a kill between commit and log line): whole, scores that follow
    # from its answers, one per person and round.
    for key, (rid, _user, _team, _round) in responses.items():
        assert answers.get(rid), f"response {key} has no answers {where}"
        expected = score_answers(MODEL, {item: answers[rid].get(item) for item in (i.id for i in Q.items)})
        stored = scores.get(rid, {})
        assert stored.keys() == expected.keys(), f"response {key}: scores {sorted(stored)} {where}"
        assert all(close(stored[d], expected[d]) for d in expected), f"response {key}: scores differ {where}"
        assert intensity.get(rid, {}).keys() == {p.id for p in Q.intensity.partner_types}, f"{key} intensity {where}"
    assert all(count == 1 for count in per_person.values()), f"a person has two scans in a round {where}"

    # The team aggregates (summed when read) equal a recomputation from the scores of the released sets.
    assert aggregates.keys() == recomputed.keys(), f"aggregate groups differ {where}"
    for group, (n, total, total_sq) in recomputed.items():
        got = aggregates[group]
        assert got[0] == n and close(got[1], total) and close(got[2], total_sq), f"aggregate {group} {where}"
    return len(responses)


def start_sender(db: Path, ack_log: Path, seed: int, life: int, err: Path) -> subprocess.Popen:
    args = [sys.executable, "-m", "tests.faults.sender", str(db), str(ack_log), str(seed * 100 + life)]
    if life % 2:
        args.append("256KB")
    return subprocess.Popen(
        args, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=err.open("w"), text=True, env={**os.environ}
    )


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"waited {timeout:.0f} s in vain for {what}"
        time.sleep(0.01)


def line_count(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


def test_acknowledged_scans_survive_ten_kill_9s(tmp_path):
    seed = int(os.environ.get("SCAN_FAULT_SEED", random.SystemRandom().randrange(10**6)))
    rng = random.Random(seed)
    db, ack_log = tmp_path / "scan.duckdb", tmp_path / "acknowledged.jsonl"
    build_org(db)
    began = time.monotonic()
    kills_while_sending = 0
    stored = 0
    for life in range(1, KILLS + 1):
        err = tmp_path / f"sender-{life}.err"
        sender = start_sender(db, ack_log, seed, life, err)
        try:
            before = line_count(ack_log)
            if life % 3 == 1:
                # A random moment from the start: importing, opening the database and replaying its log, or sending.
                time.sleep(rng.uniform(0.0, 2.5))
            else:
                # A random moment while it sends: after its first acknowledged scan of this life.
                wait_for(lambda b=before: line_count(ack_log) > b, READY_TIMEOUT, f"a scan from sender {life}")
                time.sleep(rng.uniform(0.0, 0.6))
            assert sender.poll() is None, f"the sender stopped by itself:\n{err.read_text()}"
            sending = line_count(ack_log) > before
            os.kill(sender.pid, signal.SIGKILL)  # our own child, by its pid
        finally:
            if sender.poll() is None:
                sender.kill()
            sender.wait(timeout=10)
            sender.stdout.close()
        assert sender.returncode == -signal.SIGKILL
        kills_while_sending += sending
        scans = acknowledged(ack_log)
        assert len({s["key"] for s in scans}) == len(scans)
        stored = check_database(db, scans, seed, life)
        assert stored >= len(scans)

    scans = acknowledged(ack_log)
    seconds = time.monotonic() - began
    print(f"\n{KILLS} kills (seed {seed}), {kills_while_sending} while sending: {len(scans)} scans acknowledged,"
          f" {stored} stored, all present and complete; {seconds:.1f} s")  # fmt: skip
    assert kills_while_sending >= KILLS // 2, "too few kills landed while scans were being sent"
    assert len(scans) >= 3 * KILLS // 2, "too few scans were sent to prove anything"
