"""Turning psycopg exceptions into one line a person can act on, never with a password.

:func:`refused_connection` reads why libpq could not connect (the server is
not there, the password is wrong, the database is missing …); :func:`translate`
handles everything raised once connected. Both return a
:class:`~exchange.errors.BackendError`; no driver exception leaves the backend.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import psycopg
from psycopg import errors as pg

from exchange import backend
from exchange.errors import BackendError
from exchange.i18n import Message, message

from .url import Target

DRIVER_ERRORS = (psycopg.Error, UnicodeEncodeError, OverflowError)
"""What the driver raises: psycopg's errors, and text or numbers it cannot send."""

MINIMUM_VERSION = 130000
"""The oldest server this release works with (PostgreSQL 13), as ``server_version_num``."""

_CONNECT_REASONS: tuple[tuple[re.Pattern[str], Callable[..., Message]], ...] = (
    (
        re.compile(r"password authentication failed|no password supplied", re.I),
        lambda **fields: message(
            "PostgreSQL at {server} refused the password of user {user} "
            "(check the password in the URL, PGPASSWORD or ~/.pgpass)",
            **fields,
        ),
    ),
    (
        re.compile(r'database "[^"]*" does not exist', re.I),
        lambda **fields: message(
            "the PostgreSQL database {database} does not exist on {server}; "
            "create it first (createdb {database})",
            **fields,
        ),
    ),
    (
        re.compile(r'role "[^"]*" does not exist', re.I),
        lambda **fields: message("PostgreSQL at {server} has no user {user}", **fields),
    ),
    (
        re.compile(r"no pg_hba\.conf entry", re.I),
        lambda **fields: message(
            "PostgreSQL at {server} does not let user {user} connect to {database} from here "
            "(no pg_hba.conf entry)",
            **fields,
        ),
    ),
    (
        re.compile(r"definition of service \"[^\"]*\" not found", re.I),
        lambda **fields: message(
            "the PostgreSQL service named in {url} is not defined (check pg_service.conf)",
            **fields,
        ),
    ),
    (
        re.compile(
            r"Connection refused|could not connect|timeout expired|failed to resolve host|"
            r"could not translate host name|No such file or directory|Network is unreachable|"
            r"No route to host",
            re.I,
        ),
        lambda **fields: message(
            "cannot reach the PostgreSQL server at {server}: {reason}", **fields
        ),
    ),
    (
        re.compile(r"the database system is (starting up|shutting down|in recovery mode)", re.I),
        lambda **fields: message(
            "the PostgreSQL server at {server} is not accepting connections yet: {reason}",
            **fields,
        ),
    ),
)


def reason(error: BaseException) -> str:
    """The gist of a driver message on one line: the server's words, not libpq's preamble."""
    text = " ".join(str(error).split())
    text = re.sub(r"^connection (failed|is bad):\s*", "", text)
    text = re.sub(r'^connection to server (at|on) "[^"]*"(, port \d+)? failed:\s*', "", text)
    text = re.sub(r"^(FATAL|ERROR):\s*", "", text)
    text = re.sub(r"\s*Is the server running.*$", "", text)
    return text.rstrip(".") or type(error).__name__


def refused_connection(error: BaseException, target: Target) -> BackendError:
    """Why connecting to ``target`` failed, in one line."""
    why = reason(error)
    fields = {
        "server": target.server,
        "user": target.user,
        "database": target.database,
        "url": target.url,
        "reason": why,
    }
    for pattern, said in _CONNECT_REASONS:
        if pattern.search(str(error)):
            return BackendError(target.scrub(said(**fields)))
    return BackendError(
        target.scrub(message("cannot connect to {where}: {reason}", where=target.where, reason=why))
    )


def too_old(version: int, target: Target) -> BackendError | None:
    """A :class:`BackendError` when the server is older than PostgreSQL 13."""
    if version >= MINIMUM_VERSION:
        return None
    shown = f"{version // 10000}.{version % 10000}" if version >= 100000 else str(version)
    return BackendError(
        message(
            "the PostgreSQL server at {server} runs version {version}; "
            "teacher-exchange needs PostgreSQL 13 or later",
            server=target.server,
            version=shown,
        )
    )


def translate(error: BaseException, target: Target, *, in_transaction: bool) -> BackendError:
    """A :class:`BackendError` for an exception raised while using ``target``."""
    where = target.where
    said: Message
    if isinstance(error, UnicodeEncodeError):
        return backend.not_unicode(where)
    if isinstance(error, OverflowError | pg.NumericValueOutOfRange):
        return backend.too_large(where)
    if _lost(error) and in_transaction:
        said = message(
            "the connection to {where} was lost in the middle of a transaction "
            "({reason}); nothing of the transaction was saved",
            where=where,
            reason=reason(error),
        )
    elif _lost(error):
        said = message(
            "the connection to {where} was lost ({reason}); try again",
            where=where,
            reason=reason(error),
        )
    elif isinstance(error, pg.LockNotAvailable):
        said = message(
            "another program kept {where} locked for longer than {seconds:g} s; "
            "try again (or raise ?lock_timeout= in the URL)",
            where=where,
            seconds=target.lock_timeout,
        )
    elif isinstance(error, pg.InFailedSqlTransaction):
        said = message(
            "an earlier error aborted the transaction on {where}; nothing of it was saved",
            where=where,
        )
    elif isinstance(error, pg.InsufficientPrivilege):
        said = message(
            "PostgreSQL user {user} may not do this on {where}: {reason}",
            user=target.user,
            where=where,
            reason=reason(error),
        )
    elif isinstance(error, pg.ReadOnlySqlTransaction):
        said = message(
            "{where} is read-only (a standby server?); connect to the primary to write",
            where=where,
        )
    elif isinstance(error, pg.DiskFull):
        said = message("cannot write to {where}: the server's disk is full", where=where)
    elif isinstance(error, pg.QueryCanceled):
        said = message(
            "PostgreSQL cancelled a statement on {where}: {reason}",
            where=where,
            reason=reason(error),
        )
    elif isinstance(error, pg.UndefinedTable | pg.UndefinedColumn):
        said = message(
            "{where} lacks a table or column teacher-exchange needs: {reason}",
            where=where,
            reason=reason(error),
        )
    else:
        said = message("PostgreSQL failed on {where}: {reason}", where=where, reason=reason(error))
    return BackendError(target.scrub(said))


def _lost(error: BaseException) -> bool:
    """The connection is gone: the server ended it, or the network did."""
    if isinstance(error, pg.AdminShutdown | pg.CrashShutdown | pg.CannotConnectNow):
        return True
    if isinstance(error, psycopg.OperationalError) and not isinstance(error, pg.LockNotAvailable):
        if isinstance(error, pg.QueryCanceled):
            return False
        text = str(error).lower()
        return any(
            words in text
            for words in (
                "server closed the connection",
                "connection is closed",
                "connection is lost",
                "consuming input failed",
                "terminating connection",
                "the connection is lost",
                "ssl syscall error",
                "could not send data",
                "could not receive data",
                "eof detected",
            )
        )
    return False
