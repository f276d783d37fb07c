"""The Tracker facade: domain operations, rules, bad input, transactions, change log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest

import exchange
from exchange import (
    Activity,
    Allocation,
    Criterion,
    Mentorship,
    Role,
    School,
    Secondment,
    Stage,
    Teacher,
    Tracker,
    errors,
    has,
    le,
)
from exchange.backend import STORED_TYPES
from exchange.query import count, total

BACKENDS = ["memory", "sqlite"]


def dump(tracker: Tracker) -> dict[str, list[Any]]:
    """Every stored row of every type: two equal dumps mean an unchanged store."""
    return {cls.table: list(tracker.backend.find(cls, {})) for cls in STORED_TYPES}


@pytest.fixture(params=BACKENDS)
def tracker(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Tracker]:
    url = "memory:" if request.param == "memory" else f"sqlite:///{tmp_path / 't.db'}"
    with Tracker.open(url, actor="测试员") as opened:
        yield opened


@attrs.frozen
class Programme:
    """A small programme from the seeds: 惠阳 → 贞丰."""

    home: School
    host: School
    teacher: Teacher
    mentee: Teacher
    pairing: exchange.Pairing
    allocation: Allocation


@pytest.fixture
def programme(tracker: Tracker) -> Programme:
    with tracker.transaction():
        home = tracker.add(
            School(
                name="惠阳区半岛学校", region="广东省惠州市惠阳区", stage=Stage.JUNIOR, ref="HY01"
            )
        )
        host = tracker.add(
            School(
                name="贞丰县第五中学",
                region="贵州省黔西南州贞丰县",
                stage="初中",
                rural=True,
                ref="ZF05",
            )
        )
        teacher = tracker.add(
            Teacher(
                name="陈老师", school_id=home.id, roles=["骨干教师"], subjects=["语文"], ref="T001"
            )
        )
        mentee = tracker.add(Teacher(name="王老师", school_id=host.id, ref="T002"))
        pairing = tracker.pair_schools(home, host, signed_on="2025-03-18", annual_budget=100_000)
        allocation = tracker.allocate(pairing, year=2025, amount="100000", source="惠阳区教育局")
    return Programme(home, host, teacher, mentee, pairing, allocation)


def test_readme_example_runs(tracker: Tracker, programme: Programme) -> None:
    secondment = tracker.second(
        "T001", "ZF05", kind="支教", starts_on="2025-09-01", ends_on="2026-07-10"
    )
    assert secondment.kind is exchange.SecondmentKind.SUPPORT
    assert secondment.status is exchange.SecondmentStatus.PROPOSED
    assert tracker.get(Secondment, secondment.id) == secondment
    assert tracker.get("teacher", "T001") == programme.teacher


def test_find_count_and_aggregate(tracker: Tracker, programme: Programme) -> None:
    for day, lessons in (("2025-04-01", 3), ("2025-05-01", 2), ("2026-01-01", 7)):
        tracker.log_activity(
            "示范课", "送教下乡", held_on=day, school=programme.host, lessons=lessons, attendees=40
        )
    tracker.log_activity("专题讲座", "心理健康讲座", held_on="2025-06-01", attendees=120)
    assert tracker.count(Activity) == 4
    early = list(tracker.find(Activity, held_on=le(dt.date(2025, 12, 31)), order_by=["-held_on"]))
    assert [a.held_on.month for a in early] == [6, 5, 4]
    rows = tracker.aggregate(
        Activity,
        group_by=["kind"],
        measures={"n": count(), "lessons": total("lessons"), "people": total("attendees")},
    )
    assert rows == [
        {"kind": exchange.ActivityKind.DEMONSTRATION_LESSON, "n": 3, "lessons": 12, "people": 120},
        {"kind": exchange.ActivityKind.LECTURE, "n": 1, "lessons": 0, "people": 120},
    ]
    assert [t.name for t in tracker.find(Teacher, roles=has(Role.BACKBONE))] == ["陈老师"]


def test_link_filters_take_refs_and_records(tracker: Tracker, programme: Programme) -> None:
    by_ref = list(tracker.find(Teacher, school_id="ZF05"))
    assert by_ref == list(tracker.find(Teacher, school_id=programme.host))
    assert by_ref == list(tracker.find(Teacher, school_id=programme.host.id))
    assert [t.ref for t in by_ref] == ["T002"]
    assert tracker.count(Teacher, school_id=exchange.one_of("HY01", programme.host)) == 2


def test_archive_hides_from_lists_but_keeps_history(tracker: Tracker, programme: Programme) -> None:
    tracker.archive(Teacher, "T002")
    assert [t.ref for t in tracker.find(Teacher)] == ["T001"]
    assert tracker.count(Teacher, include_archived=True) == 2
    assert tracker.get(Teacher, "T002").archived
    assert [c.action for c in tracker.changes(record_type="teachers")][-1] == "archive"


def test_money_is_exact_to_the_fen(tracker: Tracker, programme: Programme) -> None:
    for amount in ("0.10", "0.20", "1234.56"):
        tracker.spend(programme.allocation, amount, category="差旅补助", spent_on="2025-05-01")
    assert tracker.balance(programme.allocation) == Decimal("98765.14")
    tracker.spend(
        programme.allocation,
        "98765.15",
        category="设备",
        spent_on="2025-06-01",
        allow_overspend=True,
    )
    assert tracker.balance(programme.allocation) == Decimal("-0.01")


def test_rubric_versions_and_assessment(tracker: Tracker, programme: Programme) -> None:
    criteria = [
        Criterion(key="teaching", name="教学成果", weight=0.4),
        Criterion(key="influence", name="对当地教师的带动作用", weight=0.4),
        Criterion(key="cooperation", name="与同事的合作交流", weight=0.2),
    ]
    first = tracker.define_rubric("交流教师考核", target="secondment", criteria=criteria)
    second = tracker.define_rubric("交流教师考核", target="secondment", criteria=criteria[:2])
    assert (first.version, second.version) == (1, 2)
    secondment = tracker.second(
        programme.teacher, programme.host, kind="挂职", starts_on="2025-09-01", ends_on="2025-12-31"
    )
    scores = {"teaching": 92, "influence": 88, "cooperation": 95}
    assessment = tracker.assess(
        first,
        secondment.id,
        period="2025",
        assessor="贞丰县教育局",
        scores=scores,
        assessed_on="2026-01-10",
    )
    assert assessment.score_of("teaching") == 92.0


def test_bulk_add_is_one_log_entry(tracker: Tracker, programme: Programme) -> None:
    teachers = (Teacher(name=f"教师{i}", school_id=programme.host.id) for i in range(2500))
    result = tracker.bulk_add(teachers, batch_size=1000)
    assert result.count == 2500
    assert result.last_id - result.first_id == 2499
    bulk = [c for c in tracker.changes() if c.action == "bulk"]
    assert len(bulk) == 1 and '"count":2500' in (bulk[0].after or "")
    assert tracker.verify_log() == len(list(tracker.changes()))


def test_plugins_hear_of_committed_changes_only(tracker: Tracker, programme: Programme) -> None:
    heard: list[str] = []

    class Listener:
        @exchange.hookimpl
        def record_changed(self, change: Any) -> None:
            heard.append(change.action)

    tracker.plugins.pm.register(Listener())
    with pytest.raises(errors.NotFound), tracker.transaction():
        tracker.add(School(name="甲居镇小学", region="四川省甘孜州丹巴县", stage="小学"))
        tracker.get(School, "missing")
    assert heard == []
    tracker.add(School(name="巴旺小学", region="四川省甘孜州丹巴县", stage="小学"))
    assert heard == ["add"]


# -- bad input: a clear ExchangeError, and the store exactly as before ---------------------

BadCall = Callable[[Tracker, Programme], object]

BAD_CALLS: dict[str, BadCall] = {
    "second to own school": lambda t, p: t.second(
        p.teacher, p.home, kind="支教", starts_on="2025-09-01", ends_on="2026-01-01"
    ),
    "end before start": lambda t, p: t.second(
        p.teacher, p.host, kind="支教", starts_on="2025-09-01", ends_on="2025-08-01"
    ),
    "unknown teacher ref": lambda t, p: t.second(
        "T999", p.host, kind="支教", starts_on="2025-09-01", ends_on="2026-01-01"
    ),
    "unknown kind": lambda t, p: t.second(
        p.teacher, p.host, kind="holiday", starts_on="2025-09-01", ends_on="2026-01-01"
    ),
    "bad date": lambda t, p: t.second(
        p.teacher, p.host, kind="跟岗", starts_on="2025-02-30", ends_on="2026-01-01"
    ),
    "school paired with itself": lambda t, p: t.pair_schools(
        p.home, "HY01", signed_on="2025-01-01"
    ),
    "schools paired twice": lambda t, p: t.pair_schools(p.home, p.host, signed_on="2026-01-01"),
    "schools paired twice the other way": lambda t, p: t.pair_schools(
        p.host, p.home, signed_on="2024-01-01"
    ),
    "expense outside its allocation's year": lambda t, p: t.spend(
        p.allocation, "10", category="设备", spent_on=f"{p.allocation.year + 1}-01-01"
    ),
    "self mentoring": lambda t, p: t.pair_mentor(
        p.teacher, "T001", programme="百千万", starts_on="2025-01-01"
    ),
    "duplicate ref": lambda t, p: t.add(
        School(name="另一所学校", region="广东省惠州市惠阳区", stage="小学", ref="HY01")
    ),
    "duplicate ref on update": lambda t, p: t.update(attrs.evolve(p.mentee, ref="T001")),
    "negative money": lambda t, p: t.allocate(p.pairing, year=2026, amount=-1),
    "money below the fen": lambda t, p: t.allocate(p.pairing, year=2026, amount="0.001"),
    "float money": lambda t, p: t.allocate(p.pairing, year=2026, amount=0.1),
    "overspend": lambda t, p: t.spend(
        p.allocation, "100000.01", category="设备", spent_on="2025-05-01"
    ),
    "empty name": lambda t, p: t.add(School(name="  ", region="r", stage="小学")),
    "NUL in text": lambda t, p: t.add(Teacher(name="陈\x00", school_id=p.home.id)),
    "huge name": lambda t, p: t.add(Teacher(name="陈" * 10_000, school_id=p.home.id)),
    "unknown school id": lambda t, p: t.add(Teacher(name="赵老师", school_id=999)),
    "record with an id": lambda t, p: t.add(p.mentee),
    "update of a missing record": lambda t, p: t.update(attrs.evolve(p.mentee, id=999)),
    "delete of a linked school": lambda t, p: t.delete(School, p.home.id),
    "delete of a missing record": lambda t, p: t.delete(School, 999),
    "unknown filter": lambda t, p: list(t.find(School, colour="red")),
    "filter by an unknown ref": lambda t, p: t.count(Teacher, school_id="NOPE"),
    "filter with a bad date": lambda t, p: t.count(Secondment, starts_on="2025-13-01"),
    "filter with a text id": lambda t, p: t.count(Teacher, id="seven"),
    "filter with a text flag": lambda t, p: t.count(School, rural="yes"),
    "unknown record type": lambda t, p: t.count("classroom"),
    "bad id type": lambda t, p: t.get(School, 1.5),  # type: ignore[arg-type]
    "bulk of mixed types": lambda t, p: t.bulk_add(
        [Teacher(name="甲", school_id=p.home.id), School(name="乙", region="r", stage="小学")]  # type: ignore[list-item]
    ),
    "bulk with a bad link midway": lambda t, p: t.bulk_add(
        Teacher(name=f"教师{i}", school_id=p.home.id if i != 1500 else 999) for i in range(2000)
    ),
    "bulk with a duplicate ref": lambda t, p: t.bulk_add(
        Teacher(name=f"教师{i}", school_id=p.home.id, ref=f"B{i % 1200}") for i in range(1300)
    ),
    "assessment off the scale": lambda t, p: t.assess(
        t.define_rubric("r", target="school", criteria=[Criterion(key="a", name="甲")]),
        p.home.id,
        period="2025",
        assessor="某",
        scores={"a": 101},
        assessed_on="2025-12-01",
    ),
    "assessment of a missing target": lambda t, p: t.assess(
        t.define_rubric("r", target="secondment", criteria=[Criterion(key="a", name="甲")]),
        42,
        period="2025",
        assessor="某",
        scores={"a": 50},
        assessed_on="2025-12-01",
    ),
    "assessment missing a criterion": lambda t, p: t.assess(
        t.define_rubric(
            "r",
            target="school",
            criteria=[Criterion(key="a", name="甲"), Criterion(key="b", name="乙")],
        ),
        p.home.id,
        period="2025",
        assessor="某",
        scores={"a": 50},
        assessed_on="2025-12-01",
    ),
    "the change log by hand": lambda t, p: t.add(next(t.changes())),  # type: ignore[arg-type]
}


@pytest.mark.parametrize("case", sorted(BAD_CALLS))
def test_bad_input_is_refused_and_changes_nothing(
    tracker: Tracker, programme: Programme, case: str
) -> None:
    before = dump(tracker)
    with pytest.raises(errors.ExchangeError) as raised, tracker.transaction():
        BAD_CALLS[case](tracker, programme)
    message = str(raised.value)
    assert message and "\n" not in message and "Traceback" not in message
    assert dump(tracker) == before


def test_second_assessment_by_the_same_assessor_is_refused(
    tracker: Tracker, programme: Programme
) -> None:
    rubric = tracker.define_rubric("r", target="school", criteria=[Criterion(key="a", name="甲")])
    tracker.assess(
        rubric,
        programme.host.id,
        period="2025",
        assessor="张",
        scores={"a": 80},
        assessed_on="2025-12-01",
    )
    before = dump(tracker)
    with pytest.raises(errors.RuleViolation, match="already assessed"):
        tracker.assess(
            rubric,
            programme.host.id,
            period="2025",
            assessor="张",
            scores={"a": 90},
            assessed_on="2025-12-02",
        )
    assert dump(tracker) == before


def test_unsupported_scheme_names_the_known_ones() -> None:
    with pytest.raises(
        errors.ConfigurationError, match=r"'mysql'.*memory, postgres, postgresql, sqlite"
    ):
        Tracker.open("mysql://bureau")


def test_a_path_opens_the_sqlite_file_it_names(tmp_path: Path) -> None:
    path = tmp_path / "a:b 区.db"  # a colon in a path is not a scheme
    with Tracker.open(path) as tracker:
        tracker.add(School(name="甲", region="r", stage="小学"))
    assert path.is_file()
    with Tracker.open(f"sqlite:///{path}") as again:
        assert again.count(School) == 1


def test_nested_transaction_failure_undoes_only_the_inner_block(
    tracker: Tracker, programme: Programme
) -> None:
    with tracker.transaction():
        tracker.add(
            Mentorship(
                mentor_id=programme.teacher.id,
                mentee_id=programme.mentee.id,
                programme="百千万",
                starts_on="2025-01-01",
            )
        )
        with pytest.raises(errors.InvalidRecord), tracker.transaction():
            tracker.add(School(name="内层", region="r", stage="小学"))
            tracker.add(School(name="", region="r", stage="小学"))
    assert tracker.count(Mentorship) == 1
    assert tracker.count(School) == 2
    assert tracker.verify_log() == len(list(tracker.changes()))


def test_actor_defaults_to_the_os_user(tmp_path: Path) -> None:
    with Tracker.open("memory:") as plain:
        plain.add(School(name="甲", region="r", stage="小学"))
        assert next(plain.changes()).actor == exchange.changelog.default_actor()


def test_the_same_two_schools_pair_again_only_when_the_first_pairing_has_ended(
    tracker: Tracker,
) -> None:
    """Periods that meet are refused, in a bulk load too (between its rows); ended
    pairings leave room for a new one, and a pairing may be updated in place."""
    a, b, c = (
        tracker.add(School(name=n, region="贞丰县", stage="小学")) for n in ("甲校", "乙校", "丙校")
    )
    old = tracker.pair_schools(a, b, signed_on="2016-09-01")
    old = tracker.update(attrs.evolve(old, ended_on=dt.date(2020, 8, 31)))
    renewed = tracker.pair_schools(b, a, signed_on="2020-09-01")
    assert tracker.update(attrs.evolve(renewed, annual_budget=Decimal(5000))).revision == 1
    before = dump(tracker)
    with pytest.raises(errors.RuleViolation, match=r"甲校.*乙校.*from 2020-09-01 \(pairing 2\)"):
        tracker.update(attrs.evolve(old, ended_on=dt.date(2020, 9, 1)))
    with pytest.raises(errors.RuleViolation, match="cannot be paired twice at once"):
        tracker.bulk_add(
            exchange.Pairing(supporting_school_id=x, supported_school_id=y, signed_on="2021-01-01")
            for x, y in ((a.id, c.id), (c.id, a.id))
        )
    assert dump(tracker) == before


def test_a_school_has_a_stage_and_other_organisations_have_none(tracker: Tracker) -> None:
    bureau = tracker.add(School(name="丹巴县教育和体育局", region="丹巴县", kind="教育局"))
    assert bureau.stage is None and not bureau.is_school
    assert tracker.get(School, bureau.id).kind is exchange.OrganisationKind.BUREAU
    staff = tracker.add(Teacher(name="干部", school_id=bureau.id))
    assert [t.id for t in tracker.find(Teacher, school_id=bureau.id)] == [staff.id]
    before = dump(tracker)
    for values in (
        {"stage": None},
        {"stage": "", "kind": "学校"},
        {"stage": "小学", "kind": "教研室"},
    ):
        with pytest.raises(errors.InvalidRecord, match="stage"):
            tracker.add(School(name="某单位", region="丹巴县", **values))
    assert dump(tracker) == before


def test_invisible_marks_are_removed_and_look_alike_refs_are_the_same_ref(
    tracker: Tracker,
) -> None:
    """A name of zero-width characters and direction marks alone is empty; a ref that
    differs from a stored one only by such marks or by full-width forms is that ref."""
    school = tracker.add(
        School(name="贞丰县\u200b第五中学\u200f", region="贞丰县", stage="初中", ref="ZF-05")
    )
    assert school.name == "贞丰县第五中学"
    before = dump(tracker)
    with pytest.raises(errors.InvalidRecord, match="name must not be empty"):
        tracker.add(School(name="\u200b\u200e\u2066\ufeff", region="贞丰县", stage="初中"))
    for look_alike in ("ZF-05\u200b", "\u202eZF-05", "ＺＦ－０５", " ZF-05 "):
        with pytest.raises(errors.DuplicateRef, match="ZF-05"):
            tracker.add(School(name="另一所学校", region="贞丰县", stage="小学", ref=look_alike))
    assert dump(tracker) == before
    assert tracker.get(School, "ＺＦ－０５").id == school.id  # found by either form
