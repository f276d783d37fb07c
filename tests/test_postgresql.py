"""The ``postgresql:`` backend against a real server: the conformance kit, the schema in
step with SQLite's, bad input (each one clear line, never a password), and the Tracker.

The server comes from ``EXCHANGE_TEST_POSTGRES_URL`` (``.ci/postgres`` starts one);
without it the tests skip, with the reason, unless ``CI`` is set: then they fail.
Every run works in a scratch database, dropped at the end; each store is a schema.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from exchange import Activity, Allocation, Pairing, School, Secondment, Teacher, Tracker
from exchange.backend import SCHEMA_VERSION, STORED_TYPES, Backend
from exchange.changelog import Change
from exchange.demo import build_demo
from exchange.enums import ActivityKind, Stage
from exchange.errors import BackendError, ConfigurationError, DuplicateRef, NotFound
from exchange.money import MAX_YUAN
from exchange.query import count, total
from exchange.sealing import PersonalKey
from exchange.testing import BackendConformance, reference_backend
from exchange.testing.machine import dump, expect_same, expect_same_dumps

if not os.environ.get("CI"):  # in CI a missing driver must fail the run, not skip it
    pytest.importorskip("psycopg", reason="psycopg is not installed (the postgresql extra)")

import psycopg

from backends.postgresql import open_postgresql
from backends.postgresql import testing as pg_testing
from backends.postgresql.errors import too_old
from backends.postgresql.migrations import MIGRATIONS_TABLE, STEPS, known_names
from backends.postgresql.store import PostgreSQLBackend
from backends.postgresql.url import parse
from backends.sqlite import open_sqlite

_schemas = itertools.count()


def store_url(postgres_server: str, **options: str) -> str:
    """A URL for a store of its own: a new schema in the scratch database."""
    options.setdefault("schema", f"store_{next(_schemas)}")
    return pg_testing.with_options(postgres_server, **options)


@pytest.fixture
def backend(postgres_server: str) -> Iterator[PostgreSQLBackend]:
    store = open_postgresql(store_url(postgres_server))
    yield store
    store.close()


def password_of(url: str) -> str:
    return str(psycopg.conninfo.conninfo_to_dict(url.split("?")[0]).get("password") or "")


class TestPostgreSQLConformance(BackendConformance):
    """PostgreSQL schemas behave exactly like ``memory:``."""

    @pytest.fixture
    def backend_factory(self, postgres_server: str) -> Callable[[], Backend]:
        """A fresh, empty schema in the scratch database per call."""
        return lambda: open_postgresql(store_url(postgres_server))


# -- the plugin and its URLs ------------------------------------------------------


def test_both_schemes_open_through_the_tracker(postgres_server: str) -> None:
    url = store_url(postgres_server, schema="schemes")
    for scheme in ("postgresql", "postgres"):
        with Tracker.open(f"{scheme}:{url.partition(':')[2]}") as tracker:
            assert isinstance(tracker.backend, PostgreSQLBackend)
            assert tracker.backend.schema_version() == SCHEMA_VERSION


def test_the_url_attribute_has_no_password(postgres_server: str) -> None:
    secret = password_of(postgres_server)
    with Tracker.open(store_url(postgres_server)) as tracker:
        assert secret and secret not in tracker.backend.url and secret not in tracker.url
        assert tracker.backend.url.startswith("postgresql://")
        assert secret not in repr(tracker.backend)


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://h/db?schema=Upper",
        "postgresql://h/db?schema=a-b",
        "postgresql://h/db?pool_size=0",
        "postgresql://h/db?lock_timeout=soon",
        "postgresql://h/db?nonsense=1",
        "mysql://h/db",
    ],
)
def test_malformed_urls_are_configuration_errors(url: str) -> None:
    with pytest.raises(ConfigurationError):
        parse(url)


def test_a_service_url_is_read() -> None:
    target = parse("postgresql:///?service=province&schema=county_7")
    assert "service=province" in target.conninfo and target.schema == "county_7"
    assert "search_path=county_7" in target.conninfo


def test_the_plugin_loads_without_psycopg() -> None:
    """Without psycopg the plugin still loads; opening a store says what to install."""
    script = (
        "import sys; sys.modules['psycopg'] = None\n"
        "from exchange import Tracker, errors\n"
        "try:\n"
        "    Tracker.open('postgresql://u@localhost/db')\n"
        "except errors.ConfigurationError as e:\n"
        "    print(e)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    assert "pip install 'psycopg[binary,pool]'" in out and "\n" not in out.strip()


# -- schema and migrations ----------------------------------------------------------


def _sqlite_schema(path: Path) -> dict[str, list[tuple[str, bool]]]:
    store = open_sqlite(f"sqlite:///{path}")
    try:
        db = store.database
        out = {}
        for table in db.table_names():
            if table.startswith(("_", "sqlite_")):
                continue
            info = db.execute(f'PRAGMA table_info("{table}")').fetchall()
            out[table] = [(row[1], bool(row[3] or row[5])) for row in info]
        return out
    finally:
        store.close()


def _postgresql_schema(backend: PostgreSQLBackend) -> dict[str, list[tuple[str, bool]]]:
    with backend.connection() as conn:
        rows = conn.execute(
            "SELECT c.table_name, c.column_name, c.is_nullable = 'NO' "
            "FROM information_schema.columns AS c JOIN information_schema.tables AS t "
            "USING (table_schema, table_name) WHERE t.table_type = 'BASE TABLE' "
            "AND c.table_schema = current_schema() AND c.table_name NOT LIKE '\\_%' "
            "ORDER BY c.table_name, c.ordinal_position"
        ).fetchall()
    out: dict[str, list[tuple[str, bool]]] = {}
    for table, column, required in rows:
        out.setdefault(table, []).append((column, required))
    return out


def test_the_schema_keeps_in_step_with_sqlite(backend: PostgreSQLBackend, tmp_path: Path) -> None:
    """The same tables, with the same columns in the same order, required alike."""
    sqlite = _sqlite_schema(tmp_path / "store.db")
    postgresql = _postgresql_schema(backend)
    assert sorted(postgresql) == sorted(sqlite) == sorted(cls.table for cls in STORED_TYPES)
    for table, columns in sqlite.items():
        assert postgresql[table] == columns, table


def test_the_schema_uses_native_types(backend: PostgreSQLBackend) -> None:
    with backend.connection() as conn:
        types = dict(
            conn.execute(
                "SELECT table_name || '.' || column_name, data_type "
                "FROM information_schema.columns WHERE table_schema = current_schema()"
            ).fetchall()
        )
    assert types["expenses.amount"] == types["pairings.annual_budget"] == "bigint"
    assert types["secondments.starts_on"] == types["activities.held_on"] == "date"
    assert types["changes.at"] == "timestamp with time zone"
    assert types["schools.rural"] == "boolean" and types["teachers.roles"] == "json"


def test_migrations_are_recorded_and_run_once(postgres_server: str) -> None:
    url = store_url(postgres_server)
    first = open_postgresql(url)
    assert first.schema_version() == len(known_names()) == SCHEMA_VERSION
    assert first.migrate() == 0
    first.add(School(name="甲", region="r", stage=Stage.JUNIOR))
    first.close()
    again = open_postgresql(url)
    assert again.count(School, {}) == 1 and again.schema_version() == SCHEMA_VERSION
    again.close()


def test_a_schema_1_store_is_upgraded_and_keeps_its_records(postgres_server: str) -> None:
    """A store left at schema 1 by an earlier release opens at the current schema."""
    url = store_url(postgres_server)
    schema = parse(url).schema
    with psycopg.connect(postgres_server, autocommit=True) as conn, conn.transaction():
        conn.execute(f'CREATE SCHEMA "{schema}"')
        conn.execute(f'SET LOCAL search_path = "{schema}"')
        conn.execute(
            f'CREATE TABLE "{MIGRATIONS_TABLE}" ("name" text PRIMARY KEY, "applied_at" '
            "timestamptz NOT NULL DEFAULT now())"
        )
        conn.execute(";\n".join(STEPS[0].statements))
        conn.execute(f'INSERT INTO "{MIGRATIONS_TABLE}" ("name") VALUES (%s)', (STEPS[0].name,))
        conn.execute(
            "INSERT INTO schools VALUES (1, NULL, false, %s, '贞丰县', 'junior', true)",
            ("贞丰县第五中学",),
        )
        conn.execute("UPDATE _exchange_ids SET last_id = 1 WHERE table_name = 'schools'")
    with Tracker.open(url) as tracker:
        assert tracker.backend.schema_version() == SCHEMA_VERSION == 14
        assert tracker.get(School, 1).name == "贞丰县第五中学"
        assert tracker.add(School(name="新", region="r", stage=Stage.PRIMARY)).id == 2
        assert tracker.define_programme("百千万", targets=(100, 1000, 10000)).id == 1


def test_a_schema_from_a_newer_release_is_refused(postgres_server: str) -> None:
    url = store_url(postgres_server)
    store = open_postgresql(url)
    with store.connection() as conn:
        conn.execute(f'INSERT INTO "{MIGRATIONS_TABLE}" ("name") VALUES (%s)', ("m099_future",))
    store.close()
    with pytest.raises(BackendError, match=r"newer teacher-exchange .*m099_future"):
        Tracker.open(url)


def test_the_change_log_is_append_only_in_the_database(backend: PostgreSQLBackend) -> None:
    Tracker(backend, plugins=_plugins()).add(School(name="甲", region="r", stage=Stage.JUNIOR))
    with backend.connection() as conn:
        for sql in ('UPDATE "changes" SET "actor" = %s', 'DELETE FROM "changes" WHERE %s'):
            with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
                conn.execute(sql, ("x",) if "UPDATE" in sql else (True,))


def _plugins() -> Any:
    from exchange.plugins import default_plugins

    return default_plugins()


# -- bad input: one clear line, never a password ----------------------------------------


def _one_line(error: BaseException, secret: str = "") -> str:
    message = str(error)
    assert "\n" not in message, message
    assert not secret or secret not in message, message
    return message


def test_a_wrong_password_is_named_without_the_password(postgres_server: str) -> None:
    secret = "not-the-password-7f3a"
    url = postgres_server.replace(f":{password_of(postgres_server)}@", f":{secret}@")
    with pytest.raises(BackendError) as caught:
        Tracker.open(url)
    message = _one_line(caught.value, secret)
    assert "refused the password of user" in message


def test_a_missing_database_is_named(postgres_server: str) -> None:
    url = pg_testing.with_database(postgres_server, "no_such_database")
    with pytest.raises(BackendError) as caught:
        Tracker.open(url)
    assert "database no_such_database does not exist" in _one_line(caught.value, password_of(url))


def test_an_unreachable_server_is_named() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"postgresql://someone:secret-pass@127.0.0.1:{port}/db"
    with pytest.raises(BackendError) as caught:
        Tracker.open(url)
    message = _one_line(caught.value, "secret-pass")
    assert f"cannot reach the PostgreSQL server at 127.0.0.1:{port}" in message


def test_a_server_older_than_13_is_refused() -> None:
    target = parse("postgresql://u@db.example:5432/x")
    assert too_old(130000, target) is None and too_old(170004, target) is None
    message = str(too_old(120015, target))
    assert message == (
        "the PostgreSQL server at db.example:5432 runs version 12.15; "
        "teacher-exchange needs PostgreSQL 13 or later"
    )


def test_the_cli_prints_one_line_for_a_refused_password(postgres_server: str) -> None:
    from click.testing import CliRunner

    from cli.main import cli

    secret = "wrong-secret-1234"
    url = postgres_server.replace(f":{password_of(postgres_server)}@", f":{secret}@")
    result = CliRunner().invoke(cli, ["--db", url, "school", "list"])
    assert result.exit_code == 1
    assert secret not in result.output and secret not in result.stderr
    assert result.stderr.count("\n") == 1 and "refused the password" in result.stderr


def test_a_connection_dropped_mid_transaction(postgres_server: str) -> None:
    """The transaction fails with one line, nothing of it is saved, the store goes on."""
    application = f"exchange_drop_{os.getpid()}_{next(_schemas)}"
    url = store_url(postgres_server, application_name=application)
    with Tracker.open(url) as tracker:
        school = tracker.add(School(name="甲", region="r", stage=Stage.JUNIOR))
        with pytest.raises(BackendError) as caught, tracker.transaction():
            tracker.add(Teacher(name="李", school_id=school.id or 0))
            _terminate_idle_in_transaction(postgres_server, application)
            tracker.add(Teacher(name="王", school_id=school.id or 0))
        message = _one_line(caught.value, password_of(postgres_server))
        assert "was lost in the middle of a transaction" in message
        assert message.endswith("nothing of the transaction was saved")
        assert tracker.count(Teacher) == 0
        assert tracker.add(Teacher(name="赵", school_id=school.id or 0)).id == 1
        assert tracker.verify_log() == 2


def _terminate_idle_in_transaction(postgres_server: str, application: str) -> None:
    """End this test's own connection, found by its unique application name in this
    run's scratch database and owned by this login: on a shared server other clients'
    sessions are never touched."""
    with psycopg.connect(postgres_server, autocommit=True) as conn:
        ended = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE application_name = %s AND state = 'idle in transaction' "
            "AND datname = current_database() AND usename = current_user",
            (application,),
        ).fetchall()
    assert ended == [(True,)]


def test_a_writer_waiting_too_long_gives_up_with_one_line(postgres_server: str) -> None:
    url = store_url(postgres_server, lock_timeout="0.2")
    first, second = open_postgresql(url), open_postgresql(url + "&application_name=second")
    try:
        with first.transaction(), pytest.raises(BackendError) as caught, second.transaction():
            pass
        assert "kept" in _one_line(caught.value) and "locked for longer than 0.2 s" in str(
            caught.value
        )
    finally:
        first.close()
        second.close()


# -- what PostgreSQL does on its own: COPY, years, exact sums, streaming ---------------


def test_bulk_insert_copies_in_batches_and_reports_the_first_bad_row(
    backend: PostgreSQLBackend,
) -> None:
    school = backend.add(School(name="甲", region="r", stage=Stage.JUNIOR))
    rows = [
        School(name=f"学校{i}", region="r", stage=Stage.PRIMARY, ref=f"S{i}") for i in range(25)
    ]
    result = backend.bulk_insert(School, rows, batch_size=10)
    assert (result.count, result.first_id, result.last_id) == (25, 2, 26)
    teachers = [Teacher(name=f"师{i}", school_id=school.id or 0) for i in range(15)]
    bad = [*teachers, Teacher(name="坏", school_id=999), Teacher(name="后", school_id=1)]
    with pytest.raises(NotFound, match="school_id refers to schools 999"):
        backend.bulk_insert(Teacher, bad, batch_size=10)
    again = [School(name="重", region="r", stage=Stage.PRIMARY, ref="S3")]
    with pytest.raises(DuplicateRef, match="'S3' is already used by id 5"):
        backend.bulk_insert(School, again)
    assert backend.count(Teacher, {}) == 0 and backend.count(School, {}) == 26
    assert backend.add(Teacher(name="李", school_id=1)).id == 1


def test_the_record_source_may_read_the_store_during_a_bulk_insert(
    backend: PostgreSQLBackend,
) -> None:
    """The Tracker's rules look records up while a bulk load reads its source: those reads
    share the load's connection (waiting while a batch is sent) and must not deadlock."""
    school = backend.add(School(name="甲", region="r", stage=Stage.JUNIOR))
    seen: list[int] = []

    def source() -> Iterator[Teacher]:
        for i in range(25):
            assert backend.get(School, school.id or 0) == school
            seen.append(backend.count(Teacher, {}))
            yield Teacher(name=f"师{i}", school_id=school.id or 0)

    done: list[Any] = []
    worker = threading.Thread(
        target=lambda: done.append(backend.bulk_insert(Teacher, source(), batch_size=10))
    )
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive(), "the bulk load and the reads of its source deadlocked"
    assert done and done[0].count == 25
    assert seen == sorted(seen) and seen[-1] <= 20  # reads see whole batches, never a part


