"""The cross-record rules hold when many processes write at once, on SQLite and PostgreSQL.

Eight processes (started with ``spawn``, each with its own tracker) wait at a
barrier and then write at the same moment. The database serialises them: the
outermost transaction takes the write lock at once (``BEGIN IMMEDIATE`` on
SQLite, a transaction-level advisory lock on PostgreSQL), so a rule that reads
before it writes — no overlapping secondments, the change log's hash chain —
sees every write that came before. The same races run on one ``memory:`` backend
shared by eight threads, and through two ``exchange`` commands at once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import multiprocessing
import queue
import subprocess
import sys
from collections.abc import Iterator
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any

import pytest
from conftest import shared_url

from backends.memory import MemoryBackend
from exchange import (
    Activity,
    ActivityKind,
    School,
    Secondment,
    SecondmentStatus,
    Stage,
    Teacher,
    Tracker,
)
from exchange.errors import ExchangeError, RuleViolation
from exchange.testing import reference_backend
from exchange.testing.races import BackendRaces, RaceLost, run_race

WORKERS = 8
RACES = 10
ACTIVITIES = 500
WAIT = 120.0
"""Seconds a test waits for its workers before calling them stuck."""


def run_workers(target: Any, jobs: list[tuple[Any, ...]], *, each: int = 1) -> list[Any]:
    """Run ``target(*job, barrier, results)`` in one spawned process per job; the ``each``
    results every job reports."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(jobs), timeout=WAIT)
    results = context.Queue()
    processes = [context.Process(target=target, args=(*job, barrier, results)) for job in jobs]
    for process in processes:
        process.start()
    try:
        out = [results.get(timeout=WAIT) for _ in range(each * len(processes))]
    except queue.Empty:
        raise AssertionError("a worker neither finished nor failed in time") from None
    finally:
        for process in processes:
            process.join(timeout=WAIT)
            if process.is_alive():
                process.kill()
    assert all(process.exitcode == 0 for process in processes), [p.exitcode for p in processes]
    return out


# -- the workers (top-level, so that spawned processes can import them) -------------------


def approve(url: str, secondment: int, barrier: Barrier, results: Any) -> None:
    """Approve one secondment at the barrier's signal; report ``ok`` or the error."""
    try:
        with Tracker.open(url, actor=f"worker {secondment}") as tracker:
            barrier.wait()
            try:
                tracker.approve(secondment)
                results.put((secondment, "ok", ""))
            except ExchangeError as error:
                results.put((secondment, type(error).__name__, str(error)))
    except BaseException as error:  # report rather than die silently
        results.put((secondment, "crashed", repr(error)))


def log_activities(url: str, worker: int, barrier: Barrier, results: Any) -> None:
    """Log :data:`ACTIVITIES` activities, one transaction each, from the barrier's signal."""
    try:
        with Tracker.open(url, actor=f"worker {worker}") as tracker:
            barrier.wait()
            for i in range(ACTIVITIES):
                tracker.log_activity(
                    ActivityKind.TRAINING,
                    f"培训 {worker}-{i}",
                    held_on=dt.date(2025, 1, 1) + dt.timedelta(days=i % 365),
                    school=1,
                    attendees=i,
                )
            results.put((worker, "ok", ""))
    except BaseException as error:
        results.put((worker, type(error).__name__, str(error)))


def second_ten(tracker: Tracker) -> None:
    """:data:`RACES` proposed secondments, ids 1 …, of ten teachers (no overlap between them)."""
    home = tracker.add(School(name="贞丰县第五中学", region="贞丰县", stage=Stage.JUNIOR))
    host = tracker.add(School(name="惠阳区半岛学校", region="惠阳区", stage=Stage.JUNIOR))
    for i in range(RACES):
        teacher = tracker.add(Teacher(name=f"教师{i}", school_id=home.id or 0))
        tracker.second(teacher, host, kind="support", starts_on="2025-09-01", ends_on="2026-07-10")


# -- the tests ------------------------------------------------------------------------------


