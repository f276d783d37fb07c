"""Audit verify: ``exchange audit verify`` over N bulk-loaded secondments versus reading
the same rows with raw ``sqlite3``.

Runs at 200,000 and 1,000,000 secondments by default (``--rows`` chooses). One SQLite
file per size is built first (outside the measured runs): 1,000 schools, 10,000
teachers and N secondments loaded through ``Tracker.bulk_add`` (as in
``bulk_insert.py``), then 1,000 of the secondments changed one by one through
``Tracker.update``, so that both paths of the check run: rows checked against their
last change-log entry, and bulk ranges recomputed and compared with their digests.
Each side then runs in its own process, so its peak memory is its own:

* audit — ``Tracker.verify_log()`` then every finding of ``Tracker.verify_records()``
  (none expected), as ``exchange audit verify`` runs them;
* raw — ``SELECT *`` from every record table and from ``changes``, iterating each row
  in Python and doing nothing with it.

For each size, prints one line per side (wall seconds, CPU seconds of the process
around the check, rows a second, peak RSS of the whole process) and ``ratio_wall`` and
``ratio_cpu``: raw seconds ÷ audit seconds (1 is as fast as reading the rows raw).
Peak RSS should stay flat from 200,000 to 1,000,000 rows: the check streams.

    python bench/audit_verify.py [--rows N [N ...]]     # default: --rows 200000 1000000
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
from pathlib import Path

import attrs
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
from bulk_insert import plan, prepare

UPDATED = 1_000
"""Secondments changed through the library after the bulk load."""


def build(path: Path, n: int) -> None:
    """The store to check: schools, teachers, ``n`` secondments, :data:`UPDATED` updated."""
    from exchange import Secondment, Tracker

    prepare(path)
    with Tracker.open(f"sqlite:///{path}", actor="bench") as tracker:
        tracker.bulk_add(
            Secondment(teacher_id=t, host_school_id=h, kind=k, starts_on=s, ends_on=e)
            for t, h, k, s, e in plan(n)
        )
        step = max(n // UPDATED, 1)
        for secondment_id in range(1, n + 1, step):
            found = tracker.get(Secondment, secondment_id)
            tracker.update(attrs.evolve(found, post=f"岗位{secondment_id}"))


def run_audit(path: Path) -> tuple[Section, int]:
    """The chain check and the record check of ``exchange audit verify``; its figures."""
    from exchange import Tracker

    with Tracker.open(f"sqlite:///{path}", actor="bench") as tracker, Section() as section:
        tracker.verify_log()
        check = tracker.verify_records()
        findings = sum(1 for _ in check)
    assert findings == 0, f"{findings} findings in a store no one tampered with"
    return section, check.records


def run_raw(path: Path) -> tuple[Section, int]:
    """Every row of the record tables and the change log, read raw; its figures."""
    from exchange.models import RECORD_TYPES

    conn = sqlite3.connect(path)
    rows = 0
    with Section() as section:
        for table in (*(cls.table for cls in RECORD_TYPES), "changes"):
            for _ in conn.execute(f'SELECT * FROM "{table}" ORDER BY id'):
                rows += 1
    conn.close()
    return section, rows


def child(which: str, path: Path) -> None:
    """Run one side in this process and print its figures as JSON."""
    section, rows = run_audit(path) if which == "audit" else run_raw(path)
    emit(section, rows=rows)


def compare(n: int) -> dict[str, object]:
    """Build the store, run both sides at ``n`` rows, print figures and ratios; the summary."""
    heading(f"{n:,} secondments")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "audit.db"
        build(path, n)
        sides = run_sides(__file__, ("raw", "audit"), "--path", path, rows=n)
    raw, audit = sides
    ratios = ratio(raw, audit)
    print(f"{ratios.label()}  audit_peak_rss_mb={audit.peak_mb:.0f}")
    return summary_row(n, {"": ratios}, sides)


def main() -> None:
    """Run both sides in child processes at each size and print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_sizes(parser, (200_000, 1_000_000))
    parser.add_argument("--child", choices=["audit", "raw"], help=argparse.SUPPRESS)
    parser.add_argument("--path", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.path)
        return
    print_table([compare(n) for n in args.rows])


if __name__ == "__main__":
    main()
