"""The roles of a ``postgresql:`` store enforced by the database itself: logins admitted
to the store's group role, and row-level security that refuses, even through ``psql``,
what :mod:`exchange.access` refuses (``backends.postgresql.roles``, ``.security``).

The server comes from ``EXCHANGE_TEST_POSTGRES_URL`` (``.ci/postgres`` starts one, its
test role with ``CREATEROLE``); without it the tests skip, unless ``CI`` is set. Logins
are shared by the whole server, so each test names its own and drops them afterwards.
"""

from __future__ import annotations

import datetime as dt
import glob
import os
import secrets
import shutil
import subprocess
import urllib.parse
from collections.abc import Iterator
from typing import Any

import attrs
import pytest

from exchange import School, Teacher, Tracker
from exchange.enums import MeetingKind, Stage
from exchange.errors import BackendError, NotPermitted
from exchange.models import Grant, Meeting, Mentorship, Programme

if not os.environ.get("CI"):  # in CI a missing driver must fail the run, not skip it
    pytest.importorskip("psycopg", reason="psycopg is not installed (the postgresql extra)")

import psycopg

from backends.postgresql import testing as pg_testing
from backends.postgresql.roles import group_name

PASSWORD = "pw-" + secrets.token_hex(8)
DAY = dt.date(2025, 3, 1)


def psql_binary() -> str:
    """``psql``: on PATH, else in the newest /usr/lib/postgresql/*/bin (as .ci/postgres)."""
    found = shutil.which("psql") or next(
        iter(sorted(glob.glob("/usr/lib/postgresql/*/bin/psql"), reverse=True)), None
    )
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("CI is set, so the PostgreSQL tests must run, but psql is not found")
        pytest.skip("psql is not found")
    return found


def as_login(url: str, login: str, password: str) -> str:
    """``url`` with another user and password."""
    parts = urllib.parse.urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    netloc = f"{urllib.parse.quote(login)}:{urllib.parse.quote(password)}@{host}"
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


@attrs.define
class Store:
    """A store with one user per role, its records and its logins."""

    url: str
    schema: str
    owner: Tracker
    logins: dict[str, str]
    ids: dict[str, int]

    def url_of(self, role: str) -> str:
        return as_login(self.url, self.logins[role], PASSWORD)

    def psql(self, role: str, statement: str) -> subprocess.CompletedProcess[str]:
        """Run ``statement`` through the real psql as the login of ``role``."""
        target = psycopg.conninfo.conninfo_to_dict(self.url.split("?")[0])
        env = {
            **os.environ,
            "PGPASSWORD": PASSWORD,
            "PGOPTIONS": f"-c search_path={self.schema}",
        }
        command = [
            psql_binary(),
            "-X",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            str(target["host"]),
            "-p",
            str(target["port"]),
            "-U",
            self.logins[role],
            "-d",
            str(target["dbname"]),
            "-c",
            statement,
        ]
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)

    def owner_reads(self, sql: str) -> Any:
        with self.owner.backend.connection() as conn:  # type: ignore[attr-defined]
            row = conn.execute(sql).fetchone()
            return None if row is None else row[0]


