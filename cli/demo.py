"""``exchange demo``: build the sample programme from the seed articles and print its figures."""

from __future__ import annotations

import contextlib
import unicodedata
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .state import State, pass_state

if TYPE_CHECKING:
    from decimal import Decimal

    from exchange import Tracker
    from exchange.demo import DemoSummary, PartnershipFigures
    from exchange.urls import Location

TABLE_LABELS = {
    "partnerships": "协作关系",
    "schools": "学校",
    "pairings": "校校结对",
    "teachers": "教师",
    "secondments": "交流",
    "programmes": "带教项目",
    "mentorships": "师徒结对",
    "goals": "成长目标",
    "meetings": "师徒活动",
    "activities": "活动",
    "participations": "参训",
    "rubrics": "考核指标",
    "assessments": "考核",
    "allocations": "经费拨款",
    "expenses": "经费支出",
}
"""Chinese names of the record tables, for the line of stored records."""


@click.command()
@click.option(
    "--keep",
    metavar="PATH",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Build into this SQLite file and keep it. Without it (and without --db or "
    "EXCHANGE_DB) the demo uses a temporary database that is removed afterwards.",
)
@pass_state
def demo(state: State, keep: Path | None) -> None:
    """Build a sample programme from the four seed articles and print its figures.

    The programmes are 惠阳→贞丰, 长沙→怀化, 成华→丹巴 and 广州→清远: real schools,
    pairings and figures, with illustrative teacher names. Your default store is
    never touched unless --db or EXCHANGE_DB names it.

    \b
    Example:
        exchange demo
        exchange demo --keep demo.db
    """
    from exchange.demo import build_demo

    if keep is not None and state.db:
        raise click.UsageError("give --db or --keep, not both: each names the store to build in")
    with _store(state, keep) as (tracker, location):
        summary = build_demo(tracker)
        click.echo(f"{location.url}  (from {location.source})")
        if location.source == "temporary":
            click.echo("临时数据库，命令结束后删除；用 --keep PATH 保留。")
        click.echo()
        _print_summary(summary)


@contextlib.contextmanager
def _store(state: State, keep: Path | None) -> Iterator[tuple[Tracker, Location]]:
    """The tracker to build in and where it is: --keep, --db/EXCHANGE_DB, or a temporary file."""
    import tempfile

    from exchange import Tracker
    from exchange.urls import Location

    if keep is None and state.location().source != "default":
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


def _print_summary(summary: DemoSummary) -> None:
    stored = " · ".join(f"{TABLE_LABELS.get(t, t)} {n}" for t, n in summary.records.items())
    click.echo(f"写入记录：{stored}")
    click.echo()
    overview = _overview(summary.partnerships)
    for line in _table(overview, "l" + "r" * (len(overview[0]) - 1)):
        click.echo(line)
    click.echo()
    for line in _table(_activities(summary.partnerships), "llrrrr"):
        click.echo(line)


def _overview(figures: Sequence[PartnershipFigures]) -> list[list[str]]:
    """Rows of figures, one column per partnership."""
    from exchange import PartnershipKind, SecondmentKind

    rows: list[list[str]] = [
        ["", *(f.label for f in figures)],
        ["类型", *(PartnershipKind.parse(f.kind).zh for f in figures)],
        ["学校（所）", *(str(f.schools) for f in figures)],
        ["校校结对（对）", *(str(f.pairings) for f in figures)],
        ["教师（人）", *(str(f.teachers) for f in figures)],
        ["师徒结对（对）", *(str(f.mentorships) for f in figures)],
    ]
    rows += [
        [f"{kind.zh}（人次）", *(str(f.secondments[kind.value]) for f in figures)]
        for kind in SecondmentKind
    ]
    rows += [
        ["活动（次）", *(str(f.activity_count) for f in figures)],
        ["课时（节）", *(str(f.lessons) for f in figures)],
        ["参与人次", *(str(f.attendees) for f in figures)],
        ["学生（人）", *(str(f.students) for f in figures)],
        ["经费拨款（元）", *(_yuan(f.allocated) for f in figures)],
        ["经费支出（元）", *(_yuan(f.spent) for f in figures)],
        ["经费结余（元）", *(_yuan(f.left) for f in figures)],
    ]
    return rows


def _activities(figures: Sequence[PartnershipFigures]) -> list[list[str]]:
    """One row per partnership and activity kind that has activities."""
    from exchange import ActivityKind

    rows = [["协作关系", "活动类型", "次数", "课时（节）", "人次", "学生（人）"]]
    for f in figures:
        for kind, k in f.activities.items():
            if k.activities:
                numbers = (k.activities, k.lessons, k.attendees, k.students)
                rows.append([f.label, ActivityKind.parse(kind).zh, *map(str, numbers)])
    return rows


def _yuan(amount: Decimal) -> str:
    if amount == amount.to_integral_value():
        return f"{amount:,.0f}"
    return f"{amount:,.2f}"


def _width(text: str) -> int:
    """Columns ``text`` takes on a terminal: two for wide (CJK) characters."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _table(rows: Sequence[Sequence[str]], align: str) -> list[str]:
    """Aligned lines, a rule under the heading row; ``align`` has ``l`` or ``r`` per column."""
    widths = [max(_width(row[i]) for row in rows) for i in range(len(align))]
    lines = []
    for row in rows:
        cells = [
            cell + " " * (width - _width(cell))
            if side == "l"
            else " " * (width - _width(cell)) + cell
            for cell, width, side in zip(row, widths, align, strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines
