"""Rubric totals worked out by hand: unequal weights at every level, and exact ties.

Each expected figure is computed in the comment beside it, from the rules in
:mod:`exchange.scoring`'s docstring, not by calling the code: a property such as
"the total lies between the lowest and highest" cannot see a wrong weight or a
total clamped to its range; these can.
"""

from __future__ import annotations

import attrs
import pytest

from exchange import Criterion, Grade, GradeBand, Rubric, errors
from exchange.scoring import bounds, check_bands, combined, evaluate, grade_for, leaf_value

BANDS = [
    GradeBand(grade=Grade.EXCELLENT, min_total=90),
    GradeBand(grade=Grade.GOOD, min_total=80),
    GradeBand(grade=Grade.PASS, min_total=60),
    GradeBand(grade=Grade.FAIL, min_total=0),
]


def _rubric(*criteria: Criterion, bands: list[GradeBand] = BANDS) -> Rubric:
    return Rubric(
        name="交流教师考核", version=1, target="secondment", criteria=criteria, bands=bands
    )


def _leaf(key: str, weight: float, top: float = 100, bottom: float = 0) -> Criterion:
    return Criterion(key=key, name=f"指标{key}", weight=weight, max_score=top, min_score=bottom)


# Three levels below the root, weights unequal at each, one of each way to combine.
#   teaching (w 3, mean):  a1 (w 2) 80/100 → .8;  a2 (w 1, 1–5) 4 → (4-1)/4 = .75
#                          → (2·.8 + 1·.75)/3 = 2.35/3 = .78333…
#   influence (w 1, sum):  b1 (w 2) 7/10 → 14;    b2 (w 3) 5/5 → 15
#                          → 29 points of 0..35 → share 29/35 = .828571…
#   cooperation (w 2, min): c1 (w 5) 90 → .9;    c2 (w 1) 60 → .6  → .6 (60)
#   total = 100 · (3·.78333… + 1·.828571… + 2·.6) / 6 = 100 · 4.378571…/6 = 72.97619… → 72.9762
TREE = (
    Criterion(
        key="teaching",
        name="教学成果",
        weight=3,
        children=[_leaf("a1", 2), _leaf("a2", 1, top=5, bottom=1)],
    ),
    Criterion(
        key="influence",
        name="带动作用",
        weight=1,
        combine="sum",
        children=[_leaf("b1", 2, top=10), _leaf("b2", 3, top=5)],
    ),
    Criterion(
        key="cooperation",
        name="合作交流",
        weight=2,
        combine="min",
        children=[_leaf("c1", 5), _leaf("c2", 1)],
    ),
)
SCORES = {"a1": 80, "a2": 4, "b1": 7, "b2": 5, "c1": 90, "c2": 60}


def test_a_tree_with_unequal_weights_at_every_level() -> None:
    result = evaluate(_rubric(*TREE), SCORES)
    assert result.total == 72.9762
    assert result.grade is Grade.PASS
    assert (result.low, result.high) == (0.0, 100.0)
    teaching, influence, cooperation = result.nodes
    assert teaching.value == pytest.approx(78.3333333333)
    assert (teaching.low, teaching.high) == (0.0, 100.0)
    assert (influence.value, influence.low, influence.high) == (29, 0, 35)
    assert (cooperation.value, cooperation.low, cooperation.high) == (60, 0, 100)
    assert [n.value for n in teaching.children] == [80, 4]
    assert [(n.low, n.high) for n in teaching.children] == [(0, 100), (1, 5)]


def test_a_deeper_tree_weights_each_level_on_its_own() -> None:
    # inner (w 1, mean of x 100/100 w 3 and y 0/100 w 1) → 75; z (w 3) 20/100
    # outer (mean, w 1): (1·.75 + 3·.2)/4 = 1.35/4 = .3375 → 33.75; other top w 1: 100
    # total = (1·.3375 + 1·1)/2 · 100 = 66.875
    inner = Criterion(key="inner", name="内", weight=1, children=[_leaf("x", 3), _leaf("y", 1)])
    outer = Criterion(key="outer", name="外", children=[inner, _leaf("z", 3)])
    result = evaluate(_rubric(outer, _leaf("w", 1)), {"x": 100, "y": 0, "z": 20, "w": 100})
    assert result.total == 66.875
    assert result.nodes[0].value == 33.75
    assert result.nodes[0].children[0].value == 75


