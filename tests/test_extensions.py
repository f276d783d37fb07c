"""Secondment extensions (延期) on every backend: the planned end moves later, every
earlier end is kept, history cannot be rewritten, and an extension must not make the
teacher's held secondments overlap."""

from __future__ import annotations

import contextlib
import datetime as dt
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import attrs
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from exchange import School, Secondment, SecondmentStatus, Teacher, Tracker, errors
from exchange.lifecycle import EXTENDABLE, HOLDING, TRANSITIONS
from exchange.models import Extension
from exchange.testing.machine import dump
from exchange.timeline import SERVED

BACKENDS = ["memory", "sqlite"]
S = SecondmentStatus
START, END = dt.date(2025, 9, 1), dt.date(2025, 12, 31)


def _url(kind: str, folder: Path) -> str:
    return "memory:" if kind == "memory" else f"sqlite:///{folder / 'extensions.db'}"


@contextlib.contextmanager
def _fresh(kind: str) -> Iterator[Tracker]:
    """A fresh tracker per hypothesis example (a new SQLite file for ``sqlite``)."""
    with tempfile.TemporaryDirectory() as folder, Tracker.open(_url(kind, Path(folder))) as t:
        yield t


@pytest.fixture(params=BACKENDS)
def tracker(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Tracker]:
    with Tracker.open(_url(request.param, tmp_path), actor="测试员") as opened:
        yield opened


@attrs.frozen
class Setting:
    teacher: Teacher
    host: School
    other_host: School


def _setting(tracker: Tracker) -> Setting:
    home = tracker.add(School(name="长郡中学", region="湖南省长沙市", stage="高中"))
    host = tracker.add(School(name="新晃一中", region="湖南省怀化市新晃县", stage="高中"))
    other = tracker.add(School(name="溆浦一中", region="湖南省怀化市溆浦县", stage="高中"))
    teacher = tracker.add(Teacher(name="李老师", school_id=home.id))
    return Setting(teacher, host, other)


def _second(tracker: Tracker, s: Setting, **changes: object) -> Secondment:
    values: dict[str, object] = {"kind": "支教", "starts_on": START, "ends_on": END, **changes}
    return tracker.second(s.teacher, s.host, **values)  # type: ignore[arg-type]


def _refused(
    tracker: Tracker, call: Callable[[], object], error: type[errors.ExchangeError]
) -> str:
    """Run a call that must be refused with ``error``, leaving every table unchanged;
    return its one-line message."""
    before = dump(tracker.backend)
    with pytest.raises(error) as raised:
        call()
    message = str(raised.value)
    assert message and "\n" not in message and "Traceback" not in message
    assert dump(tracker.backend) == before
    return message


def _chain_holds(secondment: Secondment, first_end: dt.date) -> None:
    """Each extension starts where the previous one (or the first plan) ended, and the
    last one ends where the secondment now ends."""
    previous = first_end
    for step in secondment.extensions:
        assert step.previous_end == previous < step.new_end
        previous = step.new_end
    assert previous == secondment.ends_on
    assert secondment.planned_end == first_end


# -- 1. extending --------------------------------------------------------------------------


def test_extend_moves_the_end_and_keeps_the_earlier_one(tracker: Tracker) -> None:
    s = _setting(tracker)
    secondment = _second(tracker, s)
    once = tracker.extend(
        secondment, to="2026-01-31", reason="期末考试后返回", decided_on="2025-12-01"
    )
    assert once.ends_on == dt.date(2026, 1, 31)
    assert once.extensions == (
        Extension(
            previous_end=END,
            new_end=dt.date(2026, 1, 31),
            decided_on=dt.date(2025, 12, 1),
            reason="期末考试后返回",
        ),
    )
    assert once.planned_end == END
    tracker.approve(secondment)
    tracker.start(secondment)
    twice = tracker.extend(secondment, to=dt.date(2026, 7, 10), reason="完成一学年")
    assert twice.ends_on == dt.date(2026, 7, 10)
    assert twice.extensions[0] == once.extensions[0]
    assert twice.extensions[1] == Extension(
        previous_end=dt.date(2026, 1, 31), new_end=dt.date(2026, 7, 10), reason="完成一学年"
    )
    assert twice.planned_end == END
    _chain_holds(twice, END)
    assert tracker.get(Secondment, secondment.id or 0) == twice
    done = tracker.complete(secondment)
    assert tracker.days_served(done) == (dt.date(2026, 7, 10) - START).days + 1
    assert tracker.days_served(done, as_of=dt.date(2026, 1, 1)) == 123


