"""The numbered schema migrations of a ``sqlite:`` store.

Each migration is written out in full and never edited once released: a later
change to the models gets a new migration (``m002_...``), so a file written by
any release can be brought up to date. ``tests/test_sqlite_backend.py`` checks
that the tables still match :func:`exchange.codec.columns`.

The views of :mod:`backends.views` read the record tables: a step that renames, drops
or retypes a column must drop and recreate them (see that module).

The number of migrations is the schema version, and must equal
:data:`exchange.backend.SCHEMA_VERSION`.

Opening a store that is up to date reads the applied names straight from
sqlite-utils' ``_sqlite_migrations`` table and imports no sqlite-utils (its ``db``
module is a good part of a command's start-up); sqlite-utils runs the migrations
when some are pending (:func:`migration_set`).
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING

from exchange.backend import newer_schema

from ..indexes import (
    M003_RECORD_TABLES,
    M004_LIST_ORDERS,
    M005_SECONDMENT_PARTNERSHIP_INDEX,
    M008_PROGRAMME_TABLES,
    M009_ALLOCATION_HOLDER_INDEX,
    M010_ALTERATIONS,
    M010_PLACEMENT_INDEXES,
    M011_MEETING_CORRECTS_INDEX,
    M011_PERSONAL_KEYS_INDEX,
    M013_GRANTS_INDEXES,
    M013_GRANTS_TABLE,
)
from ..views import (
    M012_VIEWS,
    M012_VOCABULARY_ROWS,
    M012_VOCABULARY_TABLE,
    M013_VOCABULARY_ROWS,
    M014_VIEWS,
)

if TYPE_CHECKING:
    from sqlite_utils.db import Database
    from sqlite_utils.migrations import Migrations

SET_NAME = "teacher_exchange"
"""The name the migrations are recorded under in sqlite-utils' ``_sqlite_migrations``."""
TABLE = "_sqlite_migrations"
"""sqlite-utils' table of applied migrations (``Migrations.migrations_table``)."""

_STEPS: list[Callable[[Database], None]] = []


def _step(fn: Callable[[Database], None]) -> Callable[[Database], None]:
    """Register ``fn`` as the next migration, named after the function."""
    _STEPS.append(fn)
    return fn


@functools.cache
def migration_set() -> Migrations:
    """The migrations as a sqlite-utils ``Migrations`` set, built (importing sqlite-utils)
    on first use."""
    from sqlite_utils.migrations import Migrations

    migrations = Migrations(SET_NAME)
    for fn in _STEPS:
        migrations()(fn)
    return migrations


