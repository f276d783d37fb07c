"""Matching criteria from plugins: ``register_match_criteria`` adds one, the criteria
file weighs it or makes it a hard constraint, and a criterion that misbehaves is named."""

from __future__ import annotations

from typing import Any

import pytest

from exchange import Application, Need, School, Teacher, Tracker, hookimpl
from exchange.errors import PluginError
from exchange.matching.criteria import MatchCriterion, Opening, PlacementCriterion, Profile
from exchange.plugins import Plugins, get_plugin_manager
from exchange.registry import Registry

LANGUAGES = {"吴老师": {"侗语"}, "石老师": {"侗语", "苗语"}, "王老师": {"苗语"}}
"""The plugin's own data: who speaks what (a teacher record does not say)."""


def language(mentor: Profile, mentee: Profile) -> float:
    """1 when mentor and mentee share a language besides Mandarin."""
    shared = LANGUAGES.get(mentor.teacher.name, set()) & LANGUAGES.get(mentee.teacher.name, set())
    return 1.0 if shared else 0.0


class LanguagePlugin:
    @hookimpl
    def register_match_criteria(self, registry: Registry[MatchCriterion]) -> None:
        registry.add(MatchCriterion(name="language", score=language, weight=4.0))


class BrokenPlugin:
    def __init__(self, value: float = 2.0) -> None:
        self.value = value

    @hookimpl
    def register_match_criteria(self, registry: Registry[MatchCriterion]) -> None:
        registry.add(MatchCriterion(name="enthusiasm", score=lambda mentor, mentee: self.value))


def tracker_with(*plugins: object) -> Tracker:
    pm = get_plugin_manager()
    for plugin in plugins:
        pm.register(plugin, name=type(plugin).__name__)
    t = Tracker.open("memory:", plugins=Plugins(pm))
    school = t.add(School(name="通道县一中", region="湖南省怀化市通道侗族自治县", stage="高中"))
    host = t.add(School(name="长沙市南雅中学", region="湖南省长沙市雨花区", stage="高中"))
    for name, at, roles in [
        ("吴老师", school, []),
        ("王老师", school, []),
        ("石老师", host, ["名师"]),
        ("刘老师", host, ["名师"]),
    ]:
        t.add(Teacher(name=name, school_id=at.id, subjects=["数学"], roles=roles, ref=name))
    t.define_programme("长怀结对帮扶", mentor_capacity=1)
    return t


def names(tracker: Tracker, plan: Any) -> set[tuple[str, str]]:
    return {
        (tracker.get(Teacher, p.mentee_id).name, tracker.get(Teacher, p.mentor_id).name)
        for p in plan.pairs
    }


def test_a_plugin_criterion_is_weighed_with_the_built_in_ones() -> None:
    tracker = tracker_with(LanguagePlugin())
    plan = tracker.match_mentors("长怀结对帮扶", criteria={"weights": {"language": 4}})
    assert plan.weights["language"] == 4.0
    assert tracker.plugins.match_criteria.owner("language") == "LanguagePlugin"
    wu = next(p for p in plan.pairs if p.mentee_id == tracker.get(Teacher, "吴老师").id)
    assert {c.criterion: c.points for c in wu.contributions}["language"] == 4.0
    assert len(plan.pairs) == 2


def test_a_plugin_criterion_as_a_hard_constraint() -> None:
    tracker = tracker_with(LanguagePlugin())
    plan = tracker.match_mentors("长怀结对帮扶", criteria={"must": ["language"]})
    [(mentee, mentor)] = names(tracker, plan)  # 石老师 speaks with both, and takes one
    assert mentor == "石老师" and mentee in {"吴老师", "王老师"}
    [other] = [u for u in plan.unmatched if u.side == "mentee"]
    assert other.reason == "every mentor who fits has no place left in this plan: 石老师"
    report = plan.report().materialized()
    assert "language" in [c.key for c in report.table("pairs").columns]


def test_without_the_plugin_its_criterion_is_unknown() -> None:
    tracker = tracker_with()
    with pytest.raises(Exception, match="unknown matching criterion 'language'; known: nearby"):
        tracker.match_mentors("长怀结对帮扶", criteria={"must": ["language"]})


@pytest.mark.parametrize("value", [2.0, -0.5, float("nan"), float("inf")])
def test_a_criterion_out_of_range_is_named(value: float) -> None:
    """Out of range, and not a number at all: the built-in criteria come first, so a
    NaN stands after values in range (where a check by the least and the greatest
    value alone would miss it)."""
    tracker = tracker_with(BrokenPlugin(value))
    with pytest.raises(PluginError, match=rf"matching criterion 'enthusiasm' gave {value}"):
        tracker.match_mentors("长怀结对帮扶")


# -- placement criteria (register_placement_criteria) --------------------------------


def bilingual(need: Opening, applicant: Profile) -> float:
    """1 when a bilingual school's need meets a teacher who speaks a second language."""
    wanted = "双语" in need.school.name
    return 1.0 if wanted and LANGUAGES.get(applicant.teacher.name) else 0.0


class BilingualPlugin:
    @hookimpl
    def register_placement_criteria(self, registry: Registry[PlacementCriterion]) -> None:
        registry.add(PlacementCriterion(name="bilingual", score=bilingual, weight=5.0))


def test_a_plugin_placement_criterion_decides_who_goes_where() -> None:
    tracker = tracker_with(BilingualPlugin())
    host = tracker.add(
        School(name="通道县双语学校", region="湖南省怀化市通道侗族自治县", stage="高中")
    )
    other = tracker.add(
        School(name="通道县二中", region="湖南省怀化市通道侗族自治县", stage="高中")
    )
    for school in (host, other):
        tracker.add(
            Need(host_school_id=school.id, places=1, starts_on="2026-09-01", ends_on="2026-12-31")
        )
    for name in ("石老师", "刘老师"):
        tracker.add(Application(teacher_id=tracker.get(Teacher, name).id, year=2026))
    plan = tracker.match_placements(2026)
    assert tracker.plugins.placement_criteria.owner("bilingual") == "BilingualPlugin"
    placed = {
        tracker.get(Teacher, p.teacher_id).name: plan.openings[p.need_id][0]
        for p in plan.placements
    }
    assert placed == {"石老师": "通道县双语学校", "刘老师": "通道县二中"}
    with pytest.raises(Exception, match="unknown placement criterion 'bilingual'"):
        tracker_with().match_placements(2026, criteria={"must": ["bilingual"]})
