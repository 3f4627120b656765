"""Benchmark of the data path: python -m scan bench --respondents N [--json].

Builds the demo data set of N respondents once (cached by size, seed, questionnaire and schema), works on
a copy of it, and reports what was measured in this run:

- ``pages_p95_ms``: per page, for the demo accounts that can open it (the director, the team lead and the
  professional of the demo team, a team of ten), the 95th percentile of the server-side data work of one
  run of that page script: the same read-model and store calls, in the same order, that ``pages/*.py`` and
  ``app.py`` make (charts, Excel and PDF building are not data work and are left out). Dashboards that the
  page caches on the data version are measured uncached: after every new submission that is what people
  wait for.
- submissions with 1, 4 and 16 threads, each thread with its own cursor, each submission a distinct new
  scan (answers, intensity, ties to colleagues, external partners) through ``store.responses.submit``:
  throughput, p50 and p95.
- the director aggregate with plain pandas twice: from the raw answers (scoring included), and from the
  same pre-scored ``team_aggregates`` table the store reads, so that the second ratio compares like with
  like.
"""

from __future__ import annotations

import hashlib
import inspect
import shutil
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from scan import accounts, analytics, demo
from scan.accounts import Account
from scan.analytics import director as director_models
from scan.analytics import teams as team_models
from scan.analytics.network_view import network_view
from scan.config import Settings, settings
from scan.questionnaire import Questionnaire, default_questionnaire
from scan.report import radar_dimensions
from scan.scoring import ScoringModel
from scan.store import connect
from scan.store.bulk import insert_users
from scan.store.responses import Submission, Tie, load_draft, save_draft, submit
from scan.store.schema import MIGRATIONS
from scan.store.serving import query_threads, tune_for_serving

RADARS = 300
TEAM_VIEWS = 50
DIRECTOR_RUNS = 7
PAGE_RUNS = 40  # runs of each page per viewer; the p95 of 40 is about the third slowest
# Submissions per thread count: enough for a p95 and a throughput that is more than the start-up.
SUBMISSIONS = {1: 60, 4: 100, 16: 320}