def refused(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0, result.stdout
    return result.stderr


def done(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def cleanup(server: str, schema: str, roles: list[str]) -> None:
    """Drop the schema (and the privileges on it), then the logins and the group."""
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        for role in roles:
            conn.execute(
                psycopg.sql.SQL("DROP ROLE IF EXISTS {}").format(psycopg.sql.Identifier(role))
            )


def populate(owner: Tracker) -> dict[str, int]:
    """Two programmes; two schools, their teachers, a mentor pair at each (in P1), an
    unconfirmed meeting each."""
    ids: dict[str, int] = {}
    with owner.transaction():
        for programme in ("P1", "P2"):
            owner.add(Programme(name=programme))
        for key in "ab":
            school = owner.add(School(name=f"School {key}", region="Region", stage=Stage.PRIMARY))
            ids[f"school_{key}"] = school.id or 0
            for who in ("teacher", "mentor", "mentee"):
                teacher = owner.add(Teacher(name=f"{who} {key}", school_id=school.id or 0))
                ids[f"{who}_{key}"] = teacher.id or 0
            pair = owner.add(
                Mentorship(
                    mentor_id=ids[f"mentor_{key}"],
                    mentee_id=ids[f"mentee_{key}"],
                    programme="P1",
                    starts_on=DAY,
                )
            )
            ids[f"pair_{key}"] = pair.id or 0
            meeting = owner.add(
                Meeting(
                    mentorship_id=pair.id or 0,
                    held_on=DAY,
                    minutes=45,
                    kind=MeetingKind.OBSERVATION,
                )
            )
            ids[f"meeting_{key}"] = meeting.id or 0
    return ids


@pytest.fixture
def store(postgres_server: str) -> Iterator[Store]:
    suffix = secrets.token_hex(3)
    schema = f"roles_{suffix}"
    url = pg_testing.with_options(postgres_server, schema=schema)
    owner = Tracker.open(url)
    roles = ("admin", "mentor", "mentee", "auditor", "p1", "p2")
    logins = {role: f"{role}_{suffix}" for role in roles}
    group = ""
    try:
        ids = populate(owner)
        with owner.transaction():
            owner.add_user(owner.actor, "coordinator")
            owner.add_user(
                logins["admin"], "school-admin", school=ids["school_a"], password=PASSWORD
            )
            owner.add_user(logins["mentor"], "mentor", teacher=ids["mentor_a"], password=PASSWORD)
            owner.add_user(logins["mentee"], "mentee", teacher=ids["mentee_a"], password=PASSWORD)
            owner.add_user(logins["auditor"], "auditor", password=PASSWORD)
            for programme in ("p1", "p2"):
                owner.add_user(
                    logins[programme],
                    "coordinator",
                    programme=programme.upper(),
                    password=PASSWORD,
                )
        with owner.backend.connection() as conn:  # type: ignore[attr-defined]
            group = group_name(conn)
        yield Store(url=url, schema=schema, owner=owner, logins=logins, ids=ids)
    finally:
        owner.close()
        cleanup(postgres_server, schema, [*logins.values(), *([group] if group else [])])


NEW_TEACHER = (
    'INSERT INTO teachers ("id", "archived", "name", "school_id", "subjects", "roles", "notes") '
    "VALUES ({id}, false, 'Intruder', {school}, '[]', '[]', '')"
)


# -- a school administrator, through psql --------------------------------------------------


def test_school_admin_cannot_update_another_schools_teacher(store: Store) -> None:
    theirs = store.ids["teacher_b"]
    said = refused(store.psql("admin", f"UPDATE teachers SET notes = 'mine' WHERE id = {theirs}"))
    assert "permission denied" in said and store.logins["admin"] in said
    assert store.owner_reads(f"SELECT notes FROM teachers WHERE id = {theirs}") == ""


def test_school_admin_cannot_move_a_teacher_to_another_school(store: Store) -> None:
    mine, theirs = store.ids["teacher_a"], store.ids["school_b"]
    said = refused(
        store.psql("admin", f"UPDATE teachers SET school_id = {theirs} WHERE id = {mine}")
    )
    assert "row-level security" in said
    said = refused(
        store.psql(
            "admin",
            f"UPDATE teachers SET school_id = {store.ids['school_a']} "
            f"WHERE id = {store.ids['teacher_b']}",
        )
    )
    assert "permission denied" in said


def test_school_admin_cannot_add_a_teacher_at_another_school(store: Store) -> None:
    said = refused(store.psql("admin", NEW_TEACHER.format(id=9001, school=store.ids["school_b"])))
    assert 'new row violates row-level security policy for table "teachers"' in said
    assert store.owner_reads("SELECT count(*) FROM teachers WHERE id = 9001") == 0


def test_school_admin_writes_own_schools_teachers(store: Store) -> None:
    mine = store.ids["teacher_a"]
    assert "UPDATE 1" in done(
        store.psql("admin", f"UPDATE teachers SET notes = 'n' WHERE id = {mine}")
    )
    assert "INSERT 0 1" in done(
        store.psql("admin", NEW_TEACHER.format(id=9002, school=store.ids["school_a"]))
    )
    assert store.owner_reads(f"SELECT notes FROM teachers WHERE id = {mine}") == "n"


def test_school_admin_updates_own_school_only(store: Store) -> None:
    a, b = store.ids["school_a"], store.ids["school_b"]
    assert "UPDATE 1" in done(
        store.psql("admin", f"UPDATE schools SET rural = true WHERE id = {a}")
    )
    assert "permission denied" in refused(
        store.psql("admin", f"UPDATE schools SET rural = true WHERE id = {b}")
    )


@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM changes",
        "UPDATE changes SET actor = 'someone else'",
        "TRUNCATE changes",
        "UPDATE _exchange_migrations SET name = name",
    ],
)
def test_school_admin_cannot_rewrite_the_change_log(store: Store, statement: str) -> None:
    assert "permission denied" in refused(store.psql("admin", statement))


