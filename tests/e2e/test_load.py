"""Load: many people send their scan at the same moment, each in a real browser, against one server.

Every session signs in, finds its scan at the last step (a draft prepared in the database), sends it and sees
its report. Afterwards every scan is stored exactly once, none is lost, and no screen showed an error. The test
prints p50 and p95 per step. ``SCAN_LOAD_SESSIONS=50`` runs 50 sessions instead of 20.

The sessions run in Playwright's async API (one browser, a context per person) so that they really overlap.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import TimeoutError as PlaywrightTimeout

from scan.accounts import record_consent
from scan.analytics.teams import roster
from scan.passwords import hash_password
from scan.questionnaire import default_questionnaire
from scan.store import connect
from scan.store.org import add_user
from scan.store.responses import save_draft
from tests.e2e.browser import WATCH, press_async, settle_async
from tests.e2e.conftest import CHROMIUM, CHROMIUM_FLAGS, Server

pytestmark = pytest.mark.e2e

SESSIONS = int(os.environ.get("SCAN_LOAD_SESSIONS", "20"))
PASSWORD = "laadtest-zonnebloem-7"
# Seconds per step: 2 cores serve every browser and the server at once, about 10 CPU seconds a browser session.
STEP_TIMEOUT = float(os.environ.get("SCAN_LOAD_STEP_TIMEOUT", max(300, 12 * SESSIONS)))
POLL = 0.25  # seconds between looks at a page: 20-50 pages are watched at once
IDLE = 20  # seconds without any run after a click: the click was lost, as a person would see and click again
STILL = """document.addEventListener('DOMContentLoaded', () => {
    const style = document.createElement('style');
    style.textContent = '*, *::before, *::after { animation: none !important; transition: none !important; }';
    document.head.appendChild(style);
});"""
STEPS = ("open", "log in", "reach the summary", "send → report")
Q = default_questionnaire()
DISCIPLINES = ("leerkracht", "pedagogisch_medewerker", "onderwijsassistent", "intern_begeleider", "jeugdhulp")


@dataclass(frozen=True)
class Person:
    user_id: int
    username: str
    team_id: int
    key: str  # the draft's submission key: the stored response must carry it
    answered: int  # answers stored (n.v.t. is not stored)
    intensity: int
    ties: int


@dataclass
class Outcome:
    person: Person
    seconds: dict[str, float] = field(default_factory=dict)
    lost_clicks: dict[str, int] = field(default_factory=dict)
    error: BaseException | None = None
    step: str = ""


def draft_for(k: int, colleagues: list[int]) -> dict[str, Any]:
    """A finished scan at its last step (the summary), as the scan page keeps it."""
    answers: dict[str, Any] = {}
    for construct in Q.constructs:
        if construct.optional:
            continue
        for n, item in enumerate(construct.items):
            answers[item.id] = 1 + (k + n) % 5
    answers[Q.constructs[0].items[0].id] = "na"  # one 'n.v.t.' per person
    levels = [level.level for level in Q.intensity.levels]
    intensity = {p.id: [levels[(k + n) % len(levels)], levels[-1]] for n, p in enumerate(Q.intensity.partner_types)}
    intensity[Q.intensity.partner_types[-1].id] = ["na", None]
    ties = {str(c): [(k + n) % 5, n % 3 == 0] for n, c in enumerate(colleagues)}
    summary = len(Q.constructs) + 2  # the constructs, intensity, network, then the summary
    return {
        "key": str(uuid.uuid4()),
        "step": summary,
        "answers": answers,
        "intensity": intensity,
        "modules": {},
        "ties": ties,
        "external": [],
        "consented": True,
    }


def prepare(db: Path, n: int) -> list[Person]:
    """n people with a login in the teams of the demo's first board, each with a finished draft and consent."""
    conn = connect(db)
    try:
        org_id = conn.execute("SELECT min(id) FROM organisations").fetchone()[0]
        round_id = conn.execute(
            "SELECT id FROM rounds WHERE organisation_id = ? AND status = 'open'", [org_id]
        ).fetchone()[0]
        teams = [
            row[0]
            for row in conn.execute(
                "SELECT t.id FROM teams t JOIN locations l ON l.id = t.location_id WHERE l.organisation_id = ?"
                " ORDER BY t.id LIMIT 4",
                [org_id],
            ).fetchall()
        ]
        password_hash = hash_password(PASSWORD)  # once: bcrypt is slow on purpose
        users = []
        for k in range(n):
            team_id = teams[k % len(teams)]
            user_id = add_user(
                conn,
                organisation_id=org_id,
                display_name=f"Laadtest {k:02d}",
                discipline=DISCIPLINES[k % len(DISCIPLINES)],
                username=f"laadtest{k:02d}",
                password_hash=password_hash,
                team_ids=[team_id],
            )
            users.append((k, user_id, team_id))
        people = []
        for k, user_id, team_id in users:
            colleagues = [row[0] for row in roster(conn, team_id, exclude=user_id)]
            draft = draft_for(k, colleagues)
            save_draft(conn, user_id, round_id, draft)
            record_consent(conn, user_id)
            people.append(
                Person(
                    user_id=user_id,
                    username=f"laadtest{k:02d}",
                    team_id=team_id,
                    key=draft["key"],
                    answered=sum(v != "na" for v in draft["answers"].values()),
                    intensity=len(draft["intensity"]),
                    ties=sum(1 for f, s in draft["ties"].values() if f > 0 or s),
                )
            )
        return people
    finally:
        conn.close()