def test_activities_group_by_year(backend: PostgreSQLBackend) -> None:
    """``held_on.year`` groups by calendar year, an int, in order."""
    for day in ("2024-03-01", "2024-12-31", "2025-01-01", "2023-06-30"):
        held_on = dt.date.fromisoformat(day)
        backend.add(Activity(kind=ActivityKind.TRAINING, title="培训", held_on=held_on, lessons=2))
    rows = backend.aggregate(
        Activity, ["held_on.year", "kind"], {"n": count(), "lessons": total("lessons")}, {}
    )
    expect_same(
        "years",
        rows,
        [
            {"held_on.year": year, "kind": ActivityKind.TRAINING, "n": n, "lessons": 2 * n}
            for year, n in ((2023, 1), (2024, 2), (2025, 1))
        ],
    )


def test_sums_are_exact_beyond_64_bits(backend: PostgreSQLBackend) -> None:
    """10,000 allocations of ¥10 trillion: 10**19 fen, more than a bigint holds."""
    one, two = (backend.add(School(name=n, region="r", stage=Stage.JUNIOR)) for n in "甲乙")
    pairing = backend.add(
        Pairing(
            supporting_school_id=one.id or 0,
            supported_school_id=two.id or 0,
            signed_on=dt.date(2025, 1, 1),
        )
    )
    grants = (
        Allocation(pairing_id=pairing.id or 0, year=1900 + i % 1000, amount=MAX_YUAN, source="省")
        for i in range(10_000)
    )
    backend.bulk_insert(Allocation, grants)
    [row] = backend.aggregate(Allocation, [], {"s": total("amount")}, {})
    expect_same("sum", row, {"s": (MAX_YUAN * 10_000).quantize(Decimal("0.01"))})
    assert row["s"] * 100 > 2**63


