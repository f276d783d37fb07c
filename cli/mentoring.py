"""``exchange mentor`` and ``programme``: mentor pairs, meetings, goals, the cascade."""

from __future__ import annotations

import attrs
import click

from .help import LocalizedGroup
from .i18n import _
from .output import emit, output_options
from .params import DAY
from .records import done, field, list_command, show_command
from .state import State, pass_state


@click.group(cls=LocalizedGroup)
def programme() -> None:
    """Programmes (百千万, 青蓝工程, 两个全覆盖): targets, capacity and quota thresholds."""


@programme.command(name="add")
@click.argument("name")
@click.option("--targets", default="", help="Teachers wanted per level, e.g. 100,1000,10000.")
@click.option(
    "--capacity", type=click.IntRange(min=1), help="Most mentees per mentor, all programmes."
)
@click.option(
    "--quota",
    "quotas",
    multiple=True,
    metavar="MEASURE=PERCENT",
    help="A quota threshold of the programme, e.g. lesson-coverage=100; repeat for more.",
)
@click.option("--ref", help="A unique code for the programme.")
@pass_state
def add_programme(
    state: State,
    name: str,
    targets: str,
    capacity: int | None,
    quotas: tuple[str, ...],
    ref: str | None,
) -> None:
    """Define a programme.

    \b
    Example:
        exchange programme add 百千万 --targets 100,1000,10000 --capacity 10
        exchange programme add 两个全覆盖 --quota trained-coverage=100 --quota lesson-coverage=100
        exchange programme add 惠贞师徒结对 --capacity 3
    """
    from exchange import Programme

    thresholds = dict(_threshold(text) for text in quotas)
    record = Programme(
        name=name, targets=targets, mentor_capacity=capacity, thresholds=thresholds, ref=ref
    )
    done(state.tracker().add(record), "added")


@programme.command(name="threshold")
@click.argument("name")
@click.argument("measure")
@click.argument("percent")
@pass_state
def set_threshold(state: State, name: str, measure: str, percent: str) -> None:
    """Set the percent quota MEASURE must reach in programme NAME (by name, id or ref);
    `exchange report quotas --programme NAME` then uses it.

    \b
    Example:
        exchange programme threshold 两个全覆盖 lesson-coverage 90
    """
    tracker = state.tracker()
    with tracker.transaction():
        found = tracker.programme(name)
        thresholds = {**dict(found.thresholds), measure.strip(): percent}
        done(tracker.update(attrs.evolve(found, thresholds=thresholds)), "updated")


def _threshold(text: str) -> tuple[str, str]:
    """``lesson-coverage=100`` → ``("lesson-coverage", "100")``."""
    measure, equals, percent = text.partition("=")
    if not equals:
        raise click.BadParameter(
            _("{text!r} is not MEASURE=PERCENT", text=text), param_hint="--quota"
        )
    return measure.strip(), percent.strip()


programme.add_command(
    list_command(
        "programme",
        ["id", "ref", "name", "targets", "mentor_capacity", "thresholds"],
        example="exchange programme list",
    )
)
programme.add_command(show_command("programme", "exchange programme show 1"))


@click.group(cls=LocalizedGroup)
def mentor() -> None:
    """Mentor pairs (师徒结对), their meetings and goals, and the 百千万 cascade."""


@mentor.command(name="add")
@click.argument("mentor_key", metavar="MENTOR")
@click.argument("mentee")
@click.option("--programme", "programme_name", required=True, help="Programme name, e.g. 百千万.")
@click.option("--from", "starts_on", type=DAY, required=True, help="First day, e.g. 2025-03-26.")
@click.option("--ref", help="A unique code for the pair.")
@pass_state
def add_pair(
    state: State, mentor_key: str, mentee: str, programme_name: str, starts_on: str, ref: str | None
) -> None:
    """Pair MENTOR with MENTEE (teachers by id or ref).

    \b
    Example:
        exchange mentor add T-001 T-102 --programme 百千万 --from 2025-03-26 --ref M-1
    """
    record = state.tracker().pair_mentor(
        mentor_key, mentee, programme=programme_name, starts_on=starts_on, ref=ref
    )
    done(record, "paired")


