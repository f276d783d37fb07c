"""Bulk insert on PostgreSQL: N secondments through ``Tracker.bulk_add`` versus raw
psycopg ``COPY`` of the same rows, in the same run.

Runs at 200,000 and 1,000,000 secondments by default (``--rows`` chooses), each size in
a scratch database of its own. Both sides start from a fresh store (a schema of its own
in that database, created by the library's migrations) holding 1,000 schools and 10,000
teachers, and each runs in its own process so that its peak memory is its own:

* tracker — a generator of ``Secondment`` records into ``tracker.bulk_add`` (records
  built, validated, rule-checked, encoded, digested, sent by COPY in batches, logged);
* raw — a generator of the same rows as tuples into one psycopg ``COPY … FROM STDIN``
  in one transaction, ids numbered by hand.

For each size, prints one line per side — wall seconds; CPU seconds of the side's
process around the insert plus those of the PostgreSQL server backends serving its
connections (read from ``/proc/<pid>/stat``, so the server must be local, else "n/a");
rows a second; peak RSS of the process — and the ratios ``ratio_wall`` (raw seconds ÷
tracker seconds) and ``ratio_cpu`` (raw CPU ÷ tracker CPU, client + server backends),
both tracker speed ÷ raw speed: higher is better. Then a summary table of size × ratios
× peak RSS per side. CPU time holds steady on a busy machine where wall time does not.
Target: ratio ≥ 0.5.

    python bench/postgres_bulk.py [--rows N [N ...]] [--url postgresql://user:password@host/db]

The server is ``--url``, else ``EXCHANGE_TEST_POSTGRES_URL`` (``.ci/postgres`` starts
one); the scratch database is dropped at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _measure import (
    Section,
    add_sizes,
    backend_pid,
    backends_named,
    emit,
    heading,
    print_table,
    ratio,
    run_sides,
    summary_row,
)

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


def run_tracker(url: str, n: int, name: str) -> Section:
    """Store ``n`` secondments through the public bulk API; the insert's figures, with
    the CPU of the backends of the connections named ``name`` (the store's pool)."""
    import psycopg

    from backends.postgresql.url import parse
    from exchange import Secondment, Tracker

    probe = psycopg.connect(parse(url).conninfo, autocommit=True, application_name="probe")
    with (
        probe,
        Tracker.open(url, actor="bench") as tracker,
        Section(backends_named(probe, name)) as section,
    ):
        result = tracker.bulk_add(
            Secondment(teacher_id=t, host_school_id=h, kind=k, starts_on=s, ends_on=e)
            for t, h, k, s, e in plan(n)
        )
    assert result.count == n
    return section


def run_raw(url: str, n: int) -> Section:
    """Store the same rows with one psycopg COPY in one transaction; its figures, with
    the CPU of its server backend."""
    import psycopg

    from backends.postgresql.url import parse

    rows = (
        (i, None, False, t, h, k.value, s, e, "proposed", None, None, "", "", "[]")
        for i, (t, h, k, s, e) in enumerate(plan(n), 1)
    )
    with psycopg.connect(parse(url).conninfo) as conn:
        pid = backend_pid(conn)
        with Section(lambda: [pid]) as section:
            with conn.cursor() as cursor:
                with cursor.copy(f"COPY secondments ({COLUMNS}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                cursor.execute(
                    "UPDATE _exchange_ids SET last_id = %s WHERE table_name = 'secondments'",
                    (n,),
                )
            conn.commit()
    return section


def child(which: str, url: str, n: int) -> None:
    """Run one side in this process, in a store of its own, and print its figures as JSON."""
    from backends.postgresql.testing import with_options

    name = f"bench-{which}-{os.getpid()}"
    store = with_options(url, schema=f"bench_{which}", application_name=name)
    prepare(store)
    section = run_tracker(store, n, name) if which == "tracker" else run_raw(store, n)
    emit(section)


def compare(server: str, n: int) -> dict[str, object]:
    """Run both sides at ``n`` rows in a scratch database, print their figures and
    ratios; the summary row."""
    from backends.postgresql.testing import scratch_database

    heading(f"{n:,} secondments")
    with scratch_database(server, prefix="exchange_bench") as url:
        sides = run_sides(
            __file__, ("raw", "tracker"), "--rows", n, "--url", url, rows=n, server=True
        )
    raw, tracker = sides
    ratios = ratio(raw, tracker)
    print(f"{ratios.label()}  (target ≥ 0.5)")
    return summary_row(n, {"": ratios}, sides)


def main() -> None:
    """Run both sides in child processes at each size and print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_sizes(parser, (200_000, 1_000_000))
    parser.add_argument("--url", default=os.environ.get("EXCHANGE_TEST_POSTGRES_URL"))
    parser.add_argument("--child", choices=["tracker", "raw"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.url:
        parser.error("give --url or set EXCHANGE_TEST_POSTGRES_URL (.ci/postgres starts a server)")
    if args.child:
        child(args.child, args.url, args.rows[0])
        return
    print_table([compare(args.url, n) for n in args.rows])


if __name__ == "__main__":
    main()