_RECORD_TABLES = (
    """CREATE TABLE "partnerships" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "ref" TEXT,
    "archived" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "supporting_region" TEXT NOT NULL,
    "supported_region" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "started_on" TEXT,
    "ended_on" TEXT
)""",
    """CREATE TABLE "schools" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "ref" TEXT,
    "archived" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "region" TEXT NOT NULL,
    "stage" TEXT NOT NULL,
    "rural" INTEGER NOT NULL
)""",
    """CREATE TABLE "teachers" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "ref" TEXT,
    "archived" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "school_id" INTEGER NOT NULL REFERENCES "schools" ("id"),
    "subjects" TEXT NOT NULL,
    "roles" TEXT NOT NULL,
    "phone" TEXT,
    "notes" TEXT NOT NULL
)""",
    """CREATE TABLE "pairings" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "ref" TEXT,
    "archived" INTEGER NOT NULL,
    "supporting_school_id" INTEGER NOT NULL REFERENCES "schools" ("id"),
    "supported_school_id" INTEGER NOT NULL REFERENCES "schools" ("id"),
    "partnership_id" INTEGER REFERENCES "partnerships" ("id"),
    "signed_on" TEXT NOT NULL,
    "ended_on" TEXT,
    "annual_budget" INTEGER
)""",
    """CREATE TABLE "secondments" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "ref" TEXT,
    "archived" INTEGER NOT NULL,
    "teacher_id" INTEGER NOT NULL REFERENCES "teachers" ("id"),
    "host_school_id" INTEGER NOT NULL REFERENCES "schools" ("id"),
    "kind" TEXT NOT NULL,
    "starts_on" TEXT NOT NULL,
    "ends_on" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "pairing_id" INTEGER REFERENCES "pairings" ("id"),
    "returned_on" TEXT,
    "post" TEXT NOT NULL,
    "reason" TEXT NOT NULL
)""",
    """CREATE TABLE "mentorships" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "ref" TEXT,
    "archived" INTEGER NOT NULL,
    "mentor_id" INTEGER NOT NULL REFERENCES "teachers" ("id"),
    "mentee_id" INTEGER NOT NULL REFERENCES "teachers" ("id"),
    "programme" TEXT NOT NULL,
    "starts_on" TEXT NOT NULL,
    "ends_on" TEXT,
    "status" TEXT NOT NULL,
    "reason" TEXT NOT NULL
)""",
    """CREATE TABLE "activities" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "ref" TEXT,
    "archived" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "held_on" TEXT NOT NULL,
    "partnership_id" INTEGER REFERENCES "partnerships" ("id"),
    "pairing_id" INTEGER REFERENCES "pairings" ("id"),
    "school_id" INTEGER REFERENCES "schools" ("id"),
    "teacher_id" INTEGER REFERENCES "teachers" ("id"),
    "lessons" INTEGER NOT NULL,
    "attendees" INTEGER NOT NULL,
    "students" INTEGER NOT NULL,
    "notes" TEXT NOT NULL
)""",
    """CREATE TABLE "rubrics" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "ref" TEXT,
    "archived" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "target" TEXT NOT NULL,
    "criteria" TEXT NOT NULL,
    "bands" TEXT NOT NULL
)""",
    """CREATE TABLE "assessments" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "ref" TEXT,
    "archived" INTEGER NOT NULL,
    "rubric_id" INTEGER NOT NULL REFERENCES "rubrics" ("id"),
    "target_id" INTEGER NOT NULL,
    "period" TEXT NOT NULL,
    "assessor" TEXT NOT NULL,
    "assessed_on" TEXT NOT NULL,
    "scores" TEXT NOT NULL,
    "notes" TEXT NOT NULL
)""",
    """CREATE TABLE "allocations" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "ref" TEXT,
    "archived" INTEGER NOT NULL,
    "pairing_id" INTEGER NOT NULL REFERENCES "pairings" ("id"),
    "year" INTEGER NOT NULL,
    "amount" INTEGER NOT NULL,
    "source" TEXT NOT NULL
)""",
    """CREATE TABLE "expenses" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "ref" TEXT,
    "archived" INTEGER NOT NULL,
    "allocation_id" INTEGER NOT NULL REFERENCES "allocations" ("id"),
    "spent_on" TEXT NOT NULL,
    "amount" INTEGER NOT NULL,
    "category" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "secondment_id" INTEGER REFERENCES "secondments" ("id"),
    "activity_id" INTEGER REFERENCES "activities" ("id"),
    "overspend_approved" INTEGER NOT NULL
)""",
)

_UNIQUE_REFS = tuple(
    f'CREATE UNIQUE INDEX "idx_{table}_ref" ON "{table}" ("ref")'
    for table in (
        "partnerships",
        "schools",
        "teachers",
        "pairings",
        "secondments",
        "mentorships",
        "activities",
        "rubrics",
        "assessments",
        "allocations",
        "expenses",
    )
)

