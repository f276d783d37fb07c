"""Turning driver exceptions into :class:`~exchange.errors.BackendError` a person can read."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from exchange import backend
from exchange.errors import BackendError
from exchange.i18n import Message, message

DRIVER_ERRORS = (sqlite3.Error, UnicodeEncodeError, OverflowError)
"""What the driver raises: sqlite3's own errors, and text or numbers it cannot bind."""


def _locked(where: str) -> Message:
    return message("{where} is locked by another program (gave up waiting for it)", where=where)


_BY_CODE: dict[str, Callable[[str], Message]] = {
    "SQLITE_BUSY": _locked,
    "SQLITE_LOCKED": _locked,
    "SQLITE_READONLY": lambda where: message(
        "{where} is read-only; open a writable copy to make changes", where=where
    ),
    "SQLITE_NOTADB": lambda where: message("{where} is not a SQLite database", where=where),
    "SQLITE_CORRUPT": lambda where: message(
        "{where} is damaged (the SQLite file is malformed)", where=where
    ),
    "SQLITE_FULL": lambda where: message("cannot write to {where}: the disk is full", where=where),
    "SQLITE_CANTOPEN": lambda where: message(
        "cannot open {where} (check that the path and permissions are right)", where=where
    ),
    "SQLITE_IOERR": lambda where: message(
        "cannot read or write {where} (disk I/O error)", where=where
    ),
    "SQLITE_PERM": lambda where: message(
        "{where} cannot be written: permission denied", where=where
    ),
}


def _primary_code(exc: sqlite3.Error) -> str:
    """``SQLITE_BUSY`` for ``SQLITE_BUSY_SNAPSHOT``: the extended code's family."""
    name = getattr(exc, "sqlite_errorname", None) or ""
    return "_".join(name.split("_")[:2])


def translate(exc: BaseException, where: str) -> BackendError:
    """A :class:`BackendError` for a driver exception raised while using ``where``."""
    if isinstance(exc, UnicodeEncodeError):
        return backend.not_unicode(where)
    if isinstance(exc, OverflowError):
        return backend.too_large(where)
    if isinstance(exc, sqlite3.ProgrammingError) and "closed" in str(exc):
        return backend.closed()
    if isinstance(exc, sqlite3.Error):
        said = _BY_CODE.get(_primary_code(exc))
        if said is not None:
            return BackendError(said(where))
        if "integer overflow" in str(exc):
            return BackendError(
                message("a total in {where} is too large for a 64-bit integer", where=where)
            )
    return BackendError(message("SQLite failed on {where}: {error}", where=where, error=str(exc)))
