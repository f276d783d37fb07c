"""Races for every backend: workers released together by a barrier, one winner each time.

A backend is safe under many hands when its outermost transaction serialises
writers (the rules read before they write) and its :meth:`~exchange.backend.Backend.update`
compares and sets the revision. Each :class:`Race` prepares :data:`RACES` subjects,
has :data:`WORKERS` workers read one subject, wait at a barrier and then try the
same write at once, and checks that exactly one succeeded, that every other was
refused in the expected words (no crash, no "database is locked"), that the
change log grew by one entry per real change and that ``audit verify`` still
finds every record as the log says.

:func:`run_race` runs a race on a URL (one spawned process per worker, for stores
that several processes open: ``sqlite:``, ``postgresql:``) or on one backend object
(one thread per worker, for ``memory:``). The workers use :class:`SlowPolicy`, a
policy plugin that pauses between a rule's read and the write, so a backend that
does not serialise loses a race every time. :class:`BackendRaces` is the pytest
class a backend's tests subclass (importing this module needs pytest).
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import queue
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import attrs
import pytest

from .. import hookimpl
from ..backend import Backend
from ..enums import Stage
from ..errors import ChainBroken, ExchangeError, OverBudget, RuleViolation, StaleRecord
from ..models import School, Teacher
from ..plugins import Plugins, get_plugin_manager
from ..tracker import Tracker

WORKERS = 8
"""Workers in every race."""
RACES = 10
"""Races per run, each over its own subject (ids 1 … RACES)."""
WAIT = 120.0
"""Seconds to wait for the workers before calling them stuck."""


class RaceLost(AssertionError):
    """A race ended with other than one winner, or a loser was refused in other words."""


@attrs.frozen
class Race:
    """One kind of race: ``prepare`` stores :data:`RACES` subjects; each worker calls
    ``read(tracker, n)`` before the barrier and ``write(tracker, what_it_read, worker)``
    after it; the losers must raise ``refusal`` with ``says`` (formatted with ``n``)."""

    name: str
    prepare: Callable[[Tracker], object]
    write: Callable[[Tracker, Any, int], object]
    refusal: type[ExchangeError]
    says: str
    read: Callable[[Tracker, int], Any] = lambda tracker, n: n


class SlowPolicy:
    """A policy plugin that takes a moment (as one asking another system would), so that
    workers switch between a rule's read and the write."""

    @hookimpl
    def validate_record(self, record: Any, tracker: Any) -> list[str]:
        time.sleep(0.002)
        return []


def slow_plugins() -> Plugins:
    """The default plugins and :class:`SlowPolicy`."""
    pm = get_plugin_manager()
    pm.register(SlowPolicy())
    return Plugins(pm)


# -- the races --------------------------------------------------------------------------


def _schools(tracker: Tracker) -> tuple[int, int]:
    home = tracker.add(School(name="贞丰县第五中学", region="贞丰县", stage=Stage.JUNIOR))
    host = tracker.add(School(name="惠阳区半岛学校", region="惠阳区", stage=Stage.JUNIOR))
    return home.id or 0, host.id or 0


def _teachers(tracker: Tracker, school: int, count: int) -> None:
    tracker.bulk_add(Teacher(name=f"教师{i}", school_id=school) for i in range(count))


def _secondments(tracker: Tracker, *, approved: bool = False) -> None:
    home, host = _schools(tracker)
    _teachers(tracker, home, RACES)
    for n in range(1, RACES + 1):
        tracker.second(n, host, kind="support", starts_on="2025-09-01", ends_on="2026-07-10")
        if approved:
            tracker.approve(n)


def _allocations(tracker: Tracker) -> None:
    home, host = _schools(tracker)
    pairing = tracker.pair_schools(host, home, signed_on="2025-03-01")
    for n in range(1, RACES + 1):  # one a year
        tracker.allocate(pairing, year=2015 + n, amount=10_000)


