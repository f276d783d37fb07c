"""The root ``exchange`` group, the error boundary and the entry point."""

from __future__ import annotations

import os
from typing import Any

import click

from .activities import activity
from .budget import budget
from .demo import demo
from .mentoring import mentor, programme
from .output import emit, output_options
from .rubrics import assess, assessment, rubric
from .schools import pairing, partnership, school, teacher
from .secondments import secondment
from .state import State, pass_state


class ExchangeGroup(click.Group):
    """Turns :class:`exchange.ExchangeError` into one line on stderr (exit 1), in one place.

    ``EXCHANGE_RAISE_ERRORS=1`` shows the traceback instead.
    """

    def invoke(self, ctx: click.Context) -> Any:
        from exchange.errors import ExchangeError

        try:
            return super().invoke(ctx)
        except ExchangeError as error:
            if os.environ.get("EXCHANGE_RAISE_ERRORS") == "1":
                raise
            raise click.ClickException(str(error)) from error

    def _load_plugin_commands(self, ctx: click.Context) -> None:
        if not getattr(self, "_plugins_loaded", False):
            self._plugins_loaded = True
            from exchange.plugins import default_plugins

            default_plugins().register_commands(self)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """Built-in commands first; plugin commands are loaded only when asked for."""
        found = super().get_command(ctx, cmd_name)
        if found is None:
            self._load_plugin_commands(ctx)
            found = super().get_command(ctx, cmd_name)
        return found

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command, plugins' included (for ``--help``)."""
        self._load_plugin_commands(ctx)
        return super().list_commands(ctx)


@click.group(cls=ExchangeGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="teacher-exchange", prog_name="exchange")
@click.option(
    "--db",
    metavar="URL",
    help="Store to use: a file path, sqlite:///FILE, memory:, or a plugin's URL. "
    "Beats EXCHANGE_DB, which beats the default file in the user data directory.",
)
@click.option("--actor", metavar="NAME", help="Who the change log records (default: the OS user).")
@click.pass_context
def cli(ctx: click.Context, db: str | None, actor: str | None) -> None:
    """Keep the records of teacher-exchange and mentoring programmes.

    \b
    Example:
        exchange --db bureau.db init
        exchange where
    """
    ctx.obj = State(db=db, actor=actor)
    ctx.call_on_close(ctx.obj.close)


@cli.command()
@pass_state
def where(state: State) -> None:
    """Print which store is in use and why.

    \b
    Example:
        EXCHANGE_DB=bureau.db exchange where
    """
    location = state.location()
    click.echo(f"{location.url}  (from {location.source})")


@cli.command()
@pass_state
def init(state: State) -> None:
    """Create the store (or bring its schema up to date) and print where it is.

    \b
    Example:
        exchange --db bureau.db init
    """
    tracker = state.tracker()
    click.echo(f"ready: {tracker.url} (schema version {tracker.backend.schema_version()})")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_state
def plugins(state: State, as_json: bool) -> None:
    """List the loaded plugins and the hooks each implements.

    \b
    Example:
        exchange plugins --json
    """
    import json

    import attrs

    infos = state.plugins().describe()
    if as_json:
        click.echo(json.dumps([attrs.asdict(i) for i in infos], ensure_ascii=False, indent=2))
        return
    for info in infos:
        source = f"{info.distribution} {info.version}" if info.distribution else "built-in"
        click.echo(f"{info.name}  ({source})")
        click.echo(f"    {', '.join(info.hooks)}")


@cli.command()
@click.argument("path", type=click.Path(dir_okay=False))
@pass_state
def backup(state: State, path: str) -> None:
    """Copy the store to a new SQLite file PATH, safely while others write.

    \b
    Example:
        exchange backup bureau-2025-11-23.db
    """
    state.tracker().backup(path)
    click.echo(f"backed up {state.tracker().url} to {path}")


@cli.group()
def audit() -> None:
    """Check the change log."""


@audit.command()
@pass_state
def verify(state: State) -> None:
    """Check the change log's hash chain; name the first broken entry.

    \b
    Example:
        exchange audit verify
    """
    entries = state.tracker().verify_log()
    click.echo(f"change log intact: {entries} entries")


for command in (
    demo,
    school,
    partnership,
    pairing,
    teacher,
    secondment,
    programme,
    mentor,
    activity,
    rubric,
    assess,
    assessment,
    budget,
):
    cli.add_command(command)


@cli.command()
@output_options
@pass_state
def formats(state: State, output: str) -> None:
    """List the output formats (built-in and from plugins).

    \b
    Example:
        exchange formats
    """
    from exchange.report import Column, Report, Table

    specs = state.plugins().formats
    rows = [[s.name, s.extension, s.description] for s in specs]
    table = Table(
        name="formats",
        columns=[Column(key=k, label=k) for k in ("name", "extension", "description")],
        rows=rows,
    )
    emit(state.plugins(), Report(title="formats", tables=[table]), output)


def main() -> None:
    """Console-script entry point."""
    cli.main(prog_name="exchange")


if __name__ == "__main__":  # pragma: no cover
    main()
