"""A team member's network page in a real browser: the measures, support between profession groups and their own
network, but no colleague's name and no profession only one or two respondents have."""

from __future__ import annotations

import duckdb
import pytest

from scan.config import settings
from tests.e2e.browser import go, log_in, open_url

pytestmark = pytest.mark.e2e


def test_a_member_sees_no_colleague_and_no_small_profession_in_the_network(demo_template, fresh_server, page):
    # The server holds its copy of the file: the template it was copied from says who is in the team.
    with duckdb.connect(str(demo_template), read_only=True) as conn:
        viewer, team = conn.execute(
            "SELECT a.user_id, m.team_id FROM accounts a JOIN memberships m ON m.user_id = a.user_id"
            " WHERE a.username = ?",
            ["professional"],
        ).fetchone()
        colleagues = [n for (n,) in conn.execute(
            "SELECT u.display_name FROM memberships m JOIN users u ON u.id = m.user_id"
            " WHERE m.team_id = ? AND u.id <> ?", [team, viewer]).fetchall()]  # fmt: skip
        per_profession = conn.execute(
            "SELECT u.discipline, count(*) FROM responses p JOIN users u ON u.id = p.user_id"
            " JOIN rounds r ON r.id = p.round_id WHERE p.team_id = ? AND r.status = 'open' GROUP BY ALL",
            [team],
        ).fetchall()
    minimum = settings().privacy.network_min_profession
    small = [settings().discipline(d).name_nl for d, n in per_profession if n < minimum]
    assert small and colleagues

    open_url(page, fresh_server.url)
    log_in(page, "professional", "demo")
    open_url(page, fresh_server.url)
    go(page, "Teamnetwerk")
    page.wait_for_selector("[data-testid=stPlotlyChart] svg text")
    labels = page.locator("[data-testid=stPlotlyChart] svg text").all_text_contents()
    shown = page.inner_text("body") + "\n" + "\n".join(labels)
    assert "Vele verbindingen (dichtheid)" in shown and "Steun tussen beroepsgroepen" in shown
    assert "Overige beroepen" in shown and "alleen als iedereen in het team" in shown
    assert not [name for name in colleagues if name in shown]
    assert not [name for name in small if name in shown]
