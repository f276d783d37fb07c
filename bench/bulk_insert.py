"""Bulk insert: 1,000,000 secondments through ``Tracker.bulk_add`` versus raw ``executemany``.

Both runs start from a fresh SQLite file holding the same schema, 1,000 schools and
10,000 teachers, and each runs in its own process so its peak memory is its own:

* tracker — a generator of ``Secondment`` records into ``tracker.bulk_add`` (records
  built, validated, rule-checked, encoded, inserted, digested, logged);
* raw — a generator of the same rows as tuples into ``sqlite3.executemany`` in one
  transaction, on a connection with the same pragmas (WAL, foreign keys on).

Prints one line per run and ``ratio=<tracker rows/s ÷ raw rows/s>``. Targets: ratio ≥ 0.5,
tracker peak RSS < 150 MB.

    python bench/bulk_insert.py [--rows N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

SCHOOLS, TEACHERS = 1_000, 10_000
BASE = dt.date(2016, 1, 1)


def prepare(path: Path) -> None:
    """A fresh store with the schema, the schools and the teachers."""
    from exchange import School, Teacher, Tracker

    with Tracker.open(f"sqlite:///{path}", actor="bench") as tracker:
        tracker.bulk_add(
            School(name=f"学校{i}", region=f"地区{i % 50}", stage="小学", rural=i % 3 == 0)
            for i in range(SCHOOLS)
        )
        tracker.bulk_add(
            Teacher(name=f"教师{i}", school_id=i % SCHOOLS + 1) for i in range(TEACHERS)
        )


def plan(n: int) -> Iterator[tuple[int, int, str, dt.date, dt.date]]:
    """The secondments to store: teacher, host school, kind, start, end."""
    kinds = ("support", "shadow", "post", "visit")
    for i in range(n):
        teacher = i % TEACHERS + 1
        host = (teacher + 6) % SCHOOLS + 1  # never the teacher's own school
        start = BASE + dt.timedelta(days=i % 3650)
        yield teacher, host, kinds[i % 4], start, start + dt.timedelta(days=30 + i % 335)


def run_tracker(path: Path, n: int) -> float:
    """Seconds to store ``n`` secondments through the public bulk API."""
    from exchange import Secondment, Tracker

    with Tracker.open(f"sqlite:///{path}", actor="bench") as tracker:
        began = time.perf_counter()
        result = tracker.bulk_add(
            Secondment(teacher_id=t, host_school_id=h, kind=k, starts_on=s, ends_on=e)
            for t, h, k, s, e in plan(n)
        )
        elapsed = time.perf_counter() - began
    assert result.count == n
    return elapsed


def run_raw(path: Path, n: int) -> float:
    """Seconds to store the same rows with ``sqlite3.executemany`` in one transaction."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    sql = (
        "INSERT INTO secondments (ref, archived, teacher_id, host_school_id, kind, starts_on,"
        " ends_on, status, pairing_id, returned_on, post, reason)"
        " VALUES (NULL, 0, ?, ?, ?, ?, ?, 'proposed', NULL, NULL, '', '')"
    )
    began = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany(sql, ((t, h, k, s.isoformat(), e.isoformat()) for t, h, k, s, e in plan(n)))
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - began
    conn.close()
    return elapsed


def child(which: str, n: int) -> None:
    """Run one side in this process and print its figures as JSON."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{which}.db"
        prepare(path)
        seconds = run_tracker(path, n) if which == "tracker" else run_raw(path, n)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb}))


def main() -> None:
    """Run both sides in child processes and print the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--child", choices=["tracker", "raw"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.rows)
        return
    figures = {}
    for which in ("raw", "tracker"):
        out = subprocess.run(
            [sys.executable, __file__, "--child", which, "--rows", str(args.rows)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        figures[which] = json.loads(out)
        rate = args.rows / figures[which]["seconds"]
        print(
            f"{which:8} {figures[which]['seconds']:7.2f} s  {rate:10,.0f} rows/s  "
            f"peak RSS {figures[which]['peak_mb']:.0f} MB"
        )
    ratio = figures["raw"]["seconds"] / figures["tracker"]["seconds"]
    print(
        f"ratio={ratio:.2f}  (target ≥ 0.5)  tracker_peak_rss_mb="
        f"{figures['tracker']['peak_mb']:.0f}  (target < 150)"
    )


if __name__ == "__main__":
    main()
