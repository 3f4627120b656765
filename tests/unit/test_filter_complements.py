"""Disclosure rule c over a filter's values: the professions partition a team, a location and the organisation, and
no sum of shown figures (the whole, each profession) leaves a small group or one person to be worked out."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass

import numpy
import pytest

from scan.analytics import response_scores
from scan.analytics.director import Filters, director_view
from scan.analytics.teams import team_view
from scan.report import radar_dimensions
from scan.store.org import add_location, add_organisation, add_team, add_user, open_round, register_questionnaire
from scan.store.released import release_everything
from scan.store.responses import Submission, submit
from tests.unit.test_released import random_answers

LK, PM = "leerkracht", "pedagogisch_medewerker"
TWELVE = [LK] * 5 + [PM] * 5 + ["jeugdhulp", "onderwijsassistent"]


@dataclass(frozen=True)
class Figure:
    """One group's figure for one dimension, as a view shows it: whom it stands for, its n and its mean."""

    source: str
    profession: str | None  # None: the whole population (the team, its location, the organisation: the same people)
    n: int
    mean: float


def team_of_twelve(db, questionnaire, model, answering: int) -> tuple[Filters, dict[str, dict[str, float]], int]:
    """One organisation, one location, one team of twelve (five + five + two single professions); the first
    ``answering`` members submit and everything is released (a bulk load: no history of smaller sets)."""
    register_questionnaire(db, questionnaire)
    org = add_organisation(db, "Stichting Twaalf")
    location = add_location(db, org, "IKC De Es")
    team = add_team(db, location, "Onderbouw")
    round_id = open_round(db, org, "Voorjaar")
    scores: dict[str, dict[str, float]] = {}
    for k, profession in enumerate(TWELVE[:answering]):
        user = add_user(db, organisation_id=org, display_name=f"Lid {k}", discipline=profession, team_ids=[team])
        answers = random_answers(questionnaire, 500 + k)
        rid = submit(db, questionnaire, model, Submission(str(uuid.uuid4()), user, team, round_id, answers)).response_id
        scores[f"{profession} {k}"] = response_scores(db, rid)
    release_everything(db)
    return Filters(org, round_id, location), scores, team


def team_figures(db, questionnaire, config, filters: Filters, team: int) -> dict[str, list[Figure]]:
    """What a team member sees on the team dashboard, per dimension: the whole team, and each profession it can
    filter on."""
    figures: dict[str, list[Figure]] = {}
    for profession in (None, *dict.fromkeys(TWELVE)):
        view = team_view(db, questionnaire, config, team_id=team, round_id=filters.round_id,
                         threshold=config.privacy.team_threshold, discipline=profession)  # fmt: skip
        for d, s in view.spreads.items():
            figures.setdefault(d, []).append(Figure(f"team[{profession}]", profession, s.n, s.mean))
    return figures


def board_figures(db, questionnaire, config, filters: Filters) -> dict[str, list[Figure]]:
    """What the director sees, per dimension: every total and row of every filter combination (the organisation,
    its location and its team are the same people)."""
    figures: dict[str, list[Figure]] = {}
    for location, profession in itertools.product((None, filters.location_id), (None, *dict.fromkeys(TWELVE))):
        chosen = Filters(filters.organisation_id, filters.round_id, location, profession)
        view = director_view(db, questionnaire, config, chosen, dimensions=radar_dimensions(questionnaire))
        for row in (view.total, *view.rows):
            for d, mean in row.means.items():
                source = f"board[{location}|{profession}] {row.label or 'Σ'}"
                figures.setdefault(d, []).append(Figure(source, profession, row.n, mean))
    return figures


