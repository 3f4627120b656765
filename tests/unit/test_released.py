"""Disclosure rule d, over time: in an open round a group's figures change only in steps of at least k responses,
for new submissions and deletions alike (store.released, and the views that read it)."""

from __future__ import annotations

import itertools
import random
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

import duckdb
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from scan.analytics import response_scores, team_aggregate
from scan.analytics.director import Filters, director_view
from scan.analytics.disclosure import figures_from_scores
from scan.analytics.teams import team_view
from scan.report import radar_dimensions
from scan.store import connect
from scan.store.org import add_location, add_organisation, add_team, add_user, open_round, register_questionnaire
from scan.store.responses import Submission, delete_person_data, submit

MEMBERS = 10
STATIC = 5  # a second team in the same location, answered and released before the events begin
DISCIPLINES = ("leerkracht", "pedagogisch_medewerker", "onderwijsassistent", "intern_begeleider", "jeugdhulp")


@pytest.fixture(scope="module")
def store(tmp_path_factory, questionnaire) -> duckdb.DuckDBPyConnection:
    """One database for the module; every example gets an organisation of its own in it."""
    conn = connect(tmp_path_factory.mktemp("released") / "scan.duckdb")
    register_questionnaire(conn, questionnaire)
    yield conn
    conn.close()


@dataclass
class Board:
    """One organisation: a location with the team under test and a static team, an open round."""

    organisation_id: int
    location_id: int
    team_id: int
    round_id: int
    members: list[int]
    static: frozenset[int]  # the static team's responses
    professions: tuple[str, ...]  # each member's
    scores: dict[int, dict[str, float]] = field(default_factory=dict)  # every response ever stored, kept by the test
    profession_of: dict[int, str] = field(default_factory=dict)  # every response ever stored → its profession
    response_of: dict[int, int] = field(default_factory=dict)  # member → their current response
    history: list[frozenset[int]] = field(default_factory=list)  # the team's responses after every event


