"""Hypothesis strategies for records, bad inputs and queries, and fixed example records.

This is the module to import; the strategies live in small modules beside it:

- ``values``: :func:`names`, :func:`texts`, :func:`refs`, :func:`days`, :func:`moments`,
  :func:`amounts`, :func:`counts`, :func:`criteria`, :func:`bands`;
- ``records``: one strategy per stored type (:func:`schools`, :func:`teachers`, …),
  :func:`records` for any type, :func:`populations` for a whole fresh store;
- ``invalid`` (mistakes): :func:`invalid_inputs` (each one a :class:`BadInput`);
- ``queries``: :func:`filters`, :func:`draw_between`, :func:`orderings`, :func:`groupings`,
  :func:`measures`;
- ``examples`` (fixed examples): :func:`programme` and :func:`samples`.

Every record strategy builds *valid* records; the ids its links point to come
from strategies you pass in, so the same strategy serves a fresh store
(``st.sampled_from([1, 2])``) and a stateful test (a ``Bundle`` of stored ids)::

    from hypothesis import given, strategies as st
    from exchange.testing import strategies as xs

    @given(xs.teachers(school_ids=st.sampled_from([1, 2, 3])))
    def test_teacher(teacher): ...

Text mixes Chinese (CJK, full-width punctuation), emoji and any other
character except NUL and surrogates; names are already stripped and non-empty;
every limit is reached (names of exactly ``MAX_NAME`` characters, counts of
``MAX_COUNT``, money at ``MAX_YUAN`` and to the fen, dates from 0001-01-01 to
9999-12-31).
"""

from __future__ import annotations

from .examples import programme, samples
from .invalid import BadInput, invalid_inputs
from .queries import (
    draw_between,
    draw_filters,
    filter_values,
    filters,
    groupings,
    measures,
    orderings,
    ranged_fields,
)
from .records import (
    activities,
    allocations,
    applications,
    assessments,
    changes,
    expenses,
    extension_histories,
    goals,
    grants,
    meetings,
    mentorships,
    pairings,
    participations,
    partnerships,
    placement_needs,
    populations,
    programmes,
    records,
    rubrics,
    schools,
    secondments,
    teachers,
)
from .values import (
    MAX_ID,
    Ids,
    Refs,
    amounts,
    bands,
    counts,
    criteria,
    days,
    moments,
    names,
    refs,
    texts,
)

__all__ = [
    "MAX_ID",
    "BadInput",
    "Ids",
    "Refs",
    "activities",
    "allocations",
    "amounts",
    "applications",
    "assessments",
    "bands",
    "changes",
    "counts",
    "criteria",
    "days",
    "draw_between",
    "draw_filters",
    "expenses",
    "extension_histories",
    "filter_values",
    "filters",
    "goals",
    "grants",
    "groupings",
    "invalid_inputs",
    "measures",
    "meetings",
    "mentorships",
    "moments",
    "names",
    "orderings",
    "pairings",
    "participations",
    "partnerships",
    "placement_needs",
    "populations",
    "programme",
    "programmes",
    "ranged_fields",
    "records",
    "refs",
    "rubrics",
    "samples",
    "schools",
    "secondments",
    "teachers",
    "texts",
]
