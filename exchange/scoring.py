"""Scoring an assessment against its rubric tree, and combining several assessors.

Every node of the tree has a range ``low..high`` and a value within it:

* a leaf's value is its score (a number, or the number its level name maps to),
  within ``min_score..max_score``;
* ``combine="mean"`` (the default): the weighted mean of the children's *shares*
  of their ranges, as 0–100;
* ``combine="sum"``: the weighted sum of the children's values (points), with
  range the weighted sums of their lows and highs;
* ``combine="min"``: the smallest child share, as 0–100 (weights do not matter).

The rubric's top-level criteria combine by weighted mean, so the total runs from
0 to 100 — unless the rubric has a single top criterion, whose own range and
value are the total (wrap criteria in one ``combine="sum"`` root for a points
rubric out of, say, 100 points). The total is rounded to 4 places, then the
highest band whose ``min_total`` it reaches gives the grade. Every combination is
monotone in every leaf, so raising one score never lowers the total.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal

import attrs

from .enums import Grade
from .errors import InvalidRecord
from .i18n import joined, message
from .models import Criterion, Rubric

PLACES = 4
"""Totals are rounded to this many decimal places before grading."""

SHOWN = Decimal("0.01")
"""Totals and scores are shown to hundredths, everywhere (:func:`shown`)."""


def shown(value: float) -> Decimal:
    """A total or score as messages and reports show it: to hundredths, an exact half
    rounded up (89.125 → 89.13), as the grade bands read the total kept to 4 places."""
    return Decimal(repr(value)).quantize(SHOWN, rounding=ROUND_HALF_UP)


@attrs.frozen
class Node:
    """A criterion's computed value and range."""

    key: str
    name: str
    value: float
    low: float
    high: float
    children: tuple[Node, ...] = ()

    @property
    def share(self) -> float:
        """Where the value lies in the range, 0–1."""
        return (self.value - self.low) / (self.high - self.low)


@attrs.frozen
class Result:
    """The outcome of scoring one set of scores."""

    total: float
    grade: Grade
    low: float
    """The smallest total the rubric allows."""
    high: float
    """The largest total the rubric allows."""
    nodes: tuple[Node, ...]


def leaf_value(criterion: Criterion, raw: float | str) -> float:
    """The number a leaf's score stands for; refuses scores off the scale and unknown levels."""
    if isinstance(raw, str):
        levels = dict(criterion.levels)
        if raw not in levels:
            known = "、".join(levels) or "none (score it with a number)"
            raise InvalidRecord(
                message(
                    "{criterion_name} ({key}) has no level {raw!r}; levels: {known}",
                    criterion_name=criterion.name,
                    key=criterion.key,
                    raw=raw,
                    known=known,
                )
            )
        return float(levels[raw])
    if not criterion.min_score <= raw <= criterion.max_score:
        raise InvalidRecord(
            message(
                "score {raw:g} for {criterion_name} ({key}) is off its scale "
                "{min_score:g}–{max_score:g}",
                raw=raw,
                criterion_name=criterion.name,
                key=criterion.key,
                min_score=criterion.min_score,
                max_score=criterion.max_score,
            )
        )
    return float(raw)


def _combine(
    how: str, weights: Sequence[float], nodes: Sequence[Node]
) -> tuple[float, float, float]:
    """(value, low, high) of a parent from its children."""
    if how == "sum":
        value = sum(w * n.value for w, n in zip(weights, nodes, strict=True))
        low = sum(w * n.low for w, n in zip(weights, nodes, strict=True))
        high = sum(w * n.high for w, n in zip(weights, nodes, strict=True))
        return value, low, high
    if how == "min":
        return 100 * min(n.share for n in nodes), 0.0, 100.0
    mean = sum(w * n.share for w, n in zip(weights, nodes, strict=True)) / sum(weights)
    return 100 * mean, 0.0, 100.0


def _node(criterion: Criterion, scores: Mapping[str, float | str]) -> Node:
    if not criterion.children:
        value = leaf_value(criterion, scores[criterion.key])
        return Node(criterion.key, criterion.name, value, criterion.min_score, criterion.max_score)
    children = tuple(_node(child, scores) for child in criterion.children)
    weights = [child.weight for child in criterion.children]
    value, low, high = _combine(criterion.combine, weights, children)
    return Node(criterion.key, criterion.name, value, low, high, children)