def test_the_change_log_takes_entries_only_in_the_logins_name(store: Store) -> None:
    entry = (
        "INSERT INTO changes VALUES (99999, now(), '{actor}', 'add', 'teacher', 1, NULL, "
        "NULL, '', '')"
    )
    said = refused(store.psql("admin", entry.format(actor="someone-else")))
    assert 'row-level security policy for table "changes"' in said


def test_school_admin_cannot_manage_users(store: Store) -> None:
    statement = (
        "UPDATE grants SET role = 'coordinator', school_id = NULL "
        f"WHERE login = '{store.logins['admin']}'"
    )
    assert "permission denied" in refused(store.psql("admin", statement))


# -- an auditor, a mentor and a mentee, through psql ---------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        NEW_TEACHER.format(id=9003, school="{school_a}"),
        "UPDATE teachers SET notes = 'x' WHERE id = {teacher_a}",
        "UPDATE schools SET rural = true WHERE id = {school_a}",
        "UPDATE meetings SET minutes = 50 WHERE id = {meeting_a}",
        "DELETE FROM meetings WHERE id = {meeting_a}",
        "INSERT INTO grants VALUES (99, NULL, false, 0, 'x', 'coordinator', '', NULL, NULL, '')",
    ],
)
def test_auditor_writes_nothing(store: Store, statement: str) -> None:
    said = refused(store.psql("auditor", statement.format(**store.ids)))
    assert "permission denied" in said or "row-level security" in said


MEETING = (
    'INSERT INTO meetings ("id", "archived", "mentorship_id", "held_on", "minutes", "kind", '
    "\"notes\", \"confirmed_by\") VALUES ({id}, false, {pair}, '2025-03-02', 30, 'online', '', "
    "{by})"
)


def test_mentor_logs_meetings_of_own_pair_only(store: Store) -> None:
    ids = store.ids
    assert "INSERT 0 1" in done(
        store.psql("mentor", MEETING.format(id=9101, pair=ids["pair_a"], by="NULL"))
    )
    assert "row-level security" in refused(
        store.psql("mentor", MEETING.format(id=9102, pair=ids["pair_b"], by="NULL"))
    )
    assert "UPDATE 1" in done(
        store.psql("mentor", f"UPDATE meetings SET minutes = 60 WHERE id = {ids['meeting_a']}")
    )
    assert "permission denied" in refused(
        store.psql("mentor", f"UPDATE meetings SET minutes = 60 WHERE id = {ids['meeting_b']}")
    )


def test_mentor_cannot_confirm(store: Store) -> None:
    ids = store.ids
    confirm = f"UPDATE meetings SET confirmed_by = {ids['mentee_a']} WHERE id = {ids['meeting_a']}"
    assert "permission denied: " in refused(store.psql("mentor", confirm))
    assert "row-level security" in refused(
        store.psql("mentor", MEETING.format(id=9103, pair=ids["pair_a"], by=ids["mentee_a"]))
    )


