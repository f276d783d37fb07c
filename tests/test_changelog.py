"""The change log: hash-chained, verified after any sequence of operations, broken by any edit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from exchange import School, Teacher, Tracker, errors
from exchange.changelog import Change, chain_hash, verify

OPERATIONS = st.lists(
    st.sampled_from(["school", "teacher", "rename", "archive", "delete", "fail", "bulk"]),
    min_size=1,
    max_size=25,
)


def run(tracker: Tracker, operations: list[str]) -> None:
    """Apply a sequence of operations, ignoring the ones the rules refuse."""
    for n, operation in enumerate(operations):
        schools = list(tracker.find(School))
        teachers = list(tracker.find(Teacher))
        try:
            if operation == "school" or not schools:
                tracker.add(School(name=f"学校{n}", region="贞丰县", stage="小学"))
            elif operation == "teacher":
                tracker.add(Teacher(name=f"老师{n}", school_id=schools[-1].id))
            elif operation == "rename":
                tracker.update(attrs.evolve(schools[0], name=f"改名{n}"))
            elif operation == "archive":
                tracker.archive(School, schools[-1].id or 0)
            elif operation == "delete" and teachers:
                tracker.delete(Teacher, teachers[0].id or 0)
            elif operation == "fail":
                with tracker.transaction():
                    tracker.add(School(name="回滚", region="r", stage="小学"))
                    raise errors.RuleViolation("on purpose")
            elif operation == "bulk":
                tracker.bulk_add(Teacher(name=f"批{i}", school_id=schools[0].id) for i in range(3))
        except errors.ExchangeError:
            pass


@given(OPERATIONS)
def test_chain_verifies_after_any_sequence(operations: list[str]) -> None:
    with Tracker.open("memory:", actor="审计") as tracker:
        run(tracker, operations)
        entries = list(tracker.changes())
        assert tracker.verify_log() == len(entries)
        assert all(e.actor == "审计" for e in entries)


def _tampered(entry: Change, field: str) -> Change:
    changes: dict[str, Any] = {
        "at": entry.at + dt.timedelta(seconds=1),
        "actor": entry.actor + "x",
        "action": "delete" if entry.action != "delete" else "add",
        "record_type": "teachers" if entry.record_type != "teachers" else "schools",
        "record_id": (entry.record_id or 0) + 1,
        "before": (entry.before or "") + "x",
        "after": (entry.after or "") + "x",
        "prev_hash": "f" * 64,
        "hash": "e" * 64,
    }
    return attrs.evolve(entry, **{field: changes[field]})


@given(OPERATIONS, st.data())
def test_any_single_edit_breaks_the_chain(operations: list[str], data: st.DataObject) -> None:
    with Tracker.open("memory:") as tracker:
        run(tracker, operations)
        entries = list(tracker.changes())
        index = data.draw(st.integers(0, len(entries) - 1))
        field = data.draw(st.sampled_from([*sorted(entries[index].content()), "prev_hash", "hash"]))
        entries[index] = _tampered(entries[index], field)
        with pytest.raises(errors.ChainBroken, match=f"entry {entries[index].id}"):
            verify(entries)


@given(OPERATIONS, st.data())
def test_removing_an_entry_breaks_the_chain(operations: list[str], data: st.DataObject) -> None:
    with Tracker.open("memory:") as tracker:
        run(tracker, operations)
        entries = list(tracker.changes())
        if len(entries) < 2:
            return
        index = data.draw(st.integers(0, len(entries) - 2))
        del entries[index]
        with pytest.raises(errors.ChainBroken):
            verify(entries)


def test_edit_in_the_stored_file_is_found(tmp_path: Any) -> None:
    import sqlite3

    path = tmp_path / "audit.db"
    with Tracker.open(f"sqlite:///{path}") as tracker:
        run(tracker, ["school", "teacher", "rename", "bulk"])
        assert tracker.verify_log() == 4
    conn = sqlite3.connect(path)
    triggers = [r[0] for r in conn.execute("select name from sqlite_master where type='trigger'")]
    for name in triggers:  # someone with the file in hand can drop the guards...
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("UPDATE changes SET actor = 'someone else' WHERE id = 2")
    conn.commit()
    conn.close()
    with (  # ...but not hide the edit
        Tracker.open(f"sqlite:///{path}") as tracker,
        pytest.raises(errors.ChainBroken, match="entry 2 was edited"),
    ):
        tracker.verify_log()


def test_hash_covers_every_content_field() -> None:
    content = {
        "at": "2025-01-01T00:00:00+00:00",
        "actor": "a",
        "action": "add",
        "record_type": "schools",
        "record_id": 1,
        "before": None,
        "after": "{}",
    }
    base = chain_hash("0" * 64, content)
    for key in content:
        assert chain_hash("0" * 64, {**content, key: "changed"}) != base
    assert chain_hash("1" * 64, content) != base
