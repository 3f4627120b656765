"""Acting in the real browser the way a person does, waiting for Streamlit between actions."""

from __future__ import annotations

import time

from playwright.sync_api import Page

# One look at the page: the script state, and the text of everything that shows a failure to the user: an
# exception element, or the calm error box with an error id that replaces the traceback outside development.
LOOK = """() => {
    const problems = [];
    for (const el of document.querySelectorAll('[data-testid=stException]')) {
        problems.push('exception element: ' + el.innerText.trim());
    }
    for (const el of document.querySelectorAll('[data-testid=stAlertContentError]')) {
        const text = el.innerText.trim();
        if (/Foutcode|Error id/i.test(text)) problems.push('error box: ' + text);
    }
    const app = document.querySelector('[data-testid=stApp]');
    return {state: app ? app.getAttribute('data-test-script-state') : null, problems: problems};
}"""


class PageShowsError(AssertionError):
    """The page shows an exception or an error box: every browser test fails on it."""


def fail_on_problems(look: dict, url: str) -> str | None:
    """The script state from a LOOK; raises PageShowsError, with what the page shows, if anything failed."""
    if look["problems"]:
        raise PageShowsError(f"the page {url} shows an error:\n" + "\n---\n".join(look["problems"]))
    return look["state"]


def check_page(page: Page) -> str | None:
    """Fails when the page shows an exception element or an error box; returns the script state."""
    return fail_on_problems(page.evaluate(LOOK), page.url)


def settle(page: Page, quiet: float = 0.4, timeout: float = 30) -> None:
    """Until the script has been 'notRunning' for a moment: clicks during a rerun are lost.

    Fails as soon as the page shows an exception element or an error box (see ``check_page``)."""
    deadline = time.monotonic() + timeout
    calm_since = None
    while time.monotonic() < deadline:
        if check_page(page) == "notRunning":
            calm_since = calm_since or time.monotonic()
            if time.monotonic() - calm_since >= quiet:
                return
        else:
            calm_since = None
        time.sleep(0.05)
    raise TimeoutError("the app kept running")


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
    """Pick an option in every radio group on the page, including groups that appear after a pick."""
    answered = 0
    while True:
        groups = page.locator("[data-testid=stRadio]")
        todo = None
        for k in range(groups.count()):
            if groups.nth(k).locator("input:checked").count() == 0:
                todo = groups.nth(k)
                break
        if todo is None:
            return answered
        options = todo.locator("[data-testid=stRadioOption]")
        click(page, options.nth(min(option_index, options.count() - 1)))
        answered += 1


def next_step(page: Page, label: str = "Volgende") -> None:
    click(page, page.get_by_role("button", name=label, exact=True))


def screenshot(page: Page, path, height: int) -> None:
    """Streamlit scrolls inside the window: a taller window shows more of the page in one picture."""
    page.set_viewport_size({"width": 1280, "height": height})
    settle(page)
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": 1280, "height": 900})
