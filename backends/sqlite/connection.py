"""Opening the sqlite3 connection a ``sqlite:`` store runs on, with its pragmas."""

from __future__ import annotations

import os
import sqlite3
import urllib.parse

from exchange.i18n import message

from .errors import translate
from .url import Location


def describe(location: Location) -> str:
    """How messages name the database: ``the database file /path/x.db``."""
    if location.in_memory:
        return message("the in-memory database")
    return message("the database file {path}", path=os.path.abspath(location.path))


PRIVATE = 0o600
"""The mode of the database files a store creates: its owner's alone (SQLite gives its
-wal and -shm files the mode of the database)."""


def create_private(path: str | os.PathLike[str]) -> None:
    """Create ``path`` empty, readable and writable by its owner only, unless it exists
    (SQLite takes an empty file for a new database)."""
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE))
    except FileExistsError:
        pass
    except OSError:
        pass  # SQLite says in its own words why it cannot open the file


def connect(location: Location) -> sqlite3.Connection:
    """An autocommit connection (the store issues BEGIN and COMMIT) with the pragmas set.

    Refuses a file that is not a SQLite database with a
    :class:`~exchange.errors.BackendError`.
    """
    where = describe(location)
    target, uri = location.path, False
    if not location.in_memory and not location.read_only:
        create_private(location.path)
    if location.read_only and not location.in_memory:
        target = f"file:{urllib.parse.quote(os.path.abspath(location.path))}?mode=ro"
        uri = True
    try:
        conn = sqlite3.connect(target, uri=uri, isolation_level=None, timeout=location.timeout)
    except sqlite3.Error as exc:
        raise translate(exc, where) from exc
    try:
        _set_pragmas(conn, location)
        conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()  # is it a database?
    except sqlite3.Error as exc:
        conn.close()
        raise translate(exc, where) from exc
    return conn


def _set_pragmas(conn: sqlite3.Connection, location: Location) -> None:
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA secure_delete = ON")  # what a purge or an update frees is zeroed
    conn.execute(f"PRAGMA busy_timeout = {int(location.timeout * 1000)}")
    if location.in_memory or location.read_only:
        return
    try:
        conn.execute("PRAGMA journal_mode = WAL").fetchone()
    except sqlite3.OperationalError as exc:
        # a file the operating system will not let us write is still readable
        if getattr(exc, "sqlite_errorname", "") != "SQLITE_READONLY":
            raise
    conn.execute("PRAGMA synchronous = NORMAL")
