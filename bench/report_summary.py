"""The ``summary`` report over 5,000,000 activities versus one hand-written GROUP BY.

A fresh SQLite file gets 4 partnerships, 200 pairings, 1,000 schools and the
activities (through ``Tracker.bulk_add``: every kind, ten years, a third linked
only through their pairing). Then, best of three runs each:

* report — ``summary`` built through the report registry (its grouped activity
  query, the pairings query and the secondments, all in the same run);
* raw — the one SQL query a developer would write for the same totals: activities
  joined to their pairing, grouped by partnership, year and kind, on its own
  ``sqlite3`` connection.

Both results are checked to agree on the activity, lesson and person-time
totals. Prints both times and ``ratio=<report time ÷ raw time>``. Target: ≤ 1.5.

    python bench/report_summary.py [--rows N] [--db PATH]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

PARTNERSHIPS, PAIRINGS, SCHOOLS = 4, 200, 1_000
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


def best(run: Callable[[], Any]) -> tuple[float, Any]:
    """The fastest of three runs, and its result."""
    times, result = [], None
    for _ in range(3):
        started = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - started)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument(
        "--db", type=Path, help="keep the prepared store in this file, and reuse it if present"
    )
    args = parser.parse_args()
    from exchange import Tracker
    from exchange.plugins import default_plugins

    with tempfile.TemporaryDirectory() as folder:
        path = args.db or Path(folder) / "bench.db"
        if not path.exists():
            started = time.perf_counter()
            prepare(path, args.rows)
            print(f"prepared {args.rows:,} activities in {time.perf_counter() - started:.1f} s")
        build = default_plugins().reports.get("summary").build
        with Tracker.open(f"sqlite:///{path}", actor="bench") as tracker:
            report_time, report = best(lambda: build(tracker))
        connection = sqlite3.connect(path)
        raw_time, raw = best(lambda: connection.execute(RAW).fetchall())
        connection.close()
    overview = report.table("activities")
    want = [sum(r[i] for r in raw) for i in (3, 4, 5)]
    got = [sum(row[i] for row in overview.rows) for i in (3, 4, 5)]
    if got != want:
        raise SystemExit(f"the report disagrees with the raw query: {got} != {want}")
    print(f"report: {report_time:.3f} s")
    print(f"raw:    {raw_time:.3f} s")
    print(f"ratio={report_time / raw_time:.2f}")


if __name__ == "__main__":
    main()
