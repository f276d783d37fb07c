"""``exchange copy``: every record and the change log from one store to another."""

from __future__ import annotations

import click

from .state import State, pass_state


@click.command(name="copy")
@click.argument("source")
@click.argument("destination")
@pass_state
def copy_(state: State, source: str, destination: str) -> None:
    """Copy every record from the store SOURCE to the empty store DESTINATION.

    Every rule is checked again on the way in, and the destination writes its
    own change log; all or nothing.

    \b
    Example:
        exchange copy bureau.db sqlite:////srv/exchange/province.db
    """
    from exchange import Tracker
    from exchange.copying import copy

    plugins = state.plugins()
    with (
        Tracker.open(source, plugins=plugins) as origin,
        Tracker.open(destination, plugins=plugins, actor=state.actor) as target,
    ):
        counts = copy(origin, target)
    total = sum(counts.values())
    click.echo(f"copied {total:,} records from {origin.url} to {target.url}")
