"""The matching benchmark's store sides: a SQLite store holding a generated province,
filled in a process of its own (so the side that reads it keeps its own peak memory),
then ``tracker.match_placements`` or ``tracker.match_mentors`` on it, end to end.

The placement store also holds the secondments of earlier years a real one would:
one completed 支教 in 2024 for every other applicant, at a random school (so reading
and the ``previous`` criterion have rows to work on).
"""

from __future__ import annotations

import datetime as dt
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from _measure import best_of, emit

PREFECTURES = 20


def placement_province(applicants: int, seed: int = 11) -> Any:
    """The province ``bench/matching.py`` plans in memory, at this size."""
    from exchange.testing import placing

    return placing.province(
        seed, applicants=applicants, needs=applicants // 5, prefectures=PREFECTURES
    )


def history(generated: Any, seed: int = 3) -> list[Any]:
    """Completed secondments of 2024: every other applicant, at a random other school."""
    from exchange import Secondment

    rng, schools = random.Random(seed), len(generated.schools)
    found = []
    for teacher_id in range(1, len(generated.applications) + 1, 2):
        home = generated.teachers[teacher_id - 1].school_id
        host = rng.choice([s for s in (rng.randint(1, schools), home % schools + 1) if s != home])
        found.append(
            Secondment(
                teacher_id=teacher_id,
                host_school_id=host,
                kind="support",
                status="completed",
                starts_on=dt.date(2024, 9, 1),
                ends_on=dt.date(2025, 1, 15),
            )
        )
    return found


def prepare(kind: str, size: int, path: Path) -> None:
    """Fill a fresh SQLite store at ``path``: ``placements`` (a placement province and
    its history) or ``mentors`` (a mentor province)."""
    from exchange import Tracker
    from exchange.testing import placing, provinces

    with Tracker.open(f"sqlite:///{path}") as tracker:
        if kind == "placements":
            generated = placement_province(size)
            placing.store(tracker, generated)
            tracker.bulk_add(history(generated))
        else:
            generated = provinces.province(
                7, mentors=size // 5, mentees=size, prefectures=PREFECTURES
            )
            provinces.store(tracker, generated)


def prepare_apart(kind: str, size: int, path: Path) -> None:
    """:func:`prepare` in a child process."""
    path.unlink(missing_ok=True)
    code = f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); " \
        f"from _matching_stores import prepare; from pathlib import Path; " \
        f"prepare({kind!r}, {size}, Path({str(path)!r}))"  # fmt: skip
    subprocess.run([sys.executable, "-c", code], check=True)


def run_placements_store(applicants: int, repeat: int, store: Path) -> None:
    """``tracker.match_placements`` on the SQLite store, and the read alone."""
    from exchange import Tracker
    from exchange.matching import inputs
    from exchange.testing.placing import YEAR

    with Tracker.open(f"sqlite:///{store}") as tracker:
        began = time.perf_counter()
        inputs.read_placements(tracker)
        read = time.perf_counter() - began
        criteria = {"within": "prefecture"}
        section, plan = best_of(repeat, lambda: tracker.match_placements(YEAR, criteria=criteria))
    emit(section, read=read, pairs=plan.score.pairs, total=plan.score.total)


def run_mentors_store(mentees: int, repeat: int, store: Path) -> None:
    """``tracker.match_mentors`` on the SQLite store, and the read alone."""
    from exchange import Tracker
    from exchange.matching import inputs
    from exchange.testing import provinces

    criteria = {**provinces.SETTINGS, "within": "prefecture"}
    with Tracker.open(f"sqlite:///{store}") as tracker:
        began = time.perf_counter()
        inputs.read(tracker)
        read = time.perf_counter() - began
        section, plan = best_of(
            repeat,
            lambda: tracker.match_mentors(
                provinces.PROGRAMME, criteria=criteria, starts_on=dt.date(2026, 3, 1)
            ),
        )
    emit(section, read=read, pairs=plan.score.pairs, total=plan.score.total)