@mentor.command()
@click.argument("key")
@click.option("--on", "on", type=DAY, required=True, help="The last day.")
@click.option("--reason", help="Give one to end the pair early (提前结束); omit to complete it.")
@pass_state
def end(state: State, key: str, on: str, reason: str | None) -> None:
    """Complete a pair (结业), or end it early with --reason.

    \b
    Example:
        exchange mentor end M-1 --on 2025-11-01 --reason 调离
    """
    tracker = state.tracker()
    if reason:
        done(tracker.end_mentorship(key, reason=reason, on=on), "ended")
    else:
        done(tracker.complete_mentorship(key, on=on), "completed")


@mentor.command()
@click.argument("pair")
@click.option("--on", "held_on", type=DAY, required=True, help="Day of the meeting.")
@click.option("--minutes", required=True, type=click.IntRange(1, 1440), help="How long.")
@click.option("--kind", required=True, help="听课, 评课, 集体备课, 线上交流 or 其他.")
@click.option("--notes", default="", help="What was done.")
@pass_state
def meet(state: State, pair: str, held_on: str, minutes: int, kind: str, notes: str) -> None:
    """Log a meeting of a pair (the mentor logs; the mentee confirms).

    \b
    Example:
        exchange mentor meet M-1 --on 2025-03-27 --minutes 90 --kind 听课
    """
    tracker = state.tracker()
    record = tracker.log_meeting(pair, held_on=held_on, minutes=minutes, kind=kind, notes=notes)
    click.echo(
        _(
            "logged meeting {record_id}: {minutes} minutes, awaiting the mentee",
            record_id=record.id,
            minutes=record.minutes,
        )
    )


@mentor.command()
@click.argument("meeting")
@click.option("--by", "by", help="The mentee, by id or ref (default: the pair's).")
@click.option("--code", help="The code issued for the meeting (`exchange mentor code`).")
@pass_state
def confirm(state: State, meeting: str, by: str | None, code: str | None) -> None:
    """The mentee confirms a logged MEETING (by id or ref); only confirmed minutes count.

    Once the store has users (`exchange users`), only the mentee's own login
    confirms, or whoever types in the --code issued for the meeting.

    \b
    Example:
        exchange mentor confirm 1 --by T-102
    """
    record = state.tracker().confirm_meeting(meeting, by=by, code=code)
    total = state.tracker().confirmed_minutes(record.mentorship_id)
    click.echo(
        _(
            "confirmed meeting {record_id}; the pair has {total} confirmed minutes",
            record_id=record.id,
            total=total,
        )
    )


@mentor.command()
@click.argument("meeting")
@pass_state
def code(state: State, meeting: str) -> None:
    """Issue a one-time code that confirms MEETING as its mentee, for a mentee with no
    login: hand it to them; `exchange mentor confirm MEETING --code CODE`. Only the
    pair's mentor or a coordinator issues one; a new code replaces the last, and the
    change log keeps only its salted digest.

    \b
    Example:
        exchange mentor code 1
    """
    click.echo(state.tracker().issue_code(meeting))


@mentor.command()
@click.argument("meeting", type=int)
@click.option("--on", "held_on", help="The right day, if it was wrong.")
@click.option("--minutes", type=click.IntRange(1, 1440), help="The right length, if it was wrong.")
@click.option("--kind", help="The right kind, if it was wrong.")
@click.option("--notes", help="The right notes, if they were wrong.")
@pass_state
def correct(
    state: State,
    meeting: int,
    held_on: str | None,
    minutes: int | None,
    kind: str | None,
    notes: str | None,
) -> None:
    """Correct a confirmed meeting: log a new, linked one for the mentee to confirm.

    A confirmed meeting is frozen. The correction names it, changes what is given,
    and counts instead of it once the mentee confirms the correction.

    \b
    Example:
        exchange mentor correct 1 --minutes 60
    """
    record = state.tracker().correct_meeting(
        meeting, held_on=held_on, minutes=minutes, kind=kind, notes=notes
    )
    click.echo(
        _(
            "logged meeting {record_id}, correcting meeting {corrects}: {minutes} minutes, "
            "awaiting the mentee",
            record_id=record.id,
            corrects=record.corrects,
            minutes=record.minutes,
        )
    )


