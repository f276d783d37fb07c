"""Users and roles: what checking every write against the actor's roles costs
(docs/privacy.md, exchange.access).

Each side runs in its own process on a fresh SQLite file holding 100 schools:

* bulk — N teachers through ``Tracker.bulk_add`` by the administrator of the
  school they join (side ``admin``: each row checked against the grant) versus
  the same rows through ``sqlite3.executemany`` in one transaction (side ``raw``),
  and versus the same load into an open store, without users (side ``open``).
  Sizes: ``--rows`` (default 200,000 and 1,000,000).
* single — M teachers added one by one through ``Tracker.add`` by the school's
  administrator (side ``checked``) versus the same adds into an open store (side
  ``unchecked``). The ratio is unchecked ÷ checked (1 = free). ``--adds`` (default
  5,000).

    python bench/roles.py [--rows N [N ...]] [--adds M]
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
ADMIN = "hy-bd"


def prepare(path: Path, *, users: bool) -> None:
    """A fresh store with the schools and, with ``users``, a coordinator and the
    administrator of school 1."""
    from exchange import School, Tracker

    with Tracker.open(f"sqlite:///{path}", actor="bench") as tracker:
        tracker.bulk_add(
            School(name=f"学校{i}", region=f"地区{i % 10}", stage="小学") for i in range(SCHOOLS)
        )
        if users:
            tracker.add_user("bench", "coordinator")
            tracker.add_user(ADMIN, "school-admin", school=1)


def rows(n: int) -> Iterator[tuple[str, int]]:
    """name and school of ``n`` teachers, all of school 1."""
    for i in range(n):
        yield f"教师{i}", 1


def run_bulk(path: Path, n: int) -> Section:
    from exchange import Teacher, Tracker

    with Tracker.open(f"sqlite:///{path}", actor=ADMIN) as tracker, Section() as section:
        tracker.bulk_add(Teacher(name=name, school_id=school) for name, school in rows(n))
    return section


def run_raw(path: Path, n: int) -> Section:
    sql = (
        "INSERT INTO teachers (ref, archived, revision, name, school_id, subjects, roles,"
        " notes) VALUES (NULL, 0, 0, ?, ?, '[]', '[]', '')"
    )
    return raw_insert(path, sql, rows(n))


def run_single(path: Path, m: int) -> Section:
    from exchange import Teacher, Tracker

    with Tracker.open(f"sqlite:///{path}", actor=ADMIN) as tracker, Section() as section:
        for name, school in rows(m):
            tracker.add(Teacher(name=name, school_id=school))
    return section


SIDES = {
    "raw": (False, run_raw),
    "open": (False, run_bulk),
    "admin": (True, run_bulk),
    "unchecked": (False, run_single),
    "checked": (True, run_single),
}


def child(which: str, n: int) -> None:
    """Run one side in this process and print its figures as JSON."""
    users, run = SIDES[which]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{which}.db"
        prepare(path, users=users)
        emit(run(path, n))


def compare(names: tuple[str, ...], n: int, what: str) -> dict[str, object]:
    heading(f"{n:,} {what}")
    sides = [run_script(__file__, name, "--rows", n) for name in names]
    for side in sides:
        print(side.line(n), flush=True)
    ratios = {f"{side.name}_": ratio(sides[0], side) for side in sides[1:]}
    for side in sides[1:]:
        print(f"{sides[0].name} ÷ {side.name}: {ratios[f'{side.name}_'].label()}")
    return summary_row(n, ratios, sides)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_sizes(parser, (200_000, 1_000_000))
    parser.add_argument("--adds", type=positive, default=5_000)
    parser.add_argument("--child", choices=list(SIDES), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.rows[0])
        return
    bulk = [compare(("raw", "open", "admin"), n, "teachers in bulk") for n in args.rows]
    single = [compare(("unchecked", "checked"), args.adds, "single adds")]
    print_table(bulk)
    print_table(single)


if __name__ == "__main__":
    main()
