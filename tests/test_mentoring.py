"""Mentoring on every backend: programmes and their capacity across programmes, the mentor
pair lifecycle, confirmed meetings, goals and milestones, the cascade report, load, and
the uniqueness of participations and allocations."""

from __future__ import annotations

import contextlib
import datetime as dt
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from exchange import School, Teacher, Tracker, errors
from exchange.enums import MeetingKind, MentorshipStatus
from exchange.models import Goal, Meeting, Mentorship, Milestone, Programme
from exchange.testing.machine import dump

BACKENDS = ["memory", "sqlite"]
M = MentorshipStatus
START = dt.date(2025, 1, 1)


def _url(kind: str, folder: Path) -> str:
    return "memory:" if kind == "memory" else f"sqlite:///{folder / 'mentoring.db'}"


@contextlib.contextmanager
def _fresh(kind: str) -> Iterator[Tracker]:
    """A fresh tracker per hypothesis example (a new SQLite file for ``sqlite``)."""
    with tempfile.TemporaryDirectory() as folder, Tracker.open(_url(kind, Path(folder))) as t:
        yield t


@pytest.fixture(params=BACKENDS)
def tracker(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Tracker]:
    with Tracker.open(_url(request.param, tmp_path), actor="测试员") as opened:
        yield opened


def _teachers(tracker: Tracker, n: int) -> list[Teacher]:
    school = tracker.add(School(name="惠阳区半岛学校", region="广东省惠州市惠阳区", stage="初中"))
    return [tracker.add(Teacher(name=f"教师{i}", school_id=school.id)) for i in range(n)]


def _refused(
    tracker: Tracker, call: Callable[[], object], error: type[errors.ExchangeError]
) -> str:
    """Run a call that must be refused with ``error``; the store must be as before.

    Returns the message, checked to be one line."""
    before = dump(tracker.backend)
    with pytest.raises(error) as raised:
        call()
    message = str(raised.value)
    assert isinstance(raised.value, errors.ExchangeError)
    assert message and "\n" not in message and "Traceback" not in message
    assert dump(tracker.backend) == before
    return message


# -- 1. capacity holds across programmes --------------------------------------------------

PROGRAMMES = ("百千万", "青蓝工程", "名师工作室")
CAPACITIES = st.one_of(st.none(), st.integers(1, 3))
PEOPLE = 6

ACTIONS = ["pair"] * 4 + ["end", "complete", "define", "define", "archive", "unarchive"]
STEPS = st.lists(
    st.tuples(
        st.sampled_from(ACTIONS),
        st.integers(0, 2),  # the mentor: a few teachers, so their loads grow
        st.integers(0, PEOPLE - 1),  # the mentee
        st.integers(0, len(PROGRAMMES) - 1),
        CAPACITIES,
        st.integers(0, 30),  # which stored pair to end, complete, archive or unarchive
    ),
    min_size=4,
    max_size=30,
)


def _capacity_holds(tracker: Tracker) -> None:
    """Brute force: every mentor's active, non-archived pairs across all programmes are
    within the smallest capacity of the programmes (with a record and a capacity) in
    which the mentor has such a pair."""
    pairs = list(tracker.find(Mentorship, include_archived=True))
    capacity = {p.name: p.mentor_capacity for p in tracker.find(Programme, include_archived=True)}
    for mentor in {p.mentor_id for p in pairs}:
        active = [p for p in pairs if p.mentor_id == mentor and p.status is M.ACTIVE]
        active = [p for p in active if not p.archived]
        limits = [c for p in active if (c := capacity.get(p.programme)) is not None]
        if limits:
            assert len(active) <= min(limits), (mentor, active, capacity)


def _reaches(pairs: list[Mentorship], start: int) -> set[int]:
    """Everyone below ``start`` through counting (active or completed), unarchived pairs."""
    edges = [
        (p.mentor_id, p.mentee_id)
        for p in pairs
        if p.status in (M.ACTIVE, M.COMPLETED) and not p.archived
    ]
    found: set[int] = set()
    frontier = {start}
    while frontier:
        frontier = {b for a, b in edges if a in frontier} - found
        found |= frontier
    return found


