"""Fixed example records: :func:`samples` (minimal and maximal records) and :func:`programme`.

Import these from :mod:`exchange.testing.strategies`.
"""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from ..backend import STORED_TYPES
from ..changelog import make_change
from ..enums import (
    ActivityKind,
    ExpenseCategory,
    MeetingKind,
    PartnershipKind,
    Role,
    SecondmentKind,
    Stage,
    Target,
    UserRole,
)
from ..fields import MAX_COUNT, MAX_NAME, MAX_TEXT
from ..models import (
    Activity,
    Allocation,
    Application,
    Assessment,
    Criterion,
    Expense,
    Extension,
    Goal,
    Grant,
    Meeting,
    Mentorship,
    Milestone,
    Need,
    Pairing,
    Participation,
    Partnership,
    Programme,
    Rubric,
    School,
    Secondment,
    Stored,
    Teacher,
)
from ..money import MAX_YUAN
from ..sealing import PersonalKey
from .values import MAX_ID

_LONG_NAME = ("惠阳—贞丰，教育协作😀" * MAX_NAME)[:MAX_NAME]
_LONG_TEXT = ("送教下乡：示范课、专题讲座。\n🎓 " * MAX_TEXT)[:MAX_TEXT]


def samples() -> list[Stored]:
    """A minimal and a maximal record of every stored type, in an order a fresh store takes.

    In a fresh store the minimal record of each type gets id 1 and the maximal
    one id 2; links point at those ids. Maximal records reach every limit.
    """
    d0, d9 = dt.date.min, dt.date.max
    big: dict[str, Any] = {"ref": _LONG_NAME, "archived": True}
    out: list[Stored] = []
    for ids, extra in (((1, 2), {}), ((2, 1), big)):
        a, b = ids
        t = _LONG_TEXT if extra else ""
        band_args: dict[str, Any] = {"bands": ()} if extra else {}
        out += [
            Partnership(
                name="惠阳—贞丰", supporting_region="惠阳区", supported_region="贞丰县", **extra
            ),
            School(
                name=_LONG_NAME if extra else "半岛学校",
                region="惠阳区",
                stage=Stage.JUNIOR,
                keep_at_home=MAX_COUNT if extra else None,
                **extra,
            ),
            Teacher(
                name="李老师",
                school_id=a,
                subjects=(_LONG_NAME, "数学") if extra else (),
                roles=tuple(Role) if extra else (),
                phone=_LONG_NAME if extra else None,
                notes=t,
                **extra,
            ),
            Pairing(
                supporting_school_id=a,
                supported_school_id=b,
                partnership_id=a if extra else None,
                signed_on=d9 if extra else d0,
                ended_on=d9 if extra else None,
                annual_budget=MAX_YUAN if extra else None,
                **extra,
            ),
            Secondment(
                teacher_id=a,
                host_school_id=b,
                kind=SecondmentKind.POST,
                starts_on=d0,
                ends_on=d9,
                pairing_id=a if extra else None,
                returned_on=d9 if extra else None,
                post=t[:MAX_NAME],
                reason=t,
                extensions=(
                    Extension(previous_end=d0, new_end=d9 - dt.timedelta(days=1), reason=t),
                    Extension(
                        previous_end=d9 - dt.timedelta(days=1),
                        new_end=d9,
                        decided_on=d9,
                        reason=t,
                    ),
                )
                if extra
                else (),
                need_id=b if extra else None,
                **extra,
            ),
            Programme(
                name=_LONG_NAME if extra else "百千万",
                targets=(MAX_COUNT, 1, 10_000) if extra else (),
                mentor_capacity=10_000 if extra else None,
                notes=t,
                **extra,
            ),
            Mentorship(
                mentor_id=a, mentee_id=b, programme="百千万", starts_on=d0, reason=t, **extra
            ),
            Goal(
                mentorship_id=a,
                title=_LONG_NAME,
                milestones=(
                    Milestone(title="听课", due_on=d9, done_on=d0),
                    Milestone(title=_LONG_NAME),
                )
                if extra
                else (),
                achieved_on=d9 if extra else None,
                notes=t,
                **extra,
            ),
            Meeting(
                mentorship_id=a,
                held_on=d9 if extra else d0,
                minutes=24 * 60 if extra else 1,
                kind=MeetingKind.JOINT_PREPARATION,
                notes=t,
                confirmed_by=b if extra else None,
                corrects=1 if extra else None,
                **extra,
            ),
            Activity(
                kind=ActivityKind.LIVE_LESSON,
                title=_LONG_NAME,
                held_on=d9,
                partnership_id=a if extra else None,
                pairing_id=a if extra else None,
                school_id=a if extra else None,
                teacher_id=a if extra else None,
                lessons=MAX_COUNT if extra else 0,
                attendees=MAX_COUNT if extra else 0,
                students=MAX_COUNT if extra else 0,
                notes=t,
                **extra,
            ),
            Participation(activity_id=a, teacher_id=b, **extra),
            Rubric(
                name="考核",
                version=10_000 if extra else 1,
                target=Target.MENTORSHIP,
                criteria=(
                    Criterion(key="教学", name="教学成果", weight=0.6, max_score=1e300),
                    Criterion(
                        key="服务",
                        name="服务",
                        children=(Criterion(key="态度", name="态度", weight=5e-324),),
                    ),
                )
                if extra
                else (Criterion(key="k", name="总分"),),
                **band_args,
                **extra,
            ),
            Assessment(
                rubric_id=a,
                target_id=MAX_ID if extra else 1,
                period="2025-春",
                assessor="贞丰县教育局",
                assessed_on=d0,
                scores={"教学": 92.5, "态度": -0.0} if extra else {},
                notes=t,
                **extra,
            ),
            Allocation(
                pairing_id=a,
                year=2999 if extra else 1900,
                amount=MAX_YUAN if extra else decimal.Decimal(0),
                **extra,
            ),
            Expense(
                allocation_id=a,
                spent_on=d9,
                amount=decimal.Decimal("0.01") if extra else decimal.Decimal(0),
                category=ExpenseCategory.OTHER,
                description=t,
                secondment_id=a if extra else None,
                activity_id=a if extra else None,
                overspend_approved=bool(extra),
                **extra,
            ),
            Need(
                host_school_id=b,
                subject=_LONG_NAME if extra else "",
                stage=Stage.SPECIAL if extra else None,
                places=MAX_COUNT if extra else 1,
                starts_on=d0,
                ends_on=d9,
                kind=SecondmentKind.SHADOW if extra else SecondmentKind.SUPPORT,
                programme=_LONG_NAME if extra else "",
                notes=t,
                **extra,
            ),
            Application(
                teacher_id=a,
                year=2999 if extra else 1900,
                programme=_LONG_NAME if extra else "",
                subject=_LONG_NAME if extra else "",
                available_from=d0 if extra else None,
                available_until=d9 if extra else None,
                notes=t,
                **extra,
            ),
            Grant(
                login=_LONG_NAME if extra else "hy-bd",
                role=UserRole.MENTEE if extra else UserRole.SCHOOL_ADMIN,
                programme=_LONG_NAME if extra else "",
                school_id=None if extra else b,
                teacher_id=a if extra else None,
                notes=t,
                **extra,
            ),
            make_change(
                prev_hash="0" * 64,
                actor=_LONG_NAME if extra else "管理员",
                action="update" if extra else "add",
                record_type="schools",
                record_id=MAX_ID if extra else None,
                before=_LONG_TEXT if extra else None,
                after='{"name":"半岛学校"}',
                at=dt.datetime(9999, 12, 31, 23, 59, 59, 999_999, dt.timezone.utc)
                if extra
                else dt.datetime(1, 1, 1, tzinfo=dt.timezone.utc),
            ),
            PersonalKey(person_id=MAX_ID if extra else 1, key=_LONG_NAME if extra else "k"),
        ]
    return sorted(out, key=lambda r: STORED_TYPES.index(type(r)))


