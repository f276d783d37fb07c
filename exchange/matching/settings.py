"""How a plan is asked for: weights, hard constraints and who takes part, from a TOML
criteria file or from arguments.

.. code-block:: toml

    within = "prefecture"        # candidates only in the same province, prefecture or county
    capacity = 3                 # at most this many mentees per mentor (besides the programmes')
    must = ["subject"]           # the pair must score above 0 on these criteria
    must_not = ["previous"]      # ... and exactly 0 on these
    pinned = [["T-102", "T-001"]]     # [mentee, mentor]: always in the plan
    forbidden = [["T-103", "T-001"]]  # [mentee, mentor]: never
    [weights]
    subject = 3
    nearby = 0
    [mentors]                    # who may mentor: any of these roles, at schools in this region
    roles = ["名师", "骨干教师"]
    region = "广东省惠州市惠阳区"
    [mentees]
    region = "贵州省黔西南州贞丰县"
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, cast

import attrs

from ..definitions import unknown_keys
from ..enums import Role
from ..errors import InvalidRecord
from ..i18n import message
from ..regions import LEVELS

PairKey = tuple[int | str, int | str]
"""(mentee, mentor), each by id or ref."""


def _roles(values: Iterable[Any]) -> tuple[Role, ...]:
    return tuple(cast(Role, Role.parse(v)) for v in values)


@attrs.frozen(kw_only=True)
class Pool:
    """Who takes part on one side: teachers holding any of ``roles`` (anyone when empty),
    at schools whose region starts with ``region`` (anywhere when ``None``)."""

    roles: tuple[Role, ...] = attrs.field(default=(), converter=_roles)
    region: str | None = None


def _pairs(values: Iterable[Any]) -> tuple[PairKey, ...]:
    pairs = []
    for value in values:
        if not isinstance(value, list | tuple) or len(value) != 2:
            raise InvalidRecord(
                message(
                    "a pinned or forbidden pair is [mentee, mentor], not {value!r}", value=value
                )
            )
        pairs.append((value[0], value[1]))
    return tuple(pairs)


def _weights(values: Mapping[str, Any]) -> dict[str, float]:
    weights = {}
    for name, weight in values.items():
        if isinstance(weight, bool) or not isinstance(weight, int | float):
            raise InvalidRecord(
                message(
                    "weight {name!r} must be a number, not {weight!r}", name=name, weight=weight
                )
            )
        weights[str(name)] = float(weight)
    return weights


def _names(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


def _within(instance: Any, attribute: Any, value: str | None) -> None:
    if value is not None and value not in LEVELS:
        raise InvalidRecord(
            message(
                "within must be one of {levels}, not {value!r}",
                levels=", ".join(LEVELS),
                value=value,
            )
        )


def _capacity(instance: Any, attribute: Any, value: int | None) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise InvalidRecord(
            message("capacity must be a whole number of 1 or more, not {value!r}", value=value)
        )


@attrs.frozen(kw_only=True)
class MatchSettings:
    """Weights, hard constraints and pools of one plan (see the module's example)."""

    weights: dict[str, float] = attrs.field(factory=dict, converter=_weights)
    must: tuple[str, ...] = attrs.field(default=(), converter=_names)
    must_not: tuple[str, ...] = attrs.field(default=(), converter=_names)
    pinned: tuple[PairKey, ...] = attrs.field(default=(), converter=_pairs)
    forbidden: tuple[PairKey, ...] = attrs.field(default=(), converter=_pairs)
    within: str | None = attrs.field(default=None, validator=_within)
    capacity: int | None = attrs.field(default=None, validator=_capacity)
    mentors: Pool = Pool(roles=(Role.FAMOUS, Role.BACKBONE))
    """Default: 名师 and 骨干教师 (and whoever already mentors in the programme)."""
    mentees: Pool = Pool()

    def named(self) -> set[str]:
        """Every criterion name the settings mention."""
        return {*self.weights, *self.must, *self.must_not}


_KEYS = ("weights", "must", "must_not", "pinned", "forbidden", "within", "capacity")
_POOL_KEYS = ("roles", "region")


def settings(data: Mapping[str, Any], *, source: str = "criteria") -> MatchSettings:
    """:class:`MatchSettings` from a mapping shaped like the criteria file; an unknown key
    is an :class:`~exchange.errors.InvalidRecord` naming it and the known ones."""
    unknown_keys(source, data, {*_KEYS, "mentors", "mentees"})
    fields: dict[str, Any] = {key: data[key] for key in _KEYS if key in data}
    for side in ("mentors", "mentees"):
        if side in data:
            pool = data[side]
            if not isinstance(pool, Mapping):
                raise InvalidRecord(
                    message("{source}: [{side}] must be a table", source=source, side=side)
                )
            unknown_keys(f"{source} [{side}]", pool, set(_POOL_KEYS))
            fields[side] = attrs.evolve(getattr(MatchSettings(), side), **pool)
    return MatchSettings(**fields)


def read_settings(path: str | Path) -> MatchSettings:
    """The criteria file at ``path`` (TOML, or JSON of the same shape)."""
    from ..definitions import read_file

    if not Path(path).is_file():
        raise InvalidRecord(message("no criteria file {path}", path=path))
    return settings(read_file(path), source=str(path))