def _pair_must_be_refused(tracker: Tracker, mentor: int, mentee: int, programme: str) -> bool:
    pairs = list(tracker.find(Mentorship, include_archived=True))
    if mentor in _reaches(pairs, mentee):
        return True  # a cycle
    capacity = {p.name: p.mentor_capacity for p in tracker.find(Programme, include_archived=True)}
    active = [p for p in pairs if p.mentor_id == mentor and p.status is M.ACTIVE and not p.archived]
    names = {p.programme for p in active} | {programme}
    limits = [c for name in names if (c := capacity.get(name)) is not None]
    return bool(limits) and len(active) + 1 > min(limits)


def _load_above(tracker: Tracker, programme: str, capacity: int) -> bool:
    """Whether a mentor with an active, unarchived pair in the programme has more than
    ``capacity`` such pairs across all programmes."""
    active = [p for p in tracker.find(Mentorship) if p.status is M.ACTIVE]
    mentors = {p.mentor_id for p in active if p.programme == programme}
    return any(sum(p.mentor_id == m for p in active) > capacity for m in mentors)


@pytest.mark.parametrize("kind", BACKENDS)
@settings(max_examples=50)
@given(
    initial=st.lists(CAPACITIES, min_size=2, max_size=3),
    steps=STEPS,
)
def test_capacity_holds_across_programmes(
    kind: str, initial: list[int | None], steps: list[tuple[Any, ...]]
) -> None:
    with _fresh(kind) as tracker:
        people = [t.id or 0 for t in _teachers(tracker, PEOPLE)]
        for name, capacity in zip(PROGRAMMES, initial, strict=False):
            tracker.define_programme(name, targets=(1, 10), mentor_capacity=capacity)
        for action, mentor_at, mentee_at, programme_at, capacity, pick_at in steps:
            name = PROGRAMMES[programme_at]
            pairs = list(tracker.find(Mentorship, include_archived=True))
            pick = pairs[pick_at % len(pairs)] if pairs else None
            call: Callable[[], object]
            expected: bool | None = None  # whether the call must be refused, when known
            if action == "pair":
                mentor, mentee = people[mentor_at], people[mentee_at]
                if mentor == mentee:
                    continue
                expected = _pair_must_be_refused(tracker, mentor, mentee, name)

                def call(m: int = mentor, e: int = mentee, p: str = name) -> object:
                    return tracker.pair_mentor(m, e, programme=p, starts_on=START)

            elif action == "define":
                found = list(tracker.find(Programme, name=name, include_archived=True))
                # must be refused if one of its mentors already has more mentees (it may be
                # refused in more cases: see test_an_archived_pair_does_not_tie_...)
                if capacity is not None and _load_above(tracker, name, capacity):
                    expected = True

                def call(n: str = name, c: int | None = capacity, f: list = found) -> object:
                    if f:
                        return tracker.update(attrs.evolve(f[0], mentor_capacity=c))
                    return tracker.define_programme(n, mentor_capacity=c)

            elif pick is None:
                continue
            elif action == "end":
                # ended again: see test_ending_an_ended_pair_again_is_refused
                expected = None if pick.status is M.ENDED else pick.status is not M.ACTIVE

                def call(p: Mentorship = pick) -> object:
                    return tracker.end_mentorship(p, reason="调离", on="2025-06-30")

            elif action == "complete":
                expected = pick.status is not M.ACTIVE
                if pick.status is M.COMPLETED or (pick.archived and pick.status is M.ACTIVE):
                    # completed again; or an archived pair whose completion the cycle
                    # rule checks although archived pairs are left out of the cascade
                    expected = None

                def call(p: Mentorship = pick) -> object:
                    return tracker.complete_mentorship(p, on="2025-12-31")

            elif action == "archive":

                def call(p: Mentorship = pick) -> object:
                    return tracker.archive(Mentorship, p.id or 0)

            else:

                def call(p: Mentorship = pick) -> object:
                    return tracker.update(attrs.evolve(p, archived=False))

            before = dump(tracker.backend)
            try:
                call()
            except errors.ExchangeError as refused:
                event(f"{action} refused: {str(refused)[:40]}")
                assert expected is not False, f"{action} refused: {refused}"
                assert "\n" not in str(refused)
                assert dump(tracker.backend) == before, f"refused {action} left changes"
            else:
                assert expected is not True, f"{action} should have been refused"
            _capacity_holds(tracker)
        event(f"pairs: {tracker.count(Mentorship, include_archived=True)}")