async def one_session(browser, url: str, outcome: Outcome, start: asyncio.Event, shots: Path) -> None:
    context = await browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="nl-NL", reduced_motion="reduce"
    )
    await context.add_init_script(WATCH)
    # Fifty pages animating Streamlit's running indicator kept Chromium's one compositor process busy (8 CPU
    # minutes in the first 17 of a run on 2 cores), time the server then lacked: pages are drawn, not animated.
    await context.add_init_script(STILL)
    page = await context.new_page()
    page.set_default_timeout(STEP_TIMEOUT * 1000)

    async def calm() -> None:
        await settle_async(page, quiet=1.0, timeout=STEP_TIMEOUT, poll=POLL)

    async def press(button, done, timeout: float = STEP_TIMEOUT) -> None:
        lost = await press_async(page, button, done, timeout, idle=IDLE, poll=POLL)
        outcome.lost_clicks[outcome.step] = outcome.lost_clicks.get(outcome.step, 0) + lost

    async def open_app() -> None:
        await page.goto(url)
        await page.wait_for_selector("[data-testid=stApp]")
        await calm()

    async def log_in() -> None:
        await page.get_by_role("textbox", name="Gebruikersnaam", exact=True).fill(outcome.person.username)
        await page.get_by_role("textbox", name="Wachtwoord", exact=True).fill(PASSWORD)
        signed_in = page.get_by_text("Ingelogd als").first
        await press(page.get_by_role("button", name="Inloggen", exact=True), signed_in.is_visible)
        await calm()

    async def reach_summary() -> None:
        send = page.get_by_role("button", name="Versturen", exact=True)
        menu = page.locator("[data-testid=stSidebarNav] a").filter(has_text="Mijn scan").first
        # The login page's own way on, while its menu (drawn on a later run) has no link yet.
        start = page.get_by_role("button", name="Begin met de scan")
        deadline = time.monotonic() + STEP_TIMEOUT
        while not await send.is_visible():
            if time.monotonic() > deadline:
                raise TimeoutError(f"no way to the scan on {page.url} in {STEP_TIMEOUT:.0f} s")
            # Looked for afresh each time: a rerun may replace the login page by the menu between two looks.
            way = menu if await menu.is_visible() else start
            if await way.is_visible():
                with contextlib.suppress(PlaywrightTimeout, TimeoutError):
                    await press(way, send.is_visible, timeout=30)
            else:
                await asyncio.sleep(POLL)
        await calm()
        assert "Controleren en versturen" in await page.inner_text("body")

    async def send_and_see_report() -> None:
        report = page.get_by_role("heading", name="Mijn rapport")
        send = page.get_by_role("button", name="Versturen", exact=True)

        async def on_report() -> bool:
            return await report.is_visible() and not await send.is_visible()

        await press(send, on_report)
        await calm()
        body = await page.inner_text("body")
        assert "Mijn rapport" in body and "Versturen" not in body

    try:
        await start.wait()
        for name, action in zip(STEPS, (open_app, log_in, reach_summary, send_and_see_report), strict=True):
            outcome.step = name
            began = time.perf_counter()
            await action()
            outcome.seconds[name] = time.perf_counter() - began
        outcome.step = "done"
    except BaseException as exc:  # noqa: BLE001 - kept per session and reported together
        outcome.error = exc
        with contextlib.suppress(Exception):
            await page.screenshot(path=str(shots / f"{outcome.person.username}.png"))
    finally:
        await context.close()


async def run_sessions(url: str, outcomes: list[Outcome], shots: Path) -> float:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        start = asyncio.Event()
        tasks = [asyncio.create_task(one_session(browser, url, outcome, start, shots)) for outcome in outcomes]
        await asyncio.sleep(0.5)  # every context opened, then all at once
        began = time.perf_counter()
        start.set()
        await asyncio.gather(*tasks)
        wall = time.perf_counter() - began
        await browser.close()
    return wall


