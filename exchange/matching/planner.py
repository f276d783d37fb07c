"""Compute a mentor plan from the store, and apply it through the same rules as every write."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from ..errors import ConfigurationError, InvalidRecord, NotFound
from ..i18n import message
from ..models import Mentorship, Teacher
from . import engine, inputs
from .criteria import MatchCriterion
from .explain import pinned_score, unmatched, with_pins
from .mentors import MentorMatch, Pair
from .plan import MentorPlan, Proposal
from .settings import MatchSettings, PairKey, read_settings
from .settings import settings as settings_from

if TYPE_CHECKING:
    from ..registry import Registry
    from ..tracker import Tracker


@attrs.frozen
class Solved:
    """What :meth:`MentorPlan.why` needs: the candidates, the problem and its optimum."""

    match: MentorMatch
    problem: engine.Problem
    assignment: engine.Assignment


def match_mentors(
    tracker: Tracker,
    programme: str,
    *,
    settings: MatchSettings | None = None,
    starts_on: dt.date | None = None,
) -> MentorPlan:
    """The optimal plan of new mentor pairs for ``programme`` (see :mod:`exchange.matching`)."""
    settings = settings or MatchSettings()
    name = programme.strip()
    read = inputs.read(tracker)
    if name not in read.programmes and not any(p.programme == name for p in read.pairs):
        raise NotFound(message("no programme named {programme!r}", programme=name))
    return plan(
        read,
        name,
        settings,
        chosen_criteria(tracker.plugins.match_criteria, settings),
        pinned=_ids(tracker, settings.pinned),
        forbidden=_ids(tracker, settings.forbidden),
        starts_on=starts_on,
    )


def plan(
    read: inputs.Inputs,
    programme: str,
    settings: MatchSettings,
    criteria: Sequence[MatchCriterion],
    *,
    pinned: Sequence[Pair] = (),
    forbidden: Sequence[Pair] = (),
    starts_on: dt.date | None = None,
) -> MentorPlan:
    """The plan on records already read, pairs named by teacher ids (no store needed).
    Without ``starts_on`` the pairs start on the day the plan is made, and the digest
    leaves the day out: it covers the records and the request only, so a plan reviewed
    before midnight is still the same plan after it."""
    match = MentorMatch(read, programme, settings, criteria, forbidden=frozenset(forbidden))
    for mentee, mentor in pinned:
        match.pin(mentee, mentor)
    problem = match.problem()
    solved = Solved(match, problem, engine.solve(problem))
    basis = read.basis()
    request = [programme, starts_on, attrs.asdict(settings), [c.name for c in criteria]]
    return MentorPlan(
        programme=programme,
        starts_on=starts_on or dt.date.today(),
        pairs=_proposals(solved),
        unmatched=unmatched(solved),
        score=pinned_score(match, solved.assignment),
        greedy=pinned_score(match, engine.greedy(problem)),
        weights={c.name: w for c, w in zip(criteria, match.weights, strict=True)},
        names=_names(match),
        basis=basis,
        digest=inputs.digest(basis, request),
        solved=solved,
    )


def as_settings(criteria: MatchSettings | Mapping[str, Any] | str | Path | None) -> MatchSettings:
    """Settings from an object, a mapping shaped like the criteria file, or its path."""
    if criteria is None or isinstance(criteria, MatchSettings):
        return criteria or MatchSettings()
    if isinstance(criteria, Mapping):
        return settings_from(criteria)
    return read_settings(criteria)


def day(value: dt.date | str | None) -> dt.date | None:
    """A start day given as a date or ``YYYY-MM-DD`` text."""
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidRecord(
            message(
                "{where} must be a date such as 2024-12-01, not {value!r}",
                where="starts_on",
                value=value,
            )
        ) from None


def chosen_criteria(
    registry: Registry[MatchCriterion], settings: MatchSettings
) -> list[MatchCriterion]:
    """Every registered criterion, in name order; a name the settings give that no
    plugin registered is a :class:`ConfigurationError`."""
    for name in sorted(settings.named()):
        registry.get(name)
    if not len(registry):
        raise ConfigurationError(message("no matching criteria are registered"))
    return list(registry)


def _ids(tracker: Tracker, keys: Iterable[PairKey]) -> list[Pair]:
    return [
        (tracker.get(Teacher, mentee).id or 0, tracker.get(Teacher, mentor).id or 0)
        for mentee, mentor in keys
    ]


def _proposals(solved: Solved) -> tuple[Proposal, ...]:
    match = solved.match
    return tuple(
        Proposal(
            mentee_id=mentee,
            mentor_id=mentor,
            contributions=match.contributions(*match.profiles(mentee, mentor)),
            pinned=pinned,
        )
        for mentee, mentor, pinned in with_pins(
            match, solved.assignment, match.mentees, match.mentors
        )
    )


def _names(match: MentorMatch) -> dict[int, tuple[str, str]]:
    people = [*match.mentees, *match.mentors]
    return {p.id: (p.teacher.name, p.school.name) for p in people}


def apply_mentor_plan(tracker: Tracker, plan: MentorPlan) -> list[Mentorship]:
    """Store the plan's pairs in one transaction, through :meth:`Tracker.pair_mentor`
    (so every rule applies); refuse a plan whose records changed since it was computed."""
    with tracker.transaction():
        inputs.changed(tracker, plan.basis, inputs.read(tracker).basis())
        return [
            tracker.pair_mentor(
                p.mentor_id, p.mentee_id, programme=plan.programme, starts_on=plan.starts_on
            )
            for p in plan.pairs
        ]