def test_an_extended_secondment_holds_the_teacher_for_the_longer_period(
    tracker: Tracker,
) -> None:
    s = _setting(tracker)
    first = _second(tracker, s)
    tracker.approve(first)
    tracker.extend(first, to="2026-01-31", reason="延期")
    later = tracker.second(
        s.teacher, s.other_host, kind="送教", starts_on="2026-01-20", ends_on="2026-01-25"
    )
    message = _refused(tracker, lambda: tracker.approve(later), errors.RuleViolation)
    assert "from 2025-09-01 to 2026-01-31" in message
    assert tracker.whereabouts(s.teacher, "2026-01-31") == tracker.get(Secondment, first.id or 0)


# -- 2. what extending refuses -------------------------------------------------------------


@pytest.mark.parametrize("to", ["2025-12-31", "2025-12-30", "2025-09-01"])
def test_an_extension_must_end_after_the_current_end(tracker: Tracker, to: str) -> None:
    s = _setting(tracker)
    secondment = _second(tracker, s)
    message = _refused(
        tracker, lambda: tracker.extend(secondment, to=to, reason="x"), errors.InvalidRecord
    )
    assert message.startswith(f"secondment {secondment.id}: ")
    assert f"must end after 2025-12-31, not on {to}" in message


def test_an_extension_to_a_day_that_does_not_exist_names_the_secondment(
    tracker: Tracker,
) -> None:
    s = _setting(tracker)
    secondment = _second(tracker, s)
    message = _refused(
        tracker,
        lambda: tracker.extend(secondment, to="2026-02-30", reason="x"),
        errors.InvalidRecord,
    )
    assert message.startswith(f"secondment {secondment.id}: ") and "2026-02-30" in message


def _completed(t: Tracker, s: Secondment) -> Secondment:
    t.approve(s)
    t.start(s)
    return t.complete(s)


def _cancelled(t: Tracker, s: Secondment) -> Secondment:
    return t.cancel(s, reason="改派")


def _withdrawn(t: Tracker, s: Secondment) -> Secondment:
    t.approve(s)
    t.start(s)
    return t.withdraw(s, reason="家庭原因", returned_on="2025-11-15")


@pytest.mark.parametrize("finish", [_completed, _cancelled, _withdrawn])
def test_a_finished_secondment_cannot_be_extended(
    tracker: Tracker, finish: Callable[[Tracker, Secondment], Secondment]
) -> None:
    s = _setting(tracker)
    secondment = tracker.extend(_second(tracker, s), to="2026-01-15", reason="延期")
    finished = finish(tracker, secondment)
    message = _refused(
        tracker,
        lambda: tracker.extend(finished, to="2026-03-01", reason="再延期"),
        errors.RuleViolation,
    )
    status = finished.status
    assert f"secondment {secondment.id} is {status.value} ({status.zh})" in message
    assert "can no longer be extended" in message


Rewrite = Callable[[Secondment], Secondment]

HISTORY_REWRITES: dict[str, tuple[Rewrite, type[errors.ExchangeError]]] = {
    "another reason": (
        lambda c: attrs.evolve(
            c, extensions=(attrs.evolve(c.extensions[0], reason="改写的理由"), c.extensions[1])
        ),
        errors.RuleViolation,
    ),
    "another decision day": (
        lambda c: attrs.evolve(
            c, extensions=(c.extensions[0], attrs.evolve(c.extensions[1], decided_on="2025-01-01"))
        ),
        errors.RuleViolation,
    ),
    "the last one dropped": (
        lambda c: attrs.evolve(c, extensions=c.extensions[:1], ends_on=c.extensions[0].new_end),
        errors.RuleViolation,
    ),
    "all dropped": (
        lambda c: attrs.evolve(c, extensions=(), ends_on=c.planned_end),
        errors.RuleViolation,
    ),
    "merged into one": (
        lambda c: attrs.evolve(c, extensions=(attrs.evolve(c.extensions[0], new_end=c.ends_on),)),
        errors.RuleViolation,
    ),
    # the record itself refuses this one: its last extension must end on its end
    "the end moved without an extension": (
        lambda c: attrs.evolve(c, ends_on="2026-05-01"),
        errors.InvalidRecord,
    ),
}