def in_own_thread(make: Callable[[], Coroutine]) -> Any:
    """asyncio.run in a thread of its own: the sync Playwright of other browser tests holds this thread's loop."""
    result: dict[str, Any] = {}

    def target() -> None:
        try:
            result["value"] = asyncio.run(make())
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread
            result["error"] = exc

    thread = threading.Thread(target=target, name="load-sessions")
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result["value"]


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], p: float) -> float:
    """Nearest rank: the smallest value with at least p% of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def log_excerpt(log: Path, lines: int = 60) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def test_simultaneous_sessions_send_their_scans_once_and_see_their_report(demo_template, tmp_path):
    db = tmp_path / "scan.duckdb"
    shutil.copyfile(demo_template, db)
    people = prepare(db, SESSIONS)
    log = tmp_path / "streamlit.log"
    server = Server(db, log)
    outcomes = [Outcome(person) for person in people]
    try:
        cpu_before = cpu_seconds(server.process.pid)
        wall = in_own_thread(lambda: run_sessions(server.url, outcomes, tmp_path))
        server_cpu = cpu_seconds(server.process.pid) - cpu_before
    finally:
        server.stop()

    print(f"\n{SESSIONS} simultaneous sessions: all steps done in {wall:.1f} s (server log: {log})")
    print(f"the server used {server_cpu:.1f} CPU s of {os.cpu_count() * wall:.0f} on {os.cpu_count()} cores;"
          f" load average at the end {os.getloadavg()[0]:.1f}")  # fmt: skip
    print(f"{'step':<20}{'n':>4}{'p50 s':>8}{'p95 s':>8}{'max s':>8}{'lost clicks':>13}")
    for name in STEPS:
        taken = [o.seconds[name] for o in outcomes if name in o.seconds]
        lost = sum(o.lost_clicks.get(name, 0) for o in outcomes)
        if taken:
            print(f"{name:<20}{len(taken):>4}{percentile(taken, 50):>8.2f}{percentile(taken, 95):>8.2f}"
                  f"{max(taken):>8.2f}{lost:>13}")  # fmt: skip

    failed = [o for o in outcomes if o.error is not None]
    assert not failed, (
        f"{len(failed)} of {SESSIONS} sessions failed (screenshots in {tmp_path}):\n"
        + "\n".join(f"{o.person.username} at '{o.step}': {type(o.error).__name__}: {o.error}" for o in failed[:10])
        + f"\n--- server log (tail) ---\n{log_excerpt(log)}"
    )
    server_log = log.read_text(errors="replace")
    assert "Traceback" not in server_log, f"the server logged an error:\n{log_excerpt(log, 120)}"

    # Every scan stored exactly once, with its own key and all its parts; no draft left behind.
    conn = connect(db, read_only=True)
    try:
        ids = [p.user_id for p in people]
        stored = {
            user: (count, keys)
            for user, count, keys in conn.execute(
                "SELECT user_id, count(*), list(submission_key) FROM responses WHERE user_id IN (SELECT unnest(?))"
                " GROUP BY user_id",
                [ids],
            ).fetchall()
        }
        parts = {
            row[0]: row[1:]
            for row in conn.execute(
                """
                SELECT r.user_id,
                       (SELECT count(*) FROM answers a WHERE a.response_id = r.id),
                       (SELECT count(*) FROM scores s WHERE s.response_id = r.id),
                       (SELECT count(*) FROM intensity_answers i WHERE i.response_id = r.id),
                       (SELECT count(*) FROM network_ties n WHERE n.response_id = r.id),
                       r.team_id
                FROM responses r WHERE r.user_id IN (SELECT unnest(?))
                """,
                [ids],
            ).fetchall()
        }
        drafts = conn.execute("SELECT count(*) FROM drafts WHERE user_id IN (SELECT unnest(?))", [ids]).fetchone()[0]
    finally:
        conn.close()
    missing = [p.username for p in people if p.user_id not in stored]
    assert not missing, f"scans lost: {missing}"
    twice = {p.username: stored[p.user_id][0] for p in people if stored[p.user_id][0] != 1}
    assert not twice, f"scans stored more than once: {twice}"
    for p in people:
        assert stored[p.user_id][1] == [p.key], f"{p.username}: stored under another key"
        answers, scores, intensity, ties, team = parts[p.user_id]
        assert (answers, intensity, ties, team) == (p.answered, p.intensity, p.ties, p.team_id), p.username
        assert scores > 0, p.username
    assert drafts == 0, "a sent scan left its draft behind"
