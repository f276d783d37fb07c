"""Policy quotas: each verdict equals a brute-force recount; the worked example; bad input."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from exchange import (
    Activity,
    ActivityKind,
    Pairing,
    Participation,
    Programme,
    Role,
    School,
    Secondment,
    SecondmentStatus,
    Teacher,
    Tracker,
    errors,
)
from exchange.quotas import (
    DEFAULT_QUOTAS,
    MEASURES,
    ROLE_MEASURES,
    Quota,
    QuotaResult,
    QuotaStatus,
    evaluate,
)

BACKENDS = ["memory", "sqlite"]
HUIYANG, ZHENFENG = "广东省惠州市惠阳区", "贵州省黔西南州贞丰县"
BASE = dt.date(2023, 1, 1)
S = SecondmentStatus


def _url(kind: str, directory: Path) -> str:
    return "memory:" if kind == "memory" else f"sqlite:///{directory / 'quotas.db'}"


@pytest.fixture(params=BACKENDS)
def tracker(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Tracker]:
    with Tracker.open(_url(request.param, tmp_path)) as opened:
        yield opened


# -- property: every verdict equals a recount over every record ----------------------

ARCHIVED = st.sampled_from([False, False, False, True])
DAY = st.integers(0, 3 * 366)  # offsets from BASE: 2023 to early 2026
ROLES = [Role.BACKBONE, Role.PSYCHOLOGY, Role.FAMOUS]
ROLE_SETS = st.tuples(*(st.booleans() for _ in ROLES)).map(
    lambda held: [r for r, h in zip(ROLES, held, strict=True) if h]
)
KINDS = [ActivityKind.TRAINING, ActivityKind.LECTURE, ActivityKind.DEMONSTRATION_LESSON]
PERCENT = st.one_of(
    st.integers(1, 100), st.decimals(Decimal("0.01"), Decimal("100"), places=2).map(str)
)
POPULATIONS = st.fixed_dictionaries(
    {
        "schools": st.lists(
            st.tuples(st.sampled_from([HUIYANG, ZHENFENG]), ARCHIVED), min_size=2, max_size=4
        ),
        "teachers": st.lists(
            st.tuples(st.integers(0, 3), ROLE_SETS, ARCHIVED),
            min_size=2,
            max_size=8,
        ),
        "secondments": st.lists(
            st.tuples(
                st.integers(0, 7),  # teacher
                st.integers(0, 3),  # host
                DAY,  # start
                st.integers(0, 400),  # length
                st.sampled_from(list(S)),
                st.integers(0, 400),  # early return (withdrawn only)
                ARCHIVED,
            ),
            min_size=4,
            max_size=12,
        ),
        "pairings": st.lists(
            st.tuples(
                st.integers(0, 3), st.integers(0, 3), DAY, st.none() | st.integers(0, 600), ARCHIVED
            ),
            min_size=1,
            max_size=4,
        ),
        "activities": st.lists(
            st.tuples(
                st.sampled_from(KINDS),
                DAY,
                ARCHIVED,
                st.none() | st.integers(0, 3),  # where it was held
                st.none() | st.integers(0, 7),  # who gave it
            ),
            min_size=1,
            max_size=5,
        ),
        "participations": st.lists(
            st.tuples(st.integers(0, 4), st.integers(0, 7), ARCHIVED), min_size=1, max_size=12
        ),
    }
)


def _day(offset: int) -> dt.date:
    return BASE + dt.timedelta(days=offset)


def _store(tracker: Tracker, population: dict[str, list[Any]]) -> None:
    """Add what the draw describes; records the store refuses (overlaps, …) are skipped."""
    schools = [
        tracker.add(School(name=f"学校{i}", region=r, stage="初中", archived=a))
        for i, (r, a) in enumerate(population["schools"])
    ]
    teachers = [
        tracker.add(Teacher(name=f"教师{i}", school_id=schools[s % len(schools)].id, roles=rs))
        for i, (s, rs, _) in enumerate(population["teachers"])
    ]
    activities = [
        tracker.add(
            Activity(
                kind=k,
                title="活动",
                held_on=_day(d),
                archived=a,
                school_id=None if s is None else schools[s % len(schools)].id,
                teacher_id=None if t is None else teachers[t % len(teachers)].id,
            )
        )
        for k, d, a, s, t in population["activities"]
    ]

    def attempt(cls: type[Any], **values: Any) -> None:
        with contextlib.suppress(errors.ExchangeError):
            tracker.add(cls(**values))

    for t, h, start, length, status, back, archived in population["secondments"]:
        if teachers:
            teacher = teachers[t % len(teachers)]
            home = next(i for i, school in enumerate(schools) if school.id == teacher.school_id)
            host = schools[(home + 1 + h % (len(schools) - 1)) % len(schools)]  # not the home
            withdrawn = status is S.WITHDRAWN and length > 0
            attempt(
                Secondment,
                teacher_id=teacher.id,
                host_school_id=host.id,
                kind="support",
                starts_on=_day(start),
                ends_on=_day(start + length),
                status=status,
                reason="原因",
                returned_on=_day(start + min(back, length - 1)) if withdrawn else None,
                archived=archived,
            )
    for a, b, signed, ended, archived in population["pairings"]:
        attempt(
            Pairing,
            supporting_school_id=schools[a % len(schools)].id,
            supported_school_id=schools[b % len(schools)].id,
            signed_on=_day(signed),
            ended_on=None if ended is None else _day(signed + ended),
            archived=archived,
        )
    for act, t, archived in population["participations"]:
        if activities and teachers:
            attempt(  # one participation per teacher and activity
                Participation,
                activity_id=activities[act % len(activities)].id,
                teacher_id=teachers[t % len(teachers)].id,
                archived=archived,
            )
    for teacher, (_, _, archived) in zip(teachers, population["teachers"], strict=True):
        if archived:
            tracker.archive(Teacher, teacher)  # after its secondments, as in real life


def _recount(tracker: Tracker, region: str, year: int, quota: Quota) -> tuple[int, int]:
    """The quota's figures, by the definitions, over every record (archived ones dropped here)."""

    def every(cls: type[Any]) -> list[Any]:
        return [r for r in tracker.find(cls, include_archived=True) if not r.archived]

    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    schools = {s.id for s in every(School) if s.region == region}
    eligible = [t for t in every(Teacher) if t.school_id in schools]
    secondments = every(Secondment)
    exchanged = [
        t
        for t in eligible
        if any(
            s.teacher_id == t.id
            and s.status in (S.APPROVED, S.ACTIVE, S.COMPLETED, S.WITHDRAWN)
            and s.starts_on <= last
            and (s.returned_on or s.ends_on) >= first
            for s in secondments
        )
    ]
    if quota.measure == "exchange-share":
        return len(exchanged), len(eligible)
    if quota.measure == "backbone-share":
        return sum(Role.BACKBONE in t.roles for t in exchanged), len(exchanged)
    paired = {
        school
        for p in every(Pairing)
        if p.signed_on <= last and (p.ended_on is None or p.ended_on >= first)
        for school in (p.supporting_school_id, p.supported_school_id)
    }
    role = quota.role or Role.PSYCHOLOGY
    if quota.measure == "lesson-coverage":
        holders = {t.id for t in every(Teacher) if role in t.roles}
        reached = {
            a.school_id
            for a in every(Activity)
            if a.kind is ActivityKind.DEMONSTRATION_LESSON
            and a.held_on.year == year
            and a.teacher_id in holders
        }
        paired_here = paired & schools
        return len(paired_here & reached), len(paired_here)
    population = {t.id for t in eligible if role in t.roles and t.school_id in paired}
    trainings = {
        a.id for a in every(Activity) if a.kind is ActivityKind.TRAINING and a.held_on.year == year
    }
    trained = {
        p.teacher_id
        for p in every(Participation)
        if p.activity_id in trainings and p.teacher_id in population
    }
    return len(trained), len(population)


