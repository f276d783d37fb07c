"""``exchange audit verify`` proves the live records match the change log: rows changed,
added or removed behind the library's back, on SQLite and PostgreSQL, each found in one
line naming the table and id; bulk loads checked by their digest; ``--head`` finds
entries removed from the end of the log."""

from __future__ import annotations

import contextlib
import itertools
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from click.testing import CliRunner

from cli.main import cli
from exchange import Allocation, Partnership, School, Teacher, Tracker
from exchange.copying import copy
from exchange.demo import build_demo
from exchange.errors import ChainBroken

_schemas = itertools.count()

Tamper = Callable[..., None]
"""Runs one SQL statement on the store's file or database, as someone with it in hand would."""


@attrs.frozen
class Store:
    """A store's URL and a raw connection's way of running SQL on it."""

    url: str
    tamper: Tamper
    dialect: str


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    """A new, empty store, and raw SQL on it."""
    if request.param == "sqlite":
        path = tmp_path / "bureau.db"
        return Store(f"sqlite:///{path}", _sqlite_tamper(path), "sqlite")
    from backends.postgresql.testing import with_options

    server: str = request.getfixturevalue("postgres_server")
    schema = f"audit_{next(_schemas)}"
    return Store(
        with_options(server, schema=schema), _postgres_tamper(server, schema), "postgresql"
    )


def _sqlite_tamper(path: Path) -> Tamper:
    def tamper(sql: str, *params: Any) -> None:
        with contextlib.closing(sqlite3.connect(path)) as conn:
            conn.execute(sql, params)
            conn.commit()

    return tamper


def _postgres_tamper(server: str, schema: str) -> Tamper:
    import psycopg

    def tamper(sql: str, *params: Any) -> None:
        options = f"-c search_path={schema}"
        with psycopg.connect(server, autocommit=True, options=options) as conn:
            conn.execute(sql.replace("?", "%s"), params)  # type: ignore[arg-type]

    return tamper


def verify(url: str, *args: str) -> tuple[int, list[str], str]:
    """Run ``exchange audit verify``: exit code, the lines on stdout, stderr."""
    result = CliRunner().invoke(cli, ["--db", url, "audit", "verify", *args])
    return result.exit_code, result.stdout.splitlines(), result.stderr


def _programme(url: str) -> Tracker:
    tracker = Tracker.open(url, actor="审计")
    build_demo(tracker)
    return tracker


def test_a_clean_demo_store_verifies(store: Store) -> None:
    _programme(store.url).close()
    code, lines, err = verify(store.url)
    assert (code, err) == (0, "")
    assert len(lines) == 1 and lines[0].startswith("change log intact: ")
    assert lines[0].endswith(" records match it")


def test_an_update_an_insert_and_a_delete_behind_the_librarys_back_are_each_found(
    store: Store,
) -> None:
    with _programme(store.url) as tracker:
        allocation = next(tracker.find(Allocation))
        expense = next(tracker.find("expense"))
        partnership = next(tracker.find(Partnership))
        newest = max(p.id or 0 for p in tracker.find(Partnership)) + 1
    store.tamper("UPDATE allocations SET amount = 20000000000 WHERE id = ?", allocation.id)
    store.tamper(
        "INSERT INTO partnerships (id, ref, archived, name, supporting_region, "
        "supported_region, kind, started_on) SELECT ?, NULL, archived, 'phantom', "
        "supporting_region, supported_region, kind, started_on FROM partnerships WHERE id = ?",
        newest,
        partnership.id,
    )
    store.tamper("DELETE FROM expenses WHERE id = ?", expense.id)
    code, lines, err = verify(store.url)
    assert code == 1 and err == "Error: 3 differences between the records and the change log\n"
    assert len(lines) == 3
    assert (
        lines[0]
        == f"partnerships {newest}: not in the change log (added behind the library's back)"
    )
    assert lines[1].startswith(
        f"allocations {allocation.id}: amount is 200000000.00 here but "
        f"{allocation.amount} in the change log (entry "
    )
    assert lines[2].startswith(
        f"expenses {expense.id}: missing, but the change log last shows it stored (entry "
    )


