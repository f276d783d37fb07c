"""The connection pools of this process, one per connection string, shared and counted.

Every store opened on the same URL in a process borrows from the same
``psycopg_pool.ConnectionPool``: a store holds a connection only while it runs
a statement, a transaction or an unfinished ``find``, so many open trackers
(threads of a web application, say) need few server connections. The pool
closes when the last store using it closes.

A connection that sat unused for a while is checked (an empty query) before
it is lent, so one the server dropped meanwhile (a restart, an idle timeout)
is replaced instead of failing the caller's statement.
"""

from __future__ import annotations

import atexit
import threading
import time
import weakref

import attrs
from psycopg import Connection
from psycopg.rows import TupleRow
from psycopg_pool import ConnectionPool

CHECK_AFTER = 5.0
"""Seconds a connection may rest in the pool before it is checked on lending."""
WAIT = 30.0
"""Seconds a borrower waits for a free connection."""

_LOCK = threading.Lock()
_RESTED: weakref.WeakKeyDictionary[Connection[TupleRow], float] = weakref.WeakKeyDictionary()


@attrs.define
class _Shared:
    pool: ConnectionPool[Connection[TupleRow]]
    users: int


_POOLS: dict[str, _Shared] = {}


def stamp(conn: Connection[TupleRow]) -> None:
    """Note when ``conn`` was made, or is given back: from then on it rests."""
    _RESTED[conn] = time.monotonic()


def _check(conn: Connection[TupleRow]) -> None:
    """Check a connection that rested long enough for the server to have dropped it."""
    if time.monotonic() - _RESTED.get(conn, 0.0) > CHECK_AFTER:
        ConnectionPool.check_connection(conn)


def acquire(conninfo: str, size: int, name: str) -> ConnectionPool[Connection[TupleRow]]:
    """The pool for ``conninfo`` (opened on first use), counted as used once more."""
    with _LOCK:
        shared = _POOLS.get(conninfo)
        if shared is None:
            pool: ConnectionPool[Connection[TupleRow]] = ConnectionPool(
                conninfo,
                min_size=1,
                max_size=size,
                kwargs={"autocommit": True},
                configure=stamp,
                check=_check,
                timeout=WAIT,
                name=name,
                open=False,
            )
            pool.open(wait=False)
            shared = _POOLS[conninfo] = _Shared(pool, 0)
        shared.users += 1
        return shared.pool


def release(conninfo: str) -> None:
    """Count one user fewer; close the pool when nobody uses it."""
    with _LOCK:
        shared = _POOLS.get(conninfo)
        if shared is None:
            return
        shared.users -= 1
        if shared.users > 0:
            return
        del _POOLS[conninfo]
    shared.pool.close(timeout=5.0)


@atexit.register
def _close_all() -> None:
    with _LOCK:
        pools = [shared.pool for shared in _POOLS.values()]
        _POOLS.clear()
    for pool in pools:
        pool.close(timeout=1.0)
