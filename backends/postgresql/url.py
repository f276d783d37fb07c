"""Reading ``postgresql:`` URLs into libpq connection settings and options of ours.

``postgresql://user:password@host:port/database`` (also ``postgres://``), any
libpq parameter in the query (``sslmode=require``, ``service=NAME``, …), and
three options of teacher-exchange:

``schema=NAME``
    the PostgreSQL schema holding the tables (``public`` by default), so that
    several stores can share one database;
``pool_size=N``
    the most connections this process opens to the store (10 by default);
``lock_timeout=SECONDS``
    how long a write waits for another program's transaction (60 by default).

A password may also come from ``PGPASSWORD``, ``~/.pgpass`` or a service file,
as libpq reads them. The password never appears in :attr:`Target.url` or in a
message.
"""

from __future__ import annotations

import hashlib
import re
import urllib.parse
from collections.abc import Mapping

import attrs

from exchange.errors import ConfigurationError
from exchange.i18n import message, scrubbed

SCHEMES = ("postgresql", "postgres")
DEFAULT_SCHEMA = "public"
DEFAULT_POOL_SIZE = 10
DEFAULT_LOCK_TIMEOUT = 60.0
"""Seconds a write waits for another program's transaction before giving up."""
DEFAULT_CONNECT_TIMEOUT = "10"

_FORMS = (
    "postgresql://user:password@host:port/database (or postgresql:///?service=NAME; "
    "options: ?schema=NAME, ?pool_size=N, ?lock_timeout=SECONDS)"
)
_SCHEMA = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


@attrs.frozen
class Target:
    """Where a ``postgresql:`` URL points and how to connect."""

    url: str
    """The URL without its password."""
    conninfo: str
    """The libpq connection string (password included), with our session settings."""
    where: str
    """How messages name the store: ``the PostgreSQL database x on host:5432``."""
    server: str
    """How messages name the server: ``host:5432``."""
    user: str
    database: str
    schema: str
    pool_size: int
    lock_timeout: float
    password: str = attrs.field(default="", repr=False)
    """Kept only to scrub it from any message that might echo it."""

    @property
    def lock_key(self) -> int:
        """The advisory-lock key that serialises writers of this store (64 bits, signed)."""
        digest = hashlib.blake2b(f"teacher-exchange\0{self.schema}".encode(), digest_size=8)
        return int.from_bytes(digest.digest(), "big", signed=True)

    def scrub(self, text: str) -> str:
        """``text`` with the password, if it appears, replaced by ``***``."""
        return scrubbed(text, self.password) if len(self.password) >= 4 else text


def parse(url: str) -> Target:
    """Turn a ``postgresql:`` URL into a :class:`Target`; a bad URL is a ConfigurationError."""
    from psycopg import conninfo as libpq

    scheme, colon, _ = url.partition(":")
    shown = redact(url)
    if not colon or scheme.lower() not in SCHEMES:
        raise ConfigurationError(
            message("{url!r} is not a postgresql URL; use {forms}", url=shown, forms=_FORMS)
        )
    base, _, query = url.partition("?")
    kept, ours = _split_options(shown, query)
    schema = _schema(shown, ours.get("schema", DEFAULT_SCHEMA))
    pool_size = _pool_size(shown, ours.get("pool_size"))
    lock_timeout = _seconds(shown, "lock_timeout", ours.get("lock_timeout"))
    given = base + (
        "?" + urllib.parse.urlencode(kept, quote_via=urllib.parse.quote) if kept else ""
    )
    try:
        settings = libpq.conninfo_to_dict(given)
    except Exception as error:  # psycopg.ProgrammingError: libpq could not parse it
        reason = str(error).strip().splitlines()[0] if str(error).strip() else "unreadable"
        raise ConfigurationError(
            message(
                "cannot read the postgresql URL {url!r} ({reason}); use {forms}",
                url=shown,
                reason=_scrub(reason, url),
                forms=_FORMS,
            )
        ) from None
    password = str(settings.get("password") or "")
    options = str(settings.get("options") or "")
    lock_ms = int(lock_timeout * 1000)
    settings["options"] = (
        f"{options} -c search_path={schema} -c TimeZone=UTC -c lock_timeout={lock_ms}".strip()
    )
    settings["client_encoding"] = "UTF8"
    settings.setdefault("application_name", "teacher-exchange")
    settings.setdefault("connect_timeout", DEFAULT_CONNECT_TIMEOUT)
    server, database, user = _names(settings)
    where = message(
        "the PostgreSQL database {database} on {server}", database=database, server=server
    )
    if schema != DEFAULT_SCHEMA:
        where = message(
            "the PostgreSQL database {database} on {server} (schema {schema})",
            database=database,
            server=server,
            schema=schema,
        )
    return Target(
        url=shown,
        conninfo=libpq.make_conninfo(**settings),  # type: ignore[arg-type]
        where=where,
        server=server,
        user=user,
        database=database,
        schema=schema,
        pool_size=pool_size,
        lock_timeout=lock_timeout,
        password=password,
    )