@pytest.mark.parametrize("case", sorted(HISTORY_REWRITES))
def test_extension_history_cannot_be_rewritten(tracker: Tracker, case: str) -> None:
    s = _setting(tracker)
    secondment = _second(tracker, s)
    tracker.extend(secondment, to="2026-01-31", reason="延期", decided_on="2025-12-01")
    current = tracker.extend(secondment, to="2026-03-31", reason="再延期")
    rewrite, error = HISTORY_REWRITES[case]
    message = _refused(tracker, lambda: tracker.update(rewrite(current)), error)
    if error is errors.RuleViolation:
        assert f"secondment {secondment.id}: its extensions are history" in message
    else:
        assert "its last extension ends 2026-03-31" in message
    assert tracker.get(Secondment, secondment.id or 0) == current


def test_a_first_extension_by_update_must_start_from_the_current_end(tracker: Tracker) -> None:
    s = _setting(tracker)
    secondment = _second(tracker, s)
    skipped = attrs.evolve(
        secondment,
        ends_on="2026-03-01",
        extensions=[Extension(previous_end="2026-01-01", new_end="2026-03-01", reason="x")],
    )
    message = _refused(tracker, lambda: tracker.update(skipped), errors.RuleViolation)
    assert f"secondment {secondment.id} ends 2025-12-31" in message
    assert "not 2026-01-01" in message
    # the same extension made properly through update is accepted
    proper = attrs.evolve(
        secondment,
        ends_on="2026-03-01",
        extensions=[Extension(previous_end=END, new_end="2026-03-01", reason="x")],
    )
    assert tracker.update(proper).planned_end == END


@pytest.mark.parametrize("status", [S.APPROVED, S.ACTIVE])
def test_an_extension_overlapping_another_held_secondment_is_refused(
    tracker: Tracker, status: S
) -> None:
    s = _setting(tracker)
    secondment = _second(tracker, s)
    tracker.approve(secondment)
    if status is S.ACTIVE:
        tracker.start(secondment)
    other = tracker.second(
        s.teacher, s.other_host, kind="送教", starts_on="2026-02-01", ends_on="2026-02-10"
    )
    tracker.approve(other)
    message = _refused(
        tracker,
        lambda: tracker.extend(secondment, to="2026-02-01", reason="延期"),
        errors.RuleViolation,
    )
    assert f"溆浦一中 from 2026-02-01 to 2026-02-10 (secondment {other.id})" in message
    assert "overlaps 2025-09-01 to 2026-02-01" in message
    # up to the day before is fine
    assert tracker.extend(secondment, to="2026-01-31", reason="延期").ends_on.day == 31


def test_a_proposed_secondment_may_be_extended_over_another_but_not_approved(
    tracker: Tracker,
) -> None:
    s = _setting(tracker)
    other = tracker.second(
        s.teacher, s.other_host, kind="送教", starts_on="2026-02-01", ends_on="2026-02-10"
    )
    tracker.approve(other)
    secondment = tracker.extend(_second(tracker, s), to="2026-02-05", reason="延期")
    _refused(tracker, lambda: tracker.approve(secondment), errors.RuleViolation)


def test_the_first_planned_end_is_not_before_the_start(tracker: Tracker) -> None:
    s = _setting(tracker)
    with pytest.raises(errors.InvalidRecord):
        tracker.add(
            Secondment(
                teacher_id=s.teacher.id,
                host_school_id=s.host.id,
                kind="visit",
                starts_on="2030-01-01",
                ends_on="2030-02-01",
                extensions=[Extension(previous_end="2029-12-10", new_end="2030-02-01")],
            )
        )


# -- 3. property: the chain holds whatever the order --------------------------------------

ACTIONS = ["extend"] * 4 + ["approve"] * 2 + ["start"] * 2 + ["complete", "withdraw", "cancel"]
STEPS = st.lists(
    st.tuples(st.sampled_from(ACTIONS), st.integers(0, 200)),
    min_size=1,
    max_size=12,
)


def _days_served(secondment: Secondment, as_of: dt.date | None = None) -> int:
    """Brute force: count the days from the start to the actual (extended) end."""
    if secondment.status not in SERVED:
        return 0
    last = secondment.returned_on or secondment.ends_on
    day, served = secondment.starts_on, 0
    while day <= last and (as_of is None or day <= as_of):
        served, day = served + 1, day + dt.timedelta(days=1)
    return served


def _may_become(current: Secondment, status: S) -> bool:
    """The lifecycle allows the move (the operations refuse repeating one)."""
    return status in TRANSITIONS[current.status]


