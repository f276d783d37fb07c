"""``exchange copy``: every record to an empty store, links rewritten, all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from exchange import Assessment, ExchangeError, School, Teacher, Tracker
from exchange.copying import copy
from exchange.demo import build_demo
from exchange.exporting import export_report
from exchange.models import RECORD_TYPES
from exchange.testing.machine import dump


def _rows(tracker: Tracker) -> dict[str, tuple[object, ...]]:
    return {cls.table: export_report(tracker, cls).tables[0].rows for cls in RECORD_TYPES}


def test_the_demo_copies_exactly(tmp_path: Path) -> None:
    source = Tracker.open("memory:")
    build_demo(source)
    target = Tracker.open(f"sqlite:///{tmp_path / 'copy.db'}")
    counts = copy(source, target)
    assert counts["teachers"] == source.count("teachers", include_archived=True)
    assert _rows(target) == _rows(source)
    assert target.verify_log() == len(RECORD_TYPES)  # one bulk entry per type


def test_ids_with_gaps_are_renumbered_and_links_follow() -> None:
    source = Tracker.open("memory:")
    gone = source.add(School(name="将删除", region="贞丰县", stage="小学"))
    kept = source.add(School(name="贞丰县第五中学", region="贞丰县", stage="初中"))
    source.delete(School, gone.id or 0)
    build_demo(source)
    source.add(Teacher(name="罗明", school_id=kept.id or 0, ref="T-LM"))
    target = Tracker.open("memory:")
    copy(source, target)
    moved = target.get(Teacher, "T-LM")
    assert (moved.school_id, target.get(School, moved.school_id).name) == (1, "贞丰县第五中学")
    for old, new in zip(
        source.find(Assessment, order_by=["id"]),
        target.find(Assessment, order_by=["id"]),
        strict=True,
    ):
        assert source.result(old) == target.result(new)
        assert new.target_id == old.target_id  # secondments kept their ids here
    assert _rows(target)["assessments"] == _rows(source)["assessments"]


def test_copy_refuses_a_store_that_holds_records() -> None:
    source = Tracker.open("memory:")
    build_demo(source)
    target = Tracker.open("memory:")
    target.add(School(name="已有", region="贞丰县", stage="小学"))
    before = dump(target.backend)
    with pytest.raises(ExchangeError, match=r"already holds records \(schools\)"):
        copy(source, target)
    assert dump(target.backend) == before


def test_the_copy_command(tmp_path: Path) -> None:
    source = tmp_path / "a.db"
    with Tracker.open(f"sqlite:///{source}") as tracker:
        build_demo(tracker)
    result = CliRunner().invoke(cli, ["copy", str(source), str(tmp_path / "b.db")])
    assert result.exit_code == 0 and result.stdout.startswith("copied ")
    again = CliRunner().invoke(cli, ["copy", str(source), str(tmp_path / "b.db")])
    assert again.exit_code == 1 and "already holds records" in again.stderr