@pytest.mark.parametrize("kind", BACKENDS)
@settings(max_examples=3 * settings.default.max_examples)  # fast: ~10 ms an example
@given(
    population=POPULATIONS,
    year=st.integers(2023, 2025) | st.sampled_from([2022, 2026]),
    percents=st.tuples(PERCENT, PERCENT, PERCENT, PERCENT),
    role=st.sampled_from([None, *ROLES]),
)
def test_every_result_equals_a_brute_force_recount(
    kind: str,
    tmp_path_factory: pytest.TempPathFactory,
    population: dict[str, list[Any]],
    year: int,
    percents: tuple[Any, Any, Any, Any],
    role: Role | None,
) -> None:
    quotas = [
        Quota(key=m, name=m, measure=m, at_least=p, role=role if m in ROLE_MEASURES else None)
        for m, p in zip(MEASURES, percents, strict=True)
    ]
    with Tracker.open(_url(kind, tmp_path_factory.mktemp("quotas"))) as tracker:
        _store(tracker, population)
        for region in (HUIYANG, ZHENFENG):
            if not any(r == region for r, _ in population["schools"]):
                with pytest.raises(errors.NotFound):
                    evaluate(tracker, region, year, quotas)
                continue
            results = evaluate(tracker, f" {region} ", year, quotas)
            assert [r.quota for r in results] == quotas
            for result, quota in zip(results, quotas, strict=True):
                n, d = _recount(tracker, region, year, quota)
                assert (result.region, result.year) == (region, year)
                assert (result.numerator, result.denominator) == (n, d)
                event(f"{quota.measure}: {result.status}")
                if d == 0:
                    assert (result.status, result.share) == (QuotaStatus.NO_DATA, None)
                    continue
                exact = Fraction(100 * n, d)
                expected = QuotaStatus.MET if exact >= quota.at_least else QuotaStatus.NOT_MET
                assert result.status is expected
                share = (Decimal(100 * n) / Decimal(d)).quantize(Decimal("0.01"), ROUND_HALF_UP)
                assert result.share == share and result.share.as_tuple().exponent == -2


