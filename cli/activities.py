"""``exchange activity``: exchange events and who took part."""

from __future__ import annotations

import click

from .help import LocalizedGroup
from .i18n import _
from .params import DAY
from .records import done, field, list_command
from .state import State, pass_state


@click.group(cls=LocalizedGroup)
def activity() -> None:
    """Activities (示范课, 讲座, 培训, 研学 …) and their figures."""


@activity.command(name="add")
@click.argument("kind")
@click.argument("title")
@click.option("--on", "held_on", type=DAY, required=True, help="Day held, e.g. 2025-03-27.")
@click.option("--school", help="Where, by id or ref.")
@click.option("--teacher", help="Who gave it, by id or ref.")
@click.option("--pairing", help="The pairing it belongs to, by id or ref.")
@click.option("--partnership", help="The partnership it belongs to, by id or ref.")
@click.option("--lessons", type=click.IntRange(min=0), default=0, help="Lessons taught (节).")
@click.option("--attendees", type=click.IntRange(min=0), default=0, help="Person-times (人次).")
@click.option("--students", type=click.IntRange(min=0), default=0, help="Students taking part.")
@click.option("--notes", default="", help="Anything else.")
@click.option("--programme", default="", help="The programme it belongs to, by name.")
@click.option("--ref", help="A unique code for the activity.")
@pass_state
def add(
    state: State,
    kind: str,
    title: str,
    held_on: str,
    school: str | None,
    teacher: str | None,
    pairing: str | None,
    partnership: str | None,
    lessons: int,
    attendees: int,
    students: int,
    notes: str,
    programme: str,
    ref: str | None,
) -> None:
    """Log an activity of KIND (示范课, 专题讲座, 培训 … or English) called TITLE.

    \b
    Example:
        exchange activity add 示范课 "《函数的概念》" --on 2025-03-27 --school ZF-05 \\
            --lessons 2 --ref A-1
    """
    record = state.tracker().log_activity(
        kind,
        title,
        held_on=held_on,
        school=school,
        teacher=teacher,
        pairing=pairing,
        partnership=partnership,
        lessons=lessons,
        attendees=attendees,
        students=students,
        notes=notes,
        programme=programme,
        ref=ref,
    )
    done(record, "logged")


@activity.command()
@click.argument("key")
@click.argument("teachers", nargs=-1, required=True)
@pass_state
def attend(state: State, key: str, teachers: tuple[str, ...]) -> None:
    """Record that TEACHERS (ids or refs) took part in the activity KEY, all or none.

    \b
    Example:
        exchange activity attend A-1 T-102 T-103
    """
    tracker = state.tracker()
    with tracker.transaction():
        for teacher in teachers:
            tracker.take_part(key, teacher)
    click.echo(_("recorded {teachers_count} participants", teachers_count=len(teachers)))


activity.add_command(
    list_command(
        "activity",
        ["id", "ref", "kind", "title", "held_on", "school_id", "lessons", "attendees"],
        [
            field("--kind", "kind", "Only this kind."),
            field("--school", "school_id", "Only at this school (id or ref)."),
            field("--partnership", "partnership_id", "Only this partnership (id or ref)."),
        ],
        "exchange activity list --kind 示范课",
    )
)
