"""A placement plan and a pair's explanation as reports, so every format (html, xlsx …)
and both languages print them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..i18n import Phrase
from ..report import Column, Report, Table
from .tables import answer_report, criteria_table, number, summary_table

if TYPE_CHECKING:
    from .placements import PlacementMatch
    from .plan import PlacementPlan, PlacementWhy


def placement_report(plan: PlacementPlan) -> Report:
    """Parameters (year, programme, digest) and five tables: the plan against the greedy
    one, the proposed secondments with each criterion's points, who and what is left
    out and why, the sending schools that keep teachers at home, and the criteria."""
    match: PlacementMatch = plan.solved.match
    parameters = {"year": plan.year, "programme": plan.programme or "", "digest": plan.digest}
    return Report(
        title="placement plan",
        parameters=parameters,
        tables=[
            summary_table(plan.score, plan.greedy, Phrase("greedy, one applicant at a time")),
            _placements(plan, match),
            _unplaced(plan),
            _senders(plan, match),
            criteria_table(match.criteria, match.settings, plan.weights),
        ],
    )


def _placements(plan: PlacementPlan, match: PlacementMatch) -> Table:
    columns = [
        Column(key="teacher", label="teacher"),
        Column(key="school", label="school"),
        Column(key="host", label="host school"),
        Column(key="subject", label="subject"),
        Column(key="starts_on", label="starts", type="date"),
        Column(key="ends_on", label="ends", type="date"),
        Column(key="total", label="total", type="number"),
        *(Column(key=c.name, label=c.heading, type="number") for c in match.criteria),
        Column(key="pinned", label="pinned"),
    ]
    rows = []
    for p in plan.placements:
        need = match.needs[match.need_index[p.need_id]].need
        rows.append(
            [
                *plan.names[p.teacher_id],
                *plan.openings[p.need_id],
                need.starts_on,
                need.ends_on,
                number(p.total),
                *(number(c.points) for c in p.contributions),
                p.pinned,
            ]
        )
    return Table(name="placements", title="proposed secondments", columns=columns, rows=rows)


def _unplaced(plan: PlacementPlan) -> Table:
    columns = [
        Column(key="side", label="side"),
        Column(key="name", label="teacher or host school"),
        Column(key="detail", label="school or subject"),
        Column(key="reason", label="reason"),
    ]
    rows = [
        [
            Phrase(u.side),
            *(plan.names[u.id] if u.side == "applicant" else plan.openings[u.id]),
            u.reason,
        ]
        for u in plan.unplaced
    ]
    return Table(name="unplaced", title="left out", columns=columns, rows=rows)


def _senders(plan: PlacementPlan, match: PlacementMatch) -> Table:
    sent: dict[int, int] = {}
    for p in plan.placements:
        school = match.inputs.teachers[p.teacher_id].school_id
        sent[school] = sent.get(school, 0) + 1
    columns = [
        Column(key="school", label="school"),
        Column(key="staff", label="teachers", type="int"),
        Column(key="keep_at_home", label="kept at home", type="int"),
        Column(key="away", label="away already", type="int"),
        Column(key="sendable", label="may send", type="int"),
        Column(key="sent", label="sent in the plan", type="int"),
    ]
    rows: list[list[Any]] = [
        [
            s.school.name,
            s.staff,
            s.school.keep_at_home,
            s.away,
            s.sendable,
            sent.get(s.school.id or 0, 0),
        ]
        for s in match.senders
    ]
    return Table(name="senders", title="sending schools", columns=columns, rows=rows)


def placement_why_report(why: PlacementWhy, plan: PlacementPlan) -> Report:
    """The answer to "why not this teacher at this need?": the reason, the pair's
    contributions and, when forcing it was worked out, whose need would change."""

    def teacher(teacher_id: int) -> str:
        return plan.names.get(teacher_id, (str(teacher_id), ""))[0]

    def need(need_id: int | None) -> str:
        if need_id is None:
            return ""
        host, subject = plan.openings.get(need_id, (str(need_id), ""))
        return f"{host} {subject}".strip()

    return answer_report(
        "why this placement",
        ("teacher", "need", "need in the plan", "need if forced"),
        [teacher(why.teacher_id), need(why.need_id), why.chosen, why.reason],
        why.contributions,
        [[teacher(s.teacher_id), need(s.planned), need(s.forced)] for s in why.shifts],
    )
