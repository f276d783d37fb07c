"""What record revisions cost: ``bulk_add`` and single updates, against the code before them.

Every record carries a revision and ``update`` compares and sets it. This runs the
same work on this checkout and on the last commit without revisions (``--baseline``,
unpacked from git into a temporary folder), each side in its own process with
``PYTHONPATH`` pointing at its code, on a fresh SQLite file with 1,000 schools and
10,000 teachers:

* bulk — N secondments through ``tracker.bulk_add``;
* update — then 10,000 single updates, each ``tracker.update(attrs.evolve(get(id), …))``
  of a different secondment, one transaction each.

Each side runs ``--repeat`` times (3), the two in turn, and the medians are kept. For
each size, prints both sides' wall and CPU seconds and peak RSS, and the ratios
``ratio_wall`` and ``ratio_cpu`` = baseline seconds ÷ current seconds (1 is no cost;
0.9 is 10 % slower). Target: ≥ 0.9 for both.

    python bench/revisions.py [--rows N [N ...]] [--baseline COMMIT] [--current COMMIT]
                              [--repeat K]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from _measure import (
    Section,
    Side,
    add_sizes,
    emit,
    heading,
    median,
    print_table,
    ratio,
    run_side,
    summary_row,
)
from bulk_insert import plan, prepare

BASELINE = "9ee2a73"
"""The last commit before records carried revisions."""
UPDATES = 10_000
ROOT = Path(__file__).resolve().parent.parent


def child(n: int) -> None:
    """Run the bulk load and the updates with whatever ``exchange`` is on the path."""
    import attrs

    import exchange
    from exchange import Secondment, Tracker

    print(f"exchange from {Path(exchange.__file__).parent}", file=sys.stderr)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "store.db"
        prepare(path)
        with Tracker.open(f"sqlite:///{path}", actor="bench") as tracker:
            with Section() as bulk:
                tracker.bulk_add(
                    Secondment(teacher_id=t, host_school_id=h, kind=k, starts_on=s, ends_on=e)
                    for t, h, k, s, e in plan(n)
                )
            step = max(1, n // UPDATES)
            with Section() as updates:
                for id in range(1, step * UPDATES + 1, step):
                    read = tracker.get(Secondment, id)
                    tracker.update(attrs.evolve(read, post=f"岗位{id}"))
    emit(bulk, update_wall=updates.wall, update_cpu=updates.cpu)


def unpack(commit: str, into: Path) -> Path:
    """The tree of ``commit``, unpacked from git into ``into``."""
    into.mkdir()
    archive = into / "tree.tar"
    subprocess.run(["git", "-C", str(ROOT), "archive", "-o", str(archive), commit], check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into / "tree", filter="data")
    return into / "tree"


def side(name: str, code: Path, n: int) -> tuple[Side, Side]:
    """Run the child with ``code`` first on the path; its bulk and its update figures."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    bulk = run_side(name, [sys.executable, __file__, "--child", "--rows", str(n)], env)
    update = Side(name, bulk.extra["update_wall"], bulk.extra["update_cpu"], bulk.peak_mb)
    return bulk, update


def compare(n: int, baseline: Path, current: Path, repeat: int) -> dict[str, object]:
    """Both sides at ``n`` rows, ``repeat`` times in turn; print the medians of their
    figures and the ratios; the summary row."""
    heading(f"{n:,} secondments, then {UPDATES:,} single updates (median of {repeat})")
    runs = [(side("baseline", baseline, n), side("current", current, n)) for _ in range(repeat)]
    ratios = {}
    for i, what in enumerate(("bulk", "update")):
        old = median("baseline", [run[0][i] for run in runs])
        new = median("current", [run[1][i] for run in runs])
        print(f"{what:6} {old.line()}\n{what:6} {new.line()}")
        ratios[f"{what}_"] = ratio(old, new)
        print(f"{what:6} {ratios[f'{what}_'].label()}  (target ≥ 0.9)")
    peaks = [median(name, [run[k][0] for run in runs]) for k, name in enumerate(("base", "cur"))]
    return summary_row(n, ratios, peaks)


def main() -> None:
    """Unpack the baseline, run both sides at each size and print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_sizes(parser, (200_000, 1_000_000))
    parser.add_argument("--baseline", default=BASELINE, help="commit to compare with")
    parser.add_argument("--current", help="commit to measure (default: this checkout)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each side (median)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.rows[0])
        return
    with tempfile.TemporaryDirectory() as folder:
        baseline = unpack(args.baseline, Path(folder) / "baseline")
        current = unpack(args.current, Path(folder) / "current") if args.current else ROOT
        print_table([compare(n, baseline, current, args.repeat) for n in args.rows])


if __name__ == "__main__":
    main()
