"""Acting in the real browser the way a person does, waiting for Streamlit between actions."""

from __future__ import annotations

import asyncio
import time

from playwright.async_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import Page

# What counts as a failure on screen: an exception element, or the calm error box with an error id that replaces
# the traceback outside development. Given to every browser context as an init script: it remembers each such
# element the moment it appears, so one that shows only for an instant (a rerun replaces it) is still caught.
WATCH = """(() => {
    if (window.__scanSeen) return;
    window.__scanSeen = [];
    const noted = new WeakSet();
    const note = () => {
        for (const el of document.querySelectorAll('[data-testid=stException]')) {
            if (!noted.has(el)) { noted.add(el); window.__scanSeen.push('exception element: ' + el.innerText.trim()); }
        }
        for (const el of document.querySelectorAll('[data-testid=stAlertContentError]')) {
            const text = el.innerText.trim();
            if (!noted.has(el) && /Foutcode|Error id/i.test(text)) {
                noted.add(el);
                window.__scanSeen.push('error box: ' + text);
            }
        }
    };
    new MutationObserver(note).observe(document, {childList: true, subtree: true, characterData: true});
    // Script runs started since the page loaded: tells a lost click from one that is still on its way.
    window.__scanRuns = 0;
    new MutationObserver((changes) => {
        for (const change of changes) {
            if (change.target.getAttribute('data-test-script-state') === 'running') window.__scanRuns += 1;
        }
    }).observe(document, {attributes: true, subtree: true, attributeFilter: ['data-test-script-state']});
    // When the page last sent the server something (a rerun request): the run it asks for may not have started.
    window.__scanLastSend = 0;
    const send = WebSocket.prototype.send;
    WebSocket.prototype.send = function (data) {
        window.__scanLastSend = Date.now();
        return send.call(this, data);
    };
})()"""

# One look at the page: the script state, and every failure shown now or (with WATCH) since the page loaded.
LOOK = """() => {
    const problems = [...(window.__scanSeen || [])];
    for (const el of document.querySelectorAll('[data-testid=stException]')) {
        const text = 'exception element: ' + el.innerText.trim();
        if (!problems.includes(text)) problems.push(text);
    }
    for (const el of document.querySelectorAll('[data-testid=stAlertContentError]')) {
        const text = 'error box: ' + el.innerText.trim();
        if (/Foutcode|Error id/i.test(text) && !problems.includes(text)) problems.push(text);
    }
    const app = document.querySelector('[data-testid=stApp]');
    const state = app ? app.getAttribute('data-test-script-state') : null;
    // A component (an iframe, such as the login cookie's) that has not loaded yet will report its value when it
    // has, and that starts a run that replaces one a click started.
    let loading = 0;
    for (const frame of document.querySelectorAll('iframe')) {
        try {
            if (frame.contentDocument && frame.contentDocument.readyState !== 'complete') loading += 1;
        } catch (e) { /* another origin: not ours to wait for */ }
    }
    const sinceSend = window.__scanLastSend ? (Date.now() - window.__scanLastSend) / 1000 : 1e9;
    return {state: state, problems: problems, runs: window.__scanRuns || 0, loading: loading, sinceSend: sinceSend};
}"""


class PageShowsError(AssertionError):
    """The page shows an exception or an error box: every browser test fails on it."""


def fail_on_problems(look: dict, url: str) -> str | None:
    """The script state from a LOOK; raises PageShowsError, with what the page shows, if anything failed."""
    if look["problems"]:
        raise PageShowsError(f"the page {url} shows an error:\n" + "\n---\n".join(look["problems"]))
    return look["state"]


def is_calm(look: dict) -> bool:
    """Nothing running, nothing on its way: no script run, no component still loading, no request just sent."""
    return look["state"] == "notRunning" and not look["loading"] and look["sinceSend"] >= 0.3


def check_page(page: Page) -> str | None:
    """Fails when the page shows an exception element or an error box; returns the script state."""
    return fail_on_problems(page.evaluate(LOOK), page.url)


def settle(page: Page, quiet: float = 0.4, timeout: float = 30) -> None:
    """Until the app has been calm (``is_calm``) for a moment: clicks during a rerun are lost.

    Fails as soon as the page shows an exception element or an error box (see ``check_page``)."""
    deadline = time.monotonic() + timeout
    calm_since = None
    while time.monotonic() < deadline:
        look = page.evaluate(LOOK)
        fail_on_problems(look, page.url)
        if is_calm(look):
            calm_since = calm_since or time.monotonic()
            if time.monotonic() - calm_since >= quiet:
                return
        else:
            calm_since = None
        time.sleep(0.05)
    raise TimeoutError("the app kept running")