def test_a_points_rubric_is_its_single_root_in_points() -> None:
    # one top criterion: its own value and range are the total.
    # sum of p1 (w 2, 10..20) 15 → 30 and p2 (w 0.5, 0..100) 40 → 20: 50 points
    # range 2·10 + 0.5·0 = 20 .. 2·20 + 0.5·100 = 90
    root = Criterion(
        key="all",
        name="总分",
        combine="sum",
        children=[_leaf("p1", 2, top=20, bottom=10), _leaf("p2", 0.5)],
    )
    bands = [GradeBand(grade=Grade.PASS, min_total=50), GradeBand(grade=Grade.FAIL, min_total=20)]
    result = evaluate(_rubric(root, bands=bands), {"p1": 15, "p2": 40})
    assert (result.total, result.low, result.high, result.grade) == (50, 20, 90, Grade.PASS)
    assert result.nodes[0].key == "all"
    assert bounds(_rubric(root, bands=bands)) == (20, 90)
    lowest = evaluate(_rubric(root, bands=bands), {"p1": 10, "p2": 0})
    assert (lowest.total, lowest.grade) == (20, Grade.FAIL)


def test_levels_stand_for_their_numbers() -> None:
    leaf = Criterion(key="k", name="带动", levels={"优秀": 95, "合格": 70})
    assert (leaf_value(leaf, "合格"), leaf_value(leaf, 0), leaf_value(leaf, 100)) == (70, 0, 100)
    for off in (-0.5, 100.5):
        with pytest.raises(errors.InvalidRecord, match="off its scale 0–100"):
            leaf_value(leaf, off)
    with pytest.raises(errors.InvalidRecord, match=r"levels: 优秀、合格$"):
        leaf_value(leaf, "良好")


# -- exact ties: a cut reached exactly, and a total that only rounding lifts to a cut ----


@pytest.mark.parametrize(
    ("scores", "grade"),
    [
        ((90, 90), Grade.EXCELLENT),  # exactly on the cut: that band
        ((80, 80), Grade.GOOD),
        ((60, 60), Grade.PASS),
        ((0, 0), Grade.FAIL),
        ((90, 89.9998), Grade.GOOD),  # 89.9999 stays below 90
        ((90, 89.99992), Grade.EXCELLENT),  # 89.99996 rounds to 90.0 before grading
    ],
)
def test_a_cut_is_reached_exactly_and_after_rounding(
    scores: tuple[float, float], grade: Grade
) -> None:
    result = evaluate(_rubric(_leaf("a", 1), _leaf("b", 1)), dict(zip("ab", scores, strict=True)))
    assert result.grade is grade


def test_totals_are_rounded_to_four_places() -> None:
    # (1·100 + 2·0)/3 = 33.3333…; (2·100 + 1·0)/3 = 66.6666…
    assert evaluate(_rubric(_leaf("a", 1), _leaf("b", 2)), {"a": 100, "b": 0}).total == 33.3333
    assert evaluate(_rubric(_leaf("a", 2), _leaf("b", 1)), {"a": 100, "b": 0}).total == 66.6667


@pytest.mark.parametrize(
    ("totals", "how", "expected", "grade"),
    [
        ((80, 100), "mean", 90, Grade.EXCELLENT),  # exact tie with the 90 cut
        ((70, 90, 100), "median", 90, Grade.EXCELLENT),
        ((70, 89, 91, 100), "median", 90, Grade.EXCELLENT),  # even count: mean of middles
        ((100, 0, 0), "mean", 33.3333, Grade.FAIL),
        ((100, 100, 0), "mean", 66.6667, Grade.PASS),
        ((60, 79, 100), "median", 79, Grade.PASS),
    ],
)
def test_assessors_combine_by_mean_or_median(
    totals: tuple[float, ...], how: str, expected: float, grade: Grade
) -> None:
    rubric = _rubric(_leaf("a", 1), _leaf("b", 1))
    results = [evaluate(rubric, {"a": t, "b": t}) for t in totals]
    both = combined(results, rubric, how=how)
    assert (both.total, both.grade, both.low, both.high, both.nodes) == (
        expected,
        grade,
        0,
        100,
        (),
    )


