"""Output encoding through the real pages: the administrator's CSV download writes formula-like names as text,
and names people typed show as plain text on another person's screen, never as markdown."""

from __future__ import annotations

import csv
import io

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from scan.questionnaire import default_questionnaire
from tests.app.helpers import answer_step, log_in, next_step, query, start_scan
from tests.helpers import as_seen, assert_no_markup
from tests.unit.test_output_encoding import FORMULA_STARTS, LOCATION

# Markdown, a link, LaTeX, an emoji shortcode, a colour directive and a Material icon, in one display name.
NAME = "[klik](http://x) $x^2$ :smile: :red[rood] :material/home: **vet**"


@pytest.fixture
def downloads(monkeypatch) -> dict[str, bytes]:
    """The files the pages hand to download buttons, by file name: Streamlit's own media storage is kept, and
    each file put in it is noted on the way."""
    files: dict[str, bytes] = {}
    store = MemoryMediaFileStorage.load_and_get_id

    def load_and_get_id(self, path_or_data, mimetype, kind, filename=None):
        files[filename] = path_or_data
        return store(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", load_and_get_id)
    return files


def test_the_admin_csv_download_writes_a_formula_like_location_as_text(new_app, demo_db, downloads):
    location = query(demo_db, "SELECT min(id) FROM locations")[0][0]
    query(demo_db, "UPDATE locations SET name = ? WHERE id = ?", [LOCATION, location])
    at = log_in(new_app(), "admin").run()
    at.switch_page("pages/admin.py").run()
    assert not at.exception, at.exception
    data = downloads["answers.csv"].decode("utf-8")
    cells = [cell for row in csv.reader(io.StringIO(data, newline="")) for cell in row]
    assert not [c for c in cells if c.startswith(FORMULA_STARTS)]
    assert any(c.startswith("'" + LOCATION + " · ") for c in cells)


# ---- names as plain text -------------------------------------------------------------------------------------


def test_a_colleagues_display_name_shows_as_plain_text_in_the_network_step(new_app, demo_db):
    me = query(demo_db, "SELECT user_id FROM accounts WHERE username = 'professional'")[0][0]
    colleague = query(
        demo_db,
        "SELECT min(m.user_id) FROM memberships m WHERE m.user_id <> ?"
        " AND m.team_id = (SELECT min(team_id) FROM memberships WHERE user_id = ?)",
        [me, me],
    )[0][0]
    query(demo_db, "UPDATE users SET display_name = ? WHERE id = ?", [NAME, colleague])
    at = start_scan(log_in(new_app(), "professional"))
    for _ in default_questionnaire().constructs:
        next_step(answer_step(at))
    next_step(answer_step(at))  # intensity: the network step lists the colleagues
    assert not at.exception, at.exception
    shown = [m.value for m in at.markdown if "klik" in m.value]
    assert len(shown) == 1, [m.value for m in at.markdown]
    line = shown[0]
    assert NAME not in line
    name_part = line.removeprefix("**").split("** · ")[0]
    assert_no_markup(name_part)
    assert as_seen(name_part) == NAME


def test_the_own_name_and_the_round_show_as_plain_text_on_the_account_and_scan_pages(new_app, demo_db):
    """(AppTest runs the page scripts without app.py's sidebar, where the name shows too.)"""
    me = query(demo_db, "SELECT user_id FROM accounts WHERE username = 'professional'")[0][0]
    query(demo_db, "UPDATE users SET display_name = ? WHERE id = ?", [NAME, me])
    query(demo_db, "UPDATE rounds SET name = ? WHERE status = 'open'", [NAME])
    at = log_in(new_app(), "professional")
    for page in ("pages/account.py", "pages/scan.py"):
        at.switch_page(page).run()
        assert not at.exception, at.exception
        markdown = [m.value for m in at.markdown]
        with_name = [m for m in markdown if "klik" in m]
        assert len(with_name) == 1, (page, markdown)
        for value in with_name:
            assert NAME not in value, value
            assert "\\[klik\\]\\(http\\:" in value and "\\$x\\^2\\$" in value, value


def test_a_round_name_shows_as_plain_text_on_the_team_dialogue_page(new_app, demo_db):
    query(demo_db, "UPDATE rounds SET name = ? WHERE status = 'closed'", [NAME])
    at = log_in(new_app(), "teamlead")
    at.switch_page("pages/dialogue.py").run()
    assert not at.exception, at.exception
    [title] = [s.value for s in at.subheader if "klik" in s.value]
    assert NAME not in title
    name_part = title[title.index("(") + 1 : title.rindex(")")]
    assert_no_markup(name_part)
    assert as_seen(name_part) == NAME
