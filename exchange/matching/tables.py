"""A mentor plan and a pair's explanation as reports, so every format (html, xlsx …)
and both languages print them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..i18n import Phrase
from ..report import Column, Report, Table
from .criteria import Weighed
from .plan import Contribution, MentorPlan, Score, Why
from .settings import MatchSettings


def plan_report(plan: MentorPlan) -> Report:
    """Parameters (programme, start, score against the greedy plan, digest) and three
    tables: proposed pairs with each criterion's points, who is left out and why,
    and the criteria with their weights."""
    parameters = {"programme": plan.programme, "starts": plan.starts_on, "digest": plan.digest}
    return Report(
        title="mentor plan",
        parameters=parameters,
        tables=[_summary(plan), _pairs(plan), _unmatched(plan), _criteria(plan)],
    )


def number(value: float) -> float:
    return round(value, 3) + 0.0  # no -0.0


def _summary(plan: MentorPlan) -> Table:
    return summary_table(plan.score, plan.greedy, Phrase("greedy, one mentee at a time"))


def summary_table(score: Score, greedy: Score, greedy_label: Phrase) -> Table:
    """The plan's pairs and total beside the greedy plan's."""
    rows = [
        [Phrase("optimal"), score.pairs, number(score.total)],
        [greedy_label, greedy.pairs, number(greedy.total)],
    ]
    columns = [
        Column(key="plan", label="plan"),
        Column(key="pairs", label="pairs", type="int"),
        Column(key="total", label="total score", type="number"),
    ]
    return Table(
        name="summary", title="the plan against the greedy one", columns=columns, rows=rows
    )


def _pairs(plan: MentorPlan) -> Table:
    labels = plan.solved.match.criteria
    columns = [
        Column(key="mentee", label="mentee"),
        Column(key="mentee_school", label="mentee's school"),
        Column(key="mentor", label="mentor"),
        Column(key="mentor_school", label="mentor's school"),
        Column(key="total", label="total", type="number"),
        *(Column(key=c.name, label=c.heading, type="number") for c in labels),
        Column(key="pinned", label="pinned"),
    ]
    rows = [
        [
            *plan.names[p.mentee_id],
            *plan.names[p.mentor_id],
            number(p.total),
            *(number(c.points) for c in p.contributions),
            p.pinned,
        ]
        for p in plan.pairs
    ]
    return Table(name="pairs", title="proposed pairs", columns=columns, rows=rows)


def _unmatched(plan: MentorPlan) -> Table:
    columns = [
        Column(key="teacher", label="teacher"),
        Column(key="school", label="school"),
        Column(key="side", label="side"),
        Column(key="reason", label="reason"),
    ]
    rows = [[*plan.names[u.teacher_id], Phrase(u.side), u.reason] for u in plan.unmatched]
    return Table(name="unmatched", title="left out", columns=columns, rows=rows)


def _criteria(plan: MentorPlan) -> Table:
    match = plan.solved.match
    return criteria_table(match.criteria, match.settings, plan.weights)


def criteria_table(
    criteria: Iterable[Weighed], settings: MatchSettings, weights: Mapping[str, float]
) -> Table:
    """Each criterion with its heading, weight and hard constraint (must, must not)."""
    rows: list[list[Any]] = []
    for criterion in criteria:
        hard = (
            Phrase("must")
            if criterion.name in settings.must
            else Phrase("must not")
            if criterion.name in settings.must_not
            else ""
        )
        rows.append([criterion.name, Phrase(criterion.heading), weights[criterion.name], hard])
    columns = [
        Column(key="criterion", label="criterion"),
        Column(key="heading", label="heading"),
        Column(key="weight", label="weight", type="number"),
        Column(key="hard", label="hard constraint"),
    ]
    return Table(name="criteria", columns=columns, rows=rows)


def contributions_table(contributions: Iterable[Contribution]) -> Table:
    """Each criterion's value, weight and points for one pair."""
    return Table(
        name="contributions",
        columns=[
            Column(key="criterion", label="criterion"),
            Column(key="value", label="value", type="number"),
            Column(key="weight", label="weight", type="number"),
            Column(key="points", label="points", type="number"),
        ],
        rows=[[c.criterion, c.value, c.weight, number(c.points)] for c in contributions],
    )


def why_report(why: Why, names: dict[int, tuple[str, str]]) -> Report:
    """The answer to "why not this pair?": the reason, the pair's contributions and,
    when forcing it was worked out, whose mentor would change."""

    def name(teacher: int | None) -> str:
        return "" if teacher is None else names.get(teacher, (str(teacher), ""))[0]

    return answer_report(
        "why this pair",
        ("mentee", "mentor", "mentor in the plan", "mentor if forced"),
        [name(why.mentee_id), name(why.mentor_id), why.chosen, why.reason],
        why.contributions,
        [[name(m.mentee_id), name(m.planned), name(m.forced)] for m in why.moves],
    )


def answer_report(
    title: str,
    labels: tuple[str, str, str, str],
    answer: list[Any],
    contributions: Iterable[Contribution],
    moves: list[list[Any]],
) -> Report:
    """An answer about one pair: ``labels`` name its two sides and where the first one's
    partner is in the plan and once the pair is forced; ``answer`` is the row (the two
    sides, chosen, the reason) and ``moves`` the rows of whose partner would change."""
    first, second, planned, forced = labels
    return Report(
        title=title,
        tables=[
            Table(
                name="answer",
                columns=[
                    Column(key=first, label=first),
                    Column(key=second, label=second),
                    Column(key="chosen", label="chosen"),
                    Column(key="reason", label="reason"),
                ],
                rows=[answer],
            ),
            contributions_table(contributions),
            Table(
                name="moves",
                title="what forcing the pair would change",
                columns=[
                    Column(key=first, label=first),
                    Column(key="planned", label=planned),
                    Column(key="forced", label=forced),
                ],
                rows=moves,
            ),
        ],
    )
