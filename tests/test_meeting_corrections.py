"""A confirmed meeting is frozen; a correction is a new, linked meeting that counts
instead of it once the mentee confirms it (docs/domain.md, the meeting log)."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner

from cli.main import cli
from exchange import Meeting, School, Teacher, Tracker
from exchange.enums import MeetingKind
from exchange.errors import NotFound, RuleViolation


@pytest.fixture(params=["memory:", "sqlite"])
def tracker(request: pytest.FixtureRequest, tmp_path: Path) -> Tracker:
    url = request.param if request.param == "memory:" else f"sqlite:///{tmp_path / 'm.db'}"
    tracker = Tracker.open(url)
    school = tracker.add(School(name="甲校", region="乙县", stage="小学"))
    mentor, mentee, other = (
        tracker.add(Teacher(name=n, school_id=school.id or 0, ref=r))
        for n, r in (("王老师", "T-1"), ("陈老师", "T-2"), ("李老师", "T-3"))
    )
    pair = tracker.pair_mentor(mentor, mentee, programme="青蓝工程", starts_on="2025-09-01")
    tracker.pair_mentor(mentor, other, programme="青蓝工程", starts_on="2025-09-01")
    meeting = tracker.log_meeting(pair, held_on="2025-10-01", minutes=90, kind="听课")
    tracker.confirm_meeting(meeting, by=mentee)
    return tracker


def test_a_confirmed_meeting_is_frozen_and_only_its_mentee_confirms(tracker: Tracker) -> None:
    meeting = tracker.get(Meeting, 1)
    with pytest.raises(RuleViolation, match="confirmed by teacher 2 and cannot change"):
        tracker.update(attrs.evolve(meeting, minutes=600))
    fresh = tracker.log_meeting(1, held_on="2025-10-02", minutes=30, kind="评课")
    with pytest.raises(RuleViolation, match="only be confirmed by its mentee, teacher 2"):
        tracker.confirm_meeting(fresh, by="T-1")  # the mentor, as the mentee
    with pytest.raises(RuleViolation, match="is logged unconfirmed"):
        tracker.add(attrs.evolve(fresh, id=None, ref=None, confirmed_by=2))


def test_a_correction_counts_instead_once_the_mentee_confirms_it(tracker: Tracker) -> None:
    assert tracker.confirmed_minutes(1) == 90
    correction = tracker.correct_meeting(1, minutes=60, notes="实为一课时")
    assert (correction.corrects, correction.minutes, correction.confirmed_by) == (1, 60, None)
    assert (correction.held_on, correction.kind) == (
        tracker.get(Meeting, 1).held_on,
        MeetingKind.OBSERVATION,
    )
    assert tracker.confirmed_minutes(1) == 90  # not until the mentee confirms
    tracker.confirm_meeting(correction, by="T-2")
    assert tracker.confirmed_minutes(1) == 60
    assert tracker.get(Meeting, 1).archived
    assert tracker.verify_log() and not list(tracker.verify_records())


def test_refused_corrections_change_nothing(tracker: Tracker) -> None:
    unconfirmed = tracker.log_meeting(1, held_on="2025-10-03", minutes=45, kind="评课")
    entries = tracker.verify_log()
    with pytest.raises(RuleViolation, match="only a confirmed meeting of the same pair"):
        tracker.correct_meeting(unconfirmed, minutes=30)
    with pytest.raises(NotFound):
        tracker.correct_meeting(99, minutes=30)
    first = tracker.correct_meeting(1, minutes=60)
    with pytest.raises(
        RuleViolation, match=rf"correction of meeting 1 is already recorded \(meeting {first.id}\)"
    ):
        tracker.correct_meeting(1, minutes=70)
    elsewhere = tracker.log_meeting(2, held_on="2025-10-03", minutes=45, kind="评课")
    with pytest.raises(RuleViolation, match="only a confirmed meeting of the same pair"):
        tracker.add(attrs.evolve(elsewhere, id=None, ref=None, corrects=1))
    assert tracker.verify_log() == entries + 2  # the two meetings logged, nothing else


def test_the_command_line_corrects_and_refuses_in_one_line(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    with Tracker.open(f"sqlite:///{db}") as tracker:
        school = tracker.add(School(name="甲校", region="乙县", stage="小学"))
        a, b = (tracker.add(Teacher(name=n, school_id=school.id or 0)) for n in ("甲", "乙"))
        pair = tracker.pair_mentor(a, b, programme="青蓝工程", starts_on="2025-09-01")
        tracker.confirm_meeting(
            tracker.log_meeting(pair, held_on="2025-10-01", minutes=90, kind="听课"), by=b
        )
    runner = CliRunner()
    done = runner.invoke(cli, ["--db", str(db), "mentor", "correct", "1", "--minutes", "60"])
    assert done.exit_code == 0, done.output
    assert (
        done.stdout == "logged meeting 2, correcting meeting 1: 60 minutes, awaiting the mentee\n"
    )
    again = runner.invoke(cli, ["--db", str(db), "mentor", "correct", "1", "--minutes", "70"])
    assert again.exit_code == 1
    assert again.stderr == "Error: a correction of meeting 1 is already recorded (meeting 2)\n"
    confirmed = runner.invoke(cli, ["--db", str(db), "mentor", "confirm", "2", "--by", "2"])
    assert "the pair has 60 confirmed minutes" in confirmed.stdout
