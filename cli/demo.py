"""``exchange demo``: build a sample of four real programmes and print its
main reports."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .help import LocalizedCommand
from .i18n import _, source_name
from .output import emit
from .state import State, pass_state

if TYPE_CHECKING:
    from exchange import Tracker
    from exchange.demo import DemoSummary
    from exchange.report import Report
    from exchange.urls import Location


@click.command(cls=LocalizedCommand)
@click.option(
    "--keep",
    metavar="PATH",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Build into this SQLite file and keep it. Without it (and without --db) the "
    "demo uses a temporary database that is removed afterwards.",
)
@pass_state
def demo(state: State, keep: Path | None) -> None:
    """Build a sample of four real programmes (惠阳→贞丰, 长沙→怀化 …) and print its reports.

    The programmes are 惠阳→贞丰, 长沙→怀化, 成华→丹巴 and 广州→清远: real schools,
    pairings and figures, with illustrative teacher names. It builds into --db
    when given (an empty store), never into EXCHANGE_DB's or the default store.

    \b
    Example:
        exchange demo
        exchange demo --keep demo.db
    """
    from exchange.demo import build_demo

    if keep is not None and state.db:
        raise click.UsageError(_("give --db or --keep, not both: each names the store to build in"))
    with _store(state, keep) as (tracker, location):
        summary = build_demo(tracker)
        click.echo(
            _("{url}  (from {source})", url=location.url, source=source_name(location.source))
        )
        if location.source == "temporary":
            click.echo(
                _("a temporary database, deleted when the command ends; keep it with --keep PATH.")
            )
        _print_reports(state, tracker, summary)


@contextlib.contextmanager
def _store(state: State, keep: Path | None) -> Iterator[tuple[Tracker, Location]]:
    """The tracker to build in and where it is: --keep, --db, or a temporary file."""
    import tempfile

    from exchange import Tracker
    from exchange.urls import Location

    if keep is None and state.location().source == "argument":
        tracker = state.tracker()  # closed by the root group
        yield tracker, Location(tracker.url, state.location().source)
        return
    with contextlib.ExitStack() as stack:
        if keep is not None:
            url, source = f"sqlite:///{keep}", "--keep"
        else:
            folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="exchange-demo-"))
            url, source = f"sqlite:///{Path(folder) / 'demo.db'}", "temporary"
        tracker = stack.enter_context(Tracker.open(url, plugins=state.plugins(), actor=state.actor))
        yield tracker, Location(tracker.url, source)


# -- printing ---------------------------------------------------------------------

DEMO_REPORTS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("summary", {}),
    ("coverage", {"region": "贵州省黔西南州贞丰县"}),
    ("mentoring", {"programme": "百千万"}),
    ("assessments", {}),
    ("budget", {}),
)
"""The reports the demo prints, with their filters (`exchange report NAME` prints any)."""


def _print_reports(state: State, tracker: Tracker, summary: DemoSummary) -> None:
    from exchange.i18n import table_name, translator

    lang = state.lang()
    say = translator(lang)
    stored = [f"{table_name(t, lang)} {n}" for t, n in summary.records.items()]
    for at in range(0, len(stored), 6):  # six to a line, so the line fits a terminal
        lead = f"{say('records')}: " if at == 0 else "  "
        click.echo(lead + " · ".join(stored[at : at + 6]))
    for name, filters in DEMO_REPORTS:
        _print_report(state, tracker.report(name, **filters))
    _print_plan(state, tracker)


def _print_report(state: State, report: Report) -> None:
    """A heading with the report's title, then the report as a table."""
    from exchange.i18n import translator

    title = translator(state.lang())(report.title)
    click.echo()
    click.echo(f"== {title} " + "=" * max(0, 60 - len(title)))
    emit(state, report, "table")


def _print_plan(state: State, tracker: Tracker) -> None:
    """The matching step: a plan for the 惠贞 pairs, and how to store it."""
    from exchange.demo import DEMO_MATCH, demo_plan

    _print_report(state, demo_plan(tracker).report())
    regions = DEMO_MATCH["criteria"]
    click.echo(
        _(
            "store it: exchange match mentors --programme {programme} --mentor-region "
            "{mentors} --mentee-region {mentees} --apply",
            programme=DEMO_MATCH["programme"],
            mentors=regions["mentors"]["region"],
            mentees=regions["mentees"]["region"],
        )
    )
    _print_placements(state, tracker)


def _print_placements(state: State, tracker: Tracker) -> None:
    """The placement step: 2026's applicants for 贞丰's and 怀化's needs."""
    from exchange.demo import DEMO_PLACEMENTS, demo_placements

    _print_report(state, demo_placements(tracker).report())
    click.echo(
        _(
            "store it: exchange match placements --year {year} --must {must} --apply",
            year=DEMO_PLACEMENTS["year"],
            must=" --must ".join(DEMO_PLACEMENTS["criteria"]["must"]),
        )
    )
