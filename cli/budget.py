"""``exchange budget``: allocations, expenses and what is left."""

from __future__ import annotations

import click

from .help import LocalizedGroup
from .i18n import _
from .output import emit, output_options
from .params import DAY
from .state import State, pass_state


@click.group(cls=LocalizedGroup)
def budget() -> None:
    """Programme money (专项经费): allocate, spend, status."""


@budget.command()
@click.argument("pairing", required=False)
@click.option("--year", required=True, type=click.IntRange(1900, 2999), help="Budget year.")
@click.option("--amount", required=True, help="Yuan, e.g. 100000 or 2400.50.")
@click.option("--source", default="", help="Who grants it, e.g. 长沙市教育局.")
@click.option(
    "--organisation", help="The school, bureau or centre that holds it, instead of a pairing."
)
@click.option("--ref", help="A unique code for the allocation.")
@pass_state
def allocate(
    state: State,
    pairing: str | None,
    year: int,
    amount: str,
    source: str,
    organisation: str | None,
    ref: str | None,
) -> None:
    """Grant money to a PAIRING (id or ref), or to one --organisation, for a year; one
    allocation per holder and year.

    \b
    Example:
        exchange budget allocate HY-ZF-1 --year 2025 --amount 100000 --source 惠州市教育局 \\
            --ref B-2025
        exchange budget allocate --organisation DB-JTJ --year 2025 --amount 50000
    """
    record = state.tracker().allocate(
        pairing, year=year, amount=amount, source=source, organisation=organisation, ref=ref
    )
    if record.pairing_id is None:
        line = _(
            "allocated ¥{amount:,} to organisation {school_id} for {year} (allocation {record_id})",
            amount=record.amount,
            school_id=record.school_id,
            year=year,
            record_id=record.id,
        )
    else:
        line = _(
            "allocated ¥{amount:,} to pairing {pairing_id} for {year} (allocation {record_id})",
            amount=record.amount,
            pairing_id=record.pairing_id,
            year=year,
            record_id=record.id,
        )
    click.echo(line)


@budget.command()
@click.argument("allocation")
@click.argument("amount")
@click.option(
    "--category", required=True, help="差旅补助, 教研活动, 课程开发, 设备, 学生资助, 培训, 其他."
)
@click.option("--on", "spent_on", type=DAY, required=True, help="Day spent.")
@click.option("--description", default="", help="What it paid for.")
@click.option("--secondment", help="The secondment it paid for, by id or ref.")
@click.option("--activity", help="The activity it paid for, by id or ref.")
@click.option(
    "--allow-overspend", is_flag=True, help="Record it even beyond the allocation (flagged)."
)
@click.option("--programme", default="", help="The programme it belongs to, by name.")
@click.option("--ref", help="A unique code (e.g. the voucher number).")
@pass_state
def spend(
    state: State,
    allocation: str,
    amount: str,
    category: str,
    spent_on: str,
    description: str,
    secondment: str | None,
    activity: str | None,
    allow_overspend: bool,
    programme: str,
    ref: str | None,
) -> None:
    """Record AMOUNT yuan spent from an ALLOCATION (id or ref); overspending is refused.

    \b
    Example:
        exchange budget spend B-2025 2400 --category 差旅补助 --on 2025-09-01
    """
    tracker = state.tracker()
    record = tracker.spend(
        allocation,
        amount,
        category=category,
        spent_on=spent_on,
        description=description,
        secondment=secondment,
        activity=activity,
        allow_overspend=allow_overspend,
        programme=programme,
        ref=ref,
    )
    left = tracker.balance(record.allocation_id)
    click.echo(
        _(
            "spent ¥{amount:,} (expense {record_id}); ¥{left:,} left",
            amount=record.amount,
            record_id=record.id,
            left=left,
        )
    )


@budget.command()
@click.option("--year", type=click.IntRange(1900, 2999), help="Only this year.")
@output_options
@pass_state
def status(state: State, year: int | None, output: str) -> None:
    """Each allocation: granted, spent, left, approved overspend, and spending by
    category (the budget report: `exchange report budget` takes more filters).

    \b
    Example:
        exchange budget status --year 2025
    """
    given = {} if year is None else {"year": year}
    report = state.tracker().report("budget", **given)
    emit(state, report, output)
