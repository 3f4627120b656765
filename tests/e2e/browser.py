"""Acting in the real browser the way a person does, waiting for Streamlit between actions."""

from __future__ import annotations

import time

from playwright.sync_api import Page

_STATE = "() => document.querySelector('[data-testid=stApp]')?.getAttribute('data-test-script-state')"


def settle(page: Page, quiet: float = 0.4, timeout: float = 30) -> None:
    """Until the script has been 'notRunning' for a moment: clicks during a rerun are lost."""
    deadline = time.monotonic() + timeout
    calm_since = None
    while time.monotonic() < deadline:
        if page.evaluate(_STATE) == "notRunning":
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
