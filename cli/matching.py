"""``exchange match``: propose mentor pairs, explain them, then apply them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from .i18n import _
from .output import open_output, output_options
from .params import DAY
from .state import State, pass_state

if TYPE_CHECKING:
    from exchange.matching.plan import MentorPlan
    from exchange.report import Report

F = TypeVar("F", bound=Callable[..., Any])


@click.group()
def match() -> None:
    """Propose mentor pairs with the reasons; review, then apply them."""


PLAN_OPTIONS = [
    click.option("--programme", required=True, help="The programme, e.g. 百千万."),
    click.option(
        "--criteria",
        "criteria_file",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="A TOML criteria file: weights, must / must_not, pinned and forbidden "
        "pairs, within, capacity, [mentors] and [mentees] (docs/matching.md).",
    ),
    click.option(
        "--weight",
        "weights",
        multiple=True,
        metavar="NAME=N",
        help="A criterion's weight, beating the file's; repeat for more.",
    ),
    click.option(
        "--within",
        type=click.Choice(["province", "prefecture", "county"]),
        help="Candidates only in the same province, prefecture or county.",
    ),
    click.option(
        "--mentor-region",
        metavar="REGION",
        help="Mentors only at schools in this region (and what lies below it).",
    ),
    click.option(
        "--mentee-region",
        metavar="REGION",
        help="Mentees only at schools in this region (and what lies below it).",
    ),
    click.option(
        "--from",
        "starts_on",
        type=DAY,
        help="First day of the new pairs (default: today).",
    ),
]
"""The options that say which plan to compute."""


def plan_options(command: F) -> F:
    """Add :data:`PLAN_OPTIONS`."""
    for option in reversed(PLAN_OPTIONS):
        command = option(command)
    return command


def _plan(
    state: State,
    programme: str,
    criteria_file: Path | None,
    weights: tuple[str, ...],
    within: str | None,
    mentor_region: str | None,
    mentee_region: str | None,
    starts_on: dt.date | None,
) -> MentorPlan:
    import attrs

    from exchange.matching.planner import as_settings

    settings = as_settings(criteria_file)
    settings = attrs.evolve(
        settings,
        weights={**settings.weights, **dict(_weight(text) for text in weights)},
        within=within or settings.within,
        mentors=attrs.evolve(settings.mentors, region=mentor_region or settings.mentors.region),
        mentees=attrs.evolve(settings.mentees, region=mentee_region or settings.mentees.region),
    )
    return state.tracker().match_mentors(programme, criteria=settings, starts_on=starts_on)


def _weight(text: str) -> tuple[str, float]:
    name, _sep, value = text.partition("=")
    try:
        return name.strip(), float(value)
    except ValueError:
        raise click.BadParameter(
            _("{text!r} is not NAME=NUMBER", text=text), param_hint="--weight"
        ) from None


def report_options(command: F) -> F:
    """``-o FILE``, ``--lang`` and the output format."""
    command = output_options(command)
    command = click.option(
        "--lang", type=click.Choice(["en", "zh"]), help="Language (default: from LANG)."
    )(command)
    return click.option(
        "-o",
        "--output-file",
        "path",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Write to this file (needed for xlsx) instead of standard output.",
    )(command)


def _write(state: State, built: Report, output: str, path: Path | None, lang: str | None) -> None:
    if lang is not None:
        state.language = lang
    plugins = state.plugins()
    form = plugins.formats.get(output)
    if path is None and form.binary:
        raise click.UsageError(_("format {output!r} writes a file; add -o FILE", output=output))
    with open_output(path, binary=form.binary) as stream:
        built.render(output, stream, lang=state.lang(), plugins=plugins)
    if path is not None:
        click.echo(_("wrote {name} to {path}", name=built.title, path=path), err=True)


@match.command()
@plan_options
@click.option("--apply", "apply_", is_flag=True, help="Store the proposed pairs.")
@click.option(
    "--expect",
    metavar="DIGEST",
    help="With --apply: store the plan only if its digest is this one (the plan you reviewed).",
)
@report_options
@pass_state
def mentors(
    state: State,
    /,
    apply_: bool,
    expect: str | None,
    path: Path | None,
    lang: str | None,
    output: str,
    **request: Any,
) -> None:
    """Propose mentees' mentors in a programme: the best plan, each pair's score by
    criterion, and why anyone is left out. With --apply, store the pairs in one
    transaction (refused if the records changed since the plan was computed).

    \b
    Example:
        exchange match mentors --programme 百千万 --within prefecture
        exchange match mentors --programme 百千万 --format html -o plan.html
        exchange match mentors --programme 惠贞师徒结对 --mentor-region 广东省惠州市惠阳区 \\
            --mentee-region 贵州省黔西南州贞丰县 --apply
    """
    if expect is not None and not apply_:
        raise click.UsageError(_("--expect goes with --apply"))
    plan = _plan(state, **request)
    if apply_:
        _apply(state, plan, expect)
    _write(state, plan.report(), output, path, lang)
    if not apply_:
        click.echo(
            _(
                "plan {digest}: store it with --apply --expect {digest}",
                digest=plan.digest,
            ),
            err=True,
        )


def _apply(state: State, plan: MentorPlan, expect: str | None) -> None:
    from exchange.errors import StaleRecord
    from exchange.i18n import message

    if expect is not None and expect.strip() != plan.digest:
        raise StaleRecord(
            message(
                "the plan is now {digest}, not {expected}: its records or criteria changed "
                "since; review the new plan",
                digest=plan.digest,
                expected=expect.strip(),
            )
        )
    stored = state.tracker().apply_mentor_plan(plan)
    click.echo(
        _(
            "stored {count} mentor pairs of plan {digest}",
            count=len(stored),
            digest=plan.digest,
        ),
        err=True,
    )


@match.command()
@click.argument("mentee")
@click.argument("mentor_key", metavar="MENTOR")
@plan_options
@report_options
@pass_state
def why(
    state: State,
    /,
    mentee: str,
    mentor_key: str,
    path: Path | None,
    lang: str | None,
    output: str,
    **request: Any,
) -> None:
    """Why the plan pairs MENTEE with MENTOR, or not: the constraint the pair breaks,
    or the better pairs it would displace (teachers by id or ref).

    \b
    Example:
        exchange match why T-102 T-001 --programme 百千万
    """
    from exchange import Teacher
    from exchange.matching.tables import why_report

    plan = _plan(state, **request)
    tracker = state.tracker()
    first, second = tracker.get(Teacher, mentee), tracker.get(Teacher, mentor_key)
    names = {
        **{t.id or 0: (t.name, "") for t in (first, second)},
        **plan.names,
    }
    answer = plan.why(first.id or 0, second.id or 0)
    if output == "table" and path is None:  # the table cuts long cells; say it whole
        from exchange.i18n import localize

        click.echo(localize(answer.reason, state.lang()))
        click.echo()
    _write(state, why_report(answer, names), output, path, lang)
