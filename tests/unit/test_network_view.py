"""The network page's read model on small hand-made teams in a real DuckDB file: which profession groups the picture
shows, the viewer's own network, the measures from the team threshold, names only when everyone agreed."""

from __future__ import annotations

import uuid
from dataclasses import astuple, replace

import pytest

from scan.analytics.network_view import ProfessionGroup, network_view, profession_groups
from scan.network import Member, Tie, network_metrics
from scan.store.org import add_team, add_user
from scan.store.responses import Submission, submit
from scan.store.responses import Tie as StatedTie
from tests.helpers import full_answers

ORDER = ["leerkracht", "pedagogisch_medewerker", "onderwijsassistent", "intern_begeleider", "jeugdhulp"]


def team_of(db, org, *disciplines: str) -> tuple[int, list[int]]:
    """A new team of the organisation with one member per profession given, named 'Persoon 0', 'Persoon 1', …"""
    team_id = add_team(db, org.location_id, f"Team {uuid.uuid4().hex[:6]}")
    people = [
        add_user(db, organisation_id=org.organisation_id, display_name=f"Persoon {k}", discipline=d, team_ids=[team_id])
        for k, d in enumerate(disciplines)
    ]
    return team_id, people


def answer(db, org, questionnaire, model, team_id, person, asks=(), works_with=(), agreed=False):
    ties = [StatedTie(c, 3, True) for c in asks] + [StatedTie(c, 2, False) for c in works_with]
    submission = Submission(str(uuid.uuid4()), person, team_id, org.round_id, full_answers(questionnaire), ties=ties,
                            network_names_agreed=agreed)  # fmt: skip
    submit(db, questionnaire, model, submission)


def test_a_lone_intern_begeleider_never_gets_a_row_or_column_of_their_own(db, org, questionnaire, model, config):
    team_id, (ib, *teachers) = team_of(db, org, "intern_begeleider", *["leerkracht"] * 4)
    for k, teacher in enumerate(teachers):
        answer(db, org, questionnaire, model, team_id, teacher, asks=[ib, teachers[(k + 1) % 4]])
    answer(db, org, questionnaire, model, team_id, ib, asks=teachers[:2])

    view = network_view(db, config, viewer_user_id=teachers[0], team_id=team_id, round_id=org.round_id)
    assert view.shown and view.respondents == 5 and view.metrics.ties == 10
    # The intern begeleider alone would be a row of one person; merged with the teachers, one group is left, whose
    # only cell is the total number of ties: no picture at all.
    assert view.groups == () and view.matrix == ()
    assert view.sociogram is None


def test_merge_rule():
    assert profession_groups({"leerkracht": 4, "intern_begeleider": 1}, ORDER, 3) == ()
    # A profession of exactly 3 keeps its own group; the smaller ones are merged (3 together).
    assert profession_groups(
        {"intern_begeleider": 2, "leerkracht": 4, "jeugdhulp": 1, "pedagogisch_medewerker": 3}, ORDER, 3
    ) == (
        ProfessionGroup(("leerkracht",), 4, False),
        ProfessionGroup(("pedagogisch_medewerker",), 3, False),
        ProfessionGroup(("intern_begeleider", "jeugdhulp"), 3, True),
    )
    # Merged, 2 are still too few: the smallest profession joins them (of equal sizes, the later one).
    assert profession_groups(
        {"leerkracht": 4, "pedagogisch_medewerker": 3, "onderwijsassistent": 3, "jeugdhulp": 2}, ORDER, 3
    ) == (  # fmt: skip
        ProfessionGroup(("leerkracht",), 4, False),
        ProfessionGroup(("pedagogisch_medewerker",), 3, False),
        ProfessionGroup(("onderwijsassistent", "jeugdhulp"), 5, True),
    )
    # Respondents without a profession are never a group of their own; two professions of 3 need no merging.
    assert profession_groups({"": 3, "leerkracht": 3}, ORDER, 3) == (
        ProfessionGroup(("leerkracht",), 3, False),
        ProfessionGroup(("",), 3, True),
    )
    assert profession_groups({"jeugdhulp": 3, "leerkracht": 3}, ORDER, 3) == (
        ProfessionGroup(("leerkracht",), 3, False),
        ProfessionGroup(("jeugdhulp",), 3, False),
    )
    assert profession_groups({"leerkracht": 6}, ORDER, 3) == ()


