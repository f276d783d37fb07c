"""The lifecycles written out by hand: every allowed and every forbidden move.

The tables below are the oracle. They are typed from DESIGN.md §4 ("proposed →
approved → active → completed, or cancelled / withdrawn with a reason") and the
mentor pair rules, never built from ``exchange.lifecycle``'s own tables, so a
wrong entry there fails here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pytest

from exchange import (
    Mentorship,
    MentorshipStatus,
    School,
    Secondment,
    SecondmentStatus,
    Tracker,
    errors,
)
from exchange.lifecycle import check_mentorship, check_transition, holds_place, require_move
from exchange.models import Extension
from exchange.timeline import days_served

S = SecondmentStatus
M = MentorshipStatus

# Rows: from; columns: to (in the same order); "Y" allowed, "." forbidden.
SECONDMENT_MOVES = """
            proposed approved active completed cancelled withdrawn
proposed        .       Y       .       .         Y         .
approved        .       .       Y       .         Y         .
active          .       .       .       Y         .         Y
completed       .       .       .       .         .         .
cancelled       .       .       .       .         .         .
withdrawn       .       .       .       .         .         .
"""

MENTORSHIP_MOVES = """
            active completed ended
active         .       Y       Y
completed      .       .       .
ended          .       .       .
"""


def _table(text: str) -> dict[tuple[str, str], bool]:
    header, *rows = (line.split() for line in text.strip().splitlines())
    return {
        (row[0], to): mark == "Y" for row in rows for to, mark in zip(header, row[1:], strict=True)
    }


def _secondment(status: S, **changes: Any) -> Secondment:
    fields: dict[str, Any] = {
        "id": 7,
        "teacher_id": 1,
        "host_school_id": 2,
        "kind": "visit",
        "status": status,
        "starts_on": "2025-01-01",
        "ends_on": "2025-03-01",
        "reason": "调动" if status in (S.CANCELLED, S.WITHDRAWN) else "",
        "returned_on": "2025-02-01" if status is S.WITHDRAWN else None,
    }
    return Secondment(**{**fields, **changes})


def _pair(status: M, **changes: Any) -> Mentorship:
    fields: dict[str, Any] = {
        "id": 4,
        "mentor_id": 1,
        "mentee_id": 2,
        "programme": "名师工作室",
        "starts_on": "2025-01-01",
        "status": status,
        "ends_on": None if status is M.ACTIVE else "2025-06-30",
        "reason": "调离" if status is M.ENDED else "",
    }
    return Mentorship(**{**fields, **changes})


def test_the_tables_cover_every_status() -> None:
    assert {a for a, _ in _table(SECONDMENT_MOVES)} == {s.value for s in S}
    assert {a for a, _ in _table(MENTORSHIP_MOVES)} == {m.value for m in M}


ALLOWED_NAMES = {
    "proposed": "approved, cancelled",
    "approved": "active, cancelled",
    "active": "completed, withdrawn",
}


@pytest.mark.parametrize(("before", "after"), sorted(_table(SECONDMENT_MOVES)))
def test_every_secondment_move(before: str, after: str) -> None:
    record, allowed = _secondment(S(before)), _table(SECONDMENT_MOVES)[before, after]
    if allowed:
        require_move(record, S(after))
        return
    names = ALLOWED_NAMES.get(before, "nothing")
    word = "is already" if before == after else "is"
    with pytest.raises(errors.RuleViolation, match=rf"^secondment 7 {word} {before} ") as refused:
        require_move(record, S(after))
    assert str(refused.value).endswith(f"; allowed: {names}")
    if before != after:
        assert f"cannot become {after} (" in str(refused.value)


@pytest.mark.parametrize(("before", "after"), sorted(_table(MENTORSHIP_MOVES)))
def test_every_mentorship_move(before: str, after: str) -> None:
    record, allowed = _pair(M(before)), _table(MENTORSHIP_MOVES)[before, after]
    if allowed:
        require_move(record, M(after))
        check_mentorship(record, _pair(M(after)))
        return
    names = "completed, ended" if before == "active" else "nothing"
    with pytest.raises(errors.RuleViolation) as refused:
        require_move(record, M(after))
    assert str(refused.value).startswith("mentorship 4 is ")
    assert str(refused.value).endswith(f"; allowed: {names}")


@pytest.mark.parametrize("status", list(S))
def test_keeping_the_status_is_an_edit_not_a_move(status: S) -> None:
    require_move(_secondment(status), status, repeat_ok=True)
    check_transition(_secondment(status), _secondment(status, kind="support"))


# Which statuses hold the teacher's place, and which have days served (DESIGN.md §4).
HOLDS = {"proposed": False, "approved": True, "active": True}
HOLDS |= {"completed": False, "cancelled": False, "withdrawn": False}
SERVED_DAYS = {"proposed": 0, "approved": 0, "active": 60, "completed": 60}
SERVED_DAYS |= {"cancelled": 0, "withdrawn": 32}  # 2025-01-01 .. 2025-02-01


@pytest.mark.parametrize("status", list(S))
def test_which_statuses_hold_a_place_and_count_days(status: S) -> None:
    assert holds_place(_secondment(status)) is HOLDS[status.value]
    assert days_served(_secondment(status)) == SERVED_DAYS[status.value]


@pytest.mark.parametrize("status", [S.CANCELLED, S.WITHDRAWN])
def test_a_cancellation_or_withdrawal_needs_a_reason(status: S) -> None:
    with pytest.raises(
        errors.InvalidRecord, match=rf"^secondment 7: give a reason when it is {status.value}$"
    ):
        check_transition(None, _secondment(status, reason=""))
    with pytest.raises(errors.InvalidRecord, match=r"^secondment: give a reason"):
        check_transition(None, _secondment(status, reason="", id=None))


@pytest.mark.parametrize(
    ("returned_on", "refused"),
    [(None, True), ("2025-03-01", True), ("2025-02-28", False)],
)
def test_a_withdrawal_needs_a_return_day_before_the_planned_end(
    returned_on: str | None, refused: bool
) -> None:
    record = _secondment(S.WITHDRAWN, returned_on=returned_on)
    if not refused:
        check_transition(None, record)
        return
    with pytest.raises(errors.InvalidRecord, match=r"before the planned end 2025-03-01$"):
        check_transition(None, record)


def test_a_withdrawal_after_the_planned_end_is_refused_as_a_record() -> None:
    with pytest.raises(errors.InvalidRecord, match=r"return 2025-03-02 is after the planned end"):
        _secondment(S.WITHDRAWN, returned_on="2025-03-02")


@pytest.mark.parametrize("status", [S.PROPOSED, S.APPROVED, S.ACTIVE, S.COMPLETED])
def test_other_statuses_need_no_reason(status: S) -> None:
    check_transition(None, _secondment(status, reason=""))


def test_an_early_end_needs_a_reason_and_a_day_and_a_completion_a_day() -> None:
    with pytest.raises(
        errors.InvalidRecord, match=r"^mentorship 4: give a reason when it ends early$"
    ):
        check_mentorship(None, _pair(M.ENDED, reason=""))
    with pytest.raises(errors.InvalidRecord, match=r"^mentorship: give a reason"):
        check_mentorship(None, _pair(M.ENDED, reason="", id=None))
    for status in (M.COMPLETED, M.ENDED):
        with pytest.raises(
            errors.InvalidRecord, match=rf"^mentorship 4: give the day it was {status.value}$"
        ):
            check_mentorship(None, _pair(status, ends_on=None))
    check_mentorship(None, _pair(M.ACTIVE, ends_on=None, reason=""))
    check_mentorship(None, _pair(M.COMPLETED, reason=""))
    check_mentorship(_pair(M.ACTIVE), _pair(M.ACTIVE, programme="百千万工程"))


# -- extensions, through the tracker on a store with other records --------------------


def _tracker_with(status: S) -> tuple[Tracker, Secondment]:
    tracker = Tracker.open("memory:")
    home = tracker.add(School(name="长郡中学", region="长沙市", stage="高中"))
    host = tracker.add(School(name="新晃一中", region="怀化市新晃县", stage="高中"))
    from exchange import Teacher

    teacher = tracker.add(Teacher(name="李老师", school_id=home.id))
    record = tracker.add(
        _secondment(status, id=None, teacher_id=teacher.id, host_school_id=host.id)
    )
    return tracker, record


EXTENDABLE = {"proposed": True, "approved": True, "active": True}
EXTENDABLE |= {"completed": False, "cancelled": False, "withdrawn": False}


@pytest.mark.parametrize("status", list(S))
def test_which_statuses_may_be_extended(status: S) -> None:
    tracker, record = _tracker_with(status)
    with tracker:
        if EXTENDABLE[status.value]:
            done = tracker.extend(record, to="2025-04-01", reason="续派")
            assert (done.ends_on, done.extensions[0].previous_end) == (
                dt.date(2025, 4, 1),
                dt.date(2025, 3, 1),
            )
            return
        with pytest.raises(
            errors.RuleViolation, match=rf"is {status.value} .* can no longer be extended"
        ):
            tracker.extend(record, to="2025-04-01", reason="续派")


def test_extension_history_and_its_first_day_word_for_word() -> None:
    tracker, record = _tracker_with(S.APPROVED)
    with tracker:
        late = Extension(
            previous_end=dt.date(2025, 2, 15), new_end=dt.date(2025, 4, 1), reason="续"
        )
        with pytest.raises(errors.RuleViolation) as refused:
            tracker.update(attrs.evolve(record, extensions=(late,), ends_on=late.new_end))
        assert str(refused.value) == (
            f"secondment {record.id} ends 2025-03-01; an extension must start from that day, "
            "not 2025-02-15"
        )
        extended = tracker.extend(record, to="2025-04-01", reason="续派")
        with pytest.raises(errors.RuleViolation) as refused:
            tracker.update(attrs.evolve(extended, extensions=(), ends_on=dt.date(2025, 4, 1)))
        assert str(refused.value) == (
            f"secondment {record.id}: its extensions are history and cannot change"
        )


def test_a_finished_secondment_cannot_be_extended_word_for_word() -> None:
    tracker, record = _tracker_with(S.COMPLETED)
    with tracker, pytest.raises(errors.RuleViolation) as refused:
        tracker.extend(record, to="2025-04-01", reason="续派")
    assert str(refused.value) == (
        f"secondment {record.id} is completed (已完成) and can no longer be extended"
    )


def test_a_withdrawal_without_a_return_day_word_for_word() -> None:
    with pytest.raises(errors.InvalidRecord) as refused:
        check_transition(None, _secondment(S.WITHDRAWN, returned_on=None))
    assert str(refused.value) == (
        "secondment 7: a withdrawal needs the actual return date, before the planned end 2025-03-01"
    )