def recovered(figures: list[Figure]) -> list[tuple[str, int, float]]:
    """Every whole minus a set of shown professions (each profession once): what is left, its size and mean."""
    wholes = [f for f in figures if f.profession is None]
    parts = {f.profession: f for f in figures if f.profession is not None}
    found = []
    for whole in wholes:
        for size in range(1, len(parts) + 1):
            for chosen in itertools.combinations(parts.values(), size):
                n = whole.n - sum(f.n for f in chosen)
                if n > 0:
                    total = whole.n * whole.mean - sum(f.n * f.mean for f in chosen)
                    found.append((f"{whole.source} − " + " − ".join(f.source for f in chosen), n, total / n))
    return found


@pytest.mark.parametrize("answering", [12, 11], ids=["both-others", "one-other"])
def test_the_whole_minus_every_shown_profession_gives_no_small_group_away(db, questionnaire, model, config, answering):
    filters, scores, team = team_of_twelve(db, questionnaire, model, answering)
    others = [s for who, s in scores.items() if not who.startswith((LK, PM))]
    seen = (
        (team_figures(db, questionnaire, config, filters, team), config.privacy.team_threshold),
        (board_figures(db, questionnaire, config, filters), config.privacy.cross_team_threshold),
    )
    assert all(figures for figures, _ in seen), "the views show nothing: the test would prove nothing"
    for figures, threshold in seen:
        for dimension, shown in figures.items():
            truth = sum(o[dimension] for o in others) / len(others)  # one person's score when only one answered
            leaks = [
                f"{how} leaves {n} people ({dimension}): {value:.4f}, and the others' mean is {truth:.4f}"
                for how, n, value in recovered(shown)
                if n < threshold
            ]
            assert not leaks, "\n".join(leaks)


def test_no_small_group_is_a_sum_of_shown_groups_across_locations_and_professions(db, questionnaire, model, config):
    """Two locations: ten (five + five) and six (five teachers and one other). Not only whole minus parts: any
    sum and difference of the groups shown on any board view (organisation − location 1 − organisation[teachers]
    + location 1[teachers] is location 2's one other) must leave no group of fewer than five."""
    register_questionnaire(db, questionnaire)
    org = add_organisation(db, "Stichting Twee")
    round_id = open_round(db, org, "Voorjaar")
    people: dict[tuple[int, str], int] = {}  # (location, profession) → people: the cells every group is made of
    for name, professions in (("IKC A", [LK] * 5 + [PM] * 5), ("IKC B", [LK] * 5 + [PM])):
        location = add_location(db, org, name)
        team = add_team(db, location, "Team")
        for k, profession in enumerate(professions):
            user = add_user(db, organisation_id=org, display_name="Lid", discipline=profession, team_ids=[team])
            answers = random_answers(questionnaire, 900 + len(people) + k)
            submit(db, questionnaire, model, Submission(str(uuid.uuid4()), user, team, round_id, answers))
            people[location, profession] = people.get((location, profession), 0) + 1
    release_everything(db)
    cells = sorted(people)
    locations = sorted({loc for loc, _ in cells})
    shown = []  # each shown group as the cells it holds
    for location, profession in itertools.product((None, *locations), (None, LK, PM)):
        view = director_view(db, questionnaire, config, Filters(org, round_id, location, profession),
                             dimensions=radar_dimensions(questionnaire))  # fmt: skip
        places = [(view.total, [location] if location else locations)]
        places += [
            (row, [loc]) for row, loc in zip(view.rows, locations if location is None else [location], strict=True)
        ]
        for row, where in places:
            if row.means:
                shown.append([int(c[0] in where and profession in (None, c[1])) for c in cells])
    assert shown, "the board shows nothing: the test would prove nothing"
    span = numpy.array(shown, dtype=float)
    rank = numpy.linalg.matrix_rank(span)
    for size in range(1, len(cells) + 1):
        for group in itertools.combinations(cells, size):
            n = sum(people[c] for c in group)
            if n < config.privacy.cross_team_threshold:
                vector = [[int(c in group) for c in cells]]
                assert numpy.linalg.matrix_rank(numpy.vstack([span, vector])) > rank, (
                    f"{group} ({n} people) is a sum of shown groups: {shown}"
                )