def test_combining_refuses_nothing_and_unknown_ways() -> None:
    rubric = _rubric(_leaf("a", 1), _leaf("b", 1))
    with pytest.raises(errors.InvalidRecord, match=r"^there are no assessments to combine$"):
        combined([], rubric)
    one = [evaluate(rubric, {"a": 1, "b": 1})]
    with pytest.raises(
        errors.InvalidRecord, match=r"^combine assessors by mean or median, not 'max'$"
    ):
        combined(one, rubric, how="max")


def test_bands_must_differ_and_reach_the_lowest_total() -> None:
    check_bands(_rubric(_leaf("a", 1)))
    twice = [GradeBand(grade=Grade.PASS, min_total=0), GradeBand(grade=Grade.FAIL, min_total=0)]
    same_grade = [
        GradeBand(grade=Grade.PASS, min_total=50),
        GradeBand(grade=Grade.PASS, min_total=0),
    ]
    for bands in (twice, same_grade):
        with pytest.raises(errors.InvalidRecord) as refused:
            check_bands(_rubric(_leaf("a", 1), bands=bands))
        assert str(refused.value) == (
            "rubric '交流教师考核': grade bands must differ in grade and cut"
        )
    high = [GradeBand(grade=Grade.PASS, min_total=0.5)]
    with pytest.raises(errors.InvalidRecord) as refused:
        check_bands(_rubric(_leaf("a", 1), _leaf("b", 1), bands=high))
    assert str(refused.value) == (
        "rubric '交流教师考核': the lowest band starts at 0.5, but totals can be as low as 0; "
        "add a band from 0"
    )
    points = Criterion(key="p", name="分", combine="sum", children=[_leaf("q", 1, top=9, bottom=3)])
    check_bands(_rubric(points, bands=[GradeBand(grade=Grade.PASS, min_total=3)]))  # exactly low


def test_what_each_refusal_says() -> None:
    cases = [
        (
            lambda: leaf_value(Criterion(key="k", name="带动", levels={"优秀": 95}), "良好"),
            "带动 (k) has no level '良好'; levels: 优秀",
        ),
        (
            lambda: leaf_value(Criterion(key="k", name="带动"), "良好"),
            "带动 (k) has no level '良好'; levels: none (score it with a number)",
        ),
        (
            lambda: leaf_value(Criterion(key="k", name="带动", max_score=10), 10.5),
            "score 10.5 for 带动 (k) is off its scale 0–10",
        ),
        (
            lambda: grade_for(
                _rubric(_leaf("a", 1), bands=[GradeBand(grade=Grade.PASS, min_total=60)]), 59.5
            ),
            "rubric '交流教师考核': a total of 59.5 is below every grade band "
            "(the lowest starts at 60)",
        ),
        (
            lambda: evaluate(_rubric(_leaf("a", 1), _leaf("b", 1)), {"a": 1, "c": 2, "d": 3}),
            "scores do not match rubric '交流教师考核' v1: unknown criteria ['c', 'd']; "
            "missing criteria ['b']",
        ),
        (
            lambda: evaluate(_rubric(_leaf("a", 1), _leaf("b", 1)), {"a": 1}),
            "scores do not match rubric '交流教师考核' v1: missing criteria ['b']",
        ),
        (
            lambda: check_bands(attrs.evolve(_rubric(_leaf("a", 1)), bands=())),
            "rubric '交流教师考核' has no grade bands",
        ),
    ]
    for call, said in cases:
        with pytest.raises(errors.InvalidRecord) as refused:
            call()
        assert str(refused.value) == said


def test_every_node_keeps_its_key_name_and_children() -> None:
    result = evaluate(_rubric(*TREE), SCORES)
    assert [(n.key, n.name) for n in result.nodes] == [
        ("teaching", "教学成果"),
        ("influence", "带动作用"),
        ("cooperation", "合作交流"),
    ]
    assert [(n.key, n.name, n.children) for n in result.nodes[0].children] == [
        ("a1", "指标a1", ()),
        ("a2", "指标a2", ()),
    ]
