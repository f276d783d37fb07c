"""Every integrity rule in exchange.rules, on a populated store, with its exact message
and its boundary: the last day that is still allowed and the first that is not.

The store is :func:`exchange.testing.examples.programme` (ids as its docstring says):
schools 1 惠阳区半岛学校, 2 贞丰县第五中学, 3 贞丰县龙场中心小学; teachers 1 李老师
(school 1), 2 王老师 and 3 张老师😀 (school 2); pairing 1 (1 → 2, signed 2024-12-01,
partnership 1); secondment 1 (teacher 1 at school 2, 2025-03-01 to 2025-07-15,
proposed); programme 百千万 (capacity 10); mentorship 1 (teacher 1 → 2 from
2025-01-01); meeting 1 on 2025-03-12; participation 1 (teacher 2 in activity 3);
rubric 1 and assessment 1 (贞丰县教育局, 2025); allocation 1 (¥100,000 for 2025) with
expenses of ¥1,234.56 and ¥0.01, so ¥98,765.43 is left.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import attrs
import pytest
from conftest import programme_tracker

from exchange import (
    Activity,
    Allocation,
    Application,
    Assessment,
    Expense,
    Grant,
    Meeting,
    Mentorship,
    Pairing,
    Participation,
    Partnership,
    Programme,
    School,
    Secondment,
    Teacher,
    Tracker,
    errors,
)


@pytest.fixture
def tracker() -> Iterator[Tracker]:
    with programme_tracker("memory:") as tracker:
        yield tracker


def _refused(
    tracker: Tracker, record: object, error: type[Exception] = errors.RuleViolation
) -> str:
    with pytest.raises(error) as caught:
        tracker.add(record)  # type: ignore[arg-type]
    return str(caught.value)


def _secondment(**changes: object) -> Secondment:
    fields: dict[str, object] = {
        "teacher_id": 1,
        "host_school_id": 3,
        "kind": "visit",
        "status": "approved",
        "starts_on": "2025-09-01",
        "ends_on": "2025-09-30",
    }
    return Secondment(**{**fields, **changes})  # type: ignore[arg-type]


def test_a_repeated_ref_names_the_holder(tracker: Tracker) -> None:
    copy = School(name="另一所", region="贞丰县", stage="初中", ref="ZF-5")
    assert _refused(tracker, copy, errors.DuplicateRef) == (
        "school ref 'ZF-5' is already used by school 2 (贞丰县第五中学)"
    )


def test_a_missing_link_names_the_field(tracker: Tracker) -> None:
    assert _refused(tracker, Teacher(name="新", school_id=99), errors.NotFound) == (
        "teacher school_id names school 99, which does not exist"
    )


def test_a_teacher_is_not_seconded_to_the_own_school(tracker: Tracker) -> None:
    assert _refused(tracker, _secondment(host_school_id=1)) == (
        "李老师 cannot be seconded to school 1 (惠阳区半岛学校): it is the teacher's own school"
    )


def test_a_pairing_and_a_partnership_must_agree(tracker: Tracker) -> None:
    other = tracker.add(
        Partnership(name="长沙—怀化", supporting_region="长沙市", supported_region="怀化市")
    )
    assert _refused(tracker, _secondment(pairing_id=1, partnership_id=other.id)) == (
        "secondment names partnership 2, but its pairing 1 belongs to partnership 1"
    )
    tracker.add(_secondment(pairing_id=1, partnership_id=1))


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "clash"),
    [
        ("2025-07-15", "2025-07-20", True),  # starts on the other's last day
        ("2025-02-20", "2025-03-01", True),  # ends on the other's first day
        ("2025-07-16", "2025-07-20", False),
        ("2025-02-20", "2025-02-28", False),
    ],
)
def test_held_secondments_do_not_share_a_day(
    tracker: Tracker, starts_on: str, ends_on: str, clash: bool
) -> None:
    tracker.approve(1)
    record = _secondment(starts_on=starts_on, ends_on=ends_on)
    if not clash:
        tracker.add(record)
        return
    assert _refused(tracker, record) == (
        "teacher 1 is already seconded to 贞丰县第五中学 from 2025-03-01 to 2025-07-15 "
        f"(secondment 1), which overlaps {starts_on} to {ends_on}"
    )


def test_held_secondments_in_one_load_do_not_share_a_day(tracker: Tracker) -> None:
    first, second = _secondment(), _secondment(starts_on="2025-09-30", ends_on="2025-10-05")
    with pytest.raises(errors.RuleViolation) as caught:
        tracker.bulk_add([first, second])
    said = str(caught.value)
    # memory: and sqlite: store each row as it streams in, so the first is "secondment 2"
    # by the time the second is checked; a backend that stores at the end says "earlier
    # in this load".
    assert said.startswith(
        "teacher 1 is already seconded to 贞丰县龙场中心小学 from 2025-09-01 to 2025-09-30 ("
    )
    assert said.endswith("), which overlaps 2025-09-30 to 2025-10-05")
    assert tracker.count(Secondment) == 1


def test_held_secondments_of_two_teachers_in_one_load_may_share_days(tracker: Tracker) -> None:
    tracker.bulk_add([_secondment(), _secondment(teacher_id=2)])  # the same days, each teacher
    assert tracker.count(Secondment) == 3


def test_an_update_does_not_clash_with_itself(tracker: Tracker) -> None:
    held = tracker.approve(1)
    tracker.update(attrs.evolve(held, post="教研组长"))


def test_one_assessment_per_rubric_target_period_and_assessor(tracker: Tracker) -> None:
    again = Assessment(
        rubric_id=1,
        target_id=1,
        period="2025",
        assessor="贞丰县教育局",
        assessed_on=dt.date(2025, 7, 21),
        scores={"teaching": 90, "service": 90},
    )
    assert _refused(tracker, again) == (
        "贞丰县教育局 already assessed secondment 1 for 2025 under rubric '支教教师考核' "
        "(assessment 1)"
    )
    tracker.add(attrs.evolve(again, period="2026"))
    tracker.add(attrs.evolve(again, assessor="惠阳区教育局"))
    assert _refused(tracker, attrs.evolve(again, target_id=9), errors.NotFound) == (
        "assessment target_id names secondment 9, which does not exist"
    )


def _expense(amount: str, **changes: object) -> Expense:
    fields = {"allocation_id": 1, "spent_on": dt.date(2025, 6, 1), "category": "travel"}
    return Expense(amount=Decimal(amount), **{**fields, **changes})  # type: ignore[arg-type]


def test_spending_exactly_what_is_left_is_allowed(tracker: Tracker) -> None:
    assert _refused(tracker, _expense("98765.44"), errors.OverBudget) == (
        "expense of ¥98,765.44 exceeds what is left of the 2025 allocation 1 "
        "(¥98,765.43 of ¥100,000.00); approve the overspend explicitly to record it"
    )
    tracker.add(_expense("98765.44", overspend_approved=True))
    tracker.delete(Expense, 3)
    last = tracker.add(_expense("98765.43"))
    tracker.update(attrs.evolve(last, description="差旅"))  # it is left out of what is spent


@pytest.mark.parametrize(("day", "inside"), [("2025-01-01", True), ("2025-12-31", True)])
def test_an_expense_is_dated_in_its_allocation_year(
    tracker: Tracker, day: str, inside: bool
) -> None:
    tracker.add(_expense("1", spent_on=dt.date.fromisoformat(day)))
    for outside in ("2024-12-31", "2026-01-01"):
        assert _refused(tracker, _expense("1", spent_on=dt.date.fromisoformat(outside))) == (
            f"expense dated {outside} is outside the year of allocation 1 (2025)"
        )


def _pair(mentor: int, mentee: int, **changes: object) -> Mentorship:
    fields = {"programme": "百千万", "starts_on": dt.date(2025, 1, 1)}
    return Mentorship(mentor_id=mentor, mentee_id=mentee, **{**fields, **changes})  # type: ignore[arg-type]


def test_a_mentor_capacity_is_reached_exactly(tracker: Tracker) -> None:
    tracker.update(attrs.evolve(tracker.get(Programme, 1), mentor_capacity=2))
    tracker.add(_pair(1, 3))  # the second mentee: exactly the capacity
    extra = tracker.add(Teacher(name="新老师", school_id=2))
    assert _refused(tracker, _pair(1, extra.id)) == (
        "teacher 1 would mentor 3 teachers across all programmes; programme '百千万' "
        "allows a mentor at most 2"
    )
    tracker.add(_pair(1, extra.id, status="ended", ends_on="2025-02-01", reason="调离"))


def test_a_capacity_below_a_mentor_load_is_refused(tracker: Tracker) -> None:
    tracker.add(_pair(1, 3))  # teacher 1 now mentors teachers 2 and 3
    tracker.update(attrs.evolve(tracker.get(Programme, 1), mentor_capacity=2))  # exactly 2
    with pytest.raises(errors.RuleViolation) as caught:
        tracker.update(attrs.evolve(tracker.get(Programme, 1), mentor_capacity=1))
    assert str(caught.value) == (
        "programme '百千万' cannot allow a mentor only 1 mentees: teacher 1 already mentors 2"
    )
    assert _refused(tracker, Programme(name="百千万")) == (
        "programme '百千万' already exists (programme 1)"
    )


def test_a_meeting_lies_within_its_pair_and_is_confirmed_by_the_mentee(
    tracker: Tracker,
) -> None:
    meeting = Meeting(mentorship_id=1, held_on=dt.date(2025, 1, 1), minutes=30, kind="observation")
    stored = tracker.add(meeting)  # on the first day
    assert _refused(tracker, attrs.evolve(meeting, held_on=dt.date(2024, 12, 31))) == (
        "meeting on 2024-12-31 is outside mentorship 1, which runs from 2025-01-01 to now"
    )
    assert _refused(tracker, attrs.evolve(meeting, confirmed_by=2)) == (
        "a meeting of mentorship 1 is logged unconfirmed; its mentee, teacher 2, confirms it "
        "afterwards"
    )
    with pytest.raises(errors.RuleViolation) as caught:
        tracker.update(attrs.evolve(stored, confirmed_by=3))
    assert str(caught.value) == (
        "meeting of mentorship 1 can only be confirmed by its mentee, teacher 2, not teacher 3"
    )
    done = tracker.complete_mentorship(1, on="2025-03-12")  # the last meeting's day
    assert done.ends_on == dt.date(2025, 3, 12)
    assert _refused(tracker, attrs.evolve(meeting, held_on=dt.date(2025, 3, 13))) == (
        "meeting on 2025-03-13 is outside mentorship 1, which runs from 2025-01-01 to 2025-03-12"
    )


def test_a_pair_keeps_its_meetings_inside_its_dates(tracker: Tracker) -> None:
    pair = tracker.get(Mentorship, 1)
    with pytest.raises(errors.RuleViolation) as caught:
        tracker.update(attrs.evolve(pair, starts_on=dt.date(2025, 3, 13)))
    assert str(caught.value) == (
        "mentorship 1 cannot run from 2025-03-13 to now: meeting 1 was held on 2025-03-12"
    )
    with pytest.raises(errors.RuleViolation, match="to 2025-03-11: meeting 1 was held"):
        tracker.complete_mentorship(1, on="2025-03-11")


def test_one_participation_and_one_allocation_a_year(tracker: Tracker) -> None:
    assert _refused(tracker, Participation(activity_id=3, teacher_id=2)) == (
        "teacher 2 taking part in activity 3 is already recorded (participation 1)"
    )
    tracker.add(Participation(activity_id=3, teacher_id=3))
    again = Allocation(pairing_id=1, year=2025, amount=Decimal(5))
    assert _refused(tracker, again) == (
        "an allocation to pairing 1 for 2025 is already recorded (allocation 1)"
    )
    tracker.add(attrs.evolve(again, year=2026))


@pytest.mark.parametrize(
    ("signed_on", "sides", "clash"),
    [
        ("2025-06-01", (1, 2), True),
        ("2025-06-01", (2, 1), True),  # whichever side supports
        ("2024-11-30", (1, 2), False),  # the other ended the day before: see below
    ],
)
def test_two_schools_are_paired_once_at_a_time(
    tracker: Tracker, signed_on: str, sides: tuple[int, int], clash: bool
) -> None:
    record = Pairing(
        supporting_school_id=sides[0],
        supported_school_id=sides[1],
        signed_on=dt.date.fromisoformat(signed_on),
    )
    if clash:
        assert _refused(tracker, record) == (
            f"school {sides[0]} ({_name(sides[0])}) and school {sides[1]} ({_name(sides[1])}) "
            "are already paired from 2024-12-01 (pairing 1); the same two schools cannot be "
            "paired twice at once"
        )
        return
    ended = tracker.add(attrs.evolve(record, ended_on=dt.date(2024, 11, 30)))
    assert ended.id == 2  # ends the day before pairing 1 was signed
    assert _refused(tracker, attrs.evolve(record, ended_on=dt.date(2024, 12, 1)))


def _name(school: int) -> str:
    return {1: "惠阳区半岛学校", 2: "贞丰县第五中学"}[school]


@pytest.mark.parametrize(
    ("programme", "said"),
    [
        ("", "an application of teacher 1 for 2026 is already recorded (application 1)"),
        (
            "百千万",
            "an application of teacher 1 to 百千万 for 2026 is already recorded (application 2)",
        ),
    ],
)
def test_a_teacher_applies_once_a_year_to_a_programme(
    tracker: Tracker, programme: str, said: str
) -> None:
    # application 1 is teacher 1's for 2026, to any programme (empty)
    first = Application(teacher_id=1, year=2026, programme=programme, subject="数学")
    if programme:
        assert tracker.add(first).id == 2  # another programme: a second application
    assert _refused(tracker, attrs.evolve(first, subject="语文")) == said
    tracker.add(attrs.evolve(first, year=2027))


def _meeting(**changes: object) -> Meeting:
    fields = {"mentorship_id": 1, "held_on": dt.date(2025, 3, 20), "minutes": 30}
    return Meeting(kind="observation", **{**fields, **changes})  # type: ignore[arg-type]


ONLY_CONFIRMED = "only a confirmed meeting of the same pair is corrected"


def test_a_correction_names_a_confirmed_meeting_of_its_own_pair(tracker: Tracker) -> None:
    unconfirmed = tracker.add(_meeting())  # meeting 2, of mentorship 1
    assert _refused(tracker, _meeting(corrects=unconfirmed.id)) == (
        f"meeting 2 cannot be corrected by a meeting of mentorship 1: {ONLY_CONFIRMED}"
    )
    other = tracker.add(_pair(1, 3))  # mentorship 2
    assert _refused(tracker, _meeting(mentorship_id=other.id, corrects=1)) == (
        f"meeting 1 cannot be corrected by a meeting of mentorship 2: {ONLY_CONFIRMED}"
    )
    tracker.add(_meeting(corrects=1))  # meeting 1 is confirmed and of mentorship 1


@pytest.mark.parametrize(
    ("record", "said"),
    [
        (_meeting(mentorship_id=99), "meeting mentorship_id names mentorship 99"),
        (_meeting(corrects=99), "meeting corrects names meeting 99"),
        (_secondment(teacher_id=99, status="proposed"), "secondment teacher_id names teacher 99"),
        (
            _secondment(pairing_id=99, partnership_id=1, status="proposed"),
            "secondment pairing_id names pairing 99",
        ),
    ],
)
def test_a_missing_link_in_a_bulk_load_names_its_field(
    tracker: Tracker, record: Meeting | Secondment, said: str
) -> None:
    # a bulk load leaves link checks to the rules and the backend; either names the field
    with pytest.raises(errors.NotFound) as caught:
        tracker.bulk_add([record])
    assert str(caught.value) == f"{said}, which does not exist"


@pytest.mark.parametrize(
    ("cls", "holder", "said"),
    [
        (Activity, 3, "activity ref 'R-1' is already used by activity 3 (教师素质能力提升培训班)"),
        (Secondment, 1, "secondment ref 'R-1' is already used by secondment 1"),  # no name
    ],
)
def test_a_repeated_ref_names_the_holder_by_title_or_by_id(
    tracker: Tracker, cls: type[Activity | Secondment], holder: int, said: str
) -> None:
    held = tracker.update(attrs.evolve(tracker.get(cls, holder), ref="R-1"))
    copy = attrs.evolve(held, id=None, revision=0)
    assert _refused(tracker, copy, errors.DuplicateRef) == said


@pytest.mark.parametrize(
    ("grant", "said"),
    [
        (
            Grant(login="管理员", role="coordinator"),
            "the coordinator role of user 管理员 is already recorded (grant 1)",
        ),
        (
            Grant(login="hy-bd", role="school-admin", school_id=1),
            "the school-admin role of user hy-bd is already recorded (grant 2)",
        ),
    ],
)
def test_a_user_holds_a_role_in_one_scope_once(tracker: Tracker, grant: Grant, said: str) -> None:
    # grants 1 (管理员, coordinator) and 2 (hy-bd, school-admin of school 1) are stored
    assert _refused(tracker, grant) == said
    tracker.add(attrs.evolve(grant, archived=True))  # an archived one does not clash
    if grant.school_id is not None:
        tracker.add(attrs.evolve(grant, school_id=2))  # another school
    else:
        tracker.add(attrs.evolve(grant, programme="百千万"))  # one programme only
        assert _refused(tracker, attrs.evolve(grant, programme="百千"), errors.NotFound) == (
            "grant names programme '百千', which is not defined; define it with "
            "`exchange programme add`"
        )


def test_the_smallest_capacity_of_a_mentor_programmes_counts_active_live_pairs(
    tracker: Tracker,
) -> None:
    tracker.add(Programme(name="名师工作室", mentor_capacity=2))
    # teacher 1 mentors teacher 2 in 百千万 (capacity 10) and now teacher 3 in 名师工作室
    second = tracker.add(_pair(1, 3, programme="名师工作室"))
    tracker.update(attrs.evolve(tracker.get(Mentorship, 1), ref="P-1"))  # not counted twice
    extra = tracker.add(Teacher(name="新老师", school_id=2))
    # a third mentee, even in 百千万, breaks 名师工作室's 2 (名 sorts before 百)
    assert _refused(tracker, _pair(1, extra.id)) == (
        "teacher 1 would mentor 3 teachers across all programmes; programme '名师工作室' "
        "allows a mentor at most 2"
    )
    tracker.add(_pair(1, extra.id, archived=True))  # an archived pair is not counted
    tracker.archive(Mentorship, second.id)
    tracker.add(_pair(1, extra.id))  # teachers 2 and 新老师: 2 again


@pytest.mark.parametrize(("signed_on", "clash"), [("2025-05-31", True), ("2025-06-01", False)])
def test_a_pairing_may_follow_one_that_ended_the_day_before(
    tracker: Tracker, signed_on: str, clash: bool
) -> None:
    tracker.update(attrs.evolve(tracker.get(Pairing, 1), ended_on=dt.date(2025, 5, 31)))
    record = Pairing(
        supporting_school_id=1,
        supported_school_id=2,
        signed_on=dt.date.fromisoformat(signed_on),
    )
    if not clash:
        assert tracker.add(record).id == 2
        return
    assert _refused(tracker, record) == (  # pairing 1's last day is 31 May
        "school 1 (惠阳区半岛学校) and school 2 (贞丰县第五中学) are already paired from "
        "2024-12-01 (pairing 1); the same two schools cannot be paired twice at once"
    )


def test_a_lookup_answers_exists_from_the_records_it_read() -> None:
    """Within one check, a record read with ``get`` (found or not) answers ``exists``
    for its id as the store would."""
    from exchange import School
    from exchange.rules import Lookup

    with Tracker.open("memory:") as tracker:
        school = tracker.add(School(name="长郡中学", region="长沙市", stage="高中"))
        lookup = Lookup(tracker.backend)
        assert lookup.get(School, school.id) == school
        assert lookup.get(School, school.id + 1) is None
        assert lookup.exists(School, school.id) is True
        assert lookup.exists(School, school.id + 1) is False
