"""Stores the read benchmarks share: schools, teachers and secondments made in bulk.

:func:`prepare` fills a fresh SQLite file through ``Tracker.bulk_add`` (as an
import would), so the rows read back are the library's own; the same file serves
every side of a benchmark. :func:`command` runs the ``exchange`` CLI of this venv.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from _measure import Section

SCHOOLS = 1_000
BASE = dt.date(2016, 1, 1)
KINDS = ("support", "shadow", "post", "visit")


def prepare(path: Path, *, teachers: int, secondments: int = 0) -> None:
    """A fresh store at ``path`` with :data:`SCHOOLS` schools, ``teachers`` teachers and
    ``secondments`` secondments (spread over ten years and every teacher)."""
    from exchange import School, Secondment, Teacher, Tracker

    with Tracker.open(f"sqlite:///{path}", actor="bench") as tracker:
        tracker.bulk_add(
            School(name=f"学校{i}", region=f"地区{i % 50}", stage="primary", rural=i % 3 == 0)
            for i in range(SCHOOLS)
        )
        tracker.bulk_add(
            Teacher(name=f"教师{i}", school_id=i % SCHOOLS + 1, subjects=("语文",))
            for i in range(teachers)
        )
        tracker.bulk_add(
            Secondment(
                teacher_id=i % teachers + 1,
                host_school_id=(i % teachers + 7) % SCHOOLS + 1,
                kind=KINDS[i % 4],
                starts_on=BASE + dt.timedelta(days=(i // teachers) * 400 + i % 30),
                ends_on=BASE + dt.timedelta(days=(i // teachers) * 400 + i % 30 + 30 + i % 300),
            )
            for i in range(secondments)
        )


def command(path: Path, *args: str) -> list[str]:
    """The ``exchange --db PATH ARGS`` command line of this interpreter's venv."""
    exchange = Path(sys.executable).with_name("exchange")
    return [str(exchange), "--db", str(path), *args]


def prepare_apart(path: Path, *, teachers: int, secondments: int = 0) -> None:
    """:func:`prepare` in a process of its own, so that the benchmark's process stays
    small: a child started from it inherits its peak RSS as the floor of its own."""
    numbers = [str(teachers), str(secondments)]
    subprocess.run([sys.executable, __file__, str(path), *numbers], check=True)


if __name__ == "__main__":
    prepare(Path(sys.argv[1]), teachers=int(sys.argv[2]), secondments=int(sys.argv[3]))


def raw_connection(path: Path) -> sqlite3.Connection:
    """An autocommit ``sqlite3`` connection with the store's pragmas: a raw side's."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


def raw_insert(path: Path, sql: str, rows: Iterable[Any]) -> Section:
    """``executemany(sql, rows)`` in one transaction on :func:`raw_connection`; its figures."""
    conn = raw_connection(path)
    with Section() as section:
        conn.execute("BEGIN")
        conn.executemany(sql, rows)
        conn.execute("COMMIT")
    conn.close()
    return section
