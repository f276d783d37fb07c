"""Spans of days, both ends included: joining them, and whether two share a day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

Span = tuple[dt.date, dt.date]
"""A first and a last day, both included."""


def merged(spans: Iterable[Span]) -> list[Span]:
    """The days of ``spans`` as disjoint spans in order (touching ones joined)."""
    found: list[Span] = []
    for first, last in sorted(spans):
        if found and first <= found[-1][1] + dt.timedelta(days=1):
            found[-1] = (found[-1][0], max(found[-1][1], last))
        else:
            found.append((first, last))
    return found


def overlaps(span: Span, days: Sequence[Span]) -> bool:
    """Whether ``span`` shares a day with one of ``days``."""
    return any(first <= span[1] and span[0] <= last for first, last in days)


def busiest(spans: Sequence[Span], days: Sequence[Span]) -> int:
    """The most ``spans`` that cover one day among ``days`` (disjoint, from :func:`merged`).
    A count only rises on a span's first day, so the most is reached on such a day or on
    the first day of one of ``days``."""
    best = 0
    for day in {*(first for first, _ in spans), *(first for first, _ in days)}:
        if any(first <= day <= last for first, last in days):
            best = max(best, sum(1 for first, last in spans if first <= day <= last))
    return best