def _mentors(tracker: Tracker) -> None:
    home, _ = _schools(tracker)
    tracker.define_programme("青蓝工程", mentor_capacity=1)
    _teachers(tracker, home, RACES + RACES * WORKERS)  # mentors 1 … RACES, then mentees


def _mentee(n: int, worker: int) -> int:
    return RACES + (n - 1) * WORKERS + worker + 1


def _coordinators(tracker: Tracker) -> None:
    """Every worker a coordinator of every programme: the store has users, so each
    write is checked against the worker's roles too."""
    for worker in ("setup", *(f"worker {w}" for w in range(WORKERS))):
        tracker.add_user(worker, "coordinator")


def _renamed(tracker: Tracker, read: School, worker: int) -> object:
    return tracker.update(attrs.evolve(read, name=f"{read.name}（{worker}）"))


RACE_LIST = (
    Race(
        "approve",
        _secondments,
        lambda tracker, n, worker: tracker.approve(n),
        RuleViolation,
        "secondment {n} is already approved",
    ),
    Race(
        "start",
        lambda tracker: _secondments(tracker, approved=True),
        lambda tracker, n, worker: tracker.start(n),
        RuleViolation,
        "secondment {n} is already active",
    ),
    Race(
        "update",
        lambda tracker: tracker.bulk_add(
            School(name=f"学校{n}", region="贞丰县", stage=Stage.PRIMARY)
            for n in range(1, RACES + 1)
        ),
        _renamed,
        StaleRecord,
        "after you read it; read it again",
        read=lambda tracker, n: tracker.get(School, n),
    ),
    Race(
        "spend",
        _allocations,
        lambda tracker, n, worker: tracker.spend(
            n, 10_000, category="training", spent_on=dt.date(2015 + n, 6, 1)
        ),
        OverBudget,
        "allocation {n}",
    ),
    Race(
        "capacity",
        _mentors,
        lambda tracker, n, worker: tracker.pair_mentor(
            n, _mentee(n, worker), programme="青蓝工程", starts_on="2025-09-01"
        ),
        RuleViolation,
        "teacher {n} would mentor 2 teachers",
    ),
    Race(
        "grant",
        _coordinators,
        lambda tracker, n, worker: tracker.add_user(f"user{n}", "auditor"),
        RuleViolation,
        "the auditor role of user user{n}",
    ),
    Race(
        "pairing",
        lambda tracker: tracker.bulk_add(
            School(name=f"学校{n}", region="贞丰县", stage=Stage.PRIMARY)
            for n in range(1, 2 * RACES + 1)
        ),
        lambda tracker, n, worker: tracker.pair_schools(2 * n - 1, 2 * n, signed_on="2025-03-01"),
        RuleViolation,
        "the same two schools cannot be paired twice at once",
    ),
)
RACES_BY_NAME = {race.name: race for race in RACE_LIST}


# -- running them ------------------------------------------------------------------------


def _outcomes(tracker: Tracker, race: Race, worker: int, barrier: Any, results: Any) -> None:
    """Run every race of one worker; put ``(n, outcome, message)`` for each."""
    for n in range(1, RACES + 1):
        read = race.read(tracker, n)
        barrier.wait()
        try:
            race.write(tracker, read, worker)
            results.put((n, "ok", ""))
        except ExchangeError as error:
            results.put((n, type(error).__name__, str(error)))


def _in_a_process(url: str, name: str, worker: int, barrier: Any, results: Any) -> None:
    try:
        with Tracker.open(url, plugins=slow_plugins(), actor=f"worker {worker}") as tracker:
            _outcomes(tracker, RACES_BY_NAME[name], worker, barrier, results)
    except BaseException as error:  # report rather than die silently
        for _ in range(RACES):
            results.put((0, "crashed", repr(error)))


