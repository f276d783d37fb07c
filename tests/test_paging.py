"""Lists at any depth: keyset pages through the Tracker and the CLI, the indexes that serve
every order a CLI list sorts by, and the plans that use them."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from exchange import Cursor, School, Secondment, Stage, Teacher, Tracker
from exchange.errors import InvalidRecord
from exchange.models import record_type
from exchange.paging import SORTABLE, keys

KINDS = ("support", "shadow", "post", "visit")


@pytest.fixture
def tracker(shared_store: str) -> Tracker:
    """A store of 3 schools, 6 teachers and 40 secondments with many tied starts, one
    in five archived."""
    tracker = Tracker.open(shared_store)
    tracker.bulk_add(School(name=f"学校{i}", region="地区", stage=Stage.PRIMARY) for i in range(3))
    tracker.bulk_add(Teacher(name=f"教师{i}", school_id=i % 3 + 1) for i in range(40))
    tracker.bulk_add(
        Secondment(
            teacher_id=i + 1,
            host_school_id=(i + 1) % 3 + 1,
            kind=KINDS[i % 4],
            starts_on=dt.date(2025, 1, 1) + dt.timedelta(days=i % 5),
            ends_on=dt.date(2025, 6, 1) + dt.timedelta(days=i % 7),
            archived=i % 5 == 0,
        )
        for i in range(40)
    )
    return tracker


ORDERS = [["starts_on"], ["-starts_on"], ["kind", "-ends_on"], ["-id"], []]


@pytest.mark.parametrize("order_by", ORDERS, ids=lambda o: ",".join(o) or "id")
@pytest.mark.parametrize("how", ["record", "cursor", "token"])
def test_pages_after_a_cursor_make_up_the_whole_list(
    tracker: Tracker, order_by: list[str], how: str
) -> None:
    """Each way of naming the position gives the next page; none repeats or skips."""
    whole = [s.id for s in tracker.find(Secondment, order_by=order_by)]
    assert len(whole) == 32
    seen: list[int | None] = []
    after: object = None
    while page := list(tracker.find(Secondment, order_by=order_by, limit=7, after=after)):  # type: ignore[arg-type]
        seen += [s.id for s in page]
        cursor = Cursor.of(page[-1], tuple((k.lstrip("-"), k[0] == "-") for k in order_by))
        after = {"record": page[-1], "cursor": cursor, "token": cursor.token()}[how]
    assert seen == whole


def test_a_page_after_a_cursor_keeps_the_filters_and_includes_archived_on_request(
    tracker: Tracker,
) -> None:
    """``after`` narrows the filtered list; archived records count when asked for."""
    first = next(tracker.find(Secondment, order_by=["starts_on"], kind="support"))
    rest = tracker.find(Secondment, order_by=["starts_on"], kind="support", after=first)
    assert all(s.kind == "support" and not s.archived for s in rest)
    everything = list(tracker.find(Secondment, include_archived=True, after=Cursor((), (0,))))
    assert len(everything) == 40


def test_a_cursor_is_refused_with_another_order_or_garbled(tracker: Tracker) -> None:
    """A token names its order; text that is no token says so."""
    token = Cursor.of(
        next(tracker.find(Secondment, order_by=["-starts_on"])), (("starts_on", True),)
    ).token()
    with pytest.raises(InvalidRecord, match="ordered by -starts_on, not by starts_on"):
        list(tracker.find(Secondment, order_by=["starts_on"], after=token))
    for garbage in ("garbage", "W10", Cursor((("starts_on", True),), ("2025-01-01",)).token()):
        with pytest.raises(InvalidRecord, match="is not a cursor"):
            list(tracker.find(Secondment, order_by=["-starts_on"], after=garbage))
    assert keys((("starts_on", True), ("id", True), ("kind", False))) == (
        ("starts_on", True),
        ("id", True),
    )


def test_every_cli_sort_is_indexed_with_the_archived_flag_and_the_id(shared_store: str) -> None:
    """Each field of :data:`SORTABLE` has an index ``(archived, field, id)`` on SQL stores."""
    with Tracker.open(shared_store) as tracker:
        found = _indexes(tracker)
    for name, fields in SORTABLE.items():
        table = record_type(name).table
        for field in fields:
            want = ["archived", "id"] if field == "id" else ["archived", field, "id"]
            assert want in found.get(table, []), (table, field)


def _indexes(tracker: Tracker) -> dict[str, list[list[str]]]:
    out: dict[str, list[list[str]]] = {}
    if tracker.backend.url.startswith("sqlite"):
        conn: sqlite3.Connection = tracker.backend.database.conn  # type: ignore[attr-defined]
        for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
            for index in conn.execute(f'PRAGMA index_list("{table}")').fetchall():
                info = conn.execute(f'PRAGMA index_info("{index[1]}")').fetchall()
                out.setdefault(table, []).append([column for *_, column in info])
        return out
    with tracker.backend.connection() as pg:  # type: ignore[attr-defined]
        rows = pg.execute(
            "SELECT t.relname, array_agg(a.attname ORDER BY k.n) FROM pg_index i"
            " JOIN pg_class t ON t.oid = i.indrelid"
            " JOIN pg_namespace s ON s.oid = t.relnamespace AND s.nspname = current_schema()"
            " CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)"
            " JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum"
            " GROUP BY i.indexrelid, t.relname"
        ).fetchall()
    for table, columns in rows:
        out.setdefault(table, []).append(list(columns))
    return out


@pytest.mark.parametrize("name", sorted(SORTABLE))
def test_a_deep_page_reads_the_index_in_order_on_sqlite(tmp_path: Path, name: str) -> None:
    """The query of an offset page and of a keyset page, ascending and descending, seeks
    the ``(archived, field, id)`` index and sorts nothing but ties (SQLite's plan)."""
    cls = record_type(name)
    with Tracker.open(f"sqlite:///{tmp_path / 'plans.db'}") as tracker:
        conn: sqlite3.Connection = tracker.backend.database.conn  # type: ignore[attr-defined]
        statements: list[str] = []
        conn.set_trace_callback(statements.append)
        for field in SORTABLE[name]:
            for order in ([field], ["-" + field]):
                list(tracker.find(cls, order_by=order, limit=10, offset=500))
                position = Cursor((((field, order[0][0] == "-")),), _sample(cls, field))
                if field != "id":
                    list(tracker.find(cls, order_by=order, limit=10, after=position))
        conn.set_trace_callback(None)
        for sql in (s for s in statements if s.startswith("SELECT") and "ORDER BY" in s):
            plan = " / ".join(row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}"))
            assert f"USING INDEX idx_{cls.table}_archived_" in plan, (sql, plan)
            assert "TEMP B-TREE FOR ORDER BY" not in plan, (sql, plan)


def _sample(cls: type, field: str) -> tuple[object, int]:
    kind = {"name": "惠阳", "region": "贞丰"}.get(field, dt.date(2025, 1, 1))
    return kind, 3


def invoke(db: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


def test_the_cli_lists_a_page_at_a_time(tmp_path: Path) -> None:
    """``--limit`` ends a full page with the ``--after`` that gives the next; the last page
    says nothing more."""
    db = tmp_path / "bureau.db"
    with Tracker.open(f"sqlite:///{db}") as tracker:
        tracker.bulk_add(
            School(name=f"学校{i}", region=f"地区{i % 2}", stage=Stage.PRIMARY) for i in range(5)
        )
    code, out, err = invoke(db, "school", "list", "--sort", "-region", "--limit", "3", "--json")
    assert code == 0 and err.startswith("next page: --after ")
    token = err.split()[-1]
    code, more, err = invoke(db, "school", "list", "--sort", "-region", "--limit", "3",
                             "--after", token, "--json")  # fmt: skip
    assert code == 0 and err == ""
    assert [row[0] for row in _rows(out) + _rows(more)] == [2, 4, 1, 3, 5]


def _rows(text: str) -> list[list[object]]:
    rows: list[list[object]] = json.loads(text)["tables"][0]["rows"]
    return rows


def test_the_cli_refuses_a_sort_without_an_index_naming_those_it_has(tmp_path: Path) -> None:
    """One line, in English or Chinese, naming the fields a list can be sorted by."""
    db = tmp_path / "bureau.db"
    code, _, err = invoke(db, "secondment", "list", "--sort", "kind")
    assert code == 1
    assert err == (
        "Error: cannot sort secondment lists by kind; sort by one of: id, starts_on, ends_on\n"
    )
    code, _, err = invoke(db, "--lang", "zh", "secondment", "list", "--sort", "-status")
    assert code == 1 and "列表不能按 status 排序；可排序的字段：id, starts_on, ends_on" in err
