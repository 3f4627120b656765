"""Hostile text through every text input: stored exactly, or refused with a message in both languages.

"Exactly" is what the person typed, NFC-normalised and without leading and trailing white space (and a
username in lower case): nothing else is removed or changed silently. A refusal is an InvalidInput whose
every problem code has a text in nl and en (error.<code>; roster.<code> for a roster import). Any other
exception fails the test. Names with control, text-direction or zero-width characters are always refused.

Real DuckDB files in a temporary folder (the ``db`` and ``org`` fixtures); hypothesis keeps the example
counts modest so that the suite stays fast.
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
import unicodedata
import zipfile

import bcrypt
import openpyxl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from scan import accounts
from scan.accounts import find_account, find_invite, normalise_code, register_with_invite
from scan.locales import locales
from scan.roster import MAX_CELL_LENGTH, RosterReport, import_roster
from scan.store.actions import actions_of, add_action
from scan.store.org import add_location, add_team, create_invite, open_round
from scan.validation import InvalidInput

# Pieces that have broken or fooled text handling somewhere: control characters and NUL, text-direction
# overrides, zero-width and other invisible characters, markup of every kind, spreadsheet formulas, SQL,
# format strings, combining characters, case-folding surprises, emoji sequences, line separators.
HOSTILE_PIECES = (
    "\x00",
    "\x07",
    "\x1b[31m",
    "\x7f",
    "\x85",
    "\x9b",
    "\t",
    "\r\n",
    "\n",
    "\u202e",
    "\u202d",
    "\u202a",
    "\u2066",
    "\u2069",
    "\u200e",
    "\u200b",
    "\u200c",
    "\u200d",
    "\u2060",
    "\ufeff",
    "\u00ad",
    "\u2028",
    "\u2029",
    "\U000e0041",
    "<script>alert(1)</script>",
    "<b>",
    "&lt;",
    "**vet**",
    "_schuin_",
    "[link](javascript:alert(1))",
    "`code`",
    "# kop",
    "~~weg~~",
    ":red[rood]",
    ":material/home:",
    "$\\frac{1}{0}$",
    "\\(x\\)",
    '=HYPERLINK("http://x";"klik")',
    "=1+1",
    "+31 6",
    "-2",
    "@SUM(A1)",
    "'; DROP TABLE users; --",
    "%s%n",
    "{0}{name}",
    "e\u0301",
    "\u0130",
    "\u212a",
    "ß",
    "ﬁ",
    "👩\u200d👩\u200d👧",
    "日本語",
    "עברית",
    "\u00a0",
    "\u3000",
    " ",
    "Anna",
)
_piece = st.sampled_from(HOSTILE_PIECES)
hostile_text = st.one_of(
    st.text(max_size=40),  # any code point but surrogates (a browser cannot send those)
    st.lists(st.one_of(_piece, st.text(max_size=4)), min_size=1, max_size=8).map("".join),
    # Very long: 10,000 characters and more.
    st.builds(lambda piece, n: (piece * n)[: max(n, 10_000)], _piece, st.integers(10_000, 12_000)),
)
FUZZ = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
LONG = "a" * 10_001
NAMED_EXAMPLES = (
    "\u202eAnna",
    "An\u200bna",
    "\ufeffAnna",
    "Anna\u200d",
    "Anna\x00",
    "An\x1bna",
    "=1+1",
    "@Anna",
    "<b>Anna</b>",
    "$x$",
    LONG,
)


def as_stored(value: str) -> str:
    return unicodedata.normalize("NFC", value).strip()


def invisible(text: str) -> bool:
    """What a name may never hold: control, format (zero-width, bidi, BOM) or line-separator characters."""
    return any(unicodedata.category(char) in ("Cc", "Cf", "Cs", "Zl", "Zp") for char in text)


def assert_refused_in_words(error: InvalidInput, namespace: str = "error") -> None:
    assert error.problems
    for problem in error.problems:
        for lang in ("nl", "en"):
            assert f"{namespace}.{problem.code}" in locales()[lang], (problem.code, lang)


def fast_hashes(monkeypatch) -> None:
    """bcrypt at cost 4 instead of 12: the hash is not what these tests are about, and each takes 0.6 s."""
    monkeypatch.setattr(
        accounts, "hash_password", lambda password: bcrypt.hashpw(password.encode(), bcrypt.gensalt(4)).decode()
    )


@pytest.fixture
def invite(db, org) -> str:
    return create_invite(db, org.team_id, max_uses=100_000)


def registration(db, invite: str, **fields):
    values = {
        "code": invite,
        "username": "",
        "display_name": "Anna Jansen",
        "email": "",
        "discipline": "leerkracht",
        "password": "geheim-wachtwoord",
        "password_repeat": "geheim-wachtwoord",
        "disciplines": ("leerkracht",),
    }
    return register_with_invite(db, **(values | fields))


_usernames = (f"gebruiker{k}" for k in itertools.count())


# ---- registration ------------------------------------------------------------------------------------


@FUZZ
@given(name=hostile_text)
@example(name="\u202eAnna")
@example(name="An\u200bna")
@example(name="\ufeffAnna")
@example(name="Anna\x00")
@example(name="=1+1")
@example(name="<b>Anna</b>")
@example(name="$x$")
@example(name=LONG)
@example(name=" Anna ")
def test_registration_display_names_are_stored_exactly_or_refused(db, org, invite, monkeypatch, name):
    fast_hashes(monkeypatch)
    username = next(_usernames)
    try:
        registration(db, invite, username=username, display_name=name)
    except InvalidInput as error:
        assert_refused_in_words(error)
        assert {p.field for p in error.problems} == {"display_name"}
        assert find_account(db, username) is None
        return
    assert find_account(db, username).display_name == as_stored(name)
    assert not invisible(as_stored(name)), "a name with invisible characters was stored"


@FUZZ
@given(username=hostile_text)
@example(username="anna\n")
@example(username="\u212aim")
@example(username="anna\x00")
@example(username="ANNA")
@example(username="an\u200bna")
@example(username=LONG)
def test_registration_usernames_are_stored_exactly_or_refused(db, org, invite, monkeypatch, username):
    fast_hashes(monkeypatch)
    try:
        registration(db, invite, username=username)
    except InvalidInput as error:
        assert_refused_in_words(error)
        assert {p.field for p in error.problems} == {"username"}
        return
    stored = username.strip().lower()
    assert stored.isascii() and find_account(db, stored) is not None


@FUZZ
@given(email=hostile_text)
@example(email="anna@example.org\u202e")
@example(email="an\x00na@example.org")
@example(email="=1@x.nl")
@example(email="anna\u200b@example.org")
def test_registration_email_addresses_are_stored_exactly_or_refused(db, org, invite, monkeypatch, email):
    fast_hashes(monkeypatch)
    username = next(_usernames)
    try:
        registration(db, invite, username=username, email=email)
    except InvalidInput as error:
        assert_refused_in_words(error)
        assert {p.field for p in error.problems} == {"email"}
        return
    assert (find_account(db, username).email or "") == email.strip()
    assert not invisible(email.strip())


@FUZZ
@given(code=hostile_text)
@example(code="\x00")
@example(code=LONG)
@example(code="' OR 1=1 --")
@example(code="%")
@example(code="_")
def test_invite_codes_find_nothing_or_the_invite_and_registration_refuses_in_words(db, org, invite, code):
    found = find_invite(db, code)
    assert found is None or found.code == invite == normalise_code(code)
    if found is None:
        with pytest.raises(InvalidInput) as refused:
            registration(db, invite, code=code, username="anna")  # nothing else is wrong
        assert_refused_in_words(refused.value)
        assert {p.code for p in refused.value.problems} == {"invite_unknown"}


def test_an_invite_code_typed_with_spaces_and_in_lower_case_is_found(db, org, invite):
    assert find_invite(db, f"  {invite.lower()[:6]} {invite.lower()[6:]}\t").code == invite


# ---- organisation: locations, teams, rounds ----------------------------------------------------------


@FUZZ
@given(name=hostile_text)
@example(name="\u202eLocatie")
@example(name="Locatie\u200d")
@example(name="=1+1")
@example(name="Loc\x00atie")
@example(name="<script>alert(1)</script>")
@example(name=LONG)
@example(name="IKC De Regenboog")
def test_location_team_and_round_names_are_stored_exactly_or_refused(db, org, name):
    for table, add in (
        ("locations", lambda: add_location(db, org.organisation_id, name)),
        ("teams", lambda: add_team(db, org.location_id, name)),
        ("rounds", lambda: open_round(db, org.organisation_id, name)),
    ):
        try:
            new_id = add()
        except InvalidInput as error:
            assert_refused_in_words(error)
            continue
        stored = db.execute(f"SELECT name FROM {table} WHERE id = ?", [new_id]).fetchone()[0]
        assert stored == as_stored(name)
        assert not invisible(stored), f"a {table} name with invisible characters was stored"


@pytest.mark.parametrize("name", NAMED_EXAMPLES)
def test_names_with_invisible_characters_markup_a_formula_start_or_too_long_are_refused(db, org, name):
    with pytest.raises(InvalidInput) as refused:
        add_team(db, org.location_id, name)
    assert_refused_in_words(refused.value)


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("\u202eAnna", "bidi_control"),
        ("An\u200bna", "invisible_character"),
        ("\ufeffAnna", "invisible_character"),
        ("Anna\x00", "control_character"),
        ("An\tna", "invisible_character"),
        ("=1+1", "formula_prefix"),
        ("$x^2$", "markup"),
    ],
)
def test_each_kind_of_refused_name_has_its_own_words(db, org, name, code):
    with pytest.raises(InvalidInput) as refused:
        add_location(db, org.organisation_id, name)
    assert code in {p.code for p in refused.value.problems}


# ---- team actions ------------------------------------------------------------------------------------


@FUZZ
@given(what=hostile_text, who=hostile_text)
@example(what="- bespreken in het teamoverleg", who="Anna & Bram")
@example(what="<script>alert(1)</script>\n**vet** $x$ =1+1", who='=HYPERLINK("x")')
@example(what="lees \u202eterug", who="")
@example(what="a\x00b", who="Anna")
@example(what=LONG, who="Anna")
def test_team_actions_are_stored_exactly_or_refused(db, org, what, who):
    try:
        action_id = add_action(
            db, team_id=org.team_id, round_id=org.round_id, what=what, who=who, due=None, actor_user_id=org.members[0]
        )
    except InvalidInput as error:
        assert_refused_in_words(error)
        return
    [stored] = [a for a in actions_of(db, org.team_id, org.round_id) if a.id == action_id]
    assert (stored.what, stored.who) == (as_stored(what), as_stored(who))


@pytest.mark.parametrize(
    ("what", "who"),
    [
        ("Ouder\u200bgesprek plannen", "Anna"),  # zero-width space
        ("Oudergesprek plannen", "An\u200dna"),  # zero-width joiner
        ("Oudergesprek\u2060 plannen", "Anna"),  # word joiner
        ("\ufeffOudergesprek plannen", "Anna"),  # zero-width no-break space (a byte order mark)
        ("Oudergesprek plannen", "An\u200cna"),  # zero-width non-joiner
    ],
)
def test_team_actions_with_zero_width_characters_are_refused_like_names(db, org, what, who):
    """A zero-width character makes two texts look the same while they differ: refused in actions as in names."""
    with pytest.raises(InvalidInput) as refused:
        add_action(db, team_id=org.team_id, round_id=org.round_id, what=what, who=who, due=None,
                   actor_user_id=org.members[0])  # fmt: skip
    assert "invisible_character" in {p.code for p in refused.value.problems}
    assert_refused_in_words(refused.value)
    assert actions_of(db, org.team_id, org.round_id) == []


# ---- roster cells ------------------------------------------------------------------------------------


def assert_report_in_words(report: RosterReport) -> None:
    for problem in report.problems:
        assert all(problem.text_key in locales()[lang] for lang in ("nl", "en")), problem.text_key


def run_import(db, org, config, data: bytes, filename: str) -> RosterReport:
    return import_roster(db, org.organisation_id, data, filename, actor_user_id=None, disciplines=config.disciplines)


def newest_user(db) -> str:
    return db.execute("SELECT display_name FROM users ORDER BY id DESC LIMIT 1").fetchone()[0]


@FUZZ
@given(name=hostile_text, email=hostile_text, team=hostile_text, role=hostile_text)
@example(name="\u202eAnna", email="", team="1", role="")
@example(name="=1+1", email="", team="1", role="")
@example(name="Anna\u200b", email="", team="1", role="")
@example(name="Anna", email="a@b.nl\u202e", team="1", role="team_lead\x00")
@example(name="x" * 131_100, email="", team="1", role="")
def test_roster_csv_cells_are_imported_exactly_or_refused_in_words(db, org, config, name, email, team, role):
    team = str(org.team_id) if team == "1" else team
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", quoting=csv.QUOTE_ALL)
    writer.writerow(["naam", "e-mail", "beroep", "team", "rol"])
    writer.writerow([name, email, "leerkracht", team, role])
    report = run_import(db, org, config, out.getvalue().encode("utf-8"), "team.csv")
    assert_report_in_words(report)
    if report.ok:
        assert report.imported == 1 and newest_user(db) == as_stored(name)
        assert not invisible(as_stored(name)) and len(as_stored(name)) <= MAX_CELL_LENGTH


@FUZZ
@given(name=hostile_text, team=hostile_text)
@example(name="\u202eAnna", team="1")
@example(name='=HYPERLINK("x")', team="1")
def test_roster_excel_cells_are_imported_exactly_or_refused_in_words(db, org, config, name, team):
    team = str(org.team_id) if team == "1" else team
    # Excel's XML cannot hold control characters at all: such a cell cannot come from a real workbook.
    name, team = ILLEGAL_CHARACTERS_RE.sub("", name)[:32_767], ILLEGAL_CHARACTERS_RE.sub("", team)
    book = openpyxl.Workbook()
    book.active.append(["Naam", "Beroep", "Team"])
    book.active.append([name, "leerkracht", team])
    buffer = io.BytesIO()
    book.save(buffer)
    report = run_import(db, org, config, buffer.getvalue(), "team.xlsx")
    assert_report_in_words(report)
    if report.ok:
        assert newest_user(db) == as_stored(name)


@functools.cache
def sound_workbook() -> bytes:
    """One workbook, made once: openpyxl writes the time into every file, and hypothesis needs the same bytes."""
    book = openpyxl.Workbook()
    book.active.append(["Naam", "Beroep", "Team"])
    for k in range(40):
        book.active.append([f"Persoon {k}", "leerkracht", 1])  # team 1: the first team of the org fixture
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@FUZZ
@given(data=st.data())
def test_damaged_excel_files_are_imported_or_refused_in_words_never_with_a_traceback(db, org, config, data):
    workbook = sound_workbook()
    how = data.draw(st.sampled_from(["cut", "flip", "sheet"]))
    if how == "cut":
        damaged = workbook[: data.draw(st.integers(0, len(workbook) - 1))]
    elif how == "flip":
        damaged = bytearray(workbook)
        for at in data.draw(st.lists(st.integers(0, len(workbook) - 1), min_size=1, max_size=5)):
            damaged[at] = data.draw(st.integers(0, 255))
        damaged = bytes(damaged)
    else:  # a sound zip file around a damaged sheet
        source, out = zipfile.ZipFile(io.BytesIO(workbook)), io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                content = source.read(info.filename)
                if info.filename.endswith("sheet1.xml"):
                    start = data.draw(st.integers(0, len(content)))
                    content = content[:start] + data.draw(st.binary(max_size=20)) + content[start + 10 :]
                target.writestr(info.filename, content)
        damaged = out.getvalue()
    report = run_import(db, org, config, damaged, "team.xlsx")
    assert_report_in_words(report)
