"""The secondment lifecycle and the one-place-at-a-time rule, on every backend."""

from __future__ import annotations

import datetime as dt
import itertools
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exchange import School, Secondment, SecondmentStatus, Teacher, Tracker, errors
from exchange.lifecycle import HOLDING, TRANSITIONS, last_day

S = SecondmentStatus


def _open(kind: str, folder: str) -> Tracker:
    return Tracker.open("memory:" if kind == "memory" else f"sqlite:///{Path(folder) / 'l.db'}")


def _setup(tracker: Tracker) -> tuple[int, int, int]:
    home = tracker.add(School(name="长郡中学", region="长沙市", stage="高中"))
    host = tracker.add(School(name="新晃一中", region="怀化市新晃县", stage="高中", rural=True))
    teacher = tracker.add(Teacher(name="李老师", school_id=home.id))
    return teacher.id or 0, host.id or 0, home.id or 0


@pytest.fixture(params=["memory", "sqlite"])
def tracker(request: pytest.FixtureRequest, tmp_path: Path) -> Tracker:
    return _open(request.param, str(tmp_path))


def test_happy_path_and_forbidden_moves(tracker: Tracker) -> None:
    teacher, host, _ = _setup(tracker)
    s = tracker.second(teacher, host, kind="支教", starts_on="2025-09-01", ends_on="2026-07-10")
    assert tracker.approve(s).status is S.APPROVED
    assert tracker.start(s).status is S.ACTIVE
    done = tracker.withdraw(s, reason="家庭原因", returned_on="2026-01-15")
    assert (done.status, last_day(done)) == (S.WITHDRAWN, dt.date(2026, 1, 15))
    with pytest.raises(errors.RuleViolation, match=r"withdrawn.*cannot become completed"):
        tracker.complete(s)


@pytest.mark.parametrize(
    ("before", "after"),
    [(b, a) for b, a in itertools.product(S, S) if a is not b and a not in TRANSITIONS[b]],
)
def test_every_forbidden_transition_is_refused(before: S, after: S) -> None:
    with Tracker.open("memory:") as tracker:
        teacher, host, _ = _setup(tracker)
        s = tracker.add(
            Secondment(
                teacher_id=teacher,
                host_school_id=host,
                kind="visit",
                status=before,
                starts_on="2025-01-01",
                ends_on="2025-03-01",
                reason="x",
                returned_on="2025-02-01" if before is S.WITHDRAWN else None,
            )
        )
        with pytest.raises(errors.ExchangeError):
            tracker._move(s, after, reason="x", returned_on="2025-02-01")
        assert tracker.get(Secondment, s.id) == s


def test_cancel_needs_a_reason_and_withdraw_a_date(tracker: Tracker) -> None:
    teacher, host, _ = _setup(tracker)
    s = tracker.second(teacher, host, kind="跟岗", starts_on="2025-09-01", ends_on="2025-12-01")
    with pytest.raises(errors.InvalidRecord, match="reason"):
        tracker.cancel(s, reason="  ")
    tracker.approve(s)
    tracker.start(s)
    with pytest.raises(errors.InvalidRecord, match="before the planned end"):
        tracker.withdraw(s, reason="调动", returned_on="2025-12-01")


def test_overlap_is_refused_with_the_other_secondment_named(tracker: Tracker) -> None:
    teacher, host, _ = _setup(tracker)
    other = tracker.add(School(name="溆浦一中", region="怀化市溆浦县", stage="高中"))
    first = tracker.second(teacher, host, kind="支教", starts_on="2025-09-01", ends_on="2026-07-10")
    tracker.approve(first)
    second = tracker.second(
        teacher, other, kind="送教", starts_on="2026-07-10", ends_on="2026-07-12"
    )
    with pytest.raises(errors.RuleViolation, match=r"新晃一中 from 2025-09-01 to 2026-07-10"):
        tracker.approve(second)
    assert tracker.get(Secondment, second.id).status is S.PROPOSED
    tracker.cancel(first, reason="改派")
    assert tracker.approve(second).status is S.APPROVED


PERIODS = st.lists(
    st.tuples(st.integers(0, 60), st.integers(0, 20), st.sampled_from(list(S))),
    min_size=1,
    max_size=8,
)


@given(PERIODS, st.sampled_from(["memory", "sqlite"]))
def test_no_two_held_secondments_overlap_whatever_the_order(
    periods: list[tuple[int, int, S]], kind: str
) -> None:
    """Adding secondments one by one, or in one bulk load, never leaves two held ones
    overlapping; and one is refused only when it would overlap one already held."""
    base = dt.date(2025, 1, 1)
    with tempfile.TemporaryDirectory() as folder, _open(kind, folder) as tracker:
        teacher, host, _ = _setup(tracker)
        for offset, length, status in periods:
            start = base + dt.timedelta(days=offset)
            record = Secondment(
                teacher_id=teacher,
                host_school_id=host,
                kind="visit",
                status=status,
                starts_on=start,
                ends_on=start + dt.timedelta(days=length),
                reason="r",
                returned_on=start if status is S.WITHDRAWN and length else None,
            )
            held = [s for s in tracker.find(Secondment) if s.status in HOLDING]
            clash = record.status in HOLDING and any(
                s.starts_on <= last_day(record) and last_day(s) >= record.starts_on for s in held
            )
            try:
                tracker.add(record)
                assert not clash
            except errors.RuleViolation:
                assert clash
            except errors.InvalidRecord:
                pass  # a withdrawal whose return date is not before its end
        held = sorted(
            (s for s in tracker.find(Secondment) if s.status in HOLDING), key=lambda s: s.starts_on
        )
        assert all(last_day(a) < b.starts_on for a, b in itertools.pairwise(held))


def test_bulk_load_refuses_overlap_within_the_load(tracker: Tracker) -> None:
    teacher, host, _ = _setup(tracker)
    rows = [
        Secondment(
            teacher_id=teacher,
            host_school_id=host,
            kind="visit",
            status=S.APPROVED,
            starts_on=dt.date(2025, 3, d),
            ends_on=dt.date(2025, 3, d + 1),
        )
        for d in (1, 4, 5)
    ]
    with pytest.raises(errors.RuleViolation, match=r"already seconded.*overlaps 2025-03-05"):
        tracker.bulk_add(rows)
    assert tracker.count(Secondment) == 0
