"""The 百千万 cascade: mentees who mentor others, level by level.

Mentor pairs form a forest: the first-level mentors (level 0, the 百) mentor
teachers at level 1 (the 千), who mentor teachers at level 2 (the 万), and so
on. Pairs that ended early do not count; active and completed ones do. The
pairs are read with one grouped query (``aggregate``), so the cascade is computed
where the data lives on every backend, then walked in memory.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from .enums import MentorshipStatus
from .errors import RuleViolation
from .i18n import message
from .models import Mentorship
from .query import Op, count

if TYPE_CHECKING:
    from .backend import Backend

COUNTING = (MentorshipStatus.ACTIVE, MentorshipStatus.COMPLETED)
"""Pairs that make up the cascade (not those ended early)."""

Edge = tuple[int, int]
"""(mentor id, mentee id)."""


def edges(backend: Backend, *, programme: str | None = None) -> list[Edge]:
    """Every counting pair, as (mentor, mentee), from one grouped query."""
    filters: dict[str, Op] = {
        "status": Op("in", COUNTING),
        "archived": Op("eq", False),
    }
    if programme is not None:
        filters["programme"] = Op("eq", programme)
    rows = backend.aggregate(Mentorship, ["mentor_id", "mentee_id"], {"n": count()}, filters)
    return [(row["mentor_id"], row["mentee_id"]) for row in rows]


@attrs.frozen
class Cascade:
    """Levels and reach of a set of pairs."""

    level: Mapping[int, int]
    """Teacher id → level (0 for a mentor nobody mentors); the shallowest when there are several."""
    children: Mapping[int, tuple[int, ...]]
    """Mentor id → mentees."""

    def counts(self) -> list[int]:
        """How many teachers stand at each level, from level 0 down."""
        if not self.level:
            return []
        tally = [0] * (max(self.level.values()) + 1)
        for depth in self.level.values():
            tally[depth] += 1
        return tally

    def reach(self, teacher: int) -> set[int]:
        """Everyone below ``teacher`` in the cascade."""
        seen: set[int] = set()
        frontier = [teacher]
        while frontier:
            step = [m for t in frontier for m in self.children.get(t, ()) if m not in seen]
            seen.update(step)
            frontier = step
        seen.discard(teacher)
        return seen

    def pair_level(self, mentor: int) -> int:
        """The level of a pair: 1 for a first-level mentor's mentee, and so on."""
        return self.level[mentor] + 1


def build(pairs: Iterable[Edge]) -> Cascade:
    """Levels by breadth-first walk from the mentors nobody mentors."""
    children: dict[int, list[int]] = defaultdict(list)
    mentees: set[int] = set()
    for mentor, mentee in pairs:
        children[mentor].append(mentee)
        mentees.add(mentee)
    level = {t: 0 for t in children if t not in mentees}
    frontier = list(level)
    depth = 0
    while frontier:
        depth += 1
        step = []
        for teacher in frontier:
            for mentee in children.get(teacher, ()):
                if mentee not in level:
                    level[mentee] = depth
                    step.append(mentee)
        frontier = step
    return Cascade(level=level, children={k: tuple(v) for k, v in children.items()})


def targets_report(cascade: Cascade, targets: Sequence[int]) -> list[dict[str, Any]]:
    """Per level: the target, how many teachers stand there, and whether it is met."""
    counts = cascade.counts()
    return [
        {
            "level": depth,
            "target": target,
            "teachers": counts[depth] if depth < len(counts) else 0,
            "met": (counts[depth] if depth < len(counts) else 0) >= target,
        }
        for depth, target in enumerate(targets)
    ]


def check_no_cycle(backend: Backend, record: Mentorship) -> None:
    """Refuse a pair whose mentor is already below its mentee, in any programme."""
    frontier = {record.mentee_id}
    seen: set[int] = set()
    while frontier:
        if record.mentor_id in frontier:
            raise RuleViolation(
                message(
                    "teacher {mentor_id} cannot mentor teacher {mentee_id}: teacher "
                    "{mentor_id} is already mentored, directly or through others, by "
                    "teacher {mentee_id}, so the pair would make a cycle",
                    mentor_id=record.mentor_id,
                    mentee_id=record.mentee_id,
                )
            )
        seen |= frontier
        found = backend.find(
            Mentorship,
            {
                "mentor_id": Op("in", tuple(frontier)),
                "status": Op("in", COUNTING),
                "archived": Op("eq", False),
            },
        )
        frontier = {pair.mentee_id for pair in found if pair.id != record.id} - seen
