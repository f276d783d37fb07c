"""Mentor plans from the store: capacities and hard constraints kept, explanations for
everyone left out and for any pair, applied through the rules, refused when stale."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest
from conftest import apply_at_once
from hypothesis import given
from hypothesis import strategies as st

from exchange import Mentorship, Programme, School, Teacher, Tracker, errors
from exchange.matching import engine
from exchange.matching.plan import MentorPlan
from exchange.matching.settings import MatchSettings, read_settings, settings
from exchange.testing import provinces
from exchange.testing.provinces import brute_force

DAY = "2026-03-01"
HUIYANG, ZHENFENG = "广东省惠州市惠阳区", "贵州省黔西南州贞丰县"
REGIONS = {"mentors": {"region": HUIYANG}, "mentees": {"region": ZHENFENG}}


@pytest.fixture
def tracker() -> Tracker:
    """惠阳 mentors for 贞丰 mentees, as in the seeds: capacity 2."""
    t = Tracker.open("memory:")
    bandao = t.add(School(name="惠阳区半岛学校", region=HUIYANG, stage="初中"))
    kinder = t.add(School(name="镇隆第三幼儿园", region=HUIYANG, stage="幼儿园"))
    wuzhong = t.add(School(name="贞丰县第五中学", region=ZHENFENG, stage="初中"))
    shuang = t.add(School(name="双峰街道第一幼儿园", region=ZHENFENG, stage="幼儿园"))
    for ref, name, school, subjects, roles in [
        ("chen", "陈志强", bandao, ["数学"], ["名师"]),
        ("lin", "林晓雯", bandao, ["心理健康"], ["骨干教师", "心理教师"]),
        ("huang", "黄丽娟", kinder, ["学前教育"], ["骨干教师"]),
        ("luo", "罗明", wuzhong, ["数学"], []),
        ("tian", "田静", wuzhong, ["心理健康"], []),
        ("yang", "杨帆", wuzhong, ["数学"], []),
        ("wang", "王芳", shuang, ["学前教育"], []),
    ]:
        t.add(Teacher(name=name, school_id=school.id, subjects=subjects, roles=roles, ref=ref))
    t.define_programme("惠贞师徒结对", mentor_capacity=2)
    return t


def plan_of(tracker: Tracker, **criteria: Any) -> MentorPlan:
    return tracker.match_mentors("惠贞师徒结对", criteria={**REGIONS, **criteria}, starts_on=DAY)


def pairs(tracker: Tracker, plan: MentorPlan) -> set[tuple[str, str]]:
    def ref(i: int) -> str:
        return tracker.get(Teacher, i).ref or ""

    return {(ref(p.mentee_id), ref(p.mentor_id)) for p in plan.pairs}


def test_the_best_plan_with_each_pairs_score_by_criterion(tracker: Tracker) -> None:
    plan = plan_of(tracker)
    assert pairs(tracker, plan) == {
        ("luo", "chen"),
        ("yang", "chen"),
        ("tian", "lin"),
        ("wang", "huang"),
    }
    tian = next(p for p in plan.pairs if p.mentee_id == tracker.get(Teacher, "tian").id)
    points = {c.criterion: c.points for c in tian.contributions}
    assert points == {"nearby": 0, "previous": 0, "stage": 2, "standing": 0.6, "subject": 3}
    assert tian.total == pytest.approx(5.6)
    assert plan.score.pairs == 4 and plan.score.total >= plan.greedy.total
    assert plan.unmatched == ()


def test_a_mentor_full_across_programmes_takes_no_one(tracker: Tracker) -> None:
    tracker.define_programme("青蓝工程", mentor_capacity=1)
    tracker.pair_mentor("chen", "luo", programme="青蓝工程", starts_on="2025-09-01")
    plan = plan_of(tracker)
    chen = tracker.get(Teacher, "chen").id
    assert all(p.mentor_id != chen for p in plan.pairs)
    [left] = [u for u in plan.unmatched if u.teacher_id == chen]
    assert left.reason == "already mentors 1 of the 1 allowed"
    assert "every mentor who fits has no place left" not in str(plan.unmatched)


def test_capacity_leaves_the_weaker_mentee_out_and_says_why(tracker: Tracker) -> None:
    plan = plan_of(tracker, capacity=1, must=["subject"])
    assert ("luo", "chen") in pairs(tracker, plan) or ("yang", "chen") in pairs(tracker, plan)
    [left] = [u for u in plan.unmatched if u.side == "mentee"]
    assert left.reason == "every mentor who fits has no place left in this plan: 陈志强"


def test_hard_constraints_leave_people_out_with_the_constraint(tracker: Tracker) -> None:
    plan = plan_of(tracker, must=["subject"], forbidden=[["tian", "lin"]])
    assert ("tian", "lin") not in pairs(tracker, plan)
    [tian] = [u for u in plan.unmatched if u.teacher_id == tracker.get(Teacher, "tian").id]
    assert tian.reason == (
        "no mentor fits: 2 × it does not meet subject, which the criteria require; "
        "1 × the criteria forbid this pair"
    )
    lin = next(u for u in plan.unmatched if u.teacher_id == tracker.get(Teacher, "lin").id)
    assert lin.side == "mentor" and lin.reason.startswith("fits no mentee: ")


def test_pinned_pairs_stay_whatever_their_score(tracker: Tracker) -> None:
    plan = plan_of(tracker, pinned=[["tian", "chen"]])
    assert ("tian", "chen") in pairs(tracker, plan)
    assert next(p for p in plan.pairs if p.pinned).mentor_id == tracker.get(Teacher, "chen").id
    assert plan.why(
        tracker.get(Teacher, "tian").id or 0, tracker.get(Teacher, "chen").id or 0
    ).chosen


def test_a_pinned_pair_that_breaks_a_rule_is_refused(tracker: Tracker) -> None:
    with pytest.raises(errors.RuleViolation, match=r"cannot pin mentee .* the criteria forbid"):
        plan_of(tracker, pinned=[["tian", "chen"]], forbidden=[["tian", "chen"]])
    with pytest.raises(errors.RuleViolation, match="is not a mentor of this plan"):
        plan_of(tracker, pinned=[["tian", "luo"]])


def test_previous_pairs_are_avoided_and_can_be_ruled_out(tracker: Tracker) -> None:
    tracker.define_programme("旧项目")
    old = tracker.pair_mentor("lin", "luo", programme="旧项目", starts_on="2024-09-01")
    tracker.complete_mentorship(old, on="2025-07-01")
    plan = plan_of(tracker, must_not=["previous"], weights={"subject": 0, "stage": 0})
    assert ("luo", "lin") not in pairs(tracker, plan)
    why = plan.why(tracker.get(Teacher, "luo").id or 0, tracker.get(Teacher, "lin").id or 0)
    assert why.reason == "it meets previous, which the criteria rule out"


def test_within_keeps_candidates_in_one_prefecture(tracker: Tracker) -> None:
    plan = tracker.match_mentors(
        "惠贞师徒结对", criteria={"within": "prefecture", "mentors": {"roles": []}}, starts_on=DAY
    )
    for pair in plan.pairs:
        mentee, mentor = tracker.get(Teacher, pair.mentee_id), tracker.get(Teacher, pair.mentor_id)
        regions = {tracker.get(School, t.school_id).region for t in (mentee, mentor)}
        assert len(regions) == 1


def test_pool_regions_include_what_lies_below_them_however_written(tracker: Tracker) -> None:
    short = {"mentors": {"region": "惠阳区"}, "mentees": {"region": "贵州省"}}
    plan = tracker.match_mentors("惠贞师徒结对", criteria=short, starts_on=DAY)
    assert plan.pairs == plan_of(tracker).pairs


def test_no_cycle_is_proposed(tracker: Tracker) -> None:
    """罗明 already mentors 陈志强 in another programme: 陈 cannot mentor 罗."""
    tracker.define_programme("反向")
    tracker.pair_mentor("luo", "chen", programme="反向", starts_on="2025-09-01")
    plan = plan_of(tracker, pinned=[["yang", "chen"]])
    why = plan.why(tracker.get(Teacher, "luo").id or 0, tracker.get(Teacher, "chen").id or 0)
    assert why.reason == "the mentor is already mentored, directly or through others, by the mentee"
    tracker.apply_mentor_plan(plan)  # the rules agree


def test_a_pair_ended_early_makes_no_cycle(tracker: Tracker) -> None:
    tracker.define_programme("反向")
    pair = tracker.pair_mentor("luo", "chen", programme="反向", starts_on="2025-09-01")
    tracker.end_mentorship(pair, reason="调离", on="2025-10-01")
    plan = plan_of(tracker)
    assert ("luo", "chen") in pairs(tracker, plan)
    tracker.apply_mentor_plan(plan)


def test_why_names_the_better_plan_and_whom_it_moves(tracker: Tracker) -> None:
    plan = plan_of(tracker)
    tian, chen, lin = (tracker.get(Teacher, r).id or 0 for r in ("tian", "chen", "lin"))
    why = plan.why(tian, chen)
    assert not why.chosen and why.forced is not None
    assert why.forced.total < plan.score.total
    assert why.reason.startswith("a better plan leaves it out: with it the plan would make 4 pairs")
    moved = {(m.mentee_id, m.planned, m.forced) for m in why.moves}
    assert (tian, lin, chen) in moved
    assert {c.criterion: c.value for c in why.contributions}["subject"] == 0
    assert plan.why(tian, lin).chosen


def test_why_about_someone_outside_the_plan(tracker: Tracker) -> None:
    plan = plan_of(tracker)
    chen, luo = tracker.get(Teacher, "chen").id or 0, tracker.get(Teacher, "luo").id or 0
    assert plan.why(chen, luo).reason.startswith(f"teacher {chen} is not a mentee of this plan")


def test_applying_stores_the_pairs_through_the_rules(tracker: Tracker) -> None:
    plan = plan_of(tracker)
    stored = tracker.apply_mentor_plan(plan)
    assert len(stored) == 4 and {p.starts_on for p in stored} == {dt.date(2026, 3, 1)}
    assert plan_of(tracker).pairs == ()  # everyone has a mentor now
    report = tracker.report("mentoring", programme="惠贞师徒结对").materialized()
    assert len(list(report.table("pairs").rows)) == 4


def test_a_plan_on_changed_records_is_refused_and_nothing_is_stored(tracker: Tracker) -> None:
    plan = plan_of(tracker)
    tian = tracker.get(Teacher, "tian")
    tracker.update(tian.__class__(**{**_fields(tian), "subjects": ("数学",)}))
    with pytest.raises(
        errors.StaleRecord, match="the plan is out of date: teacher tian was changed"
    ):
        tracker.apply_mentor_plan(plan)
    assert tracker.count(Mentorship) == 0


def test_a_pair_added_since_makes_the_plan_stale(tracker: Tracker) -> None:
    plan = plan_of(tracker)
    tracker.pair_mentor("chen", "luo", programme="惠贞师徒结对", starts_on=DAY)
    with pytest.raises(errors.StaleRecord, match=r"mentorship \d+ was added; compute it again"):
        tracker.apply_mentor_plan(plan)
    assert tracker.count(Mentorship) == 1


def _fields(record: Any) -> dict[str, Any]:
    import attrs

    return attrs.asdict(record, recurse=False)


def test_two_coordinators_apply_at_once_and_one_wins(shared_store: str) -> None:
    """On SQLite and PostgreSQL: each computes the same plan, then both apply at once."""
    url = shared_store
    with Tracker.open(url) as setup:
        provinces.store(setup, provinces.province(3, mentors=4, mentees=12))

    def coordinator(mine: Tracker, ready: Callable[[], object]) -> int:
        plan = mine.match_mentors(provinces.PROGRAMME, criteria=provinces.SETTINGS)
        ready()
        return len(mine.apply_mentor_plan(plan))

    stored, refused = apply_at_once(url, coordinator)
    assert len(stored) == 1 and len(refused) == 1, (stored, refused)
    assert "the plan is out of date" in refused[0]
    with Tracker.open(url) as after:
        assert after.count(Mentorship) == 4 + stored[0]  # the earlier pairs and one plan
        assert after.verify_log()


def test_same_records_same_plan_and_digest(tracker: Tracker) -> None:
    first, second = plan_of(tracker), plan_of(tracker)
    assert first.pairs == second.pairs and first.digest == second.digest
    assert plan_of(tracker, capacity=1).digest != first.digest


def test_the_digest_depends_on_the_records_and_request_not_on_the_day(
    tracker: Tracker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plan reviewed before midnight (no --from) is the same plan after it."""
    from exchange.matching import planner

    class Tomorrow(dt.date):
        @classmethod
        def today(cls) -> dt.date:
            return dt.date(2026, 3, 2)

    before = tracker.match_mentors("惠贞师徒结对", criteria=REGIONS)
    monkeypatch.setattr(planner.dt, "date", Tomorrow)
    after = tracker.match_mentors("惠贞师徒结对", criteria=REGIONS)
    assert after.starts_on == dt.date(2026, 3, 2) and after.digest == before.digest
    assert plan_of(tracker).digest != before.digest  # a day asked for is part of the request
    tracker.update(attrs.evolve(tracker.get(Teacher, "tian"), subjects=["数学"]))
    assert tracker.match_mentors("惠贞师徒结对", criteria=REGIONS).digest != before.digest


