"""``exchange rubric``, ``assess`` and ``assessment``: weighted assessments of exchanges."""

from __future__ import annotations

import click

from .help import LocalizedCommand, LocalizedGroup
from .i18n import _
from .output import emit, output_options, record_detail
from .params import DAY
from .records import field, list_command
from .state import State, pass_state


@click.group(cls=LocalizedGroup)
def rubric() -> None:
    """Rubrics: weighted criterion trees with grade bands, versioned."""


@rubric.command(name="add")
@click.argument("source", metavar="FILE")
@pass_state
def add(state: State, source: str) -> None:
    """Define a rubric from a TOML or JSON FILE, or a shipped one by name.

    Defining a rubric of an existing name makes its next version; assessments
    keep the version they were made under. The file holds the same fields as
    ``Tracker.define_rubric`` takes (docs/domain.md, "Rubrics and assessments").

    \b
    Example:
        exchange rubric add exchange-teacher
    """
    from exchange.definitions import read_file, rubric_arguments

    found = state.tracker().define_rubric(**rubric_arguments(read_file(source)))
    leaves = ", ".join(f"{c.key} ({c.name})" for c in found.leaves())
    click.echo(
        _(
            "defined rubric {found_id}: {found_name} version {version}; scores: {leaves}",
            found_id=found.id,
            found_name=found.name,
            version=found.version,
            leaves=leaves,
        )
    )


rubric.add_command(
    list_command(
        "rubric", ["id", "ref", "name", "version", "target"], example="exchange rubric list"
    )
)


@rubric.command()
@click.argument("key")
@output_options
@pass_state
def show(state: State, key: str, output: str) -> None:
    """Show a rubric (by id or ref) with its criteria, weights and bands.

    \b
    Example:
        exchange rubric show 1
    """
    from exchange import Rubric

    emit(state, record_detail(state.tracker().get(Rubric, key)), output)


@click.command(cls=LocalizedCommand)
@click.argument("rubric_key", metavar="RUBRIC")
@click.argument("target")
@click.option("--period", required=True, help="For example 2025 or 2025-spring.")
@click.option("--assessor", required=True, help="Who assessed, e.g. 贞丰县教育局.")
@click.option("--on", "assessed_on", type=DAY, required=True, help="Day of the assessment.")
@click.option(
    "--score",
    "scores",
    multiple=True,
    metavar="KEY=VALUE",
    required=True,
    help="A leaf criterion's score: a number or a level (优秀, 良好 …); repeat for each.",
)
@click.option("--notes", default="", help="Comments.")
@pass_state
def assess(
    state: State,
    rubric_key: str,
    target: str,
    period: str,
    assessor: str,
    assessed_on: str,
    scores: tuple[str, ...],
    notes: str,
) -> None:
    """Record one assessor's scores of TARGET (by id or ref).

    TARGET is what the rubric assesses: a secondment, a mentor pair, a pairing or
    a school.

    \b
    Example:
        exchange assess 1 S-1 --period 2025 --assessor 贞丰县教育局 --on 2025-07-20 \\
            --score lessons=优秀 --score results=88 --score leadership=良好 \\
            --score collaboration=9
    """
    parsed = dict(_score(text) for text in scores)
    tracker = state.tracker()
    made = tracker.assess(
        rubric_key,
        target,
        period=period,
        assessor=assessor,
        scores=parsed,
        assessed_on=assessed_on,
        notes=notes,
    )
    result = tracker.result(made)
    from exchange.scoring import shown

    click.echo(
        _(
            "assessment {made_id}: total {total}, grade {grade_zh}",
            made_id=made.id,
            total=shown(result.total),
            grade_zh=result.grade.zh,
        )
    )


def _score(text: str) -> tuple[str, float | str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip() or not value.strip():
        raise click.BadParameter(
            _("{text!r}: write KEY=VALUE, e.g. teaching=92", text=text), param_hint="--score"
        )
    try:
        return key.strip(), float(value)
    except ValueError:
        return key.strip(), value.strip()


@click.group(cls=LocalizedGroup)
def assessment() -> None:
    """Assessments made under rubrics."""


assessment.add_command(
    list_command(
        "assessment",
        ["id", "rubric_id", "target_id", "period", "assessor", "assessed_on"],
        [
            field("--rubric", "rubric_id", "Only this rubric (id or ref)."),
            field("--period", "period", "Only this period."),
        ],
        "exchange assessment list --period 2025",
    )
)
