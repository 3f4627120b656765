"""Pure scoring: answers in, scores, profiles and gaps out. No I/O, no Streamlit, no database.

One implementation serves a single respondent (submit, guest scan) and millions (demo, benchmark):
``score_matrix`` works on a respondents × items matrix, ``score_answers`` is that for one row.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from scan.config import ScoringSettings
from scan.questionnaire import Questionnaire

BLIND_SPOT = "blind_spot"
HIDDEN_STRENGTH = "hidden_strength"


@dataclass(frozen=True)
class ScoringModel:
    """The questionnaire reduced to what scoring needs: item order, reverse flags and membership matrices."""

    item_ids: tuple[str, ...]
    reverse: np.ndarray  # per item
    subdimension_ids: tuple[str, ...]
    construct_ids: tuple[str, ...]
    item_membership: np.ndarray  # items × sub-dimensions, 1 where the item belongs to the sub-dimension
    subdimension_membership: np.ndarray  # sub-dimensions × constructs
    scale_min: int
    scale_max: int
    min_answered_ratio: float

    @classmethod
    def from_questionnaire(cls, questionnaire: Questionnaire, settings: ScoringSettings) -> ScoringModel:
        items = questionnaire.items
        subdimensions = questionnaire.subdimensions
        item_membership = np.array([[float(i.subdimension_id == s.id) for s in subdimensions] for i in items])
        sub_membership = np.array(
            [[float(s.construct_id == c.id) for c in questionnaire.constructs] for s in subdimensions]
        )
        return cls(
            item_ids=tuple(item.id for item in items),
            reverse=np.array([item.reverse for item in items], dtype=bool),
            subdimension_ids=tuple(sub.id for sub in subdimensions),
            construct_ids=tuple(c.id for c in questionnaire.constructs),
            item_membership=item_membership,
            subdimension_membership=sub_membership,
            scale_min=questionnaire.scale.min,
            scale_max=questionnaire.scale.max,
            min_answered_ratio=settings.min_answered_ratio,
        )

    @property
    def dimension_ids(self) -> tuple[str, ...]:
        return self.subdimension_ids + self.construct_ids

    def to_matrix(self, answers: Mapping[str, int | None]) -> np.ndarray:
        """One respondent's answers as a 1 × items row; unanswered and 'not applicable' are NaN."""
        return np.array([[np.nan if answers.get(i) is None else answers[i] for i in self.item_ids]], dtype=float)


def oriented(model: ScoringModel, values: np.ndarray) -> np.ndarray:
    """Reverse-scored items flipped (min + max − value), so that higher is always stronger."""
    return np.where(model.reverse, model.scale_min + model.scale_max - values, values)


