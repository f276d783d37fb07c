"""Bulk insert: N secondments through ``Tracker.bulk_add`` versus raw ``executemany``.

Runs at 200,000 and 1,000,000 secondments by default (``--rows`` chooses). Both runs
start from a fresh SQLite file holding the same schema, 1,000 schools and 10,000
teachers, and each runs in its own process so its peak memory is its own:

* tracker — a generator of ``Secondment`` records into ``tracker.bulk_add`` (records
  built, validated, rule-checked, encoded, inserted, digested, logged);
* raw — a generator of the same rows as tuples into ``sqlite3.executemany`` in one
  transaction, on a connection with the same pragmas (WAL, foreign keys on).

For each size, prints one line per run (wall seconds, CPU seconds of the process
around the insert, rows a second, peak RSS of the whole process) and the ratios
``ratio_wall`` and ``ratio_cpu``, both tracker speed ÷ raw speed, i.e. raw seconds ÷
tracker seconds (higher is better, 1 is as fast as raw); then a summary table of size ×
ratios × peak RSS per side. CPU time holds steady on a busy machine where wall time
does not. Targets: ratio ≥ 0.5, tracker peak RSS < 150 MB.

    python bench/bulk_insert.py [--rows N [N ...]]     # default: --rows 200000 1000000
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
from collections.abc import Iterator
from pathlib import Path

from _measure import (
    Section,
    add_sizes,
    emit,
    heading,
    print_table,
    ratio,
    run_sides,
    summary_row,
)
from _stores import raw_insert

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


def run_tracker(path: Path, n: int) -> Section:
    """Store ``n`` secondments through the public bulk API; the insert's figures."""
    from exchange import Secondment, Tracker

    with Tracker.open(f"sqlite:///{path}", actor="bench") as tracker, Section() as section:
        result = tracker.bulk_add(
            Secondment(teacher_id=t, host_school_id=h, kind=k, starts_on=s, ends_on=e)
            for t, h, k, s, e in plan(n)
        )
    assert result.count == n
    return section


def run_raw(path: Path, n: int) -> Section:
    """Store the same rows with ``sqlite3.executemany`` in one transaction; its figures."""
    sql = (
        "INSERT INTO secondments (ref, archived, teacher_id, host_school_id, kind, starts_on,"
        " ends_on, status, pairing_id, returned_on, post, reason)"
        " VALUES (NULL, 0, ?, ?, ?, ?, ?, 'proposed', NULL, NULL, '', '')"
    )
    rows = ((t, h, k, s.isoformat(), e.isoformat()) for t, h, k, s, e in plan(n))
    return raw_insert(path, sql, rows)


def child(which: str, n: int) -> None:
    """Run one side in this process and print its figures as JSON."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{which}.db"
        prepare(path)
        section = run_tracker(path, n) if which == "tracker" else run_raw(path, n)
    emit(section)


def compare(n: int) -> dict[str, object]:
    """Run both sides at ``n`` rows, print their figures and ratios; the summary row."""
    heading(f"{n:,} secondments")
    sides = run_sides(__file__, ("raw", "tracker"), "--rows", n, rows=n)
    raw, tracker = sides
    ratios = ratio(raw, tracker)
    print(
        f"{ratios.label()}  (target ≥ 0.5)  tracker_peak_rss_mb={tracker.peak_mb:.0f}"
        "  (target < 150)"
    )
    return summary_row(n, {"": ratios}, sides)


def main() -> None:
    """Run both sides in child processes at each size and print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_sizes(parser, (200_000, 1_000_000))
    parser.add_argument("--child", choices=["tracker", "raw"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.rows[0])
        return
    print_table([compare(n) for n in args.rows])


if __name__ == "__main__":
    main()
