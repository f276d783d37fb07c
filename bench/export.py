"""Export: ``exchange export teachers`` in csv, json and xlsx versus a raw baseline.

Runs at 200,000 and 1,000,000 teachers by default (``--rows`` chooses), on one
SQLite store per size made by ``Tracker.bulk_add`` (:mod:`_stores`). Each side is a
whole process, timed by the kernel (wall, CPU of the process, peak RSS), so both
pay their start-up:

* exchange — ``exchange --db STORE export teachers --format F -o FILE``;
* raw — this script's child: ``sqlite3`` ``SELECT *`` of every teacher, streamed
  into ``csv.writer``, ``json.dumps`` per row, or openpyxl's write-only workbook.

Each side runs ``--repeat`` times (default 3); the medians are printed with the ratios
``ratio_wall`` and ``ratio_cpu`` = raw seconds ÷ exchange seconds (1 is as fast as
raw), then a summary table. Targets: exchange peak RSS < 150 MB at 1,000,000 rows
and flat in N. CPU time holds on a busy machine where wall time does not.

    python bench/export.py [--rows N [N ...]] [--formats F ...] [--repeat R]
"""

from __future__ import annotations

import argparse
import csv
import json
import sqlite3
import sys
import tempfile
from pathlib import Path

from _measure import add_sizes, heading, median, positive, print_table, ratio, time_process
from _stores import command, prepare_apart

FORMATS = ("csv", "json", "xlsx")


def raw_export(store: Path, fmt: str, target: Path) -> None:
    """The baseline: every teacher straight from SQLite into ``target``."""
    conn = sqlite3.connect(store)
    cursor = conn.execute("SELECT * FROM teachers ORDER BY id")
    names = [column[0] for column in cursor.description]
    if fmt == "xlsx":
        import openpyxl

        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet("teachers")
        sheet.append(names)
        for row in cursor:
            sheet.append(list(row))
        book.save(target)
        return
    with open(target, "w", encoding="utf-8", newline="") as stream:
        if fmt == "csv":
            writer = csv.writer(stream)
            writer.writerow(names)
            writer.writerows(cursor)
            return
        stream.write('{"columns": ' + json.dumps(names) + ', "rows": [\n')
        for number, row in enumerate(cursor):
            stream.write((",\n" if number else "") + json.dumps(row, ensure_ascii=False))
        stream.write("\n]}\n")


def compare(n: int, formats: list[str], repeat: int) -> list[dict[str, object]]:
    """Both sides in every format at ``n`` teachers; the summary rows."""
    heading(f"{n:,} teachers")
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        store = Path(folder) / "store.db"
        prepare_apart(store, teachers=n)
        for fmt in formats:
            target = Path(folder) / f"out.{fmt}"
            raw_line = [sys.executable, __file__, "--child", fmt, str(store), str(target)]
            ours = command(store, "export", "teachers", "--format", fmt, "-o", str(target))
            raw = median("raw", [time_process("raw", raw_line) for _ in range(repeat)])
            mine = median("exchange", [time_process("exchange", ours) for _ in range(repeat)])
            size = target.stat().st_size / 1e6
            each = ratio(raw, mine)
            print(f"-- {fmt}\n{raw.line(n)}\n{mine.line(n)}\n{each.label()}  file {size:.1f} MB")
            rows.append(
                {"rows": n, "format": fmt, "ratio_wall": each.wall, "ratio_cpu": each.cpu}
                | {"cpu_s": mine.cpu, "raw_cpu_s": raw.cpu, "rss_mb": f"{mine.peak_mb:.0f}"}
                | {"raw_rss_mb": f"{raw.peak_mb:.0f}", "file_mb": f"{size:.1f}"}
            )
    return rows


def main() -> None:
    """Run both sides at each size and print the ratios and memory."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_sizes(parser, (200_000, 1_000_000))
    parser.add_argument("--formats", nargs="+", choices=FORMATS, default=list(FORMATS))
    parser.add_argument("--repeat", type=positive, default=3)
    parser.add_argument("--child", choices=FORMATS, help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args()
    if args.child:
        raw_export(Path(rest[0]), args.child, Path(rest[1]))
        return
    print_table([row for n in args.rows for row in compare(n, args.formats, args.repeat)])


if __name__ == "__main__":
    main()