def test_the_picture_counts_support_ties_between_groups_and_the_measures_are_unchanged(
    db, org, questionnaire, model, config
):
    professions = ["leerkracht"] * 3 + ["pedagogisch_medewerker"] * 3 + ["jeugdhulp", "intern_begeleider",
                                                                        "onderwijsassistent"]  # fmt: skip
    team_id, people = team_of(db, org, *professions)
    t1, t2, t3, p1, p2, p3, jh, ib, oa = people
    asks = {t1: [t2, p1, ib], t2: [t1], t3: [jh], p1: [p2, t1], p2: [], p3: [oa, ib], jh: [t1], ib: [jh, oa], oa: [p3]}
    for person, named in asks.items():
        answer(db, org, questionnaire, model, team_id, person, asks=named, works_with=[t3] if person == t1 else [])

    view = network_view(db, config, viewer_user_id=t1, team_id=team_id, round_id=org.round_id)
    assert [(g.disciplines, g.respondents, g.merged) for g in view.groups] == [
        (("leerkracht",), 3, False),
        (("pedagogisch_medewerker",), 3, False),
        (("onderwijsassistent", "intern_begeleider", "jeugdhulp"), 3, True),
    ]
    # Rows ask, columns are asked: L→L t1→t2, t2→t1; L→P t1→p1; L→O t1→ib, t3→jh; P→L p1→t1; P→P p1→p2;
    # P→O p3→oa, p3→ib; O→L jh→t1; O→P oa→p3; O→O ib→jh, ib→oa.
    assert view.matrix == ((2, 1, 2), (1, 1, 2), (1, 1, 2))
    members = [Member(p, d) for p, d in zip(people, professions, strict=True)]
    expected = network_metrics(members, [Tie(s, t, 3, True) for s, named in asks.items() for t in named])
    assert astuple(view.metrics) == pytest.approx(astuple(expected))


def test_the_own_network_names_whom_one_asks_and_counts_who_ask_one(db, org, questionnaire, model, config):
    team_id, (me, a, b, c, absent) = team_of(
        db, org, "leerkracht", "leerkracht", "jeugdhulp", "leerkracht", "intern_begeleider"
    )
    answer(db, org, questionnaire, model, team_id, me, asks=[b, a, absent], works_with=[c])
    answer(db, org, questionnaire, model, team_id, a, asks=[me])
    answer(db, org, questionnaire, model, team_id, b, asks=[me], works_with=[a])
    answer(db, org, questionnaire, model, team_id, c, works_with=[me])

    view = network_view(db, config, viewer_user_id=me, team_id=team_id, round_id=org.round_id)
    # Whom I ask, as I answered it (also a colleague who did not take part); working together is not asking.
    assert view.ego.named == ("Persoon 1", "Persoon 2", "Persoon 4")
    assert view.ego.named_by == 2
    assert network_view(db, config, viewer_user_id=c, team_id=team_id, round_id=org.round_id).ego.named == ()
    # Someone who did not answer in this round has no own network in it.
    assert network_view(db, config, viewer_user_id=absent, team_id=team_id, round_id=org.round_id).ego is None


def test_below_the_team_threshold_only_the_count_and_ones_own_choices_show(db, org, questionnaire, model, config):
    team_id, (me, other) = team_of(db, org, "leerkracht", "jeugdhulp")
    answer(db, org, questionnaire, model, team_id, me, asks=[other], agreed=True)
    answer(db, org, questionnaire, model, team_id, other, asks=[me], agreed=True)

    view = network_view(db, config, viewer_user_id=me, team_id=team_id, round_id=org.round_id)
    assert (view.respondents, view.threshold, view.shown) == (2, 3, False)
    assert view.metrics is None and view.groups == () and view.matrix == () and view.sociogram is None
    # With two respondents, "1 colleague named you" would say that the other one did.
    assert view.ego.named == ("Persoon 1",) and view.ego.named_by is None

    lower = replace(config, privacy=replace(config.privacy, team_threshold=2))
    assert network_view(db, lower, viewer_user_id=me, team_id=team_id, round_id=org.round_id).shown


@pytest.mark.parametrize("everyone", [True, False])
def test_names_show_only_when_every_respondent_agreed(db, org, questionnaire, model, config, everyone):
    team_id, people = team_of(db, org, "leerkracht", "leerkracht", "leerkracht", "jeugdhulp", "intern_begeleider")
    for k, person in enumerate(people):
        agreed = everyone or k != 3
        answer(db, org, questionnaire, model, team_id, person, asks=[people[(k + 1) % 5]], agreed=agreed)

    view = network_view(db, config, viewer_user_id=people[0], team_id=team_id, round_id=org.round_id)
    if not everyone:
        assert view.sociogram is None
        return
    nodes = view.sociogram.nodes
    assert sorted(n.name for n in nodes) == [f"Persoon {k}" for k in range(5)]
    assert [n.name for n in nodes if n.is_viewer] == ["Persoon 0"]
    assert all(n.asked == 1 for n in nodes) and len(view.sociogram.edges) == 5
    assert not any(e.mutual for e in view.sociogram.edges)
    # The layout is computed in the read model, the same every time.
    again = network_view(db, config, viewer_user_id=people[0], team_id=team_id, round_id=org.round_id)
    assert again.sociogram == view.sociogram