def test_a_large_find_streams_and_ignores_records_added_meanwhile(
    backend: PostgreSQLBackend,
) -> None:
    backend.bulk_insert(
        School, (School(name=f"{i}", region="r", stage=Stage.JUNIOR) for i in range(5000))
    )
    found = backend.find(School, {})
    backend.add(School(name="后来", region="r", stage=Stage.JUNIOR))
    assert [s.id for s in found] == list(range(1, 5001))
    assert backend.count(School, {}) == 5001


# -- the Tracker from end to end -------------------------------------------------------


def test_the_demo_programme_matches_memory(postgres_server: str) -> None:
    """The demo builds on PostgreSQL with the same records and figures as on memory."""
    with (
        Tracker.open("memory:", actor="演示") as memory,
        Tracker.open(store_url(postgres_server), actor="演示") as tracker,
    ):
        assert build_demo(tracker) == build_demo(memory)
        records = [cls for cls in STORED_TYPES if cls not in (Change, PersonalKey)]
        for cls in records:
            expect_same(
                cls.table, list(tracker.backend.find(cls, {})), list(memory.backend.find(cls, {}))
            )
        assert tracker.verify_log() == memory.verify_log() > 0
        keys = [[k.person_id for k in t.backend.find(PersonalKey, {})] for t in (tracker, memory)]
        assert keys[0] == keys[1]  # the same people's keys, each random