def test_capacity_counts_pairs_in_programmes_without_a_record(tracker: Tracker) -> None:
    a, b, c, d = (t.id for t in _teachers(tracker, 4))
    tracker.define_programme("百千万", mentor_capacity=2)
    tracker.pair_mentor(a, b, programme="百千万", starts_on=START)
    tracker.pair_mentor(a, c, programme="校本研修", starts_on=START)  # no record, no limit
    message = _refused(
        tracker,
        lambda: tracker.pair_mentor(a, d, programme="校本研修", starts_on=START),
        errors.RuleViolation,
    )
    assert f"teacher {a} would mentor 3" in message and "'百千万'" in message


def test_an_archived_pair_does_not_tie_its_mentor_to_the_programme(tracker: Tracker) -> None:
    m, b, c, d = (t.id for t in _teachers(tracker, 4))
    old = tracker.pair_mentor(m, b, programme="百千万", starts_on=START)
    tracker.archive(Mentorship, old.id or 0)
    tracker.pair_mentor(m, c, programme="青蓝工程", starts_on=START)
    tracker.pair_mentor(m, d, programme="青蓝工程", starts_on=START)
    # m has no active, unarchived pair in 百千万, so its capacity does not apply to m
    assert tracker.define_programme("百千万", mentor_capacity=1).mentor_capacity == 1


# -- 2. the mentor pair lifecycle ----------------------------------------------------------


def test_active_pair_completes_or_ends(tracker: Tracker) -> None:
    a, b, c = (t.id for t in _teachers(tracker, 3))
    first = tracker.pair_mentor(a, b, programme="青蓝工程", starts_on="2025-02-01")
    second = tracker.pair_mentor(a, c, programme="青蓝工程", starts_on="2025-02-01")
    assert first.status is M.ACTIVE and first.ends_on is None
    done = tracker.complete_mentorship(first, on="2026-01-31")
    assert (done.status, done.ends_on) == (M.COMPLETED, dt.date(2026, 1, 31))
    ended = tracker.end_mentorship(second, reason="调往外校", on="2025-09-01")
    assert (ended.status, ended.ends_on, ended.reason) == (
        M.ENDED,
        dt.date(2025, 9, 1),
        "调往外校",
    )
    assert tracker.get(Mentorship, first.id or 0) == done
    assert tracker.get(Mentorship, second.id or 0) == ended


# Each case makes its allowed moves first, then returns the call that must be refused.
Refusal = Callable[[Tracker, Mentorship], Callable[[], object]]


def _end_without_reason(t: Tracker, p: Mentorship) -> Callable[[], object]:
    return lambda: t.end_mentorship(p, reason="  ", on="2025-06-01")


def _completed_back_to_active(t: Tracker, p: Mentorship) -> Callable[[], object]:
    done = t.complete_mentorship(p, on="2025-06-01")
    return lambda: t.update(attrs.evolve(done, status="active", ends_on=None))


def _ended_then_completed(t: Tracker, p: Mentorship) -> Callable[[], object]:
    ended = t.end_mentorship(p, reason="病休", on="2025-06-01")
    return lambda: t.complete_mentorship(ended, on="2025-07-01")


def _completed_then_ended(t: Tracker, p: Mentorship) -> Callable[[], object]:
    t.complete_mentorship(p, on="2025-06-01")
    return lambda: t.end_mentorship(p, reason="另有安排", on="2025-07-01")


def _completed_without_a_day(t: Tracker, p: Mentorship) -> Callable[[], object]:
    return lambda: t.update(attrs.evolve(p, status="completed"))