def _collect(results: Any, started: list[Any]) -> list[Any]:
    try:
        return [results.get(timeout=WAIT) for _ in range(RACES * len(started))]
    except queue.Empty:
        raise RaceLost("a worker neither finished nor failed in time") from None


def _in_processes(url: str, race: Race) -> list[Any]:
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(WORKERS, timeout=WAIT), context.Queue()
    workers = [
        context.Process(target=_in_a_process, args=(url, race.name, w, barrier, results))
        for w in range(WORKERS)
    ]
    for process in workers:
        process.start()
    try:
        return _collect(results, workers)
    finally:
        for process in workers:
            process.join(timeout=WAIT)
            if process.is_alive():
                process.kill()


def _in_threads(backend: Backend, race: Race) -> list[Any]:
    plugins = slow_plugins()
    barrier, results = threading.Barrier(WORKERS, timeout=WAIT), queue.Queue[Any]()

    def work(worker: int) -> None:
        tracker = Tracker(backend, plugins=plugins, actor=f"worker {worker}")
        try:
            _outcomes(tracker, race, worker, barrier, results)
        except BaseException as error:  # a broken barrier, a crash: report it
            for _ in range(RACES):
                results.put((0, "crashed", repr(error)))

    threads = [threading.Thread(target=work, args=(w,)) for w in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=WAIT)
    return _collect(results, threads)


def _problems(race: Race, outcomes: list[Any]) -> Iterator[str]:
    for n in range(1, RACES + 1):
        mine = [(outcome, text) for id, outcome, text in outcomes if id == n]
        wins = [outcome for outcome, _ in mine].count("ok")
        if wins != 1:
            yield f"{race.name} {n}: {wins} of {WORKERS} workers succeeded"
        says = race.says.format(n=n)
        for outcome, text in mine:
            if outcome != "ok" and (outcome != race.refusal.__name__ or says not in text):
                yield f"{race.name} {n}: a loser got {outcome}: {text}"
    yield from (f"{race.name}: {outcome}: {text}" for id, outcome, text in outcomes if not id)


def run_race(store: str | Backend, name: str) -> None:
    """Run the race ``name`` on a new, empty store: a URL (processes) or a backend object
    (threads). Raise :class:`RaceLost` listing every race that did not end with one
    winner, the losers refused in the expected words, one log entry per change and
    the records as the log says."""
    race = RACES_BY_NAME[name]
    if isinstance(store, str):
        with Tracker.open(store, actor="setup") as tracker:
            logged = _prepared(tracker, race)
            _judge(tracker, race, logged, _in_processes(store, race))
    else:
        tracker = Tracker(store, plugins=slow_plugins(), actor="setup")
        logged = _prepared(tracker, race)
        _judge(tracker, race, logged, _in_threads(store, race))


def _prepared(tracker: Tracker, race: Race) -> int:
    race.prepare(tracker)
    return tracker.verify_log()


def _judge(tracker: Tracker, race: Race, logged: int, outcomes: list[Any]) -> None:
    problems = list(_problems(race, outcomes))
    try:
        entries = tracker.verify_log() - logged
    except ChainBroken as broken:  # writers let in together appended to one entry
        problems.append(f"{race.name}: the change log: {broken}")
    else:
        if entries != RACES:
            problems.append(f"{race.name}: {entries} log entries for {RACES} changes")
    problems.extend(f"{race.name}: audit verify: {f.text}" for f in tracker.verify_records())
    if problems:
        raise RaceLost("\n".join(problems))


class BackendRaces:
    """The races, as a pytest class: subclass it and give a ``race_store`` fixture that
    returns a new, empty store for each test: a URL that spawned processes can open, or
    a backend object that threads share."""

    @pytest.mark.parametrize("race", list(RACES_BY_NAME))
    def test_one_worker_wins_each_race(self, race_store: str | Backend, race: str) -> None:
        """:data:`WORKERS` workers × :data:`RACES` races: one winner each, losers told why."""
        run_race(race_store, race)
