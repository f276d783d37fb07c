"""Turning driver exceptions into :class:`~exchange.errors.BackendError` a person can read."""

from __future__ import annotations

import sqlite3

from exchange.errors import BackendError

DRIVER_ERRORS = (sqlite3.Error, UnicodeEncodeError, OverflowError)
"""What the driver raises: sqlite3's own errors, and text or numbers it cannot bind."""

_BY_CODE = {
    "SQLITE_BUSY": "{where} is locked by another program (gave up waiting for it)",
    "SQLITE_LOCKED": "{where} is locked by another program (gave up waiting for it)",
    "SQLITE_READONLY": "{where} is read-only; open a writable copy to make changes",
    "SQLITE_NOTADB": "{where} is not a SQLite database",
    "SQLITE_CORRUPT": "{where} is damaged (the SQLite file is malformed)",
    "SQLITE_FULL": "cannot write to {where}: the disk is full",
    "SQLITE_CANTOPEN": "cannot open {where} (check that the path and permissions are right)",
    "SQLITE_IOERR": "cannot read or write {where} (disk I/O error)",
    "SQLITE_PERM": "{where} cannot be written: permission denied",
}


def _primary_code(exc: sqlite3.Error) -> str:
    """``SQLITE_BUSY`` for ``SQLITE_BUSY_SNAPSHOT``: the extended code's family."""
    name = getattr(exc, "sqlite_errorname", None) or ""
    return "_".join(name.split("_")[:2])


def translate(exc: BaseException, where: str) -> BackendError:
    """A :class:`BackendError` for a driver exception raised while using ``where``."""
    if isinstance(exc, UnicodeEncodeError):
        return BackendError(
            f"cannot store text in {where}: it contains characters that are not valid "
            "Unicode (unpaired surrogates)"
        )
    if isinstance(exc, OverflowError):
        return BackendError(f"cannot store a number in {where}: it is larger than 64 bits")
    if isinstance(exc, sqlite3.ProgrammingError) and "closed" in str(exc):
        return BackendError("the tracker is closed")
    if isinstance(exc, sqlite3.Error):
        template = _BY_CODE.get(_primary_code(exc))
        if template is not None:
            return BackendError(template.format(where=where))
        if "integer overflow" in str(exc):
            return BackendError(f"a total in {where} is too large for a 64-bit integer")
    return BackendError(f"SQLite failed on {where}: {exc}")