LIFECYCLE_REFUSALS: dict[str, tuple[Refusal, type[errors.ExchangeError], str]] = {
    "end without a reason": (_end_without_reason, errors.InvalidRecord, "give a reason"),
    "completed back to active": (
        _completed_back_to_active,
        errors.RuleViolation,
        "is completed (已结业) and cannot become active",
    ),
    "ended then completed": (
        _ended_then_completed,
        errors.RuleViolation,
        "is ended (提前结束) and cannot become completed",
    ),
    "completed then ended": (
        _completed_then_ended,
        errors.RuleViolation,
        "is completed (已结业) and cannot become ended",
    ),
    "completed without a day": (_completed_without_a_day, errors.InvalidRecord, "give the day"),
}


@pytest.mark.parametrize("case", sorted(LIFECYCLE_REFUSALS))
def test_forbidden_mentorship_moves_are_refused(tracker: Tracker, case: str) -> None:
    a, b = (t.id for t in _teachers(tracker, 2))
    pair = tracker.pair_mentor(a, b, programme="青蓝工程", starts_on="2025-02-01")
    prepare, error, expected = LIFECYCLE_REFUSALS[case]
    message = _refused(tracker, prepare(tracker, pair), error)
    assert f"mentorship {pair.id}" in message
    assert expected in message


def test_ending_an_ended_pair_again_is_refused(tracker: Tracker) -> None:
    a, b = (t.id for t in _teachers(tracker, 2))
    pair = tracker.pair_mentor(a, b, programme="青蓝工程", starts_on="2025-02-01")
    tracker.end_mentorship(pair, reason="调往外校", on="2025-06-01")
    message = _refused(
        tracker,
        lambda: tracker.end_mentorship(pair, reason="另一个理由", on="2025-09-01"),
        errors.RuleViolation,
    )
    assert f"mentorship {pair.id}" in message


# -- 3. the meeting log --------------------------------------------------------------------


@attrs.frozen
class Pairs:
    """A mentor with two mentees: one pair still active, one completed on 2025-06-30."""

    mentor: int
    mentee: int
    other_mentee: int
    outsider: int
    active: Mentorship
    completed: Mentorship


def _pairs(tracker: Tracker) -> Pairs:
    mentor, mentee, other, outsider = (t.id or 0 for t in _teachers(tracker, 4))
    active = tracker.pair_mentor(mentor, mentee, programme="青蓝工程", starts_on=START)
    done = tracker.pair_mentor(mentor, other, programme="青蓝工程", starts_on=START)
    done = tracker.complete_mentorship(done, on="2025-06-30")
    return Pairs(mentor, mentee, other, outsider, active, done)


def test_only_meetings_the_mentee_confirmed_count(tracker: Tracker) -> None:
    p = _pairs(tracker)
    first = tracker.log_meeting(p.active, held_on="2025-03-05", minutes=45, kind="听课")
    second = tracker.log_meeting(p.active, held_on="2025-03-06", minutes=40, kind="review")
    tracker.log_meeting(p.active, held_on="2025-03-07", minutes=90, kind="集体备课")
    assert first.confirmed_by is None and first.kind is MeetingKind.OBSERVATION
    assert tracker.confirmed_minutes(p.active) == 0
    assert tracker.confirm_meeting(first, by=p.mentee).confirmed_by == p.mentee
    tracker.confirm_meeting(second, by=p.mentee)
    assert tracker.confirmed_minutes(p.active) == 85
    assert tracker.confirmed_minutes(p.completed) == 0
    tracker.archive(Meeting, second.id or 0)
    assert tracker.confirmed_minutes(p.active) == 45


def test_meetings_of_an_ended_pair_within_its_dates_count(tracker: Tracker) -> None:
    p = _pairs(tracker)
    last = tracker.log_meeting(p.completed, held_on="2025-06-30", minutes=1440, kind="other")
    tracker.confirm_meeting(last, by=p.other_mentee)
    assert tracker.confirmed_minutes(p.completed) == 1440


def test_confirmation_by_anyone_but_the_mentee_is_refused(tracker: Tracker) -> None:
    p = _pairs(tracker)
    meeting = tracker.log_meeting(p.active, held_on="2025-03-05", minutes=45, kind="听课")
    for who in (p.mentor, p.outsider, p.other_mentee):
        message = _refused(
            tracker, lambda w=who: tracker.confirm_meeting(meeting, by=w), errors.RuleViolation
        )
        assert f"only be confirmed by its mentee, teacher {p.mentee}" in message
        assert f"not teacher {who}" in message
    assert tracker.confirmed_minutes(p.active) == 0


