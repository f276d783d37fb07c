"""The 百千万 cascade on a forest drawn by hand, and the no-cycle rule on both its paths.

1 ─┬─ 2 ─┐                 levels: 1, 6 → 0;  2, 3, 7 → 1;  4 → 2;  5 → 3
   └─ 3 ─┴─ 4 ── 5         (4 is reached twice; it stands at its shallowest)
6 ─── 7
"""

from __future__ import annotations

import pytest

from exchange import Mentorship, MentorshipStatus, School, Teacher, Tracker, errors
from exchange.cascade import build, edges, targets_report

FOREST = [(1, 2), (1, 3), (2, 4), (3, 4), (4, 5), (6, 7)]


def test_levels_counts_and_reach_of_a_forest() -> None:
    cascade = build(FOREST)
    assert dict(cascade.level) == {1: 0, 6: 0, 2: 1, 3: 1, 7: 1, 4: 2, 5: 3}
    assert cascade.counts() == [2, 3, 1, 1]
    assert (cascade.reach(1), cascade.reach(6), cascade.reach(4), cascade.reach(5)) == (
        {2, 3, 4, 5},
        {7},
        {5},
        set(),
    )
    assert (cascade.pair_level(1), cascade.pair_level(4)) == (1, 3)
    assert build([]).counts() == []


def test_targets_are_met_from_an_exact_tie_up() -> None:
    report = targets_report(build(FOREST), [2, 4, 1, 1, 1])
    assert [(r["level"], r["target"], r["teachers"], r["met"]) for r in report] == [
        (0, 2, 2, True),  # exactly the target
        (1, 4, 3, False),
        (2, 1, 1, True),
        (3, 1, 1, True),
        (4, 1, 0, False),  # below the deepest level: nobody
    ]


def _pair(mentor: int, mentee: int, **changes: object) -> Mentorship:
    fields: dict[str, object] = {
        "mentor_id": mentor,
        "mentee_id": mentee,
        "programme": "百千万",
        "starts_on": "2025-01-01",
    }
    return Mentorship(**{**fields, **changes})  # type: ignore[arg-type]


@pytest.fixture
def tracker() -> Tracker:
    tracker = Tracker.open("memory:")
    school = tracker.add(School(name="长郡中学", region="长沙市", stage="高中"))
    for n in range(1, 10):
        tracker.add(Teacher(name=f"教师{n}", school_id=school.id))
    return tracker


def test_edges_count_active_and_completed_pairs_only(tracker: Tracker) -> None:
    for mentor, mentee in FOREST:
        tracker.add(_pair(mentor, mentee))
    tracker.add(_pair(8, 9, status=MentorshipStatus.ENDED, ends_on="2025-02-01", reason="调离"))
    done = tracker.add(_pair(7, 8, status=MentorshipStatus.COMPLETED, ends_on="2025-06-01"))
    tracker.add(_pair(5, 9, programme="名师工作室"))
    gone = tracker.add(_pair(6, 9))
    tracker.archive(Mentorship, gone.id)
    counted = sorted(edges(tracker.backend))
    assert counted == sorted([*FOREST, (7, 8), (5, 9)])
    assert sorted(edges(tracker.backend, programme="名师工作室")) == [(5, 9)]
    assert done.status is MentorshipStatus.COMPLETED


def test_a_cycle_is_refused_directly_and_through_others(tracker: Tracker) -> None:
    tracker.add(_pair(1, 2))
    tracker.add(_pair(2, 3))
    for mentor, mentee in [(2, 1), (3, 1)]:
        with pytest.raises(errors.RuleViolation) as refused:
            tracker.add(_pair(mentor, mentee))
        assert str(refused.value) == (
            f"teacher {mentor} cannot mentor teacher {mentee}: teacher {mentor} is already "
            f"mentored, directly or through others, by teacher {mentee}, so the pair would "
            "make a cycle"
        )
    tracker.add(_pair(3, 4))  # further down: no cycle
    with pytest.raises(errors.RuleViolation):
        tracker.add(_pair(4, 1, programme="名师工作室"))  # in any programme


def test_an_ended_or_archived_pair_breaks_the_chain(tracker: Tracker) -> None:
    tracker.add(_pair(1, 2))
    tracker.add(_pair(2, 3, status=MentorshipStatus.ENDED, ends_on="2025-02-01", reason="调离"))
    tracker.add(_pair(3, 1))  # 1 → 2 ⇢ 3 no longer leads back to 3
    gone = tracker.add(_pair(4, 5))
    tracker.archive(Mentorship, gone.id)
    tracker.add(_pair(5, 4))


def test_an_ended_or_archived_pair_may_close_a_loop(tracker: Tracker) -> None:
    tracker.add(_pair(1, 2))
    tracker.add(_pair(2, 3))
    # neither counts in the cascade, so neither makes a cycle
    tracker.add(_pair(3, 1, status=MentorshipStatus.ENDED, ends_on="2025-02-01", reason="调离"))
    tracker.add(_pair(2, 1, archived=True))
