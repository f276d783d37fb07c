"""Bulk insert on PostgreSQL: 1,000,000 secondments through ``Tracker.bulk_add`` versus raw
psycopg ``COPY`` of the same rows, in the same run.

Both sides start from a fresh store (a schema of its own in a scratch database, created
by the library's migrations) holding 1,000 schools and 10,000 teachers, and each runs in
its own process so that its peak memory is its own:

* tracker — a generator of ``Secondment`` records into ``tracker.bulk_add`` (records
  built, validated, rule-checked, encoded, digested, sent by COPY in batches, logged);
* raw — a generator of the same rows as tuples into one psycopg ``COPY … FROM STDIN``
  in one transaction, ids numbered by hand.

Prints one line per side and ``ratio=<raw seconds ÷ tracker seconds>``. Target: ≥ 0.5.

    python bench/postgres_bulk.py [--rows N] [--url postgresql://user:password@host/db]

The server is ``--url``, else ``EXCHANGE_TEST_POSTGRES_URL`` (``.ci/postgres`` starts
one); the scratch database is dropped at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from exchange import SecondmentKind

SCHOOLS, TEACHERS = 1_000, 10_000
BASE = dt.date(2016, 1, 1)
COLUMNS = (
    "id, ref, archived, teacher_id, host_school_id, kind, starts_on, ends_on, status, "
    "pairing_id, returned_on, post, reason, extensions"
)


def prepare(url: str) -> None:
    """A fresh store with the schema, the schools and the teachers."""
    from exchange import School, Stage, Teacher, Tracker

    with Tracker.open(url, actor="bench") as tracker:
        tracker.bulk_add(
            School(name=f"学校{i}", region=f"地区{i % 50}", stage=Stage.PRIMARY, rural=i % 3 == 0)
            for i in range(SCHOOLS)
        )
        tracker.bulk_add(
            Teacher(name=f"教师{i}", school_id=i % SCHOOLS + 1) for i in range(TEACHERS)
        )


def plan(n: int) -> Iterator[tuple[int, int, SecondmentKind, dt.date, dt.date]]:
    """The secondments to store: teacher, host school, kind, start, end."""
    kinds = tuple(SecondmentKind)
    for i in range(n):
        teacher = i % TEACHERS + 1
        host = (teacher + 6) % SCHOOLS + 1  # never the teacher's own school
        start = BASE + dt.timedelta(days=i % 3650)
        yield teacher, host, kinds[i % 4], start, start + dt.timedelta(days=30 + i % 335)


def run_tracker(url: str, n: int) -> float:
    """Seconds to store ``n`` secondments through the public bulk API."""
    from exchange import Secondment, Tracker

    with Tracker.open(url, actor="bench") as tracker:
        began = time.perf_counter()
        result = tracker.bulk_add(
            Secondment(teacher_id=t, host_school_id=h, kind=k, starts_on=s, ends_on=e)
            for t, h, k, s, e in plan(n)
        )
        elapsed = time.perf_counter() - began
    assert result.count == n
    return elapsed


def run_raw(url: str, n: int) -> float:
    """Seconds to store the same rows with one psycopg COPY in one transaction."""
    import psycopg

    from backends.postgresql.url import parse

    rows = (
        (i, None, False, t, h, k.value, s, e, "proposed", None, None, "", "", "[]")
        for i, (t, h, k, s, e) in enumerate(plan(n), 1)
    )
    with psycopg.connect(parse(url).conninfo) as conn:
        began = time.perf_counter()
        with conn.cursor() as cursor:
            with cursor.copy(f"COPY secondments ({COLUMNS}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(
                "UPDATE _exchange_ids SET last_id = %s WHERE table_name = 'secondments'", (n,)
            )
        conn.commit()
        elapsed = time.perf_counter() - began
    return elapsed


def child(which: str, url: str, n: int) -> None:
    """Run one side in this process, in a store of its own, and print its figures as JSON."""
    from backends.postgresql.testing import with_options

    store = with_options(url, schema=f"bench_{which}")
    prepare(store)
    seconds = run_tracker(store, n) if which == "tracker" else run_raw(store, n)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb}))


def main() -> None:
    """Run both sides in child processes, in one scratch database, and print the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--url", default=os.environ.get("EXCHANGE_TEST_POSTGRES_URL"))
    parser.add_argument("--child", choices=["tracker", "raw"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.url:
        parser.error("give --url or set EXCHANGE_TEST_POSTGRES_URL (.ci/postgres starts a server)")
    if args.child:
        child(args.child, args.url, args.rows)
        return
    from backends.postgresql.testing import scratch_database

    figures = {}
    with scratch_database(args.url, prefix="exchange_bench") as url:
        for which in ("raw", "tracker"):
            command = [sys.executable, __file__, "--child", which, "--rows", str(args.rows)]
            out = subprocess.run(
                [*command, "--url", url], check=True, capture_output=True, text=True
            ).stdout
            figures[which] = json.loads(out)
            rate = args.rows / figures[which]["seconds"]
            print(
                f"{which:8} {figures[which]['seconds']:7.2f} s  {rate:10,.0f} rows/s  "
                f"peak RSS {figures[which]['peak_mb']:.0f} MB",
                flush=True,
            )
    ratio = figures["raw"]["seconds"] / figures["tracker"]["seconds"]
    print(f"ratio={ratio:.2f}  (target ≥ 0.5)")


if __name__ == "__main__":
    main()