def random_answers(questionnaire, seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    return {item.id: rng.randint(1, 5) for item in questionnaire.items}


def store_scan(conn, questionnaire, model, board: Board, user_id: int, team_id: int, seed: int) -> int:
    # Seeded by the draw and by how many came before: no two responses answer alike, so that the figures of two
    # different sets of people never coincide and tell the test which set a view shows.
    answers = random_answers(questionnaire, seed * 1000 + len(board.scores))
    submission = Submission(str(uuid.uuid4()), user_id, team_id, board.round_id, answers)
    response_id = submit(conn, questionnaire, model, submission).response_id
    board.scores[response_id] = response_scores(conn, response_id)
    return response_id


def new_board(conn, questionnaire, model, professions: tuple[str, ...] | None = None) -> Board:
    organisation_id = add_organisation(conn, f"Stichting {uuid.uuid4().hex[:8]}")
    location_id = add_location(conn, organisation_id, "IKC De Linde")
    team_id = add_team(conn, location_id, "Onderbouw")
    static_team = add_team(conn, location_id, "Bovenbouw")

    professions = professions or tuple(DISCIPLINES[k % len(DISCIPLINES)] for k in range(MEMBERS))

    def member(discipline: str, team: int) -> int:
        return add_user(conn, organisation_id=organisation_id, display_name="Lid", discipline=discipline,
                        team_ids=[team])  # fmt: skip

    members = [member(discipline, team_id) for discipline in professions]
    round_id = open_round(conn, organisation_id, "Voorjaar")
    board = Board(organisation_id, location_id, team_id, round_id, members, frozenset(), professions)
    for k in range(STATIC):
        discipline = DISCIPLINES[k % len(DISCIPLINES)]
        rid = store_scan(conn, questionnaire, model, board, member(discipline, static_team), static_team, 1000 + k)
        board.profession_of[rid] = discipline
    board.static = frozenset(board.profession_of)
    board.history.append(frozenset())
    return board


def apply(conn, questionnaire, model, board: Board, member: int, seed: int) -> None:
    """The member submits, or (with a response) has their data deleted."""
    user_id = board.members[member]
    if user_id in board.response_of:
        delete_person_data(conn, user_id)
        del board.response_of[user_id]
    else:
        board.response_of[user_id] = store_scan(conn, questionnaire, model, board, user_id, board.team_id, seed)
        board.profession_of[board.response_of[user_id]] = board.professions[member]
    board.history.append(frozenset(board.response_of.values()))


def matches(shown: dict[str, float], people: list[dict[str, float]]) -> bool:
    """The shown means are those of exactly these people's scores."""
    if not shown:
        return False
    for dimension, mean in shown.items():
        values = [p[dimension] for p in people if dimension in p]
        if not values or abs(sum(values) / len(values) - mean) > 1e-9:
            return False
    return True


def state_behind(shown: dict[str, float], board: Board, extra: frozenset[int] = frozenset()) -> frozenset[int]:
    """Which of the team's states (as it was after some event) the shown figures are the figures of: the latest
    that fits. Every visible state must be one of them."""
    for responses in reversed(board.history):
        if matches(shown, [board.scores[r] for r in responses | extra]):
            return responses
    raise AssertionError(f"the shown figures {shown} are those of no state the team has been in")


def assert_steps(states: list[frozenset[int]], k: int, what: str) -> None:
    for first, second in itertools.combinations(states, 2):
        differ = len(first ^ second)
        assert differ == 0 or differ >= k, (
            f"two visible states of the {what} differ by {differ} response(s) (k = {k}): "
            f"{sorted(first)} and {sorted(second)}"
        )


EVENTS = st.lists(st.tuples(st.integers(0, MEMBERS - 1), st.integers(0, 2**16)), min_size=1, max_size=16)
RULE_SETTINGS = settings(max_examples=12, deadline=None)  # about 1 s an example: the suite has 15 minutes


@RULE_SETTINGS
@given(events=EVENTS)
def test_visible_states_of_a_group_differ_by_zero_or_at_least_k_responses(store, questionnaire, model, config, events):
    """The differencing attack: 4·m4 − 3·m3 needs two visible states one response apart; so does a deletion."""
    board = new_board(store, questionnaire, model)
    dims = radar_dimensions(questionnaire)
    team_states, location_states, row_states = [], [], []
    for member, seed in events:
        apply(store, questionnaire, model, board, member, seed)
        view = team_view(store, questionnaire, config, team_id=board.team_id, round_id=board.round_id,
                         threshold=config.privacy.team_threshold)  # fmt: skip
        if view.visible:
            team_states.append(state_behind(view.means(), board))
        location = Filters(board.organisation_id, board.round_id, board.location_id)
        board_view = director_view(store, questionnaire, config, location, dimensions=dims)
        if not board_view.total.hidden:
            location_states.append(state_behind(board_view.total.means, board, extra=board.static))
        for row in board_view.rows:
            if row.label.endswith("Onderbouw") and row.means:
                row_states.append(state_behind(row.means, board))
    assert_steps(team_states, config.privacy.team_threshold, "team view")
    assert_steps(location_states, config.privacy.cross_team_threshold, "director view of the location")
    assert_steps(row_states, config.privacy.cross_team_threshold, "team's row in the director view")


def part_behind(shown: dict[str, float], board: Board, profession: str, extra: frozenset[int]) -> frozenset[int]:
    """``state_behind`` for the part of one profession: which of its states the shown figures are those of."""
    for responses in reversed(board.history):
        part = frozenset(r for r in responses | extra if board.profession_of[r] == profession)
        if matches(shown, [board.scores[r] for r in part]):
            return part
    raise AssertionError(f"the shown figures {shown} are those of no state the {profession} part has been in")


FILTERED = ("leerkracht", "pedagogisch_medewerker", "onderwijsassistent")


@settings(max_examples=8, deadline=None)
@given(events=EVENTS, professions=st.lists(st.sampled_from(FILTERED), min_size=MEMBERS, max_size=MEMBERS))
# Three teachers, three others (released at 6), then a teacher and two others (released at 9): the teachers' part
# went from three to four, and 4·m4 − 3·m3 was the fourth teacher's score.
@example(events=[(m, m) for m in (0, 1, 2, 5, 6, 7, 3, 8, 9)], professions=[FILTERED[0]] * 5 + [FILTERED[1]] * 5)
def test_visible_states_of_every_filtered_part_differ_by_zero_or_at_least_k_responses(
    store, questionnaire, model, config, events, professions
):
    """A release moves the whole team by k, and one profession's part of it by as little as one: the part's
    figures before and after would give that person's score. Team × profession on the dashboard, location ×
    profession and team × profession on the board overview."""
    board = new_board(store, questionnaire, model, tuple(professions))
    dims = radar_dimensions(questionnaire)
    seen: dict[tuple[str, str], list[frozenset[int]]] = defaultdict(list)
    for member, seed in events:
        apply(store, questionnaire, model, board, member, seed)
        for profession in sorted(set(professions)):
            view = team_view(store, questionnaire, config, team_id=board.team_id, round_id=board.round_id,
                             threshold=config.privacy.team_threshold, discipline=profession)  # fmt: skip
            if view.visible:
                seen["team", profession].append(part_behind(view.means(), board, profession, frozenset()))
            location = Filters(board.organisation_id, board.round_id, board.location_id, profession)
            board_view = director_view(store, questionnaire, config, location, dimensions=dims)
            if not board_view.total.hidden:
                seen["location", profession].append(part_behind(board_view.total.means, board, profession,
                                                                board.static))  # fmt: skip
            for row in board_view.rows:
                if row.label.endswith("Onderbouw") and row.means:
                    seen["row", profession].append(part_behind(row.means, board, profession, frozenset()))
    steps = {"team": config.privacy.team_threshold, "location": config.privacy.cross_team_threshold,
             "row": config.privacy.cross_team_threshold}  # fmt: skip
    for (what, profession), states in seen.items():
        assert_steps(states, steps[what], f"{what} view of the {profession} part")


def released(conn, board: Board, audience: str) -> frozenset[int]:
    return frozenset(
        r
        for (r,) in conn.execute(
            "SELECT response_id FROM released_responses WHERE team_id = ? AND round_id = ? AND audience = ?",
            [board.team_id, board.round_id, audience],
        ).fetchall()
    )


@RULE_SETTINGS
@given(events=EVENTS)
def test_the_store_releases_in_steps_and_views_show_exactly_the_released_responses(
    store, questionnaire, model, config, events
):
    board = new_board(store, questionnaire, model)
    privacy = config.privacy
    shown: dict[str, list[frozenset[int]]] = {"team": [frozenset()], "board": [frozenset()]}  # every set so far
    for member, seed in events:
        apply(store, questionnaire, model, board, member, seed)
        current = board.history[-1]
        for audience, k in (("team", privacy.team_threshold), ("board", privacy.cross_team_threshold)):
            now, before = released(store, board, audience), shown[audience][-1]
            # The rule itself: R moves to C exactly when C differs from R by at least k, and from every set released
            # before by 0 or at least k; and only then.
            moves = len(current ^ before) >= k and all(
                len(current ^ earlier) == 0 or len(current ^ earlier) >= k for earlier in shown[audience]
            )
            assert now == (current if moves else before)
            if moves:
                shown[audience].append(now)

        team = released(store, board, "team")
        view = team_view(store, questionnaire, config, team_id=board.team_id, round_id=board.round_id,
                         threshold=privacy.team_threshold)  # fmt: skip
        aggregate = team_aggregate(store, board.team_id, board.round_id, privacy.team_threshold, privacy=privacy)
        assert view.waiting == aggregate.waiting == len(current ^ team)
        assert view.withheld == aggregate.withheld == bool(team - current)
        assert view.n_answered == len(current)
        if view.withheld:
            assert not view.visible and not view.spreads and not aggregate.visible
            # A deleted person's scores do not live on in the sums either.
            rows = store.execute(
                "SELECT count(*) FROM team_aggregates WHERE team_id = ? AND round_id = ? AND audience = 'team'",
                [board.team_id, board.round_id],
            ).fetchone()[0]
            assert rows == 0
        else:
            expected = figures_from_scores([board.scores[r] for r in team], threshold=privacy.team_threshold,
                                           privacy=privacy)  # fmt: skip
            assert view.visible == (len(team) >= privacy.team_threshold)
            assert view.means() == pytest.approx({d: f.mean for d, f in expected.items()})
            assert aggregate.means() == pytest.approx({d: f.mean for d, f in expected.items()})

        group = released(store, board, "board") | board.static
        location = director_view(store, questionnaire, config,
                                 Filters(board.organisation_id, board.round_id, board.location_id),
                                 dimensions=radar_dimensions(questionnaire))  # fmt: skip
        assert location.total.withheld == bool(released(store, board, "board") - current)
        assert location.total.waiting == len(current ^ released(store, board, "board"))
        if not location.total.hidden:
            assert matches(location.total.means, [board.scores[r] for r in group])
            assert location.total.n == len(group)


def test_a_deletion_withholds_the_figures_until_k_responses_changed(store, questionnaire, model, config):
    board = new_board(store, questionnaire, model)
    for member in range(4):
        apply(store, questionnaire, model, board, member, member)

    def view():
        return team_view(store, questionnaire, config, team_id=board.team_id, round_id=board.round_id,
                         threshold=config.privacy.team_threshold)  # fmt: skip

    shown = view()
    assert shown.visible and shown.waiting == 1 and shown.n_responses == 3

    apply(store, questionnaire, model, board, 0, 0)  # a released response is deleted
    withheld = view()
    assert withheld.withheld and not withheld.visible and withheld.waiting == 2
    assert not withheld.spreads and not withheld.intensity
    deleted = next(iter(board.history[-2] - board.history[-1]))
    assert store.execute("SELECT count(*) FROM scores WHERE response_id = ?", [deleted]).fetchone()[0] == 0

    apply(store, questionnaire, model, board, 5, 5)  # the third change: released again, without the deleted one
    again = view()
    assert again.visible and again.waiting == 0 and again.n_responses == 4
    assert state_behind(again.means(), board) == board.history[-1]


def test_migration_8_releases_what_was_stored_before(tmp_path, questionnaire):
    """A database of schema 7 keeps showing what it showed: every stored response counts as released, and the
    aggregate is that of the released sets, per audience."""
    from scan.store.schema import MIGRATIONS, migrate

    conn = duckdb.connect(str(tmp_path / "old.duckdb"))
    conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    for number, sql in MIGRATIONS[:7]:
        conn.execute(sql)
        conn.execute("INSERT INTO schema_version VALUES (?)", [number])
    register_questionnaire(conn, questionnaire)
    conn.execute("INSERT INTO organisations VALUES (1, 'Stichting Oud')")
    conn.execute("INSERT INTO locations VALUES (1, 1, 'IKC Oud')")
    conn.execute("INSERT INTO teams VALUES (1, 1, 'Onderbouw')")
    conn.execute("INSERT INTO rounds (id, organisation_id, name, wave, status) VALUES (1, 1, 'Voorjaar', 1, 'open')")
    for k in range(1, 4):
        conn.execute("INSERT INTO users (id, organisation_id, pseudonym, display_name) VALUES (?, 1, ?, 'Lid')", [k, k])
        conn.execute("INSERT INTO responses (id, submission_key, user_id, team_id, round_id, questionnaire_version)"
                     " VALUES (?, ?, ?, 1, 1, ?)", [k, str(k), k, questionnaire.version])  # fmt: skip
        conn.execute("INSERT INTO scores VALUES (?, 'identiteit', ?)", [k, float(k)])

    assert migrate(conn) == 8
    assert conn.execute("SELECT audience, count(*) FROM released_responses GROUP BY ALL ORDER BY 1").fetchall() == [
        ("board", 3),
        ("team", 3),
    ]
    assert conn.execute("SELECT audience, n, total FROM team_aggregates ORDER BY 1").fetchall() == [
        ("board", 3, 6.0),
        ("team", 3, 6.0),
    ]
    conn.close()