def score_matrix(model: ScoringModel, values: np.ndarray) -> np.ndarray:
    """Scores for every respondent (row) and dimension (sub-dimensions, then constructs); NaN = absent.

    A sub-dimension's score is the mean of its answered items, present only when at least
    ``min_answered_ratio`` of its items are answered. A construct's score is the mean of its
    sub-dimension scores, present only when all of them are present.
    """
    values = np.asarray(values, dtype=float)
    answered = ~np.isnan(values)
    flipped = np.where(answered, oriented(model, values), 0.0)
    totals = flipped @ model.item_membership
    counts = answered.astype(float) @ model.item_membership
    sizes = model.item_membership.sum(axis=0)
    # A tiny tolerance so that 3 of 4 counts as 75% whatever the float rounding of the ratio.
    enough = (counts >= model.min_answered_ratio * sizes - 1e-9) & (counts > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        sub_scores = np.where(enough, totals / counts, np.nan)
    present = ~np.isnan(sub_scores)
    n_present = present.astype(float) @ model.subdimension_membership
    n_needed = model.subdimension_membership.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        construct_scores = np.where(
            n_present == n_needed,
            np.where(present, sub_scores, 0.0) @ model.subdimension_membership / n_needed,
            np.nan,
        )
    return np.hstack([sub_scores, construct_scores])


def score_answers(model: ScoringModel, answers: Mapping[str, int | None]) -> dict[str, float]:
    """One respondent's scores, only the dimensions that are present."""
    row = score_matrix(model, model.to_matrix(answers))[0]
    return {dim: float(score) for dim, score in zip(model.dimension_ids, row, strict=True) if not math.isnan(score)}


@dataclass(frozen=True)
class TProfileResult:
    profile_id: str | None
    depth: float | None
    breadth: float | None


def t_profile(scores: Mapping[str, float], settings: ScoringSettings) -> TProfileResult:
    """Depth is the T's vertical bar, breadth its horizontal bar; the shape follows from both."""
    depth, breadth = scores.get("t_vertical"), scores.get("t_horizontal")
    if depth is None or breadth is None:
        return TProfileResult(None, depth, breadth)
    deep = depth >= settings.depth_threshold
    broad = breadth >= settings.breadth_threshold
    if deep and broad:
        profile = "t_shaped"
    elif deep:
        profile = "i_shaped"
    elif broad:
        profile = "generalist"
    else:
        profile = "developing"
    return TProfileResult(profile, depth, breadth)


@dataclass(frozen=True)
class IntensityResult:
    partner_type: str
    current: int | None
    desired: int | None

    @property
    def gap(self) -> int | None:
        if self.current is None or self.desired is None:
            return None
        return self.desired - self.current


def intensity_results(
    partner_types: Sequence[str], answers: Mapping[str, tuple[int | None, int | None]]
) -> list[IntensityResult]:
    """Current against desired level per partner type, in the questionnaire's order."""
    return [IntensityResult(p, *answers.get(p, (None, None))) for p in partner_types]


@dataclass(frozen=True)
class ItemScore:
    item_id: str
    value: float


def strengths_and_focus(
    model: ScoringModel, answers: Mapping[str, int | None], n: int = 3
) -> tuple[list[ItemScore], list[ItemScore]]:
    """The n strongest and the n weakest answered items (reverse items flipped); no item in both lists.

    Ties keep the questionnaire order, so the result is stable for the same answers.
    """
    row = oriented(model, model.to_matrix(answers))[0]
    answered = [
        ItemScore(item_id, float(v)) for item_id, v in zip(model.item_ids, row, strict=True) if not math.isnan(v)
    ]
    strongest = sorted(answered, key=lambda s: -s.value)[:n]
    taken = {s.item_id for s in strongest}
    weakest = [s for s in sorted(answered, key=lambda s: s.value) if s.item_id not in taken][:n]
    return strongest, weakest


@dataclass(frozen=True)
class SelfTeamGap:
    dimension: str
    self_score: float
    team_mean: float
    kind: str | None

    @property
    def difference(self) -> float:
        return self.self_score - self.team_mean


def self_team_gaps(
    self_scores: Mapping[str, float],
    team_means: Mapping[str, float],
    scale_range: int,
    settings: ScoringSettings,
) -> list[SelfTeamGap]:
    """Blind spot: self higher than the team by more than a third of the scale range; hidden strength: lower."""
    limit = settings.gap_share_of_range * scale_range
    gaps = []
    for dim, own in self_scores.items():
        if dim not in team_means:
            continue
        diff = own - team_means[dim]
        kind = BLIND_SPOT if diff > limit else HIDDEN_STRENGTH if diff < -limit else None
        gaps.append(SelfTeamGap(dim, own, team_means[dim], kind))
    return gaps


@dataclass(frozen=True)
class Summary:
    n: int
    mean: float
    sd: float | None


def summary_from_moments(n: int, total: float, total_sq: float) -> Summary:
    """Mean and sample sd from n, Σx and Σx², the form in which the store keeps team aggregates."""
    mean = total / n
    if n < 2:
        return Summary(n, mean, None)
    variance = max((total_sq - total * total / n) / (n - 1), 0.0)
    return Summary(n, mean, math.sqrt(variance))
