"""Benchmark of the data path: python -m scan bench --respondents N [--json].

Builds the demo data set of N respondents once (cached by size, seed, questionnaire and schema), works on
a copy of it, and reports medians measured in this run, with plain pandas on the raw answers as the
baseline for the director aggregate.
"""

from __future__ import annotations

import hashlib
import inspect
import shutil
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from scan import analytics, demo
from scan.config import settings
from scan.questionnaire import Questionnaire, default_questionnaire
from scan.scoring import ScoringModel
from scan.store import connect
from scan.store.org import add_user
from scan.store.responses import Submission, submit
from scan.store.schema import MIGRATIONS

SUBMISSIONS = 60
RADARS = 300
TEAM_VIEWS = 50
DIRECTOR_RUNS = 7


def _ms(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def dataset(respondents: int, seed: int, cache_dir: Path, progress: Callable[[int, int], None] | None) -> Path:
    questionnaire = default_questionnaire()
    cache_dir.mkdir(parents=True, exist_ok=True)
    # Any change to the questionnaire, the schema or the generator makes a new data set.
    code = hashlib.sha256(repr(MIGRATIONS).encode() + inspect.getsource(demo).encode()).hexdigest()[:12]
    path = cache_dir / f"bench-{respondents}-s{seed}-q{questionnaire.content_hash}-c{code}.duckdb"
    if not path.exists():
        partial = path.with_suffix(".tmp")
        partial.unlink(missing_ok=True)
        conn = connect(partial)
        demo.build_demo(conn, respondents, seed, progress=progress if respondents >= 50_000 else None)
        conn.execute("CHECKPOINT")
        conn.close()
        partial.rename(path)
    return path


def pandas_director(
    answers: pd.DataFrame,
    responses: pd.DataFrame,
    questionnaire: Questionnaire,
    min_ratio: float,
    threshold: int,
) -> pd.DataFrame:
    """The director aggregate from raw answers with plain pandas: the baseline the store is compared with."""
    scale = questionnaire.scale
    items = pd.DataFrame(
        {
            "item_id": [i.id for i in questionnaire.items],
            "reverse": [i.reverse for i in questionnaire.items],
            "dimension": [i.subdimension_id for i in questionnaire.items],
        }
    )
    sizes = items.groupby("dimension").size().rename("size")
    df = answers.merge(items, on="item_id")
    df["v"] = np.where(df["reverse"], scale.min + scale.max - df["value"], df["value"])
    sub = df.groupby(["response_id", "dimension"], observed=True)["v"].agg(["sum", "count"]).reset_index()
    sub = sub.join(sizes, on="dimension")
    sub = sub[sub["count"] >= min_ratio * sub["size"] - 1e-9]
    sub["score"] = sub["sum"] / sub["count"]
    construct_of = {s.id: s.construct_id for s in questionnaire.subdimensions}
    construct_size = pd.Series({c.id: len(c.subdimensions) for c in questionnaire.constructs}, name="size")
    sub["construct"] = sub["dimension"].map(construct_of)
    cons = sub.groupby(["response_id", "construct"])["score"].agg(["mean", "count"]).reset_index()
    cons = cons.join(construct_size, on="construct")
    cons = cons[cons["count"] == cons["size"]].rename(columns={"construct": "dimension", "mean": "score"})
    scores = pd.concat([sub[["response_id", "dimension", "score"]], cons[["response_id", "dimension", "score"]]])
    scores = scores.merge(responses, left_on="response_id", right_on="id")
    out = (
        scores.groupby(["organisation_id", "round_id", "dimension"])["score"]
        .agg(n="count", mean="mean", sd="std")
        .reset_index()
    )
    hidden = out["n"] < threshold
    out.loc[hidden, ["mean", "sd"]] = None
    out["hidden"] = hidden
    return out


def run_bench(
    respondents: int,
    *,
    cache_dir: Path,
    seed: int = 42,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, float | int | bool]:
    config = settings()
    questionnaire = default_questionnaire()
    model = ScoringModel.from_questionnaire(questionnaire, config.scoring)
    source = dataset(respondents, seed, cache_dir, progress)
    rng = np.random.default_rng(seed + 1)

    with tempfile.TemporaryDirectory(prefix="scan-bench-") as tmp:
        work = Path(tmp) / "bench.duckdb"
        shutil.copyfile(source, work)  # submissions must not change the cached set
        conn = connect(work)
        cur = conn.cursor()
        n_responses = cur.execute("SELECT count(*) FROM responses").fetchone()[0]

        # Submissions: new members of the demo team, each a full scan in the open round.
        team_id, org_id = cur.execute(
            "SELECT t.id, l.organisation_id FROM teams t JOIN locations l ON l.id = t.location_id ORDER BY t.id LIMIT 1"
        ).fetchone()
        round_id = analytics.open_round_of(cur, org_id).id
        partners = [p.id for p in questionnaire.intensity.partner_types]
        submit_ms = []
        for k in range(SUBMISSIONS):
            user_id = add_user(
                cur,
                organisation_id=org_id,
                display_name=f"Bench {k}",
                discipline="leerkracht",
                team_ids=[team_id],
            )
            answers = {
                item: int(v) for item, v in zip(model.item_ids, rng.integers(1, 6, len(model.item_ids)), strict=True)
            }
            intensity = {p: (int(rng.integers(1, 5)), 4) for p in partners}
            submission = Submission(str(uuid.uuid4()), user_id, team_id, round_id, answers, intensity)
            submit_ms.append(_ms(lambda s=submission: submit(cur, questionnaire, model, s)))

        people = cur.execute(
            f"SELECT user_id, round_id FROM responses USING SAMPLE reservoir({RADARS} ROWS) REPEATABLE (7)"
        ).fetchall()
        radar_ms = [
            _ms(lambda u=u, r=r: analytics.response_scores(cur, analytics.person_response_id(cur, u, r)))
            for u, r in people
        ]

        teams = [
            t
            for (t,) in cur.execute(
                f"SELECT id FROM teams USING SAMPLE reservoir({TEAM_VIEWS} ROWS) REPEATABLE (7)"
            ).fetchall()
        ]
        team_ms = [_ms(lambda t=t: analytics.team_trend(cur, t, config.privacy.team_threshold)) for t in teams]

        threshold = config.privacy.cross_team_threshold
        director_ms = [_ms(lambda: analytics.director_overview(cur, threshold)) for _ in range(DIRECTOR_RUNS)]
        latest_ms = [
            _ms(lambda: analytics.director_overview(cur, threshold, latest_wave_only=True))
            for _ in range(DIRECTOR_RUNS)
        ]

        # Baseline: the same aggregate (without this run's extra submissions) from the raw answers.
        # Item ids as a categorical: as plain strings a hundred million rows would not fit in memory.
        answers = (
            cur.sql(
                "SELECT response_id, item_id, value FROM answers WHERE response_id IN (SELECT id FROM responses"
                " WHERE submission_key LIKE 'bulk-%')"
            )
            .to_arrow_table()
            .to_pandas(types_mapper=None, strings_to_categorical=True)
        )

        responses = cur.execute(
            "SELECT p.id, l.organisation_id, p.round_id FROM responses p"
            " JOIN teams t ON t.id = p.team_id JOIN locations l ON l.id = t.location_id"
        ).df()
        start = time.perf_counter()
        baseline = pandas_director(answers, responses, questionnaire, config.scoring.min_answered_ratio, threshold)
        pandas_ms = (time.perf_counter() - start) * 1000
        del answers

        store_view = analytics.director_overview(cur, threshold)
        matches = _same_aggregate(store_view, baseline, exclude_team=team_id, conn=cur)
        conn.close()

    director = statistics.median(director_ms)
    return {
        "respondents": respondents,
        "responses": int(n_responses),
        "submission_ms_p50": round(statistics.median(submit_ms), 3),
        "radar_ms_p50": round(statistics.median(radar_ms), 3),
        "team_view_ms": round(statistics.median(team_ms), 3),
        "director_ms": round(director, 3),
        "director_latest_wave_ms": round(statistics.median(latest_ms), 3),
        "pandas_baseline_ms": round(pandas_ms, 1),
        "speedup_vs_pandas": round(pandas_ms / director, 1),
        "pandas_matches_store": matches,
    }


def _same_aggregate(store_view: pd.DataFrame, baseline: pd.DataFrame, *, exclude_team: int, conn) -> bool:
    """Both ways give the same numbers (the organisation of the benchmark's own submissions left out)."""
    organisation = conn.execute(
        "SELECT l.organisation_id FROM teams t JOIN locations l ON l.id = t.location_id WHERE t.id = ?",
        [exclude_team],
    ).fetchone()[0]
    keys = ["organisation_id", "round_id", "dimension"]
    a = store_view[store_view["organisation_id"] != organisation].sort_values(keys).reset_index(drop=True)
    b = baseline[baseline["organisation_id"] != organisation].sort_values(keys).reset_index(drop=True)
    if len(a) != len(b) or not (a[keys].astype(str).to_numpy() == b[keys].astype(str).to_numpy()).all():
        return False
    return bool(
        (a["n"].to_numpy() == b["n"].to_numpy()).all()
        and np.allclose(a["mean"].astype(float), b["mean"].astype(float), atol=1e-6, equal_nan=True)
        and np.allclose(a["sd"].astype(float), b["sd"].astype(float), atol=1e-6, equal_nan=True)
    )