ADMINISTRATOR = "管理员"
"""The coordinator of every programme among the users of :func:`programme`: a tracker
writing to a store that holds it writes as this actor."""


def programme() -> list[Stored]:
    """A small 惠阳→贞丰 programme used by the example tests, in insertion order.

    Ids in a fresh store: schools 1–3, teachers 1–3, activities 1–3, expenses 1–2,
    grants 1–3 (last: the users, :data:`ADMINISTRATOR` the coordinator), one of
    everything else (a need and an application before the grants).
    """
    day = dt.date
    return [
        Partnership(
            name="惠阳—贞丰东西部教育协作",
            supporting_region="广东省惠州市惠阳区",
            supported_region="贵州省黔西南州贞丰县",
            kind=PartnershipKind.EAST_WEST,
            started_on=day(2021, 3, 1),
            ref="HY-ZF",
        ),
        School(name="惠阳区半岛学校", region="惠阳区", stage=Stage.JUNIOR, ref="HY-BD"),
        School(name="贞丰县第五中学", region="贞丰县", stage=Stage.JUNIOR, rural=True, ref="ZF-5"),
        School(name="贞丰县龙场中心小学", region="贞丰县", stage=Stage.PRIMARY, rural=True),
        Teacher(
            name="李老师",
            school_id=1,
            subjects=("数学",),
            roles=(Role.BACKBONE, Role.FAMOUS),
            phone="13800000000",
            ref="T-001",
        ),
        Teacher(
            name="王老师", school_id=2, subjects=("语文", "心理健康"), roles=(Role.PSYCHOLOGY,)
        ),
        Teacher(name="张老师😀", school_id=2),
        Pairing(
            supporting_school_id=1,
            supported_school_id=2,
            partnership_id=1,
            signed_on=day(2024, 12, 1),
            annual_budget=decimal.Decimal(100000),
        ),
        Secondment(
            teacher_id=1,
            host_school_id=2,
            kind=SecondmentKind.SUPPORT,
            starts_on=day(2025, 3, 1),
            ends_on=day(2025, 7, 15),
            pairing_id=1,
        ),
        Programme(name="百千万", targets=(100, 1000, 10000), mentor_capacity=10),
        Mentorship(mentor_id=1, mentee_id=2, programme="百千万", starts_on=day(2025, 1, 1)),
        Goal(
            mentorship_id=1,
            title="独立开设一节区级公开课",
            milestones=(
                Milestone(title="听课十节", done_on=day(2025, 3, 1)),
                Milestone(title="试讲", due_on=day(2025, 6, 1)),
            ),
        ),
        Meeting(
            mentorship_id=1,
            held_on=day(2025, 3, 12),
            minutes=90,
            kind=MeetingKind.OBSERVATION,
            notes="听《函数的概念》并评课",
            confirmed_by=2,
        ),
        Activity(
            kind=ActivityKind.DEMONSTRATION_LESSON,
            title="示范课：《函数的概念》",
            held_on=day(2025, 4, 2),
            partnership_id=1,
            pairing_id=1,
            school_id=2,
            teacher_id=1,
            lessons=2,
            attendees=120,
        ),
        Activity(
            kind=ActivityKind.LIVE_LESSON,
            title="直播课",
            held_on=day(2025, 5, 9),
            school_id=3,
            lessons=1,
            attendees=300,
            students=45,
        ),
        Activity(
            kind=ActivityKind.TRAINING,
            title="教师素质能力提升培训班",
            held_on=day(2024, 11, 20),
            partnership_id=1,
        ),
        Participation(activity_id=3, teacher_id=2),
        Rubric(
            name="支教教师考核",
            version=1,
            target=Target.SECONDMENT,
            criteria=(
                Criterion(key="teaching", name="教学成果", weight=0.6),
                Criterion(key="service", name="服务态度", weight=0.4),
            ),
        ),
        Assessment(
            rubric_id=1,
            target_id=1,
            period="2025",
            assessor="贞丰县教育局",
            assessed_on=day(2025, 7, 20),
            scores={"teaching": 92, "service": 88.5},
        ),
        Allocation(pairing_id=1, year=2025, amount=decimal.Decimal(100000), source="长沙市教育局"),
        Expense(
            allocation_id=1,
            spent_on=day(2025, 3, 5),
            amount=decimal.Decimal("1234.56"),
            category=ExpenseCategory.TRAVEL,
            secondment_id=1,
        ),
        Expense(
            allocation_id=1,
            spent_on=day(2025, 4, 2),
            amount=decimal.Decimal("0.01"),
            category=ExpenseCategory.TEACHING_RESEARCH,
            activity_id=1,
        ),
        Need(
            host_school_id=2,
            subject="心理健康",
            places=1,
            starts_on=day(2026, 9, 1),
            ends_on=day(2027, 1, 15),
            ref="N-ZF5-PSY",
        ),
        Application(teacher_id=1, year=2026, subject="数学", notes="只能秋季学期外派"),
        Grant(login=ADMINISTRATOR, role=UserRole.COORDINATOR),
        Grant(login="hy-bd", role=UserRole.SCHOOL_ADMIN, school_id=1, ref="U-HYBD"),
        Grant(login="罗明", role=UserRole.MENTEE, teacher_id=2),
    ]
