"""Secondments over time: days served and "as of" answers equal a brute-force scan."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exchange import School, Secondment, SecondmentStatus, Teacher, Tracker, errors
from exchange.lifecycle import last_day
from exchange.timeline import COUNTED

BASE = dt.date(2024, 9, 1)
S = SecondmentStatus


def _open(kind: str) -> Tracker:
    return Tracker.open("memory:" if kind == "memory" else "sqlite:///:memory:")


ROWS = st.lists(
    st.tuples(
        st.integers(0, 3),  # teacher
        st.integers(0, 2),  # host
        st.integers(0, 90),  # start offset
        st.integers(0, 40),  # length
        st.sampled_from(list(S)),
        st.integers(0, 40),  # early return offset (withdrawn only)
    ),
    max_size=25,
)


@settings(max_examples=25)
@given(ROWS, st.integers(-5, 140), st.sampled_from(["memory", "sqlite"]))
def test_as_of_answers_equal_a_brute_force_scan(rows: list, offset: int, kind: str) -> None:
    day = BASE + dt.timedelta(days=offset)
    with _open(kind) as tracker:
        home = tracker.add(School(name="成都七中英才学校", region="成华区", stage="初中"))
        hosts = [
            tracker.add(School(name=f"丹巴学校{i}", region="丹巴县", stage="小学", rural=True))
            for i in range(3)
        ]
        teachers = [tracker.add(Teacher(name=f"教师{i}", school_id=home.id)) for i in range(4)]
        for t, h, start, length, status, back in rows:
            begin = BASE + dt.timedelta(days=start)
            end = begin + dt.timedelta(days=length)
            returned = begin + dt.timedelta(days=min(back, length - 1)) if length else None
            record = Secondment(
                teacher_id=teachers[t].id,
                host_school_id=hosts[h].id,
                kind="support",
                status=status,
                starts_on=begin,
                ends_on=end,
                reason="r",
                returned_on=returned if status is S.WITHDRAWN else None,
            )
            with contextlib.suppress(errors.ExchangeError):
                tracker.add(record)  # overlapping holds are refused
        every = list(tracker.find(Secondment))

        def present(s: Secondment) -> bool:
            return s.status in COUNTED and s.starts_on <= day <= last_day(s)

        for host in hosts:
            assert {s.id for s in tracker.at_host(host, day)} == {
                s.id for s in every if s.host_school_id == host.id and present(s)
            }
        for teacher in teachers:
            found = tracker.whereabouts(teacher, day)
            expected = sorted(
                (s for s in every if s.teacher_id == teacher.id and present(s)),
                key=lambda s: (s.starts_on, s.id),
            )
            assert (found.id if found else None) == (expected[0].id if expected else None)
        away = {s.teacher_id for s in every if present(s)}
        at_home = tracker.present(home, day)
        assert [(p.teacher.id, p.secondment) for p in at_home] == [
            (t.id, None) for t in teachers if t.id not in away
        ]  # by name: 教师0 … 教师3
        for host in hosts:
            assert [(p.teacher.id, p.secondment.id if p.secondment else 0) for p in
                    tracker.present(host, day)] == [
                (s.teacher_id, s.id)
                for s in sorted(every, key=lambda s: (s.starts_on, s.id))
                if s.host_school_id == host.id and present(s)
            ]  # fmt: skip
        window_end = day + dt.timedelta(days=10)
        assert [s.id for s in tracker.overlapping(day, window_end)] == [
            s.id
            for s in sorted(every, key=lambda s: (s.starts_on, s.id))
            if s.status in COUNTED and s.starts_on <= window_end and last_day(s) >= day
        ]


def test_days_served_counts_actual_days() -> None:
    with Tracker.open("memory:") as tracker:
        home = tracker.add(School(name="雅礼中学", region="长沙市", stage="高中"))
        host = tracker.add(School(name="靖州一中", region="怀化市靖州县", stage="高中", rural=True))
        teacher = tracker.add(Teacher(name="周老师", school_id=home.id))
        s = tracker.second(teacher, host, kind="支教", starts_on="2025-09-01", ends_on="2026-06-30")
        assert tracker.days_served(s) == 0  # proposed: not gone yet
        tracker.approve(s)
        tracker.start(s)
        assert tracker.days_served(s, as_of=dt.date(2025, 9, 10)) == 10
        assert tracker.days_served(s) == 303
        tracker.withdraw(s, reason="返岗", returned_on="2025-12-31")
        assert tracker.days_served(s) == 122
        with pytest.raises(errors.InvalidRecord, match="not a date"):
            tracker.at_host(host, "2025-02-30")
        with pytest.raises(errors.InvalidRecord, match="ends"):
            tracker.overlapping(dt.date(2025, 2, 1), dt.date(2025, 1, 1))
