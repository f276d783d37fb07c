"""Strategies for normalised queries, as backends receive them.

:func:`filters` (and :func:`draw_filters`, :func:`filter_values`), :func:`orderings`,
:func:`groupings` and :func:`measures`. Import these from :mod:`exchange.testing.strategies`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
from hypothesis import strategies as st

from ..errors import InvalidRecord
from ..fields import MAX_COUNT
from ..models import Stored
from ..query import (
    ORDERED_KINDS,
    YEAR,
    Measure,
    Op,
    OpName,
    check_measures,
    check_order,
    count,
    largest,
    normalize,
    smallest,
    total,
)
from .records import _kind
from .values import MAX_ID, _characters, amounts, days, moments, names


def _list_field(cls: type[Stored], name: str) -> bool:
    """Fields ``has()`` works on: lists of terms or words (roles, subjects)."""
    field = attrs.fields_dict(cls)[name]
    return field.metadata["kind"] == "json" and "encode" not in field.metadata


def _generic_values(cls: type[Stored], name: str) -> st.SearchStrategy[Any]:
    field = attrs.fields_dict(cls)[name]
    kind = field.metadata["kind"]
    enum_cls = field.metadata.get("enum")
    if enum_cls is not None:
        return st.sampled_from(enum_cls)
    if kind == "json":
        return st.sampled_from(["数学", "语文"]) | names()
    if kind in ("id", "link", "int"):
        return st.integers(0, 9) | st.sampled_from([MAX_COUNT, MAX_ID, -1])
    if kind == "text":
        return st.sampled_from(["", "A", "惠阳", "😀"]) | st.text(_characters, max_size=3)
    by_kind = {"date": days(), "datetime": moments(), "money": amounts()}
    return by_kind.get(kind, st.booleans())


@attrs.frozen
class _Plan:
    """What the query strategies of one type draw from, built once per type."""

    fields: st.SearchStrategy[list[str]]
    values: Mapping[str, st.SearchStrategy[Any]]
    ordering: st.SearchStrategy[tuple[tuple[str, bool], ...]]
    grouping: st.SearchStrategy[tuple[str, ...]]
    ranged: tuple[str, ...]
    """Fields ``between`` filters are drawn on: ints, dates and money."""
    summable: st.SearchStrategy[str] | None
    ordered: st.SearchStrategy[str]
    counted: st.SearchStrategy[str | None]


_PLANS: dict[type[Stored], _Plan] = {}
_PLAIN_OPS: st.SearchStrategy[OpName] = st.sampled_from(["eq", "ne", "in"])
_ALL_OPS: st.SearchStrategy[OpName] = st.sampled_from(["eq", "ne", "in", "lt", "le", "gt", "ge"])
_RANGE_OPS: st.SearchStrategy[OpName] = st.sampled_from(
    ["eq", "ne", "in", "lt", "le", "gt", "ge", "between", "between"]
)
_RANGED_KINDS = frozenset({"int", "date", "money"})
_FUNCS = st.sampled_from(["count", "sum", "min", "max"])


def _plan(cls: type[Stored]) -> _Plan:
    if cls not in _PLANS:
        everything = [f.name for f in attrs.fields(cls)]
        flat = [n for n in everything if _kind(cls, n) != "json"]
        filterable = [n for n in everything if _kind(cls, n) != "json" or _list_field(cls, n)]
        summable = [n for n in everything if _kind(cls, n) in ("int", "money")]
        years = [n + YEAR for n in everything if _kind(cls, n) == "date"]
        signed = st.sampled_from(flat).flatmap(lambda k: st.sampled_from([k, "-" + k]))
        _PLANS[cls] = _Plan(
            fields=st.lists(st.sampled_from(filterable), max_size=2, unique=True),
            values={n: _generic_values(cls, n) for n in filterable},
            ordering=st.lists(signed, max_size=3, unique_by=lambda k: k.lstrip("-")).map(
                lambda order: check_order(cls, order)
            ),
            grouping=st.lists(st.sampled_from(flat + years), max_size=2, unique=True).map(tuple),
            ranged=tuple(n for n in everything if _kind(cls, n) in _RANGED_KINDS),
            summable=st.sampled_from(summable) if summable else None,
            ordered=st.sampled_from([n for n in everything if _kind(cls, n) in ORDERED_KINDS]),
            counted=st.none() | st.sampled_from(everything),
        )
    return _PLANS[cls]


def _draw_value(draw: st.DrawFn, cls: type[Stored], name: str, samples: Sequence[Any]) -> Any:
    use_sample: bool = bool(samples) and draw(st.booleans())
    if use_sample:
        return samples[draw(st.integers(0, len(samples) - 1))]
    return draw(_plan(cls).values[name])


def filter_values(
    cls: type[Stored], name: str, samples: Sequence[Any] = ()
) -> st.SearchStrategy[Any]:
    """Values to compare field ``name`` of ``cls`` with (list items for list fields).

    ``samples`` (values found in stored records) are mixed in so filters match.
    """
    generic = _plan(cls).values[name]
    return st.sampled_from(samples) | generic if samples else generic


def filters(
    cls: type[Stored], samples: Mapping[str, Sequence[Any]] | None = None
) -> st.SearchStrategy[dict[str, Op]]:
    """Normalised filters on up to two fields of ``cls``, as backends receive them.

    Every operator appears (``between`` on int, date and money fields, its bounds
    in order, reversed or equal), ``None`` too; ``samples`` maps field names to values
    seen in stored records, so that filters match something.
    """
    return st.composite(draw_filters)(cls, samples)


def draw_filters(
    draw: st.DrawFn, cls: type[Stored], samples: Mapping[str, Sequence[Any]] | None = None
) -> dict[str, Op]:
    """Draw what :func:`filters` gives, inside a composite strategy (no new strategy per draw)."""
    raw: dict[str, Op] = {}
    for name in draw(_plan(cls).fields):
        seen = (samples or {}).get(name, ())
        kind = _kind(cls, name)
        if kind == "json":
            raw[name] = Op("has", _draw_value(draw, cls, name, seen))
            continue
        ops = _RANGE_OPS if kind in _RANGED_KINDS else _ALL_OPS
        op = draw(ops if kind in ORDERED_KINDS else _PLAIN_OPS)
        if op == "between":
            raw[name] = _draw_between(draw, cls, name, seen)
        elif op == "in":
            size = draw(st.integers(0, 3))
            values = [_draw_value(draw, cls, name, seen) for _ in range(size)]
            raw[name] = Op("in", tuple(None if draw(st.integers(0, 5)) == 0 else v for v in values))
        elif op in ("eq", "ne") and draw(st.integers(0, 4)) == 0:
            raw[name] = Op(op, None)
        else:
            raw[name] = Op(op, _draw_value(draw, cls, name, seen))
    out: dict[str, Op] = {}
    for name, wanted in raw.items():
        # e.g. lt("") on a ref is refused: a blank ref is None, which cannot be compared
        with contextlib.suppress(InvalidRecord):
            out.update(normalize(cls, {name: wanted}))
    return out


def ranged_fields(cls: type[Stored]) -> tuple[str, ...]:
    """The int, date and money fields of ``cls``, which :func:`draw_between` filters."""
    return _plan(cls).ranged


def _draw_between(draw: st.DrawFn, cls: type[Stored], name: str, seen: Sequence[Any]) -> Op:
    first = _draw_value(draw, cls, name, seen)
    second = _draw_value(draw, cls, name, seen)
    low, high = sorted((first, second))
    bounds = draw(st.sampled_from([(low, high), (high, low), (first, first)]))
    return Op("between", bounds)


def draw_between(
    draw: st.DrawFn, cls: type[Stored], name: str, samples: Sequence[Any] = ()
) -> dict[str, Op]:
    """A normalised ``between`` filter on field ``name`` (see :func:`ranged_fields`).

    The bounds come in order, reversed (low above high: matches nothing) or
    equal; ``samples`` are mixed in so that bounds hit stored values. Empty
    when the drawn bounds are not valid for the field.
    """
    with contextlib.suppress(InvalidRecord):
        return normalize(cls, {name: _draw_between(draw, cls, name, samples)})
    return {}


def orderings(cls: type[Stored]) -> st.SearchStrategy[tuple[tuple[str, bool], ...]]:
    """``order_by`` arguments: up to three ``(field, descending)`` pairs."""
    return _plan(cls).ordering


def groupings(cls: type[Stored]) -> st.SearchStrategy[tuple[str, ...]]:
    """``group_by`` arguments: up to two fields that are not lists, or dates' years
    (``"held_on.year"``)."""
    return _plan(cls).grouping


@st.composite
def measures(
    draw: st.DrawFn, cls: type[Stored], group_by: Sequence[str] = ()
) -> dict[str, Measure]:
    """Up to three measures (count, sum, min, max) labelled ``m0``, ``m1``, …"""
    plan = _plan(cls)
    out: dict[str, Measure] = {}
    for i in range(draw(st.integers(0, 3))):
        func = draw(_FUNCS)
        if func == "sum" and plan.summable is not None:
            out[f"m{i}"] = total(draw(plan.summable))
        elif func == "min":
            out[f"m{i}"] = smallest(draw(plan.ordered))
        elif func == "max":
            out[f"m{i}"] = largest(draw(plan.ordered))
        else:
            out[f"m{i}"] = count(draw(plan.counted))
    check_measures(cls, group_by, out)
    return out
