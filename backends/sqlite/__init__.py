"""The ``sqlite:`` backend, the embedded default: records in a SQLite file.

``sqlite:///relative/path.db``, ``sqlite:////absolute/path.db``, or
``sqlite:///:memory:`` (also ``sqlite://``) for a database that lives as long
as the tracker. Options: ``?mode=ro`` opens the file read-only,
``?timeout=SECONDS`` sets how long a write waits for another program's lock
(5 by default).

The file has one table per record type, plus ``changes`` (the change log) and
``_sqlite_migrations``; it reads well in ``sqlite-utils`` and Datasette.
``sqlite_utils`` is imported only when a store is opened, to keep start-up fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from exchange import hookimpl
from exchange.registry import BackendSpec, Registry

if TYPE_CHECKING:
    from .store import SQLiteBackend


def open_sqlite(url: str) -> SQLiteBackend:
    """Open (creating and upgrading if need be) the SQLite store at a ``sqlite:`` URL."""
    from .store import SQLiteBackend

    return SQLiteBackend(url)


@hookimpl(trylast=True)
def register_backends(registry: Registry[BackendSpec]) -> None:
    """``sqlite:`` — records in a SQLite file, with foreign keys, WAL and migrations."""
    registry.add(
        BackendSpec(
            scheme="sqlite",
            open=open_sqlite,
            description="records in a SQLite file (the default); sqlite:///path.db",
        )
    )