def test_an_unknown_programme_or_criterion_is_one_clear_error(tracker: Tracker) -> None:
    with pytest.raises(errors.NotFound, match="no programme named '火星'"):
        tracker.match_mentors("火星")
    with pytest.raises(errors.ConfigurationError, match="unknown matching criterion 'humour'"):
        plan_of(tracker, weights={"humour": 2})


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"within": "village"}, "within must be one of province, prefecture, county"),
        ({"weights": {"subject": "high"}}, "weight 'subject' must be a number"),
        ({"capacity": 0}, "capacity must be a whole number of 1 or more"),
        ({"pinned": [["a"]]}, "a pinned or forbidden pair is [mentee, mentor]"),
        ({"colour": 1}, "criteria: unknown keys ['colour']"),
        ({"mentors": {"age": 40}}, "criteria [mentors]: unknown keys ['age']"),
        ({"mentors": {"roles": ["火箭"]}}, "'火箭' is not a role"),
    ],
)
def test_bad_settings_are_named(data: dict[str, Any], says: str) -> None:
    with pytest.raises(errors.InvalidRecord) as caught:
        settings(data)
    assert says in str(caught.value)


def test_a_criteria_file(tmp_path: Path) -> None:
    path = tmp_path / "bqw.toml"
    path.write_text(
        'within = "prefecture"\nmust = ["subject"]\npinned = [["T-2", "T-1"]]\n'
        "[weights]\nnearby = 0.5\n[mentors]\nroles = ['名师']\n",
        encoding="utf-8",
    )
    found = read_settings(path)
    assert found == MatchSettings(
        within="prefecture",
        must=("subject",),
        pinned=(("T-2", "T-1"),),
        weights={"nearby": 0.5},
        mentors=MatchSettings().mentors.__class__(roles=["名师"]),
    )
    path.write_text("within = ", encoding="utf-8")
    with pytest.raises(errors.InvalidRecord, match=r"bqw\.toml: "):
        read_settings(path)


