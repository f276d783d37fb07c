"""Mentor matching at province scale: the optimal plan against the greedy baseline.

A generated province (``exchange.testing.provinces``): N mentees and N/5 mentors
(名师 and 骨干教师) in 20 prefectures × 3 counties, mentors' capacities 1–5 (from
the programmes' capacities less a pair each already has), candidates only in the
same prefecture (``within = "prefecture"``), the five built-in criteria. Three
sides, each in a process of its own (so its peak memory is its own), best of
``--repeat``:

- ``plan``: ``planner.plan`` on the records in memory: pools, capacities, scoring
  every candidate pair, the exact solve (scipy), the greedy plan beside it and an
  explanation for everyone left out — all a plan holds;
- ``tracker``: ``tracker.match_mentors`` on a ``memory:`` store holding the province
  (the same, plus reading the records);
- ``tracker-store``: ``tracker.match_mentors`` on a SQLite store holding the province
  (filled beforehand in a process of its own): reading the store end to end;
- ``greedy``: the baseline — the same candidates and scores, then one mentee at a
  time takes their best mentor with a place left (no solver).

Prints each side's wall and CPU seconds and peak RSS, the ratio plan ÷ greedy, the
engine's solve alone, and both plans' pairs and totals. Then the average gap
between the optimal and the greedy total over ``--provinces`` smaller generated
provinces (1,000 mentees, 200 mentors each). Target: ``plan`` under 10 s and
500 MB at 10,000 × 2,000.

Placements (``exchange.testing.placing``): N applicants and N/5 needs of 1–5 places
in the spring or autumn term, at schools of 20 prefectures × 3 counties, about half
of which keep from half to all but one of their teachers at home (so the sending
schools' limits bind), candidates in the same prefecture, the six built-in
placement criteria. Three sides, as above: ``placements`` (``placing.plan`` on the
records in memory: everything a plan holds, every explanation included),
``placements-store`` (``tracker.match_placements`` on a SQLite store holding the same
province and one completed secondment of 2024 for every other applicant: reading the
store end to end; it also prints the read alone) and ``placements-greedy`` (the same
candidates and scores, one applicant at a time). Target for both store sides at
10,000 × 2,000: under 10 s and 500 MB.

    python bench/matching.py [--mentees N [N ...]] [--applicants N [N ...]]
                             [--repeat 3] [--provinces 20] [--only mentors|placements]
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _matching_stores import (
    PREFECTURES,
    placement_province,
    prepare_apart,
    run_mentors_store,
    run_placements_store,
)
from _measure import add_sizes, best_of, emit, heading, print_table, ratio, run_sides, summary_row

DAY = dt.date(2026, 3, 1)


def request(mentees: int, seed: int = 7) -> tuple[Any, Any, Any]:
    """The province's records, the settings and the built-in criteria."""
    from exchange.matching import planner
    from exchange.matching.settings import settings
    from exchange.plugins import default_plugins
    from exchange.testing import provinces

    generated = provinces.province(
        seed, mentors=mentees // 5, mentees=mentees, prefectures=PREFECTURES
    )
    chosen = settings({**provinces.SETTINGS, "within": "prefecture"})
    criteria = planner.chosen_criteria(default_plugins().match_criteria, chosen)
    return generated, chosen, criteria


def run_plan(mentees: int, repeat: int) -> None:
    """The plan side: ``planner.plan`` on the records in memory."""
    from exchange.matching import engine, planner
    from exchange.testing import provinces

    generated, chosen, criteria = request(mentees)
    read = provinces.inputs(generated)
    section, plan = best_of(
        repeat,
        lambda: planner.plan(read, provinces.PROGRAMME, chosen, criteria, starts_on=DAY),
    )
    began = time.perf_counter()
    engine.solve(plan.solved.problem)
    emit(section, solve=time.perf_counter() - began, **_figures(plan))


def run_tracker(mentees: int, repeat: int) -> None:
    """The tracker side: ``tracker.match_mentors`` on a ``memory:`` store."""
    from exchange import Tracker
    from exchange.testing import provinces

    generated, chosen, _ = request(mentees)
    tracker = Tracker.open("memory:")
    provinces.store(tracker, generated)
    section, plan = best_of(
        repeat,
        lambda: tracker.match_mentors(provinces.PROGRAMME, criteria=chosen, starts_on=DAY),
    )
    emit(section, **_figures(plan))


