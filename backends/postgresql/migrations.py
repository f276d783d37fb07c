"""The numbered schema migrations of a ``postgresql:`` store, in step with ``sqlite:``'s.

Each migration is written out in full and never edited once released: a later
change to the models gets a new migration, named as the SQLite one is, so both
stores carry the same tables and columns at every schema version
(``tests/test_postgresql.py`` compares them), and the same views
(:mod:`backends.views`; a step that renames, drops or retypes a column a view reads
must drop and recreate them). The number of migrations applied
is the schema version, and the last must bring it to
:data:`exchange.backend.SCHEMA_VERSION`.

PostgreSQL types: ids and links ``bigint`` (links with foreign keys), money
``bigint`` fen, flags ``boolean``, dates ``date``, times ``timestamptz``, lists
``json`` (the exact text written, so records round-trip byte for byte), and
text ``COLLATE "C"`` so that order and comparisons follow code points, as in
Python. Besides the record tables a store has ``_exchange_migrations`` (the
steps applied) and ``_exchange_ids`` (the last id given out per table: unlike a
sequence it is transactional, so a rolled-back insert gives its id back, as
``memory:`` and ``sqlite:`` do).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from exchange.backend import newer_schema
from exchange.errors import BackendError
from exchange.i18n import message

from ..indexes import (
    M003_RECORD_TABLES,
    M004_LIST_ORDERS,
    M005_SECONDMENT_PARTNERSHIP_INDEX,
    M008_PROGRAMME_TABLES,
    M009_ALLOCATION_HOLDER_INDEX,
    M010_ALTERATIONS,
    M010_PLACEMENT_INDEXES,
    M010_PLACEMENT_TABLES,
    M011_MEETING_CORRECTS_INDEX,
    M011_PERSONAL_KEYS_INDEX,
    M013_GRANTS_INDEXES,
    M013_GRANTS_TABLE,
)
from ..sql import quote
from ..views import (
    M012_VIEWS,
    M012_VOCABULARY_ROWS,
    M012_VOCABULARY_TABLE,
    M013_VOCABULARY_ROWS,
    M014_VIEWS,
)
from .security import M013_ROW_SECURITY
from .statements import IDS_TABLE

if TYPE_CHECKING:
    from psycopg import Connection
    from psycopg.rows import TupleRow

MIGRATIONS_TABLE = "_exchange_migrations"
"""Holds the name of every step applied."""


@attrs.frozen
class Step:
    """One migration: its name (as in ``backends.sqlite.migrations``) and its SQL."""

    name: str
    statements: tuple[str, ...]


def _ids_for(*tables: str) -> str:
    rows = ", ".join(f"('{table}', 0)" for table in tables)
    return f'INSERT INTO "{IDS_TABLE}" ("table_name", "last_id") VALUES {rows}'


_RECORD_TABLES = (
    """CREATE TABLE "partnerships" (
    "id" bigint PRIMARY KEY,
    "ref" text COLLATE "C",
    "archived" boolean NOT NULL,
    "name" text COLLATE "C" NOT NULL,
    "supporting_region" text COLLATE "C" NOT NULL,
    "supported_region" text COLLATE "C" NOT NULL,
    "kind" text COLLATE "C" NOT NULL,
    "started_on" date,
    "ended_on" date
)""",
    """CREATE TABLE "schools" (
    "id" bigint PRIMARY KEY,
    "ref" text COLLATE "C",
    "archived" boolean NOT NULL,
    "name" text COLLATE "C" NOT NULL,
    "region" text COLLATE "C" NOT NULL,
    "stage" text COLLATE "C" NOT NULL,
    "rural" boolean NOT NULL
)""",
    """CREATE TABLE "teachers" (
    "id" bigint PRIMARY KEY,
    "ref" text COLLATE "C",
    "archived" boolean NOT NULL,
    "name" text COLLATE "C" NOT NULL,
    "school_id" bigint NOT NULL REFERENCES "schools" ("id"),
    "subjects" json NOT NULL,
    "roles" json NOT NULL,
    "phone" text COLLATE "C",
    "notes" text COLLATE "C" NOT NULL
)""",
    """CREATE TABLE "pairings" (
    "id" bigint PRIMARY KEY,
    "ref" text COLLATE "C",
    "archived" boolean NOT NULL,
    "supporting_school_id" bigint NOT NULL REFERENCES "schools" ("id"),
    "supported_school_id" bigint NOT NULL REFERENCES "schools" ("id"),
    "partnership_id" bigint REFERENCES "partnerships" ("id"),
    "signed_on" date NOT NULL,
    "ended_on" date,
    "annual_budget" bigint
)""",
    """CREATE TABLE "secondments" (
    "id" bigint PRIMARY KEY,
    "ref" text COLLATE "C",
    "archived" boolean NOT NULL,
    "teacher_id" bigint NOT NULL REFERENCES "teachers" ("id"),
    "host_school_id" bigint NOT NULL REFERENCES "schools" ("id"),
    "kind" text COLLATE "C" NOT NULL,
    "starts_on" date NOT NULL,
    "ends_on" date NOT NULL,
    "status" text COLLATE "C" NOT NULL,
    "pairing_id" bigint REFERENCES "pairings" ("id"),
    "returned_on" date,
    "post" text COLLATE "C" NOT NULL,
    "reason" text COLLATE "C" NOT NULL
)""",
    """CREATE TABLE "mentorships" (
    "id" bigint PRIMARY KEY,
    "ref" text COLLATE "C",
    "archived" boolean NOT NULL,
    "mentor_id" bigint NOT NULL REFERENCES "teachers" ("id"),
    "mentee_id" bigint NOT NULL REFERENCES "teachers" ("id"),
    "programme" text COLLATE "C" NOT NULL,
    "starts_on" date NOT NULL,
    "ends_on" date,
    "status" text COLLATE "C" NOT NULL,
    "reason" text COLLATE "C" NOT NULL
)""",
    """CREATE TABLE "activities" (
    "id" bigint PRIMARY KEY,
    "ref" text COLLATE "C",
    "archived" boolean NOT NULL,
    "kind" text COLLATE "C" NOT NULL,
    "title" text COLLATE "C" NOT NULL,
    "held_on" date NOT NULL,
    "partnership_id" bigint REFERENCES "partnerships" ("id"),
    "pairing_id" bigint REFERENCES "pairings" ("id"),
    "school_id" bigint REFERENCES "schools" ("id"),
    "teacher_id" bigint REFERENCES "teachers" ("id"),
    "lessons" bigint NOT NULL,
    "attendees" bigint NOT NULL,
    "students" bigint NOT NULL,
    "notes" text COLLATE "C" NOT NULL
)""",
    """CREATE TABLE "rubrics" (
    "id" bigint PRIMARY KEY,
    "ref" text COLLATE "C",
    "archived" boolean NOT NULL,
    "name" text COLLATE "C" NOT NULL,
    "version" bigint NOT NULL,
    "target" text COLLATE "C" NOT NULL,
    "criteria" json NOT NULL,
    "bands" json NOT NULL
)""",
    """CREATE TABLE "assessments" (
    "id" bigint PRIMARY KEY,
    "ref" text COLLATE "C",
    "archived" boolean NOT NULL,
    "rubric_id" bigint NOT NULL REFERENCES "rubrics" ("id"),
    "target_id" bigint NOT NULL,
    "period" text COLLATE "C" NOT NULL,
    "assessor" text COLLATE "C" NOT NULL,
    "assessed_on" date NOT NULL,
    "scores" json NOT NULL,
    "notes" text COLLATE "C" NOT NULL
)""",
    """CREATE TABLE "allocations" (
    "id" bigint PRIMARY KEY,
    "ref" text COLLATE "C",
    "archived" boolean NOT NULL,
    "pairing_id" bigint NOT NULL REFERENCES "pairings" ("id"),
    "year" bigint NOT NULL,
    "amount" bigint NOT NULL,
    "source" text COLLATE "C" NOT NULL
)""",
    """CREATE TABLE "expenses" (
    "id" bigint PRIMARY KEY,
    "ref" text COLLATE "C",
    "archived" boolean NOT NULL,
    "allocation_id" bigint NOT NULL REFERENCES "allocations" ("id"),
    "spent_on" date NOT NULL,
    "amount" bigint NOT NULL,
    "category" text COLLATE "C" NOT NULL,
    "description" text COLLATE "C" NOT NULL,
    "secondment_id" bigint REFERENCES "secondments" ("id"),
    "activity_id" bigint REFERENCES "activities" ("id"),
    "overspend_approved" boolean NOT NULL
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
    "id" bigint PRIMARY KEY,
    "at" timestamptz NOT NULL,
    "actor" text COLLATE "C" NOT NULL,
    "action" text COLLATE "C" NOT NULL,
    "record_type" text COLLATE "C" NOT NULL,
    "record_id" bigint,
    "before" text COLLATE "C",
    "after" text COLLATE "C",
    "prev_hash" text COLLATE "C" NOT NULL,
    "hash" text COLLATE "C" NOT NULL
)""",
    'CREATE INDEX "idx_changes_record" ON "changes" ("record_type", "record_id")',
    """CREATE FUNCTION "changes_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the change log is append-only: entries cannot be %',
        CASE TG_OP WHEN 'UPDATE' THEN 'changed' ELSE 'deleted' END;