_INDEXED = (
    # every link column: finds by link, and the foreign-key check on delete
    ("teachers", "school_id"),
    ("pairings", "supporting_school_id"),
    ("pairings", "supported_school_id"),
    ("pairings", "partnership_id"),
    ("secondments", "teacher_id"),
    ("secondments", "host_school_id"),
    ("secondments", "pairing_id"),
    ("mentorships", "mentor_id"),
    ("mentorships", "mentee_id"),
    ("activities", "partnership_id"),
    ("activities", "pairing_id"),
    ("activities", "school_id"),
    ("activities", "teacher_id"),
    ("assessments", "rubric_id"),
    ("allocations", "pairing_id"),
    ("expenses", "allocation_id"),
    ("expenses", "secondment_id"),
    ("expenses", "activity_id"),
    # the dates and years reports select by
    ("pairings", "signed_on"),
    ("secondments", "starts_on"),
    ("mentorships", "starts_on"),
    ("activities", "held_on"),
    ("assessments", "assessed_on"),
    ("allocations", "year"),
    ("expenses", "spent_on"),
)
_INDEXES = tuple(
    f'CREATE INDEX "idx_{table}_{column}" ON "{table}" ("{column}")' for table, column in _INDEXED
)

_CHANGE_LOG = (
    """CREATE TABLE "changes" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "at" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "record_type" TEXT NOT NULL,
    "record_id" INTEGER,
    "before" TEXT,
    "after" TEXT,
    "prev_hash" TEXT NOT NULL,
    "hash" TEXT NOT NULL
)""",
    'CREATE INDEX "idx_changes_record" ON "changes" ("record_type", "record_id")',
    """CREATE TRIGGER "changes_append_only_update" BEFORE UPDATE ON "changes"
BEGIN
    SELECT RAISE(ABORT, 'the change log is append-only: entries cannot be changed');
END""",
    """CREATE TRIGGER "changes_append_only_delete" BEFORE DELETE ON "changes"
BEGIN
    SELECT RAISE(ABORT, 'the change log is append-only: entries cannot be deleted');
END""",
)


@_step
def m001_create_records_and_change_log(db: Database) -> None:
    """Create the record tables with their indexes, and the append-only change log."""
    for statement in (*_RECORD_TABLES, *_UNIQUE_REFS, *_INDEXES, *_CHANGE_LOG):
        db.execute(statement)


_MENTORING_AND_TAKING_PART = (
    """CREATE TABLE "programmes" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "ref" TEXT,
    "archived" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "targets" TEXT NOT NULL,
    "mentor_capacity" INTEGER,
    "notes" TEXT NOT NULL
)""",
    """CREATE TABLE "goals" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "ref" TEXT,
    "archived" INTEGER NOT NULL,
    "mentorship_id" INTEGER NOT NULL REFERENCES "mentorships" ("id"),
    "title" TEXT NOT NULL,
    "milestones" TEXT NOT NULL,
    "achieved_on" TEXT,
    "notes" TEXT NOT NULL
)""",
    """CREATE TABLE "meetings" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "ref" TEXT,
    "archived" INTEGER NOT NULL,
    "mentorship_id" INTEGER NOT NULL REFERENCES "mentorships" ("id"),
    "held_on" TEXT NOT NULL,
    "minutes" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "notes" TEXT NOT NULL,
    "confirmed_by" INTEGER REFERENCES "teachers" ("id")
)""",
    """CREATE TABLE "participations" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "ref" TEXT,
    "archived" INTEGER NOT NULL,
    "activity_id" INTEGER NOT NULL REFERENCES "activities" ("id"),
    "teacher_id" INTEGER NOT NULL REFERENCES "teachers" ("id")
)""",
    'ALTER TABLE "secondments" ADD COLUMN "extensions" TEXT NOT NULL DEFAULT \'[]\'',
    *(
        f'CREATE UNIQUE INDEX "idx_{table}_ref" ON "{table}" ("ref")'
        for table in ("programmes", "goals", "meetings", "participations")
    ),
    *(
        f'CREATE INDEX "idx_{table}_{column}" ON "{table}" ("{column}")'
        for table, column in (
            ("goals", "mentorship_id"),
            ("meetings", "mentorship_id"),
            ("meetings", "confirmed_by"),
            ("meetings", "held_on"),
            ("participations", "activity_id"),
            ("participations", "teacher_id"),
            ("mentorships", "programme"),
        )
    ),
)


@_step
def m002_mentoring_programmes_meetings_goals_participations(db: Database) -> None:
    """Add programmes, goals, meetings and participations, and secondment extensions."""
    for statement in _MENTORING_AND_TAKING_PART:
        db.execute(statement)


