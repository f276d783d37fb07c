"""Personal values: what sealing them in the change log costs (docs/privacy.md).

Two measurements, each side in its own process on a fresh SQLite file:

* bulk — N teachers, each with a phone and notes, through ``Tracker.bulk_add``
  (side ``tracker``) versus the same rows through ``sqlite3.executemany`` in one
  transaction (side ``raw``). A bulk load seals nothing (its one entry holds a
  digest that leaves personal fields out); this shows the bulk path with personal
  values stays near raw speed. Sizes: ``--rows`` (default 200,000 and 1,000,000).
* single — M teachers added one by one through ``Tracker.add`` with a phone and
  notes (side ``sealed``: each add seals two values and the first makes the key)
  versus the same teachers without them (side ``plain``). The ratio is plain ÷
  sealed: the share of an add's time left once sealing is paid (1 = free).
  ``--adds`` (default 5,000).

    python bench/personal_values.py [--rows N [N ...]] [--adds M]
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Iterator
from pathlib import Path

from _measure import (
    Section,
    add_sizes,
    emit,
    heading,
    positive,
    print_table,
    ratio,
    run_script,
    summary_row,
)
from _stores import raw_insert

SCHOOLS = 100


def prepare(path: Path) -> None:
    """A fresh store with the schema and the schools."""
    from exchange import School, Tracker

    with Tracker.open(f"sqlite:///{path}", actor="bench") as tracker:
        tracker.bulk_add(
            School(name=f"学校{i}", region=f"地区{i % 10}", stage="小学") for i in range(SCHOOLS)
        )


def rows(n: int) -> Iterator[tuple[str, int, str, str]]:
    """name, school, phone, notes of ``n`` teachers."""
    for i in range(n):
        yield f"教师{i}", i % SCHOOLS + 1, f"139{i:08d}", f"家访记录{i}：家中有老人需照顾"


def run_bulk(path: Path, n: int) -> Section:
    from exchange import Teacher, Tracker

    with Tracker.open(f"sqlite:///{path}", actor="bench") as tracker, Section() as section:
        tracker.bulk_add(
            Teacher(name=name, school_id=school, phone=phone, notes=notes)
            for name, school, phone, notes in rows(n)
        )
    return section


def run_raw(path: Path, n: int) -> Section:
    sql = (
        "INSERT INTO teachers (ref, archived, revision, name, school_id, subjects, roles, phone,"
        " notes) VALUES (NULL, 0, 0, ?, ?, '[]', '[]', ?, ?)"
    )
    return raw_insert(path, sql, rows(n))


def run_single(path: Path, m: int, *, personal: bool) -> Section:
    from exchange import Teacher, Tracker

    with Tracker.open(f"sqlite:///{path}", actor="bench") as tracker, Section() as section:
        for name, school, phone, notes in rows(m):
            if personal:
                tracker.add(Teacher(name=name, school_id=school, phone=phone, notes=notes))
            else:
                tracker.add(Teacher(name=name, school_id=school))
    return section


def child(which: str, n: int) -> None:
    """Run one side in this process and print its figures as JSON."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{which}.db"
        prepare(path)
        if which in ("sealed", "plain"):
            section = run_single(path, n, personal=which == "sealed")
        else:
            section = run_bulk(path, n) if which == "tracker" else run_raw(path, n)
    emit(section)


def compare(names: tuple[str, str], n: int, what: str) -> dict[str, object]:
    heading(f"{n:,} {what}")
    sides = [run_script(__file__, name, "--rows", n) for name in names]
    for side in sides:
        print(side.line(n), flush=True)
    print(ratio(*sides).label())
    return summary_row(n, {"": ratio(*sides)}, sides)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_sizes(parser, (200_000, 1_000_000))
    parser.add_argument("--adds", type=positive, default=5_000)
    parser.add_argument("--child", choices=["tracker", "raw", "sealed", "plain"],
                        help=argparse.SUPPRESS)  # fmt: skip
    args = parser.parse_args()
    if args.child:
        child(args.child, args.rows[0])
        return
    bulk = [compare(("raw", "tracker"), n, "teachers in bulk, with phones") for n in args.rows]
    single = [compare(("plain", "sealed"), args.adds, "single adds, sealed vs not")]
    print_table(bulk)
    print_table(single)


if __name__ == "__main__":
    main()
