"""The 百千万 cascade: no cycles, reach and levels equal a brute-force walk."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exchange import Mentorship, School, Teacher, Tracker, errors
from exchange.cascade import build, targets_report

PAIRS = st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7)), max_size=30)


def _reaches(pairs: set[tuple[int, int]], start: int) -> set[int]:
    found, stack = set(), [start]
    while stack:
        for mentor, mentee in pairs:
            if mentor == stack[-1] and mentee not in found:
                found.add(mentee)
                stack.append(mentee)
                break
        else:
            stack.pop()
    return found


@settings(max_examples=40)
@given(PAIRS, st.sampled_from(["memory:", "sqlite:///:memory:"]))
def test_no_cycle_ever_and_reach_equals_brute_force(pairs: list, url: str) -> None:
    with Tracker.open(url) as tracker:
        school = tracker.add(School(name="成都市雙慶小學", region="成华区", stage="小学"))
        people = [tracker.add(Teacher(name=f"教师{i}", school_id=school.id)) for i in range(8)]
        accepted: set[tuple[int, int]] = set()
        for mentor, mentee in pairs:
            if mentor == mentee:
                continue
            ids = (people[mentor].id, people[mentee].id)
            cycle = ids[0] == ids[1] or ids[0] in _reaches(accepted, ids[1])
            try:
                tracker.pair_mentor(*ids, programme="百千万", starts_on="2025-01-01")
                assert not cycle
                accepted.add(ids)  # type: ignore[arg-type]
            except errors.RuleViolation as refused:
                assert cycle and "cycle" in str(refused)
        cascade = tracker.cascade()
        for person in people:
            assert person.id not in _reaches(accepted, person.id or 0)
            assert cascade.reach(person.id or 0) == _reaches(accepted, person.id or 0)


def test_levels_count_against_the_targets() -> None:
    # one 百 mentor, three 千, each with two 万
    pairs = [(1, 2), (1, 3), (1, 4)] + [(m, 10 * m + k) for m in (2, 3, 4) for k in (1, 2)]
    cascade = build(pairs)
    assert cascade.counts() == [1, 3, 6]
    assert cascade.pair_level(2) == 2
    assert len(cascade.reach(1)) == 9
    assert targets_report(cascade, [1, 3, 10]) == [
        {"level": 0, "target": 1, "teachers": 1, "met": True},
        {"level": 1, "target": 3, "teachers": 3, "met": True},
        {"level": 2, "target": 10, "teachers": 6, "met": False},
    ]


@pytest.mark.parametrize("url", ["memory:", "sqlite:///:memory:"])
def test_ended_pairs_leave_the_cascade_and_load_counts_everything(url: str) -> None:
    with Tracker.open(url) as tracker:
        school = tracker.add(School(name="清远市清新区第一中学", region="清远市", stage="高中"))
        a, b, c = (tracker.add(Teacher(name=n, school_id=school.id)) for n in "甲乙丙")
        ab = tracker.pair_mentor(a, b, programme="百千万", starts_on="2025-01-01")
        tracker.pair_mentor(b, c, programme="青蓝工程", starts_on="2025-01-01")
        with pytest.raises(errors.RuleViolation, match="cycle"):
            tracker.pair_mentor(c, a, programme="百千万", starts_on="2025-02-01")
        assert tracker.load(b) == {"mentoring": 1, "mentored": 1, "seconded": 0}
        assert tracker.cascade(programme="百千万").counts() == [1, 1]
        tracker.update(attrs.evolve(ab, status="ended", reason="调离", ends_on="2025-06-30"))
        tracker.pair_mentor(c, a, programme="百千万", starts_on="2025-07-01")  # no cycle now
        assert tracker.count(Mentorship) == 3
