"""The ``postgresql:`` backend, for many users and province-scale data: records in a
PostgreSQL database (13 or later) through psycopg 3.

``postgresql://user:password@host:port/database`` (``postgres://`` too), or
``postgresql:///?service=NAME`` for a libpq service; any libpq parameter may
follow (``sslmode=require``), and three of teacher-exchange: ``?schema=NAME``
(the PostgreSQL schema holding the tables, ``public`` by default),
``?pool_size=N`` (connections per process, 10) and ``?lock_timeout=SECONDS``
(how long a write waits for another, 60). See :mod:`.url`.

The store has one table per record type, plus ``changes`` (the change log),
``_exchange_migrations`` and ``_exchange_ids``. psycopg is imported only when
a store is opened, so this plugin loads without it; opening a store without
it installed is a one-line :class:`~exchange.errors.ConfigurationError`.
"""

from __future__ import annotations

import importlib.util
from typing import TYPE_CHECKING

from exchange import hookimpl
from exchange.errors import ConfigurationError
from exchange.i18n import message
from exchange.registry import BackendSpec, Registry

if TYPE_CHECKING:
    from .store import PostgreSQLBackend

INSTALL = "pip install 'psycopg[binary,pool]'"
"""How to install what the backend needs."""


def open_postgresql(url: str) -> PostgreSQLBackend:
    """Open the store at a ``postgresql:`` URL, creating or upgrading its schema."""
    missing = [name for name in ("psycopg", "psycopg_pool") if not _installed(name)]
    if missing:
        raise ConfigurationError(
            message(
                "the postgresql: backend needs {module}, which is not installed; "
                "install it with: {command}",
                module=missing[0],
                command=INSTALL,
            )
            if len(missing) == 1
            else message(
                "the postgresql: backend needs {first} and {second}, which are not installed; "
                "install it with: {command}",
                first=missing[0],
                second=missing[1],
                command=INSTALL,
            )
        )
    try:
        from .store import PostgreSQLBackend
    except ImportError as error:  # installed, but broken (no libpq, say)
        raise ConfigurationError(
            message(
                "cannot load psycopg ({error}); reinstall: {command}",
                error=error,
                command=INSTALL,
            )
        ) from None
    return PostgreSQLBackend(url)


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


@hookimpl(trylast=True)
def register_backends(registry: Registry[BackendSpec]) -> None:
    """``postgresql:`` and ``postgres:`` — records in a PostgreSQL database."""
    for scheme in ("postgresql", "postgres"):
        registry.add(
            BackendSpec(
                scheme=scheme,
                open=open_postgresql,
                description=(
                    "records in a PostgreSQL database, for many users; "
                    f"{scheme}://user:password@host:port/database (needs {INSTALL})"
                ),
            )
        )
