"""``exchange copy`` from SQLite to PostgreSQL versus a raw move of the same tables, in the
same run.

Runs at 200,000 and 1,000,000 secondments by default (``--rows`` chooses). For each
size a SQLite store is built once with 1,000 schools, 10,000 teachers and N secondments
through ``Tracker.bulk_add``, and a scratch PostgreSQL database is made. Then, each side
in a process of its own (so its peak memory is its own), into a fresh PostgreSQL schema
of that database made by the library's migrations:

* copy — :func:`exchange.copying.copy`: every table and the change log streamed through
  the backend's ``restore`` (COPY), then read back and checksummed;
* raw — for every table, ``SELECT *`` with :mod:`sqlite3` into one psycopg ``COPY …
  FROM STDIN``, in one transaction, no checks and no read-back.

For each size, prints one line per side — wall seconds; CPU seconds of the side's
process around the move plus those of the PostgreSQL server backends serving its
connections (read from ``/proc/<pid>/stat``, so the server must be local, else "n/a");
peak RSS of the process — and the ratios ``ratio_wall`` (raw seconds ÷ copy seconds)
and ``ratio_cpu`` (raw CPU ÷ copy CPU, client + server backends): copy speed ÷ raw
speed, higher is better. Then a summary table of size × ratios × peak RSS per side.
CPU time holds steady on a busy machine where wall time does not.

The issue sets no target; the copy reads every row twice (once to send it, once to
verify it), and a profile puts about two thirds of its time in building validated
records from rows.

    python bench/copy_store.py [--rows N [N ...]] [--url postgresql://user:password@host/db]

The server is ``--url``, else ``EXCHANGE_TEST_POSTGRES_URL`` (``.ci/postgres`` starts
one); the scratch databases are dropped at the end.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import tempfile
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
from postgres_bulk import plan, prepare


def build(path: Path, n: int) -> None:
    """The SQLite source: schools, teachers and ``n`` secondments."""
    from exchange import Secondment, Tracker

    prepare(f"sqlite:///{path}")
    with Tracker.open(f"sqlite:///{path}", actor="bench") as tracker:
        tracker.bulk_add(
            Secondment(teacher_id=t, host_school_id=h, kind=k, starts_on=s, ends_on=e)
            for t, h, k, s, e in plan(n)
        )


def run_copy(source: Path, url: str, name: str) -> Section:
    """Copy the store at ``source`` into ``url`` with the library; the copy's figures,
    with the CPU of the backends of the connections named ``name`` (the store's pool)."""
    import psycopg

    from backends.postgresql.url import parse
    from exchange import Tracker
    from exchange.copying import copy

    probe = psycopg.connect(parse(url).conninfo, autocommit=True, application_name="probe")
    with (
        probe,
        Tracker.open(f"sqlite:///{source}") as origin,
        Tracker.open(url) as target,
        Section(backends_named(probe, name)) as section,
    ):
        copy(origin, target)
    return section


def run_raw(source: Path, url: str) -> Section:
    """Move every table with ``SELECT *`` into one ``COPY`` each; the move's figures,
    with the CPU of its server backend."""
    import psycopg

    from backends.postgresql.url import parse
    from exchange import Tracker
    from exchange.copying import COPIED_TYPES

    Tracker.open(url).close()  # the schema, by the library's migrations
    with sqlite3.connect(source) as lite, psycopg.connect(parse(url).conninfo) as conn:
        pid = backend_pid(conn)
        with Section(lambda: [pid]) as section:
            conn.execute(f'SET search_path TO "{parse(url).schema}"')
            for cls in COPIED_TYPES:
                cursor = lite.execute(f'SELECT * FROM "{cls.table}" ORDER BY id')
                names = ", ".join(f'"{d[0]}"' for d in cursor.description)
                sql = f'COPY "{cls.table}" ({names}) FROM STDIN'
                with conn.cursor() as out, out.copy(sql) as cp:
                    for row in cursor:
                        cp.write_row(row)
            conn.commit()
    return section


def child(which: str, url: str, source: Path) -> None:
    """Run one side in this process, into a schema of its own; print its figures as JSON."""
    from backends.postgresql.testing import with_options

    name = f"bench-{which}-{os.getpid()}"
    store = with_options(url, schema=f"bench_{which}", application_name=name)
    section = run_copy(source, store, name) if which == "copy" else run_raw(source, store)
    emit(section)


def compare(server: str, n: int) -> dict[str, object]:
    """Build the source at ``n`` rows, run both sides into a scratch database, print
    their figures and ratios; the summary row."""
    from backends.postgresql.testing import scratch_database

    heading(f"{n:,} secondments")
    with tempfile.TemporaryDirectory() as folder, scratch_database(server) as url:
        source = Path(folder) / "source.db"
        build(source, n)
        sides = run_sides(__file__, ("raw", "copy"), "--url", url, "--source", source, server=True)
    raw, copied = sides
    ratios = ratio(raw, copied)
    print(f"{ratios.label()}  (no target)")
    return summary_row(n, {"": ratios}, sides)


def main() -> None:
    """Run both sides in child processes at each size and print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_sizes(parser, (200_000, 1_000_000))
    parser.add_argument("--url", default=os.environ.get("EXCHANGE_TEST_POSTGRES_URL"))
    parser.add_argument("--child", choices=["copy", "raw"], help=argparse.SUPPRESS)
    parser.add_argument("--source", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.url:
        parser.error("give --url or set EXCHANGE_TEST_POSTGRES_URL (.ci/postgres starts a server)")
    if args.child:
        child(args.child, args.url, args.source)
        return
    print_table([compare(args.url, n) for n in args.rows])


if __name__ == "__main__":
    main()