@mentor.command()
@click.argument("pair")
@click.argument("title")
@click.option("--milestone", "milestones", multiple=True, help="A step towards it; repeat.")
@pass_state
def goal(state: State, pair: str, title: str, milestones: tuple[str, ...]) -> None:
    """Give a pair a goal with milestones (成长目标).

    \b
    Example:
        exchange mentor goal M-1 独立开设一节县级公开课 --milestone 听课二十节 --milestone 试讲
    """
    record = state.tracker().set_goal(pair, title, milestones=milestones)
    click.echo(
        _(
            "goal {record_id}: {record_title} ({milestones_count} milestones)",
            record_id=record.id,
            record_title=record.title,
            milestones_count=len(record.milestones),
        )
    )


@mentor.command()
@click.argument("goal_id", metavar="GOAL")
@click.argument("milestone", required=False)
@click.option("--on", "on", type=DAY, required=True, help="The day it was reached.")
@pass_state
def reach(state: State, goal_id: str, milestone: str | None, on: str) -> None:
    """Mark a GOAL's (by id or ref) MILESTONE reached, or the whole goal achieved.

    \b
    Example:
        exchange mentor reach 1 听课二十节 --on 2025-05-30
        exchange mentor reach 1 --on 2025-12-20
    """
    tracker = state.tracker()
    if milestone is None:
        record = tracker.achieve_goal(goal_id, on=on)
    else:
        record = tracker.reach_milestone(goal_id, milestone, on=on)
    click.echo(
        _("goal {record_id}: {percent} done", record_id=record.id, percent=f"{record.progress}%")
    )


@mentor.command()
@click.option("--programme", "programme_name", help="One programme (default: all pairs).")
@output_options
@pass_state
def tree(state: State, programme_name: str | None, output: str) -> None:
    """The cascade: teachers per level (against the programme's targets, if any).

    \b
    Example:
        exchange mentor tree --programme 百千万
    """
    from exchange import Programme
    from exchange.report import Column, Report, Table

    tracker = state.tracker()
    counts = tracker.cascade(programme=programme_name).counts()
    targets: tuple[int, ...] = ()
    if programme_name:
        found = list(tracker.find(Programme, name=programme_name))
        targets = found[0].targets if found else ()
    depth = max(len(counts), len(targets))
    rows = [
        [
            level,
            counts[level] if level < len(counts) else 0,
            targets[level] if level < len(targets) else None,
        ]
        for level in range(depth)
    ]
    table = Table(
        name="levels",
        columns=[
            Column(key="level", label="level", type="int"),
            Column(key="teachers", label="teachers", type="int"),
            Column(key="target", label="target", type="int"),
        ],
        rows=rows,
    )
    title = f"cascade of {programme_name}" if programme_name else "cascade of all pairs"
    emit(state, Report(title=title, tables=[table]), output)


mentor.add_command(
    list_command(
        "mentorship",
        ["id", "ref", "mentor_id", "mentee_id", "programme", "status", "starts_on", "ends_on"],
        [
            field("--programme", "programme", "Only this programme."),
            field("--mentor", "mentor_id", "Only this mentor (id or ref)."),
            field("--status", "status", "active, completed or ended."),
        ],
        "exchange mentor list --programme 百千万",
    )
)
mentor.add_command(show_command("mentorship", "exchange mentor show M-1"))