def test_mentee_confirms_own_pairs_meetings_only(store: Store) -> None:
    ids = store.ids
    mine = f"UPDATE meetings SET confirmed_by = {ids['mentee_a']} WHERE id = {ids['meeting_a']}"
    theirs = f"UPDATE meetings SET confirmed_by = {ids['mentee_b']} WHERE id = {ids['meeting_b']}"
    as_other = f"UPDATE meetings SET confirmed_by = {ids['mentee_a']} WHERE id = {ids['meeting_b']}"
    assert "permission denied" in refused(store.psql("mentee", theirs))
    assert "permission denied" in refused(store.psql("mentee", as_other))
    assert "UPDATE 1" in done(store.psql("mentee", mine))
    assert (
        store.owner_reads(f"SELECT confirmed_by FROM meetings WHERE id = {ids['meeting_a']}")
        == (ids["mentee_a"])
    )
    # confirmed once: neither the mentee nor the mentor changes it again
    assert "permission denied" in refused(store.psql("mentee", mine))
    assert "permission denied" in refused(
        store.psql("mentor", f"UPDATE meetings SET minutes = 1 WHERE id = {ids['meeting_a']}")
    )


def test_mentee_confirms_and_changes_nothing_else(store: Store) -> None:
    ids = store.ids
    both = (
        f"UPDATE meetings SET confirmed_by = {ids['mentee_a']}, minutes = 600 "
        f"WHERE id = {ids['meeting_a']}"
    )
    assert "permission denied" in refused(store.psql("mentee", both))


def test_a_confirmed_meeting_is_frozen_for_coordinators_too(store: Store) -> None:
    ids = store.ids
    confirm = f"UPDATE meetings SET confirmed_by = {ids['mentee_a']} WHERE id = {ids['meeting_a']}"
    done(store.psql("mentee", confirm))
    minutes = f"UPDATE meetings SET minutes = 600 WHERE id = {ids['meeting_a']}"
    assert "permission denied" in refused(store.psql("p1", minutes))
    archive = f"UPDATE meetings SET archived = true WHERE id = {ids['meeting_a']}"
    assert "UPDATE 1" in done(store.psql("p1", archive))
    logged = MEETING.format(id=9105, pair=ids["pair_a"], by=ids["mentee_a"])
    assert "row-level security" in refused(store.psql("p1", logged))


def test_mentee_cannot_log_a_meeting(store: Store) -> None:
    ids = store.ids
    for by in ("NULL", ids["mentee_a"]):
        assert "row-level security" in refused(
            store.psql("mentee", MEETING.format(id=9104, pair=ids["pair_a"], by=by))
        )


def test_programme_coordinators_write_their_programme_only(store: Store) -> None:
    ids = store.ids
    minutes = f"UPDATE meetings SET minutes = 90 WHERE id = {ids['meeting_a']}"
    assert "UPDATE 1" in done(store.psql("p1", minutes))
    assert "permission denied" in refused(store.psql("p2", minutes))
    assert "UPDATE 1" in done(store.psql("p2", "UPDATE teachers SET notes = 'p2' WHERE id = 1"))
    assert "row-level security" in refused(
        store.psql("p1", f"UPDATE mentorships SET programme = 'P2' WHERE id = {ids['pair_a']}")
    )
    grant = "UPDATE grants SET programme = '' WHERE login = current_user"
    assert "permission denied" in refused(store.psql("p1", grant))
    programme = "UPDATE programmes SET notes = 'n' WHERE name = 'P1'"
    assert "UPDATE 1" in done(store.psql("p1", programme))
    assert "permission denied" in refused(store.psql("p2", programme))


