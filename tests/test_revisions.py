"""Revisions: a change made from a stale copy is refused, saying who changed what, and when."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest

from exchange import School, Secondment, Stage, Teacher, Tracker
from exchange.errors import StaleRecord
from exchange.testing.races import RaceLost, run_race


@pytest.fixture(params=["memory", "sqlite"])
def tracker(request: pytest.FixtureRequest, tmp_path: Path) -> Tracker:
    url = "memory:" if request.param == "memory" else f"sqlite:///{tmp_path / 'r.db'}"
    return Tracker.open(url, actor="王老师")


def _school(tracker: Tracker) -> School:
    return tracker.add(
        School(name="贞丰县第五中学", region="贞丰县", stage=Stage.JUNIOR, ref="ZF-5")
    )


def test_each_change_moves_the_revision_on(tracker: Tracker) -> None:
    school = _school(tracker)
    assert school.revision == 0
    renamed = tracker.update(attrs.evolve(school, name="贞丰五中"))
    archived = tracker.archive(School, renamed)
    assert (renamed.revision, archived.revision) == (1, 2)
    assert tracker.get(School, "ZF-5") == archived


def test_an_update_from_a_stale_copy_names_who_changed_what_and_when(tracker: Tracker) -> None:
    read = _school(tracker)
    tracker.update(attrs.evolve(read, name="贞丰五中", rural=True))
    log = list(tracker.changes())
    with pytest.raises(StaleRecord) as refused:
        tracker.update(attrs.evolve(read, region="黔西南州贞丰县"))
    at = log[-1].at.strftime("%Y-%m-%d %H:%M UTC")
    assert str(refused.value) == (
        f"school ZF-5 was changed (name: 贞丰五中, rural: True) by 王老师 at {at} after you "
        "read it; read it again"
    )
    assert tracker.get(School, read.id or 0).region == "贞丰县"
    assert list(tracker.changes()) == log


@pytest.mark.parametrize("write", ["archive", "delete"])
def test_archiving_or_deleting_a_stale_copy_is_refused(tracker: Tracker, write: str) -> None:
    read = _school(tracker)
    tracker.archive(School, read)
    with pytest.raises(StaleRecord, match=r"was archived by 王老师 at .* after you read it"):
        getattr(tracker, write)(School, read)
    getattr(tracker, write)(School, read.id)  # by id: no copy to be stale


def test_a_record_added_again_starts_at_revision_zero(tracker: Tracker) -> None:
    school = tracker.update(attrs.evolve(_school(tracker), name="贞丰五中"))
    copy = tracker.add(attrs.evolve(school, id=None, ref="ZF-6"))
    loaded = tracker.bulk_add([attrs.evolve(school, id=None, ref="ZF-7")])
    assert (copy.revision, tracker.get(School, loaded.first_id or 0).revision) == (0, 0)


def test_a_domain_move_reads_the_record_itself(tracker: Tracker) -> None:
    """A record given to a move names it; the move is checked against what is stored,
    so a copy read before an earlier move does not need reading again."""
    host = _school(tracker)
    home = tracker.add(School(name="惠阳区半岛学校", region="惠阳区", stage=Stage.JUNIOR))
    teacher = tracker.add(Teacher(name="李老师", school_id=home.id or 0))
    proposed = tracker.second(
        teacher, host, kind="support", starts_on="2025-09-01", ends_on="2026-07-10"
    )
    tracker.approve(proposed)
    assert tracker.start(proposed).revision == 2
    assert tracker.get(Secondment, proposed.id or 0).status.value == "active"


def test_a_race_with_no_winner_is_reported() -> None:
    """The kit's judge fails a race in which nobody wins, as well as one with two."""
    from backends.memory import MemoryBackend

    class Refusing(MemoryBackend):
        def update(self, record):  # type: ignore[no-untyped-def]
            raise StaleRecord("always stale")

    with pytest.raises(RaceLost, match=r"update 1: 0 of 8 workers succeeded"):
        run_race(Refusing(), "update")


def test_the_refusal_shows_values_as_a_reader_knows_them(tracker: Tracker) -> None:
    """Money in yuan and terms by name, not the fen and codes the log stores."""
    host = _school(tracker)
    home = tracker.add(School(name="惠阳区半岛学校", region="惠阳区", stage=Stage.JUNIOR))
    pairing = tracker.pair_schools(home, host, signed_on="2025-03-01")
    read = tracker.allocate(pairing, year=2025, amount=100_000)
    tracker.update(attrs.evolve(read, amount="120000.5", source="省级"))
    with pytest.raises(StaleRecord, match=r"\(amount: 120000\.50, source: 省级\)"):
        tracker.update(attrs.evolve(read, amount=1))
    teacher = tracker.add(Teacher(name="李老师", school_id=home.id or 0))
    proposed = tracker.second(
        teacher, host, kind="support", starts_on="2025-09-01", ends_on="2026-07-10"
    )
    tracker.approve(proposed)
    with pytest.raises(StaleRecord, match=r"\(status: approved\)"):
        tracker.update(attrs.evolve(proposed, post="数学"))


def test_a_stale_refusal_names_a_personal_field_without_its_value() -> None:
    """A personal field is sealed anew on every write: the refusal compares it opened,
    so an unchanged note is not reported, and a changed one is named, never shown."""
    from exchange import Meeting

    tracker = Tracker.open("memory:", actor="王老师")
    school = tracker.add(School(name="甲校", region="乙县", stage="小学"))
    mentor, mentee = (tracker.add(Teacher(name=n, school_id=school.id or 0)) for n in "甲乙")
    pair = tracker.pair_mentor(mentor, mentee, programme="青蓝工程", starts_on="2025-09-01")
    read = tracker.log_meeting(pair, held_on="2025-10-01", minutes=90, kind="听课", notes="家访")
    tracker.update(attrs.evolve(read, minutes=60))  # the note is sealed again, unchanged
    with pytest.raises(StaleRecord) as refused:
        tracker.update(attrs.evolve(read, minutes=30))
    assert "(minutes: 60)" in str(refused.value)
    newer = tracker.get(Meeting, read.id or 0)
    tracker.update(attrs.evolve(newer, notes="学生家访记录"))
    with pytest.raises(StaleRecord) as again:
        tracker.update(attrs.evolve(newer, minutes=45))
    assert "(notes)" in str(again.value) and "家访" not in str(again.value)
    assert "sealed" not in str(again.value)