# -- properties on generated provinces ----------------------------------------------------


@st.composite
def requests(draw: st.DrawFn) -> tuple[int, int, int, dict[str, Any]]:
    seed, mentors, mentees = (
        draw(st.integers(0, 10**6)),
        draw(st.integers(1, 7)),
        draw(st.integers(1, 7)),
    )
    criteria: dict[str, Any] = dict(provinces.SETTINGS)
    criteria["within"] = draw(st.sampled_from([None, "province", "prefecture", "county"]))
    criteria["must"] = draw(st.lists(st.sampled_from(["subject", "stage"]), max_size=1))
    criteria["must_not"] = draw(st.lists(st.sampled_from(["previous", "nearby"]), max_size=1))
    criteria["weights"] = {"nearby": draw(st.sampled_from([-1, 0, 1, 2]))}
    mentee_ids = st.integers(mentors + 1, mentors + max(1, mentees))
    criteria["forbidden"] = draw(
        st.lists(st.tuples(mentee_ids, st.integers(1, mentors)).map(list), max_size=3)
    )
    return seed, mentors, mentees, criteria


@given(requests())
def test_a_plan_keeps_every_capacity_and_hard_constraint_and_is_optimal(
    request: tuple[int, int, int, dict[str, Any]],
) -> None:
    seed, mentors, mentees, criteria = request
    tracker = Tracker.open("memory:")
    generated = provinces.province(
        seed, mentors=mentors, mentees=mentees, prefectures=1, counties=2
    )
    provinces.store(tracker, generated)
    plan = tracker.match_mentors(provinces.PROGRAMME, criteria=criteria, starts_on=DAY)
    solved = plan.solved
    assert (solved.assignment.count, solved.assignment.total) == brute_force(solved.problem)
    assert plan.score.pairs >= plan.greedy.pairs
    assert (plan.score.pairs, plan.score.total) >= (plan.greedy.pairs, plan.greedy.total)
    match = solved.match
    for pair in plan.pairs:
        mentee = match.mentees[match.mentee_index[pair.mentee_id]]
        mentor = match.mentors[match.mentor_index[pair.mentor_id]]
        check_hard_constraints(criteria, mentee, mentor)
    placed = {p.mentee_id for p in plan.pairs} | {u.teacher_id for u in plan.unmatched}
    assert {p.id for p in match.mentees} <= placed
    tracker.apply_mentor_plan(plan)  # capacity and cycle rules of every write agree
    for mentor in match.mentors:
        assert tracker.load(mentor.id)["mentoring"] <= (match.limit(mentor.id) or 10**6)