def test_a_meeting_is_logged_unconfirmed_and_frozen_once_confirmed(tracker: Tracker) -> None:
    """The mentor cannot log a meeting already confirmed (a bulk load of past meetings
    keeps theirs); after the mentee confirms, neither minutes nor anything else changes
    (90 stays 90, it is not unconfirmed), though it may be archived; a correction is a
    new meeting."""
    p = _pairs(tracker)
    confirmed = Meeting(
        mentorship_id=p.active.id, held_on="2025-03-05", minutes=90, kind="听课",
        confirmed_by=p.mentee,
    )  # fmt: skip
    message = _refused(tracker, lambda: tracker.add(confirmed), errors.RuleViolation)
    assert f"is logged unconfirmed; its mentee, teacher {p.mentee}, confirms it" in message
    assert tracker.bulk_add([confirmed]).count == 1  # history, as an import brings it
    meeting = tracker.log_meeting(p.active, held_on="2025-03-05", minutes=90, kind="听课")
    meeting = tracker.confirm_meeting(meeting, by=p.mentee)
    for change in (
        {"minutes": 600},
        {"notes": "补记"},
        {"held_on": dt.date(2025, 3, 6)},
        {"confirmed_by": None},
    ):
        message = _refused(
            tracker,
            lambda c=change: tracker.update(attrs.evolve(meeting, **c)),
            errors.RuleViolation,
        )
        assert (
            f"meeting {meeting.id} was confirmed by teacher {p.mentee} and cannot change" in message
        )
    assert tracker.confirmed_minutes(p.active) == 180  # the loaded one and this one
    tracker.archive(Meeting, meeting)
    assert tracker.confirmed_minutes(p.active) == 90


BAD_MEETINGS: dict[str, tuple[dict[str, Any], type[errors.ExchangeError], str]] = {
    "before the pair started": (
        {"held_on": "2024-12-31"},
        errors.RuleViolation,
        "outside mentorship",
    ),
    "after the pair ended": ({"held_on": "2025-07-01"}, errors.RuleViolation, "to 2025-06-30"),
    "no minutes": ({"minutes": 0}, errors.InvalidRecord, "between 1 and 1,440"),
    "more than a day": ({"minutes": 1441}, errors.InvalidRecord, "between 1 and 1,440"),
    "unknown kind": (
        {"kind": "喝茶"},
        errors.InvalidRecord,
        "observation (听课), review (评课), joint-preparation (集体备课), online (线上交流), "
        "other (其他)",
    ),
    "not a date": ({"held_on": "2025-02-30"}, errors.InvalidRecord, "2025-02-30"),
}


@pytest.mark.parametrize("case", sorted(BAD_MEETINGS))
def test_bad_meetings_are_refused(tracker: Tracker, case: str) -> None:
    p = _pairs(tracker)
    changes, error, expected = BAD_MEETINGS[case]
    values: dict[str, Any] = {"held_on": "2025-03-01", "minutes": 30, "kind": "听课", **changes}
    message = _refused(tracker, lambda: tracker.log_meeting(p.completed, **values), error)
    assert expected in message


def test_a_meeting_before_the_pair_started_is_refused_on_the_active_pair(
    tracker: Tracker,
) -> None:
    p = _pairs(tracker)
    message = _refused(
        tracker,
        lambda: tracker.log_meeting(p.active, held_on="2024-12-31", minutes=30, kind="online"),
        errors.RuleViolation,
    )
    assert f"outside mentorship {p.active.id}, which runs from 2025-01-01 to now" in message


def test_a_pair_cannot_end_before_its_logged_meetings(tracker: Tracker) -> None:
    p = _pairs(tracker)
    tracker.log_meeting(p.active, held_on="2025-05-01", minutes=30, kind="听课")
    _refused(
        tracker,
        lambda: tracker.complete_mentorship(p.active, on="2025-04-30"),
        errors.RuleViolation,
    )


