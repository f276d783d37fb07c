"""``exchange copy``: every record and the change log, exact into an empty store, appended
with new ids otherwise, verified by count and checksum, all or nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import attrs
import pytest
from click.testing import CliRunner

from cli.main import cli
from exchange import Assessment, ExchangeError, School, Teacher, Tracker
from exchange.changelog import Change
from exchange.copying import COPIED_TYPES, CopyMismatch, copy
from exchange.demo import build_demo
from exchange.testing.machine import dump, expect_same_dumps


def _demo(url: str = "memory:") -> Tracker:
    tracker = Tracker.open(url, actor="演示")
    build_demo(tracker)
    return tracker


def test_the_demo_copies_exactly_change_log_included(tmp_path: Path) -> None:
    source = _demo()
    target = Tracker.open(f"sqlite:///{tmp_path / 'copy.db'}", actor="省教育厅")
    done = copy(source, target)
    assert [c.table for c in done] == [cls.table for cls in COPIED_TYPES]
    assert {c.table: c.count for c in done} == {k: len(v) for k, v in dump(source.backend).items()}
    expect_same_dumps(dump(target.backend), dump(source.backend))
    assert target.verify_log() == source.verify_log() > 0
    target.add(School(name="贞丰县第五中学", region="贞丰县", stage="初中"))
    assert target.verify_log() == source.verify_log() + 1  # the chain goes on


def test_ids_with_gaps_are_kept() -> None:
    source = Tracker.open("memory:")
    gone = source.add(School(name="将删除", region="贞丰县", stage="小学"))
    kept = source.add(School(name="贞丰县第五中学", region="贞丰县", stage="初中"))
    source.delete(School, gone.id or 0)
    source.add(Teacher(name="罗明", school_id=kept.id or 0, ref="T-LM"))
    target = Tracker.open("memory:")
    copy(source, target)
    assert target.get(Teacher, "T-LM").school_id == kept.id == 2
    assert target.add(School(name="新", region="贞丰县", stage="小学")).id == 3
    changes = list(target.backend.find(Change, {}))
    assert [c.action for c in changes] == ["add", "add", "delete", "add", "add"]


def test_copy_refuses_a_store_that_is_not_empty() -> None:
    source = _demo()
    target = Tracker.open("memory:")
    school = target.add(School(name="已有", region="贞丰县", stage="小学"))
    target.delete(School, school.id or 0)  # no records, but a change log
    before = dump(target.backend)
    with pytest.raises(ExchangeError, match=r"is not empty \(0 records, 2 change-log entries\)"):
        copy(source, target)
    assert dump(target.backend) == before


def test_append_gives_new_ids_and_chains_the_log_on() -> None:
    source = Tracker.open("memory:", actor="县教育局")
    host = source.add(School(name="丹巴县中学", region="丹巴县", stage="高中"))
    teacher = source.add(Teacher(name="罗明", school_id=host.id or 0))
    source.update(attrs.evolve(teacher, phone="13800000000"))
    target = _demo()
    schools, teachers = (target.count(c, include_archived=True) for c in (School, Teacher))
    entries = target.backend.count(Change, {})
    done = copy(source, target, append=True)
    assert {c.table: c.count for c in done}["changes"] == 3
    moved = target.get(Teacher, teachers + 1)
    assert (moved.name, moved.school_id, moved.phone) == ("罗明", schools + 1, "13800000000")
    assert target.get(School, moved.school_id).name == "丹巴县中学"
    log = list(target.backend.find(Change, {}))
    copied, bulk = log[-3:], log[entries:-3]
    assert [(c.record_type, c.record_id, c.actor) for c in copied] == [
        ("schools", schools + 1, "县教育局"),
        ("teachers", teachers + 1, "县教育局"),
        ("teachers", teachers + 1, "县教育局"),
    ]
    assert [c.action for c in bulk] == ["bulk", "bulk"]  # the records, added through the rules
    assert target.verify_log() == len(log)


def test_append_that_breaks_a_rule_writes_nothing() -> None:
    source, target = _demo(), _demo()
    before = dump(target.backend)
    with pytest.raises(ExchangeError, match="ref 'demo:hy-zf' is already used"):
        copy(source, target, append=True)
    assert dump(target.backend) == before


def test_assessment_targets_follow_their_records_when_appended() -> None:
    source, target = _demo(), Tracker.open("memory:")
    target.add(School(name="先有", region="贞丰县", stage="小学"))  # shifts every school id
    copy(source, target, append=True)
    for old, new in zip(
        source.find(Assessment, order_by=["id"]),
        target.find(Assessment, order_by=["id"]),
        strict=True,
    ):
        assert source.result(old) == target.result(new)


def test_a_destination_that_reads_back_wrong_undoes_the_copy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source, target = _demo(), Tracker.open("memory:")
    find = target.backend.find

    def lossy(cls: Any, filters: Any, **kw: Any) -> Any:
        rows = list(find(cls, filters, **kw))
        return iter(rows[:-1] if cls is Teacher else rows)

    monkeypatch.setattr(target.backend, "find", lossy)
    with pytest.raises(CopyMismatch, match=r"teachers read back as 27 rows .* not the 28 rows"):
        copy(source, target)
    monkeypatch.undo()
    assert all(not rows for rows in dump(target.backend).values())


def test_the_copy_command(tmp_path: Path) -> None:
    source, copied = tmp_path / "a.db", tmp_path / "b.db"
    _demo(f"sqlite:///{source}").close()
    result = CliRunner().invoke(cli, ["copy", str(source), str(copied)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("partnerships: 4 copied, sha256 ")
    assert lines[-1].startswith("copied and verified ")
    again = CliRunner().invoke(cli, ["copy", str(source), str(copied)])
    assert again.exit_code == 1 and again.stderr.count("\n") == 1
    assert "is not empty" in again.stderr and "--append" in again.stderr
    zh = CliRunner().invoke(cli, ["--lang", "zh", "copy", str(source), str(tmp_path / "zh.db")])
    assert zh.exit_code == 0 and zh.stdout.startswith("协作关系：已复制 4 条")
    assert "并已核对无误" in zh.stdout.splitlines()[-1]
    refused = CliRunner().invoke(cli, ["--lang", "zh", "copy", str(source), str(copied)])
    assert refused.exit_code == 1 and "不是空库" in refused.stderr
    missing = CliRunner().invoke(cli, ["copy", str(tmp_path / "typo.db"), str(tmp_path / "c.db")])
    assert missing.exit_code == 1 and "typo.db does not exist" in missing.stderr
    assert not (tmp_path / "typo.db").exists() and not (tmp_path / "c.db").exists()
    same = CliRunner().invoke(cli, ["copy", str(source), str(source)])
    assert same.exit_code == 2 and "the same store" in same.stderr


def test_the_installed_command_copies(tmp_path: Path) -> None:
    source, copied = tmp_path / "a.db", tmp_path / "b.db"
    _demo(f"sqlite:///{source}").close()
    exe = Path(sys.executable).parent / "exchange"
    run = subprocess.run(
        [exe, "copy", str(source), str(copied)], capture_output=True, text=True, env=os.environ
    )
    assert run.returncode == 0, run.stderr
    with Tracker.open(str(source)) as a, Tracker.open(str(copied)) as b:
        expect_same_dumps(dump(b.backend), dump(a.backend))
