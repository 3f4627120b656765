"""The disclosure rules: which figures of a group may be shown, and how exactly. Every group figure passes here.

a. A group's mean shows from its threshold, counted per dimension (the scores present), not per response.
b. Its spread (sd) shows only from the spread threshold, rounded; a group's lowest and highest value never show.
   With one's own score, mean, lowest and highest of three people give both others' scores; so do mean and sd.
c. Rows hidden together hold 0 or at least the threshold (``hide_small_groups``): otherwise a shown total minus
   the shown rows gives a small group away. The values of a filter (the professions) are rows too: they partition
   a population, and ``shown_parts`` chooses the values whose figures may show so that the population minus all
   shown parts is 0 or at least the threshold; a value hidden there is hidden on every page for that population.
   Checking one filter value at a time is not enough: in a team of 5 + 5 + 2 each part leaves a rest of 7, and
   the whole minus both parts of five leaves the two.
d. Over time a group's figures are those of its released set only (``next_releases`` decides, store.released
   keeps the sets: they change by 0 or at least the threshold responses at a time), and while that set holds a
   deleted response they are withheld (``ReleaseState``): otherwise two moments' means give away who came or
   went in between. A release moves the whole set by at least the threshold, but one profession's part of it can
   move by a single response (three arrive: two of one profession, one of another), and the part's figures
   before and after give that person's score. So ``shown_parts`` also takes how the population's parts changed
   since each earlier released set (``PartChange``; release_history keeps them all): a part shows only when it
   changed by 0 or at least the step since every one of them, and the hidden parts together likewise (else the
   whole's change minus the shown parts' changes isolates the rest's). Every earlier set counts, seen or not:
   that needs no record of what was shown when.

The thresholds are settings (data/settings.yaml, ``privacy``); nothing outside analytics reads them to decide.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from scan.config import PrivacySettings, Settings, settings
from scan.scoring import summary_from_moments


@dataclass(frozen=True)
class GroupFigure:
    """One dimension of a group that may be shown: its mean, and its spread where rule b allows it."""

    dimension: str
    n: int  # the scores present for this dimension
    mean: float
    sd: float | None  # None below the spread threshold (or for a single score); rounded


@dataclass(frozen=True)
class ReleaseState:
    """Rule d for one group: its current responses against its released set (ids, never shown)."""

    current: frozenset[int]
    released: frozenset[int]

    @property
    def shown(self) -> frozenset[int]:
        """The responses the group's figures are computed from."""
        return self.released & self.current

    @property
    def waiting(self) -> int:
        """How many responses came or went since the last release: a count, not who."""
        return len(self.current ^ self.released)

    @property
    def withheld(self) -> bool:
        """The released set holds a deleted response: no figure until the next release, for the figures without
        it would differ from the shown ones by fewer than the threshold."""
        return bool(self.released - self.current)


def group_figure(
    dimension: str, n: int, total: float, total_sq: float, *, threshold: int, privacy: PrivacySettings
) -> GroupFigure | None:
    """Rules a and b for one dimension of one group, from its moments (n, Σx, Σx²); None: hidden."""
    if n < threshold or n == 0:
        return None
    summary = summary_from_moments(n, total, total_sq)
    sd = None
    if n >= privacy.spread_threshold and summary.sd is not None:
        sd = round(summary.sd, privacy.spread_decimals)
    return GroupFigure(dimension, n, summary.mean, sd)


def figures_from_scores(
    per_person: Iterable[Mapping[str, float]], *, threshold: int, privacy: PrivacySettings
) -> dict[str, GroupFigure]:
    """Each dimension of a group whose scores present reach the threshold, from the members' scores."""
    moments: dict[str, list[float]] = {}
    for scores in per_person:
        for dimension, value in scores.items():
            held = moments.setdefault(dimension, [0, 0.0, 0.0])
            held[0] += 1
            held[1] += value
            held[2] += value * value
    figures = {
        dimension: group_figure(dimension, int(n), total, total_sq, threshold=threshold, privacy=privacy)
        for dimension, (n, total, total_sq) in moments.items()
    }
    return {d: f for d, f in figures.items() if f is not None}


def widest_disagreements(figures: Mapping[str, GroupFigure], n: int = 3) -> list[GroupFigure]:
    """The n dimensions where the group differs most (largest sd), among those whose spread may show."""
    with_sd = [f for f in figures.values() if f.sd is not None]
    return sorted(with_sd, key=lambda f: -f.sd)[:n]


def hide_small_groups(sizes: Sequence[int], threshold: int, forced: Sequence[bool] | None = None) -> list[bool]:
    """Rule c: which rows to hide (``forced``: hidden for another reason). The hidden rows together hold 0 or at
    least ``threshold``: the smallest shown rows are hidden as well until they do."""
    hidden = [n < threshold or bool(forced and forced[k]) for k, n in enumerate(sizes)]
    while 0 < sum(n for n, h in zip(sizes, hidden, strict=True) if h) < threshold:
        shown = [(n, k) for k, (n, h) in enumerate(zip(sizes, hidden, strict=True)) if not h]
        if not shown:
            break
        hidden[min(shown)[1]] = True
    return hidden