def _ms(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def _p95(values: Sequence[float]) -> float:
    return float(np.percentile(values, 95))


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


# ---- pages ----------------------------------------------------------------------------------------


def page_runs(
    conn: duckdb.DuckDBPyConnection,
    questionnaire: Questionnaire,
    config: Settings,
    model: ScoringModel,
    viewers: dict[str, Account],
) -> dict[str, dict[str, list[Callable[[], object]]]]:
    """Per page and viewer role, the data work of one run of the page script (a few variants: the choices a
    person makes on the page, taken in turn). Mirrors app.py and pages/*.py; keep them in step."""
    team_threshold = config.privacy.team_threshold
    dims = radar_dimensions(questionnaire)

    def shell(account: Account) -> None:
        # app.py and the page's guard on every run: the session is checked against the user's latest events.
        accounts.session_is_valid(conn, account.user_id, 0.0)

    def board_overview(account: Account, round_index: int, location: bool, discipline: str | None) -> None:
        shell(account)
        locations = analytics.locations_of(conn, account.organisation_id)
        rounds = analytics.rounds_of(conn, account.organisation_id)
        round_info = rounds[::-1][round_index]
        filters = director_models.Filters(
            account.organisation_id, round_info.id, next(iter(locations)) if location else None, discipline
        )
        analytics.data_version(conn)  # the cache key; the view itself is measured as a cache miss
        director_models.director_view(conn, questionnaire, config, filters, dimensions=dims)
        director_models.trend(conn, config, account.organisation_id, dims)

    def team_dashboard(account: Account, round_index: int, discipline: bool) -> None:
        shell(account)
        chosen = team_models.teams_of_user(conn, account.user_id)[0]
        round_info = analytics.rounds_of(conn, chosen.organisation_id)[::-1][round_index]
        mix = team_models.discipline_mix(conn, chosen.id)
        narrowed = next(iter(mix)) if discipline else None
        team_models.team_view(conn, questionnaire, config, team_id=chosen.id, round_id=round_info.id,
                              threshold=team_threshold, viewer_user_id=account.user_id,
                              discipline=narrowed)  # fmt: skip
        team_models.participation(conn, chosen.id)
        if narrowed is None:
            analytics.team_trend(conn, chosen.id, team_threshold, privacy=config.privacy)

    def comparison(account: Account, round_index: int) -> None:
        shell(account)
        round_info = analytics.rounds_of(conn, account.organisation_id)[::-1][round_index]
        director_models.comparison_view(conn, config, account.organisation_id, round_info.id, dimensions=dims)

    def network_page(account: Account, round_index: int) -> None:
        shell(account)
        chosen = team_models.teams_of_user(conn, account.user_id)[0]
        round_info = analytics.rounds_of(conn, chosen.organisation_id)[::-1][round_index]
        network_view(conn, config, viewer_user_id=account.user_id, team_id=chosen.id, round_id=round_info.id)

    def personal_report(account: Account, newest: bool) -> None:
        shell(account)
        taken = analytics.person_trend(conn, account.user_id)
        if taken:
            chosen = taken[-1][0] if newest else taken[0][0]
            analytics.personal_report(conn, questionnaire, config, model, user_id=account.user_id,
                                      round_id=chosen.id, lang="nl", person=account.display_name)  # fmt: skip

    def scan_step(account: Account, first_run: bool) -> None:
        shell(account)
        open_round = analytics.open_round_of(conn, account.organisation_id)
        if open_round is None or analytics.person_response_id(conn, account.user_id, open_round.id) is not None:
            return  # the page says the scan is done (or there is no round) and stops
        if first_run:
            load_draft(conn, account.user_id, open_round.id)
        team_models.roster(conn, account.team_ids[0], exclude=account.user_id)
        if not accounts.has_consented(conn, account.user_id):
            accounts.record_consent(conn, account.user_id)
        # An answer given: the draft is kept after every change.
        save_draft(conn, account.user_id, open_round.id, {"step": 1, "answers": {"x": 3}})

    director, lead, professional = viewers["director"], viewers["team_lead"], viewers["professional"]
    rounds = (0, 1)  # newest (open) round first, as the round picker offers them
    board = [
        lambda r=r, loc=loc, d=d: board_overview(director, r, loc, d)
        for r in rounds
        for loc, d in ((False, None), (True, None), (False, "leerkracht"))
    ]
    return {
        "board_overview": {"director": board},
        "team_dashboard": {
            role: [lambda a=a, r=r, d=d: team_dashboard(a, r, d) for r in rounds for d in (False, True)]
            for role, a in (("team_lead", lead), ("professional", professional))
        },
        "comparison": {
            role: [lambda a=a, r=r: comparison(a, r) for r in rounds]
            for role, a in (("team_lead", lead), ("director", director))
        },
        "network": {
            role: [lambda a=a, r=r: network_page(a, r) for r in rounds]
            for role, a in (("team_lead", lead), ("professional", professional))
        },
        "personal_report": {
            role: [lambda a=a, n=n: personal_report(a, n) for n in (True, False)]
            for role, a in (("team_lead", lead), ("professional", professional))
        },
        "scan_step": {
            role: [lambda a=a, f=f: scan_step(a, f) for f in (True, False)]
            for role, a in (("team_lead", lead), ("professional", professional))
        },
    }


def measure_pages(runs: dict[str, dict[str, list[Callable[[], object]]]], repeats: int) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for page, roles in runs.items():
        for role, variants in roles.items():
            variants[0]()  # warm-up: the first read of a table after opening the file
            times = [_ms(variants[k % len(variants)]) for k in range(repeats)]
            out.setdefault(page, {})[role] = round(_p95(times), 2)
    return out


def demo_viewers(conn: duckdb.DuckDBPyConnection) -> dict[str, Account]:
    found = {role: accounts.find_account(conn, username)
             for role, username in (("director", "director"), ("team_lead", "teamlead"),
                                    ("professional", "professional"))}  # fmt: skip
    missing = [role for role, account in found.items() if account is None]
    if missing:
        raise RuntimeError(f"the benchmark data set has no demo account for {', '.join(missing)}")
    return found  # type: ignore[return-value]


# ---- submissions ----------------------------------------------------------------------------------


def new_scans(
    conn: duckdb.DuckDBPyConnection,
    questionnaire: Questionnaire,
    model: ScoringModel,
    organisation_id: int,
    count: int,
    rng: np.random.Generator,
) -> list[Submission]:
    """``count`` new members spread over the organisation's teams, each with a finished scan of the open round
    as the app sends it: answers (a few not applicable), intensity, ties to team colleagues, partners."""
    round_id = analytics.open_round_of(conn, organisation_id).id
    teams = [t.id for t in team_models.teams_of_organisation(conn, organisation_id)]
    team_of = [teams[k % len(teams)] for k in range(count)]
    roster = pd.DataFrame(
        {"organisation_id": organisation_id, "display_name": [f"Bench {k}" for k in range(count)],
         "discipline": "leerkracht", "team_id": team_of}
    )  # fmt: skip
    user_ids = insert_users(conn, roster, rng)
    colleagues: dict[int, list[int]] = {}
    for team_id, user_id in conn.execute(
        "SELECT team_id, user_id FROM memberships WHERE list_contains(?, team_id)", [teams]
    ).fetchall():
        colleagues.setdefault(team_id, []).append(user_id)
    partners = [p.id for p in questionnaire.intensity.partner_types]
    external = [p.id for p in settings().external_partners]
    scans = []
    for user_id, team_id in zip(user_ids, team_of, strict=True):
        values = rng.integers(1, 6, len(model.item_ids))
        answers: dict[str, int | None] = {item: int(v) for item, v in zip(model.item_ids, values, strict=True)}
        for item in rng.choice(model.item_ids, 3, replace=False):
            answers[str(item)] = None  # not applicable
        others = [u for u in colleagues[team_id] if u != user_id]
        named = rng.choice(others, min(len(others), int(rng.integers(3, 8))), replace=False)
        ties = [Tie(int(u), int(rng.integers(1, 5)), bool(rng.random() < 0.5)) for u in named]
        scans.append(
            Submission(
                submission_key=str(uuid.uuid4()),
                user_id=int(user_id),
                team_id=team_id,
                round_id=round_id,
                answers=answers,
                intensity={p: (int(rng.integers(1, 5)), 4) for p in partners},
                ties=ties,
                external_partners=tuple(rng.choice(external, 2, replace=False)),
            )
        )
    return scans


def submission_load(
    conn: duckdb.DuckDBPyConnection,
    questionnaire: Questionnaire,
    model: ScoringModel,
    scans: list[Submission],
    threads: int,
) -> tuple[float, list[float], list[str]]:
    """Send the scans from ``threads`` threads at once, each with its own cursor. Returns submissions per
    second, every submission's latency and the errors (none expected)."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(threads + 1)

    def worker(share: list[Submission]) -> None:
        cur = conn.cursor()
        mine, failed = [], []
        start.wait()
        for scan in share:
            began = time.perf_counter()
            try:
                submit(cur, questionnaire, model, scan)
            except Exception as exc:  # counted and reported, never hidden
                failed.append(f"{type(exc).__name__}: {exc}")
            mine.append((time.perf_counter() - began) * 1000)
        cur.close()
        with lock:
            latencies.extend(mine)
            errors.extend(failed)

    workers = [threading.Thread(target=worker, args=(scans[k::threads],)) for k in range(threads)]
    for w in workers:
        w.start()
    start.wait()
    began = time.perf_counter()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - began
    return len(scans) / elapsed, latencies, errors


# ---- the pandas baselines -------------------------------------------------------------------------


def pandas_director(
    answers: pd.DataFrame,
    responses: pd.DataFrame,
    questionnaire: Questionnaire,
    min_ratio: float,
    threshold: int,
) -> pd.DataFrame:
    """The director aggregate from raw answers with plain pandas: scoring and grouping, as if nothing had been
    stored pre-scored."""
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


def pandas_director_scored(aggregates: pd.DataFrame, dimensions: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """The director aggregate with plain pandas from the table the store reads (``team_aggregates``: n, Σ, Σ²
    per team × round × dimension), the same sums and the same threshold as ``analytics.director_overview``."""
    g = (
        aggregates.groupby(["organisation_id", "round_id", "dimension_id"], observed=True)[["n", "total", "total_sq"]]
        .sum()
        .reset_index()
    )
    g = g.merge(dimensions, left_on="dimension_id", right_on="id")
    shown = g["n"] >= threshold
    g["mean"] = (g["total"] / g["n"]).where(shown)
    variance = ((g["total_sq"] - g["total"] ** 2 / g["n"]) / (g["n"] - 1)).clip(lower=0)
    g["sd"] = np.sqrt(variance).where(shown & (g["n"] > 1))
    g["hidden"] = ~shown
    return g[["organisation_id", "round_id", "n", "dimension", "mean", "sd", "hidden"]]


# ---- the run --------------------------------------------------------------------------------------


def run_bench(
    respondents: int,
    *,
    cache_dir: Path,
    seed: int = 42,
    progress: Callable[[int, int], None] | None = None,
    submissions: dict[int, int] | None = None,
    page_repeats: int = PAGE_RUNS,
) -> dict[str, object]:
    config = settings()
    questionnaire = default_questionnaire()
    model = ScoringModel.from_questionnaire(questionnaire, config.scoring)
    source = dataset(respondents, seed, cache_dir, progress)
    rng = np.random.default_rng(seed + 1)
    submissions = submissions or SUBMISSIONS
    figures: dict[str, object] = {"respondents": respondents, "duckdb_threads": query_threads()}

    with tempfile.TemporaryDirectory(prefix="scan-bench-") as tmp:
        work = Path(tmp) / "bench.duckdb"
        shutil.copyfile(source, work)  # submissions must not change the cached set
        conn = connect(work)
        tune_for_serving(conn)  # as the app runs its queries
        cur = conn.cursor()
        figures["responses"] = int(cur.execute("SELECT count(*) FROM responses").fetchone()[0])

        # Pages first, on the data set as generated (the submissions below go to the same organisation).
        viewers = demo_viewers(cur)
        pages = measure_pages(page_runs(cur, questionnaire, config, model, viewers), page_repeats)

        # Submissions: new members of the demo organisation's teams, each a full scan in the open round.
        org_id = viewers["director"].organisation_id
        for threads, count in sorted(submissions.items()):
            scans = new_scans(cur, questionnaire, model, org_id, count, rng)
            per_s, latencies, errors = submission_load(conn, questionnaire, model, scans, threads)
            stored = cur.execute(
                "SELECT count(*) FROM responses WHERE list_contains(?, submission_key)",
                [[s.submission_key for s in scans]],
            ).fetchone()[0]
            figures[f"submissions_per_s_{threads}"] = round(per_s, 1)
            figures[f"submission_p50_ms_{threads}"] = round(statistics.median(latencies), 3)
            figures[f"submission_p95_ms_{threads}"] = round(_p95(latencies), 3)
            figures[f"submission_errors_{threads}"] = len(errors)
            figures[f"submissions_all_stored_{threads}"] = stored == count and not errors
        figures["submission_ms_p50"] = figures.get("submission_p50_ms_1")

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
        team_ms = [
            _ms(lambda t=t: analytics.team_trend(cur, t, config.privacy.team_threshold, privacy=config.privacy))
            for t in teams
        ]

        threshold = config.privacy.cross_team_threshold
        director_ms = [_ms(lambda: analytics.director_overview(cur, threshold)) for _ in range(DIRECTOR_RUNS)]
        latest_ms = [
            _ms(lambda: analytics.director_overview(cur, threshold, latest_wave_only=True))
            for _ in range(DIRECTOR_RUNS)
        ]
        director = statistics.median(director_ms)
        store_view = analytics.director_overview(cur, threshold)

        # Baseline 1, like with like: the same aggregate from the same pre-scored table, in memory.
        aggregates = cur.execute(
            "SELECT organisation_id, round_id, dimension_id, n, total, total_sq FROM team_aggregates"
            " WHERE audience = 'board'"
        ).df()
        dimensions = cur.execute("SELECT id, name AS dimension FROM dimensions").df()
        scored_ms = [
            _ms(lambda a=aggregates: pandas_director_scored(a, dimensions, threshold)) for _ in range(DIRECTOR_RUNS)
        ]
        scored = pandas_director_scored(aggregates, dimensions, threshold)
        scored_matches = _same_aggregate(store_view, scored, exclude_organisation=None)
        del aggregates

        # Baseline 2: the same aggregate (without this run's submissions) from the raw answers, scoring included.
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
        raw_ms = (time.perf_counter() - start) * 1000
        del answers
        raw_matches = _same_aggregate(store_view, baseline, exclude_organisation=org_id)
        conn.close()

    scored_median = statistics.median(scored_ms)
    figures |= {
        "radar_ms_p50": round(statistics.median(radar_ms), 3),
        "team_view_ms": round(statistics.median(team_ms), 3),
        "director_ms": round(director, 3),
        "director_latest_wave_ms": round(statistics.median(latest_ms), 3),
        "pandas_scored_ms": round(scored_median, 3),
        "speedup_vs_pandas_scored": round(scored_median / director, 2),
        "pandas_scored_matches_store": scored_matches,
        "pandas_raw_ms": round(raw_ms, 1),
        "speedup_vs_pandas_raw": round(raw_ms / director, 1),
        "pandas_raw_matches_store": raw_matches,
        "pages_p95_ms": pages,
    }
    return figures


def _same_aggregate(store_view: pd.DataFrame, baseline: pd.DataFrame, *, exclude_organisation: int | None) -> bool:
    """Both ways give the same numbers (optionally without one organisation: the benchmark's own submissions)."""
    keys = ["organisation_id", "round_id", "dimension"]
    a = store_view[store_view["organisation_id"] != exclude_organisation].sort_values(keys).reset_index(drop=True)
    b = baseline[baseline["organisation_id"] != exclude_organisation].sort_values(keys).reset_index(drop=True)
    if len(a) != len(b) or not (a[keys].astype(str).to_numpy() == b[keys].astype(str).to_numpy()).all():
        return False
    return bool(
        (a["n"].to_numpy() == b["n"].to_numpy()).all()
        and np.allclose(a["mean"].astype(float), b["mean"].astype(float), atol=1e-6, equal_nan=True)
        and np.allclose(a["sd"].astype(float), b["sd"].astype(float), atol=1e-6, equal_nan=True)
    )