def check_hard_constraints(criteria: dict[str, Any], mentee: Any, mentor: Any) -> None:
    """The pair keeps every hard constraint of ``criteria``, checked apart from the engine."""
    from plugins import matching as builtin

    assert [mentee.id, mentor.id] not in criteria["forbidden"]
    if criteria["within"]:
        assert mentee.place.within(criteria["within"]) == mentor.place.within(criteria["within"])
    for name in criteria["must"]:
        assert getattr(builtin, name)(mentor, mentee) > 0
    for name in criteria["must_not"]:
        assert getattr(builtin, name)(mentor, mentee) == 0


def test_the_optimal_plan_beats_greedy_on_generated_provinces() -> None:
    """The average gap the note quotes (bench/matching.py measures it at scale)."""
    gaps = []
    for seed in range(8):
        tracker = Tracker.open("memory:")
        provinces.store(tracker, provinces.province(seed, mentors=12, mentees=40))
        plan = tracker.match_mentors(
            provinces.PROGRAMME, criteria={**provinces.SETTINGS, "within": "prefecture"}
        )
        assert (plan.score.pairs, plan.score.total) >= (plan.greedy.pairs, plan.greedy.total)
        gaps.append((plan.score.total - plan.greedy.total) / plan.score.total)
    assert min(gaps) >= 0 and sum(gaps) / len(gaps) > 0