def test_only_the_mentee_confirms_not_a_coordinator(store: Store) -> None:
    ids = store.ids
    confirm = f"UPDATE meetings SET confirmed_by = {ids['mentee_a']} WHERE id = {ids['meeting_a']}"
    assert "permission denied" in refused(store.psql("p1", confirm))


# -- the library, connected as the school administrator -------------------------------------


def test_library_as_school_admin(store: Store) -> None:
    admin = store.logins["admin"]
    with Tracker.open(store.url_of("admin")) as tracker:
        assert tracker.actor == admin
        added = tracker.add(Teacher(name="New", school_id=store.ids["school_a"], phone="123"))
        tracker.update(attrs.evolve(added, notes="seconded next term"))
        loaded = tracker.bulk_add(
            [Teacher(name=f"Bulk {i}", school_id=store.ids["school_a"]) for i in range(3)]
        )
        assert loaded.count == 3
        theirs = tracker.get(Teacher, store.ids["teacher_b"])
        assert theirs is not None
        with pytest.raises(NotPermitted):
            tracker.update(attrs.evolve(theirs, notes="mine now"))
        with pytest.raises(NotPermitted):
            tracker.add(Teacher(name="Intruder", school_id=store.ids["school_b"]))
        written = [
            (c.action, c.actor)
            for c in tracker.changes()
            if c.record_type == "teachers" and c.record_id == added.id
        ]
        assert written == [("add", admin), ("update", admin)]
        assert list(tracker.changes())[-1].action == "bulk"
        assert list(tracker.changes())[-1].actor == admin
        assert tracker.verify_log() > 0
        assert list(tracker.verify_records()) == []
    assert store.owner.verify_log() > 0
    assert list(store.owner.verify_records()) == []


def test_library_as_mentor(store: Store) -> None:
    with Tracker.open(store.url_of("mentor")) as tracker:
        logged = tracker.add(
            Meeting(
                mentorship_id=store.ids["pair_a"],
                held_on=DAY,
                minutes=30,
                kind=MeetingKind.ONLINE,
                notes="lesson plan",
            )
        )
        last = list(tracker.changes())[-1]
        assert (last.record_id, last.actor) == (logged.id, store.logins["mentor"])
        with pytest.raises(NotPermitted):
            tracker.add(
                Meeting(
                    mentorship_id=store.ids["pair_b"],
                    held_on=DAY,
                    minutes=30,
                    kind=MeetingKind.ONLINE,
                )
            )


def test_library_refusal_is_the_databases_too(store: Store) -> None:
    """Bypassing the library's check (its backend, directly) still meets the database's."""
    with Tracker.open(store.url_of("admin")) as tracker:
        theirs = tracker.get(Teacher, store.ids["teacher_b"])
        assert theirs is not None
        with pytest.raises(BackendError, match="permission denied"):
            tracker.backend.update(attrs.evolve(theirs, notes="mine now"))
        with pytest.raises(BackendError, match="row-level security"):
            tracker.backend.add(Teacher(name="Intruder", school_id=store.ids["school_b"]))


# -- admitting and dismissing ---------------------------------------------------------------


def test_dismissed_login_neither_writes_nor_reads(store: Store) -> None:
    store.owner.remove_user(store.logins["admin"])
    teachers, mine = f"{store.schema}.teachers", store.ids["teacher_a"]
    assert f"permission denied for schema {store.schema}" in refused(
        store.psql("admin", f"UPDATE {teachers} SET notes = 'n' WHERE id = {mine}")
    )
    assert "permission denied" in refused(store.psql("admin", f"SELECT count(*) FROM {teachers}"))
    exists = store.owner_reads(
        f"SELECT count(*) FROM pg_roles WHERE rolname = '{store.logins['admin']}'"
    )
    assert exists == 1  # the login itself stays


def test_the_group_is_granted_no_rewrite_of_the_log(store: Store) -> None:
    with store.owner.backend.connection() as conn:  # type: ignore[attr-defined]
        group = group_name(conn)
        rows = conn.execute(
            "SELECT privilege_type FROM information_schema.role_table_grants "
            "WHERE grantee = %s AND table_name = 'changes' ORDER BY 1",
            (group,),
        ).fetchall()
    assert [row[0] for row in rows] == ["INSERT", "SELECT"]