_REVISIONS = tuple(
    f'ALTER TABLE "{table}" ADD COLUMN "revision" INTEGER NOT NULL DEFAULT 0'
    for table in M003_RECORD_TABLES
)


@_step
def m003_record_revisions(db: Database) -> None:
    """Give every record a revision, for compare-and-set updates."""
    for statement in _REVISIONS:
        db.execute(statement)


@_step
def m004_indexes_for_list_orders(db: Database) -> None:
    """Index every field a CLI list sorts by together with the archived flag and the id."""
    for statement in M004_LIST_ORDERS:
        db.execute(statement)


@_step
def m005_secondment_partnerships(db: Database) -> None:
    """Let a secondment name its partnership directly."""
    db.execute(
        'ALTER TABLE "secondments" ADD COLUMN "partnership_id" INTEGER '
        'REFERENCES "partnerships" ("id")'
    )
    db.execute(M005_SECONDMENT_PARTNERSHIP_INDEX)


@_step
def m006_organisations(db: Database) -> None:
    """Let a school be another organisation (``kind``: a bureau, a centre, an office),
    which has no stage: ``stage`` loses its NOT NULL."""
    _drop_not_null(db, "schools", '"stage" TEXT NOT NULL,', '"stage" TEXT,')
    db.execute('ALTER TABLE "schools" ADD COLUMN "kind" TEXT NOT NULL DEFAULT \'school\'')


@_step
def m007_programme_thresholds(db: Database) -> None:
    """Let a programme set its own quota thresholds."""
    db.execute('ALTER TABLE "programmes" ADD COLUMN "thresholds" TEXT NOT NULL DEFAULT \'{}\'')


@_step
def m008_programme_attribution(db: Database) -> None:
    """Let secondments, activities and expenses name their programme."""
    for table in M008_PROGRAMME_TABLES:
        db.execute(f'ALTER TABLE "{table}" ADD COLUMN "programme" TEXT NOT NULL DEFAULT \'\'')


@_step
def m009_organisation_allocations(db: Database) -> None:
    """Let an organisation hold an allocation: ``pairing_id`` may be empty, and
    ``school_id`` names the holder."""
    _drop_not_null(
        db,
        "allocations",
        '"pairing_id" INTEGER NOT NULL REFERENCES "pairings" ("id"),',
        '"pairing_id" INTEGER REFERENCES "pairings" ("id"),',
    )
    db.execute(
        'ALTER TABLE "allocations" ADD COLUMN "school_id" INTEGER REFERENCES "schools" ("id")'
    )
    db.execute(M009_ALLOCATION_HOLDER_INDEX)


_PLACEMENT_TABLES = (
    """CREATE TABLE "placement_needs" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "ref" TEXT,
    "archived" INTEGER NOT NULL,
    "revision" INTEGER NOT NULL DEFAULT 0,
    "host_school_id" INTEGER NOT NULL REFERENCES "schools" ("id"),
    "subject" TEXT NOT NULL,
    "stage" TEXT,
    "places" INTEGER NOT NULL,
    "starts_on" TEXT NOT NULL,
    "ends_on" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "programme" TEXT NOT NULL,
    "notes" TEXT NOT NULL
)""",
    """CREATE TABLE "applications" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "ref" TEXT,
    "archived" INTEGER NOT NULL,
    "revision" INTEGER NOT NULL DEFAULT 0,
    "teacher_id" INTEGER NOT NULL REFERENCES "teachers" ("id"),
    "year" INTEGER NOT NULL,
    "programme" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "available_from" TEXT,
    "available_until" TEXT,
    "notes" TEXT NOT NULL
)""",
)


@_step
def m010_placement_needs(db: Database) -> None:
    """Add host schools' placement needs and teachers' applications, the number of
    teachers a school keeps at home, and the need a secondment fills."""
    for statement in (*_PLACEMENT_TABLES, *M010_PLACEMENT_INDEXES):
        db.execute(statement)
    for statement in M010_ALTERATIONS:
        db.execute(statement.format(integer="INTEGER"))


