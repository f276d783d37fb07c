"""The ``assessments`` report: scores per criterion, totals, grades and the grade
distribution, per rubric and period.

Each target's assessments of one period are combined over their assessors by
the mean (:func:`exchange.scoring.combined`), criterion by criterion for the
top-level criteria; the grade is the rubric's band for the combined total.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from typing import Any

from exchange import Assessment, Mentorship, Pairing, Rubric, School, Secondment, Teacher, Tracker
from exchange.enums import Grade, Target
from exchange.lookups import lookup
from exchange.report import Chart, Column, Report, Table
from exchange.scoring import Result, combined, evaluate, shown

from .scope import resolve, schools_of

Results = dict[tuple[str, int], list[Result]]
"""Each assessor's result, per (period, target id)."""
CHART = Chart(
    title="grade distribution",
    kind="bar",
    table="grades",
    x="grade",
    y=("assessed",),
    series="period",
)


def assessments(
    tracker: Tracker,
    *,
    rubric: int | str | None = None,
    period: str | None = None,
    year: int | None = None,
    since: dt.date | str | None = None,
    until: dt.date | str | None = None,
) -> Report:
    """Per rubric: each target's combined scores and grade for each period, and
    how many targets got each grade."""
    scope = resolve(tracker, year=year, since=since, until=until)
    filters: dict[str, Any] = scope.dates("assessed_on")
    if period is not None:
        filters["period"] = period.strip()
    tables: list[Table] = []
    grades: list[list[Any]] = []
    for found in _rubrics(tracker, rubric):
        groups = _results(tracker, found, filters)
        if not groups:
            continue
        names = _target_names(tracker, found.target, [t for _, t in groups])
        rows = _score_rows(found, groups, names)
        tables.append(_scores(found, rows))
        grades += _grade_rows(found, groups, rows)
    parameters = {
        **scope.parameters,
        **({"rubric": rubric} if rubric is not None else {}),
        **({"period": period} if period is not None else {}),
    }
    return Report(
        title="assessments",
        parameters=parameters,
        tables=[*tables, _distribution(grades)],
        charts=[CHART],
    )


def _rubrics(tracker: Tracker, rubric: int | str | None) -> list[Rubric]:
    """The rubric asked for, or every rubric (archived ones too) by name and version."""
    if rubric is not None:
        return [tracker.get(Rubric, rubric)]
    return list(tracker.find(Rubric, include_archived=True, order_by=["name", "version"]))


def _results(tracker: Tracker, rubric: Rubric, filters: dict[str, Any]) -> Results:
    """Each assessment under ``rubric`` kept by ``filters``, scored, by period and target."""
    groups: Results = defaultdict(list)
    for assessment in tracker.find(
        Assessment, rubric_id=rubric.id, order_by=["period", "target_id"], **filters
    ):
        groups[assessment.period, assessment.target_id].append(
            evaluate(rubric, dict(assessment.scores))
        )
    return groups


def _score_rows(rubric: Rubric, groups: Results, names: dict[int, str]) -> list[list[Any]]:
    """Per period and target: the assessors, the mean score per top-level criterion, and
    the combined total and grade."""
    rows = []
    for (when, target), results in groups.items():
        result = combined(results, rubric)
        criteria = [
            shown(statistics.fmean(r.nodes[i].value for r in results))
            for i in range(len(rubric.criteria))
        ]
        total = shown(result.total)
        rows.append([names[target], when, len(results), *criteria, total, result.grade])
    return rows


def _scores(rubric: Rubric, rows: list[list[Any]]) -> Table:
    """The table of one rubric's scores, a column per top-level criterion."""
    return Table(
        name=f"rubric_{rubric.id}",
        title=_label(rubric),
        columns=[
            Column(key="target", label="assessed"),
            Column(key="period", label="period"),
            Column(key="assessors", label="assessors", type="int"),
            *(Column(key=c.key, label=c.name, type="number") for c in rubric.criteria),
            Column(key="total", label="total", type="number"),
            Column(key="grade", label="grade"),
        ],
        rows=rows,
    )


def _grade_rows(rubric: Rubric, groups: Results, rows: list[list[Any]]) -> list[list[Any]]:
    """Per period of ``groups`` and every grade: how many targets got it."""
    tally = Counter((when, result_grade) for _, when, *_, result_grade in rows)
    return [
        [_label(rubric), when, grade, tally[when, grade]]
        for when in sorted({when for when, _ in groups})
        for grade in Grade
    ]


def _distribution(grades: list[list[Any]]) -> Table:
    """The grade distribution of every rubric, charted by :data:`CHART`."""
    return Table(
        name="grades",
        title="grade distribution",
        columns=[
            Column(key="rubric", label="rubric"),
            Column(key="period", label="period"),
            Column(key="grade", label="grade"),
            Column(key="assessed", label="assessed", type="int"),
        ],
        rows=grades,
    )


def _label(rubric: Rubric) -> str:
    """How the tables name a rubric: its name and version."""
    return f"{rubric.name} v{rubric.version}"


def _target_names(tracker: Tracker, target: Target, ids: list[int]) -> dict[int, str]:
    """How a reader knows each assessed record: a teacher, a pair, two schools, a school."""
    if target is Target.SCHOOL:
        return {i: s.name for i, s in lookup(tracker, School, ids).items()}
    if target is Target.SECONDMENT:
        found = lookup(tracker, Secondment, ids)
        people = lookup(tracker, Teacher, (s.teacher_id for s in found.values()))
        return {i: people[s.teacher_id].name for i, s in found.items()}
    if target is Target.MENTORSHIP:
        pairs = lookup(tracker, Mentorship, ids)
        people = lookup(
            tracker, Teacher, [t for p in pairs.values() for t in (p.mentor_id, p.mentee_id)]
        )
        return {
            i: f"{people[p.mentor_id].name} → {people[p.mentee_id].name}" for i, p in pairs.items()
        }
    pairings = lookup(tracker, Pairing, ids)
    schools = lookup(
        tracker,
        School,
        [s for p in pairings.values() for s in schools_of(p)],
    )
    return {
        i: f"{schools[p.supporting_school_id].name} → {schools[p.supported_school_id].name}"
        for i, p in pairings.items()
    }
