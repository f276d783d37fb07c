"""The logins of a ``postgresql:`` store: each user of the store is a PostgreSQL login
(a role that may log in) in the store's group role, which holds the privileges the
library needs; row-level security (:mod:`.security`) narrows what each may write.

The group is named ``exchange_users_`` and 16 hex digits of a hash of the database
and schema (roles are shared by every database of a server, so the name must tell
the stores apart); its comment names the store. Its members may:

- read every table and view of the store (and use its schema);
- insert, update and delete rows of the record tables, as row-level security allows;
- append to the change log (``INSERT``, never ``UPDATE`` or ``DELETE``), in their
  own name;
- move the id counters (``_exchange_ids``), and add personal keys (and destroy
  them, as coordinators of every programme).

Only the owner of the tables, with the ``CREATEROLE`` privilege (or a superuser),
admits and dismisses logins. An existing login keeps its password.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from psycopg import sql

from exchange.backend import STORED_TYPES
from exchange.errors import BackendError
from exchange.i18n import message
from exchange.models import RECORD_TYPES

from ..views import VIEW_NAMES
from .migrations import MIGRATIONS_TABLE
from .statements import IDS_TABLE

if TYPE_CHECKING:
    from psycopg import Connection
    from psycopg.rows import TupleRow

_RECORD_TABLES = tuple(cls.table for cls in RECORD_TYPES)
_READ_ONLY = (MIGRATIONS_TABLE, "_vocabulary", *VIEW_NAMES)
_WRITTEN: tuple[tuple[str, str], ...] = (
    *((table, "INSERT, UPDATE, DELETE") for table in _RECORD_TABLES),
    ("changes", "INSERT"),
    ("personal_keys", "INSERT, DELETE"),
    (IDS_TABLE, "UPDATE"),
)
"""What the group writes, table by table, beside reading every table."""


def group_name(conn: Connection[TupleRow]) -> str:
    """The name of the store's group role (the store is the connection's schema)."""
    row = conn.execute("SELECT current_database(), current_schema()").fetchone()
    assert row is not None
    digest = hashlib.blake2b(f"{row[0]}\0{row[1]}".encode(), digest_size=8).hexdigest()
    return f"exchange_users_{digest}"


def admit(conn: Connection[TupleRow], login: str, password: str | None, where: str) -> None:
    """Create ``login`` if it does not exist (with ``password``, if given), create the
    store's group if need be, grant it its privileges and ``login`` membership."""
    _require_powers(conn, where)
    if not _exists(conn, login):
        create = sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(login))
        if password is not None:
            create += sql.SQL(" PASSWORD {}").format(sql.Literal(_verifier(conn, login, password)))
        conn.execute(create)
    group = _group(conn)
    grant_privileges(conn, group)
    conn.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(group), sql.Identifier(login)))


def dismiss(conn: Connection[TupleRow], login: str, where: str) -> None:
    """Take ``login`` out of the store's group (the login itself stays)."""
    _require_powers(conn, where)
    group = group_name(conn)
    if _exists(conn, group) and _exists(conn, login):
        revoke = sql.SQL("REVOKE {} FROM {}")
        conn.execute(revoke.format(sql.Identifier(group), sql.Identifier(login)))


def refresh(conn: Connection[TupleRow]) -> None:
    """After a migration: grant the store's group (if it has one) the privileges on
    any table the migration added."""
    group = group_name(conn)
    if _exists(conn, group):
        grant_privileges(conn, group)


def grant_privileges(conn: Connection[TupleRow], group: str) -> None:
    """Grant ``group`` what the library needs on the store's tables (and its schema,
    when the connected login owns it)."""
    role = sql.Identifier(group)
    row = conn.execute(
        "SELECT current_schema(), pg_has_role(nspowner, 'USAGE') "
        "FROM pg_namespace WHERE nspname = current_schema()"
    ).fetchone()
    assert row is not None
    schema, owned = str(row[0]), bool(row[1])
    if owned:
        conn.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(sql.Identifier(schema), role))
    tables = [cls.table for cls in STORED_TYPES] + [IDS_TABLE, *_READ_ONLY]
    read = sql.SQL(", ").join(sql.Identifier(schema, table) for table in tables)
    conn.execute(sql.SQL("GRANT SELECT ON {} TO {}").format(read, role))
    for table, privileges in _WRITTEN:
        conn.execute(
            sql.SQL("GRANT {} ON {} TO {}").format(
                sql.SQL(privileges), sql.Identifier(schema, table), role
            )
        )


def _group(conn: Connection[TupleRow]) -> str:
    """The store's group role, created (with a comment naming the store) if need be."""
    group = group_name(conn)
    if not _exists(conn, group):
        conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(group)))
        row = conn.execute("SELECT current_database() || '.' || current_schema()").fetchone()
        assert row is not None
        comment = f"teacher-exchange: the users of the store {row[0]}"
        conn.execute(
            sql.SQL("COMMENT ON ROLE {} IS {}").format(sql.Identifier(group), sql.Literal(comment))
        )
    return group


def _exists(conn: Connection[TupleRow], role: str) -> bool:
    return conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone() is not None


def _verifier(conn: Connection[TupleRow], login: str, password: str) -> str:
    """``password`` as the server stores it (SCRAM, as ``\\password`` in psql sends it), so
    that the password itself never reaches the server or its logs."""
    return conn.pgconn.encrypt_password(password.encode(), login.encode()).decode()


def _require_powers(conn: Connection[TupleRow], where: str) -> None:
    """Refuse, before changing anything, unless the connected login may manage logins
    (``CREATEROLE``) and owns the store's tables."""
    row = conn.execute(
        "SELECT current_user, r.rolcreaterole OR r.rolsuper, "
        "pg_has_role(c.relowner, 'USAGE'), pg_get_userbyid(c.relowner) "
        "FROM pg_roles r, pg_class c "
        "WHERE r.rolname = current_user AND c.oid = 'grants'::regclass"
    ).fetchone()
    assert row is not None
    user, creates_roles, owns, owner = row
    if not owns:
        raise BackendError(
            message(
                "PostgreSQL user {user} does not own the tables of {where}; only their "
                "owner ({owner}) admits and dismisses the store's logins",
                user=user,
                where=where,
                owner=owner,
            )
        )
    if not creates_roles:
        raise BackendError(
            message(
                "PostgreSQL user {user} lacks the CREATEROLE privilege needed to admit and "
                "dismiss the logins of {where} (a superuser grants it: ALTER ROLE {user} "
                "CREATEROLE)",
                user=user,
                where=where,
            )
        )