def test_a_programme_without_a_record_has_no_capacity_but_the_settings(tracker: Tracker) -> None:
    programme = next(tracker.find(Programme, name="惠贞师徒结对"))
    tracker.delete(Programme, programme)
    tracker.pair_mentor("huang", "wang", programme="惠贞师徒结对", starts_on="2025-09-01")
    plan = tracker.match_mentors("惠贞师徒结对", criteria={**REGIONS, "capacity": 1}, starts_on=DAY)
    assert len(plan.pairs) == 2  # 陈 and 林 one each; 黄 is full
    assert engine.solve(plan.solved.problem).count == 2


def test_a_missing_criteria_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(errors.InvalidRecord, match="no criteria file"):
        read_settings(tmp_path / "none.toml")


def test_every_heading_of_a_plan_and_an_answer_has_a_chinese_translation(
    tracker: Tracker,
) -> None:
    import re

    from exchange import i18n
    from exchange.matching.tables import why_report

    plan = plan_of(tracker, must=["subject"], must_not=["previous"])
    tian, chen = tracker.get(Teacher, "tian").id or 0, tracker.get(Teacher, "chen").id or 0
    say = i18n.translator("zh")
    answer = why_report(plan.why(tian, chen), dict(plan.names))
    for report in (plan.report(), answer):
        texts = [report.title, *report.parameters]
        for table in report.tables:
            texts += [table.heading, *(c.label for c in table.columns)]
            texts += [str(cell) for row in table.rows for cell in row if type(cell) is i18n.Phrase]
        missing = [t for t in texts if not re.search("[\u4e00-\u9fff]", say(t))]
        assert missing == []
    [row] = answer.localized("zh").table("answer").rows
    assert tuple(row[2:]) == ("否", "不满足必须满足的指标 subject")
