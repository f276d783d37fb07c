"""Regions as a tree: names read into levels, short names completed, filters rolled up."""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exchange import Partnership, School, Stage, Tracker, errors
from exchange.quotas import region_schools
from exchange.regions import Gazetteer, split

READINGS = [
    ("贵州省黔西南州贞丰县", ("贵州省", "黔西南州", "贞丰县")),
    ("广东省广州市天河区", ("广东省", "广州市", "天河区")),
    ("广东省惠州市惠阳区", ("广东省", "惠州市", "惠阳区")),
    ("四川省甘孜藏族自治州丹巴县", ("四川省", "甘孜藏族自治州", "丹巴县")),
    ("新疆维吾尔自治区乌鲁木齐市", ("新疆维吾尔自治区", "乌鲁木齐市", None)),
    ("北京市海淀区", ("北京市", None, "海淀区")),
    ("重庆市", ("重庆市", None, None)),
    ("怀化市靖州县", (None, "怀化市", "靖州县")),
    ("清远市连州市", (None, "清远市", "连州市")),
    ("长沙市", (None, "长沙市", None)),
    ("黔西南州", (None, "黔西南州", None)),
    ("贞丰县", (None, None, "贞丰县")),
    ("成华区", (None, None, "成华区")),
    (" 贵州省 黔西南州 贞丰县 ", ("贵州省", "黔西南州", "贞丰县")),
]


@pytest.mark.parametrize(("name", "levels"), READINGS)
def test_names_read_into_province_prefecture_and_county(
    name: str, levels: tuple[str | None, ...]
) -> None:
    assert split(name) == levels


@pytest.mark.parametrize("name", ["东部", "地区3", "r", "惠阳—贞丰", ""])
def test_other_names_are_regions_of_their_own(name: str) -> None:
    places = Gazetteer([name, "东部1"])
    assert split(name) is None and places.levels(name) is None
    assert places.contains(name, name) and not places.contains(name, "东部1")


def test_short_names_are_completed_from_longer_ones() -> None:
    places = Gazetteer(
        ["贵州省黔西南州贞丰县", "贞丰县", "黔西南州兴义市", "北京市朝阳区", "吉林省长春市朝阳区"]
    )
    assert places.levels("贞丰县") == ("贵州省", "黔西南州", "贞丰县")
    assert places.levels("兴义市") == ("贵州省", "黔西南州", "兴义市")  # a city, but a county
    assert places.levels("黔西南州") == ("贵州省", "黔西南州", None)
    assert places.levels("朝阳区") == (None, None, "朝阳区")  # two of them: not guessed
    assert places.contains("贵州省", "兴义市") and places.contains("贞丰县", "贵州省黔西南州贞丰县")
    assert not places.contains("北京市", "朝阳区") and places.contains("北京市", "北京市朝阳区")
    assert not places.contains("贵州省黔西南州贞丰县", "贵州省")  # the wider is not within
    assert places.known()[:3] == ["兴义市", "北京市", "北京市朝阳区"]


# -- roll-up: county, prefecture and province sums add up -------------------------------

TREE = {
    "贵州省": {"黔西南州": ["贞丰县", "兴义市", "望谟县"], "铜仁市": ["石阡县"]},
    "湖南省": {"怀化市": ["靖州县", "溆浦县"], "长沙市": ["岳麓区"]},
}
COUNTIES = [
    (province, prefecture, county)
    for province, prefectures in TREE.items()
    for prefecture, counties in prefectures.items()
    for county in counties
]
WRITTEN: list[Callable[[tuple[str, str, str]], str]] = [
    lambda p: "".join(p),  # 贵州省黔西南州贞丰县
    lambda p: p[1] + p[2],  # 黔西南州贞丰县
    lambda p: p[2],  # 贞丰县
]
SCHOOLS = st.lists(
    st.tuples(st.integers(0, len(COUNTIES) - 1), st.integers(0, 2), st.integers(0, 3)),
    min_size=1,
    max_size=12,
)
_schemas = itertools.count()


def _store(kind: str, folder: Path, request: pytest.FixtureRequest) -> str:
    if kind == "memory":
        return "memory:"
    if kind == "sqlite":
        return f"sqlite:///{folder / f'regions-{next(_schemas)}.db'}"
    from backends.postgresql.testing import with_options

    server: str = request.getfixturevalue("postgres_server")
    return with_options(server, schema=f"regions_{next(_schemas)}")


@pytest.mark.parametrize(
    "kind", ["memory", "sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]
)
def test_region_sums_add_up_at_every_level(kind: str, request: pytest.FixtureRequest) -> None:
    """Schools written in full, from the prefecture, or by county alone (each county's
    full name known from a partnership): every level's schools and activities equal a
    recount from the true tree, and each level is the sum of the levels below it."""
    folder = Path(tempfile.mkdtemp())

    @settings(max_examples=15 if kind == "postgresql" else 40, deadline=None)
    @given(SCHOOLS)
    def check(schools: list[tuple[int, int, int]]) -> None:
        with Tracker.open(_store(kind, folder, request), actor="测试员") as tracker:
            for n, (province, prefecture, county) in enumerate(COUNTIES):
                supporting = f"广东省惠州市{n}区" if n else "广东省惠州市惠阳区"
                tracker.add(
                    Partnership(
                        name=f"协作{n}",
                        supporting_region=supporting,
                        supported_region=province + prefecture + county,
                    )
                )
            truth: dict[int, tuple[str, str, str]] = {}
            activities: dict[int, int] = {}
            for i, (where, form, held) in enumerate(schools):
                place = COUNTIES[where]
                school = tracker.add(
                    School(name=f"学校{i}", region=WRITTEN[form](place), stage=Stage.PRIMARY)
                )
                for _ in range(held):
                    tracker.log_activity("送教", "送教下乡", held_on="2025-05-20", school=school)
                truth[school.id or 0] = place
                activities[school.id or 0] = held
            _check_levels(tracker, truth, activities)

    check()


def _check_levels(
    tracker: Tracker, truth: dict[int, tuple[str, str, str]], activities: dict[int, int]
) -> None:
    found: dict[tuple[int, str], set[int]] = {}
    for level in range(3):
        for name in {place[level] for place in COUNTIES}:
            expected = {i for i, place in truth.items() if place[level] == name}
            try:
                ids = set(region_schools(tracker, name))
            except errors.NotFound:
                ids = set()
            assert ids == expected, (level, name)
            if ids:
                held = tracker.report("summary", region=name).table("overview").totals
                assert (held[6] if held else 0) == sum(activities[i] for i in ids), name
            found[level, name] = ids
    for province, prefectures in TREE.items():
        assert found[0, province] == set().union(*(found[1, p] for p in prefectures))
        for prefecture, counties in prefectures.items():
            assert found[1, prefecture] == set().union(*(found[2, c] for c in counties))


def test_an_unknown_region_suggests_the_closest_names_at_every_level() -> None:
    tracker = Tracker.open("memory:")
    tracker.add(School(name="贞丰中学", region="贵州省黔西南州贞丰县", stage=Stage.SENIOR))
    with pytest.raises(errors.NotFound) as caught:
        region_schools(tracker, "黔西南")
    assert "closest first: 黔西南州, " in str(caught.value)
