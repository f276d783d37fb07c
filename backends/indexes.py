"""What SQLite's and PostgreSQL's migrations share: indexes both spell alike, and the
record tables a migration changes in each dialect's own words.

Like every migration's SQL, a tuple here is frozen once released: a later index
goes in a new tuple for a new migration.
"""

from __future__ import annotations

M003_RECORD_TABLES = (
    "partnerships",
    "schools",
    "teachers",
    "pairings",
    "secondments",
    "programmes",
    "mentorships",
    "goals",
    "meetings",
    "activities",
    "participations",
    "rubrics",
    "assessments",
    "allocations",
    "expenses",
)
"""Migration m003: the record tables that gain a ``revision`` column."""

_SORTED = (
    ("schools", ("id", "name", "region")),
    ("partnerships", ("id", "name")),
    ("pairings", ("id", "signed_on")),
    ("teachers", ("id", "name")),
    ("rubrics", ("id", "name")),
    ("assessments", ("id", "assessed_on")),
    ("secondments", ("id", "starts_on", "ends_on")),
    ("programmes", ("id", "name")),
    ("mentorships", ("id", "starts_on")),
    ("activities", ("id", "held_on")),
)

M004_LIST_ORDERS = tuple(
    f'CREATE INDEX "idx_{table}_archived_{field}" ON "{table}" ("archived", "{field}"'
    + (")" if field == "id" else ', "id")')
    for table, fields in _SORTED
    for field in fields
)
"""Migration m004: an index ``(archived, field, id)`` for each field a CLI list sorts
by (:data:`exchange.paging.SORTABLE`), so that a page of the records that are not
archived, deep or not, is read from the index without a row lookup per record
passed over; the index on ``(archived, id)`` serves lists in id order."""

M005_SECONDMENT_PARTNERSHIP_INDEX = (
    'CREATE INDEX "idx_secondments_partnership_id" ON "secondments" ("partnership_id")'
)
"""Migration m005: secondments name their partnership (the column is each dialect's own)."""

M008_PROGRAMME_TABLES = ("secondments", "activities", "expenses")
"""Migration m008: the record tables that gain a ``programme`` column."""

M009_ALLOCATION_HOLDER_INDEX = (
    'CREATE INDEX "idx_allocations_school_id" ON "allocations" ("school_id")'
)
"""Migration m009: allocations held by an organisation, found by it."""

M010_PLACEMENT_TABLES = ("placement_needs", "applications")
"""Migration m010: the record tables of placements (host schools' needs, teachers'
applications); their ``CREATE TABLE`` is each dialect's own."""

M010_PLACEMENT_INDEXES = (
    *(
        f'CREATE UNIQUE INDEX "idx_{table}_ref" ON "{table}" ("ref")'
        for table in M010_PLACEMENT_TABLES
    ),
    *(
        f'CREATE INDEX "idx_{table}_{column}" ON "{table}" ("{column}")'
        for table, column in (
            ("placement_needs", "host_school_id"),
            ("placement_needs", "starts_on"),
            ("applications", "teacher_id"),
            ("applications", "year"),
        )
    ),
    *(
        f'CREATE INDEX "idx_{table}_archived_id" ON "{table}" ("archived", "id")'
        for table in M010_PLACEMENT_TABLES
    ),
)
"""Migration m010: unique refs, every link, the day and year a plan selects by, and the
``(archived, id)`` order lists read."""

M010_ALTERATIONS = (
    'ALTER TABLE "schools" ADD COLUMN "keep_at_home" {integer}',
    'ALTER TABLE "secondments" ADD COLUMN "need_id" {integer} REFERENCES "placement_needs" ("id")',
    'CREATE INDEX "idx_secondments_need_id" ON "secondments" ("need_id")',
)
"""Migration m010: the teachers a school keeps at home, and the need a secondment fills
(``{integer}`` is each dialect's integer type)."""
M011_PERSONAL_KEYS_INDEX = (
    'CREATE INDEX "idx_personal_keys_person_id" ON "personal_keys" ("person_id")'
)
"""Migration m011: a person's key, found by the person (the table is each dialect's own;
the tracker keeps one key per person, the store does not insist)."""

M011_MEETING_CORRECTS_INDEX = 'CREATE INDEX "idx_meetings_corrects" ON "meetings" ("corrects")'
"""Migration m011: the correction of a confirmed meeting, found by the meeting it corrects."""

M013_GRANTS_TABLE = """CREATE TABLE "grants" (
    "id" {id},
    "ref" {text},
    "archived" {flag} NOT NULL,
    "revision" {integer} NOT NULL DEFAULT 0,
    "login" {text} NOT NULL,
    "role" {text} NOT NULL,
    "programme" {text} NOT NULL,
    "school_id" {integer} REFERENCES "schools" ("id"),
    "teacher_id" {integer} REFERENCES "teachers" ("id"),
    "notes" {text} NOT NULL
)"""
"""Migration m013: the users of a store, one row per role a login holds (``{id}``,
``{integer}``, ``{text}`` and ``{flag}`` are each dialect's types)."""

M013_GRANTS_INDEXES = (
    'CREATE UNIQUE INDEX "idx_grants_ref" ON "grants" ("ref")',
    *(
        f'CREATE INDEX "idx_grants_{column}" ON "grants" ("{column}")'
        for column in ("login", "school_id", "teacher_id")
    ),
    'CREATE INDEX "idx_grants_archived_id" ON "grants" ("archived", "id")',
)
"""Migration m013: unique refs, a login's grants found by the login, every link, and
the ``(archived, id)`` order lists read."""
