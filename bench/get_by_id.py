"""Get by id: ``Tracker.get`` of secondments in a large store versus ``sqlite3`` plus
building the record.

Runs with 200,000 and 1,000,000 secondments in the store by default (``--rows``
chooses). For each size a SQLite store (1,000 schools, 10,000 teachers, N secondments,
through ``Tracker.bulk_add``) is built once; then each side, in a process of its own
(so its peak memory is its own), reads the same 100,000 ids drawn at random (``--gets``),
three times, and keeps its best time:

* tracker — ``tracker.get(Secondment, id)``: the id checked, the row read by the
  backend's prepared statement and decoded into a ``Secondment`` without re-validation
  (rows the store wrote are trusted);
* raw — ``sqlite3``'s ``SELECT * … WHERE id = ?`` on a connection with the same pragmas,
  and the record built from the row as a hand-written reader would: dates parsed,
  vocabulary members looked up by value, the public ``Secondment(...)`` constructor.

For each size, prints one line per side (wall seconds, CPU seconds, gets a second, peak
RSS) and ``ratio_wall`` and ``ratio_cpu``: tracker seconds ÷ raw seconds (lower is
better, 1 is as fast as raw). Targets: ≤ 1.3 (bar), ≤ 1.1 (goal).

    python bench/get_by_id.py [--rows N [N ...]] [--gets N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path

from _measure import (
    add_sizes,
    best_of,
    emit,
    heading,
    print_table,
    ratio,
    run_sides,
    summary_row,
)
from bulk_insert import prepare, run_tracker

REPEAT = 3


def ids(n: int, gets: int) -> list[int]:
    """The ids both sides read: ``gets`` of ``1..n``, drawn with a fixed seed."""
    return random.Random(20261201).choices(range(1, n + 1), k=gets)


def tracker_side(path: Path, wanted: list[int]) -> Callable[[], int]:
    """Read ``wanted`` through the public API; the work returns how many were read."""
    from exchange import Secondment, Tracker

    tracker = Tracker.open(f"sqlite:///{path}", actor="bench")

    def work() -> int:
        get = tracker.get
        return sum(1 for id in wanted if get(Secondment, id).id == id)

    return work


def raw_side(path: Path, wanted: list[int]) -> Callable[[], int]:
    """Read ``wanted`` with ``sqlite3`` and build each record by its constructor."""
    from exchange import Secondment, SecondmentKind, SecondmentStatus
    from exchange.codec import columns

    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA foreign_keys=ON")
    names = [c.name for c in columns(Secondment)]
    sql = f"SELECT {', '.join(names)} FROM secondments WHERE id = ?"
    day, kinds, statuses = dt.date.fromisoformat, SecondmentKind, SecondmentStatus

    def build(row: tuple[object, ...]) -> Secondment:
        values = dict(zip(names, row, strict=True))
        values.update(
            archived=bool(values["archived"]),
            kind=kinds(values["kind"]),
            status=statuses(values["status"]),
            starts_on=day(values["starts_on"]),
            ends_on=day(values["ends_on"]),
            extensions=tuple(json.loads(values["extensions"])),
        )
        return Secondment(**values)

    def work() -> int:
        execute = conn.execute
        return sum(1 for id in wanted if build(execute(sql, (id,)).fetchone()).id == id)

    return work


def child(which: str, path: Path, n: int, gets: int) -> None:
    """Run one side in this process and print its figures as JSON."""
    wanted = ids(n, gets)
    work = tracker_side(path, wanted) if which == "tracker" else raw_side(path, wanted)
    section, found = best_of(REPEAT, work)
    assert found == gets, (found, gets)
    emit(section)


def compare(n: int, gets: int) -> dict[str, object]:
    """Build the store, run both sides, print their figures and ratios; the summary row."""
    heading(f"{gets:,} gets among {n:,} secondments")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "store.db"
        prepare(path)
        run_tracker(path, n)
        options = ("--path", path, "--rows", n, "--gets", gets)
        sides = run_sides(__file__, ("raw", "tracker"), *options, rows=gets)
    raw, tracker = sides
    ratios = ratio(tracker, raw)
    print(f"{ratios.label()}  (tracker ÷ raw; bar ≤ 1.3, goal ≤ 1.1)")
    return summary_row(n, {"": ratios}, sides)


def main() -> None:
    """Run both sides in child processes at each size and print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_sizes(parser, (200_000, 1_000_000))
    parser.add_argument("--gets", type=int, default=100_000, help="ids read per run")
    parser.add_argument("--child", choices=["tracker", "raw"], help=argparse.SUPPRESS)
    parser.add_argument("--path", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.path, args.rows[0], args.gets)
        return
    print_table([compare(n, args.gets) for n in args.rows])


if __name__ == "__main__":
    main()