# -- the worked example (docs/domain.md, "Policy quotas") --------------------------------


def _zhenfeng(tracker: Tracker) -> None:
    """贞丰's side of 惠阳—贞丰 in 2025: 50 teachers in 3 schools, 2 of them paired."""

    def school(name: str, region: str, stage: str) -> School:
        return tracker.add(School(name=name, region=region, stage=stage))

    bandao = school("惠阳区半岛学校", HUIYANG, "初中")
    zhenlong = school("惠阳区镇隆第三幼儿园", HUIYANG, "幼儿园")
    wuzhong = school("贞丰县第五中学", ZHENFENG, "初中")
    shuangfeng = school("贞丰县双峰街道第一幼儿园", ZHENFENG, "幼儿园")
    longchang = school("贞丰龙场中心小学", ZHENFENG, "小学")  # not paired
    for a, b in ((bandao, wuzhong), (zhenlong, shuangfeng)):
        tracker.add(
            Pairing(supporting_school_id=a.id, supported_school_id=b.id, signed_on="2025-03-26")
        )

    def staff(at: School, size: int, roles: dict[int, list[str]]) -> list[Teacher]:
        return [
            tracker.add(Teacher(name=f"{at.name}教师{i}", school_id=at.id, roles=roles.get(i, [])))
            for i in range(size)
        ]

    wz = staff(wuzhong, 30, {0: ["心理教师"], 1: ["心理教师"], 2: ["心理教师"], 3: ["骨干教师"]})
    sf = staff(shuangfeng, 12, {0: ["心理教师"]})
    lc = staff(longchang, 8, {0: ["心理教师"]})

    def shadow(teacher: Teacher, host: School, status: str = "completed", **more: Any) -> None:
        tracker.add(
            Secondment(
                teacher_id=teacher.id,
                host_school_id=host.id,
                kind="跟岗",
                starts_on="2025-05-12",
                ends_on="2025-06-06",
                status=status,
                **more,
            )
        )

    for teacher in wz[3:7]:  # 4 from 第五中学, one of them 骨干
        shadow(teacher, bandao)
    for teacher in sf[1:3]:
        shadow(teacher, zhenlong)
    shadow(wz[10], bandao, "proposed")  # not (yet) exchanged
    shadow(wz[11], bandao, "cancelled", reason="家中有事")

    training = tracker.add(
        Activity(kind="培训", title="惠阳—贞丰教师素质能力提升培训班", held_on="2025-03-26")
    )
    lesson = tracker.add(Activity(kind="示范课", title="心理课", held_on="2025-03-27"))
    for teacher in (wz[0], wz[1], sf[0], lc[0]):
        tracker.add(Participation(activity_id=training.id, teacher_id=teacher.id))
    later = tracker.add(Activity(kind="培训", title="心理教师培训", held_on="2026-01-05"))
    for activity in (lesson, later):  # not a training, not in 2025
        tracker.add(Participation(activity_id=activity.id, teacher_id=wz[2].id))
    for where, by, day in (
        (wuzhong, wz[0], "2025-04-18"),  # 心理 at a paired school: counts
        (shuangfeng, sf[5], "2025-04-18"),  # given by a teacher who is not 心理教师
        (shuangfeng, sf[0], "2026-04-18"),  # another year
        (longchang, lc[0], "2025-04-18"),  # not paired: not asked for
    ):
        tracker.log_activity("示范课", "心理健康示范课", held_on=day, school=where, teacher=by)


