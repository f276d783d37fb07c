"""Regions as a tree: province → prefecture (city, 州, 地区, 盟) → county (县, 区, 旗, city).

Bureaus write a region as the administrative names from the top down, as far as
they need: 贵州省黔西南州贞丰县, 黔西南州贞丰县, or 贞丰县 alone. :func:`split`
reads such a name into its levels by the suffix each level's names end in. A
:class:`Gazetteer` holds every region a store names and completes a short name
from a longer one that contains it: once any record says 贵州省黔西南州贞丰县,
贞丰县 lies in 黔西南州 and in 贵州省. A region *contains* another when every
level it names is the same in the other; so a filter on 贵州省黔西南州 keeps
schools in 贞丰县 and in 兴义市, and one on 贞丰县 keeps those written either way.

A name that does not read as administrative levels (东部, a project's own label)
is a region of its own, equal only to itself.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .tracker import Tracker

LEVELS = ("province", "prefecture", "county")
"""The levels, from the top."""
MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
"""Cities at province level (直辖市)."""

_NAME = re.compile(
    r"^(?P<province>.{2,}?(?:省|自治区|特别行政区)|" + "|".join(MUNICIPALITIES) + r")?"
    r"(?P<prefecture>.{2,}?(?:自治州|地区|盟|市|州))?"
    r"(?P<county>.{2,}?(?:自治县|自治旗|县|区|市|旗))?$"
)

Levels = tuple[str | None, str | None, str | None]
"""A region's name at each level (``None`` where it does not say)."""


def split(name: str) -> Levels | None:
    """``name``'s levels, or ``None`` when it does not read as administrative names.

    A lone name ending in 市 is read as a prefecture-level city (长沙市), its
    districts as counties (长沙市岳麓区).
    """
    compact = "".join(name.split())
    found = _NAME.match(compact)
    if found is None or not compact:
        return None
    province, prefecture, county = found.group(*LEVELS)
    return province, prefecture, county


class Gazetteer:
    """Every region a store names, each completed upward from the longer names."""

    def __init__(self, names: Iterable[str]) -> None:
        self.names = sorted({" ".join(n.split()) for n in names if n and n.strip()})
        self._full: list[Levels] = [levels for n in self.names if (levels := split(n))]
        self._below: dict[tuple[int, str], set[Levels]] = defaultdict(set)
        for levels in self._full:
            for depth, part in enumerate(levels):
                if part is not None:
                    self._below[depth, part].add(levels)

    def levels(self, name: str) -> Levels | None:
        """``name``'s levels, completed upward from the known names that agree with it
        (``None`` for a name of its own). A lone city (兴义市) is read as a county when
        a known name places it under a prefecture (黔西南州兴义市)."""
        given = split(name)
        if given is None:
            return None
        province, prefecture, county = given
        if province is None and county is None and prefecture and prefecture.endswith("市"):
            as_county: Levels = (None, None, prefecture)
            if self._complete(as_county) != as_county:
                return self._complete(as_county)
        return self._complete(given)

    def _complete(self, given: Levels) -> Levels:
        """``given`` with the levels above its highest named one filled in, level by
        level, while exactly one fullest known name agrees (two places named 朝阳区
        leave it as given)."""
        levels = given
        while (top := _highest(levels)) > 0:
            candidates = {
                known[: top + 1]
                for known in self._below[top, levels[top] or ""]
                if _agrees(levels[: top + 1], known[: top + 1])
            }
            fullest = [c for c in candidates if not any(_says_more(d, c) for d in candidates)]
            if len(fullest) != 1 or _highest(fullest[0]) == top:
                return levels
            levels = (*fullest[0], *levels[top + 1 :])  # type: ignore[assignment]
        return levels

    def contains(self, region: str, other: str) -> bool:
        """Whether ``other`` lies in ``region`` (or is it)."""
        outer, inner = self.levels(region), self.levels(other)
        if outer is None or inner is None:
            return " ".join(region.split()) == " ".join(other.split())
        return _agrees(outer, inner) and all(
            part is None or inner[i] is not None for i, part in enumerate(outer)
        )

    def known(self) -> list[str]:
        """Every name the store uses, and each level's name on its own (黔西南州)."""
        parts = {part for levels in self._full for part in levels if part is not None}
        return sorted({*self.names, *parts})


def of_store(tracker: Tracker) -> tuple[Gazetteer, list[str]]:
    """The gazetteer of every region the store's schools and partnerships name, and the
    regions schools are in (archived ones included)."""
    from .models import Partnership, School
    from .query import count

    rows = tracker.aggregate(
        School, group_by=["region"], measures={"n": count()}, include_archived=True
    )
    used = [str(row["region"]) for row in rows]
    partnerships = tracker.find(Partnership, include_archived=True)
    ends = (r for p in partnerships for r in (p.supporting_region, p.supported_region))
    return Gazetteer([*used, *ends]), used


def _highest(levels: tuple[str | None, ...]) -> int:
    """The index of the highest level named."""
    return next(i for i, part in enumerate(levels) if part is not None)


def _says_more(more: tuple[str | None, ...], less: tuple[str | None, ...]) -> bool:
    """Whether ``more`` names every level ``less`` names, the same, and another besides."""
    return more != less and all(b is None or a == b for a, b in zip(more, less, strict=True))


def _agrees(given: tuple[str | None, ...], levels: tuple[str | None, ...]) -> bool:
    """Whether the levels ``given`` names are the same in ``levels`` (or not said there)."""
    return all(a is None or b is None or a == b for a, b in zip(given, levels, strict=True))
