"""The personal report as plain data: what the report page, the PDF and the CSV all show.

Built from one person's answers and scores (and the team means when the team is large enough); every text
is resolved in the report's language here, so the renderers only lay it out.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from scan.config import Settings
from scan.questionnaire import Questionnaire
from scan.reports.cells import csv_row
from scan.scoring import ScoringModel, strengths_and_focus, t_profile


@dataclass(frozen=True)
class RadarPoint:
    dimension_id: str
    label: str
    own: float | None
    team: float | None  # None when the team is below its threshold


@dataclass(frozen=True)
class TShape:
    profile_id: str | None
    name: str
    description: str
    advice: str
    depth: float | None
    breadth: float | None


@dataclass(frozen=True)
class IntensityLine:
    partner_id: str
    partner: str
    current: int | None
    desired: int | None
    current_label: str
    desired_label: str
    advice: str  # how to move one level up from the current level


@dataclass(frozen=True)
class ItemLine:
    item_id: str
    text: str
    dimension: str
    value: float


@dataclass(frozen=True)
class TrendPoint:
    round_name: str
    scores: Mapping[str, float]


@dataclass(frozen=True)
class ScoreLine:
    dimension_id: str
    label: str
    construct_label: str
    score: float | None


@dataclass(frozen=True)
class PersonalReport:
    lang: str
    person: str
    round_name: str
    questionnaire_version: str
    radar: tuple[RadarPoint, ...]
    t_shape: TShape
    intensity: tuple[IntensityLine, ...]
    strengths: tuple[ItemLine, ...]
    focus: tuple[ItemLine, ...]
    weakest_block: str | None
    reflection_questions: tuple[str, ...]
    trend: tuple[TrendPoint, ...]
    scores: tuple[ScoreLine, ...]
    answers: Mapping[str, int | None]
    team_shown: bool


def short_label(name: str) -> str:
    """'Identiteit: eigen expertise …' → 'Identiteit', 'Breedte (horizontale balk van de T)' → 'Breedte'."""
    return name.split(":")[0].split(" (")[0].strip()


def radar_dimensions(questionnaire: Questionnaire) -> tuple[str, ...]:
    """The radar's axes: the two bars of the T, then the four building blocks."""
    return tuple(c.id for c in questionnaire.constructs if c.kind in ("t_shape", "building_block"))


def build_personal_report(
    questionnaire: Questionnaire,
    settings: Settings,
    model: ScoringModel,
    *,
    lang: str,
    person: str,
    round_name: str,
    answers: Mapping[str, int | None],
    intensity: Mapping[str, tuple[int | None, int | None]],
    scores: Mapping[str, float],
    team_means: Mapping[str, float] | None = None,
    trend: Sequence[TrendPoint] = (),
) -> PersonalReport:
    team_means = team_means or {}
    radar = tuple(
        RadarPoint(d, short_label(questionnaire.dimension_name(d).get(lang)), scores.get(d), team_means.get(d))
        for d in radar_dimensions(questionnaire)
    )

    shape = t_profile(scores, settings.scoring)
    profile = questionnaire.t_profile(shape.profile_id) if shape.profile_id else None
    t_shape = TShape(
        profile_id=shape.profile_id,
        name=profile.name.get(lang) if profile else "",
        description=profile.description.get(lang) if profile else "",
        advice=profile.advice.get(lang) if profile else "",
        depth=shape.depth,
        breadth=shape.breadth,
    )

    levels = questionnaire.intensity
    lines = []
    for partner in levels.partner_types:
        current, desired = intensity.get(partner.id, (None, None))
        lines.append(
            IntensityLine(
                partner_id=partner.id,
                partner=partner.name.get(lang),
                current=current,
                desired=desired,
                current_label=levels.level(current).name.get(lang) if current else "",
                desired_label=levels.level(desired).name.get(lang) if desired else "",
                advice=levels.level(current).advice.get(lang) if current else "",
            )
        )

    def item_line(item_id: str, value: float) -> ItemLine:
        item = questionnaire.item(item_id)
        return ItemLine(
            item_id, item.text.get(lang), questionnaire.dimension_name(item.subdimension_id).get(lang), value
        )

    strong, weak = strengths_and_focus(model, answers)
    blocks = [c for c in questionnaire.building_blocks if c.id in scores]
    weakest = min(blocks, key=lambda c: scores[c.id]) if blocks else None

    score_lines = tuple(
        ScoreLine(
            dimension_id=d,
            label=questionnaire.dimension_name(d).get(lang),
            construct_label=questionnaire.construct(_construct_of(questionnaire, d)).name.get(lang),
            score=scores.get(d),
        )
        for d in questionnaire.dimension_ids()
    )
    return PersonalReport(
        lang=lang,
        person=person,
        round_name=round_name,
        questionnaire_version=questionnaire.version,
        radar=radar,
        t_shape=t_shape,
        intensity=tuple(lines),
        strengths=tuple(item_line(s.item_id, s.value) for s in strong),
        focus=tuple(item_line(s.item_id, s.value) for s in weak),
        weakest_block=weakest.name.get(lang) if weakest else None,
        reflection_questions=tuple(q.text.get(lang) for q in weakest.reflection_questions) if weakest else (),
        trend=tuple(trend),
        scores=score_lines,
        answers=dict(answers),
        team_shown=bool(team_means),
    )


def _construct_of(questionnaire: Questionnaire, dimension_id: str) -> str:
    for construct in questionnaire.constructs:
        if construct.id == dimension_id or any(s.id == dimension_id for s in construct.subdimensions):
            return construct.id
    raise KeyError(dimension_id)


def personal_csv(report: PersonalReport, questionnaire: Questionnaire) -> bytes:
    """The person's own answers and scores, one row each, readable in a spreadsheet (UTF-8 with BOM)."""
    rows: list[list] = [["kind", "id", "text", "value"]]
    for item in questionnaire.items:
        if item.id in report.answers:
            value = report.answers[item.id]
            rows.append(["answer", item.id, item.text.get(report.lang), "n.v.t." if value is None else value])
    for line in report.scores:
        if line.score is not None:
            rows.append(["score", line.dimension_id, line.label, f"{line.score:.2f}"])
    for line in report.intensity:
        if line.current or line.desired:
            rows.append(["intensity_current", line.partner_id, line.partner, line.current or ""])
            rows.append(["intensity_desired", line.partner_id, line.partner, line.desired or ""])
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(csv_row(row) for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")
