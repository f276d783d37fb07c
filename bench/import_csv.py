"""Import: an N-row teachers CSV through ``exchange.importing`` versus raw ``executemany``.

Runs at 200,000 and 1,000,000 rows by default (``--rows`` chooses). For each size the
CSV (Chinese headers and names, school refs, subjects, some roles and phones) is
generated once in a temporary folder. Each run then has its own process, so its peak
memory is its own, and a fresh SQLite file holding the same schema and 1,000 schools:

* raw — the file read with ``csv.reader``, school refs mapped to ids with a
  dict, the cells inserted as they are with ``sqlite3.executemany`` into the same
  ``teachers`` table in one transaction;
* load — ``importing.load``, the one-call import: into a store without
  teachers it reads the file once, checking each row (school found, record built
  and validated) and streaming it into ``Tracker.bulk_add`` in one transaction;
  refs are checked for repeats at the end, and any problem rolls everything back;
* two-pass — ``importing.prepare`` (every row checked, nothing written) then
  ``importing.apply`` (the rows read and built again, streamed into
  ``Tracker.bulk_add``): the path ``load`` takes for a store that already holds
  teachers, and the one for callers that look at the plan before writing.

For each size, prints one line per run (wall seconds, CPU seconds of the process
around the import, rows a second, peak RSS of the whole process), then ``ratio_wall``
and ``ratio_cpu`` of load against raw and ``two_pass_ratio_wall`` and
``two_pass_ratio_cpu`` of two-pass against raw: import speed ÷ raw speed, i.e. raw
seconds ÷ import seconds (higher is better). Then a summary table of size × ratios ×
peak RSS per run. CPU time holds steady on a busy machine where wall time does not.
Targets (load): ratio ≥ 0.33, peak RSS < 200 MB.

    python bench/import_csv.py [--rows N [N ...]]     # default: --rows 200000 1000000
"""

from __future__ import annotations

import argparse
import csv
import tempfile
from pathlib import Path

from _measure import (
    Section,
    add_sizes,
    emit,
    heading,
    print_table,
    ratio,
    run_sides,
    summary_row,
)
from _stores import raw_connection

SCHOOLS = 1_000
RUNS = ("raw", "load", "two-pass")
HEADER = ("工号", "教师姓名", "所在学校", "学科", "角色", "联系电话")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂"
SUBJECTS = ("语文", "数学", "英语", "物理", "化学", "语文、数学", "音乐、美术", "体育")


def write_csv(path: Path, n: int) -> None:
    """``n`` teachers of ``SCHOOLS`` schools, UTF-8."""
    with open(path, "w", encoding="utf-8", newline="") as file:
        out = csv.writer(file)
        out.writerow(HEADER)
        for i in range(n):
            name = SURNAMES[i % 20] + GIVEN[i % 24] + GIVEN[(i // 24) % 24]
            out.writerow(
                (
                    f"T{i:07d}",
                    name,
                    f"S{i % SCHOOLS:04d}",
                    SUBJECTS[i % len(SUBJECTS)],
                    "骨干教师" if i % 7 == 0 else "",
                    f"138{i:08d}" if i % 3 == 0 else "",
                )
            )


def prepare_store(path: Path) -> None:
    """A fresh store with the schema and the schools."""
    from exchange import School, Tracker

    with Tracker.open(f"sqlite:///{path}", actor="bench") as tracker:
        tracker.bulk_add(
            School(name=f"学校{i}", region=f"地区{i % 50}", stage="小学", ref=f"S{i:04d}")
            for i in range(SCHOOLS)
        )


def run_import(db: Path, source: Path, which: str) -> Section:
    """Check and import the file through the public API; the import's figures."""
    from exchange import Tracker, importing

    with Tracker.open(f"sqlite:///{db}", actor="bench") as tracker:
        with Section() as section:
            rows = importing.reader(source, plugins=tracker.plugins)
            if which == "load":
                counts = importing.load(tracker, "teachers", rows)
            else:
                plan = importing.prepare(tracker, "teachers", rows)
                counts = importing.apply(tracker, plan)
        assert counts.added == tracker.count("teachers"), counts
    return section


def run_raw(db: Path, source: Path) -> Section:
    """Read the file with ``csv`` and insert its cells with ``executemany``; the figures."""
    conn = raw_connection(db)
    schools = dict(conn.execute("SELECT ref, id FROM schools"))
    sql = (
        "INSERT INTO teachers (ref, archived, name, school_id, subjects, roles, phone, notes)"
        " VALUES (?, 0, ?, ?, ?, ?, ?, '')"
    )
    with Section() as section, open(source, encoding="utf-8", newline="") as file:
        rows = csv.reader(file)
        next(rows)
        conn.execute("BEGIN")
        conn.executemany(sql, ((r[0], r[1], schools[r[2]], r[3], r[4], r[5]) for r in rows))
        conn.execute("COMMIT")
    conn.close()
    return section


def child(which: str, source: Path) -> None:
    """Run one side in this process and print its figures as JSON."""
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / f"{which}.db"
        prepare_store(db)
        section = run_raw(db, source) if which == "raw" else run_import(db, source, which)
    emit(section)


def compare(n: int) -> dict[str, object]:
    """Write the file, run the three sides at ``n`` rows, print their figures and ratios;
    the summary row."""
    heading(f"{n:,} rows")
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "teachers.csv"
        write_csv(source, n)
        print(f"teachers.csv: {n:,} rows, {source.stat().st_size / 2**20:.0f} MB")
        sides = run_sides(__file__, RUNS, "--csv", source, rows=n)
    raw, load, two_pass = sides
    ratios = {"": ratio(raw, load), "two_pass_": ratio(raw, two_pass)}
    print(f"{ratios[''].label()}  (target ≥ 0.33)  peak_rss_mb={load.peak_mb:.0f}  (target < 200)")
    print(f"{ratios['two_pass_'].label('two_pass_')}  two_pass_peak_rss_mb={two_pass.peak_mb:.0f}")
    return summary_row(n, ratios, sides)


def main() -> None:
    """Run the three sides in child processes at each size and print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_sizes(parser, (200_000, 1_000_000))
    parser.add_argument("--child", choices=RUNS, help=argparse.SUPPRESS)
    parser.add_argument("--csv", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.csv)
        return
    print_table([compare(n) for n in args.rows])


if __name__ == "__main__":
    main()