MEETINGS = st.lists(
    st.tuples(
        st.booleans(),  # which pair
        st.integers(-10, 220),  # day offset from 2025-01-01
        st.integers(0, 200),  # minutes (0 is refused)
        st.sampled_from(list(MeetingKind)),
        st.sampled_from(["mentee", "mentor", "outsider", None]),  # who confirms
        st.booleans(),  # archived afterwards
    ),
    max_size=12,
)


@pytest.mark.parametrize("kind", BACKENDS)
@settings(max_examples=25)
@given(meetings=MEETINGS)
def test_confirmed_minutes_equal_a_brute_force_sum(kind: str, meetings: list[tuple]) -> None:
    with _fresh(kind) as tracker:
        p = _pairs(tracker)
        for which, offset, minutes, meeting_kind, confirmer, archive in meetings:
            pair = p.active if which else p.completed
            day = START + dt.timedelta(days=offset)
            inside = day >= pair.starts_on and (pair.ends_on is None or day <= pair.ends_on)
            before = dump(tracker.backend)
            try:
                meeting = tracker.log_meeting(pair, held_on=day, minutes=minutes, kind=meeting_kind)
                assert inside and minutes > 0
            except errors.ExchangeError:
                assert not (inside and minutes > 0)
                assert dump(tracker.backend) == before
                continue
            if confirmer is not None:
                by = {"mentee": pair.mentee_id, "mentor": p.mentor, "outsider": p.outsider}
                try:
                    tracker.confirm_meeting(meeting, by=by[confirmer])
                    assert confirmer == "mentee"
                except errors.RuleViolation:
                    assert confirmer != "mentee"
            if archive:
                tracker.archive(Meeting, meeting.id or 0)
        for pair in (p.active, p.completed):
            expected = sum(
                m.minutes
                for m in tracker.find(Meeting)
                if m.mentorship_id == pair.id and m.confirmed_by == pair.mentee_id
            )
            assert tracker.confirmed_minutes(pair) == expected


# -- 4. goals and milestones ---------------------------------------------------------------


def test_goal_progress(tracker: Tracker) -> None:
    p = _pairs(tracker)
    bare = tracker.set_goal(p.active, "站稳讲台")
    assert bare.milestones == () and bare.progress == 0
    goal = tracker.set_goal(p.active, "上好一节公开课", milestones=["磨课", "公开课"])
    assert goal.progress == 0
    halfway = tracker.reach_milestone(goal, "磨课", on="2025-04-01")
    assert halfway.progress == 50
    assert halfway.milestones[0].done_on == dt.date(2025, 4, 1)
    assert halfway.milestones[1].done_on is None
    achieved = tracker.achieve_goal(goal, on="2025-05-01")
    assert (achieved.progress, achieved.achieved_on) == (100, dt.date(2025, 5, 1))
    assert tracker.achieve_goal(bare, on="2025-05-01").progress == 100
    thirds = tracker.set_goal(p.active, "三步", milestones=["一", "二", "三"])
    assert tracker.reach_milestone(thirds, "二", on="2025-04-01").progress == 33


def test_reaching_an_unknown_milestone_lists_the_titles(tracker: Tracker) -> None:
    p = _pairs(tracker)
    goal = tracker.set_goal(p.active, "上好一节公开课", milestones=["磨课", "公开课"])
    message = _refused(
        tracker, lambda: tracker.reach_milestone(goal, "说课", on="2025-04-01"), errors.NotFound
    )
    assert f"goal {goal.id} (上好一节公开课) has no milestone '说课'" in message
    assert "its milestones: 磨课, 公开课" in message
    bare = tracker.set_goal(p.active, "站稳讲台")
    message = _refused(
        tracker, lambda: tracker.reach_milestone(bare, "磨课", on="2025-04-01"), errors.NotFound
    )
    assert message.endswith("its milestones: none")


def test_repeated_milestone_titles_are_refused(tracker: Tracker) -> None:
    p = _pairs(tracker)
    message = _refused(
        tracker,
        lambda: tracker.set_goal(p.active, "磨课", milestones=["说课", "上课", " 说课 "]),
        errors.InvalidRecord,
    )
    assert "repeats milestones: ['说课']" in message
    goal = tracker.set_goal(p.active, "磨课", milestones=["说课", "上课"])
    _refused(
        tracker,
        lambda: tracker.update(attrs.evolve(goal, milestones=[*goal.milestones, "上课"])),
        errors.InvalidRecord,
    )