def test_findings_in_chinese(tmp_path: Path) -> None:
    path = tmp_path / "bureau.db"
    with _programme(f"sqlite:///{path}") as tracker:
        allocation = next(tracker.find(Allocation))
    _sqlite_tamper(path)("UPDATE allocations SET amount = 1 WHERE id = ?", allocation.id)
    result = CliRunner().invoke(cli, ["--lang", "zh", "--db", str(path), "audit", "verify"])
    assert result.exit_code == 1
    assert result.stdout.startswith(f"经费拨款 {allocation.id}：amount 此处为 0.01，变更日志中为 ")
    assert result.stderr == "错误：记录与变更日志有 1 处不符\n"


def _bulk_schools(url: str, count: int = 20) -> Tracker:
    tracker = Tracker.open(url)
    tracker.bulk_add(
        School(name=f"第{i}小学", region="丹巴县", stage="小学", ref=f"S{i}") for i in range(count)
    )
    return tracker


def test_bulk_loads_verify_and_a_change_or_a_removal_behind_the_back_is_found(
    store: Store,
) -> None:
    with _bulk_schools(store.url) as tracker:
        tracker.update(attrs.evolve(tracker.get(School, "S3"), name="更名小学"))
        tracker.delete(School, "S4")  # changed and removed by the library: still verifies
        ids = [s.id for s in tracker.find(School, order_by=["id"])]
    code, lines, _ = verify(store.url)
    assert code == 0 and lines[0].endswith("; 19 records match it")
    first, last = ids[0], ids[0] + 19
    store.tamper("UPDATE schools SET name = 'x' WHERE id = ?", ids[7])
    code, lines, _ = verify(store.url)
    assert code == 1 and len(lines) == 1
    assert lines[0].startswith(
        f"schools {first}–{last}: the rows loaded in bulk do not match their digest in the "
        "change log (20 rows here, 20 logged; entry 1)"
    )
    store.tamper("DELETE FROM schools WHERE id = ?", ids[9])
    code, lines, _ = verify(store.url)
    assert code == 1 and lines == [
        f"schools {ids[9]}: missing, but the change log last shows it stored (entry 1)",
        f"schools {first}–{last}: the rows loaded in bulk do not match their digest in the "
        "change log (19 rows here, 20 logged; entry 1)",
    ]


def test_types_bulk_loaded_one_by_one_verify(tmp_path: Path) -> None:
    """Teachers are checked against each other as they load (``READS_OWN_TYPE``)."""
    path = tmp_path / "bureau.db"
    with _bulk_schools(f"sqlite:///{path}") as tracker:
        school = next(tracker.find(School))
        tracker.bulk_add(
            Teacher(name=f"教师{i}", school_id=school.id, ref=f"T{i}") for i in range(5)
        )
        teacher = tracker.get(Teacher, "T2")
    assert verify(str(path))[0] == 0
    _sqlite_tamper(path)("UPDATE teachers SET name = '某某' WHERE id = ?", teacher.id)
    code, lines, _ = verify(str(path))
    assert code == 1 and len(lines) == 1 and lines[0].startswith("teachers ")


def test_a_copied_store_verifies(tmp_path: Path) -> None:
    with _programme("memory:") as source, _bulk_schools(f"sqlite:///{tmp_path / 'b.db'}") as b:
        for target in (Tracker.open(f"sqlite:///{tmp_path / 'copy.db'}"), Tracker.open("memory:")):
            with target:
                copy(source, target)
                assert list(target.verify_records()) == []
        with Tracker.open("memory:") as target:
            copy(b, target)
            check = target.verify_records()
            assert list(check) == [] and check.records == 20