END
$$""",
    """CREATE TRIGGER "changes_append_only_update" BEFORE UPDATE ON "changes"
FOR EACH ROW EXECUTE FUNCTION "changes_append_only"()""",
    """CREATE TRIGGER "changes_append_only_delete" BEFORE DELETE ON "changes"
FOR EACH ROW EXECUTE FUNCTION "changes_append_only"()""",
    """CREATE TRIGGER "changes_append_only_truncate" BEFORE TRUNCATE ON "changes"
FOR EACH STATEMENT EXECUTE FUNCTION "changes_append_only"()""",
)

_IDS = (
    f"""CREATE TABLE "{IDS_TABLE}" (
    "table_name" text COLLATE "C" PRIMARY KEY,
    "last_id" bigint NOT NULL
)""",
    _ids_for(
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
        "changes",
    ),
)

_MENTORING_AND_TAKING_PART = (
    """CREATE TABLE "programmes" (
    "id" bigint PRIMARY KEY,
    "ref" text COLLATE "C",
    "archived" boolean NOT NULL,
    "name" text COLLATE "C" NOT NULL,
    "targets" json NOT NULL,
    "mentor_capacity" bigint,
    "notes" text COLLATE "C" NOT NULL
)""",
    """CREATE TABLE "goals" (
    "id" bigint PRIMARY KEY,
    "ref" text COLLATE "C",
    "archived" boolean NOT NULL,
    "mentorship_id" bigint NOT NULL REFERENCES "mentorships" ("id"),
    "title" text COLLATE "C" NOT NULL,
    "milestones" json NOT NULL,
    "achieved_on" date,
    "notes" text COLLATE "C" NOT NULL
)""",
    """CREATE TABLE "meetings" (
    "id" bigint PRIMARY KEY,
    "ref" text COLLATE "C",
    "archived" boolean NOT NULL,
    "mentorship_id" bigint NOT NULL REFERENCES "mentorships" ("id"),
    "held_on" date NOT NULL,
    "minutes" bigint NOT NULL,
    "kind" text COLLATE "C" NOT NULL,
    "notes" text COLLATE "C" NOT NULL,
    "confirmed_by" bigint REFERENCES "teachers" ("id")
)""",
    """CREATE TABLE "participations" (
    "id" bigint PRIMARY KEY,
    "ref" text COLLATE "C",
    "archived" boolean NOT NULL,
    "activity_id" bigint NOT NULL REFERENCES "activities" ("id"),
    "teacher_id" bigint NOT NULL REFERENCES "teachers" ("id")
)""",
    'ALTER TABLE "secondments" ADD COLUMN "extensions" json NOT NULL DEFAULT \'[]\'',
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
    _ids_for("programmes", "goals", "meetings", "participations"),
)

_REVISIONS = tuple(
    f'ALTER TABLE "{table}" ADD COLUMN "revision" bigint NOT NULL DEFAULT 0'
    for table in M003_RECORD_TABLES
)

_PLACEMENT_TABLES = (
    """CREATE TABLE "placement_needs" (
    "id" bigint PRIMARY KEY,
    "ref" text COLLATE "C",
    "archived" boolean NOT NULL,
    "revision" bigint NOT NULL DEFAULT 0,
    "host_school_id" bigint NOT NULL REFERENCES "schools" ("id"),
    "subject" text COLLATE "C" NOT NULL,
    "stage" text COLLATE "C",
    "places" bigint NOT NULL,
    "starts_on" date NOT NULL,
    "ends_on" date NOT NULL,
    "kind" text COLLATE "C" NOT NULL,
    "programme" text COLLATE "C" NOT NULL,
    "notes" text COLLATE "C" NOT NULL
)""",
    """CREATE TABLE "applications" (
    "id" bigint PRIMARY KEY,
    "ref" text COLLATE "C",
    "archived" boolean NOT NULL,
    "revision" bigint NOT NULL DEFAULT 0,
    "teacher_id" bigint NOT NULL REFERENCES "teachers" ("id"),
    "year" bigint NOT NULL,
    "programme" text COLLATE "C" NOT NULL,
    "subject" text COLLATE "C" NOT NULL,
    "available_from" date,
    "available_until" date,
    "notes" text COLLATE "C" NOT NULL
)""",
)

STEPS = (
    Step(
        "m001_create_records_and_change_log",
        (*_RECORD_TABLES, *_UNIQUE_REFS, *_INDEXES, *_CHANGE_LOG, *_IDS),
    ),
    Step("m002_mentoring_programmes_meetings_goals_participations", _MENTORING_AND_TAKING_PART),
    Step("m003_record_revisions", _REVISIONS),
    Step("m004_indexes_for_list_orders", M004_LIST_ORDERS),
    Step(
        "m005_secondment_partnerships",
        (
            'ALTER TABLE "secondments" ADD COLUMN "partnership_id" bigint '
            'REFERENCES "partnerships" ("id")',
            M005_SECONDMENT_PARTNERSHIP_INDEX,
        ),
    ),
    Step(
        "m006_organisations",
        (
            'ALTER TABLE "schools" ALTER COLUMN "stage" DROP NOT NULL',
            'ALTER TABLE "schools" ADD COLUMN "kind" text NOT NULL DEFAULT \'school\'',
        ),
    ),
    Step(
        "m007_programme_thresholds",
        ('ALTER TABLE "programmes" ADD COLUMN "thresholds" json NOT NULL DEFAULT \'{}\'',),
    ),
    Step(
        "m008_programme_attribution",
        tuple(
            f'ALTER TABLE "{table}" ADD COLUMN "programme" text NOT NULL DEFAULT \'\''
            for table in M008_PROGRAMME_TABLES
        ),
    ),
    Step(
        "m009_organisation_allocations",
        (
            'ALTER TABLE "allocations" ALTER COLUMN "pairing_id" DROP NOT NULL',
            'ALTER TABLE "allocations" ADD COLUMN "school_id" bigint REFERENCES "schools" ("id")',
            M009_ALLOCATION_HOLDER_INDEX,
        ),
    ),
    Step(
        "m010_placement_needs",
        (
            *_PLACEMENT_TABLES,
            *M010_PLACEMENT_INDEXES,
            _ids_for(*M010_PLACEMENT_TABLES),
            *(statement.format(integer="bigint") for statement in M010_ALTERATIONS),
        ),
    ),
    Step(
        "m011_personal_keys",
        (
            """CREATE TABLE "personal_keys" (
    "id" bigint PRIMARY KEY,
    "person_id" bigint NOT NULL,
    "key" text COLLATE "C" NOT NULL
)""",
            M011_PERSONAL_KEYS_INDEX,
            _ids_for("personal_keys"),
            'ALTER TABLE "meetings" ADD COLUMN "corrects" bigint REFERENCES "meetings" ("id")',
            M011_MEETING_CORRECTS_INDEX,
        ),
    ),
    Step(
        "m012_browse_views",
        (
            M012_VOCABULARY_TABLE.format(text='text COLLATE "C"'),
            M012_VOCABULARY_ROWS,
            *M012_VIEWS,
        ),
    ),
    Step(
        "m013_grants",
        (
            M013_GRANTS_TABLE.format(
                id="bigint PRIMARY KEY", integer="bigint", text='text COLLATE "C"', flag="boolean"
            ),
            *M013_GRANTS_INDEXES,
            _ids_for("grants"),
            M013_VOCABULARY_ROWS,
            *M013_ROW_SECURITY,
        ),
    ),
    Step("m014_browse_views_of_placements_and_users", M014_VIEWS),
)
"""Every migration this release knows, in order."""


def known_names() -> tuple[str, ...]:
    """The names of the migrations this release knows, in order."""
    return tuple(step.name for step in STEPS)


def applied_names(conn: Connection[TupleRow]) -> list[str]:
    """The names of the migrations already applied to the store, in order (none if new)."""
    (table,) = _one(conn, f"SELECT to_regclass('{quote(MIGRATIONS_TABLE)}')::text")
    if table is None:
        return []
    rows = conn.execute(f'SELECT "name" FROM {quote(MIGRATIONS_TABLE)} ORDER BY "name"')
    return [str(name) for (name,) in rows.fetchall()]


def check_not_newer(applied: list[str], where: str) -> None:
    """Refuse a store whose schema a newer release of teacher-exchange wrote."""
    unknown = [name for name in applied if name not in known_names()]
    if unknown:
        raise newer_schema(where, unknown)


def migrate(conn: Connection[TupleRow], schema: str, where: str) -> int:
    """Apply the pending migrations; return how many ran.

    The caller holds a transaction and the store's write lock, so two programs
    opening a new store at once do not both create it. Nothing is created (no
    privilege needed) when the store is up to date.
    """
    applied = applied_names(conn)
    check_not_newer(applied, where)
    pending = [step for step in STEPS if step.name not in applied]
    if not pending:
        return 0
    (exists,) = _one(conn, "SELECT count(*) FROM pg_namespace WHERE nspname = %s", (schema,))
    if not exists:
        conn.execute(f"CREATE SCHEMA {quote(schema)}")
    conn.execute(
        f"""CREATE TABLE IF NOT EXISTS {quote(MIGRATIONS_TABLE)} (
    "name" text COLLATE "C" PRIMARY KEY,
    "applied_at" timestamptz NOT NULL DEFAULT now()
)"""
    )
    for step in pending:
        conn.execute(";\n".join(step.statements))  # one round trip: no parameters
        conn.execute(f'INSERT INTO {quote(MIGRATIONS_TABLE)} ("name") VALUES (%s)', (step.name,))
    return len(pending)


def _one(
    conn: Connection[TupleRow], sql: str, params: tuple[object, ...] = ()
) -> tuple[object, ...]:
    row = conn.execute(sql, params).fetchone()
    if row is None:  # pragma: no cover - these queries always return a row
        raise BackendError(
            message("PostgreSQL returned no row for {statement}", statement=sql.split()[0])
        )
    return row