def test_copy_sqlite_to_postgresql_and_back(postgres_server: str, tmp_path: Path) -> None:
    """``exchange copy`` SQLite → PostgreSQL → SQLite: every export and the log are identical."""
    from click.testing import CliRunner

    from cli.main import cli
    from exchange.models import RECORD_TYPES

    original, back = tmp_path / "a.db", tmp_path / "b.db"
    with Tracker.open(f"sqlite:///{original}", actor="演示") as tracker:
        build_demo(tracker)
    middle = store_url(postgres_server)
    runner = CliRunner()
    for source, destination in ((str(original), middle), (middle, str(back))):
        result = runner.invoke(cli, ["copy", source, destination])
        assert result.exit_code == 0, result.output
        assert result.stdout.splitlines()[-1].startswith("copied and verified ")

    def exports(db: Path) -> dict[str, str]:
        found = {}
        for cls in RECORD_TYPES:
            result = runner.invoke(cli, ["--db", str(db), "export", cls.table, "--format", "json"])
            assert result.exit_code == 0, result.output
            found[cls.table] = result.stdout
        return found

    assert exports(back) == exports(original)
    assert all(json.loads(text) for text in exports(back).values())
    with Tracker.open(str(original)) as a, Tracker.open(str(back)) as b:
        expect_same_dumps(dump(b.backend), dump(a.backend))  # the change log too
        assert b.verify_log() == a.verify_log() > 0
    refused = runner.invoke(cli, ["copy", str(original), middle])
    assert refused.exit_code == 1 and "is not empty" in refused.stderr


