"""The 百千万 cascade: levels and reach for 100 → 100·F → 100·F² teachers in SQLite.

Times ``tracker.cascade()`` with the per-level counts and the reach of each of the
100 first-level mentors, against one hand-written recursive CTE computing the
same counts, in the same run on the same file; each side runs in a process of its
own (so its peak memory is its own), ``--repeat`` times, keeping the least wall and the
least CPU time, and both must agree.

Runs at two fan-outs by default (``--fanout`` chooses): 10, the programme's own
100 → 1,000 → 10,000 (11,100 teachers), and 44, 100 → 4,400 → 193,600 (198,100
teachers, the 200,000-row size of the other benchmarks). For each, prints one line per
side (wall seconds, CPU seconds of the process around one run, peak RSS of the
process) and the ratios ``ratio_wall`` (tracker seconds ÷ CTE seconds) and
``ratio_cpu`` (tracker CPU ÷ CTE CPU): a time ratio, lower is better. Then a summary
table of size × ratios × peak RSS per side. CPU time holds steady on a busy machine
where wall time does not. Target: ratio ≤ 2.

    python bench/cascade.py [--fanout F [F ...]] [--repeat 5]     # default: --fanout 10 44
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
from pathlib import Path

from _measure import (
    Section,
    add_sizes,
    best_of,
    emit,
    heading,
    print_table,
    ratio,
    run_sides,
    summary_row,
)

CTE = """
WITH RECURSIVE tree(root, teacher, depth) AS (
    SELECT mentor_id, mentee_id, 1 FROM mentorships
    WHERE status IN ('active', 'completed') AND archived = 0
      AND mentor_id NOT IN (SELECT mentee_id FROM mentorships
                            WHERE status IN ('active', 'completed') AND archived = 0)
    UNION ALL
    SELECT tree.root, m.mentee_id, tree.depth + 1
    FROM tree JOIN mentorships m ON m.mentor_id = tree.teacher
    WHERE m.status IN ('active', 'completed') AND m.archived = 0
)
SELECT 'level', depth, count(DISTINCT teacher) FROM tree GROUP BY depth
UNION ALL
SELECT 'reach', root, count(DISTINCT teacher) FROM tree GROUP BY root
"""

Result = dict[str, dict[int, int]]
"""Teachers per level (depth ≥ 1) and reach per first-level mentor."""


def teachers(fanout: int) -> int:
    """How many teachers a cascade of ``fanout`` holds."""
    return 100 + 100 * fanout + 100 * fanout * fanout


def build(path: Path, fanout: int) -> None:
    """100 first-level mentors, each mentoring ``fanout``, each of those ``fanout`` more."""
    from exchange import Mentorship, School, Teacher, Tracker

    with Tracker.open(f"sqlite:///{path}", actor="bench") as tracker:
        school = tracker.add(
            School(name="成华区教师发展中心", region="成都市成华区", stage="primary")
        )
        total = teachers(fanout)
        tracker.bulk_add(Teacher(name=f"教师{i}", school_id=school.id) for i in range(total))
        pairs = [(r, 100 + r * fanout + k) for r in range(100) for k in range(fanout)]
        second = 100 + 100 * fanout
        pairs += [
            (m, second + (m - 100) * fanout + k) for m in range(100, second) for k in range(fanout)
        ]
        tracker.bulk_add(
            Mentorship(mentor_id=a + 1, mentee_id=b + 1, programme="百千万", starts_on="2024-09-01")
            for a, b in pairs
        )


def run_tracker(path: Path, repeat: int) -> tuple[Section, Result]:
    """The cascade through the library, ``repeat`` times: the best figures and the counts."""
    from exchange import Tracker

    def walk() -> Result:
        cascade = tracker.cascade(programme="百千万")
        roots = [t for t, depth in cascade.level.items() if depth == 0]
        levels = {depth: n for depth, n in enumerate(cascade.counts()) if depth > 0}
        return {"level": levels, "reach": {root: len(cascade.reach(root)) for root in roots}}

    with Tracker.open(f"sqlite:///{path}") as tracker:
        return best_of(repeat, walk)


def run_cte(path: Path, repeat: int) -> tuple[Section, Result]:
    """The recursive CTE, ``repeat`` times: the best figures and the counts."""
    conn = sqlite3.connect(path)
    section, rows = best_of(repeat, lambda: conn.execute(CTE).fetchall())
    conn.close()
    out: Result = {"level": {}, "reach": {}}
    for what, key, n in rows:
        out[what][key] = n
    return section, out


def child(which: str, path: Path, repeat: int) -> None:
    """Run one side in this process and print its figures and counts as JSON."""
    section, result = run_tracker(path, repeat) if which == "tracker" else run_cte(path, repeat)
    emit(section, result=result)


def compare(fanout: int, repeat: int) -> dict[str, object]:
    """Build the cascade, run both sides, check they agree, print their figures and
    ratios; the summary row."""
    heading(f"fanout {fanout}: {teachers(fanout):,} teachers")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cascade.db"
        build(path, fanout)
        sides = run_sides(__file__, ("tracker", "cte"), "--db", path, "--repeat", repeat)
    ours, theirs = sides
    assert ours.extra["result"] == theirs.extra["result"], "the tracker and the CTE disagree"
    levels = sorted((int(depth), n) for depth, n in ours.extra["result"]["level"].items())
    print(f"teachers per level {levels}, first-level mentors {len(ours.extra['result']['reach'])}")
    ratios = ratio(ours, theirs)
    print(f"{ratios.label()}  (target ≤ 2; best of {repeat})")
    return summary_row(teachers(fanout), {"": ratios}, sides, unit="teachers")


def main() -> None:
    """Run both sides in child processes at each fan-out and print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_sizes(parser, (10, 44), flag="--fanout")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--child", choices=["tracker", "cte"], help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.db, args.repeat)
        return
    print_table([compare(fanout, args.repeat) for fanout in args.fanout])


if __name__ == "__main__":
    main()
