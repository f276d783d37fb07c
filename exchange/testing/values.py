"""Strategies for single values: names, text, refs, dates, times, money, counts, rubric parts.

Text mixes Chinese (CJK, full-width punctuation), emoji and any other
character except NUL and surrogates; names are already stripped and non-empty;
every limit is reached (names of exactly ``MAX_NAME`` characters, counts of
``MAX_COUNT``, money at ``MAX_YUAN`` and to the fen, dates from 0001-01-01 to
9999-12-31). Import these from :mod:`exchange.testing.strategies`.
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools

from hypothesis import strategies as st

from ..enums import Grade
from ..fields import INVISIBLE, MAX_COUNT, MAX_NAME, MAX_TEXT, to_ref
from ..models import STANDARD_BANDS, Criterion, GradeBand
from ..money import MAX_YUAN

Ids = st.SearchStrategy[int]
"""A strategy of record ids that a link may point to."""
Refs = st.SearchStrategy[str | None]
"""A strategy of ``ref`` values (``None`` for no ref)."""

MAX_ID = 2**63 - 1
"""The largest id a link can hold (a signed 64-bit integer)."""

_FULL_WIDTH = "，。、；：？！“”‘’（）《》【】…—·～￥　"
_SEED_NAMES = (
    "惠阳区半岛学校",
    "贞丰县第五中学",
    "惠陽區半島學校",
    "长沙市长郡中学",
    "怀化市鹤城区迎丰小学",
    "成华区双林小学（丹巴分校）",
    "广州市第六中学·清远班",
    "百千万“名师”工程",
    "贵州省黔西南州贞丰县",
    "广东省惠州市惠阳区",
)

_characters = st.one_of(
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),  # CJK
    st.sampled_from(_FULL_WIDTH),
    st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF),  # emoji
    st.characters(min_codepoint=0x20000, max_codepoint=0x2A6DF),  # CJK extension B
    # anything but NUL, surrogates and the invisible marks records remove
    st.characters(codec="utf-8", exclude_characters="\x00" + "".join(map(chr, INVISIBLE))),
)
_solid = _characters.filter(lambda c: not c.isspace())


@functools.cache
def _exactly(size: int, chars: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Text of exactly ``size`` characters, built by repeating a short random chunk."""
    return st.text(chars, min_size=1, max_size=8).map(lambda s: (s * size)[:size])


@functools.cache
def names(*, limit: int = MAX_NAME) -> st.SearchStrategy[str]:
    """Non-empty, already stripped names, including ones of exactly ``limit`` characters."""
    return st.one_of(
        st.sampled_from(_SEED_NAMES),
        st.text(_characters, min_size=1, max_size=min(limit, 30)).map(str.strip).filter(bool),
        _exactly(limit, _solid),
    )


@functools.cache
def texts(*, limit: int = MAX_TEXT) -> st.SearchStrategy[str]:
    """Free text (notes, reasons): empty, short, with any spacing, or exactly ``limit`` long."""
    return st.one_of(
        st.just(""), st.text(_characters, max_size=min(limit, 40)), _exactly(limit, _characters)
    )


@functools.cache
def refs() -> Refs:
    """Optional external keys: ``None`` or a stripped, non-empty name in the one form a
    ref is kept in (NFKC: full-width letters and signs folded)."""
    folded = names().map(to_ref)
    return st.none() | folded.filter(lambda s: s is not None and len(s) <= MAX_NAME)


@functools.cache
def days() -> st.SearchStrategy[dt.date]:
    """Dates, with the extremes 0001-01-01 and 9999-12-31 and a leap day likely."""
    return st.sampled_from([dt.date.min, dt.date.max, dt.date(2024, 2, 29)]) | st.dates()


@functools.cache
def moments() -> st.SearchStrategy[dt.datetime]:
    """Aware times (the change log's ``at``) at any UTC offset, to the microsecond.

    Records keep them in UTC; the extremes are 0001-01-01 and 9999-12-31 in UTC.
    """
    utc = dt.timezone.utc
    edges = [dt.datetime.min.replace(tzinfo=utc), dt.datetime.max.replace(tzinfo=utc)]
    inner = st.datetimes(dt.datetime(1, 1, 2), dt.datetime(9999, 12, 30), timezones=st.just(utc))
    minutes = st.integers(-23 * 60 - 59, 23 * 60 + 59)
    offsets = minutes.map(lambda m: dt.timezone(dt.timedelta(minutes=m)))
    shifted = st.builds(lambda t, tz: t.astimezone(tz), inner, offsets)
    return st.sampled_from(edges) | shifted


@functools.cache
def amounts() -> st.SearchStrategy[decimal.Decimal]:
    """Money in yuan: zero, one fen, ``MAX_YUAN`` and anything between, to the fen."""
    fen = decimal.Decimal("0.01")
    return st.sampled_from([fen * 0, fen, MAX_YUAN, MAX_YUAN - fen]) | st.decimals(
        min_value=0, max_value=MAX_YUAN, places=2
    ).map(lambda d: d.quantize(fen))


@functools.cache
def counts() -> st.SearchStrategy[int]:
    """Lesson, attendee and student counts, from 0 to ``MAX_COUNT``."""
    return st.sampled_from([0, MAX_COUNT]) | st.integers(0, MAX_COUNT)


@functools.cache
def _positive() -> st.SearchStrategy[float]:
    return st.integers(1, 100).map(float) | st.floats(
        min_value=0.0, exclude_min=True, allow_nan=False, allow_infinity=False
    )


@functools.cache
def _finite() -> st.SearchStrategy[float]:
    return st.floats(allow_nan=False, allow_infinity=False)


@st.composite
def criteria(draw: st.DrawFn) -> tuple[Criterion, ...]:
    """A rubric's criteria: one to five leaves with distinct keys, some grouped under a parent."""
    keys = draw(st.lists(names(limit=20), min_size=1, max_size=5, unique=True))
    out: list[Criterion] = []
    while keys:
        size = draw(st.integers(1, len(keys)))
        group, keys = keys[:size], keys[size:]
        leaves = tuple(
            Criterion(
                key=k, name=draw(names()), weight=draw(_positive()), max_score=draw(_positive())
            )
            for k in group
        )
        if size == 1 and draw(st.booleans()):
            out.append(leaves[0])
        else:
            out.append(Criterion(key=draw(names()), name=draw(names()), children=leaves))
    return tuple(out)


@functools.cache
def bands() -> st.SearchStrategy[tuple[GradeBand, ...]]:
    """Grade bands: the standard ones, none, or a few of any shape."""
    band = st.builds(GradeBand, grade=st.sampled_from(Grade), min_total=_finite())
    return st.just(STANDARD_BANDS) | st.lists(band, max_size=4).map(tuple)
