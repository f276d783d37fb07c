"""Rubrics (weighted criteria and grade bands) and the assessments made against them."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

import attrs

from .. import fields
from ..enums import Grade, Target
from ..errors import InvalidRecord
from ..i18n import message
from .base import Record

COMBINE = ("mean", "sum", "min")
"""How a criterion's sub-criteria combine: weighted mean of their shares of their
ranges (0–100), weighted sum of their points, or the minimum share (0–100)."""


def _number(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, int | float) and math.isfinite(value)


def _positive(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not _number(value) or not value > 0:
        raise InvalidRecord(
            message(
                "criterion {criterion}: {field} must be a positive number, not {value!r}",
                criterion=getattr(instance, "key", "?"),
                field=attribute.name,
                value=value,
            )
        )


def _finite(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not _number(value):
        raise InvalidRecord(
            message(
                "{attribute_name} must be a finite number, not {value!r}",
                attribute_name=attribute.name,
                value=value,
            )
        )


def _as_tuple(values: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(values)


def _to_levels(values: Any) -> Any:
    if isinstance(values, Mapping):
        values = values.items()
    try:
        return tuple((str(label).strip(), value) for label, value in values)
    except (TypeError, ValueError):
        raise InvalidRecord(
            message("levels must map labels to numbers, not {values!r}", values=values)
        ) from None


@attrs.frozen(kw_only=True)
class Criterion:
    """One weighted criterion of a rubric (考核评价指标); may have sub-criteria."""

    key: str = fields.name()
    """Short identifier used in scores, e.g. ``teaching``."""
    name: str = fields.name()
    """For example 教学成果."""
    weight: float = attrs.field(default=1.0, validator=_positive)
    """Relative weight among its siblings (> 0)."""
    max_score: float = attrs.field(default=100.0, validator=_finite)
    """A leaf's scores run from ``min_score`` to this."""
    min_score: float = attrs.field(default=0.0, validator=_finite)
    levels: tuple[tuple[str, float], ...] = attrs.field(default=(), converter=_to_levels)
    """Named levels a leaf may be scored with instead of a number, e.g.
    ``{"优秀": 95, "良好": 85, "合格": 70, "不合格": 50}``."""
    combine: str = attrs.field(default="mean")
    """How the sub-criteria combine: ``mean`` (default), ``sum`` or ``min`` (see COMBINE)."""
    children: tuple[Criterion, ...] = attrs.field(default=(), converter=_as_tuple)
    """Sub-criteria; a criterion with children is scored through them."""

    def __attrs_post_init__(self) -> None:
        where = f"criterion {self.key}"
        if not self.max_score > self.min_score:
            raise InvalidRecord(message("{where}: max_score must be above min_score", where=where))
        if self.combine not in COMBINE:
            raise InvalidRecord(
                message(
                    "{where}: combine must be one of {names}", where=where, names=", ".join(COMBINE)
                )
            )
        labels = [label for label, _ in self.levels]
        if any(not label for label in labels) or len(set(labels)) != len(labels):
            raise InvalidRecord(
                message("{where}: level names must be present and distinct", where=where)
            )
        for label, value in self.levels:
            if not _number(value) or not self.min_score <= value <= self.max_score:
                raise InvalidRecord(
                    message(
                        "{where}: level {label} = {value!r} is outside {min_score:g}–{max_score:g}",
                        where=where,
                        label=label,
                        value=value,
                        min_score=self.min_score,
                        max_score=self.max_score,
                    )
                )

    def to_json(self) -> dict[str, Any]:
        """Plain data for storage."""
        return {
            "key": self.key,
            "name": self.name,
            "weight": self.weight,
            "max_score": self.max_score,
            "min_score": self.min_score,
            "levels": [list(level) for level in self.levels],
            "combine": self.combine,
            "children": [c.to_json() for c in self.children],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Criterion:
        """The inverse of :meth:`to_json`; absent optional keys take their defaults."""
        return cls(
            key=data["key"],
            name=data["name"],
            weight=data.get("weight", 1.0),
            max_score=data.get("max_score", 100.0),
            min_score=data.get("min_score", 0.0),
            levels=data.get("levels", ()),
            combine=data.get("combine", "mean"),
            children=[cls.from_json(c) for c in data.get("children", ())],
        )

    def leaves(self) -> tuple[Criterion, ...]:
        """The criteria under this one that are scored directly."""
        if not self.children:
            return (self,)
        return tuple(leaf for child in self.children for leaf in child.leaves())


@attrs.frozen(kw_only=True)
class GradeBand:
    """A total at or above ``min_total`` earns ``grade``."""

    grade: Grade = fields.choice(Grade)
    min_total: float = attrs.field(validator=_finite)

    def to_json(self) -> dict[str, Any]:
        """Plain data for storage."""
        return {"grade": self.grade.value, "min_total": self.min_total}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> GradeBand:
        """The inverse of :meth:`to_json`."""
        return cls(grade=data["grade"], min_total=data["min_total"])


STANDARD_BANDS = (
    GradeBand(grade=Grade.EXCELLENT, min_total=90),
    GradeBand(grade=Grade.GOOD, min_total=80),
    GradeBand(grade=Grade.PASS, min_total=60),
    GradeBand(grade=Grade.FAIL, min_total=0),
)
"""优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 60, 不合格 below."""


def _check_criteria(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not value:
        raise InvalidRecord(
            message("rubric {instance_name!r} has no criteria", instance_name=instance.name)
        )
    keys = [leaf.key for criterion in value for leaf in criterion.leaves()]
    doubled = sorted({k for k in keys if keys.count(k) > 1})
    if doubled:
        raise InvalidRecord(
            message(
                "rubric {instance_name!r} repeats criterion keys: {doubled}",
                instance_name=instance.name,
                doubled=doubled,
            )
        )


def _criteria_json(kind: str = "json") -> Any:
    return attrs.field(
        converter=tuple,
        validator=_check_criteria,
        metadata={
            "kind": kind,
            "encode": lambda cs: [c.to_json() for c in cs],
            "decode": lambda data: tuple(Criterion.from_json(c) for c in data),
        },
    )


@attrs.frozen(kw_only=True)
class Rubric(Record):
    """Weighted criteria and grade bands for assessing one kind of target."""

    table: ClassVar[str] = "rubrics"

    name: str = fields.name()
    version: int = fields.number(1, 10_000)
    target: Target = fields.choice(Target)
    criteria: tuple[Criterion, ...] = _criteria_json()
    bands: tuple[GradeBand, ...] = attrs.field(
        default=STANDARD_BANDS,
        converter=tuple,
        metadata={
            "kind": "json",
            "encode": lambda bs: [b.to_json() for b in bs],
            "decode": lambda data: tuple(GradeBand.from_json(b) for b in data),
        },
    )

    def leaves(self) -> tuple[Criterion, ...]:
        """Every criterion that is scored directly, in order."""
        return tuple(leaf for c in self.criteria for leaf in c.leaves())


def _score(value: Any) -> float | str:
    if isinstance(value, str):
        return value.strip()  # a level name, checked against the rubric
    if not _number(value):
        raise TypeError(value)
    return float(value)


def _to_scores(value: Any) -> Any:
    if isinstance(value, Mapping):
        value = value.items()
    try:
        pairs = tuple(sorted((str(k), _score(v)) for k, v in value))
    except (TypeError, ValueError):
        raise InvalidRecord(
            message(
                "scores must map criterion keys to numbers or level names, not {value!r}",
                value=value,
            )
        ) from None
    keys = [key for key, _ in pairs]
    if len(set(keys)) != len(keys):
        raise InvalidRecord(
            message("scores give a criterion twice: {criteria}", criteria=sorted(set(keys)))
        )
    return pairs


@attrs.frozen(kw_only=True)
class Assessment(Record):
    """One assessor's scores against a rubric for one target and period (考核)."""

    table: ClassVar[str] = "assessments"

    rubric_id: int = fields.link("rubrics")
    target_id: int = fields.number(1, 2**63 - 1)
    """The id of the secondment, mentorship, pairing or school the rubric targets."""
    period: str = fields.name()
    """For example ``2025`` or ``2025-spring``."""
    assessor: str = fields.name()
    assessed_on: dt.date = fields.day()
    scores: tuple[tuple[str, float | str], ...] = attrs.field(
        converter=_to_scores,
        metadata={
            "kind": "json",
            "encode": lambda s: dict(s),
            "decode": lambda data: tuple(sorted(data.items())),
        },
    )
    """Leaf criterion key → score (a number, or a level name of that criterion); a dict
    is accepted."""
    notes: str = fields.text(personal=True)
    """The assessor's remarks on the person assessed (personal)."""

    def score_of(self, key: str) -> float | str | None:
        """The score given for criterion ``key``, if any."""
        return dict(self.scores).get(key)
