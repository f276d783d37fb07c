"""``exchange match``: propose mentor pairs or placements, explain them, then apply them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from .help import LocalizedGroup
from .i18n import _
from .output import open_output, output_options
from .params import DAY
from .state import State, pass_state

if TYPE_CHECKING:
    from exchange.matching.plan import MentorPlan, PlacementPlan
    from exchange.matching.settings import MatchSettings
    from exchange.report import Report

F = TypeVar("F", bound=Callable[..., Any])


@click.group(cls=LocalizedGroup)
def match() -> None:
    """Propose mentor pairs or placements with the reasons; review, then apply them."""


CRITERIA_OPTIONS = [
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
        "--must",
        multiple=True,
        metavar="NAME",
        help="A criterion every pair must meet (a value above 0), besides the file's; "
        "repeat for more.",
    ),
    click.option(
        "--within",
        type=click.Choice(["province", "prefecture", "county"]),
        help="Candidates only in the same province, prefecture or county.",
    ),
]
"""The options every plan reads: the criteria file, weights, ``--must``, ``--within``."""

PLAN_OPTIONS = [
    click.option("--programme", required=True, help="The programme, e.g. 百千万."),
    *CRITERIA_OPTIONS,
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
"""The options that say which mentor plan to compute."""

PLACEMENT_OPTIONS = [
    click.option("--year", type=int, required=True, help="The year of the needs, e.g. 2026."),
    click.option("--programme", help="Only the needs and applications of this programme."),
    *CRITERIA_OPTIONS,
]
"""The options that say which placement plan to compute."""


def _options(options: list[Any]) -> Callable[[F], F]:
    def add(command: F) -> F:
        for option in reversed(options):
            command = option(command)
        return command

    return add


plan_options = _options(PLAN_OPTIONS)
"""Add :data:`PLAN_OPTIONS`."""
placement_options = _options(PLACEMENT_OPTIONS)
"""Add :data:`PLACEMENT_OPTIONS`."""

APPLY_OPTIONS = [
    click.option("--apply", "apply_", is_flag=True, help="Store what the plan proposes."),
    click.option(
        "--expect",
        metavar="DIGEST",
        help="With --apply: store the plan only if its digest is this one (the plan you reviewed).",
    ),
]
apply_options = _options(APPLY_OPTIONS)
"""Add :data:`APPLY_OPTIONS`."""


def _plan(
    state: State,
    programme: str,
    criteria_file: Path | None,
    weights: tuple[str, ...],
    must: tuple[str, ...],
    within: str | None,
    mentor_region: str | None,
    mentee_region: str | None,
    starts_on: dt.date | None,
) -> MentorPlan:
    import attrs

    settings = _settings(criteria_file, weights, must, within)
    settings = attrs.evolve(
        settings,
        mentors=attrs.evolve(settings.mentors, region=mentor_region or settings.mentors.region),
        mentees=attrs.evolve(settings.mentees, region=mentee_region or settings.mentees.region),
    )
    return state.tracker().match_mentors(programme, criteria=settings, starts_on=starts_on)


def _placement_plan(
    state: State,
    year: int,
    programme: str | None,
    criteria_file: Path | None,
    weights: tuple[str, ...],
    must: tuple[str, ...],
    within: str | None,
) -> PlacementPlan:
    settings = _settings(criteria_file, weights, must, within)
    return state.tracker().match_placements(year, programme=programme, criteria=settings)


def _settings(
    criteria_file: Path | None, weights: tuple[str, ...], must: tuple[str, ...], within: str | None
) -> MatchSettings:
    """The criteria file's settings, with ``--weight``, ``--must`` and ``--within`` over them."""
    import attrs

    from exchange.matching.planner import as_settings

    settings = as_settings(criteria_file)
    required = list(settings.must)
    required += [name.strip() for name in must if name.strip() not in required]
    return attrs.evolve(
        settings,
        weights={**settings.weights, **dict(_weight(text) for text in weights)},
        must=required,
        within=within or settings.within,
    )


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
@apply_options
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
    _checked(apply_, expect)
    plan = _plan(state, **request)
    if apply_:
        _expected(plan.digest, expect)
        stored = state.tracker().apply_mentor_plan(plan)
        _stored(
            _("stored {count} mentor pairs of plan {digest}", count=len(stored), digest=plan.digest)
        )
    _shown(state, plan.report(), plan.digest, apply_, (output, path, lang))


def _checked(apply_: bool, expect: str | None) -> None:
    if expect is not None and not apply_:
        raise click.UsageError(_("--expect goes with --apply"))


def _stored(said: str) -> None:
    click.echo(said, err=True)


def _shown(
    state: State,
    built: Report,
    digest: str,
    applied: bool,
    where: tuple[str, Path | None, str | None],
) -> None:
    """Write the plan's report; unless it was applied, say how to apply it."""
    output, path, lang = where
    _write(state, built, output, path, lang)
    if not applied:
        _review(digest)


