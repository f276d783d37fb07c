"""Bad inputs: arguments one mistake away from a valid record (:func:`invalid_inputs`).

Import these from :mod:`exchange.testing.strategies`.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Mapping
from typing import Any

import attrs
from hypothesis import strategies as st

from ..changelog import Change
from ..fields import MAX_TEXT
from ..models import (
    RECORD_TYPES,
    Assessment,
    Criterion,
    Extension,
    Goal,
    Mentorship,
    Milestone,
    Pairing,
    Partnership,
    Rubric,
    Secondment,
    Stored,
)
from ..money import MAX_YUAN
from .records import _kind, records, rubrics
from .values import Ids, _exactly, _solid


@attrs.frozen(eq=False)
class BadInput:
    """Arguments that a record class must refuse with :class:`~exchange.errors.InvalidRecord`."""

    cls: type[Stored]
    kwargs: Mapping[str, Any]
    problem: str
    """What is wrong, in words (for failure messages)."""

    def build(self) -> Stored:
        """Construct the record (which should raise)."""
        return self.cls(**self.kwargs)


_LINKS: Mapping[str, Ids] = {cls.table: st.integers(1, 99) for cls in RECORD_TYPES}
_BAD_TEXT = {
    "empty": st.sampled_from(["", " ", "\u3000", "\t\n"]),
    "NUL": st.sampled_from(["\x00", "惠阳\x00学校", "a\x00"]),
    "not Unicode": st.sampled_from(["\ud800", "惠阳\udfff学校"]),
    "too long": _exactly(MAX_TEXT + 1, _solid),
}
_BAD_BY_KIND: dict[str, dict[str, st.SearchStrategy[Any]]] = {
    "date": {"not a date": st.sampled_from(["2024-02-30", "2024-13-01", "昨天", 20240101])},
    "money": {
        "negative": st.sampled_from([decimal.Decimal("-0.01"), -1, "-5", "¥-100"]),
        "over two places": st.sampled_from([decimal.Decimal("0.001"), "1.005", "12.345"]),
        "a float": st.sampled_from([0.1, 100.0]),
        "too large": st.just(MAX_YUAN + decimal.Decimal("0.01")),
        "not money": st.sampled_from(["abc", "NaN", "Infinity", "1e999999"]),
    },
    "int": {"out of range": st.sampled_from([-1, 2**63, True, 1.5, "十"])},
    "link": {"not an id": st.sampled_from([0, -1, True, 2**63, "x"])},
    "bool": {"not a flag": st.sampled_from(["yes", 1, None])},
    "enum": {"not a member": st.sampled_from(["nonsense", "", "支 教"])},
    "datetime": {"naive": st.datetimes(timezones=st.none())},
}
_UNCHECKED = {(Change, "record_id"), (Change, "before"), (Change, "after"), (Assessment, "scores")}


def _field_mistakes(cls: type[Stored]) -> list[tuple[str, str, st.SearchStrategy[Any]]]:
    """``(field, problem, bad values)`` for each field of ``cls`` the converters must refuse."""
    out: list[tuple[str, str, st.SearchStrategy[Any]]] = []
    for field in attrs.fields(cls):
        kind = field.metadata["kind"]
        if kind == "id" or (cls, field.name) in _UNCHECKED:
            continue
        if kind == "text":
            required = field.default is attrs.NOTHING
            for problem, values in _BAD_TEXT.items():
                if problem != "empty" or required:
                    out.append((field.name, f"{problem} text", values))
        elif kind == "json" and "encode" not in field.metadata:
            bad = st.sampled_from([("",), (" ",), ("a\x00",)])
            out.append((field.name, "a bad list item", bad))
        elif kind in _BAD_BY_KIND:
            out.extend((field.name, p, v) for p, v in _BAD_BY_KIND[kind].items())
    return out


_SWAPS = {
    Partnership: [("started_on", "ended_on"), ("supporting_region", "supported_region")],
    Pairing: [("signed_on", "ended_on"), ("supporting_school_id", "supported_school_id")],
    Secondment: [
        ("starts_on", "ends_on"),
        ("starts_on", "returned_on"),
        ("returned_on", "ends_on"),
    ],
    Mentorship: [("starts_on", "ends_on"), ("mentor_id", "mentee_id")],
}
"""Pairs of fields where the second must differ from, or come after, the first."""


def _valid_kwargs(record: Stored) -> dict[str, Any]:
    return {f.name: getattr(record, f.name) for f in attrs.fields(type(record)) if f.name != "id"}


@st.composite
def _relational(draw: st.DrawFn, cls: type[Stored]) -> BadInput:
    kwargs = _valid_kwargs(draw(records(cls, _LINKS)))
    first, second = draw(st.sampled_from(_SWAPS[cls]))
    if _kind(cls, first) == "date":
        later = draw(st.dates(min_value=dt.date(1, 1, 2)))
        kwargs[first], kwargs[second] = later, later - dt.timedelta(days=1)
        return BadInput(cls, kwargs, f"{second} before {first}")
    kwargs[second] = kwargs[first]
    return BadInput(cls, kwargs, f"{second} equal to {first}")


@st.composite
def _field_mistake(draw: st.DrawFn, cls: type[Stored]) -> BadInput:
    kwargs = _valid_kwargs(draw(records(cls, _LINKS)))
    name, problem, values = draw(st.sampled_from(_field_mistakes(cls)))
    kwargs[name] = draw(values)
    return BadInput(cls, kwargs, f"{name}: {problem}")


@st.composite
def _bad_rubric(draw: st.DrawFn) -> BadInput:
    kwargs = _valid_kwargs(draw(rubrics()))
    leaf = Criterion(key="教学", name="教学成果")
    kwargs["criteria"] = draw(st.sampled_from([(), (leaf, leaf)]))
    return BadInput(Rubric, kwargs, "no criteria, or a repeated criterion key")


@st.composite
def _bad_history(draw: st.DrawFn) -> BadInput:
    """An extension history that does not end at the secondment's end, or a goal
    that repeats a milestone."""
    if draw(st.booleans()):
        kwargs = _valid_kwargs(draw(records(Goal, _LINKS)))
        kwargs["milestones"] = (Milestone(title="听课"), Milestone(title="听课"))
        return BadInput(Goal, kwargs, "a repeated milestone")
    kwargs = _valid_kwargs(draw(records(Secondment, _LINKS)))
    end = kwargs["ends_on"]
    if end.toordinal() < 3:
        end = kwargs["ends_on"] = dt.date(2025, 7, 15)
        kwargs["starts_on"], kwargs["returned_on"] = min(kwargs["starts_on"], end), None
    earlier = end - dt.timedelta(days=1)
    kwargs["extensions"] = (
        Extension(previous_end=earlier - dt.timedelta(days=1), new_end=earlier),
    )
    return BadInput(Secondment, kwargs, "extensions that do not reach the end")


def invalid_inputs(cls: type[Stored] | None = None) -> st.SearchStrategy[BadInput]:
    """Arguments one mistake away from a valid record of ``cls`` (any stored type if ``None``).

    Mistakes: empty or blank names, NUL characters, text over its limit, bad
    dates, an end before its start, a school paired with itself, negative money,
    more than two decimal places, floats for money, counts out of range, bad
    links, flags and vocabulary terms, naive times, a rubric without criteria,
    a goal repeating a milestone, an extension history that does not reach the
    secondment's end.
    """
    types: tuple[type[Stored], ...] = (*RECORD_TYPES, Change) if cls is None else (cls,)
    options: list[st.SearchStrategy[BadInput]] = [_field_mistake(t) for t in types]
    options += [_relational(t) for t in types if t in _SWAPS]
    if Rubric in types:
        options.append(_bad_rubric())
    if Goal in types and Secondment in types:
        options.append(_bad_history())
    return st.one_of(options)
