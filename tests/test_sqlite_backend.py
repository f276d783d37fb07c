"""The ``sqlite:`` backend: its file, schema, migrations, errors, transactions and locking.

The conformance kit (``tests/test_conformance.py``) runs random histories on it;
these tests pin what is particular to SQLite, plus a fixed differential script
and a small property test against ``memory:``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from backends.memory import MemoryBackend
from backends.sqlite import open_sqlite, register_backends
from backends.sqlite.migrations import known_names
from backends.sqlite.store import SQLiteBackend
from exchange import (
    Activity,
    Allocation,
    Expense,
    Pairing,
    Partnership,
    Role,
    School,
    Secondment,
    Teacher,
    Tracker,
)
from exchange.backend import SCHEMA_VERSION, STORED_TYPES, Backend
from exchange.changelog import GENESIS, Change, make_change
from exchange.codec import columns
from exchange.enums import ExpenseCategory
from exchange.errors import (
    BackendError,
    ConfigurationError,
    DuplicateRef,
    ExchangeError,
    InvalidRecord,
    NotFound,
    StillReferenced,
)
from exchange.models import Stored
from exchange.query import (
    Measure,
    Op,
    check_order,
    count,
    has,
    largest,
    le,
    lt,
    ne,
    normalize,
    one_of,
    smallest,
    total,
)
from exchange.registry import BackendSpec, Registry

ROOT = Path(__file__).resolve().parent.parent
DAY = dt.date(2025, 3, 1)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "bureau.db"


@pytest.fixture
def backend(path: Path) -> Iterator[SQLiteBackend]:
    store = SQLiteBackend(f"sqlite:///{path}")
    yield store
    store.close()


def raw(path: Path) -> sqlite3.Connection:
    """A plain connection to the file, as another program would open it."""
    return sqlite3.connect(path, isolation_level=None)


def school(name: str = "惠阳区半岛学校", **fields: Any) -> School:
    return School(name=name, region=fields.pop("region", "惠州市惠阳区"), stage="初中", **fields)


# -- opening ------------------------------------------------------------------


def test_the_plugin_registers_the_sqlite_scheme(path: Path) -> None:
    registry: Registry[BackendSpec] = Registry("backend scheme")
    register_backends(registry)
    store = registry.get("sqlite").open(f"sqlite:///{path}")
    assert isinstance(store, Backend)
    assert store.url == f"sqlite:///{path}"
    store.close()


def test_pragmas_are_set(backend: SQLiteBackend, path: Path) -> None:
    conn = backend.database.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    assert conn.isolation_level is None
    with raw(path) as other:  # WAL is a property of the file
        assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_relative_and_absolute_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").mkdir()
    relative = open_sqlite("sqlite:///data/relative.db")
    relative.add(school())
    relative.close()
    assert (tmp_path / "data" / "relative.db").is_file()
    absolute = open_sqlite(f"sqlite:///{tmp_path / 'data' / 'relative.db'}")
    assert absolute.count(School, {}) == 1
    absolute.close()


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_in_memory_databases(url: str) -> None:
    store = open_sqlite(url)
    assert store.add(school()).id == 1
    assert store.schema_version() == SCHEMA_VERSION
    store.close()


@pytest.mark.parametrize(
    "url", ["sqlite:relative.db", "sqlite://host/x.db", "sqlite:///", "sqlite:///x.db?cache=big"]
)
def test_malformed_urls_are_configuration_errors(url: str) -> None:
    with pytest.raises(ConfigurationError, match="sqlite"):
        open_sqlite(url)


def test_a_missing_directory_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError) as caught:
        open_sqlite(f"sqlite:///{tmp_path / 'no' / 'such' / 'dir' / 'x.db'}")
    message = str(caught.value)
    assert "\n" not in message
    assert f"{tmp_path / 'no' / 'such' / 'dir'} does not exist" in message


def test_a_file_that_is_not_sqlite_is_a_backend_error(tmp_path: Path) -> None:
    bogus = tmp_path / "roster.db"
    bogus.write_text("姓名,学校\n张三,贞丰县第五中学\n" * 200, encoding="utf-8")
    with pytest.raises(BackendError, match="is not a SQLite database"):
        open_sqlite(f"sqlite:///{bogus}")


def test_writing_a_read_only_database_is_a_backend_error(path: Path) -> None:
    SQLiteBackend(f"sqlite:///{path}").close()
    store = open_sqlite(f"sqlite:///{path}?mode=ro")
    assert store.count(School, {}) == 0  # reads work
    with pytest.raises(BackendError, match="read-only"):
        store.add(school())
    with pytest.raises(BackendError, match="read-only"), store.transaction():
        store.bulk_insert(School, [school()])
    store.close()


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root may write any file"
)
def test_writing_a_read_only_file_is_a_backend_error(path: Path) -> None:
    SQLiteBackend(f"sqlite:///{path}").close()
    path.chmod(0o444)
    store = open_sqlite(f"sqlite:///{path}")
    with pytest.raises(BackendError, match="read-only"):
        store.add(school())
    store.close()


def test_a_locked_database_is_a_backend_error(path: Path) -> None:
    SQLiteBackend(f"sqlite:///{path}").close()
    holder = raw(path)
    holder.execute("BEGIN IMMEDIATE")
    store = open_sqlite(f"sqlite:///{path}?timeout=0.05")
    assert store.count(School, {}) == 0  # WAL: readers are not blocked
    with pytest.raises(BackendError, match="locked by another program"):
        store.add(school())
    with pytest.raises(BackendError, match="locked"), store.transaction():
        pass
    holder.execute("ROLLBACK")
    assert store.add(school()).id == 1
    store.close()
    holder.close()


def test_closed_backends_refuse_everything(backend: SQLiteBackend) -> None:
    backend.add(school())
    found = backend.find(School, {})
    backend.close()
    backend.close()  # twice is fine
    calls: list[Callable[[], Any]] = [
        lambda: backend.add(school()),
        lambda: backend.get(School, 1),
        lambda: backend.find(School, {}),
        lambda: backend.count(School, {}),
        lambda: backend.aggregate(School, (), {"n": count()}, {}),
        lambda: backend.bulk_insert(School, [school()]),
        lambda: backend.delete(School, 1),
        lambda: backend.schema_version(),
        lambda: backend.transaction().__enter__(),
        lambda: list(found),
    ]
    for call in calls:
        with pytest.raises(BackendError, match="closed"):
            call()


# -- schema and migrations ----------------------------------------------------

SQL_TYPES = {"text": "TEXT", "date": "TEXT", "datetime": "TEXT", "enum": "TEXT", "json": "TEXT"}


@pytest.mark.parametrize("cls", STORED_TYPES, ids=lambda cls: cls.table)
def test_tables_match_the_codec_columns(backend: SQLiteBackend, cls: type[Stored]) -> None:
    conn = backend.database.conn
    info = conn.execute(f'PRAGMA table_info("{cls.table}")').fetchall()
    keys = {
        row[3]: (row[2], row[4]) for row in conn.execute(f'PRAGMA foreign_key_list("{cls.table}")')
    }
    expected = {
        c.name: (SQL_TYPES.get(c.kind, "INTEGER"), c.required, c.name == "id") for c in columns(cls)
    }
    # by name: a column a later migration adds (revision) comes last in the table
    assert {r[1]: (r[2], bool(r[3]), bool(r[5])) for r in info} == expected
    assert keys == {c.name: (c.table, "id") for c in columns(cls) if c.kind == "link"}


def test_the_file_reads_well_in_sqlite_utils(backend: SQLiteBackend, path: Path) -> None:
    from sqlite_utils import Database

    home = backend.add(school(ref="HY-01"))
    backend.add(Teacher(name="李老师", school_id=home.id, roles=["骨干教师"], subjects=["数学"]))
    db = Database(path)
    assert set(db.table_names()) >= {cls.table for cls in STORED_TYPES} | {"_sqlite_migrations"}
    assert [(k.column, k.other_table) for k in db["teachers"].foreign_keys] == [
        ("school_id", "schools")
    ]
    row = next(db["teachers"].rows)
    assert (row["name"], row["roles"], row["subjects"]) == ("李老师", '["backbone"]', '["数学"]')
    assert next(db["schools"].rows)["stage"] == "junior"
    db.close()


def test_indexes_cover_refs_and_links(backend: SQLiteBackend) -> None:
    conn = backend.database.conn
    for cls in STORED_TYPES:
        indexes = {
            row[1]: bool(row[2]) for row in conn.execute(f'PRAGMA index_list("{cls.table}")')
        }
        names = [c.name for c in columns(cls)]
        if "ref" in names:
            assert indexes[f"idx_{cls.table}_ref"] is True
        for column in columns(cls):
            if column.kind == "link":
                assert f"idx_{cls.table}_{column.name}" in indexes


def test_migrations_are_recorded_and_applied_once(path: Path) -> None:
    SQLiteBackend(f"sqlite:///{path}").close()
    with raw(path) as conn:
        first = conn.execute(
            "SELECT migration_set, name, applied_at FROM _sqlite_migrations ORDER BY id"
        ).fetchall()
    assert [(s, n) for s, n, _ in first] == [("teacher_exchange", n) for n in known_names()]
    store = SQLiteBackend(f"sqlite:///{path}")
    assert store.schema_version() == len(known_names()) == SCHEMA_VERSION
    assert store.migrate() == 0
    store.close()
    with raw(path) as conn:
        again = conn.execute(
            "SELECT migration_set, name, applied_at FROM _sqlite_migrations ORDER BY id"
        ).fetchall()
    assert again == first


def test_a_database_from_a_newer_release_is_refused(path: Path) -> None:
    SQLiteBackend(f"sqlite:///{path}").close()
    with raw(path) as conn:
        conn.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
            "VALUES ('teacher_exchange', 'm099_from_the_future', '2031-01-01')"
        )
    with pytest.raises(BackendError, match="newer teacher-exchange"):
        SQLiteBackend(f"sqlite:///{path}")


def test_the_change_log_is_append_only(backend: SQLiteBackend, path: Path) -> None:
    entry = backend.add(
        make_change(
            prev_hash=GENESIS,
            actor="测试员",
            action="add",
            record_type="schools",
            record_id=1,
            before=None,
            after="{}",
        )
    )
    with pytest.raises(BackendError, match="append-only"):
        backend.update(attrs.evolve(entry, actor="别人"))
    with pytest.raises(BackendError, match="append-only"):
        backend.delete(Change, entry.id or 0)
    with raw(path) as conn:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("UPDATE changes SET actor = 'someone else'")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("DELETE FROM changes")
    assert backend.get(Change, entry.id or 0) == entry


def plan(backend: SQLiteBackend, run: Callable[[], Any]) -> str:
    """The query plan of the statement ``run`` executes last."""
    seen: list[str] = []
    backend.database.conn.set_trace_callback(seen.append)
    try:
        run()
    finally:
        backend.database.conn.set_trace_callback(None)
    rows = backend.database.conn.execute(f"EXPLAIN QUERY PLAN {seen[-1]}").fetchall()
    return "\n".join(row[-1] for row in rows)


def test_finds_by_link_and_by_ref_use_indexes(backend: SQLiteBackend) -> None:
    home = backend.add(school(ref="HY-01"))
    for i in range(3):
        backend.add(Teacher(name=f"教师{i}", school_id=home.id, ref=f"T{i}"))
    by_link = plan(
        backend, lambda: list(backend.find(Teacher, normalize(Teacher, {"school_id": 1})))
    )
    assert "USING INDEX idx_teachers_school_id" in by_link
    assert "TEMP B-TREE" not in by_link
    by_ref = plan(backend, lambda: list(backend.find(School, normalize(School, {"ref": "HY-01"}))))
    assert "USING INDEX idx_schools_ref" in by_ref
    counted = plan(backend, lambda: backend.count(Teacher, normalize(Teacher, {"school_id": 1})))
    assert "idx_teachers_school_id" in counted


# -- errors -------------------------------------------------------------------


def test_errors_match_the_memory_backend(backend: SQLiteBackend) -> None:
    home = backend.add(school(ref="HY-01"))
    teacher = backend.add(Teacher(name="李老师", school_id=home.id))
    with pytest.raises(NotFound, match="teacher school_id refers to schools 99"):
        backend.add(Teacher(name="王老师", school_id=99))
    with pytest.raises(NotFound, match="school 42 does not exist"):
        backend.update(attrs.evolve(home, id=42))
    with pytest.raises(NotFound, match="school 42 does not exist"):
        backend.delete(School, 42)
    with pytest.raises(NotFound, match="refers to schools 7"):
        backend.update(attrs.evolve(teacher, school_id=7))
    with pytest.raises(DuplicateRef, match="'HY-01' is already used by id 1"):
        backend.add(school("另一所学校", ref="HY-01"))
    other = backend.add(school("另一所学校"))
    with pytest.raises(DuplicateRef, match="already used by id 1"):
        backend.update(attrs.evolve(other, ref="HY-01"))
    with pytest.raises(StillReferenced, match="school 1 is still linked from teachers"):
        backend.delete(School, home.id or 0)
    with pytest.raises(BackendError, match="school already has id 1"):
        backend.add(home)
    with pytest.raises(BackendError, match="already has id"):
        backend.bulk_insert(School, [school("新学校"), home])
    assert backend.count(School, {}) == 2  # nothing of the failed bulk load stayed


@pytest.mark.parametrize("op", ["lt", "le", "gt", "ge"])
def test_an_ordered_filter_with_nan_matches_nothing_as_in_python(
    backend: SQLiteBackend, op: str
) -> None:
    home = backend.add(school())
    backend.add(Teacher(name="李老师", school_id=home.id))
    # 1 < nan, 1 >= nan … are all False in Python, not a TypeError: nothing matches
    assert list(backend.find(Teacher, {"school_id": Op(op, float("nan"))})) == []


def test_a_long_in_list_with_a_float_is_passed_as_parameters(backend: SQLiteBackend) -> None:
    home = backend.add(school())
    for name in ("李老师", "王老师"):
        backend.add(Teacher(name=name, school_id=home.id))
    # 601 values, one of them a float JSON cannot hold: ids 1 and 2 are among them
    wanted = one_of(*range(1, 601), float("inf"))
    assert [t.name for t in backend.find(Teacher, {"id": wanted})] == ["李老师", "王老师"]


def test_a_naive_time_and_text_in_time_and_money_filters(path: Path) -> None:
    with Tracker.open(f"sqlite:///{path}") as tracker:
        tracker.add(school())  # one change logged, at an aware time
        store = tracker.backend
        # Python refuses to order a naive time against an aware one
        with pytest.raises(TypeError):
            list(store.find(Change, {"at": Op("lt", dt.datetime(2999, 1, 1))}))
        # text is no time and no amount: it equals nothing stored
        assert list(store.find(Change, {"at": Op("eq", "2025-01-01")})) == []
        assert list(store.find(Pairing, {"annual_budget": Op("eq", "abc")})) == []


def test_a_missing_link_is_reported_before_a_duplicate_ref(backend: SQLiteBackend) -> None:
    home = backend.add(school())
    backend.add(Teacher(name="李老师", school_id=home.id, ref="T-1"))
    with pytest.raises(NotFound):  # SQLite sees the ref first; memory checks links first
        backend.add(Teacher(name="王老师", school_id=99, ref="T-1"))


def test_text_that_is_not_unicode_never_reaches_the_store(backend: SQLiteBackend) -> None:
    with pytest.raises(InvalidRecord, match="not valid Unicode"):
        backend.add(school("\udcff"))
    assert backend.count(School, {}) == 0


# -- transactions ---------------------------------------------------------------


class Boom(Exception):
    pass


def test_an_inner_failure_undoes_only_the_inner_block(backend: SQLiteBackend) -> None:
    with backend.transaction():
        backend.add(school("一"))
        with pytest.raises(Boom), backend.transaction():
            backend.add(school("二"))
            raise Boom
        backend.add(school("三"))
    assert [s.name for s in backend.find(School, {})] == ["一", "三"]
    assert [s.id for s in backend.find(School, {})] == [1, 2]  # the inner id was given back


def test_an_outer_failure_undoes_everything(backend: SQLiteBackend) -> None:
    backend.add(school("先"))
    with pytest.raises(Boom), backend.transaction():
        backend.add(school("一"))
        with backend.transaction():
            backend.add(school("二"))
        raise Boom
    assert [s.name for s in backend.find(School, {})] == ["先"]
    assert backend.add(school("后")).id == 2


def test_the_outermost_block_takes_the_write_lock(backend: SQLiteBackend, path: Path) -> None:
    other = raw(path)
    other.execute("PRAGMA busy_timeout = 0")
    with backend.transaction(), pytest.raises(sqlite3.OperationalError, match="locked"):
        other.execute("BEGIN IMMEDIATE")
    other.execute("BEGIN IMMEDIATE")
    other.execute("ROLLBACK")
    other.close()


def test_a_failed_write_inside_a_transaction_leaves_the_rest(backend: SQLiteBackend) -> None:
    with backend.transaction():
        backend.add(school("一", ref="A"))
        with pytest.raises(DuplicateRef):
            backend.add(school("二", ref="A"))
        with pytest.raises(NotFound):
            backend.bulk_insert(
                Teacher, [Teacher(name="甲", school_id=1), Teacher(name="乙", school_id=9)]
            )
        backend.add(school("三"))
    assert [s.name for s in backend.find(School, {})] == ["一", "三"]
    assert backend.count(Teacher, {}) == 0


# -- bulk insert ------------------------------------------------------------------


def secondments(n: int, teacher: int = 1, host: int = 2) -> Iterator[Secondment]:
    for i in range(n):
        yield Secondment(
            teacher_id=teacher,
            host_school_id=host,
            kind="支教",
            starts_on=DAY + dt.timedelta(days=i % 50),
            ends_on=DAY + dt.timedelta(days=i % 50 + 30),
            ref=f"S-{i}",
        )


def stock(store: Backend) -> None:
    store.add(school("惠阳区半岛学校"))
    store.add(school("贞丰县第五中学", region="黔西南州贞丰县"))
    store.add(Teacher(name="李老师", school_id=1))


def test_bulk_insert_streams_in_batches_like_memory(backend: SQLiteBackend) -> None:
    memory = MemoryBackend()
    for store in (backend, memory):
        stock(store)
    got = backend.bulk_insert(Secondment, secondments(25), batch_size=10)
    want = memory.bulk_insert(Secondment, secondments(25), batch_size=10)
    assert got == want
    assert (got.first_id, got.last_id) == (1, 25)
    assert list(backend.find(Secondment, {})) == list(memory.find(Secondment, {}))
    empty = backend.bulk_insert(Secondment, iter(()))
    assert empty == memory.bulk_insert(Secondment, iter(()))


def test_a_large_bulk_load_rebuilds_the_plain_indexes(backend: SQLiteBackend) -> None:
    stock(backend)
    sql = "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"
    before = backend.database.conn.execute(sql).fetchall()
    result = backend.bulk_insert(Secondment, secondments(30), batch_size=7)
    assert result.count == 30
    assert backend.database.conn.execute(sql).fetchall() == before
    assert backend.database.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    query = normalize(Secondment, {"starts_on": le(DAY)})
    assert "idx_secondments_starts_on" in plan(backend, lambda: backend.count(Secondment, query))


@pytest.mark.parametrize("inside", [False, True])
def test_a_refused_row_leaves_nothing_of_the_bulk_load(
    backend: SQLiteBackend, inside: bool
) -> None:
    stock(backend)
    rows = [*secondments(20), *secondments(1)]  # the last repeats ref S-0
    sql = "SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name"
    indexes = backend.database.conn.execute(sql).fetchall()
    if inside:
        with backend.transaction():
            backend.add(school("留下"))
            with pytest.raises(DuplicateRef, match="'S-0' is already used by id 1"):
                backend.bulk_insert(Secondment, rows, batch_size=5)
        assert backend.count(School, {}) == 3
    else:
        with pytest.raises(DuplicateRef):
            backend.bulk_insert(Secondment, rows, batch_size=5)
    assert backend.count(Secondment, {}) == 0
    assert backend.database.conn.execute(sql).fetchall() == indexes
    assert backend.add(next(secondments(1))).id == 1  # ids given back, as memory does


def test_a_broken_record_source_rolls_the_load_back(backend: SQLiteBackend) -> None:
    stock(backend)

    def source() -> Iterator[Secondment]:
        yield from secondments(12)
        raise Boom

    with pytest.raises(Boom):
        backend.bulk_insert(Secondment, source(), batch_size=5)
    assert backend.count(Secondment, {}) == 0


# -- reads --------------------------------------------------------------------------


def test_find_streams_and_ignores_records_added_meanwhile(backend: SQLiteBackend) -> None:
    for i in range(3):
        backend.add(school(f"学校{i}"))
    found = backend.find(School, {})
    assert not isinstance(found, list)
    names = []
    for record in found:
        names.append(record.name)
        backend.add(school(f"新{record.name}"))
    assert names == ["学校0", "学校1", "学校2"]
    assert backend.count(School, {}) == 6


def test_aggregate_values_have_the_memory_types(backend: SQLiteBackend) -> None:
    stock(backend)
    pairing = backend.add(Pairing(supporting_school_id=1, supported_school_id=2, signed_on=DAY))
    allocation = backend.add(Allocation(pairing_id=pairing.id, year=2025, amount="100000"))
    for amount in ("1200.50", "0.25", "300"):
        backend.add(
            Expense(allocation_id=allocation.id, spent_on=DAY, amount=amount, category="差旅补助")
        )
    rows = backend.aggregate(
        Expense,
        ("category", "spent_on"),
        {"n": count(), "sum": total("amount"), "least": smallest("amount")},
        {},
    )
    want = {
        "category": ExpenseCategory.TRAVEL,
        "spent_on": DAY,
        "n": 3,
        "sum": Decimal("1500.75"),
        "least": Decimal("0.25"),
    }
    assert repr(rows) == repr([want])
    nothing = backend.aggregate(
        Expense, (), {"sum": total("amount"), "max": largest("spent_on")}, {"id": Op("eq", 99)}
    )
    assert repr(nothing) == repr([{"sum": Decimal("0.00"), "max": None}])


def test_sums_beyond_64_bits_are_exact(backend: SQLiteBackend) -> None:
    for _ in range(3):
        backend.add(Activity(kind="lecture", title="讲座", held_on=DAY, attendees=10**12))
    people = backend.aggregate(Activity, (), {"people": total("attendees")}, {})
    assert people == [{"people": 3 * 10**12}]
    backend.database.conn.execute("UPDATE activities SET lessons = ?", (2**63 - 1,))
    lessons = backend.aggregate(Activity, (), {"lessons": total("lessons")}, {})
    assert lessons == [{"lessons": 3 * (2**63 - 1)}]


# -- against memory ----------------------------------------------------------------


def outcome(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """What ``function`` returned (an iterator listed) or the exception it raised."""
    try:
        result = function(*args, **kwargs)
    except TypeError:
        return "TypeError"  # raised by memory comparing None; the message is Python's own
    except ExchangeError as error:
        return (type(error).__name__, str(error))
    return list(result) if isinstance(result, Iterator) else result


FINDS: list[tuple[type[Stored], dict[str, Any], list[str], int | None, int]] = [
    (School, {"rural": True}, [], None, 0),
    (School, {"ref": None}, ["-name"], None, 0),
    (School, {"ref": ne(None)}, [], None, 0),
    (School, {"ref": ne("S1")}, ["region", "-id"], None, 0),
    (School, {"stage": one_of("junior", "小学", None)}, ["stage"], 2, 1),
    (Teacher, {"roles": has("骨干教师")}, ["-phone"], None, 0),
    (Teacher, {"subjects": has("语文")}, ["phone", "name"], None, 0),
    (Teacher, {"phone": None}, [], None, -2),
    (Teacher, {}, ["name"], -2, 1),
    (Teacher, {"name": lt("教师3")}, ["name"], 10, 3),
    (Pairing, {"annual_budget": None}, [], None, 0),
    (Pairing, {"annual_budget": le(Decimal("100000"))}, [], None, 0),
    (Pairing, {"partnership_id": ne(1)}, ["-signed_on"], None, 0),
    (Secondment, {"returned_on": ne(None)}, [], None, 0),
    (Secondment, {"starts_on": le(DAY + dt.timedelta(days=3))}, ["-returned_on", "-id"], 4, 0),
    (Secondment, {"kind": "support"}, ["returned_on", "ends_on"], None, 2),
    (Partnership, {"started_on": lt(dt.date(2030, 1, 1))}, ["-started_on"], None, 0),
]

AGGREGATES: list[tuple[type[Stored], tuple[str, ...], dict[str, Measure]]] = [
    (School, ("stage", "rural"), {"n": count(), "last": largest("name")}),
    (School, ("ref",), {"n": count("ref")}),
    (
        Secondment,
        ("kind",),
        {"n": count("returned_on"), "first": smallest("starts_on"), "last": largest("returned_on")},
    ),
    (Pairing, (), {"budget": total("annual_budget"), "n": count()}),
    (Pairing, ("signed_on",), {"budget": total("annual_budget")}),
    (Teacher, ("school_id",), {}),
    (
        Activity,
        (),
        {"lessons": total("lessons"), "first": smallest("held_on"), "kind": largest("kind")},
    ),
]


def populate(store: Backend) -> None:
    """Partnerships, schools, teachers, pairings and secondments with gaps and repeats."""
    store.add(Partnership(name="惠阳—贞丰", supporting_region="惠阳区", supported_region="贞丰县"))
    store.add(
        Partnership(
            name="长沙—怀化",
            supporting_region="长沙市",
            supported_region="怀化市",
            started_on=dt.date(2021, 9, 1),
            ref="P-2",
        )
    )
    stages = [("初中", False), ("小学", True), ("高中", True), ("初中", True)]
    for i, (stage, rural) in enumerate(stages):
        ref = f"S{i}" if i % 2 else None
        store.add(School(name=f"学校{i}", region=f"区{i % 2}", stage=stage, rural=rural, ref=ref))
    for i in range(6):
        store.add(
            Teacher(
                name=f"教师{5 - i}",
                school_id=i % 4 + 1,
                roles=[Role.BACKBONE] if i % 2 else [Role.PRINCIPAL, Role.SEED],
                subjects=["数学", "语文"][: i % 3],
                phone=None if i % 3 else f"1380000{i}",
            )
        )
    store.add(
        Pairing(
            supporting_school_id=1,
            supported_school_id=2,
            partnership_id=1,
            signed_on=DAY,
            annual_budget="100000",
        )
    )
    store.add(Pairing(supporting_school_id=3, supported_school_id=4, signed_on=DAY.replace(2024)))


def script(store: Backend) -> list[Any]:
    """A fixed history touching every operation; memory and sqlite must tell it alike."""
    log: list[Any] = []

    def do(function: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        log.append(outcome(function, *args, **kwargs))

    populate(store)
    do(store.bulk_insert, Secondment, secondments(7, teacher=2, host=3), batch_size=3)
    late = attrs.evolve(next(secondments(1)), ref=None, returned_on=DAY.replace(day=9), kind="挂职")
    do(store.add, late)
    for cls, raw_filters, order, limit, offset in FINDS:
        filters = normalize(cls, raw_filters)
        do(store.find, cls, filters, order_by=check_order(cls, order), limit=limit, offset=offset)
        do(store.count, cls, filters)
    # not normalised (a blank ref becomes None): memory compares, and may raise TypeError
    do(store.find, Secondment, {"ref": Op("le", None)})
    do(store.count, Pairing, {"ref": Op("le", None)})
    do(store.count, Teacher, {"phone": Op("gt", 5)})
    for cls, group_by, measures in AGGREGATES:
        do(store.aggregate, cls, group_by, measures, {})
    for id in (1, 99, 2**70, True, 1.0, "1", None):
        do(store.get, School, id)
    do(store.delete, School, 1)
    do(store.delete, Partnership, 2)
    do(store.delete, Partnership, 2)
    do(store.add, Partnership(name="新", supporting_region="甲", supported_region="乙", ref="P-2"))
    teacher, other = store.get(Teacher, 1), store.get(School, 2)
    assert teacher is not None and other is not None
    do(store.update, attrs.evolve(teacher, school_id=40))
    do(store.update, attrs.evolve(other, ref="S3"))
    do(store.update, attrs.evolve(other, name="改名"))
    do(store.bulk_insert, School, [school("甲", ref="X"), school("乙", ref="X")])
    bad = [Teacher(name="甲", school_id=2), Teacher(name="乙", school_id=77, ref="T")]
    do(store.bulk_insert, Teacher, bad)
    with store.transaction():
        do(store.add, school("事务一"))
        with contextlib.suppress(Boom), store.transaction():
            do(store.add, school("事务二"))
            raise Boom
        do(store.add, school("事务三"))
    do(store.add, school("之后"))
    for cls in STORED_TYPES:
        do(store.find, cls, {})
    return log


def test_a_fixed_script_tells_the_same_story_as_memory(path: Path) -> None:
    expected = script(MemoryBackend())
    actual = script(SQLiteBackend(f"sqlite:///{path}"))
    assert len(actual) == len(expected)
    for i, (got, want) in enumerate(zip(actual, expected, strict=True)):
        assert repr(got) == repr(want), f"step {i}"


names = st.text(alphabet="Aaz惠丰😀é", min_size=1, max_size=3)
amounts = st.none() | st.integers(0, 10**6).map(lambda fen: Decimal(fen) / 100)


@given(
    school_names=st.lists(names, min_size=2, max_size=8),
    budgets=st.lists(amounts, min_size=1, max_size=8),
    limit=st.none() | st.integers(-3, 5),
    offset=st.integers(-3, 5),
    descending=st.booleans(),
    cutoff=st.integers(0, 10**6).map(lambda fen: Decimal(fen) / 100),
)
def test_finds_and_aggregates_agree_with_memory(
    school_names: list[str],
    budgets: list[Decimal | None],
    limit: int | None,
    offset: int,
    descending: bool,
    cutoff: Decimal,
) -> None:
    answers = []
    for store in (MemoryBackend(), SQLiteBackend("sqlite://")):
        log = []
        for i, name in enumerate(school_names):
            ref = name if i % 2 else None
            log.append(outcome(store.add, School(name=name, region=name[0], stage="小学", ref=ref)))
        for i, budget in enumerate(budgets):
            signed = DAY + dt.timedelta(days=i % 3)
            pairing = Pairing(
                supporting_school_id=1,
                supported_school_id=2,
                signed_on=signed,
                annual_budget=budget,
            )
            log.append(outcome(store.add, pairing))
        filters = normalize(Pairing, {"annual_budget": le(cutoff)})
        order = (("annual_budget", descending), ("signed_on", not descending))
        by_name = (("name", descending),)
        log += [
            outcome(store.find, School, {}, order_by=by_name, limit=limit, offset=offset),
            outcome(store.find, Pairing, filters, order_by=order, limit=limit, offset=offset),
            store.count(Pairing, filters),
            store.aggregate(
                Pairing,
                ("signed_on",),
                {"b": total("annual_budget"), "hi": largest("annual_budget")},
                filters,
            ),
            store.aggregate(School, ("region",), {"n": count("ref"), "lo": smallest("name")}, {}),
        ]
        answers.append(repr(log))
        store.close()
    assert answers[0] == answers[1]


# -- two processes ------------------------------------------------------------------

WRITER = """
import sys
from exchange import School
from backends.sqlite import open_sqlite