def _expected(digest: str, expect: str | None) -> None:
    """Refuse a plan that is no longer the one reviewed (``--expect``)."""
    from exchange.errors import StaleRecord
    from exchange.i18n import message

    if expect is not None and expect.strip() != digest:
        raise StaleRecord(
            message(
                "the plan is now {digest}, not {expected}: its records or criteria changed "
                "since; review the new plan",
                digest=digest,
                expected=expect.strip(),
            )
        )


def _review(digest: str) -> None:
    click.echo(_("plan {digest}: store it with --apply --expect {digest}", digest=digest), err=True)


@match.command()
@placement_options
@apply_options
@report_options
@pass_state
def placements(
    state: State,
    /,
    apply_: bool,
    expect: str | None,
    path: Path | None,
    lang: str | None,
    output: str,
    **request: Any,
) -> None:
    """Propose secondments for a year: teachers who applied to host schools' needs, each
    need up to its places, each sending school keeping its teachers at home; each
    placement's score by criterion, and why anyone or any need is left out. With
    --apply, store them as proposed secondments in one transaction (refused if the
    records changed since the plan was computed).

    \b
    Example:
        exchange import 岗位需求.csv --type 岗位需求
        exchange import 交流申请.csv --type 交流申请
        exchange match placements --year 2026 --must subject
        exchange match placements --year 2026 --format html -o placements.html
        exchange match placements --year 2026 --must subject --apply
    """
    _checked(apply_, expect)
    plan = _placement_plan(state, **request)
    if apply_:
        _expected(plan.digest, expect)
        stored = state.tracker().apply_placement_plan(plan)
        count, digest = len(stored), plan.digest
        _stored(
            _("stored {count} proposed secondments of plan {digest}", count=count, digest=digest)
        )
    _shown(state, plan.report(), plan.digest, apply_, (output, path, lang))


WHY_OPTIONS = [
    click.option(
        "--year",
        type=int,
        help="Ask about a placement of this year: TEACHER at the need SECOND (by id or ref).",
    ),
    click.option("--programme", help="The programme, e.g. 百千万 (needed for mentor pairs)."),
    *CRITERIA_OPTIONS,
    *PLAN_OPTIONS[len(CRITERIA_OPTIONS) + 1 :],
]
"""``why`` asks about a mentor pair, or with ``--year`` about a placement."""


@match.command()
@click.argument("first", metavar="TEACHER")
@click.argument("second", metavar="SECOND")
@_options(WHY_OPTIONS)
@report_options
@pass_state
def why(
    state: State,
    /,
    first: str,
    second: str,
    year: int | None,
    path: Path | None,
    lang: str | None,
    output: str,
    **request: Any,
) -> None:
    """Why the plan pairs TEACHER (a mentee) with SECOND (a mentor), or, with --year,
    places TEACHER at the need SECOND; or not: the constraint the pair breaks, or the
    better pairs it would displace (teachers and needs by id or ref).

    \b
    Example:
        exchange match why T-102 T-001 --programme 百千万
        exchange match why T-104 NEED-1 --year 2026
    """
    if year is not None:
        built, reason = _why_placed(state, first, second, year, **request)
    else:
        built, reason = _why_paired(state, first, second, **request)
    if output == "table" and path is None:  # the table cuts long cells; say it whole
        from exchange.i18n import localize

        click.echo(localize(reason, state.lang()))
        click.echo()
    _write(state, built, output, path, lang)


def _why_paired(state: State, mentee: str, mentor: str, **request: Any) -> tuple[Report, Any]:
    from exchange import Teacher
    from exchange.matching.tables import why_report

    if request["programme"] is None:
        raise click.UsageError(_("give --programme for a mentor pair, or --year for a placement"))
    plan = _plan(state, **request)
    tracker = state.tracker()
    one, other = tracker.get(Teacher, mentee), tracker.get(Teacher, mentor)
    names = {**{t.id or 0: (t.name, "") for t in (one, other)}, **plan.names}
    answer = plan.why(one.id or 0, other.id or 0)
    return why_report(answer, names), answer.reason


def _why_placed(
    state: State,
    teacher: str,
    need: str,
    year: int,
    *,
    programme: str | None,
    criteria_file: Path | None,
    weights: tuple[str, ...],
    must: tuple[str, ...],
    within: str | None,
    **mentor_only: Any,
) -> tuple[Report, Any]:
    from exchange import Need, Teacher
    from exchange.matching.placement_tables import placement_why_report

    if any(value is not None for value in mentor_only.values()):
        raise click.UsageError(
            _("--mentor-region, --mentee-region and --from are for mentor pairs")
        )
    plan = _placement_plan(state, year, programme, criteria_file, weights, must, within)
    tracker = state.tracker()
    answer = plan.why(tracker.get(Teacher, teacher).id or 0, tracker.get(Need, need).id or 0)
    return placement_why_report(answer, plan), answer.reason
