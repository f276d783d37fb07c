"""``exchange copy`` from SQLite to PostgreSQL versus a raw move of the same tables, in the
same run.

A SQLite store is built once with 1,000 schools, 10,000 teachers and N secondments
(default 1,000,000) through ``Tracker.bulk_add``. Then, each side in a process of its
own (so its peak memory is its own), into a fresh PostgreSQL schema made by the
library's migrations:

* copy — :func:`exchange.copying.copy`: every table and the change log streamed through
  the backend's ``restore`` (COPY), then read back and checksummed;
* raw — for every table, ``SELECT *`` with :mod:`sqlite3` into one psycopg ``COPY …
  FROM STDIN``, in one transaction, no checks and no read-back.

Prints one line per side and ``ratio=<raw seconds ÷ copy seconds>``. The issue sets no
target; the copy reads every row twice (once to send it, once to verify it), and a
profile puts about two thirds of its time in building validated records from rows.

    python bench/copy_store.py [--rows N] [--url postgresql://user:password@host/db]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

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


def run_copy(source: Path, url: str) -> float:
    from exchange import Tracker
    from exchange.copying import copy

    with Tracker.open(f"sqlite:///{source}") as origin, Tracker.open(url) as target:
        began = time.perf_counter()
        copy(origin, target)
        return time.perf_counter() - began


def run_raw(source: Path, url: str) -> float:
    import psycopg

    from backends.postgresql.url import parse
    from exchange import Tracker
    from exchange.copying import COPIED_TYPES

    Tracker.open(url).close()  # the schema, by the library's migrations
    with sqlite3.connect(source) as lite, psycopg.connect(parse(url).conninfo) as conn:
        began = time.perf_counter()
        schema = parse(url).schema
        conn.execute(f'SET search_path TO "{schema}"')
        for cls in COPIED_TYPES:
            cursor = lite.execute(f'SELECT * FROM "{cls.table}" ORDER BY id')
            names = ", ".join(f'"{d[0]}"' for d in cursor.description)
            with conn.cursor() as out, out.copy(f'COPY "{cls.table}" ({names}) FROM STDIN') as cp:
                for row in cursor:
                    cp.write_row(row)
        conn.commit()
        return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--url", default=os.environ.get("EXCHANGE_TEST_POSTGRES_URL"))
    parser.add_argument("--child", choices=["copy", "raw"], help=argparse.SUPPRESS)
    parser.add_argument("--source", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.url:
        parser.error("give --url or set EXCHANGE_TEST_POSTGRES_URL (.ci/postgres starts a server)")
    if args.child:
        from backends.postgresql.testing import with_options

        store = with_options(args.url, schema=f"bench_{args.child}")
        run = run_copy if args.child == "copy" else run_raw
        seconds = run(args.source, store)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps({"seconds": seconds, "peak_mb": peak_mb}))
        return
    from backends.postgresql.testing import scratch_database

    figures = {}
    with tempfile.TemporaryDirectory() as folder, scratch_database(args.url) as url:
        source = Path(folder) / "source.db"
        build(source, args.rows)
        for which in ("raw", "copy"):
            command = [sys.executable, __file__, "--child", which, "--rows", str(args.rows)]
            out = subprocess.run(
                [*command, "--url", url, "--source", str(source)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            figures[which] = json.loads(out)
            print(
                f"{which:5} {figures[which]['seconds']:7.2f} s  "
                f"peak RSS {figures[which]['peak_mb']:.0f} MB",
                flush=True,
            )
    ratio = figures["raw"]["seconds"] / figures["copy"]["seconds"]
    print(f"ratio={ratio:.2f}")


if __name__ == "__main__":
    main()