@dataclass(frozen=True)
class PartChange:
    """How a population's released set changed between an earlier released set and now, per part (profession):
    the responses that came or went. A deleted response's profession is gone with it (``unknown``): it may have
    been in any part, so a part counts as unchanged only when nothing unknown changed either."""

    known: Mapping[str | None, int]
    unknown: int = 0

    def apart(self, amount: int, step: int) -> bool:
        """A part (or the hidden parts together) that changed by ``amount`` known responses is 0 or at least
        ``step`` away from the earlier set, whichever parts the unknown ones were in."""
        return amount >= step or amount + self.unknown == 0


def part_changes(
    now: frozenset[int], earlier: Iterable[frozenset[int]], part_of: Mapping[int, str | None], current: Collection[int]
) -> list[PartChange]:
    """How the released set ``now`` differs from each ``earlier`` one, per part. ``part_of``: the part of each
    response that counts (a dimension's figures: those with a score for it); ``current``: every response still
    stored, so that one that is neither counted nor current is a deleted one, of an unknown part."""
    changes = []
    for before in earlier:
        moved = now ^ before
        known = Counter(part_of[r] for r in moved if r in part_of)
        changes.append(PartChange(known, sum(1 for r in moved if r not in current)))
    return changes


def _hide_until_apart(keys: Sequence[str | None], change: PartChange, step: int, hidden: set[str | None]) -> None:
    """Rule d for the parts: hide those that changed by 1 .. step-1, then the shown part that changed least (but
    did change) until the hidden parts together changed by 0 or at least ``step``."""
    hidden.update(k for k in keys if not change.apart(change.known.get(k, 0), step))
    while not change.apart(sum(change.known.get(k, 0) for k in hidden), step):
        moved = [(change.known.get(k, 0), str(k), k) for k in keys if k not in hidden and change.known.get(k, 0)]
        if not moved:
            break
        hidden.add(min(moved)[2])


def shown_parts(
    parts: Mapping[str | None, int],
    threshold: int,
    *,
    changes: Sequence[PartChange] = (),
    step: int = 1,
    hidden: Iterable[str | None] = (),
) -> frozenset[str]:
    """Rules c and d over one filter: the values whose figures may show for a population that ``parts`` divides
    (value → responses, or scores present for one dimension; None: those without a value, never shown on their
    own). ``hidden``: values hidden for another reason (the population itself, a wider one). Every shown part
    holds at least ``threshold`` and changed by 0 or at least ``step`` since each earlier set (``changes``); the
    hidden parts together hold 0 or at least ``threshold`` and changed by 0 or at least ``step``. Hiding a part
    that satisfies all this never breaks it for the others, so the rules are applied in turn until none hides
    more."""
    keys = sorted({*parts, *(k for c in changes for k in c.known)}, key=lambda k: (k is not None, str(k)))
    held: set[str | None] = {None, *hidden}
    sizes = [parts.get(k, 0) for k in keys]
    while True:
        before = set(held)
        small = hide_small_groups(sizes, threshold, [k in held for k in keys])
        held.update(k for k, h in zip(keys, small, strict=True) if h)
        for change in changes:
            _hide_until_apart(keys, change, step, held)
        if held == before:
            return frozenset(k for k in keys if k is not None and k not in held)


def export_threshold(asked: int | None, settings: Settings) -> int:
    """The smallest group a command-line export shows: the size asked for, else the cross-team threshold (an export
    holds the groups of a whole organisation side by side, as the director's views do)."""
    return asked if asked is not None else settings.privacy.cross_team_threshold


# ---- d. over time -----------------------------------------------------------------------------------------

AUDIENCES = ("team", "board")  # the team's own views; every cross-team view


def release_steps(privacy: PrivacySettings | None = None) -> dict[str, int]:
    """How many responses the released set of each audience changes by at least: its threshold."""
    privacy = privacy or settings().privacy
    return {"team": privacy.team_threshold, "board": privacy.cross_team_threshold}


def _apart(first: frozenset[int], second: frozenset[int], step: int) -> bool:
    """Two sets whose figures may both be seen: the same, or at least ``step`` responses apart."""
    differ = len(first ^ second)
    return differ == 0 or differ >= step


def next_releases(
    states: Sequence[frozenset[int]], released: frozenset[int], shown_before: Sequence[frozenset[int]], step: int
) -> list[frozenset[int]]:
    """The sets a group is released as, in order, while its responses pass through ``states``: a state is
    released when it differs from the released set by at least ``step`` and from every set shown before by 0
    or at least ``step`` (two steps of k can end k-1 or fewer apart: delete one of three, add one, with a
    larger set in between). ``shown_before`` includes the empty set: a team's emptiness shows in its
    location's figures."""
    shown, after, new_sets = list(shown_before), released, []
    for state in states:
        if len(state ^ after) >= step and all(_apart(state, earlier, step) for earlier in shown):
            after = frozenset(state)
            shown.append(after)
            new_sets.append(after)
    return new_sets