def test_a_goal_reads_back_equal_from_a_reopened_sqlite_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'goals.db'}"
    with Tracker.open(url) as tracker:
        p = _pairs(tracker)
        goal = tracker.set_goal(
            p.active,
            "形成教学风格",
            milestones=[
                Milestone(title="读书笔记", due_on="2025-03-31"),
                {"title": "公开课", "due_on": "2025-06-30"},
                "论文",
            ],
            notes="每月一次",
            ref="G-1",
        )
        goal = tracker.reach_milestone(goal, "读书笔记", on="2025-03-20")
    with Tracker.open(url) as reopened:
        back = reopened.get(Goal, "G-1")
        assert back == goal
        assert back.milestones[0] == Milestone(
            title="读书笔记", due_on=dt.date(2025, 3, 31), done_on=dt.date(2025, 3, 20)
        )
        assert back.milestones[1].due_on == dt.date(2025, 6, 30)
        assert back.progress == 33


# -- 5. programmes and the cascade report --------------------------------------------------


def test_a_programme_name_is_used_once(tracker: Tracker) -> None:
    first = tracker.define_programme("百千万", targets=(100, 1000, 10000))
    message = _refused(tracker, lambda: tracker.define_programme(" 百千万 "), errors.RuleViolation)
    assert f"programme '百千万' already exists (programme {first.id})" in message


def test_capacity_cannot_drop_below_a_mentors_load(tracker: Tracker) -> None:
    m, a, b, c = (t.id for t in _teachers(tracker, 4))
    programme = tracker.define_programme("青蓝工程", mentor_capacity=3)
    tracker.pair_mentor(m, a, programme="青蓝工程", starts_on=START)
    tracker.pair_mentor(m, b, programme="青蓝工程", starts_on=START)
    tracker.pair_mentor(m, c, programme="名师工作室", starts_on=START)
    message = _refused(
        tracker,
        lambda: tracker.update(attrs.evolve(programme, mentor_capacity=2)),
        errors.RuleViolation,
    )
    assert f"teacher {m} already mentors 3" in message and "'青蓝工程'" in message
    # a new programme whose mentors are already over its capacity is refused too
    message = _refused(
        tracker,
        lambda: tracker.define_programme("名师工作室", mentor_capacity=1),
        errors.RuleViolation,
    )
    assert f"teacher {m} already mentors 3" in message
    assert tracker.update(attrs.evolve(programme, mentor_capacity=None)).mentor_capacity is None