def redact(url: str) -> str:
    """``url`` with any password removed (from the user part and from the query)."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    location, slash, tail = rest.partition("/")
    if "@" in location:
        userinfo, _, hosts = location.rpartition("@")
        location = userinfo.split(":", 1)[0] + "@" + hosts
    path, question, query = tail.partition("?")
    if question:
        pairs = urllib.parse.parse_qsl(query, keep_blank_values=True)
        kept = [(k, v) for k, v in pairs if k != "password"]
        query = urllib.parse.urlencode(kept, quote_via=urllib.parse.quote)
        question = "?" if kept else ""
    return f"{scheme}{sep}{location}{slash}{path}{question}{query}"


def _scrub(text: str, url: str) -> str:
    match = re.match(r"^[^:]+://[^:/@]*:([^@/]*)@", url)
    if match and len(match.group(1)) >= 4:
        text = text.replace(match.group(1), "***")
    return text


def _split_options(shown: str, query: str) -> tuple[list[tuple[str, str]], dict[str, str]]:
    try:
        pairs = urllib.parse.parse_qsl(query, keep_blank_values=True, strict_parsing=bool(query))
    except ValueError:
        raise ConfigurationError(
            message("cannot read the options of the URL {url!r}", url=shown)
        ) from None
    ours = {k: v for k, v in pairs if k in ("schema", "pool_size", "lock_timeout")}
    kept = [(k, v) for k, v in pairs if k not in ours]
    return kept, ours


def _schema(shown: str, schema: str) -> str:
    if not _SCHEMA.match(schema):
        raise ConfigurationError(
            message(
                "schema={schema} in {url!r} must be a lower-case PostgreSQL name "
                "(letters, digits and _, starting with a letter or _)",
                schema=schema,
                url=shown,
            )
        )
    return schema


def _pool_size(shown: str, value: str | None) -> int:
    if value is None:
        return DEFAULT_POOL_SIZE
    if not value.isdigit() or not 1 <= int(value) <= 1000:
        raise ConfigurationError(
            message(
                "pool_size={value} in {url!r} must be a whole number, 1-1000",
                value=value,
                url=shown,
            )
        )
    return int(value)


def _seconds(shown: str, name: str, value: str | None) -> float:
    if value is None:
        return DEFAULT_LOCK_TIMEOUT
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 86400:
        raise ConfigurationError(
            message(
                "{option}={value} in {url!r} must be seconds (0 to 86400)",
                option=name,
                value=value,
                url=shown,
            )
        )
    return seconds


def _names(settings: Mapping[str, object]) -> tuple[str, str, str]:
    """``host:port``, the database and the user, as libpq will pick them."""
    import getpass

    service = settings.get("service")
    host = str(settings.get("host") or settings.get("hostaddr") or "")
    port = str(settings.get("port") or "5432")
    server: str
    if not host:
        server = (
            message("service {service}", service=service)
            if service
            else message("the local socket (port {port})", port=port)
        )
    elif host.startswith("/"):
        server = message("the socket in {folder} (port {port})", folder=host, port=port)
    else:
        server = f"{host}:{port}"
    try:
        default_user = getpass.getuser()
    except Exception:  # no user name in this environment
        default_user = "postgres"
    user = str(settings.get("user") or default_user)
    database: str = str(settings.get("dbname") or "") or (
        message("of service {service}", service=service) if service else user
    )
    return server, database, user