@_step
def m011_personal_keys(db: Database) -> None:
    """Keep each person's key for the personal values sealed in the change log; a purge
    deletes it. No foreign key: a key outlives its teacher's deletion. And let a meeting
    name the confirmed meeting it corrects (a correction is a new, linked entry)."""
    db.execute(
        """CREATE TABLE "personal_keys" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "person_id" INTEGER NOT NULL,
    "key" TEXT NOT NULL
)"""
    )
    db.execute(M011_PERSONAL_KEYS_INDEX)
    db.execute('ALTER TABLE "meetings" ADD COLUMN "corrects" INTEGER REFERENCES "meetings" ("id")')
    db.execute(M011_MEETING_CORRECTS_INDEX)


@_step
def m012_browse_views(db: Database) -> None:
    """Add the views people browse the store by, and the words for codes they read
    (:mod:`backends.views`: a later step that changes a column a view reads must
    drop and recreate the views)."""
    db.execute(M012_VOCABULARY_TABLE.format(text="TEXT"))
    db.execute(M012_VOCABULARY_ROWS)
    for statement in M012_VIEWS:
        db.execute(statement)


@_step
def m013_grants(db: Database) -> None:
    """Add the users of the store: the roles each login holds (:mod:`exchange.access`)."""
    db.execute(
        M013_GRANTS_TABLE.format(
            id="INTEGER PRIMARY KEY AUTOINCREMENT", integer="INTEGER", text="TEXT", flag="INTEGER"
        )
    )
    for statement in M013_GRANTS_INDEXES:
        db.execute(statement)
    db.execute(M013_VOCABULARY_ROWS)


@_step
def m014_browse_views_of_placements_and_users(db: Database) -> None:
    """Add the views of the placement needs (places filled), the applications and the
    users' roles, by name (:mod:`backends.views`)."""
    for statement in M014_VIEWS:
        db.execute(statement)


def _drop_not_null(db: Database, table: str, old: str, new: str) -> None:
    """Edit ``table``'s definition from ``old`` to ``new``, a NOT NULL removed, by the
    procedure SQLite documents for such changes (they leave the stored rows valid as
    they are): no copy of the table, so its ids, indexes and foreign keys stay."""
    conn = db.conn
    (sql,) = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
    ).fetchone()
    if old not in sql:
        raise RuntimeError(f"{table}: {old} not found in {sql}")  # pragma: no cover
    (version,) = conn.execute("PRAGMA schema_version").fetchone()
    conn.execute("PRAGMA writable_schema = ON")
    try:
        conn.execute(
            "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?",
            (sql.replace(old, new, 1), table),
        )
        conn.execute(f"PRAGMA schema_version = {version + 1}")
    finally:
        conn.execute("PRAGMA writable_schema = OFF")


def known_names() -> tuple[str, ...]:
    """The names of the migrations this release knows, in order."""
    return tuple(fn.__name__ for fn in _STEPS)


def applied_names(conn: sqlite3.Connection) -> list[str]:
    """The names of the migrations already applied to the database of ``conn``, in order,
    as sqlite-utils records them (a test checks both read the same)."""
    exists = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
    if conn.execute(exists, (TABLE,)).fetchone() is None:
        return []
    rows = conn.execute(
        f'SELECT "name" FROM "{TABLE}" WHERE "migration_set" = ? ORDER BY rowid', (SET_NAME,)
    )
    return [name for (name,) in rows]


def pending_count(conn: sqlite3.Connection, where: str) -> int:
    """How many migrations of this release the database of ``conn`` lacks; a file whose
    schema a newer release of teacher-exchange wrote is refused."""
    applied = applied_names(conn)
    unknown = [name for name in applied if name not in known_names()]
    if unknown:
        raise newer_schema(where, unknown)
    return len(known_names()) - len(applied)


def migrate(db: Database) -> int:
    """Apply pending migrations (the caller holds the write lock); return how many ran."""
    pending = migration_set().pending(db)
    if pending:
        migration_set().apply(db)
    return len(pending)
