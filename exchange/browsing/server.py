"""Datasette on a SQLite store, with the project's metadata and cell plugin."""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ConfigurationError
from ..i18n import message
from .metadata import PLUGIN, metadata

if TYPE_CHECKING:
    from datasette.app import Datasette

MISSING = message(
    "exchange browse needs Datasette: pip install 'teacher-exchange[browse]' "
    "(or pip install datasette)"
)


def require_datasette() -> None:
    """Refuse, naming the extra, when Datasette is not installed."""
    if importlib.util.find_spec("datasette") is None:
        raise ConfigurationError(MISSING)


def datasette(path: Path, lang: str) -> Datasette:
    """A Datasette instance on the store file ``path``, labelled in ``lang``, with the
    cells of :mod:`exchange.browsing.cells`; its start-up hooks have run."""
    require_datasette()
    from datasette.app import Datasette
    from datasette.plugins import pm

    from . import cells

    if not pm.is_registered(cells):
        pm.register(cells, name=PLUGIN)
    plain = Datasette([str(path)])
    database = plain.get_database()
    columns = asyncio.run(_columns(database))
    shown = Datasette([str(path)], metadata=metadata(database.name, columns, lang))
    asyncio.run(shown.invoke_startup())
    return shown


async def _columns(database: Any) -> dict[str, list[str]]:
    """The column names of every table and view of a Datasette database."""
    names = [*await database.table_names(), *await database.view_names()]
    return {name: await database.table_columns(name) for name in names}


def serve(path: Path, *, lang: str, host: str, port: int) -> None:
    """Serve the store file ``path`` at ``http://host:port/`` until interrupted."""
    import uvicorn

    app = datasette(path, lang).app()
    uvicorn.run(app, host=host, port=port, log_level="warning", lifespan="on", workers=1)


def fetch(path: Path, page: str, *, lang: str) -> tuple[int, str]:
    """The status and text of the page ``page`` (``/bureau/secondment_roster.json``) of
    the store file ``path``, as the server would send it, without serving."""
    shown = datasette(path, lang)

    async def get() -> tuple[int, str]:
        response = await shown.client.get(page)
        return response.status_code, response.text

    # Datasette prints a traceback of its own for a page it cannot find: the caller
    # says what went wrong in one line instead.
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return asyncio.run(get())
