"""A ``sqlite:`` file written by an earlier release opens and is brought up to date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlite_utils import Database

from backends.sqlite.migrations import applied_names, known_names, migration_set, pending_count
from exchange import Application, Need, School, Secondment, Tracker
from exchange.backend import SCHEMA_VERSION


def schema_1_file(path: Path) -> None:
    """A store as release 0.1 (schema 1) left it, holding one school, teacher and secondment."""
    db = Database(path)
    migration_set().apply(db, stop_before=known_names()[1])
    db.execute(
        "INSERT INTO schools (id, archived, name, region, stage, rural) "
        "VALUES (1, 0, '贞丰县第五中学', '贞丰县', 'junior', 1), "
        "(2, 0, '惠阳区半岛学校', '惠阳区', 'junior', 0)"
    )
    db.execute(
        "INSERT INTO teachers (id, archived, name, school_id, subjects, roles, notes) "
        "VALUES (1, 0, '李老师', 2, '[]', '[]', '')"
    )
    db.execute(
        "INSERT INTO secondments (id, archived, teacher_id, host_school_id, kind, starts_on, "
        "ends_on, status, post, reason) "
        "VALUES (1, 0, 1, 1, 'support', '2025-03-01', '2025-07-15', 'approved', '', '')"
    )
    db.conn.commit()
    db.close()


def test_a_schema_1_file_is_upgraded_and_keeps_its_records(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    schema_1_file(path)
    tracker = Tracker.open(f"sqlite:///{path}")
    assert tracker.backend.schema_version() == SCHEMA_VERSION == 14
    old: Secondment = tracker.get(Secondment, 1)
    assert old.extensions == () and old.planned_end == dt.date(2025, 7, 15)
    assert old.partnership_id is None  # m005 added the column, empty
    assert tracker.get(School, 1).keep_at_home is None  # m010 added the column, empty
    need = tracker.add(
        Need(host_school_id=1, places=2, starts_on="2026-09-01", ends_on="2027-01-20")
    )
    assert tracker.add(Application(teacher_id=1, year=2026)).id == need.id == 1
    longer = tracker.extend(old, to="2025-08-31", reason="学期延长")
    assert longer.planned_end == dt.date(2025, 7, 15)
    assert tracker.define_programme("百千万", targets=(100, 1000, 10000)).id == 1
    tracker.close()
    reopened = Tracker.open(f"sqlite:///{path}")
    assert reopened.get(Secondment, 1) == longer
    reopened.close()


def test_the_applied_names_read_without_sqlite_utils_are_the_ones_it_records(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    schema_1_file(path)
    db = Database(path)
    assert applied_names(db.conn) == [m.name for m in migration_set().applied(db)]
    assert applied_names(db.conn) == list(known_names()[:1])
    assert pending_count(db.conn, "old.db") == len(known_names()) - 1
    migration_set().apply(db)
    assert applied_names(db.conn) == [m.name for m in migration_set().applied(db)]
    assert pending_count(db.conn, "old.db") == 0
    db.close()


def test_an_empty_file_has_no_migrations_applied(tmp_path: Path) -> None:
    db = Database(tmp_path / "empty.db")
    assert applied_names(db.conn) == [] == [m.name for m in migration_set().applied(db)]
    db.close()
