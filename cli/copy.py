"""``exchange copy``: every record and the change log from one store to another."""

from __future__ import annotations

import click

from .help import LocalizedCommand
from .i18n import _, current
from .progress import progress
from .state import State, pass_state


@click.command(cls=LocalizedCommand, name="copy")
@click.argument("source")
@click.argument("destination")
@click.option(
    "--append", is_flag=True,
    help="Add to a DESTINATION that already holds records: new ids, every rule checked again.",
)  # fmt: skip
@pass_state
def copy_(state: State, source: str, destination: str, append: bool) -> None:
    """Copy every record and the change log from the store SOURCE to DESTINATION.

    Into an empty store the copy is exact: the same ids, and the change log entry
    for entry, so `exchange audit verify` passes there. With --append the records
    get new ids and the log entries follow the destination's own. Each record
    type is read back and its count and checksum compared; all or nothing.

    \b
    Example:
        exchange copy bureau.db postgresql://exchange@db.example/province
        exchange copy postgresql://exchange@db.example/province backup.db
    """
    from exchange import Tracker
    from exchange.copying import COPIED_TYPES, Copied, copy
    from exchange.i18n import table_name

    def report(copied: Copied) -> None:
        name = table_name(copied.table, current())
        line = _("{table}: {count:,} copied, sha256 {checksum}", table=name, count=copied.count,
                 checksum=copied.checksum[:16])  # fmt: skip
        click.echo(line)

    _must_exist(source)
    plugins = state.plugins()
    with (
        Tracker.open(source, plugins=plugins) as origin,
        Tracker.open(destination, plugins=plugins, actor=state.actor) as target,
    ):
        if origin.url == target.url:
            raise click.UsageError(_("SOURCE and DESTINATION are the same store"))
        total = sum(origin.backend.count(cls, {}) for cls in COPIED_TYPES)
        with progress(state, _("copying"), total) as tell:
            done = copy(origin, target, append=append, on_row=tell)
    for copied in done:  # printed once the copy has committed: a failed one printed nothing
        report(copied)
    total = sum(c.count for c in done)
    click.echo(
        _("copied and verified {total:,} rows from {source} to {destination}",
          total=total, source=origin.url, destination=target.url)
    )  # fmt: skip


def _must_exist(url: str) -> None:
    """Refuse a SOURCE file that is not there, which opening would create empty."""
    from exchange.urls import sqlite_file

    path = sqlite_file(url)
    if path is not None and not path.is_file():
        raise click.ClickException(_("no store to copy from: {path} does not exist", path=path))