def run_greedy(mentees: int, repeat: int) -> None:
    """The baseline: the same candidates and scores, placed one mentee at a time."""
    from exchange.matching import engine
    from exchange.matching.mentors import MentorMatch
    from exchange.testing import provinces

    generated, chosen, criteria = request(mentees)
    read = provinces.inputs(generated)

    def greedy() -> engine.Assignment:
        match = MentorMatch(read, provinces.PROGRAMME, chosen, criteria)
        return engine.greedy(match.problem())

    section, found = best_of(repeat, greedy)
    emit(section, pairs=found.count, total=found.total / 1000)


def _figures(plan: Any) -> dict[str, Any]:
    return {
        "pairs": plan.score.pairs,
        "total": plan.score.total,
        "greedy_pairs": plan.greedy.pairs,
        "greedy_total": plan.greedy.total,
        "unmatched": len(plan.unmatched),
        "candidates": sum(len(edges) for edges in plan.solved.problem.edges),
    }


def compare(mentees: int, repeat: int, store: Path) -> dict[str, object]:
    """Run the four sides at one size, print their figures; the summary row."""
    heading(f"{mentees:,} mentees × {mentees // 5:,} mentors, {PREFECTURES} prefectures")
    prepare_apart("mentors", mentees, store)
    sides = run_sides(
        __file__, ("plan", "tracker", "tracker-store", "greedy"), "--mentees", mentees,
        "--repeat", repeat, "--store", store,
    )  # fmt: skip
    plan, _, stored, greedy = sides
    print(f"tracker-store: reading the SQLite store alone {stored.extra['read']:.2f} s")
    assert stored.extra["total"] == plan.extra["total"], "the store plans another total"
    figures = plan.extra
    print(f"candidate pairs {figures['candidates']:,}; engine solve alone {figures['solve']:.2f} s")
    print(
        f"optimal: {figures['pairs']:,} pairs, total {figures['total']:,.1f}; "
        f"greedy: {figures['greedy_pairs']:,} pairs, total {figures['greedy_total']:,.1f} "
        f"({100 * (figures['total'] - figures['greedy_total']) / figures['total']:.1f}% lower); "
        f"{figures['unmatched']:,} left out with a reason"
    )
    assert greedy.extra["total"] == figures["greedy_total"], "the greedy sides disagree"
    print(f"plan ÷ greedy {ratio(plan, greedy).label()}  (target: plan < 10 s, < 500 MB)")
    return summary_row(mentees, {"": ratio(plan, greedy)}, sides, unit="mentees")


def gaps(count: int) -> None:
    """The average optimal-vs-greedy gap over ``count`` generated provinces."""
    from exchange.matching import planner
    from exchange.testing import provinces

    found = []
    for seed in range(count):
        generated, chosen, criteria = request(1000, seed=seed)
        plan = planner.plan(
            provinces.inputs(generated), provinces.PROGRAMME, chosen, criteria, starts_on=DAY
        )
        found.append((plan.score, plan.greedy))
    print_gaps(found, "1,000 mentees × 200 mentors", "pairs gained")


def print_gaps(found: list[tuple[Any, Any]], what: str, gained: str) -> None:
    """The average, least and most gap between the optimal and the greedy scores."""
    count = len(found)
    score = [(s.total - g.total) / s.total for s, g in found]
    more = [s.pairs - g.pairs for s, g in found]
    heading(f"optimal against greedy on {count} provinces of {what}")
    print(
        f"total score gap: average {100 * sum(score) / count:.2f}%, "
        f"least {100 * min(score):.2f}%, most {100 * max(score):.2f}%; "
        f"{gained}: average {sum(more) / count:.1f}, most {max(more)}"
    )


# -- placements -----------------------------------------------------------------------


def placement_request(applicants: int, seed: int = 11) -> tuple[Any, Any, Any]:
    """The generated province's placement records (in memory), settings and criteria."""
    from exchange.matching import placing
    from exchange.matching.settings import settings
    from exchange.plugins import default_plugins
    from exchange.testing import placing as generate

    generated = placement_province(applicants, seed)
    chosen = settings({"within": "prefecture"})
    criteria = placing.placement_criteria(default_plugins().placement_criteria, chosen)
    return generate.inputs(generated), chosen, criteria


def run_placements(applicants: int, repeat: int) -> None:
    """The plan side: ``placing.plan`` on the records in memory."""
    from exchange.matching import engine, placing
    from exchange.testing.placing import YEAR

    read, chosen, criteria = placement_request(applicants)
    section, plan = best_of(repeat, lambda: placing.plan(read, YEAR, None, chosen, criteria))
    began = time.perf_counter()
    engine.solve(plan.solved.problem)
    problem = plan.solved.problem
    emit(
        section,
        solve=time.perf_counter() - began,
        pairs=plan.score.pairs,
        total=plan.score.total,
        greedy_pairs=plan.greedy.pairs,
        greedy_total=plan.greedy.total,
        unplaced=len(plan.unplaced),
        candidates=sum(len(edges) for edges in problem.edges),
        places=sum(problem.capacity),
        senders=len(problem.group_capacity),
    )