def test_admit_needs_the_owner(store: Store) -> None:
    refusing = pytest.raises(BackendError, match="does not own the tables")
    with Tracker.open(store.url_of("admin")) as tracker, refusing as refusal:
        tracker.backend.admit("someone_" + secrets.token_hex(3))  # type: ignore[attr-defined]
    assert "\n" not in str(refusal.value)


def test_admit_without_createrole_changes_nothing(postgres_server: str) -> None:
    suffix = secrets.token_hex(3)
    login, schema = f"owner_{suffix}", f"plain_{suffix}"
    database = psycopg.conninfo.conninfo_to_dict(postgres_server)["dbname"]
    sql = psycopg.sql
    with psycopg.connect(postgres_server, autocommit=True) as conn:
        conn.execute(
            sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                sql.Identifier(login), sql.Literal(PASSWORD)
            )
        )
        conn.execute(
            sql.SQL("GRANT CREATE ON DATABASE {} TO {}").format(
                sql.Identifier(str(database)), sql.Identifier(login)
            )
        )
    own_url = pg_testing.with_options(as_login(postgres_server, login, PASSWORD), schema=schema)
    try:
        with Tracker.open(own_url) as tracker:
            with pytest.raises(BackendError, match="lacks the CREATEROLE privilege") as refusal:
                tracker.add_user(login, "coordinator")
            assert "\n" not in str(refusal.value)
            assert tracker.count(Grant) == 0
            with tracker.backend.connection() as conn:  # type: ignore[attr-defined]
                group = group_name(conn)
                found = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (group,))
                assert found.fetchone() is None
    finally:
        with psycopg.connect(own_url.split("?")[0], autocommit=True) as conn:
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))
        with psycopg.connect(postgres_server, autocommit=True) as conn:
            conn.execute(
                sql.SQL("REVOKE CREATE ON DATABASE {} FROM {}").format(
                    sql.Identifier(str(database)), sql.Identifier(login)
                )
            )
            conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(login)))


# -- the library's flows under the users' own logins ------------------------------------


def test_the_mentee_confirms_a_correction_under_their_own_login(store: Store) -> None:
    """Confirming a correction archives the meeting it corrects, in the same transaction:
    the database lets the mentee do both, and the audit still passes."""
    with Tracker.open(store.url_of("mentee")) as mentee:
        mentee.confirm_meeting(store.ids["meeting_a"])
    with Tracker.open(store.url_of("mentor")) as mentor:
        fixed = mentor.correct_meeting(store.ids["meeting_a"], minutes=60)
        code = mentor.issue_code(fixed)  # a code for a mentee without a login; unused here
        assert len(code) == 11
    with Tracker.open(store.url_of("mentee")) as mentee:
        confirmed = mentee.confirm_meeting(fixed)
        assert mentee.get(Meeting, store.ids["meeting_a"]).archived
        assert mentee.confirmed_minutes(confirmed.mentorship_id) == 60
    owner = store.owner
    assert owner.verify_log() > 0 and not list(owner.verify_records())


def test_a_bound_login_writes_in_its_own_name_only(store: Store) -> None:
    """``--actor`` names no one else on a login row-level security binds: one line from
    the library before the database is asked; the owner may still name an actor."""
    login = store.logins["admin"]
    with (
        Tracker.open(store.url_of("admin"), actor="somebody else") as tracker,
        pytest.raises(
            NotPermitted,
            match=f"^the database authenticated {login}, who writes as {login}, not as some",
        ),
    ):
        tracker.add(Teacher(name="New", school_id=store.ids["school_a"]))
    with Tracker.open(store.url_of("admin"), actor=login) as tracker:
        tracker.add(Teacher(name="New", school_id=store.ids["school_a"]))