def _small_cascade(tracker: Tracker) -> list[int]:
    """One 百 mentor, three 千 mentees, each with two 万 mentees, in 百千万; a pair in
    another programme and an ended pair that do not count."""
    people = [t.id or 0 for t in _teachers(tracker, 12)]
    top, middle, bottom = people[0], people[1:4], people[4:10]
    for mentee in middle:
        tracker.pair_mentor(top, mentee, programme="百千万", starts_on=START)
    for i, mentee in enumerate(bottom):
        tracker.pair_mentor(middle[i // 2], mentee, programme="百千万", starts_on=START)
    tracker.pair_mentor(people[10], people[11], programme="青蓝工程", starts_on=START)
    ended = tracker.pair_mentor(bottom[0], people[10], programme="百千万", starts_on=START)
    tracker.end_mentorship(ended, reason="调离", on="2025-03-01")
    return people


def test_cascade_targets_per_level(tracker: Tracker) -> None:
    _small_cascade(tracker)
    tracker.define_programme("百千万", targets=(100, 1000, 10000))
    assert tracker.cascade_targets("百千万") == [
        {"level": 0, "target": 100, "teachers": 1, "met": False},
        {"level": 1, "target": 1000, "teachers": 3, "met": False},
        {"level": 2, "target": 10000, "teachers": 6, "met": False},
    ]
    tracker.add(Programme(name="青蓝工程", targets="1，1，1"))  # the record accepts text
    assert tracker.cascade_targets("青蓝工程") == [
        {"level": 0, "target": 1, "teachers": 1, "met": True},
        {"level": 1, "target": 1, "teachers": 1, "met": True},
        {"level": 2, "target": 1, "teachers": 0, "met": False},
    ]


def test_cascade_targets_strip_the_name_like_the_lookup(tracker: Tracker) -> None:
    _small_cascade(tracker)
    tracker.define_programme("百千万", targets=(100, 1000, 10000))
    assert tracker.cascade_targets(" 百千万 ") == tracker.cascade_targets("百千万")


def test_cascade_targets_of_an_unknown_or_targetless_programme(tracker: Tracker) -> None:
    _small_cascade(tracker)
    message = _refused(tracker, lambda: tracker.cascade_targets("百千万"), errors.NotFound)
    assert "no programme named '百千万'" in message
    tracker.define_programme("百千万")
    message = _refused(tracker, lambda: tracker.cascade_targets("百千万"), errors.InvalidRecord)
    assert "has no level targets" in message


# -- 6. load -------------------------------------------------------------------------------


def test_load_counts_across_programmes(tracker: Tracker) -> None:
    people = _teachers(tracker, 6)
    a, b, c, d, e, f = (t.id for t in people)
    tracker.pair_mentor(a, b, programme="百千万", starts_on=START)
    tracker.pair_mentor(b, c, programme="青蓝工程", starts_on=START)
    done = tracker.pair_mentor(b, d, programme="名师工作室", starts_on=START)
    tracker.complete_mentorship(done, on="2025-06-30")
    ended = tracker.pair_mentor(b, e, programme="百千万", starts_on=START)
    tracker.end_mentorship(ended, reason="调离", on="2025-03-01")
    hidden = tracker.pair_mentor(b, f, programme="青蓝工程", starts_on=START)
    tracker.archive(Mentorship, hidden.id or 0)
    tracker.pair_mentor(f, b, programme="名师工作室", starts_on=START)
    host = tracker.add(School(name="贞丰县第五中学", region="贵州省贞丰县", stage="初中"))
    held = tracker.second(b, host, kind="支教", starts_on="2025-09-01", ends_on="2026-07-10")
    tracker.approve(held)
    tracker.second(b, host, kind="送教", starts_on="2027-09-01", ends_on="2027-09-10")
    assert tracker.load(b) == {"mentoring": 2, "mentored": 2, "seconded": 1}
    assert tracker.load(a) == {"mentoring": 1, "mentored": 0, "seconded": 0}
    assert tracker.load(e) == {"mentoring": 0, "mentored": 0, "seconded": 0}
    _refused(tracker, lambda: tracker.load(999), errors.NotFound)


# -- 7. participations and allocations are unique ------------------------------------------


def test_a_teacher_takes_part_in_an_activity_once(tracker: Tracker) -> None:
    a, b = _teachers(tracker, 2)
    lesson = tracker.log_activity("示范课", "送教下乡", held_on="2025-04-01")
    other = tracker.log_activity("专题讲座", "心理健康讲座", held_on="2025-04-02")
    first = tracker.take_part(lesson, a)
    message = _refused(tracker, lambda: tracker.take_part(lesson, a), errors.RuleViolation)
    assert f"teacher {a.id} taking part in activity {lesson.id}" in message
    assert f"already recorded (participation {first.id})" in message
    tracker.take_part(lesson, b)
    tracker.take_part(other, a)


def test_one_allocation_per_pairing_and_year(tracker: Tracker) -> None:
    home = tracker.add(School(name="惠阳区半岛学校", region="广东省惠州市惠阳区", stage="初中"))
    host = tracker.add(School(name="贞丰县第五中学", region="贵州省贞丰县", stage="初中"))
    pairing = tracker.pair_schools(home, host, signed_on="2025-03-18")
    first = tracker.allocate(pairing, year=2025, amount=100_000)
    message = _refused(
        tracker, lambda: tracker.allocate(pairing, year=2025, amount=5_000), errors.RuleViolation
    )
    assert f"an allocation to pairing {pairing.id} for 2025 is already recorded" in message
    assert f"(allocation {first.id})" in message
    assert tracker.allocate(pairing, year=2026, amount=100_000).year == 2026