def run_placements_greedy(applicants: int, repeat: int) -> None:
    """The baseline: the same candidates and scores, placed one applicant at a time."""
    from exchange.matching import engine
    from exchange.matching.placements import PlacementMatch
    from exchange.testing.placing import YEAR

    read, chosen, criteria = placement_request(applicants)

    def greedy() -> engine.Assignment:
        return engine.greedy(PlacementMatch(read, YEAR, None, chosen, criteria).problem())

    section, found = best_of(repeat, greedy)
    emit(section, pairs=found.count, total=found.total / 1000)


def compare_placements(applicants: int, repeat: int, store: Path) -> dict[str, object]:
    """Run the three placement sides at one size, print their figures; the summary row."""
    heading(f"placements: {applicants:,} applicants × {applicants // 5:,} needs")
    prepare_apart("placements", applicants, store)
    sides = run_sides(
        __file__, ("placements", "placements-store", "placements-greedy"),
        "--applicants", applicants, "--repeat", repeat, "--store", store,
    )  # fmt: skip
    plan, stored, greedy = sides
    print(
        f"placements-store: reading the SQLite store alone {stored.extra['read']:.2f} s; "
        f"{stored.extra['pairs']:,} placed, total {stored.extra['total']:,.1f} "
        "(with the history's secondments)"
    )
    f = plan.extra
    print(
        f"candidate pairs {f['candidates']:,}; places {f['places']:,}; sending schools with a "
        f"home minimum {f['senders']:,}; engine solve alone {f['solve']:.2f} s"
    )
    print(
        f"optimal: {f['pairs']:,} placed, total {f['total']:,.1f}; greedy: "
        f"{f['greedy_pairs']:,} placed, total {f['greedy_total']:,.1f}; "
        f"{f['unplaced']:,} applicants and needs left out with a reason"
    )
    assert greedy.extra["total"] == f["greedy_total"], "the greedy sides disagree"
    print(f"placements ÷ greedy {ratio(plan, greedy).label()}")
    return summary_row(applicants, {"": ratio(plan, greedy)}, sides, unit="applicants")


def placement_gaps(count: int) -> None:
    """The average optimal-vs-greedy gap over ``count`` generated placement provinces."""
    from exchange.matching import placing
    from exchange.testing.placing import YEAR

    found = []
    for seed in range(count):
        read, chosen, criteria = placement_request(1000, seed=seed)
        plan = placing.plan(read, YEAR, None, chosen, criteria)
        found.append((plan.score, plan.greedy))
    print_gaps(found, "1,000 applicants × 200 needs", "placed gained")


CHILDREN: dict[str, Callable[[int, int], None]] = {
    "plan": run_plan,
    "tracker": run_tracker,
    "greedy": run_greedy,
    "placements": run_placements,
    "placements-greedy": run_placements_greedy,
}
STORE_CHILDREN: dict[str, Callable[[int, int, Path], None]] = {
    "tracker-store": run_mentors_store,
    "placements-store": run_placements_store,
}


def main() -> None:
    """Run the sides in child processes at each size, then the gaps."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_sizes(parser, (10_000,), flag="--mentees")
    add_sizes(parser, (2_500, 10_000), flag="--applicants")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--provinces", type=int, default=20)
    parser.add_argument("--only", choices=["mentors", "placements"])
    parser.add_argument(
        "--child", choices=sorted({*CHILDREN, *STORE_CHILDREN}), help=argparse.SUPPRESS
    )
    parser.add_argument("--store", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        size = args.applicants if args.child.startswith("placements") else args.mentees
        if args.child in STORE_CHILDREN:
            STORE_CHILDREN[args.child](size[0], args.repeat, args.store)
        else:
            CHILDREN[args.child](size[0], args.repeat)
        return
    with tempfile.TemporaryDirectory() as folder:
        store = Path(folder) / "matching.db"
        if args.only != "placements":
            rows = [compare(mentees, args.repeat, store) for mentees in args.mentees]
            gaps(args.provinces)
            print_table(rows)
        if args.only != "mentors":
            rows = [compare_placements(n, args.repeat, store) for n in args.applicants]
            placement_gaps(args.provinces)
            print_table(rows)


if __name__ == "__main__":
    main()
