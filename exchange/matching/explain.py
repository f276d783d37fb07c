"""Why a plan is as it is: the reason each unmatched teacher is left out, and why a
pair the coordinator asks about was not chosen (:func:`why`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from ..i18n import Message, joined, message
from . import engine
from .mentors import SCALE
from .plan import Move, Score, Unmatched, Why

if TYPE_CHECKING:
    from .mentors import MentorMatch
    from .plan import MentorPlan
    from .planner import Solved

SHOWN = 3
"""Mentors named in a reason before "and N more"."""


def unmatched(solved: Solved) -> tuple[Unmatched, ...]:
    """Every mentee without a mentor in the plan, and every mentor with places left and
    no mentee, each with the reason."""
    match, chosen = solved.match, solved.assignment.chosen
    left = [
        Unmatched(mentee.id, "mentee", _mentee_reason(solved, s))
        for s, mentee in enumerate(match.mentees)
        if s not in chosen and mentee.id not in match.pinned
    ]
    busy = set(chosen.values()) | {match.mentor_index[m] for m in match.pinned.values()}
    fitting = {p for edges in solved.problem.edges for p in edges}
    idle = [
        Unmatched(mentor.id, "mentor", _mentor_reason(solved, p, p in fitting))
        for p, mentor in enumerate(match.mentors)
        if p not in busy
    ]
    return (*left, *idle)


def _mentee_reason(solved: Solved, seeker: int) -> Message:
    match, edges = solved.match, solved.problem.edges[seeker]
    if edges:
        names = [match.mentors[p].teacher.name for p in sorted(edges)]
        return message(
            "every mentor who fits has no place left in this plan: {names}",
            names=listed(names),
        )
    mentee = match.mentees[seeker]
    found = tally(match.refusal(mentee, mentor) for mentor in match.mentors)
    if found is None:
        return message("there is no mentor to pair with")
    return message("no mentor fits: {reasons}", reasons=found)


def _mentor_reason(solved: Solved, provider: int, fits: bool) -> Message:
    match = solved.match
    mentor = match.mentors[provider]
    if not match.places[provider]:
        return message(
            "already mentors {load} of the {limit} allowed",
            load=len(match.active.get(mentor.id, ())),
            limit=match.limit(mentor.id),
        )
    if fits:
        return message("every mentee who fits is better placed with another mentor")
    found = tally(match.refusal(mentee, mentor) for mentee in match.mentees)
    if found is None:
        return message("there is no mentee to pair with")
    return message("fits no mentee: {reasons}", reasons=found)


class Pinning(Protocol):
    """A plan's candidates with pinned pairs (a mentor or a placement match)."""

    pinned: dict[int, int]

    def profiles(self, seeker_id: int, provider_id: int) -> tuple[Any, Any]: ...
    def values(self, seeker: Any, provider: Any) -> list[float]: ...
    def points(self, values: Sequence[float]) -> int: ...


def with_pins(
    match: Pinning, found: engine.Assignment, seekers: Sequence[Any], providers: Sequence[Any]
) -> list[tuple[int, int, bool]]:
    """``(seeker id, provider id, pinned)`` of the pinned pairs and the solver's, in order."""
    chosen = [(seeker, provider, True) for seeker, provider in match.pinned.items()]
    chosen += [(seekers[s].id, providers[p].id, False) for s, p in found.chosen.items()]
    return sorted(chosen)


def pinned_score(match: Pinning, found: engine.Assignment) -> Score:
    """Pairs and total of a solver's assignment, the pinned pairs included."""
    pinned = [match.points(match.values(*match.profiles(*pair))) for pair in match.pinned.items()]
    return Score(pairs=found.count + len(pinned), total=(found.total + sum(pinned)) / SCALE)


def tally(reasons: Iterable[Message | None]) -> Message | None:
    """``12 × the mentor is in another prefecture; 3 × …``, the commonest first."""
    counts = Counter(r for r in reasons if r is not None)
    if not counts:
        return None
    parts = [
        message("{count} × {reason}", count=count, reason=reason)
        for reason, count in sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
    ]
    return joined("; ", parts)


