"""Per-day allowance tariffs for secondments, versioned and supplied by plugins.

A province ships its tariff as a plugin (``register_tariffs``): a
:class:`TariffSpec` holds dated :class:`TariffVersion`\\ s, each with a rate per
secondment kind and host *region class*, and a ``classify`` function that puts a
host school in a class (for example by its ``rural`` flag or its county). The
versions must follow each other without a gap, so every day has exactly one rate.
:func:`cost` prices a secondment day by day under the version in force.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable, Iterable
from typing import Any

import attrs

from . import fields
from .enums import SecondmentKind
from .errors import InvalidRecord
from .i18n import message
from .lifecycle import last_day
from .models import School, Secondment


def _rates(values: Any) -> tuple[Rate, ...]:
    return tuple(values)


@attrs.frozen(kw_only=True)
class Rate:
    """Yuan per day for one secondment kind at hosts of one region class."""

    kind: SecondmentKind = fields.choice(SecondmentKind)
    region_class: str = fields.name()
    per_day: decimal.Decimal = fields.money("per-day rate")


@attrs.frozen(kw_only=True)
class TariffVersion:
    """The rates in force from ``valid_from`` to ``valid_to`` (open-ended when ``None``)."""

    version: int = fields.number(1, 10_000)
    valid_from: dt.date = fields.day()
    valid_to: dt.date | None = fields.day(required=False)
    rates: tuple[Rate, ...] = attrs.field(converter=_rates)

    def __attrs_post_init__(self) -> None:
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise InvalidRecord(
                message("tariff version {version} ends before it starts", version=self.version)
            )
        keys = [(r.kind, r.region_class) for r in self.rates]
        if len(set(keys)) != len(keys):
            raise InvalidRecord(
                message("tariff version {version} gives a rate twice", version=self.version)
            )

    def rate(self, kind: SecondmentKind, region_class: str) -> decimal.Decimal:
        """The rate for ``kind`` at ``region_class``, or a clear error naming what is missing."""
        for rate in self.rates:
            if rate.kind is kind and rate.region_class == region_class:
                return rate.per_day
        raise InvalidRecord(
            message(
                "tariff version {version} has no rate for {kind} ({kind_zh}) "
                "at {region_class!r} hosts",
                version=self.version,
                kind=kind,
                kind_zh=kind.zh,
                region_class=region_class,
            )
        )


def _versions(values: Iterable[TariffVersion]) -> tuple[TariffVersion, ...]:
    return tuple(sorted(values, key=lambda v: v.valid_from))


@attrs.frozen(kw_only=True)
class TariffSpec:
    """A named, versioned tariff; register it with ``register_tariffs``."""

    name: str
    versions: tuple[TariffVersion, ...] = attrs.field(converter=_versions)
    classify: Callable[[School], str]
    """Puts a host school in a region class, e.g. ``lambda s: "rural" if s.rural else "town"``."""
    description: str = ""

    def __attrs_post_init__(self) -> None:
        if not self.versions:
            raise InvalidRecord(message("tariff {name!r} has no versions", name=self.name))
        for before, after in zip(self.versions, self.versions[1:], strict=False):
            expected = None if before.valid_to is None else before.valid_to + dt.timedelta(1)
            if expected != after.valid_from:
                raise InvalidRecord(
                    message(
                        "tariff {name!r}: version {version} ends {value} but version "
                        "{after_version} starts {valid_from}; versions must follow each "
                        "other without a gap or overlap",
                        name=self.name,
                        version=before.version,
                        value=before.valid_to or "never",
                        after_version=after.version,
                        valid_from=after.valid_from,
                    )
                )

    def in_force(self, day: dt.date) -> TariffVersion:
        """The version whose period contains ``day``."""
        for version in self.versions:
            if version.valid_from <= day and (version.valid_to is None or day <= version.valid_to):
                return version
        raise InvalidRecord(
            message("tariff {name!r} has no rates for {day}", name=self.name, day=day)
        )


def cost(
    spec: TariffSpec, secondment: Secondment, host: School, *, planned: bool = False
) -> decimal.Decimal:
    """What a secondment costs: its days (actual, or the plan with ``planned=True``) priced
    under the version in force on each day, at the host's region class."""
    start = secondment.starts_on
    end = secondment.ends_on if planned else last_day(secondment)
    region_class = spec.classify(host)
    total = decimal.Decimal("0.00")
    for version in spec.versions:
        first = max(start, version.valid_from)
        last = end if version.valid_to is None else min(end, version.valid_to)
        if first <= last:
            days = (last - first).days + 1
            total += days * version.rate(secondment.kind, region_class)
    spec.in_force(start)
    spec.in_force(end)
    return total