def test_archived_records_and_entries_written_before_a_column_existed_verify(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from exchange import changelog

    snapshot = changelog.snapshot

    def without_rural(record: Any) -> str | None:  # as if ``rural`` were a newer column
        text = snapshot(record)
        return text and text.replace(',"rural":0', "").replace(',"rural":1', "")

    with Tracker.open("memory:") as tracker:
        monkeypatch.setattr(changelog, "snapshot", without_rural)
        school = tracker.add(School(name="甲", region="乙", stage="小学"))
        assert '"rural"' not in next(tracker.changes()).after
        monkeypatch.undo()
        tracker.archive(School, school.id or 0)
        tracker.add(School(name="丙", region="乙", stage="小学"))
        check = tracker.verify_records()
        assert list(check) == [] and check.records == 2


def _head(url: str) -> str:
    result = CliRunner().invoke(cli, ["--db", url, "audit", "head"])
    assert result.exit_code == 0
    return result.stdout.strip()


def test_head_passes_until_the_newest_entry_is_removed(store: Store) -> None:
    with Tracker.open(store.url) as tracker:
        earlier = _head(store.url)
        assert earlier == "0" * 64
        tracker.add(School(name="甲", region="乙", stage="小学"))
        middle = _head(store.url)
        tracker.add(School(name="丙", region="乙", stage="小学", ref="last"))
    head = _head(store.url)
    for kept in (earlier, middle, head):
        assert verify(store.url, "--head", kept)[0] == 0
    on_table = " ON changes" if store.dialect == "postgresql" else ""
    store.tamper(f'DROP TRIGGER "changes_append_only_delete"{on_table}')  # the guard goes first
    store.tamper("DELETE FROM changes WHERE hash = ?", head)
    store.tamper("DELETE FROM schools WHERE ref = 'last'")
    assert verify(store.url)[0] == 0  # without the head kept elsewhere, nothing shows
    code, lines, err = verify(store.url, "--head", head)
    assert (code, lines) == (1, [])
    assert err == (
        f"Error: the change log holds no entry with hash {head}: entries after it were "
        "removed, or the log was rewritten\n"
    )
    assert verify(store.url, "--head", middle)[0] == 0


@pytest.mark.parametrize("given", ["abc", "", "g" * 64, "0" * 63, f"{'a' * 64} extra"])
def test_a_head_that_is_no_hash_at_all_is_named_so(given: str) -> None:
    with Tracker.open("memory:") as tracker, pytest.raises(ChainBroken) as refused:
        tracker.verify_head(given)
    assert str(refused.value) == (
        f"{given!r} is not a change-log hash (64 hexadecimal characters, as "
        "`exchange audit head` prints)"
    )


def test_the_installed_command_finds_a_change(tmp_path: Path) -> None:
    path = tmp_path / "bureau.db"
    with Tracker.open(str(path)) as tracker:
        tracker.add(Allocation(pairing_id=_pairing(tracker), year=2025, amount=Decimal("100000")))
    _sqlite_tamper(path)("UPDATE allocations SET amount = 20000000000")
    exe = Path(sys.executable).parent / "exchange"
    run = subprocess.run(
        [exe, "--db", str(path), "audit", "verify"], capture_output=True, text=True, env=os.environ
    )
    assert run.returncode == 1
    assert run.stdout.startswith(
        "allocations 1: amount is 200000000.00 here but 100000.00 in the change log (entry "
    )
    assert run.stderr == "Error: 1 differences between the records and the change log\n"


def _pairing(tracker: Tracker) -> int:
    from exchange import Pairing

    partnership = tracker.add(
        Partnership(name="惠阳—贞丰", supporting_region="惠阳区", supported_region="贞丰县")
    )
    a = tracker.add(School(name="甲", region="惠阳区", stage="初中"))
    b = tracker.add(School(name="乙", region="贞丰县", stage="初中"))
    pairing = tracker.add(
        Pairing(
            partnership_id=partnership.id,
            supporting_school_id=a.id,
            supported_school_id=b.id,
            signed_on="2025-03-01",
        )
    )
    return pairing.id or 0


def test_a_deleted_record_put_back_is_found(tmp_path: Path) -> None:
    path = tmp_path / "bureau.db"
    with Tracker.open(str(path)) as tracker:
        school = tracker.add(School(name="甲", region="乙", stage="小学"))
        tracker.delete(School, school.id or 0)
    _sqlite_tamper(path)(
        "INSERT INTO schools (id, archived, name, region, stage, rural) "
        "VALUES (?, 0, '甲', '乙', 'primary', 0)",
        school.id,
    )
    with Tracker.open(str(path)) as tracker:
        (finding,) = tracker.verify_records()
    assert (finding.table, finding.record_id) == ("schools", school.id)
    assert str(finding) == (
        f"schools {school.id}: present, but the change log shows it deleted (entry 2)"
    )
