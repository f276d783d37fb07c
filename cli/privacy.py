"""``exchange purge`` and ``exchange retention``: erasing personal data (docs/privacy.md)."""

from __future__ import annotations

import click

from .help import LocalizedCommand
from .i18n import _
from .state import State, pass_state


@click.command(cls=LocalizedCommand, name="purge")
@click.argument("teacher")
@pass_state
def purge(state: State, teacher: str) -> None:
    """Erase TEACHER's personal data everywhere, the change log included.

    Blanks the phone and notes, the reasons of their secondments and pairs, and the
    notes on their goals, meetings and assessments, then destroys the key the change
    log sealed those values with: they can never be read again, and `exchange audit
    verify` still passes. TEACHER is an id or a ref (a deleted teacher's id too).

    \b
    Example:
        exchange purge T-001
    """
    done = state.tracker().purge(teacher)
    click.echo(
        _(
            "purged teacher {teacher}: {records:,} records blanked, key destroyed: {key}",
            teacher=done.teacher_id,
            records=done.records,
            key=_("yes") if done.key else _("no"),
        )
    )
    if not done.scrubbed:
        click.echo(_unscrubbed(), err=True)


def _unscrubbed() -> str:
    return _(
        "another program is reading the store: the erased bytes may stay in its "
        "write-ahead log file until every program using the store has closed it"
    )


@click.command(cls=LocalizedCommand, name="retention")
@click.option("--years", type=int, required=True, help="Keep personal data this many years.")
@click.option("--dry-run", is_flag=True, help="List who is due; erase nothing.")
@click.option("--apply", is_flag=True, help="Erase the personal data of who is due.")
@pass_state
def retention(state: State, years: int, dry_run: bool, apply: bool) -> None:
    """Erase the personal data of teachers with no secondment or pair for --years years.

    A teacher is due when their last secondment or pair ended (or, with none, they
    were first recorded) more than that many years ago and they still hold
    personal data. --dry-run lists them; --apply purges them all in one go.

    \b
    Example:
        exchange retention --years 5 --dry-run
        exchange retention --years 5 --apply
    """
    from exchange import retention as rules

    if dry_run == apply:
        raise click.UsageError(_("give --dry-run to list who is due, or --apply to erase"))
    tracker = state.tracker()
    listed = rules.apply(tracker, years) if apply else rules.due(tracker, years)
    for due in listed:
        click.echo(f"{due.teacher_id}\t{due.ref or ''}\t{due.name}\t{due.last.isoformat()}")
    verb = _("purged") if apply else _("due (nothing erased)")
    click.echo(_("{count:,} teachers {verb}", count=len(listed), verb=verb))