store = open_sqlite(sys.argv[1])
seen, failures = [], 0
print("ready", flush=True)
sys.stdin.readline()  # start together
for i in range(int(sys.argv[2])):
    try:
        with store.transaction():
            n = store.count(School, {})
            store.add(School(name=f"学校{n}", region=sys.argv[3], stage="primary"))
            seen.append(n)
    except Exception as error:
        failures += 1
        print(type(error).__name__, error, file=sys.stderr)
store.close()
print(failures)
print(" ".join(map(str, seen)))
"""


def test_two_processes_read_then_write_without_locking_errors(path: Path) -> None:
    url = f"sqlite:///{path}"
    SQLiteBackend(url).close()
    runs = 200
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, url, str(runs), region],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for region in ("惠阳区", "贞丰县")
    ]
    for writer in writers:
        assert writer.stdout is not None and writer.stdout.readline() == "ready\n"
    for writer in writers:
        assert writer.stdin is not None
        writer.stdin.write("go\n")
        writer.stdin.flush()
    seen: list[int] = []
    for out, err, code in [(*w.communicate(timeout=120), w.returncode) for w in writers]:
        assert code == 0, err
        failures, counts = out.splitlines()
        assert failures == "0", err
        seen += [int(n) for n in counts.split()]
    # every transaction saw a different count: each read-then-write ran alone
    assert sorted(seen) == list(range(2 * runs))
    store = SQLiteBackend(url)
    assert store.count(School, {}) == 2 * runs
    store.close()


def test_stores_backups_and_exports_are_their_owners_alone(tmp_path: Path) -> None:
    """New files are created 0600 whatever the umask; an existing store keeps its mode."""
    from click.testing import CliRunner

    from cli.main import cli

    old = os.umask(0o022)
    try:
        store = tmp_path / "bureau.db"
        with Tracker.open(f"sqlite:///{store}") as tracker:
            tracker.add(School(name="贞丰县第五中学", region="贞丰县", stage="初中"))
            tracker.backend.backup(str(tmp_path / "backup.db"))
        runner = CliRunner()
        for output in ("schools.csv", "schools.xlsx"):
            args = ["--db", str(store), "export", "schools", "-o", str(tmp_path / output)]
            assert runner.invoke(cli, args).exit_code == 0
        for name in ("bureau.db", "backup.db", "schools.csv", "schools.xlsx"):
            assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600, name
        shared = tmp_path / "shared.db"
        shared.touch(mode=0o640)
        shared.chmod(0o640)
        Tracker.open(f"sqlite:///{shared}").close()
        assert stat.S_IMODE(shared.stat().st_mode) == 0o640
    finally:
        os.umask(old)