async def settle_async(page, quiet: float = 0.4, timeout: float = 30, poll: float = 0.1) -> None:
    """``settle`` for Playwright's async API (many sessions at once), with the same check for errors."""
    deadline = time.monotonic() + timeout
    calm_since = None
    while time.monotonic() < deadline:
        look = await page.evaluate(LOOK)
        fail_on_problems(look, page.url)
        if is_calm(look):
            calm_since = calm_since or time.monotonic()
            if time.monotonic() - calm_since >= quiet:
                return
        else:
            calm_since = None
        await asyncio.sleep(poll)
    raise TimeoutError("the app kept running")


CLICK_WAIT = 10  # seconds a click waits for its button to be there and calm


async def press_async(
    page, button, done, timeout: float = 30, calm: float = 3.0, idle: float = 60, poll: float = 0.1
) -> int:
    """Click ``button`` until ``done()``, as a person clicks again when nothing happened; returns the clicks lost.

    A click is lost when Streamlit starts another rerun while the click's run is still going (a component
    that reports its value, for one): the new run replaces it. It counts as lost when ``done()`` is still false,
    the button is still there, and the app has been calm for ``calm`` seconds after a run that started since the
    click, or for ``idle`` seconds without any run. Clicking again sooner would itself replace a slow run.
    Needs WATCH in the page's context (it counts the runs). Fails at once when an error shows."""
    deadline = time.monotonic() + timeout
    clicks = 0
    while True:
        if clicks == 0 or await button.is_visible():
            before = (await page.evaluate(LOOK))["runs"]
            try:
                await button.click(timeout=min(CLICK_WAIT, max(1.0, deadline - time.monotonic())) * 1000)
                clicks += 1
            except PlaywrightTimeout:
                pass  # the button went between the look and the click (its run finished): see whether it is done
        calm_since = None
        while True:
            if time.monotonic() > deadline:
                raise TimeoutError(f"waited {timeout:.0f} s in vain on {page.url} after {clicks} clicks")
            look = await page.evaluate(LOOK)
            fail_on_problems(look, page.url)
            if await done():
                return max(0, clicks - 1)
            now = time.monotonic()
            calm_since = (calm_since or now) if is_calm(look) else None
            if calm_since is not None and now - calm_since >= (calm if look["runs"] > before else idle):
                break
            await asyncio.sleep(poll)


def open_url(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("[data-testid=stApp]")
    settle(page, quiet=0.8)


def click(page: Page, locator) -> None:
    locator.click()
    settle(page)


def log_in(page: Page, username: str, password: str) -> None:
    page.get_by_role("textbox", name="Gebruikersnaam", exact=True).fill(username)
    page.get_by_role("textbox", name="Wachtwoord", exact=True).fill(password)
    click(page, page.get_by_role("button", name="Inloggen", exact=True))


def log_out(page: Page, label: str = "Uitloggen") -> None:
    click(page, page.get_by_role("button", name=label))


def go(page: Page, link_text: str) -> None:
    """Through the sidebar menu; waits until the new page has been drawn."""
    link = page.locator("[data-testid=stSidebarNav] a").filter(has_text=link_text)
    target = link.first.get_attribute("href") or ""
    link.first.click()
    page.wait_for_url(lambda url: url.rstrip("/").endswith(target.rstrip("/").split("/")[-1]))
    settle(page, quiet=0.8)


def answer_all_radios(page: Page, option_index: int = 3) -> int:
    """Pick an option in every radio group on the page, including groups that appear after a pick.

    The open groups of a round are clicked one after another without waiting for each rerun, as a person
    answering a list does; the page then settles and is looked at again (a lost pick is picked again)."""
    answered = 0
    while True:
        groups = page.locator("[data-testid=stRadio]")
        todo = [groups.nth(k) for k in range(groups.count()) if groups.nth(k).locator("input:checked").count() == 0]
        if not todo:
            return answered
        for group in todo:
            options = group.locator("[data-testid=stRadioOption]")
            options.nth(min(option_index, options.count() - 1)).click()
            answered += 1
        settle(page)


def next_step(page: Page, label: str = "Volgende") -> None:
    click(page, page.get_by_role("button", name=label, exact=True))


def screenshot(page: Page, path, height: int) -> None:
    """Streamlit scrolls inside the window: a taller window shows more of the page in one picture."""
    page.set_viewport_size({"width": 1280, "height": height})
    settle(page)
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": 1280, "height": 900})
