"""The platform's page (pages/platform.py) through the real app: organisations and the whole-database backup, for
platform administrators only."""

from __future__ import annotations

import io
import json
import zipfile

import duckdb
import pytest

from scan import accounts, platform
from scan.store import connect
from tests.app.helpers import button, downloaded, is_refused, log_in, message

PLATFORM_PASSWORD = "platform-wachtwoord"


@pytest.fixture
def platform_admin(demo_db, elders) -> str:
    """A platform administrator, as the command line makes one: an organisation of their own, then the role."""
    conn = connect(demo_db)
    try:
        platform.create_organisation(
            conn, name="Platformbeheer", admin_name="Paula Platform", admin_username="platform",
            password=PLATFORM_PASSWORD, actor_user_id=None,
        )  # fmt: skip
        platform.grant_platform_admin(conn, "platform")
    finally:
        conn.close()
    return "platform"


def platform_page(new_app, username: str):
    at = log_in(new_app(), username, PLATFORM_PASSWORD).run()
    at.switch_page("pages/platform.py").run()
    assert not at.exception, at.exception
    assert [title.value for title in at.title] == [message("nl", "platform.title")]
    return at


def test_the_platform_lists_organisations_and_creates_one_with_its_administrator(new_app, demo_db, platform_admin):
    at = platform_page(new_app, platform_admin)
    listed = at.dataframe[0].value[message("nl", "platform.col_name")].tolist()
    assert {"Stichting Kindcentra Rivierenland", "Stichting Elders", "Platformbeheer"} <= set(listed)

    for key, value in (("new_organisation_name", "Stichting Noord"), ("new_organisation_admin_name", "Nora Noord"),
                       ("new_organisation_admin_username", "beheer.noord")):  # fmt: skip
        next(i for i in at.text_input if i.key == key).input(value)
    next(b for b in at.button if b.key.startswith("FormSubmitter:new_organisation")).click().run()
    assert not at.exception, at.exception
    told = at.success[0].value
    password = told.split("`")[3]
    assert "Stichting Noord" in told and "`beheer.noord`" in told and len(password) >= 16

    with duckdb.connect(str(demo_db)) as conn:
        signed_in = accounts.sign_in(conn, "beheer.noord", password, client="test", address="test")
        assert signed_in.outcome == "ok" and signed_in.account.roles == ("admin",)
    at.run()
    assert "Stichting Noord" in at.dataframe[0].value[message("nl", "platform.col_name")].tolist()


def test_the_platform_backs_up_the_whole_database(new_app, demo_db, platform_admin, served_files):
    at = platform_page(new_app, platform_admin)
    button(at, "backup_make").click().run()
    with zipfile.ZipFile(io.BytesIO(downloaded(at, served_files, "backup_download"))) as backup:
        manifest = json.loads(backup.read("manifest.json"))
    with duckdb.connect(str(demo_db)) as conn:
        organisations = conn.execute("SELECT count(*) FROM organisations").fetchone()[0]
    assert manifest["tables"]["organisations"] == organisations >= 3


@pytest.mark.parametrize("user", ["admin", "director", "professional"])
def test_only_platform_administrators_reach_the_platform_page(new_app, user):
    assert is_refused(log_in(new_app(), user).run(), "pages/platform.py")
