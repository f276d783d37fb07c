"""A PostgreSQL server for tests: found, given a scratch database, and cleaned up.

``EXCHANGE_TEST_POSTGRES_URL`` names the server (``.ci/postgres`` starts one
and sets it). Without it, the libpq defaults (``PGHOST``, the local socket …)
are tried, and used if they reach a server where a database can be created.
Tests ask :func:`find_server` and skip with its reason when there is none —
except in CI (``CI`` set), where a missing server must fail the run instead.
Every test run works in its own :func:`scratch_database`, dropped at the end.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import urllib.parse
from collections.abc import Iterator

import psycopg

from ..sql import quote
from .errors import reason
from .url import redact

ENV = "EXCHANGE_TEST_POSTGRES_URL"
"""The environment variable naming the server tests use."""
DEFAULTS_URL = "postgresql:///postgres"
"""Tried when :data:`ENV` is unset: the libpq defaults, database ``postgres``."""


def find_server() -> tuple[str | None, str]:
    """The URL of a server to test against, or ``None`` and why there is none."""
    url = os.environ.get(ENV)
    if url:
        return url, ""
    try:
        with psycopg.connect(DEFAULTS_URL, connect_timeout=2, autocommit=True) as conn:
            allowed = conn.execute(
                "SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user"
            ).fetchone()
    except psycopg.Error as error:
        return None, (
            f"no PostgreSQL server: {ENV} is not set and the libpq defaults reach none "
            f"({reason(error)}); run .ci/postgres or set {ENV}=postgresql://user:password@host/db"
        )
    if not allowed or not allowed[0]:
        return None, (
            f"{ENV} is not set and the PostgreSQL user of the libpq defaults may not create "
            "databases; set it to a server where the tests can"
        )
    return DEFAULTS_URL, ""


def require_server() -> str:
    """The server's URL, for a pytest fixture: without one, skip with the reason, or fail
    when ``CI`` is set (CI must run these tests, never quietly skip them)."""
    import pytest

    url, why = find_server()
    if url is None:
        if os.environ.get("CI"):
            pytest.fail(f"CI is set, so the PostgreSQL tests must run, but {why}")
        pytest.skip(why)
    return url


def with_database(url: str, database: str) -> str:
    """``url`` pointing at another database of the same server."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + database))


def with_options(url: str, **options: str) -> str:
    """``url`` with query options added (``schema=…``, ``application_name=…``)."""
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    query = [(k, v) for k, v in query if k not in options] + list(options.items())
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


@contextlib.contextmanager
def scratch_database(url: str, prefix: str = "exchange_test") -> Iterator[str]:
    """A new, empty database on the server of ``url`` (its URL), dropped afterwards
    along with any connection still open to it."""
    name = f"{prefix}_{os.getpid()}_{secrets.token_hex(4)}"
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {quote(name)}")
    except psycopg.Error as error:
        raise RuntimeError(
            f"cannot create a test database on {redact(url)}: {reason(error)}"
        ) from None
    try:
        yield with_database(url, name)
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {quote(name)} WITH (FORCE)")
