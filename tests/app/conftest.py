"""AppTest fixtures: the real app on a copy of a small demo database, in demo mode, without login delays."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from scan.config import REPO_ROOT
from scan.store import connect
from tests.helpers import SecondOrganisation, add_second_organisation


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path, monkeypatch) -> Path:
    path = tmp_path / "scan.duckdb"
    shutil.copyfile(demo_template, path)
    monkeypatch.setenv("SCAN_DB", str(path))
    monkeypatch.setenv("SCAN_DEMO", "1")
    monkeypatch.setenv("SCAN_LOGIN_SLEEP", "0")
    # An unexpected error also shows its details (st.exception), so that `not at.exception` catches it.
    monkeypatch.setenv("SCAN_DEV", "1")
    return path


@pytest.fixture
def new_app(demo_db: Path) -> Callable[[], AppTest]:
    def make() -> AppTest:
        return AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60).run()

    return make


@pytest.fixture
def served_files(monkeypatch) -> MemoryMediaFileStorage:
    """What the app hands out to download, kept across runs: AppTest makes a new (memory) media store for every
    run, and a download button only carries the address of its file there."""
    storage = MemoryMediaFileStorage("/mock/media")
    monkeypatch.setattr("streamlit.testing.v1.app_test.MemoryMediaFileStorage", lambda endpoint: storage)
    return storage


@pytest.fixture
def elders(demo_db: Path, questionnaire, model) -> SecondOrganisation:
    """A second organisation in the demo database, with its own administrator, people, answers, invite and log."""
    conn = connect(demo_db)
    try:
        return add_second_organisation(conn, questionnaire, model)
    finally:
        conn.close()
