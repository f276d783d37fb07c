"""Per-day allowance tariffs: versioned, supplied through register_tariffs, priced per day."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from exchange import School, Teacher, Tracker, errors, hookimpl
from exchange.plugins import Plugins, get_plugin_manager
from exchange.tariffs import Rate, TariffSpec, TariffVersion


def _version(n: int, start: str, end: str | None, rural: str, town: str) -> TariffVersion:
    return TariffVersion(
        version=n,
        valid_from=start,
        valid_to=end,
        rates=[
            Rate(kind="support", region_class="rural", per_day=rural),
            Rate(kind="support", region_class="town", per_day=town),
        ],
    )


SPEC = TariffSpec(
    name="怀化支教补助",
    classify=lambda school: "rural" if school.rural else "town",
    versions=[
        _version(2, "2025-01-01", None, "90", "60"),
        _version(1, "2024-01-01", "2024-12-31", "80", "50"),
    ],
)


class TariffPlugin:
    @hookimpl
    def register_tariffs(self, registry: Any) -> None:
        registry.add(SPEC)


@pytest.fixture
def tracker() -> Tracker:
    pm = get_plugin_manager()
    pm.register(TariffPlugin(), name="huaihua-tariff")
    return Tracker.open("memory:", plugins=Plugins(pm))


def test_a_secondment_across_two_versions_is_priced_day_by_day(tracker: Tracker) -> None:
    home = tracker.add(School(name="长沙市实验中学", region="长沙市", stage="初中"))
    rural = tracker.add(School(name="沅陵六中", region="怀化市沅陵县", stage="初中", rural=True))
    teacher = tracker.add(Teacher(name="钟老师", school_id=home.id))
    s = tracker.second(teacher, rural, kind="支教", starts_on="2024-12-22", ends_on="2025-01-10")
    assert tracker.cost(s, tariff="怀化支教补助") == Decimal(10 * 80 + 10 * 90)
    tracker.approve(s)
    tracker.start(s)
    tracker.withdraw(s, reason="病假", returned_on="2024-12-31")
    assert tracker.cost(s, tariff="怀化支教补助") == Decimal(800)
    assert tracker.cost(s, tariff="怀化支教补助", planned=True) == Decimal(1700)


def test_missing_rates_and_unknown_tariffs_are_clear(tracker: Tracker) -> None:
    home = tracker.add(School(name="南雅中学", region="长沙市", stage="高中"))
    host = tracker.add(School(name="新晃一中", region="怀化市新晃县", stage="高中"))
    teacher = tracker.add(Teacher(name="罗老师", school_id=home.id))
    visit = tracker.second(teacher, host, kind="送教", starts_on="2025-03-01", ends_on="2025-03-02")
    with pytest.raises(errors.InvalidRecord, match="no rate for visit"):
        tracker.cost(visit, tariff="怀化支教补助")
    early = tracker.second(teacher, host, kind="支教", starts_on="2023-12-30", ends_on="2024-01-02")
    with pytest.raises(errors.InvalidRecord, match="no rates for 2023-12-30"):
        tracker.cost(early, tariff="怀化支教补助")
    with pytest.raises(errors.ConfigurationError, match="unknown tariff 'x'"):
        tracker.cost(visit, tariff="x")


@pytest.mark.parametrize(
    ("versions", "message"),
    [
        (
            [
                _version(1, "2024-01-01", "2024-12-30", "1", "1"),
                _version(2, "2025-01-01", None, "1", "1"),
            ],
            "without a gap",
        ),
        (
            [
                _version(1, "2024-01-01", "2025-01-01", "1", "1"),
                _version(2, "2025-01-01", None, "1", "1"),
            ],
            "without a gap",
        ),
        (
            [_version(1, "2024-01-01", None, "1", "1"), _version(2, "2025-01-01", None, "1", "1")],
            "ends never",
        ),
        ([], "no versions"),
    ],
)
def test_gaps_and_overlaps_are_refused(versions: list[TariffVersion], message: str) -> None:
    with pytest.raises(errors.InvalidRecord, match=message):
        TariffSpec(name="t", classify=lambda s: "x", versions=versions)


def test_a_rate_given_twice_or_negative_is_refused() -> None:
    with pytest.raises(errors.InvalidRecord, match="twice"):
        TariffVersion(
            version=1,
            valid_from=dt.date(2025, 1, 1),
            rates=[
                Rate(kind="support", region_class="a", per_day="1"),
                Rate(kind="支教", region_class="a", per_day="2"),
            ],
        )
    with pytest.raises(errors.InvalidRecord, match="negative"):
        Rate(kind="support", region_class="a", per_day="-1")