@pytest.mark.parametrize("kind", BACKENDS)
@settings(max_examples=30)
@given(
    steps=STEPS,
    other_start=st.integers(0, 120),  # another secondment's start, days after END
    as_of=st.integers(0, 250),
)
def test_extensions_chain_whatever_the_order(
    kind: str, steps: list[tuple[str, int]], other_start: int, as_of: int
) -> None:
    with _fresh(kind) as tracker:
        s = _setting(tracker)
        other_begins = END + dt.timedelta(days=other_start + 1)
        other = tracker.second(
            s.teacher,
            s.other_host,
            kind="送教",
            starts_on=other_begins,
            ends_on=other_begins + dt.timedelta(days=5),
        )
        tracker.approve(other)
        secondment = _second(tracker, s)
        for action, days in steps:
            current = tracker.get(Secondment, secondment.id or 0)
            expected: bool  # whether the step must be accepted
            if action == "extend":
                days %= 61
                new_end = current.ends_on + dt.timedelta(days=days)
                expected = (
                    days > 0
                    and current.status in EXTENDABLE
                    and (current.status not in HOLDING or new_end < other_begins)
                )

                def call(to: dt.date = new_end) -> object:
                    return tracker.extend(secondment, to=to, reason="延期")

            elif action == "withdraw":
                back = START + dt.timedelta(days=days)
                # withdrawn again: see test_withdrawing_twice_is_refused
                expected = _may_become(current, S.WITHDRAWN) and back < current.ends_on

                def call(back: dt.date = back) -> object:
                    return tracker.withdraw(secondment, reason="家庭原因", returned_on=back)

            else:
                target = {
                    "approve": S.APPROVED,
                    "start": S.ACTIVE,
                    "complete": S.COMPLETED,
                    "cancel": S.CANCELLED,
                }[action]
                expected = _may_become(current, target) and (
                    target is not S.APPROVED or current.ends_on < other_begins
                )

                def call(a: str = action) -> object:
                    if a == "cancel":
                        return tracker.cancel(secondment, reason="改派")
                    move: Callable[[Secondment], object] = getattr(tracker, a)
                    return move(secondment)

            before = dump(tracker.backend)
            try:
                call()
                assert expected, f"{action} {days} should have been refused"
                event(f"{action} accepted")
            except errors.ExchangeError as refused:
                assert not expected, f"{action} {days} refused: {refused}"
                assert "\n" not in str(refused)
                assert dump(tracker.backend) == before
            after = tracker.get(Secondment, secondment.id or 0)
            _chain_holds(after, END)
            day = START + dt.timedelta(days=as_of)
            assert tracker.days_served(after) == _days_served(after)
            assert tracker.days_served(after, as_of=day) == _days_served(after, day)
        event(f"extensions: {len(after.extensions)}, {after.status.value}")


def test_withdrawing_twice_is_refused(tracker: Tracker) -> None:
    s = _setting(tracker)
    secondment = _withdrawn(tracker, _second(tracker, s))
    served = tracker.days_served(secondment)
    _refused(
        tracker,
        lambda: tracker.withdraw(secondment, reason="另一个理由", returned_on="2025-12-01"),
        errors.RuleViolation,
    )
    assert tracker.days_served(secondment) == served


# -- 4. round trip -------------------------------------------------------------------------


def test_extensions_read_back_equal_from_a_reopened_sqlite_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'extensions.db'}"
    with Tracker.open(url) as tracker:
        s = _setting(tracker)
        secondment = _second(tracker, s, ref="S-1")
        tracker.approve(secondment)
        tracker.extend(
            secondment, to="2026-01-31", reason="期末考试后返回", decided_on="2025-12-01"
        )
        tracker.start(secondment)
        stored = tracker.extend(secondment, to="2026-07-10", reason="完成一学年 ✓")
        listed = list(tracker.find(Secondment))
    with Tracker.open(url) as reopened:
        back = reopened.get(Secondment, "S-1")
        assert back == stored
        assert back.extensions == stored.extensions and len(back.extensions) == 2
        assert back.extensions[0].decided_on == dt.date(2025, 12, 1)
        assert back.extensions[1].decided_on is None
        assert back.planned_end == END
        assert list(reopened.find(Secondment)) == listed
        # and the history still cannot be rewritten after the round trip
        _refused(
            reopened,
            lambda: reopened.update(attrs.evolve(back, extensions=back.extensions[:1])),
            errors.ExchangeError,
        )