def test_the_worked_example(tracker: Tracker) -> None:
    _zhenfeng(tracker)
    results = evaluate(tracker, ZHENFENG, 2025)
    assert [r.describe() for r in results] == [
        f"exchange-share {ZHENFENG} 2025: 6 of 50 teachers (12.00 %) ≥ 10 %: met",
        f"backbone-share {ZHENFENG} 2025: 1 of 6 exchanged teachers (16.67 %) ≥ 20 %: not met",
        f"trained-coverage {ZHENFENG} 2025: 3 of 4 psychology teachers at paired schools "
        "(75.00 %) ≥ 100 %: not met",
        f"lesson-coverage {ZHENFENG} 2025: 1 of 2 paired schools with a psychology lesson "
        "(50.00 %) ≥ 100 %: not met",
    ]
    assert [r.status.zh for r in results] == ["达标", "未达标", "未达标", "未达标"]
    shares = [Decimal("12.00"), Decimal("16.67"), Decimal("75.00"), Decimal("50.00")]
    assert [r.share for r in results] == shares


def test_a_year_without_records_has_no_data(tracker: Tracker) -> None:
    _zhenfeng(tracker)
    results = evaluate(tracker, ZHENFENG, 2024)
    assert [(r.status, r.numerator, r.denominator) for r in results] == [
        (QuotaStatus.NOT_MET, 0, 50),  # nobody exchanged: a real 0 %
        (QuotaStatus.NO_DATA, 0, 0),  # nobody exchanged, so no share of 骨干
        (QuotaStatus.NO_DATA, 0, 0),  # the pairings were signed in 2025
        (QuotaStatus.NO_DATA, 0, 0),  # no paired school to give a lesson at
    ]
    assert results[1].share is None
    assert results[1].describe().endswith("(no data) ≥ 20 %: no data")
    assert [r.status.zh for r in results] == ["未达标", "无数据", "无数据", "无数据"]