class TestRaces(BackendRaces):
    """The kit's races (approve, start, update, spend, capacity) on SQLite and PostgreSQL
    (a process per worker) and on one ``memory:`` backend (a thread per worker)."""

    @pytest.fixture(
        params=["memory", "sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]
    )
    def race_store(self, request: pytest.FixtureRequest, tmp_path: Path) -> str | MemoryBackend:
        if request.param == "memory":
            return reference_backend()
        return shared_url(request, tmp_path)


class UnlockedMemory(MemoryBackend):
    """A backend whose transactions do not keep other writers out: what the races catch."""

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        yield from self._transaction()


@pytest.mark.parametrize("race", ["spend", "capacity"])
def test_a_backend_that_lets_writers_in_mid_transaction_loses_the_races(race: str) -> None:
    """Rules that read before they write hold only if the transaction keeps others out:
    without the lock, several spends pass the overspend check and several pairs the
    capacity check, and the kit says so race by race."""
    with pytest.raises(RaceLost, match=rf"{race} \d+: [2-8] of 8 workers succeeded"):
        run_race(UnlockedMemory(), race)


def test_two_coordinators_approving_through_the_cli_one_wins(tmp_path: Path) -> None:
    """Two `exchange secondment approve` commands at once: one approves, the other
    exits 1 with one line saying the secondment is already approved."""
    db = str(tmp_path / "bureau.db")
    with Tracker.open(db, actor="setup") as tracker:
        second_ten(tracker)
    exe = str(Path(sys.executable).parent / "exchange")
    for secondment in range(1, RACES + 1):
        commands = [
            subprocess.Popen(
                [exe, "--db", db, "--lang", "en", "secondment", "approve", str(secondment)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        done = sorted((c.wait(timeout=WAIT), c.stderr.read() if c.stderr else "") for c in commands)
        assert [code for code, _ in done] == [0, 1], done
        assert (
            done[1][1] == f"Error: secondment {secondment} is already approved (已批准); "
            "allowed: active, cancelled\n"
        )
    with Tracker.open(db) as tracker:
        assert tracker.verify_log() == 2 + 3 * RACES  # schools, teachers, secondments, approvals


def test_one_of_eight_overlapping_approvals_wins(shared_store: str) -> None:
    """Eight approvals of overlapping secondments of one teacher at once: exactly one
    succeeds, the seven others are refused with the overlap error."""
    with Tracker.open(shared_store, actor="setup") as tracker:
        home = tracker.add(School(name="贞丰县第五中学", region="贞丰县", stage=Stage.JUNIOR))
        host = tracker.add(School(name="惠阳区半岛学校", region="惠阳区", stage=Stage.JUNIOR))
        teacher = tracker.add(Teacher(name="李老师", school_id=home.id or 0))
        ids = [
            tracker.second(
                teacher,
                host,
                kind="support",
                starts_on=dt.date(2025, 3, 1) + dt.timedelta(days=7 * i),
                ends_on=dt.date(2025, 7, 15) + dt.timedelta(days=i),
            ).id
            for i in range(WORKERS)
        ]
    outcomes = run_workers(approve, [(shared_store, id) for id in ids])
    won = [id for id, outcome, _ in outcomes if outcome == "ok"]
    refused = [(outcome, message) for _, outcome, message in outcomes if outcome != "ok"]
    assert len(won) == 1, outcomes
    assert len(refused) == WORKERS - 1
    for outcome, message in refused:
        assert outcome == RuleViolation.__name__, message
        assert f"secondment {won[0]}" in message and "overlaps" in message, message
    with Tracker.open(shared_store) as tracker:
        statuses = {s.id: s.status for s in tracker.find(Secondment)}
        assert [id for id, status in statuses.items() if status is SecondmentStatus.APPROVED] == won
        assert tracker.verify_log() == 3 + WORKERS + 1


def test_eight_writers_adding_500_activities_each_leave_4000(shared_store: str) -> None:
    """Every activity is stored once, with ids 1 … 4,000, and the change log's hash chain
    stays one unbroken line."""
    with Tracker.open(shared_store, actor="setup") as tracker:
        tracker.add(School(name="贞丰县第五中学", region="贞丰县", stage=Stage.JUNIOR))
    outcomes = run_workers(log_activities, [(shared_store, worker) for worker in range(WORKERS)])
    assert all(outcome == "ok" for _, outcome, _ in outcomes), outcomes
    with Tracker.open(shared_store) as tracker:
        assert tracker.count(Activity) == WORKERS * ACTIVITIES
        ids = [a.id for a in tracker.find(Activity)]
        assert ids == list(range(1, WORKERS * ACTIVITIES + 1))
        assert tracker.verify_log() == 1 + WORKERS * ACTIVITIES