def check_scores(rubric: Rubric, scores: Mapping[str, float | str]) -> None:
    """Every leaf scored, nothing else scored."""
    leaves = {leaf.key for leaf in rubric.leaves()}
    unknown, missing = sorted(set(scores) - leaves), sorted(leaves - set(scores))
    problems = [message("unknown criteria {unknown}", unknown=unknown)] * bool(unknown) + [
        message("missing criteria {missing}", missing=missing)
    ] * bool(missing)
    if problems:
        raise InvalidRecord(
            message(
                "scores do not match rubric {name!r} v{version}: {problems}",
                name=rubric.name,
                version=rubric.version,
                problems=joined("; ", problems),
            )
        )


def _score(rubric: Rubric, scores: Mapping[str, float | str]) -> Node:
    nodes = tuple(_node(c, scores) for c in rubric.criteria)
    if len(nodes) == 1:
        return nodes[0]
    total, low, high = _combine("mean", [c.weight for c in rubric.criteria], nodes)
    return Node("", rubric.name, total, low, high, nodes)


def evaluate(rubric: Rubric, scores: Mapping[str, float | str]) -> Result:
    """Score ``scores`` (leaf key → number or level name) against ``rubric``."""
    check_scores(rubric, scores)
    root = _score(rubric, scores)
    total = min(max(round(root.value, PLACES), root.low), root.high)
    nodes = root.children if root.key == "" else (root,)
    return Result(
        total=total, grade=grade_for(rubric, total), low=root.low, high=root.high, nodes=nodes
    )


def bounds(rubric: Rubric) -> tuple[float, float]:
    """The lowest and highest totals ``rubric`` allows."""
    root = _score(rubric, {leaf.key: leaf.min_score for leaf in rubric.leaves()})
    return root.low, root.high


def grade_for(rubric: Rubric, total: float) -> Grade:
    """The grade of the highest band whose ``min_total`` the total reaches."""
    reached = [band for band in rubric.bands if total >= band.min_total]
    if not reached:
        lowest = min(band.min_total for band in rubric.bands)
        raise InvalidRecord(
            message(
                "rubric {rubric_name!r}: a total of {total:g} is below every grade "
                "band (the lowest starts at {lowest:g})",
                rubric_name=rubric.name,
                total=total,
                lowest=lowest,
            )
        )
    return max(reached, key=lambda band: band.min_total).grade


def check_bands(rubric: Rubric) -> None:
    """Bands are distinct and every possible total falls in one."""
    cuts = [band.min_total for band in rubric.bands]
    if not cuts:
        raise InvalidRecord(
            message("rubric {rubric_name!r} has no grade bands", rubric_name=rubric.name)
        )
    if len(set(cuts)) != len(cuts) or len({b.grade for b in rubric.bands}) != len(cuts):
        raise InvalidRecord(
            message(
                "rubric {rubric_name!r}: grade bands must differ in grade and cut",
                rubric_name=rubric.name,
            )
        )
    low, _ = bounds(rubric)
    if min(cuts) > low:
        raise InvalidRecord(
            message(
                "rubric {rubric_name!r}: the lowest band starts at {min:g}, but "
                "totals can be as low as {low:g}; add a band from {low:g}",
                rubric_name=rubric.name,
                min=min(cuts),
                low=low,
            )
        )


def combined(results: Sequence[Result], rubric: Rubric, *, how: str = "mean") -> Result:
    """Several assessors' results for one target and period, combined by ``mean`` or ``median``."""
    if not results:
        raise InvalidRecord(message("there are no assessments to combine"))
    if how not in ("mean", "median"):
        raise InvalidRecord(message("combine assessors by mean or median, not {how!r}", how=how))
    import statistics  # here: with fractions and random, a few ms of every command's start

    totals = [r.total for r in results]
    pick = statistics.fmean if how == "mean" else statistics.median
    total = round(pick(totals), PLACES)
    first = results[0]
    return Result(
        total=total, grade=grade_for(rubric, total), low=first.low, high=first.high, nodes=()
    )