def test_exactly_the_quota_is_met_and_the_rounded_share_plays_no_part(tracker: Tracker) -> None:
    home = tracker.add(School(name="成都七中", region="成华区", stage="高中"))
    host = tracker.add(School(name="丹巴中学", region="丹巴县", stage="高中", rural=True))
    staff = [tracker.add(Teacher(name=f"教师{i}", school_id=home.id)) for i in range(10)]
    tracker.add(
        Secondment(
            teacher_id=staff[0].id,
            host_school_id=host.id,
            kind="support",
            status="withdrawn",
            starts_on="2024-09-01",
            ends_on="2025-06-30",
            returned_on="2025-01-01",  # one day of 2025 is enough
            reason="返岗",
        )
    )

    def share(at_least: Any, year: int = 2025) -> QuotaResult:
        quota = Quota(key="q", name="交流教师占比", measure="exchange-share", at_least=at_least)
        [result] = evaluate(tracker, "成华区", year, [quota])
        return result

    assert share(10).status is QuotaStatus.MET  # 1 of 10 = 10 %
    assert share("10.01").status is QuotaStatus.NOT_MET
    for i in (1, 2):
        tracker.archive(Teacher, staff[i])  # 1 of 8 = 12.5 %
    assert share("12.5").share == Decimal("12.50") and share("12.5").status is QuotaStatus.MET
    tracker.archive(Teacher, staff[3])  # 1 of 7 = 14.2857… % → shown 14.29 %
    result = share("14.29")
    assert (result.share, result.status) == (Decimal("14.29"), QuotaStatus.NOT_MET)
    assert share("14.2857").status is QuotaStatus.MET
    assert share(10, year=2026).status is QuotaStatus.NOT_MET  # 0 of 7


# -- bad input -------------------------------------------------------------------------------


def test_an_unknown_region_is_one_line_naming_it_and_the_closest_known(tracker: Tracker) -> None:
    for i in range(12):
        tracker.add(School(name=f"学校{i}", region=f"测试区{i:02}", stage="小学"))
    tracker.add(School(name="贞丰中学", region=ZHENFENG, stage="高中"))
    with pytest.raises(errors.NotFound) as caught:
        evaluate(tracker, "黔西南州贞丰", 2025)
    message = str(caught.value)
    assert "\n" not in message and "'黔西南州贞丰'" in message
    # the names in use, and each level of them on its own: 黔西南州, 贵州省, 贞丰县
    assert message.split("closest first: ")[1].startswith(f"黔西南州, {ZHENFENG}, 贞丰县")
    assert message.endswith("and 6 more")
    with pytest.raises(errors.NotFound, match="贞丰"):
        evaluate(tracker, "贞丰", 2025, [])  # checked even with no quotas


def test_an_empty_store_names_no_region(tracker: Tracker) -> None:
    with pytest.raises(errors.NotFound, match="none yet"):
        evaluate(tracker, HUIYANG, 2025)


def test_a_region_whose_schools_are_archived_has_no_data(tracker: Tracker) -> None:
    school = tracker.add(School(name="停办学校", region="某县", stage="小学"))
    tracker.add(Teacher(name="教师", school_id=school.id))
    tracker.archive(School, school)
    statuses = {r.status for r in evaluate(tracker, "某县", 2025)}
    assert statuses == {QuotaStatus.NO_DATA}


def test_no_quotas_give_no_results(tracker: Tracker) -> None:
    tracker.add(School(name="贞丰中学", region=ZHENFENG, stage="高中"))
    assert evaluate(tracker, ZHENFENG, 2025, []) == []
    assert len(evaluate(tracker, ZHENFENG, 2025, iter(DEFAULT_QUOTAS))) == len(DEFAULT_QUOTAS) == 4


@pytest.mark.parametrize("year", [1899, 3000, True, "2025", 2025.0])
def test_a_year_out_of_range_is_refused(tracker: Tracker, year: Any) -> None:
    tracker.add(School(name="贞丰中学", region=ZHENFENG, stage="高中"))
    with pytest.raises(errors.InvalidRecord, match="year"):
        evaluate(tracker, ZHENFENG, year)


@pytest.mark.parametrize(
    "given, expected",
    [
        (10, Decimal("10")),
        ("10", Decimal("10")),
        (" 10 % ", Decimal("10")),
        ("12.5％", Decimal("12.5")),
        (Decimal("0.01"), Decimal("0.01")),
        ("100", Decimal("100")),
    ],
)
def test_at_least_takes_whole_numbers_decimals_and_percent_text(given: Any, expected: Any) -> None:
    quota = Quota(key="q", name="占比", measure="exchange-share", at_least=given)
    assert quota.at_least == expected and isinstance(quota.at_least, Decimal)


