"""The 百千万 cascade: levels and reach for 100 → 1,000 → 10,000 (11,100 teachers) in SQLite.

Times ``tracker.cascade()`` with the per-level counts and the reach of each of the
100 first-level mentors, against one hand-written recursive CTE computing the
same counts, in the same run on the same file. Prints ``ratio=<tracker ÷ CTE>``;
target ≤ 2.

    python bench/cascade.py [--fanout 10] [--repeat 5]
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from pathlib import Path

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


def build(path: Path, fanout: int) -> None:
    """100 first-level mentors, each mentoring ``fanout``, each of those ``fanout`` more."""
    from exchange import Mentorship, School, Teacher, Tracker

    with Tracker.open(f"sqlite:///{path}", actor="bench") as tracker:
        school = tracker.add(
            School(name="成华区教师发展中心", region="成都市成华区", stage="primary")
        )
        total = 100 + 100 * fanout + 100 * fanout * fanout
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


def run_tracker(path: Path) -> tuple[float, dict[str, dict[int, int]]]:
    from exchange import Tracker

    with Tracker.open(f"sqlite:///{path}") as tracker:
        began = time.perf_counter()
        cascade = tracker.cascade(programme="百千万")
        counts = cascade.counts()
        roots = [t for t, depth in cascade.level.items() if depth == 0]
        reach = {root: len(cascade.reach(root)) for root in roots}
        elapsed = time.perf_counter() - began
    levels = {depth: n for depth, n in enumerate(counts) if depth > 0}
    return elapsed, {"level": levels, "reach": reach}


def run_cte(path: Path) -> tuple[float, dict[str, dict[int, int]]]:
    conn = sqlite3.connect(path)
    began = time.perf_counter()
    rows = conn.execute(CTE).fetchall()
    elapsed = time.perf_counter() - began
    conn.close()
    out: dict[str, dict[int, int]] = {"level": {}, "reach": {}}
    for what, key, n in rows:
        out[what][key] = n
    return elapsed, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fanout", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cascade.db"
        build(path, args.fanout)
        tracker_times, cte_times = [], []
        for _ in range(args.repeat):
            t, ours = run_tracker(path)
            c, theirs = run_cte(path)
            tracker_times.append(t)
            cte_times.append(c)
        assert ours == theirs, "the tracker and the CTE disagree"
    best_t, best_c = min(tracker_times), min(cte_times)
    print(
        f"teachers per level {sorted(ours['level'].items())}, first-level mentors "
        f"{len(ours['reach'])}"
    )
    print(
        f"tracker {best_t * 1000:8.1f} ms   recursive CTE {best_c * 1000:8.1f} ms  "
        f"(best of {args.repeat})"
    )
    print(f"ratio={best_t / best_c:.2f}  (target ≤ 2)")


if __name__ == "__main__":
    main()
