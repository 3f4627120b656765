"""Read models: the anonymity thresholds are applied in the core, below them only counts remain."""

from __future__ import annotations

import statistics
import uuid

import pytest

from scan import analytics
from scan.store.released import release_everything
from scan.store.responses import Submission, submit
from tests.helpers import full_answers


def fill(db, org, questionnaire, model, members, value=4):
    for k, member in enumerate(members):
        answers = full_answers(questionnaire, 1 + (value + k) % 5)
        submit(db, questionnaire, model, Submission(str(uuid.uuid4()), member, org.team_id, org.round_id, answers))


def test_team_below_the_threshold_shows_the_count_and_no_scores(db, org, questionnaire, model, config):
    fill(db, org, questionnaire, model, org.members[:2])
    waiting = analytics.team_aggregate(
        db, org.team_id, org.round_id, config.privacy.team_threshold, privacy=config.privacy
    )
    assert waiting.n_responses == 0 and waiting.waiting == 2 and not waiting.stats  # nothing released yet
    release_everything(db)  # a released set below the threshold: its count, no scores
    aggregate = analytics.team_aggregate(
        db, org.team_id, org.round_id, config.privacy.team_threshold, privacy=config.privacy
    )
    assert aggregate.n_responses == 2 and not aggregate.visible
    assert aggregate.stats and all(s.hidden and s.n == 2 for s in aggregate.stats.values())
    assert all(s.sd is None for s in aggregate.stats.values())
    assert aggregate.means() == {}


def test_team_at_the_threshold_shows_its_mean_but_no_spread_until_the_spread_threshold(
    db, org, questionnaire, model, config
):
    """With one's own score, mean and sd of three give both colleagues' scores: the spread waits for five."""
    fill(db, org, questionnaire, model, org.members[:3])
    aggregate = analytics.team_aggregate(
        db, org.team_id, org.round_id, config.privacy.team_threshold, privacy=config.privacy
    )
    assert aggregate.visible
    stat = aggregate.stats["t_vertical"]
    own = [analytics.response_scores(db, analytics.person_response_id(db, m, org.round_id)) for m in org.members[:3]]
    values = [s["t_vertical"] for s in own]
    assert stat.n == 3 and stat.mean == pytest.approx(sum(values) / 3) and stat.sd is None
    assert not hasattr(stat, "min") and not hasattr(stat, "max")

    fill(db, org, questionnaire, model, org.members[3:5])
    release_everything(db)  # two new responses wait for a third; released here to look at five
    five = analytics.team_aggregate(
        db, org.team_id, org.round_id, config.privacy.team_threshold, privacy=config.privacy
    )
    stat = five.stats["t_vertical"]
    values = [
        analytics.response_scores(db, analytics.person_response_id(db, m, org.round_id))["t_vertical"]
        for m in org.members[:5]
    ]
    assert stat.n == 5 and stat.sd == round(statistics.stdev(values), config.privacy.spread_decimals)


def test_cross_team_views_use_the_higher_threshold(db, org, questionnaire, model, config):
    fill(db, org, questionnaire, model, org.members[:4])
    # The board's set moves in steps of 5 (test_released); released by hand here, to look at the threshold alone.
    release_everything(db)
    locations = analytics.location_aggregates(db, org.organisation_id, config.privacy.cross_team_threshold)
    assert len(locations) and (locations["n"] == 4).all()
    assert locations["hidden"].all() and locations["mean"].isna().all()
    fill(db, org, questionnaire, model, org.members[4:5])
    release_everything(db)
    locations = analytics.location_aggregates(db, org.organisation_id, config.privacy.cross_team_threshold)
    assert not locations["hidden"].any() and locations["mean"].notna().all()
    overview = analytics.director_overview(db, config.privacy.cross_team_threshold)
    assert set(overview["organisation_id"]) == {org.organisation_id}


def test_team_trend_lists_every_round_of_the_organisation(db, org, questionnaire, model, config):
    from scan.store.org import open_round

    fill(db, org, questionnaire, model, org.members[:3])
    open_round(db, org.organisation_id, "Najaar 2026")
    trend = analytics.team_trend(db, org.team_id, config.privacy.team_threshold, privacy=config.privacy)
    assert [info.wave for info, _ in trend] == [1, 2]
    assert trend[0][1].visible and trend[1][1].n_responses == 0 and not trend[1][1].stats


def test_person_trend_holds_only_the_own_rounds(db, org, questionnaire, model):
    fill(db, org, questionnaire, model, org.members[:2])
    trend = analytics.person_trend(db, org.members[0])
    assert len(trend) == 1 and "verbinding" in trend[0][1]
    assert analytics.person_trend(db, org.outsider) == []


def test_data_version_changes_with_every_submission(db, org, questionnaire, model):
    before = analytics.data_version(db)
    fill(db, org, questionnaire, model, org.members[:1])
    assert analytics.data_version(db) != before


def test_team_filter_hides_a_part_whose_rest_is_small(db, org, questionnaire, model, config):
    from scan.analytics.teams import team_view

    fill(db, org, questionnaire, model, org.members)  # six members, five professions: one profession twice
    whole = team_view(db, questionnaire, config, team_id=org.team_id, round_id=org.round_id, threshold=3)
    assert whole.visible and whole.spreads
    # Everyone but the two of one profession would be 4 (visible), and the rest 2: hidden all the same.
    doubled = db.execute(
        "SELECT discipline FROM users u JOIN memberships m ON m.user_id = u.id WHERE m.team_id = ?"
        " GROUP BY discipline HAVING count(*) = 2",
        [org.team_id],
    ).fetchone()[0]
    part = team_view(db, questionnaire, config, team_id=org.team_id, round_id=org.round_id, threshold=3,
                     discipline=doubled)  # fmt: skip
    assert part.n_responses == 2 and not part.visible and not part.spreads and not part.intensity
    big = team_view(db, questionnaire, config, team_id=org.team_id, round_id=org.round_id, threshold=2,
                    discipline=doubled)  # fmt: skip
    # Released at 3 and at 6 responses, the part went from one person to two: rule d hides it (every earlier
    # set counts, whether its part could be seen then or not).
    assert not big.visible and big.rest_too_small
    release_everything(db)  # a bulk load: no earlier set
    big = team_view(db, questionnaire, config, team_id=org.team_id, round_id=org.round_id, threshold=2,
                    discipline=doubled)  # fmt: skip
    assert big.visible and big.rest_too_small is False  # with threshold 2: part 2, rest 4
