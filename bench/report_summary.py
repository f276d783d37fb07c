"""The ``summary`` report over N activities versus one hand-written GROUP BY.

Runs at 200,000 and 5,000,000 activities by default (``--rows`` chooses). For each size
a fresh SQLite file gets 4 partnerships, 200 pairings, 1,000 schools and the
activities (through ``Tracker.bulk_add``: every kind, ten years, a third linked
only through their pairing). Then each side runs in a process of its own (so its peak
memory is its own), three times, keeping the least wall and the least CPU time:

* report — ``summary`` built through the report registry (its grouped activity
  query, the pairings query and the secondments, all in the same run);
* raw — the one SQL query a developer would write for the same totals: activities
  joined to their pairing, grouped by partnership, year and kind, on its own
  ``sqlite3`` connection.

Both results are checked to agree on the activity, lesson and person-time
totals. For each size, prints one line per side (wall seconds, CPU seconds of the
process around one run, peak RSS of the process) and the ratios ``ratio_wall`` (report
seconds ÷ raw seconds) and ``ratio_cpu`` (report CPU ÷ raw CPU): a time ratio, lower is
better, 1 is as fast as raw. Then a summary table of size × ratios × peak RSS per side.
CPU time holds steady on a busy machine where wall time does not. Target: ratio ≤ 1.5.

    python bench/report_summary.py [--rows N [N ...]] [--db PATH]

``--db bench.db`` keeps each size's store in ``bench-<N>.db`` beside it and reuses it
when present.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from _measure import (
    Section,
    add_sizes,
    best_of,
    emit,
    heading,
    print_table,
    ratio,
    run_sides,
    summary_row,
)

PARTNERSHIPS, PAIRINGS, SCHOOLS = 4, 200, 1_000
REPEAT = 3
KINDS = (
    "demonstration-lesson",
    "lecture",
    "same-lesson-different-design",
    "live-lesson",
    "training",
    "study-trip",
)
RAW = """
SELECT COALESCE(a.partnership_id, p.partnership_id), CAST(substr(a.held_on, 1, 4) AS INTEGER),
       a.kind, COUNT(*), SUM(a.lessons), SUM(a.attendees), SUM(a.students)
FROM activities a LEFT JOIN pairings p ON p.id = a.pairing_id
GROUP BY 1, 2, 3
"""


def prepare(path: Path, rows: int) -> None:
    """The store: partnerships, schools, pairings and ``rows`` activities."""
    from exchange import Activity, Pairing, Partnership, School, Tracker

    with Tracker.open(f"sqlite:///{path}", actor="bench") as tracker:
        tracker.bulk_add(
            Partnership(name=f"协作{i}", supporting_region=f"东部{i}", supported_region=f"西部{i}")
            for i in range(PARTNERSHIPS)
        )
        tracker.bulk_add(
            School(name=f"学校{i}", region=f"地区{i % 50}", stage="小学", rural=i % 3 == 0)
            for i in range(SCHOOLS)
        )
        tracker.bulk_add(
            Pairing(
                supporting_school_id=i + 1,
                supported_school_id=SCHOOLS - i,
                partnership_id=i % PARTNERSHIPS + 1,
                signed_on=dt.date(2016 + i % 10, 3, 1),
            )
            for i in range(PAIRINGS)
        )

        def activities() -> Iterator[Activity]:
            base = dt.date(2016, 1, 1)
            for i in range(rows):
                pairing = i % PAIRINGS + 1
                yield Activity(
                    kind=KINDS[i % len(KINDS)],
                    title="活动",
                    held_on=base + dt.timedelta(days=i % 3650),
                    pairing_id=pairing,
                    partnership_id=None if i % 3 == 0 else (pairing - 1) % PARTNERSHIPS + 1,
                    school_id=(i * 7) % SCHOOLS + 1,
                    lessons=i % 5,
                    attendees=i % 40,
                    students=i % 3,
                )

        tracker.bulk_add(activities(), batch_size=50_000)


def run_report(path: Path) -> tuple[Section, list[int]]:
    """Build ``summary`` ``REPEAT`` times; the best figures and the activity totals."""
    from exchange import Tracker
    from exchange.plugins import default_plugins

    build = default_plugins().reports.get("summary").build
    with Tracker.open(f"sqlite:///{path}", actor="bench") as tracker:
        section, report = best_of(REPEAT, lambda: build(tracker))
    overview = report.table("activities")
    return section, [sum(row[i] for row in overview.rows) for i in (3, 4, 5)]


def run_raw(path: Path) -> tuple[Section, list[int]]:
    """Run the raw query ``REPEAT`` times; the best figures and the activity totals."""
    connection = sqlite3.connect(path)
    section, rows = best_of(REPEAT, lambda: connection.execute(RAW).fetchall())
    connection.close()
    return section, [sum(row[i] for row in rows) for i in (3, 4, 5)]


def child(which: str, path: Path) -> None:
    """Run one side in this process and print its figures and totals as JSON."""
    section, totals = run_report(path) if which == "report" else run_raw(path)
    emit(section, totals=totals)


def store_for(folder: Path, db: Path | None, rows: int) -> Path:
    """The store for ``rows`` activities (``db`` with ``-<rows>`` added), prepared if new."""
    path = db.with_name(f"{db.stem}-{rows}{db.suffix}") if db else folder / f"bench-{rows}.db"
    if not path.exists():
        started = time.perf_counter()
        prepare(path, rows)
        print(f"prepared {rows:,} activities in {time.perf_counter() - started:.1f} s")
    return path


def compare(rows: int, db: Path | None) -> dict[str, object]:
    """Run both sides over ``rows`` activities, check they agree, print their figures and
    ratios; the summary row."""
    heading(f"{rows:,} activities")
    with tempfile.TemporaryDirectory() as folder:
        path = store_for(Path(folder), db, rows)
        sides = run_sides(__file__, ("report", "raw"), "--db", path)
    report, raw = sides
    if report.extra["totals"] != raw.extra["totals"]:
        raise SystemExit(
            f"the report disagrees with the raw query: {report.extra['totals']} != "
            f"{raw.extra['totals']}"
        )
    ratios = ratio(report, raw)
    print(f"{ratios.label()}  (target ≤ 1.5; best of {REPEAT})")
    return summary_row(rows, {"": ratios}, sides, unit="activities")


def main() -> None:
    """Run both sides in child processes at each size and print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_sizes(parser, (200_000, 5_000_000))
    parser.add_argument(
        "--db",
        type=Path,
        help="keep each size's store in this file, -<N> added to its name; reuse it if present",
    )
    parser.add_argument("--child", choices=["report", "raw"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.db)
        return
    print_table([compare(rows, args.db) for rows in args.rows])


if __name__ == "__main__":
    main()
