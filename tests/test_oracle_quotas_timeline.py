"""Quota shares on exact halves and exact cuts, and days served on boundary days.

The figures are worked out by hand in the comments: 1 of 32 is 3.125 % (shown 3.13,
half up), 5 of 32 is 15.625 % (15.63), 8 of 32 is exactly 25 %.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from decimal import Decimal

import attrs
import pytest

from exchange import (
    Activity,
    ActivityKind,
    Pairing,
    Participation,
    Role,
    School,
    Secondment,
    SecondmentStatus,
    Teacher,
    Tracker,
    errors,
)
from exchange.quotas import Quota, QuotaResult, QuotaStatus, evaluate
from exchange.timeline import as_date, at_host, days_served, overlapping, present, whereabouts

S = SecondmentStatus


def _region(exchanged: int, *, staff: int = 32) -> Tracker:
    """A region of ``staff`` teachers, ``exchanged`` of them seconded within 2025."""
    tracker = Tracker.open("memory:")
    home = tracker.add(School(name="贞丰县第五中学", region="贞丰县", stage="初中"))
    host = tracker.add(School(name="惠阳区半岛学校", region="惠阳区", stage="初中"))
    for n in range(staff):
        teacher = tracker.add(Teacher(name=f"教师{n}", school_id=home.id))
        if n < exchanged:
            tracker.add(
                Secondment(
                    teacher_id=teacher.id,
                    host_school_id=host.id,
                    kind="support",
                    status=S.APPROVED,
                    starts_on="2025-03-01",
                    ends_on="2025-07-01",
                )
            )
    return tracker


@pytest.mark.parametrize(
    ("exchanged", "at_least", "share", "status"),
    [
        (1, "3.125", "3.13", QuotaStatus.MET),  # exactly on the cut; an exact half rounds up
        (1, "3.126", "3.13", QuotaStatus.NOT_MET),  # the shown 3.13 plays no part
        (5, "15.625", "15.63", QuotaStatus.MET),
        (8, "25", "25.00", QuotaStatus.MET),
        (7, "25", "21.88", QuotaStatus.NOT_MET),  # 21.875 → 21.88
        (0, "10", "0.00", QuotaStatus.NOT_MET),
        (32, "100", "100.00", QuotaStatus.MET),
    ],
)
def test_exchange_share_on_exact_halves_and_cuts(
    exchanged: int, at_least: str, share: str, status: QuotaStatus
) -> None:
    quota = Quota(key="q", name="交流教师占比", measure="exchange-share", at_least=at_least)
    with _region(exchanged) as tracker:
        [result] = evaluate(tracker, "贞丰县", 2025, [quota])
    assert (result.numerator, result.denominator) == (exchanged, 32)
    assert (str(result.share), result.status) == (share, status)


def test_a_region_without_teachers_has_no_data() -> None:
    quota = Quota(key="q", name="交流教师占比", measure="exchange-share", at_least=10)
    with _region(0, staff=0) as tracker:
        [result] = evaluate(tracker, "贞丰县", 2025, [quota])
    assert (result.status, result.share, result.denominator) == (QuotaStatus.NO_DATA, None, 0)


def _secondment(status: S, **changes: object) -> Secondment:
    fields: dict[str, object] = {
        "teacher_id": 1,
        "host_school_id": 2,
        "kind": "visit",
        "status": status,
        "starts_on": "2025-03-01",
        "ends_on": "2025-03-10",
    }
    return Secondment(**{**fields, **changes})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("as_of", "days"),
    [
        (None, 10),  # 1 March to 10 March, both counted
        ("2025-02-28", 0),  # before the start: none, never negative
        ("2025-03-01", 1),  # the first day counts
        ("2025-03-09", 9),
        ("2025-03-10", 10),
        ("2025-12-31", 10),  # after the end: the whole period
    ],
)
def test_days_served_on_boundary_days(as_of: str | None, days: int) -> None:
    day = dt.date.fromisoformat(as_of) if as_of else None
    assert days_served(_secondment(S.COMPLETED), as_of=day) == days


def test_an_early_return_shortens_the_days() -> None:
    back = _secondment(S.WITHDRAWN, returned_on="2025-03-04", reason="病假")
    assert days_served(back) == 4
    assert days_served(back, as_of=dt.date(2025, 3, 2)) == 2


def test_overlapping_finds_periods_sharing_a_day_by_start() -> None:
    with Tracker.open("memory:") as tracker:
        home = tracker.add(School(name="长郡中学", region="长沙市", stage="高中"))
        host = tracker.add(School(name="新晃一中", region="新晃县", stage="高中"))
        ids = [tracker.add(Teacher(name=f"教师{n}", school_id=home.id)).id for n in range(6)]
        rows = [  # teacher, status, start, end, returned
            (ids[0], S.APPROVED, "2025-03-11", "2025-03-20", None),  # starts the day after
            (ids[1], S.ACTIVE, "2025-02-01", "2025-03-01", None),  # ends on the first day
            (ids[2], S.WITHDRAWN, "2025-02-01", "2025-03-20", "2025-02-28"),  # back before
            (ids[3], S.PROPOSED, "2025-03-05", "2025-03-06", None),  # not counted
            (ids[4], S.COMPLETED, "2025-03-10", "2025-04-01", None),  # starts on the last day
            (ids[5], S.ACTIVE, "2025-01-15", "2025-03-02", None),  # added last, starts first
        ]
        for teacher, status, start, end, returned in rows:
            reason = "病假" if returned else ""
            tracker.add(
                _secondment(
                    status,
                    teacher_id=teacher,
                    host_school_id=host.id,
                    starts_on=start,
                    ends_on=end,
                    returned_on=returned,
                    reason=reason,
                )
            )
        found = overlapping(tracker, dt.date(2025, 3, 1), dt.date(2025, 3, 10))
        assert [s.teacher_id for s in found] == [ids[5], ids[1], ids[4]]


KNOWN = "known measures: exchange-share, backbone-share, trained-coverage, lesson-coverage"
PERCENT = "quota q: at_least must be a percent above 0 and at most 100, such as 10 or '12.5%', not"


@pytest.mark.parametrize(
    ("measure", "at_least", "role", "said"),
    [
        ("nope", 10, None, f"quota q: unknown measure 'nope'; {KNOWN}"),
        (5, 10, None, f"quota q: unknown measure 5; {KNOWN}"),
        (
            "exchange-share",
            10.5,
            None,
            f"{PERCENT} 10.5; write a float such as 10.5 as text, '10.5'",
        ),
        ("exchange-share", "0", None, f"{PERCENT} Decimal('0')"),
        ("exchange-share", "10X", None, f"{PERCENT} '10X'"),
        (
            "exchange-share",
            10,
            "骨干教师",
            "quota q: role applies to trained-coverage and lesson-coverage only",
        ),
    ],
)
def test_what_a_bad_quota_is_told(
    measure: object, at_least: object, role: object, said: str
) -> None:
    with pytest.raises(errors.InvalidRecord) as refused:
        Quota(key="q", name="交流教师占比", measure=measure, at_least=at_least, role=role)  # type: ignore[arg-type]
    assert str(refused.value) == said


def test_a_quota_reads_spaces_and_percent_signs() -> None:
    quota = Quota(key="q", name="n", measure=" exchange-share ", at_least="10 ％")
    assert (quota.measure, quota.at_least) == ("exchange-share", Decimal(10))


def test_a_trained_coverage_line_names_its_role() -> None:
    quota = Quota(key="t", name="n", measure="trained-coverage", at_least=100, role=Role.BACKBONE)
    result = QuotaResult(quota, "贞丰县", 2025, QuotaStatus.MET, 3, 4, Decimal("75.00"))
    assert result.describe() == (
        "t 贞丰县 2025: 3 of 4 backbone teachers at paired schools (75.00 %) ≥ 100 %: met"
    )


def test_what_is_not_a_date() -> None:
    with pytest.raises(errors.InvalidRecord) as refused:
        as_date("2025-13-01")
    assert str(refused.value) == "'2025-13-01' is not a date such as 2025-09-01"


def test_a_period_that_ends_before_it_starts() -> None:
    with Tracker.open("memory:") as tracker, pytest.raises(errors.InvalidRecord) as refused:
        list(overlapping(tracker, dt.date(2025, 3, 10), dt.date(2025, 3, 1)))
    assert str(refused.value) == "the period ends (2025-03-01) before it starts (2025-03-10)"


YEAR_SAID = "year must be a whole number from 1900 to 2999, not"


@pytest.mark.parametrize(
    ("year", "region", "said"),
    [
        (1899, "贞丰县", f"{YEAR_SAID} 1899"),  # the year before the first allowed
        (3000, "贞丰县", f"{YEAR_SAID} 3000"),  # the year after the last allowed
        (True, "贞丰县", f"{YEAR_SAID} True"),  # a bool is not a year
        (2025, 5, "region must be text, not 5"),
        (2025, None, "region must be text, not None"),
    ],
)
def test_what_a_bad_year_or_region_is_told(year: object, region: object, said: str) -> None:
    with _region(0, staff=1) as tracker, pytest.raises(errors.InvalidRecord) as refused:
        evaluate(tracker, region, year)  # type: ignore[arg-type]
    assert str(refused.value) == said


@pytest.mark.parametrize("year", [1900, 2999])
def test_the_first_and_last_years_allowed(year: int) -> None:
    quota = Quota(key="q", name="交流教师占比", measure="exchange-share", at_least=10)
    with _region(1, staff=4) as tracker:
        [result] = evaluate(tracker, "贞丰县", year, [quota])
    # the one secondment is in 2025, so nobody is exchanged in either year: 0 of 4
    assert (result.numerator, result.denominator, str(result.share)) == (0, 4, "0.00")


def test_a_bureau_staff_are_not_eligible() -> None:
    quota = Quota(key="q", name="交流教师占比", measure="exchange-share", at_least=25)
    with _region(1, staff=4) as tracker:
        bureau = tracker.add(School(name="贞丰县教育局", region="贞丰县", kind="bureau"))
        for n in range(4):
            tracker.add(Teacher(name=f"干部{n}", school_id=bureau.id))
        [result] = evaluate(tracker, "贞丰县", 2025, [quota])
    # 1 exchanged of the school's 4 teachers: 25 %, met; the bureau's 4 do not count
    assert (result.numerator, result.denominator, result.status) == (1, 4, QuotaStatus.MET)


def _paired_region() -> Tracker:
    """Schools 2 甲 and 3 乙 of 贞丰县, each paired with school 1 of 惠阳区 for 2025;
    teachers 1–3 psychology teachers at 甲, teacher 4 one at 乙."""
    tracker = Tracker.open("memory:")
    host = tracker.add(School(name="惠阳区半岛学校", region="惠阳区", stage="初中"))
    for name in ("贞丰县甲校", "贞丰县乙校"):
        school = tracker.add(School(name=name, region="贞丰县", stage="初中"))
        tracker.add(
            Pairing(
                supporting_school_id=host.id,
                supported_school_id=school.id,
                signed_on="2024-09-01",
            )
        )
    for n, school_id in enumerate((2, 2, 2, 3)):
        tracker.add(Teacher(name=f"心理{n}", school_id=school_id, roles=(Role.PSYCHOLOGY,)))
    return tracker


def _activity(kind: ActivityKind, held_on: str, **changes: object) -> Activity:
    return Activity(kind=kind, title=f"{kind.value} {held_on}", held_on=held_on, **changes)  # type: ignore[arg-type]


def test_training_counts_on_the_last_day_of_the_year_and_adds_up() -> None:
    quota = Quota(key="t", name="心理教师培训全覆盖", measure="trained-coverage", at_least=50)
    with _paired_region() as tracker:
        held = [("2025-06-01", 1), ("2025-12-31", 2), ("2026-01-01", 3), ("2024-12-31", 4)]
        for day, teacher in held:
            training = tracker.add(_activity(ActivityKind.TRAINING, day))
            tracker.add(Participation(activity_id=training.id, teacher_id=teacher))
        [result] = evaluate(tracker, "贞丰县", 2025, [quota])
    # teachers 1 (1 June) and 2 (31 December, the last day of 2025) trained in 2025;
    # teacher 3's training is on 1 January 2026 and teacher 4's on 31 December 2024:
    # 2 of 4, 50 %
    assert (result.numerator, result.denominator, result.status) == (2, 4, QuotaStatus.MET)


def test_only_a_demonstration_lesson_reaches_a_school() -> None:
    quota = Quota(key="l", name="心理示范课全覆盖", measure="lesson-coverage", at_least=100)
    with _paired_region() as tracker:
        lesson = ActivityKind.DEMONSTRATION_LESSON
        tracker.add(_activity(lesson, "2025-04-02", school_id=2, teacher_id=1))
        tracker.add(_activity(ActivityKind.LECTURE, "2025-04-03", school_id=3, teacher_id=4))
        [result] = evaluate(tracker, "贞丰县", 2025, [quota])
    # 甲 had a demonstration lesson by a psychology teacher; 乙 only a lecture: 1 of 2
    assert (result.numerator, result.denominator, str(result.share)) == (1, 2, "50.00")
    assert result.status == QuotaStatus.NOT_MET


def test_a_lesson_coverage_line_names_its_role() -> None:
    quota = Quota(key="l", name="n", measure="lesson-coverage", at_least=100, role=Role.BACKBONE)
    result = QuotaResult(quota, "贞丰县", 2025, QuotaStatus.NOT_MET, 1, 2, Decimal("50.00"))
    assert result.describe() == (
        "l 贞丰县 2025: 1 of 2 paired schools with a backbone lesson (50.00 %) ≥ 100 %: not met"
    )


def test_present_looks_up_a_large_staff_to_the_last_teacher() -> None:
    # 1,000 teachers, looked up in batches; the last by name is seconded elsewhere
    with Tracker.open("memory:") as tracker:
        home = tracker.add(School(name="长郡中学", region="长沙市", stage="高中"))
        host = tracker.add(School(name="新晃一中", region="新晃县", stage="高中"))
        tracker.bulk_add([Teacher(name=f"教师{n:04}", school_id=home.id) for n in range(1000)])
        last = tracker.get(Teacher, 1000)
        assert last.name == "教师0999"
        tracker.add(_secondment(S.ACTIVE, teacher_id=last.id, host_school_id=host.id))
        here = present(tracker, home.id, dt.date(2025, 3, 5))
    assert [p.teacher.name for p in here] == [f"教师{n:04}" for n in range(999)]


def test_who_is_at_a_host_and_where_a_teacher_is_on_a_day() -> None:
    with Tracker.open("memory:") as tracker:
        home = tracker.add(School(name="长郡中学", region="长沙市", stage="高中"))
        hosts = [
            tracker.add(School(name=name, region="新晃县", stage="高中", ref=ref)).id
            for name, ref in (("新晃一中", "XH-1"), ("新晃二中", "XH-2"))
        ]
        ids = [tracker.add(Teacher(name=f"教师{n}", school_id=home.id)).id for n in range(3)]
        rows = [  # teacher, host, status, start, end
            (ids[0], hosts[1], S.ACTIVE, "2025-02-01", "2025-03-31"),  # the other host, first
            (ids[1], hosts[0], S.APPROVED, "2025-03-01", "2025-03-10"),
            (ids[2], hosts[0], S.PROPOSED, "2025-03-05", "2025-03-06"),  # not counted
        ]
        for teacher, host, status, start, end in rows:
            changes = {"teacher_id": teacher, "host_school_id": host}
            tracker.add(_secondment(status, starts_on=start, ends_on=end, **changes))
        assert [s.teacher_id for s in at_host(tracker, "XH-1", "2025-03-05")] == [ids[1]]
        assert [s.teacher_id for s in at_host(tracker, hosts[1], "2025-03-05")] == [ids[0]]
        assert at_host(tracker, hosts[0], "2025-03-11") == []
        there = whereabouts(tracker, ids[1], "2025-03-05")
        assert there is not None
        assert (there.teacher_id, there.host_school_id) == (ids[1], hosts[0])
        assert whereabouts(tracker, ids[1], "2025-03-11") is None  # the day after it ends
        assert whereabouts(tracker, ids[2], "2025-03-05") is None  # only proposed


TENTH = "R9, R8, R7, R6, R5, R4, R3, R2, R1, R0"


@pytest.mark.parametrize(
    ("regions", "said"),
    [
        ([], "none yet"),
        # no name shares a letter with "Q": equal scores, so the names come largest first
        ([f"R{n}" for n in range(10)], TENTH),  # ten names: all of them, no "more"
        ([*(f"R{n}" for n in range(10)), "S0"], "S0, " + TENTH[:-4] + " and 1 more"),
    ],
)
def test_an_unknown_region_lists_ten_known_regions_closest_first(
    regions: list[str], said: str
) -> None:
    with Tracker.open("memory:") as tracker:
        for n, region in enumerate(regions):
            tracker.add(School(name=f"学校{n}", region=region, stage="初中"))
        with pytest.raises(errors.NotFound) as refused:
            evaluate(tracker, "Q", 2025)
    assert str(refused.value) == f"no school is in region 'Q'; known regions, closest first: {said}"


LATE = (
    "secondment: the return 2025-03-11 is after the planned end 2025-03-10; extend the "
    "secondment to it instead"
)


@pytest.mark.parametrize("status", [S.APPROVED, S.ACTIVE, S.COMPLETED])
def test_a_return_after_the_planned_end_is_refused(status: S) -> None:
    assert _secondment(status, returned_on="2025-03-10").returned_on == dt.date(2025, 3, 10)
    with pytest.raises(errors.InvalidRecord) as refused:
        _secondment(status, returned_on="2025-03-11")
    assert str(refused.value) == LATE


def test_an_update_to_a_late_return_changes_nothing() -> None:
    with Tracker.open("memory:") as tracker:
        home = tracker.add(School(name="长郡中学", region="长沙市", stage="高中"))
        host = tracker.add(School(name="新晃一中", region="新晃县", stage="高中"))
        teacher = tracker.add(Teacher(name="教师", school_id=home.id))
        stored = tracker.add(_secondment(S.ACTIVE, teacher_id=teacher.id, host_school_id=host.id))
        with pytest.raises(errors.InvalidRecord) as refused:
            tracker.update(attrs.evolve(stored, returned_on="2025-03-11"))
        assert str(refused.value) == LATE
        assert tracker.get(Secondment, stored.id) == stored
        longer = tracker.extend(stored.id, to="2025-03-11", reason="期末考试")
        back = tracker.update(attrs.evolve(longer, returned_on="2025-03-11"))
        assert days_served(back) == 11


def test_a_late_return_edited_by_hand_reads_as_the_planned_end(tmp_path) -> None:
    """Only direct SQL can store a return after the planned end. Every date question
    then reads the planned end, as the queries narrow by it: days served, whereabouts
    and the periods overlapping a day agree, and the next write is refused."""
    path = tmp_path / "exchange.db"
    with Tracker.open(path) as tracker:
        home = tracker.add(School(name="长郡中学", region="长沙市", stage="高中"))
        host = tracker.add(School(name="新晃一中", region="新晃县", stage="高中"))
        teacher = tracker.add(Teacher(name="教师", school_id=home.id))
        stored = tracker.add(
            _secondment(S.COMPLETED, teacher_id=teacher.id, host_school_id=host.id)
        )
    with sqlite3.connect(path) as db:
        db.execute("update secondments set returned_on = '2025-03-20' where id = ?", [stored.id])
    db.close()
    with Tracker.open(path) as tracker:
        edited = tracker.get(Secondment, stored.id)
        assert edited.returned_on == dt.date(2025, 3, 20)
        assert days_served(edited) == 10  # 1 to 10 March
        assert whereabouts(tracker, teacher.id, "2025-03-10") == edited
        assert whereabouts(tracker, teacher.id, "2025-03-11") is None
        assert list(overlapping(tracker, dt.date(2025, 3, 11), dt.date(2025, 3, 20))) == []
        with pytest.raises(errors.InvalidRecord, match="is after the planned end"):
            tracker.update(attrs.evolve(edited, post="副校长"))
        assert tracker.get(Secondment, stored.id) == edited
