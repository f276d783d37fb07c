"""The demo programme: the data builds on every backend, the seeds' figures come out,
a second build is refused cleanly, and ``exchange demo`` prints the main reports."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cli.demo import demo
from cli.main import cli
from exchange import (
    Activity,
    Allocation,
    Goal,
    Mentorship,
    Pairing,
    Partnership,
    Rubric,
    SecondmentKind,
    Tracker,
    errors,
)
from exchange.backend import STORED_TYPES
from exchange.demo import DemoSummary, build_demo, demo_data, place, summarise

if "demo" not in cli.commands:  # until cli/main.py registers it
    cli.add_command(demo)


def url_for(backend: str, tmp_path: Path) -> str:
    return "memory:" if backend == "memory" else f"sqlite:///{tmp_path / 'demo.db'}"


@pytest.fixture(params=["memory", "sqlite"])
def built(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Tracker, DemoSummary]]:
    with Tracker.open(url_for(request.param, tmp_path), actor="演示") as tracker:
        yield tracker, build_demo(tracker)


def dump(tracker: Tracker) -> dict[str, list[Any]]:
    return {cls.table: list(tracker.backend.find(cls, {})) for cls in STORED_TYPES}


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


# -- the library ------------------------------------------------------------------


def test_memory_and_sqlite_give_identical_summaries(tmp_path: Path) -> None:
    summaries = []
    for backend in ("memory", "sqlite"):
        with Tracker.open(url_for(backend, tmp_path)) as tracker:
            summaries.append(build_demo(tracker))
    assert summaries[0] == summaries[1]


def test_every_record_of_the_data_is_stored(built: tuple[Tracker, DemoSummary]) -> None:
    tracker, summary = built
    data = demo_data()
    for table, stored in summary.records.items():
        assert stored == len(data[table]) == tracker.count(table, include_archived=True)
    assert summary.partnerships == summarise(tracker)


def test_the_change_log_verifies(built: tuple[Tracker, DemoSummary]) -> None:
    tracker, summary = built
    bulk = ("schools", "teachers")  # stored by bulk_add: one log entry each
    one_by_one = sum(n for table, n in summary.records.items() if table not in bulk)
    data = demo_data()
    confirmations = sum(1 for m in data["meetings"] if m.get("confirmed"))
    moves = {"proposed": 0, "approved": 1, "active": 2, "completed": 3}
    lifecycle = sum(moves[s.get("status", "proposed")] for s in data["secondments"])
    assert tracker.verify_log() == one_by_one + len(bulk) + confirmations + lifecycle


def test_the_quotas_of_zhenfeng(built: tuple[Tracker, DemoSummary]) -> None:
    tracker, _ = built
    found = {r.quota.key: r for r in tracker.quotas("贵州省黔西南州贞丰县", 2025)}
    assert (found["exchange-share"].numerator, found["exchange-share"].denominator) == (1, 3)
    assert found["trained-coverage"].status.value == "met"  # 心理教师培训全覆盖


def test_the_mentoring_records_follow_the_rules(built: tuple[Tracker, DemoSummary]) -> None:
    tracker, _ = built
    assert tracker.confirmed_minutes("demo:m-hy-1") == 90 + 120  # the online one is unconfirmed
    assert tracker.get(Goal, "demo:g-zf-luo").progress == 0
    levels = tracker.cascade_targets("百千万")
    assert [row["teachers"] for row in levels] == [1, 2, 3]
    assert not any(row["met"] for row in levels)


def test_chenghua_danba_figures_match_the_article(built: tuple[Tracker, DemoSummary]) -> None:
    figures = built[1].figures("成华→丹巴")
    assert figures.pairings == 6
    assert figures.activities["live-lesson"].lessons == 6000  # 直播优质课6000余节
    assert figures.activities["training"].attendees == 6000  # 培训6000余人次
    assert figures.activities["demonstration-lesson"].lessons == 150  # 学科展示课150余节
    assert figures.activities["lecture"].lessons == 50  # 专题讲座50余场
    assert figures.activities["study-trip"].students == 20  # 20名学生研学


def test_changsha_huaihua_allocations_are_100000_each(built: tuple[Tracker, DemoSummary]) -> None:
    tracker, summary = built
    figures = summary.figures("demo:cs-hh")
    pairings = list(
        tracker.find(Pairing, partnership_id=tracker.get("partnership", "demo:cs-hh").id)
    )
    allocations = [a for p in pairings for a in tracker.find(Allocation, pairing_id=p.id)]
    assert len(pairings) == figures.pairings == 15
    assert {p.annual_budget for p in pairings} == {Decimal(100000)}
    assert {a.amount for a in allocations} == {Decimal(100000)}  # 每所学校每年10万元
    assert figures.allocated == Decimal(100000) * len(allocations)
    assert Decimal(0) < figures.spent < figures.allocated
    assert figures.activities["study-trip"].students == 54  # 南雅中学研学学生54人
    assert figures.activities["donation"].students == 177  # 芙蓉区资助177名


def test_guangzhou_qingyuan_figures_match_the_article(built: tuple[Tracker, DemoSummary]) -> None:
    tracker, summary = built
    figures = summary.figures("广州→清远")
    assert figures.activities["same-lesson-different-design"].lessons == 100
    assert figures.activities["lecture"].lessons == 80
    partnership = tracker.get(Partnership, "demo:gz-qy")
    found = tracker.find(Activity, partnership_id=partnership.id)
    assert sum(a.attendees for a in found if "强师兴教" in a.title) == 10000  # 近1万人次


def test_every_secondment_kind_and_a_mentoring_cascade(
    built: tuple[Tracker, DemoSummary],
) -> None:
    tracker, summary = built
    for kind in SecondmentKind:
        assert sum(f.secondments[kind.value] for f in summary.partnerships) > 0
    pairs = list(tracker.find(Mentorship, programme="百千万"))
    mentors, mentees = {m.mentor_id for m in pairs}, {m.mentee_id for m in pairs}
    middle = mentors & mentees  # mentored by Guangzhou, mentoring in Qingyuan
    assert middle and mentors - mentees and mentees - mentors


def test_rubric_uses_the_three_criteria(built: tuple[Tracker, DemoSummary]) -> None:
    tracker, summary = built
    rubric = tracker.get(Rubric, "demo:rubric-exchange-teacher")
    assert [c.name for c in rubric.criteria] == [
        "教学成果",
        "对当地教师的带动作用",
        "与同事的合作交流",
    ]
    assert summary.records["assessments"] == tracker.count("assessment", rubric_id=rubric.id) > 0


def test_building_twice_is_refused_and_changes_nothing(
    built: tuple[Tracker, DemoSummary],
) -> None:
    tracker, _ = built
    before, entries = dump(tracker), tracker.verify_log()
    with pytest.raises(errors.DuplicateRef, match="already in"):
        build_demo(tracker)
    assert dump(tracker) == before
    assert tracker.verify_log() == entries


def test_bad_data_names_the_record() -> None:
    data = demo_data()
    data["schools"][0] = {**data["schools"][0], "colour": "红"}
    with Tracker.open("memory:") as tracker, pytest.raises(errors.InvalidRecord, match="colour"):
        build_demo(tracker, data)


@pytest.mark.parametrize("backend", ["memory", "sqlite"])
def test_a_partnership_with_no_records_sums_to_zero(backend: str, tmp_path: Path) -> None:
    with Tracker.open(url_for(backend, tmp_path)) as tracker:
        tracker.add(
            Partnership(
                name="空", supporting_region="成都市武侯区", supported_region="甘孜州泸定县"
            )
        )
        [figures] = summarise(tracker)
    assert figures.label == "武侯→泸定"
    assert figures.schools == figures.teachers == figures.mentorships == 0
    assert set(figures.secondments.values()) == {0} and figures.lessons == 0
    assert figures.allocated == figures.spent == 0


@pytest.mark.parametrize(
    ("region", "short"),
    [
        ("广东省惠州市惠阳区", "惠阳"),
        ("贵州省黔西南州贞丰县", "贞丰"),
        ("湖南省长沙市", "长沙"),
        ("广东省惠州市", "惠州"),
        ("Springfield", "Springfield"),
    ],
)
def test_place_names(region: str, short: str) -> None:
    assert place(region) == short


# -- the command ------------------------------------------------------------------


def test_demo_command_prints_the_main_reports() -> None:
    code, out, _ = run("--lang", "zh", "demo")
    assert code == 0, out
    assert "（来自 临时文件）" in out  # never into EXCHANGE_DB's store
    for title in ("工作总览", "结对覆盖", "师徒结对", "考核评价", "经费"):
        assert f"== {title} " in out
    # 成华→丹巴: 直播优质课6000余节 over 2020-2024, 培训6000余人次 in 2024
    live = re.findall(r"成华—丹巴教育结对帮扶\s+(\d{4})\s+直播课\s+\d+\s+(\d+)", out)
    assert sum(int(lessons) for _, lessons in live) == 6000
    assert re.search(r"成华—丹巴教育结对帮扶\s+2024\s+培训\s+4\s+0\s+6000", out)
    assert re.search(r"^\s+6,900,000\.00\s+282,900\.00\s+6,617,100\.00", out, re.MULTILINE)


def test_demo_command_speaks_english_when_asked() -> None:
    code, out, _ = run("--lang", "en", "demo")
    assert code == 0, out
    assert "== summary " in out and "live-lesson" in out and "直播课" not in out


@pytest.mark.parametrize("environment", [True, False])
def test_demo_uses_a_temporary_store_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, environment: bool
) -> None:
    if not environment:
        monkeypatch.delenv("EXCHANGE_DB")
    code, out, _ = run("demo")
    assert code == 0, out
    found = re.match(r"sqlite:///(\S+)  \(from a temporary file\)", out)
    assert found, out
    assert not Path(found.group(1)).exists()  # removed with its folder
    assert not list((tmp_path / "data").glob("**/*.db"))  # the default store untouched
    assert not (tmp_path / "default.db").exists()  # nor EXCHANGE_DB's


def test_demo_keep_builds_a_file_that_verifies(tmp_path: Path) -> None:
    path = tmp_path / "kept.db"
    code, out, _ = run("demo", "--keep", str(path))
    assert code == 0 and "(from --keep)" in out
    with Tracker.open(f"sqlite:///{path}") as tracker:
        assert tracker.verify_log() > 0
        assert summarise(tracker)[2].activities["live-lesson"].lessons == 6000
    code, out, err = run("demo", "--keep", str(path))
    assert code == 1 and "already in" in err and "Traceback" not in err


def test_demo_refuses_db_and_keep_together(tmp_path: Path) -> None:
    code, _, err = run("--db", "memory:", "demo", "--keep", str(tmp_path / "x.db"))
    assert code == 2 and "--keep" in err
