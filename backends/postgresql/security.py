"""Migration m013 on PostgreSQL: the database itself enforces the roles of
:mod:`exchange.access` for every login that does not own the tables.

What a login may do is read from the ``grants`` table by ``session_user`` (the login
the server authenticated, whatever ``SET ROLE`` says) through small ``SECURITY
DEFINER`` functions whose ``search_path`` is pinned to the store's schema and
``pg_temp`` last, so that a temporary table cannot stand in for ``grants``.

On every record table row-level security is enabled (never forced: the owner, who
migrates, restores and imports, is not bound by it) with four policies:

- ``exchange_read``: every row is visible (reading is not restricted);
- ``exchange_insert``: a new row must pass the table's rule (``WITH CHECK``);
- ``exchange_update``: every row may be aimed at, but the row as changed must pass
  the table's rule (``WITH CHECK``), else the statement fails;
- ``exchange_delete``: every row may be aimed at.

The row *before* an update or a delete is checked by the trigger ``exchange_guard``
(``BEFORE UPDATE OR DELETE``, for the logins row-level security binds), which
raises ``insufficient_privilege`` naming the row. So writing another school's
teacher is an error, never an ``UPDATE 0`` that looks like success.

The change log takes only new entries written in the name of the login
(``actor = session_user``); ``personal_keys`` are destroyed only by a coordinator of
every programme. Which privileges a login has on which table is
:mod:`.roles`' business (``GRANT``).
"""

from __future__ import annotations

from .statements import literal

_PIN = "SELECT set_config('search_path', quote_ident(current_schema()) || ', pg_temp', true)"
"""For the rest of the migration's transaction: the store's schema, then ``pg_temp``
last; the functions below keep it (``SET search_path FROM CURRENT``)."""

_DEFINER = "STABLE SECURITY DEFINER SET search_path FROM CURRENT"
_MINE = """"login" = session_user AND NOT "archived\""""

_FUNCTIONS = (
    f"""CREATE FUNCTION "exchange_coordinates"("wanted" text) RETURNS boolean
LANGUAGE sql {_DEFINER} AS $$
SELECT EXISTS (SELECT 1 FROM "grants" WHERE {_MINE} AND "role" = 'coordinator'
    AND ("programme" = '' OR coalesce("wanted", '') IN ('', "programme")))
$$""",
    f"""CREATE FUNCTION "exchange_coordinates_all"() RETURNS boolean
LANGUAGE sql {_DEFINER} AS $$
SELECT EXISTS (SELECT 1 FROM "grants" WHERE {_MINE} AND "role" = 'coordinator'
    AND "programme" = '')
$$""",
    f"""CREATE FUNCTION "exchange_administers"("school" bigint) RETURNS boolean
LANGUAGE sql {_DEFINER} AS $$
SELECT EXISTS (SELECT 1 FROM "grants" WHERE {_MINE} AND "role" = 'school-admin'
    AND "school_id" = "school")
$$""",
    f"""CREATE FUNCTION "exchange_school_of"("teacher" bigint) RETURNS bigint
LANGUAGE sql {_DEFINER} AS $$
SELECT "school_id" FROM "teachers" WHERE "id" = "teacher"
$$""",
    f"""CREATE FUNCTION "exchange_programme_of"("pair" bigint) RETURNS text
LANGUAGE sql {_DEFINER} AS $$
SELECT "programme" FROM "mentorships" WHERE "id" = "pair"
$$""",
    f"""CREATE FUNCTION "exchange_mentors"("pair" bigint) RETURNS boolean
LANGUAGE sql {_DEFINER} AS $$
SELECT EXISTS (SELECT 1 FROM "grants" g JOIN "mentorships" m ON m."id" = "pair"
    WHERE g."login" = session_user AND NOT g."archived" AND g."role" = 'mentor'
    AND g."teacher_id" = m."mentor_id" AND g."programme" IN ('', m."programme"))
$$""",
    f"""CREATE FUNCTION "exchange_mentee_in"("pair" bigint) RETURNS bigint
LANGUAGE sql {_DEFINER} AS $$
SELECT g."teacher_id" FROM "grants" g JOIN "mentorships" m ON m."id" = "pair"
    WHERE g."login" = session_user AND NOT g."archived" AND g."role" = 'mentee'
    AND g."teacher_id" = m."mentee_id" AND g."programme" IN ('', m."programme")
    LIMIT 1
$$""",
    """CREATE FUNCTION "exchange_guard"() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    allowed boolean;
BEGIN
    IF row_security_active(TG_RELID) THEN
        EXECUTE 'SELECT ' || CASE TG_OP WHEN 'DELETE' THEN TG_ARGV[1] ELSE TG_ARGV[0] END
            INTO allowed USING OLD, NEW;
        IF allowed IS NOT TRUE THEN
            RAISE EXCEPTION 'permission denied: % may not % row % of %',
                session_user, lower(TG_OP), OLD."id", TG_TABLE_NAME
                USING ERRCODE = 'insufficient_privilege',
                    HINT = 'the roles of this store are in its table grants';
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$""",
)
"""Who the session's login is, by the grants not archived; and the trigger checking
the row before an update or delete (arguments: the rule for an update's old row, the
rule for a deleted row, each with the row before as ``$1``, after as ``$2``)."""

