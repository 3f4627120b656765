"""Switching the language in the middle of the scan, in a real browser: every answer stays chosen, and the scan
is sent. Streamlit keeps a radio's value as its label, so this is where a switch used to empty the answers.

The steps between the first construct and the intensity step come from a saved draft: the browser answers
only the steps on which it switches the language (clicking some 40 more answers took a minute)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from scan.demo import DEMO_PASSWORD
from scan.drafts import new_state
from scan.questionnaire import default_questionnaire
from scan.store import connect
from scan.store.responses import save_draft
from tests.e2e.browser import answer_all_radios, click, go, log_in, next_step, open_url, settle
from tests.e2e.conftest import serve

pytestmark = pytest.mark.e2e
Q = default_questionnaire()
FIRST = Q.constructs[0]

# Records every exception element the page ever shows, also one that a later rerun removes again.
WATCH_EXCEPTIONS = """
window.__exceptions = [];
new MutationObserver(() => {
  for (const e of document.querySelectorAll('[data-testid=stException]')) window.__exceptions.push(e.innerText);
}).observe(document, {childList: true, subtree: true});
"""

CHOSEN = """() => [...document.querySelectorAll('[data-testid=stRadio]')].map(group => {
  const options = [...group.querySelectorAll('[data-testid=stRadioOption]')];
  const chosen = options.find(o => o.querySelector('input:checked'));
  return chosen ? chosen.innerText.trim() : null;
})"""


MIDDLE = [c for c in Q.constructs[1:] if not c.optional]


def answer_the_middle(db: Path) -> None:
    """A draft in which the professional has answered every construct after the first with 3."""
    conn = connect(db)
    try:
        user_id, round_id = conn.execute(
            "SELECT a.user_id, r.id FROM accounts a JOIN users u ON u.id = a.user_id"
            " JOIN rounds r ON r.organisation_id = u.organisation_id AND r.status = 'open'"
            " WHERE a.username = 'professional'"
        ).fetchone()
        save_draft(conn, user_id, round_id, new_state() | {"answers": {i.id: 3 for c in MIDDLE for i in c.items}})
    finally:
        conn.close()


@pytest.fixture
def server(demo_template, tmp_path):
    yield from serve(demo_template, tmp_path, answer_the_middle)


def chosen(page) -> list[str | None]:
    """Per radio group on the page, the label of the chosen option (None: nothing chosen)."""
    return page.evaluate(CHOSEN)


def no_exception(page) -> None:
    assert page.evaluate("window.__exceptions") == []
    assert page.locator("[data-testid=stException]").count() == 0


def pick(page, group: int, option: int) -> None:
    click(page, page.locator("[data-testid=stRadio]").nth(group).locator("[data-testid=stRadioOption]").nth(option))


def switch_to(page, language: str) -> None:
    click(page, page.locator("[data-testid=stSidebar]").get_by_text(language, exact=True))
    settle(page, quiet=0.8)


def scale(value, lang: str) -> str:
    return f"{value} · {Q.scale.labels[value].get(lang)}"


def test_switching_language_mid_scan_keeps_every_answer_and_the_scan_is_sent(server, page):
    page.add_init_script(WATCH_EXCEPTIONS)
    open_url(page, server.url)
    log_in(page, "professional", DEMO_PASSWORD)
    open_url(page, server.url)  # the menu for a signed-in professional
    go(page, "Mijn scan")
    if page.get_by_text("Ik heb dit gelezen en doe mee").count():
        page.get_by_text("Ik heb dit gelezen en doe mee").click()
        settle(page)
        click(page, page.get_by_role("button", name="Start de scan"))
    assert FIRST.name.nl in page.inner_text("body")

    # Part of the first step in Dutch: 4, n.v.t., 2.
    pick(page, 0, 3)
    pick(page, 1, 5)
    pick(page, 2, 1)
    first_three = [scale(4, "nl"), "n.v.t.", scale(2, "nl")]
    assert chosen(page)[:4] == [*first_three, None]

    switch_to(page, "English")
    assert FIRST.name.en in page.inner_text("body") and FIRST.items[0].text.en in page.inner_text("body")
    assert chosen(page)[:4] == [scale(4, "en"), "n/a", scale(2, "en"), None]
    pick(page, 3, 4)  # the next answer, in English: 5
    assert chosen(page)[:4] == [scale(4, "en"), "n/a", scale(2, "en"), scale(5, "en")]
    no_exception(page)

    switch_to(page, "Nederlands")
    assert chosen(page)[:4] == [*first_three, scale(5, "nl")]
    answer_all_radios(page, option_index=2)  # the rest of the step: 3
    assert chosen(page)[:4] == [*first_three, scale(5, "nl")]
    next_step(page, "Volgende")
    no_exception(page)

    for construct in Q.constructs[1:]:
        assert construct.name.nl in page.inner_text("body")
        if not construct.optional:
            assert chosen(page) == [scale(3, "nl")] * len(construct.items)  # from the draft
        next_step(page, "Volgende")

    # Collaboration intensity: half in Dutch, then English; the network step: half in English, then Dutch.
    assert "Samenwerken met anderen" in page.inner_text("body")
    pick(page, 0, 1)  # now: 2, which adds the 'desired' radio right after it
    pick(page, 1, 2)  # desired: 3
    before = chosen(page)[:2]
    switch_to(page, "English")
    assert "Working with others" in page.inner_text("body")
    assert [label.split(" · ")[0] for label in chosen(page)[:2]] == [label.split(" · ")[0] for label in before]
    answer_all_radios(page, option_index=1)
    no_exception(page)
    next_step(page, "Next")

    pick(page, 0, 4)  # (almost) daily with the first colleague
    page.locator("[data-testid=stCheckbox]").first.click()
    settle(page)
    assert chosen(page)[0] == "(almost) daily"
    switch_to(page, "Nederlands")
    assert chosen(page)[0] == "(bijna) dagelijks"
    assert page.locator("[data-testid=stCheckbox] input").first.is_checked()
    answer_all_radios(page, option_index=3)
    assert chosen(page)[0] == "(bijna) dagelijks"
    no_exception(page)
    next_step(page, "Volgende")

    assert "Controleren en versturen" in page.inner_text("body")
    click(page, page.get_by_role("button", name="Versturen"))
    settle(page, quiet=1.0)
    assert "Mijn rapport" in page.inner_text("body")
    page.wait_for_selector("[data-testid=stPlotlyChart]")
    no_exception(page)

    # What was sent holds the values given in both languages (the server owns the file until it stops).
    server.stop()
    with duckdb.connect(str(server.db), read_only=True) as conn:
        sent = dict(
            conn.execute(
                "SELECT item_id, value FROM answers WHERE response_id = (SELECT max(p.id) FROM responses p"
                " JOIN accounts a ON a.user_id = p.user_id WHERE a.username = 'professional')"
            ).fetchall()
        )
    items = [item.id for item in FIRST.items]
    assert [sent.get(item) for item in items[:4]] == [4, None, 2, 5]  # n.v.t. is stored as no answer
    assert all(sent[item] == 3 for item in items[4:])
