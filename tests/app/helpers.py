"""Driving the app in AppTest the way a person would."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from scan.locales import text


def texts(at: AppTest) -> str:
    """Everything the page shows as text, in one string."""
    parts = [*(e.value for e in at.title), *(e.value for e in at.subheader), *(e.value for e in at.markdown)]
    parts += [*(e.value for e in at.error), *(e.value for e in at.warning), *(e.value for e in at.info)]
    parts += [*(e.value for e in at.success), *(e.value for e in at.caption)]
    return "\n".join(str(p) for p in parts)


def log_in(at: AppTest, username: str, password: str = "demo") -> AppTest:
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    return at.button[0].click().run()


def button(at: AppTest, key: str):
    return next(b for b in at.button if b.key == key)


def answer_step(at: AppTest, value=4) -> AppTest:
    """Answer every question of the current step with ``value`` (the intensity step: current 2, desired 3)."""
    for radio in at.radio:
        if radio.key.startswith("q_"):
            radio.set_value(value)
        elif radio.key.startswith("int_now_"):
            radio.set_value(2)
        elif radio.key.startswith("tie_freq_"):
            radio.set_value(3)

    at.run()
    for radio in at.radio:
        if radio.key.startswith("int_want_"):
            radio.set_value(3)
    return at.run()


def next_step(at: AppTest) -> AppTest:
    return button(at, "scan_next").click().run()


def start_scan(at: AppTest) -> AppTest:
    at.switch_page("pages/scan.py").run()
    if any(c.key == "consent_check" for c in at.checkbox):
        next(c for c in at.checkbox if c.key == "consent_check").check().run()
        button(at, "consent_start").click().run()
    return at


def message(lang: str, key: str, **values) -> str:
    return text(lang, key, **values)


def query(db_path, sql: str, params=()):
    """Read the app's database from the test: same process, so the same (read-write) database instance."""
    import duckdb

    with duckdb.connect(str(db_path)) as conn:
        return conn.execute(sql, list(params)).fetchall()


def is_refused(at: AppTest, page: str, lang: str = "nl") -> bool:
    """The page is either not in the user's navigation at all, or its guard stops it before any content."""
    try:
        at.switch_page(page).run()
    except ValueError:
        return True  # AppTest knows no such page in this navigation
    shown = [e.value for e in at.error] + [w.value for w in at.warning]
    guard = {text(lang, "auth.refused"), text(lang, "auth.please_login")}
    return len(shown) == 1 and shown[0] in guard and not at.title and not at.radio and not at.get("plotly_chart")


def downloaded(at: AppTest, served, key: str) -> bytes:
    """The bytes behind a download button (``served``: the served_files fixture)."""
    button = next(d for d in at.get("download_button") if d.key == key)
    return served.get_file(button.proto.url.rsplit("/", 1)[-1]).content
