"""A writer killed with SIGKILL mid-write leaves the store as its last commit left it.

A process loads activities (in bulk, or one transaction each) into a store on
SQLite or PostgreSQL and is killed with ``kill -9`` while a transaction is open.
The store then opens, takes new writes, holds no part of the killed transaction,
and verifies: the change log's chain and every record against it.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import signal
from collections.abc import Iterator
from typing import Any

import pytest

from exchange import Activity, ActivityKind, School, Stage, Tracker

SIGNAL_AFTER = 2_000
WAIT = 120.0


def _activities(started: Any) -> Iterator[Activity]:
    for i in range(10**9):
        if i == SIGNAL_AFTER:
            started.set()  # the transaction is open and has written rows: kill now
        yield Activity(
            kind=ActivityKind.TRAINING,
            title=f"培训 {i}",
            held_on=dt.date(2025, 1, 1) + dt.timedelta(days=i % 365),
            school_id=1,
        )


def load_in_bulk(url: str, started: Any) -> None:
    with Tracker.open(url, actor="killed") as tracker:
        tracker.bulk_add(_activities(started), batch_size=500)


def add_one_by_one(url: str, started: Any) -> None:
    with Tracker.open(url, actor="killed") as tracker:
        for activity in _activities(started):
            tracker.add(activity)


@pytest.mark.parametrize("writer", [load_in_bulk, add_one_by_one])
def test_a_writer_killed_mid_write_leaves_the_last_commit(shared_store: str, writer: Any) -> None:
    store = shared_store
    with Tracker.open(store, actor="setup") as tracker:
        tracker.add(School(name="贞丰县第五中学", region="贞丰县", stage=Stage.JUNIOR))
    context = multiprocessing.get_context("spawn")
    started = context.Event()
    process = context.Process(target=writer, args=(store, started))
    process.start()
    assert started.wait(timeout=WAIT), "the writer never got going"
    os.kill(process.pid or 0, signal.SIGKILL)
    process.join(timeout=WAIT)
    assert process.exitcode == -signal.SIGKILL
    with Tracker.open(store, actor="after") as tracker:
        stored = tracker.count(Activity)
        if writer is load_in_bulk:
            assert stored == 0  # one transaction: none of it
        else:
            assert stored >= SIGNAL_AFTER  # every committed add, and no half of the next
        assert tracker.verify_log() == 1 + (stored if stored else 0)
        assert list(tracker.verify_records()) == []
        tracker.log_activity("training", "之后", held_on="2025-09-01", school=1)
        assert tracker.count(Activity) == stored + 1