_PROGRAMME_TABLES = (
    "placement_needs",
    "secondments",
    "mentorships",
    "activities",
    "expenses",
    "applications",
)
_PAIR_TABLES = ("goals", "meetings")
_OTHER_TABLES = (
    "partnerships",
    "schools",
    "teachers",
    "pairings",
    "programmes",
    "participations",
    "rubrics",
    "assessments",
    "allocations",
)
_SCHOOL_OF = {
    "teachers": 'exchange_administers({r}"school_id")',
    "secondments": 'exchange_administers(exchange_school_of({r}"teacher_id"))',
    "applications": 'exchange_administers(exchange_school_of({r}"teacher_id"))',
    "placement_needs": 'exchange_administers({r}"host_school_id")',
}
"""The records a school administrator writes, by the organisation they belong to."""


_CONFIRMING = (
    '($2)."confirmed_by" = exchange_mentee_in({r}"mentorship_id") AND '
    "to_jsonb($1) - '{{confirmed_by,revision}}'::text[] "
    "= to_jsonb($2) - '{{confirmed_by,revision}}'::text[]"
)
"""A confirmation (``$1`` the meeting before, ``$2`` after): the pair's mentee's alone,
never a coordinator's, and nothing else changed."""
_FROZEN = (
    '({r}"confirmed_by" IS NULL OR '
    "to_jsonb($1) - '{{archived,ref,revision}}'::text[] "
    "= to_jsonb($2) - '{{archived,ref,revision}}'::text[])"
)
"""A confirmed meeting is frozen: only archived or given a ref (as ``exchange.rules``)."""
_SUPERSEDED = (
    '({r}"confirmed_by" = exchange_mentee_in({r}"mentorship_id") AND ($2)."archived" AND '
    'EXISTS (SELECT 1 FROM "meetings" c WHERE c."corrects" = {r}"id" '
    'AND c."confirmed_by" IS NOT NULL))'
)
"""The mentee archives a meeting they confirmed once they confirm its correction (what
confirming a correction does, in the same transaction)."""


def _coordinator(table: str) -> str:
    """A coordinator's rule: of every programme, or of the record's programme (a
    record of no programme is any coordinator's)."""
    if table == "programmes":  # a programme is its own
        return 'exchange_coordinates({r}"name")'
    if table in _PAIR_TABLES:
        return 'exchange_coordinates(exchange_programme_of({r}"mentorship_id"))'
    if table in _PROGRAMME_TABLES:
        return 'exchange_coordinates({r}"programme")'
    return "exchange_coordinates(NULL)"


def _rules(table: str) -> tuple[str, str, str, str]:
    """The table's rules, ``{r}`` standing for the row: for a new row, an updated row
    before and after, and a deleted row."""
    anyone = [_coordinator(table)]
    if table in _SCHOOL_OF:
        anyone.append(_SCHOOL_OF[table])
    if table == "goals":
        anyone.append('exchange_mentors({r}"mentorship_id")')
    if table == "meetings":
        anyone.append('(exchange_mentors({r}"mentorship_id") AND {r}"confirmed_by" IS NULL)')
    new = old = after = gone = " OR ".join(anyone)
    if table == "schools":  # an administrator keeps the organisation's own record
        old = after = gone = f'{new} OR exchange_administers({{r}}"id")'
    if table == "meetings":  # a mentee confirms a meeting of their own pair, once
        old = (
            f'CASE WHEN {{r}}"confirmed_by" IS NULL AND ($2)."confirmed_by" IS NOT NULL '
            f"THEN {_CONFIRMING} ELSE ({old} OR {_SUPERSEDED}) AND {_FROZEN} END"
        )
        new = f'({new}) AND {{r}}"confirmed_by" IS NULL'  # never logged confirmed
        after += ' OR {r}"confirmed_by" = exchange_mentee_in({r}"mentorship_id")'
    if table == "grants":  # users are managed by coordinators of every programme
        new = old = after = gone = "exchange_coordinates_all()"
    return new, old, after, gone


def _secured(table: str, new: str, old: str, after: str, gone: str) -> tuple[str, ...]:
    """Row-level security on ``table`` with the rules given (``{r}`` for the row)."""
    on = f'ON "{table}"'
    arguments = ", ".join(literal(rule.format(r="($1).")) for rule in (old, gone))
    return (
        f"ALTER TABLE {on.removeprefix('ON ')} ENABLE ROW LEVEL SECURITY",
        f'CREATE POLICY "exchange_read" {on} FOR SELECT USING (true)',
        f'CREATE POLICY "exchange_insert" {on} FOR INSERT WITH CHECK ({new.format(r="")})',
        f'CREATE POLICY "exchange_update" {on} FOR UPDATE USING (true) '
        f"WITH CHECK ({after.format(r='')})",
        f'CREATE POLICY "exchange_delete" {on} FOR DELETE USING (true)',
        f'CREATE TRIGGER "exchange_guard" BEFORE UPDATE OR DELETE {on} '
        f'FOR EACH ROW EXECUTE FUNCTION "exchange_guard"({arguments})',
    )


_RECORD_TABLES = (*_OTHER_TABLES, *_PROGRAMME_TABLES, *_PAIR_TABLES, "grants")

M013_ROW_SECURITY: tuple[str, ...] = (
    _PIN,
    *_FUNCTIONS,
    *(statement for table in _RECORD_TABLES for statement in _secured(table, *_rules(table))),
    *_secured("personal_keys", "true", "false", "false", "exchange_coordinates_all()"),
    'ALTER TABLE "changes" ENABLE ROW LEVEL SECURITY',
    'CREATE POLICY "exchange_read" ON "changes" FOR SELECT USING (true)',
    'CREATE POLICY "exchange_append" ON "changes" FOR INSERT WITH CHECK ("actor" = session_user)',
)
"""Migration m013's row-level security (after the ``grants`` table)."""
