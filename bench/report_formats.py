"""``exchange report secondments`` in every format: time, peak memory, file size.

Runs at 100,000, 200,000 and 1,000,000 secondments by default (``--rows``), on one
SQLite store per size made by ``Tracker.bulk_add`` (:mod:`_stores`; one teacher per
five secondments, at least 10,000). Each run is a whole process timed by the kernel
(wall, CPU, peak RSS):

* one per format — ``exchange --db STORE report secondments --format F -o FILE``;
* raw — this script's child: one ``sqlite3`` query joining secondments to their
  teacher and schools, by start date, streamed into ``csv.writer``: the floor any
  format of the roster pays.

Each runs ``--repeat`` times (default 3); medians are printed, with ``ratio_cpu`` and
``ratio_wall`` = raw seconds ÷ the format's seconds, the file size, and a summary
table. Targets: peak RSS < 150 MB at 1,000,000 rows in every format, and at most
1.2 × its figure at 100,000 (flat in N); the HTML page a few MB at most.

    python bench/report_formats.py [--rows N [N ...]] [--formats F ...] [--repeat R]
"""

from __future__ import annotations

import argparse
import csv
import sqlite3
import sys
import tempfile
from pathlib import Path

from _measure import add_sizes, heading, median, positive, print_table, ratio, time_process
from _stores import command, prepare_apart

FORMATS = ("csv", "json", "markdown", "table", "html", "xlsx")

ROSTER = """
SELECT t.name, home.name, host.name, s.kind, s.starts_on,
       COALESCE(s.returned_on, s.ends_on), s.status
FROM secondments s
JOIN teachers t ON t.id = s.teacher_id
JOIN schools home ON home.id = t.school_id
JOIN schools host ON host.id = s.host_school_id
ORDER BY s.starts_on, s.id
"""


def raw_roster(store: Path, target: Path) -> None:
    """The baseline: the roster straight from SQLite into a CSV file."""
    conn = sqlite3.connect(store)
    with open(target, "w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["teacher", "home school", "host school", "kind", "starts", "ends"])
        writer.writerows(conn.execute(ROSTER))


def compare(n: int, formats: list[str], repeat: int) -> list[dict[str, object]]:
    """The baseline and every format at ``n`` secondments; the summary rows."""
    heading(f"{n:,} secondments")
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        store = Path(folder) / "store.db"
        prepare_apart(store, teachers=max(10_000, n // 5), secondments=n)
        target = Path(folder) / "raw.csv"
        raw_line = [sys.executable, __file__, "--child", str(store), str(target)]
        raw = median("raw", [time_process("raw", raw_line) for _ in range(repeat)])
        print(raw.line(n), flush=True)
        for fmt in formats:
            target = Path(folder) / f"out.{fmt}"
            ours = command(store, "report", "secondments", "--format", fmt, "-o", str(target))
            mine = median(fmt, [time_process(fmt, ours) for _ in range(repeat)])
            size = target.stat().st_size / 1e6
            each = ratio(raw, mine)
            print(f"{mine.line(n)}  {each.label()}  file {size:.2f} MB", flush=True)
            rows.append(
                {"rows": n, "format": fmt, "ratio_wall": each.wall, "ratio_cpu": each.cpu}
                | {"wall_s": mine.wall, "cpu_s": mine.cpu, "rss_mb": f"{mine.peak_mb:.0f}"}
                | {"raw_cpu_s": raw.cpu, "raw_rss_mb": f"{raw.peak_mb:.0f}"}
                | {"file_mb": f"{size:.2f}"}
            )
    return rows


def main() -> None:
    """Run the baseline and every format at each size and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_sizes(parser, (100_000, 200_000, 1_000_000))
    parser.add_argument("--formats", nargs="+", choices=FORMATS, default=list(FORMATS))
    parser.add_argument("--repeat", type=positive, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args()
    if args.child:
        raw_roster(Path(rest[0]), Path(rest[1]))
        return
    print_table([row for n in args.rows for row in compare(n, args.formats, args.repeat)])


if __name__ == "__main__":
    main()