def listed(names: list[str]) -> str:
    shown = "、".join(names[:SHOWN])
    more = len(names) - SHOWN
    return shown if more <= 0 else f"{shown} (+{more})"


def why(plan: MentorPlan, mentee_id: int, mentor_id: int) -> Why:
    """Why the pair is chosen, or the constraint it breaks, or, forced into the plan,
    how much worse the best plan with it is and which mentees it moves."""
    solved: Solved = plan.solved
    match = solved.match
    if match.pinned.get(mentee_id) == mentor_id:
        return _chosen(match, mentee_id, mentor_id, message("the criteria pin this pair"))
    outside = _outside(match, mentee_id, mentor_id)
    if outside is not None:
        return Why(mentee_id, mentor_id, chosen=False, reason=outside)
    seeker, provider = match.mentee_index[mentee_id], match.mentor_index[mentor_id]
    if solved.assignment.chosen.get(seeker) == provider:
        return _chosen(match, mentee_id, mentor_id, message("the plan chooses this pair"))
    refused = match.refusal(match.mentees[seeker], match.mentors[provider])
    if refused is not None:
        return Why(mentee_id, mentor_id, chosen=False, reason=refused)
    return _forced(plan, solved, seeker, provider)


def _chosen(match: MentorMatch, mentee_id: int, mentor_id: int, reason: Message) -> Why:
    contributions = match.contributions(*match.profiles(mentee_id, mentor_id))
    return Why(mentee_id, mentor_id, True, reason, contributions)


def _outside(match: MentorMatch, mentee_id: int, mentor_id: int) -> Message | None:
    if mentee_id in match.pinned:
        return message("the criteria pin mentee {id} to another mentor", id=mentee_id)
    if mentee_id not in match.mentee_index:
        return message(
            "teacher {id} is not a mentee of this plan (not in the mentee pool, or "
            "already has a mentor in the programme)",
            id=mentee_id,
        )
    if mentor_id not in match.mentor_index:
        return message("teacher {id} is not a mentor of this plan", id=mentor_id)
    return None


def _forced(plan: MentorPlan, solved: Solved, seeker: int, provider: int) -> Why:
    """Re-solve with the pair fixed and compare."""
    match = solved.match
    forced, changed = forcing(solved.problem, solved.assignment, plan.score, seeker, provider)
    moves = tuple(
        Move(match.mentees[s].id, _mentor_id(match, before), _mentor_id(match, after))
        for s, before, after in changed
    )
    mentee, mentor = match.mentees[seeker], match.mentors[provider]
    return Why(
        mentee.id,
        mentor.id,
        False,
        better_plan(forced, plan.score),
        match.contributions(mentee, mentor),
        forced,
        moves,
    )


def forcing(
    problem: engine.Problem, found: engine.Assignment, score: Score, seeker: int, provider: int
) -> tuple[Score, list[tuple[int, int | None, int | None]]]:
    """The best plan once ``seeker`` is placed with ``provider`` (its score, from the
    plan's ``score`` of ``found``), and every seeker whose provider that changes:
    ``(seeker, provider in the plan, provider once forced)``."""
    rest = engine.solve(engine.without(problem, seeker, provider))
    change = rest.total + problem.edges[seeker][provider] - found.total
    forced = Score(
        pairs=score.pairs - found.count + rest.count + 1, total=score.total + change / SCALE
    )
    after = {**rest.chosen, seeker: provider}
    changed = [
        (s, found.chosen.get(s), after.get(s))
        for s in sorted(set(after) | set(found.chosen))
        if after.get(s) != found.chosen.get(s)
    ]
    return forced, changed


def better_plan(forced: Score, best: Score) -> Message:
    """*a better plan leaves it out: with it … instead of …*"""
    return message(
        "a better plan leaves it out: with it the plan would make {pairs} pairs "
        "scoring {total:.3f} instead of {best_pairs} scoring {best_total:.3f}",
        pairs=forced.pairs,
        total=forced.total,
        best_pairs=best.pairs,
        best_total=best.total,
    )


def _mentor_id(match: MentorMatch, provider: int | None) -> int | None:
    return None if provider is None else match.mentors[provider].id
