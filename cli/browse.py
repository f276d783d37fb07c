"""``exchange browse``: the store in Datasette, labelled in the command's language."""

from __future__ import annotations

import click

from .help import LocalizedCommand
from .i18n import _, current
from .state import State, pass_state


@click.command(cls=LocalizedCommand)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("-p", "--port", default=8001, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on.")  # fmt: skip
@click.option("--open", "open_browser", is_flag=True, help="Open the store in the web browser.")
@click.option(
    "--get",
    "page",
    metavar="PATH",
    help="Print the page at PATH (/bureau/secondment_roster.json …) and exit, instead of "
    "serving: for scripts and checks.",
)
@pass_state
def browse(state: State, host: str, port: int, open_browser: bool, page: str | None) -> None:
    """Open the store in Datasette, with names, words and yuan (the browse extra).

    Tables and columns are labelled in the language of --lang; the views
    (secondment_roster, mentoring_pairs, allocation_balances …) show names beside
    ids, words beside codes and money in yuan. SQLite stores only: copy another
    store to a file first. Needs pip install 'teacher-exchange[browse]'.

    \b
    Example:
        exchange --db bureau.db --lang zh browse --get /bureau/secondment_roster.json
        exchange --db bureau.db --lang zh browse --open
        exchange copy postgresql://exchange@db.example/province browse.db
        exchange --db browse.db browse --port 8002
    """
    from exchange import Tracker
    from exchange.browsing.server import require_datasette, serve
    from exchange.urls import redact, sqlite_file

    url = state.location().url
    path = sqlite_file(url)
    if path is None:
        raise click.ClickException(
            _("exchange browse opens SQLite files only; copy {url} to one first: "
              "exchange copy {url} browse.db", url=redact(url))
        )  # fmt: skip
    require_datasette()
    if not path.is_file():
        raise click.ClickException(_("no store to browse: {path} does not exist", path=path))
    Tracker.open(url, plugins=state.plugins()).close()  # brings the views up to date
    if page is not None:
        from exchange.browsing.server import fetch

        status, text = fetch(path, page, lang=current())
        if status >= 400:  # one line, not the error page
            raise click.ClickException(_("{page}: HTTP {status}", page=page, status=status))
        click.echo(text)
        return
    where = f"http://{host}:{port}/"
    click.echo(_("browsing {path} at {where} (Ctrl-C stops)", path=path, where=where), err=True)
    if open_browser:
        import webbrowser

        webbrowser.open(where)
    serve(path, lang=current(), host=host, port=port)
