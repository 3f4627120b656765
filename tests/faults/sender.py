"""A process that sends scans in a loop, for the kill -9 test (tests/faults/test_kill9.py); not part of the app.

    python -m tests.faults.sender DB ACK_LOG SEED [CHECKPOINT_THRESHOLD]

Opens the DuckDB file with scan.store.connect, takes the people without a scan in their organisation's open round,
and sends one scan each through scan.store.responses.submit. After every submit that returned, it appends the
submission (key, person, answers, intensity, ties) as one JSON line to ACK_LOG and flushes and fsyncs it: a line
in ACK_LOG is a scan the store acknowledged. Prints "ready" once the database is open. A checkpoint threshold
(say 256KB) makes DuckDB checkpoint while it sends, so that a kill can land in a checkpoint too.
"""

from __future__ import annotations

import json
import os
import random
import sys
import uuid

from scan.config import settings
from scan.questionnaire import default_questionnaire
from scan.scoring import ScoringModel
from scan.store import connect
from scan.store.responses import Submission, Tie, submit


def scan_for(rng: random.Random, questionnaire, user_id: int, team_id: int, round_id: int, team: list[int]) -> dict:
    """A plausible finished scan: every item answered 1-5 (a few n.v.t.), every partner type, a few ties."""
    answers = {item.id: (None if rng.random() < 0.05 else rng.randint(1, 5)) for item in questionnaire.items}
    levels = [level.level for level in questionnaire.intensity.levels]
    intensity = {}
    for partner in questionnaire.intensity.partner_types:
        current = None if rng.random() < 0.1 else rng.choice(levels)
        intensity[partner.id] = (current, None if current is None else rng.choice(levels))
    colleagues = rng.sample([u for u in team if u != user_id], k=min(3, len(team) - 1))
    ties = [(c, rng.randint(0, 4), rng.random() < 0.5) for c in colleagues]
    return {"key": str(uuid.uuid4()), "user_id": user_id, "team_id": team_id, "round_id": round_id,
            "answers": answers, "intensity": intensity, "ties": ties}  # fmt: skip


def main(db: str, ack_log: str, seed: int, checkpoint_threshold: str | None = None) -> None:
    questionnaire = default_questionnaire()
    model = ScoringModel.from_questionnaire(questionnaire, settings().scoring)
    conn = connect(db)
    if checkpoint_threshold:
        conn.execute(f"SET checkpoint_threshold = '{checkpoint_threshold}'")
    todo = conn.execute(
        """
        SELECT u.id, m.team_id, r.id FROM users u JOIN memberships m ON m.user_id = u.id
        JOIN rounds r ON r.organisation_id = u.organisation_id AND r.status = 'open'
        WHERE NOT EXISTS (SELECT 1 FROM responses x WHERE x.user_id = u.id AND x.round_id = r.id)
        ORDER BY u.id
        """
    ).fetchall()
    teams: dict[int, list[int]] = {}
    for user_id, team_id in conn.execute("SELECT user_id, team_id FROM memberships").fetchall():
        teams.setdefault(team_id, []).append(user_id)
    rng = random.Random(seed)
    print("ready", len(todo), flush=True)
    with open(ack_log, "a", encoding="utf-8") as log:
        for user_id, team_id, round_id in todo:
            scan = scan_for(rng, questionnaire, user_id, team_id, round_id, teams[team_id])
            submission = Submission(
                submission_key=scan["key"],
                user_id=user_id,
                team_id=team_id,
                round_id=round_id,
                answers=scan["answers"],
                intensity=scan["intensity"],
                ties=[Tie(c, f, s) for c, f, s in scan["ties"]],
            )
            submit(conn, questionnaire, model, submission)
            log.write(json.dumps(scan) + "\n")
            log.flush()
            os.fsync(log.fileno())
    print("done", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] if len(sys.argv) > 4 else None)