def test_secondment_rules_hold_through_the_tracker(postgres_server: str) -> None:
    with Tracker.open(store_url(postgres_server)) as tracker:
        home = tracker.add(School(name="甲", region="r", stage=Stage.JUNIOR))
        host = tracker.add(School(name="乙", region="r", stage=Stage.JUNIOR))
        teacher = tracker.add(Teacher(name="李", school_id=home.id or 0))
        first = tracker.second(
            teacher, host, kind="support", starts_on="2025-03-01", ends_on="2025-07-01"
        )
        second = tracker.second(
            teacher, host, kind="support", starts_on="2025-06-01", ends_on="2025-09-01"
        )
        tracker.approve(first)
        with pytest.raises(Exception, match="overlaps"):
            tracker.approve(second)
        assert [s.status.value for s in tracker.find(Secondment)] == ["approved", "proposed"]


def test_dates_and_money_round_trip_at_their_limits(backend: PostgreSQLBackend) -> None:
    reference = reference_backend()
    try:
        for store in (backend, reference):
            store.add(Activity(kind=ActivityKind.TRAINING, title="最早", held_on=dt.date(1, 1, 1)))
            store.add(
                Activity(kind=ActivityKind.TRAINING, title="最晚", held_on=dt.date(9999, 12, 31))
            )
        expect_same_dumps(dump(backend), dump(reference))
    finally:
        reference.close()


def test_a_long_find_inside_a_transaction_streams_through_a_cursor(postgres_server: str) -> None:
    """More than a page inside a transaction: every row, in order, while the same
    connection keeps writing; rows added meanwhile are not part of the answer."""
    from backends.postgresql.store import PAGE

    with Tracker.open(store_url(postgres_server)) as tracker, tracker.transaction():
        tracker.bulk_add(
            School(name=f"学校{i}", region="r", stage=Stage.PRIMARY) for i in range(PAGE * 2 + 7)
        )
        seen = []
        for school in tracker.backend.find(School, {}):
            seen.append(school.id)
            if len(seen) % PAGE == 1:
                tracker.add(School(name=f"新{len(seen)}", region="r", stage=Stage.PRIMARY))
        assert seen == list(range(1, PAGE * 2 + 8))
