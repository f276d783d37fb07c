"""Deep pages: ``Tracker.find(order_by=["starts_on"])`` at offset N/2 and after a cursor,
versus raw ``sqlite3`` reading the same page.

Runs at 200,000 and 1,000,000 secondments by default (``--rows`` chooses). One SQLite
file per size holds 1,000 schools, 10,000 teachers and N secondments (one in 50
archived), written once; every side reads it in a process of its own:

* raw-offset — ``SELECT … WHERE archived = 0 ORDER BY starts_on, id LIMIT 100
  OFFSET N/2`` with ``sqlite3``, rows as tuples;
* offset — ``tracker.find(Secondment, order_by=["starts_on"], limit=100, offset=N/2)``;
* offset-v3 — the same on a copy without migration m004's indexes: the store as it was
  before this change, where the archived filter costs a row lookup per skipped row;
* raw-keyset — ``… AND (starts_on, id) > (?, ?) ORDER BY starts_on, id LIMIT 100``
  with ``sqlite3``, the hand-written keyset page (a row value: SQLite seeks to it);
* keyset — ``tracker.find(…, limit=100, after=cursor)``, the same page (the cursor is
  the position of the record at N/2 - 1).

Each side runs its page 9 times after one warm-up and reports the median wall and CPU
seconds. Ratios are library seconds ÷ raw seconds (lower is better, 1 is raw speed):
``offset`` and ``offset-v3`` against raw-offset, ``keyset`` against raw-keyset, and
``keyset`` against raw-offset (what a keyset page saves over the raw offset page).

    python bench/find_paging.py [--rows N [N ...]]     # default: --rows 200000 1000000
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sqlite3
import statistics
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from _measure import Section, Side, add_sizes, emit, heading, print_table, ratio, run_side

SCHOOLS, TEACHERS, PAGE, REPEAT = 1_000, 10_000, 100, 9
BASE = dt.date(2016, 1, 1)
COLUMNS = (
    "ref, archived, teacher_id, host_school_id, kind, starts_on, ends_on, status,"
    " pairing_id, returned_on, post, reason"
)
SIDES = ("raw-offset", "offset", "offset-v3", "raw-keyset", "keyset")


def plan(n: int) -> Iterator[tuple[Any, ...]]:
    """The secondment rows: one in 50 archived, starts spread over ten years (many ties)."""
    kinds = ("support", "shadow", "post", "visit")
    for i in range(n):
        teacher = i % TEACHERS + 1
        start = BASE + dt.timedelta(days=(i * 7919) % 3650)
        end = start + dt.timedelta(days=30 + i % 335)
        yield (
            None, int(i % 50 == 0), teacher, (teacher + 6) % SCHOOLS + 1, kinds[i % 4],
            start.isoformat(), end.isoformat(), "proposed", None, None, "", "",
        )  # fmt: skip


def prepare(path: Path, n: int) -> None:
    """The store: schema and people through the tracker, secondments written raw."""
    from exchange import School, Teacher, Tracker

    with Tracker.open(f"sqlite:///{path}", actor="bench") as tracker:
        tracker.bulk_add(
            School(name=f"学校{i}", region=f"地区{i % 50}", stage="小学") for i in range(SCHOOLS)
        )
        tracker.bulk_add(
            Teacher(name=f"教师{i}", school_id=i % SCHOOLS + 1) for i in range(TEACHERS)
        )
    conn = sqlite3.connect(path, isolation_level=None)
    marks = ", ".join("?" * len(COLUMNS.split(",")))
    conn.execute("BEGIN")
    conn.executemany(f"INSERT INTO secondments ({COLUMNS}) VALUES ({marks})", plan(n))
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()


def without_m004(path: Path, copy: Path) -> None:
    """A copy of the store without the indexes migration m004 added."""
    shutil.copy(path, copy)
    conn = sqlite3.connect(copy, isolation_level=None)
    names = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'idx_%_archived_%'"
    ).fetchall()
    for (name,) in names:
        conn.execute(f'DROP INDEX "{name}"')
    conn.close()


def position(path: Path, depth: int) -> tuple[str, int]:
    """``(starts_on, id)`` of the record just before the deep page."""
    conn = sqlite3.connect(path)
    row = conn.execute(
        "SELECT starts_on, id FROM secondments WHERE archived = 0"
        " ORDER BY starts_on, id LIMIT 1 OFFSET ?",
        (depth - 1,),
    ).fetchone()
    conn.close()
    return str(row[0]), int(row[1])


def measured(page: Callable[[], list[Any]]) -> Section:
    """The median figures of :data:`REPEAT` runs of ``page`` after one warm-up."""
    first = page()
    assert len(first) == PAGE, len(first)
    sections = []
    for _ in range(REPEAT):
        with Section() as section:
            got = page()
        assert got == first
        sections.append(section)
    return Section(
        wall=statistics.median(s.wall for s in sections),
        cpu=statistics.median(s.cpu for s in sections),
    )


def raw_page(path: Path, depth: int, keyset: tuple[str, int] | None) -> Section:
    """The deep page with ``sqlite3``: by offset, or after ``keyset``."""
    conn = sqlite3.connect(path)
    sql = "SELECT * FROM secondments WHERE archived = 0"
    if keyset is None:
        query = f"{sql} ORDER BY starts_on, id LIMIT {PAGE} OFFSET {depth}"
        return measured(lambda: conn.execute(query).fetchall())
    start, id = keyset
    query = f"{sql} AND (starts_on, id) > (?, ?) ORDER BY starts_on, id LIMIT {PAGE}"
    return measured(lambda: conn.execute(query, (start, id)).fetchall())


def tracker_page(path: Path, depth: int, keyset: tuple[str, int] | None) -> Section:
    """The deep page with ``Tracker.find``: by offset, or after a cursor at ``keyset``."""
    from exchange import Cursor, Secondment, Tracker

    with Tracker.open(f"sqlite:///{path}") as tracker:
        if keyset is None:
            return measured(
                lambda: list(
                    tracker.find(Secondment, order_by=["starts_on"], limit=PAGE, offset=depth)
                )
            )
        cursor = Cursor((("starts_on", False),), (dt.date.fromisoformat(keyset[0]), keyset[1]))
        return measured(
            lambda: list(tracker.find(Secondment, order_by=["starts_on"], limit=PAGE, after=cursor))
        )


def child(which: str, path: Path, depth: int, start: str, id: int) -> None:
    """Run one side in this process and print its figures as JSON."""
    keyset = (start, id) if which.endswith("keyset") else None
    page = raw_page if which.startswith("raw") else tracker_page
    emit(page(path, depth, keyset))


def compare(n: int) -> dict[str, object]:
    """Write the store for ``n`` secondments, run every side, print figures and ratios."""
    heading(f"{n:,} secondments, a page of {PAGE} at depth {n // 2:,}")
    with tempfile.TemporaryDirectory() as folder:
        path, old = Path(folder) / "store.db", Path(folder) / "v3.db"
        prepare(path, n)
        without_m004(path, old)
        depth = n // 2
        start, id = position(path, depth)
        sides: dict[str, Side] = {}
        for which in SIDES:
            store = old if which == "offset-v3" else path
            args = [str(store), str(depth), start, str(id)]
            command = [sys.executable, __file__, *args, "--child", which]
            sides[which] = run_side(which, command)
            print(sides[which].line(), flush=True)
    ratios = {
        "offset_": ratio(sides["offset"], sides["raw-offset"]),
        "v3_": ratio(sides["offset-v3"], sides["raw-offset"]),
        "keyset_": ratio(sides["keyset"], sides["raw-keyset"]),
        "keyset_vs_raw_offset_": ratio(sides["keyset"], sides["raw-offset"]),
    }
    for name, each in ratios.items():
        print(each.label(name))
    return {"rows": n, **{k: v for r, each in ratios.items() for k, v in _cells(r, each)}}


def _cells(prefix: str, each: Any) -> list[tuple[str, float]]:
    return [(f"{prefix}wall", each.wall), (f"{prefix}cpu", each.cpu)]


def main() -> None:
    """Run every side in child processes at each size and print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_sizes(parser, (200_000, 1_000_000))
    parser.add_argument("--child", choices=SIDES, help=argparse.SUPPRESS)
    parser.add_argument("args", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        path, depth, start, id = args.args
        child(args.child, Path(path), int(depth), start, int(id))
        return
    print_table([compare(n) for n in args.rows])


if __name__ == "__main__":
    main()