@pytest.mark.parametrize(
    "bad", [0, 101, -1, "abc", "", 10.5, 10.0, True, None, Decimal("NaN"), "Infinity", "100.01"]
)
def test_a_bad_at_least_is_refused_naming_the_quota(bad: Any) -> None:
    with pytest.raises(errors.InvalidRecord, match="quota 交流指标: at_least"):
        Quota(key="交流指标", name="占比", measure="exchange-share", at_least=bad)


def test_an_unknown_measure_is_refused_listing_the_known() -> None:
    with pytest.raises(errors.InvalidRecord) as caught:
        Quota(key="k", name="占比", measure="mentor-share", at_least=10)
    assert "quota k" in str(caught.value)
    assert all(m in str(caught.value) for m in MEASURES)


def test_a_role_belongs_to_trained_coverage_only() -> None:
    quota = Quota(
        key="k", name="班主任培训", measure="trained-coverage", at_least=100, role="班主任"
    )
    assert quota.role is Role.HEAD_TEACHER
    assert Quota(key="k", name="示范课", measure="lesson-coverage", at_least=100, role="名师").role
    with pytest.raises(errors.InvalidRecord, match="trained-coverage and lesson-coverage only"):
        Quota(key="k", name="占比", measure="exchange-share", at_least=10, role=Role.BACKBONE)
    with pytest.raises(errors.InvalidRecord, match="is not a role"):
        Quota(key="k", name="占比", measure="trained-coverage", at_least=10, role="校工")


def test_the_default_quotas_and_statuses() -> None:
    assert [(q.measure, q.at_least) for q in DEFAULT_QUOTAS] == [
        ("exchange-share", 10),
        ("backbone-share", 20),
        ("trained-coverage", 100),
        ("lesson-coverage", 100),
    ]
    assert QuotaStatus.parse("达标") is QuotaStatus.MET
    assert [s.zh for s in QuotaStatus] == ["达标", "未达标", "无数据"]
    assert QuotaStatus.NOT_MET == "not met"
    assert attrs.evolve(DEFAULT_QUOTAS[0], at_least="15%").at_least == 15


@pytest.mark.parametrize("kind", BACKENDS)
def test_a_programme_sets_its_own_thresholds(kind: str, tmp_path: Path) -> None:
    """两个全覆盖 asks 90 % of lessons and 15 % exchanged; the other measures keep
    their defaults; the thresholds survive the store and reach the report."""
    with Tracker.open(_url(kind, tmp_path)) as tracker:
        _zhenfeng(tracker)
        tracker.define_programme(
            "两个全覆盖", thresholds={"lesson-coverage": "90%", "exchange-share": 15}
        )
        stored = tracker.programme("两个全覆盖")
        assert stored.thresholds == (
            ("exchange-share", Decimal(15)),
            ("lesson-coverage", Decimal(90)),
        )
        results = tracker.quotas(ZHENFENG, 2025, programme="两个全覆盖")
        assert [r.quota.at_least for r in results] == [15, 20, 100, 90]
        assert results[0].status is QuotaStatus.NOT_MET  # 12 % < 15 %
        built = tracker.report("quotas", region=ZHENFENG, year=2025, programme="两个全覆盖")
        assert built.table("quotas").rows[3][5] == 90
        with pytest.raises(errors.NotFound, match="no programme named '三个全覆盖'"):
            tracker.quotas(ZHENFENG, 2025, programme="三个全覆盖")
        with pytest.raises(errors.InvalidRecord, match="not both"):
            tracker.quotas(ZHENFENG, 2025, DEFAULT_QUOTAS, programme="两个全覆盖")


@pytest.mark.parametrize(
    "bad", [{"lesson": 90}, {"lesson-coverage": 0}, {"exchange-share": "101%"}, {"x": 1.5}, "90"]
)
def test_a_bad_threshold_is_refused_naming_the_programme(bad: Any) -> None:
    with pytest.raises(errors.InvalidRecord, match="programme '两个全覆盖': a threshold is"):
        Programme(name="两个全覆盖", thresholds=bad)
