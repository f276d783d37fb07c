"""Rubric trees: totals, grades, levels, versions and combined assessors."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exchange import Criterion, Grade, GradeBand, Rubric, School, Tracker, errors
from exchange.scoring import bounds, combined, evaluate

LEVELS = {"优秀": 95.0, "良好": 85.0, "合格": 70.0, "不合格": 50.0}


def _leaf(key: str) -> st.SearchStrategy[Criterion]:
    return st.builds(
        lambda weight, top, levels: Criterion(
            key=key,
            name=f"指标{key}",
            weight=weight,
            max_score=top,
            levels=LEVELS if levels and top >= 95 else {},
        ),
        st.floats(0.1, 10),
        st.sampled_from([10.0, 20.0, 100.0]),
        st.booleans(),
    )


@st.composite
def trees(draw: st.DrawFn, depth: int = 2, prefix: str = "c") -> Criterion:
    """A criterion with up to three children per node, keys unique by path."""
    if depth == 0 or draw(st.booleans()):
        return draw(_leaf(prefix))
    n = draw(st.integers(1, 3))
    children = [draw(trees(depth - 1, f"{prefix}{i}")) for i in range(n)]
    return Criterion(
        key=prefix,
        name=f"组{prefix}",
        weight=draw(st.floats(0.1, 10)),
        combine=draw(st.sampled_from(["mean", "sum", "min"])),
        children=children,
    )


@st.composite
def rubrics(draw: st.DrawFn) -> Rubric:
    tops = [draw(trees(2, f"t{i}")) for i in range(draw(st.integers(1, 3)))]
    probe = Rubric(
        name="交流教师考核",
        version=1,
        target="school",
        criteria=tops,
        bands=[GradeBand(grade=Grade.FAIL, min_total=-1e9)],
    )
    low, high = bounds(probe)
    cut = low + (high - low) * draw(st.floats(0.1, 0.9))
    return Rubric(
        name="交流教师考核",
        version=1,
        target="school",
        criteria=tops,
        bands=[
            GradeBand(grade=Grade.PASS, min_total=cut),
            GradeBand(grade=Grade.FAIL, min_total=low),
        ],
    )


@st.composite
def scored(draw: st.DrawFn) -> tuple[Rubric, dict[str, float | str]]:
    rubric = draw(rubrics())
    scores: dict[str, float | str] = {}
    for leaf in rubric.leaves():
        if leaf.levels and draw(st.booleans()):
            scores[leaf.key] = draw(st.sampled_from([label for label, _ in leaf.levels]))
        else:
            scores[leaf.key] = draw(st.floats(leaf.min_score, leaf.max_score))
    return rubric, scores


@given(scored())
def test_total_lies_between_the_lowest_and_highest_possible(case: tuple[Rubric, dict]) -> None:
    rubric, scores = case
    result = evaluate(rubric, scores)
    low, high = bounds(rubric)
    assert low <= result.total <= high
    assert (result.low, result.high) == (low, high)


@given(scored(), st.data())
def test_total_is_monotone_in_every_leaf(case: tuple[Rubric, dict], data: st.DataObject) -> None:
    rubric, scores = case
    leaf = data.draw(st.sampled_from(rubric.leaves()))
    lower = data.draw(st.floats(leaf.min_score, leaf.max_score))
    higher = data.draw(st.floats(lower, leaf.max_score))
    assert (
        evaluate(rubric, {**scores, leaf.key: lower}).total
        <= evaluate(rubric, {**scores, leaf.key: higher}).total
    )


def test_weighted_mean_sum_and_min_on_a_worked_example() -> None:
    rubric = Rubric(
        name="交流教师考核",
        version=1,
        target="secondment",
        criteria=[
            Criterion(key="teaching", name="教学成果", weight=0.4),
            Criterion(key="influence", name="对当地教师的带动作用", weight=0.4, levels=LEVELS),
            Criterion(key="cooperation", name="与同事的合作交流", weight=0.2, max_score=10),
        ],
    )
    result = evaluate(rubric, {"teaching": 90, "influence": "良好", "cooperation": 9.5})
    assert result.total == pytest.approx(0.4 * 90 + 0.4 * 85 + 0.2 * 95)  # 89.0
    assert result.grade is Grade.GOOD
    points = Rubric(
        name="结对学校考核",
        version=1,
        target="pairing",
        bands=[
            GradeBand(grade="优秀", min_total=90),
            GradeBand(grade="合格", min_total=60),
            GradeBand(grade="不合格", min_total=0),
        ],
        criteria=[
            Criterion(
                key="all",
                name="总分",
                combine="sum",
                children=[
                    Criterion(key="a", name="教学", max_score=60),
                    Criterion(key="b", name="教研", max_score=40),
                ],
            )
        ],
    )
    assert evaluate(points, {"a": 55, "b": 36}).total == 91
    assert evaluate(points, {"a": 55, "b": 36}).grade is Grade.EXCELLENT
    weakest = Rubric(
        name="底线",
        version=1,
        target="school",
        criteria=[
            Criterion(
                key="all",
                name="全部",
                combine="min",
                children=[
                    Criterion(key="a", name="甲"),
                    Criterion(key="b", name="乙", max_score=10),
                ],
            )
        ],
    )
    assert evaluate(weakest, {"a": 80, "b": 5}).total == 50


@pytest.mark.parametrize(
    ("criterion", "message"),
    [
        (dict(weight=0), "weight must be a positive number"),
        (dict(weight=-1), "weight must be a positive number"),
        (dict(weight=float("nan")), "weight must be a positive number"),
        (dict(max_score=0), "max_score must be above min_score"),
        (dict(levels={"优秀": 120}), "outside 0–100"),
        (dict(levels=[("优秀", 90), ("优秀", 80)]), "distinct"),
        (dict(combine="median"), "combine must be one of"),
    ],
)
def test_bad_criteria_are_refused(criterion: dict, message: str) -> None:
    with pytest.raises(errors.InvalidRecord, match=message):
        Criterion(key="k", name="指标", **criterion)


def _store(tmp_path: Path) -> Tracker:
    return Tracker.open(f"sqlite:///{tmp_path / 's.db'}")


def test_scores_off_scale_or_unknown_levels_are_refused(tmp_path: Path) -> None:
    with _store(tmp_path) as tracker:
        school = tracker.add(School(name="贞丰县第五中学", region="贞丰县", stage="初中"))
        rubric = tracker.define_rubric(
            "r", target="school", criteria=[Criterion(key="a", name="教学成果", levels=LEVELS)]
        )
        for bad, message in ((101, "off its scale"), ("很好", "has no level '很好'")):
            with pytest.raises(errors.InvalidRecord, match=message):
                tracker.assess(
                    rubric,
                    school.id,
                    period="2025",
                    assessor="甲",
                    scores={"a": bad},
                    assessed_on="2025-12-01",
                )
        assert tracker.count("assessment") == 0


def test_bands_must_cover_the_lowest_total(tmp_path: Path) -> None:
    with _store(tmp_path) as tracker, pytest.raises(errors.InvalidRecord, match="add a band"):
        tracker.define_rubric(
            "r",
            target="school",
            criteria=[Criterion(key="a", name="甲")],
            bands=[GradeBand(grade="合格", min_total=60)],
        )


def test_old_assessments_keep_their_rubric_version(tmp_path: Path) -> None:
    with _store(tmp_path) as tracker:
        school = tracker.add(School(name="新晃一中", region="新晃县", stage="高中"))
        v1 = tracker.define_rubric(
            "考核",
            target="school",
            criteria=[
                Criterion(key="a", name="甲", weight=1),
                Criterion(key="b", name="乙", weight=1),
            ],
        )
        old = tracker.assess(
            v1,
            school.id,
            period="2024",
            assessor="张",
            scores={"a": 100, "b": 50},
            assessed_on="2024-12-01",
        )
        before = tracker.result(old).total
        v2 = tracker.define_rubric(
            "考核",
            target="school",
            criteria=[
                Criterion(key="a", name="甲", weight=3),
                Criterion(key="b", name="乙", weight=1),
            ],
        )
        assert (v1.version, v2.version, before) == (1, 2, 75.0)
        assert tracker.result(tracker.get("assessment", old.id)).total == before
        new = tracker.assess(
            v2,
            school.id,
            period="2025",
            assessor="张",
            scores={"a": 100, "b": 50},
            assessed_on="2025-12-01",
        )
        assert tracker.result(new).total == 87.5


def test_several_assessors_combine_by_mean_or_median(tmp_path: Path) -> None:
    with _store(tmp_path) as tracker:
        school = tracker.add(School(name="溆浦特校", region="溆浦县", stage="special"))
        rubric = tracker.define_rubric(
            "考核", target="school", criteria=[Criterion(key="a", name="甲")]
        )
        for assessor, score in (("张", 70), ("李", 80), ("王", 96)):
            tracker.assess(
                rubric,
                school.id,
                period="2025",
                assessor=assessor,
                scores={"a": score},
                assessed_on="2025-12-01",
            )
        mean = tracker.combined_result(rubric, school.id, period="2025")
        median = tracker.combined_result(rubric, school.id, period="2025", how="median")
        assert (mean.total, mean.grade) == (82.0, Grade.GOOD)
        assert (median.total, median.grade) == (80.0, Grade.GOOD)
        with pytest.raises(errors.InvalidRecord, match="no assessments"):
            tracker.combined_result(rubric, school.id, period="2030")
        assert combined([tracker.result(a) for a in tracker.find("assessment")], rubric).total == 82
