"""``exchange teacher where`` and ``exchange school who``: who was where on a day."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import click

from .help import LocalizedCommand
from .output import emit, output_options
from .params import DAY
from .state import State, pass_state

if TYPE_CHECKING:
    from exchange import Secondment
    from exchange.report import Column

DAY_HELP = "The day, e.g. 2025-10-09 (default: today)."


def _day(on: dt.date | None) -> dt.date:
    return on if on is not None else dt.date.today()


def _placement(secondment: Secondment | None) -> list[Any]:
    """The secondment's name, kind, first and last day and status (blank at home)."""
    if secondment is None:
        return ["", "", None, None, ""]
    from exchange.lifecycle import last_day

    name = secondment.ref or str(secondment.id)
    return [name, secondment.kind, secondment.starts_on, last_day(secondment), secondment.status]


def _columns(*first: Column) -> list[Column]:
    """``first``, then the columns of :func:`_placement`."""
    from exchange.report import Column

    return [
        *first,
        Column(key="secondment", label="secondment"),
        Column(key="kind", label="kind"),
        Column(key="starts_on", label="starts", type="date"),
        Column(key="ends_on", label="ends", type="date"),
        Column(key="status", label="status"),
    ]


@click.command(cls=LocalizedCommand)
@click.argument("teacher")
@click.option("--on", type=DAY, help=DAY_HELP)
@output_options
@pass_state
def where(state: State, teacher: str, on: dt.date | None, output: str) -> None:
    """Where a teacher was on a day: the host school of a secondment, or home.

    \b
    Example:
        exchange teacher where T-001 --on 2025-10-09
    """
    from exchange import School, Teacher
    from exchange.report import Column, Report, Table

    tracker = state.tracker()
    day, person = _day(on), tracker.get(Teacher, teacher)
    secondment = tracker.whereabouts(person.id or 0, day)
    school = secondment.host_school_id if secondment else person.school_id
    row = [person.name, day, tracker.get(School, school).name, *_placement(secondment)]
    columns = _columns(
        Column(key="teacher", label="teacher"),
        Column(key="on", label="day", type="date"),
        Column(key="school", label="school"),
    )
    emit(
        state,
        Report(
            title="whereabouts", tables=[Table(name="whereabouts", columns=columns, rows=[row])]
        ),
        output,
    )


@click.command(cls=LocalizedCommand)
@click.argument("school")
@click.option("--on", type=DAY, help=DAY_HELP)
@output_options
@pass_state
def who(state: State, school: str, on: dt.date | None, output: str) -> None:
    """Who was at a school on a day: its own teachers not seconded elsewhere, then
    the teachers seconded to it.

    \b
    Example:
        exchange school who ZF-05 --on 2025-10-09
    """
    from exchange import School
    from exchange.report import Column, Report, Table

    tracker = state.tracker()
    day = _day(on)
    homes: dict[int, str] = {}
    rows = []
    for presence in tracker.present(school, day):
        home = presence.teacher.school_id
        if home not in homes:
            homes[home] = tracker.get(School, home).name
        rows.append([presence.teacher.name, homes[home], *_placement(presence.secondment)])
    columns = _columns(
        Column(key="teacher", label="teacher"), Column(key="home_school", label="home school")
    )
    emit(
        state,
        Report(title="present", tables=[Table(name="present", columns=columns, rows=rows)]),
        output,
    )
