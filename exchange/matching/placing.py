"""Compute a placement plan from the store, explain it, and apply it through the same
rules as every write (``Tracker.match_placements``, ``Tracker.apply_placement_plan``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import attrs

from ..errors import ConfigurationError, InvalidRecord, RuleViolation
from ..i18n import Message, message
from ..models import Need, Pairing, School, Secondment, Teacher
from . import engine, inputs
from .criteria import PlacementCriterion
from .explain import better_plan, forcing, listed, pinned_score, tally, with_pins
from .placements import Pair, PlacementMatch, at_home, not_applicant
from .plan import Placement, PlacementPlan, PlacementWhy, Shift, Unplaced
from .settings import MatchSettings, PairKey

if TYPE_CHECKING:
    from ..registry import Registry
    from ..tracker import Tracker


@attrs.frozen
class Solved:
    """What :meth:`PlacementPlan.why` needs: the candidates, the problem and its optimum."""

    match: PlacementMatch
    problem: engine.Problem
    assignment: engine.Assignment


def match_placements(
    tracker: Tracker, year: int, *, programme: str | None = None, settings: MatchSettings
) -> PlacementPlan:
    """The optimal plan of new secondments for ``year``'s needs (see :mod:`exchange.matching`)."""
    _for_placements(settings)
    name = programme.strip() if programme is not None else None
    criteria = placement_criteria(tracker.plugins.placement_criteria, settings)
    return plan(
        inputs.read_placements(tracker),
        year,
        name,
        settings,
        criteria,
        pinned=_pairs(tracker, settings.pinned),
        forbidden=_pairs(tracker, settings.forbidden),
        labels=_labels(tracker, settings.pinned),
    )


def _pairs(tracker: Tracker, keys: Iterable[PairKey]) -> list[Pair]:
    """(teacher id, need id) of pairs named by id or ref."""
    return [
        (tracker.get(Teacher, teacher).id or 0, tracker.get(Need, need).id or 0)
        for teacher, need in keys
    ]


def _labels(tracker: Tracker, keys: Iterable[PairKey]) -> dict[Pair, tuple[str, str]]:
    """How a refused pin names its teacher and need: 陈志强 (chen), 贞丰县第五中学 数学 (math)."""
    labels = {}
    for teacher_key, need_key in keys:
        teacher, need = tracker.get(Teacher, teacher_key), tracker.get(Need, need_key)
        host = tracker.get(School, need.host_school_id).name
        labels[teacher.id or 0, need.id or 0] = (
            f"{teacher.name} ({teacher.ref or teacher.id})",
            f"{host} {need.subject} ({need.ref or need.id})".replace("  ", " "),
        )
    return labels


def _for_placements(settings: MatchSettings) -> None:
    """Refuse what only a mentor plan reads (pools, a mentor capacity)."""
    default = MatchSettings()
    for key in ("capacity", "mentors", "mentees"):
        if getattr(settings, key) != getattr(default, key):
            raise InvalidRecord(
                message("criteria: {key} is for mentor plans, not placements", key=key)
            )


def placement_criteria(
    registry: Registry[PlacementCriterion], settings: MatchSettings
) -> list[PlacementCriterion]:
    """Every registered placement criterion, in name order; a name the settings give
    that no plugin registered is a :class:`ConfigurationError`."""
    for name in sorted(settings.named()):
        registry.get(name)
    if not len(registry):
        raise ConfigurationError(message("no placement criteria are registered"))
    return list(registry)


def plan(
    read: inputs.PlacementInputs,
    year: int,
    programme: str | None,
    settings: MatchSettings,
    criteria: Sequence[PlacementCriterion],
    *,
    pinned: Sequence[Pair] = (),
    forbidden: Sequence[Pair] = (),
    labels: Mapping[Pair, tuple[str, str]] | None = None,
) -> PlacementPlan:
    """The plan on records already read (no store needed); pairs by (teacher id, need id),
    a refused pin named by ``labels`` (ids without them)."""
    match = PlacementMatch(
        read, year, programme, settings, criteria, forbidden=frozenset(forbidden)
    )
    _pin(match, pinned, labels or {})
    problem = match.problem()
    solved = Solved(match, problem, engine.solve(problem))
    basis = read.basis(year)
    request = [year, programme, attrs.asdict(settings), [c.name for c in criteria]]
    return PlacementPlan(
        year=year,
        programme=programme,
        placements=_placements(solved),
        unplaced=unplaced(solved),
        score=pinned_score(match, solved.assignment),
        greedy=pinned_score(match, engine.greedy(problem)),
        weights={c.name: w for c, w in zip(criteria, match.weights, strict=True)},
        names={a.id: (a.teacher.name, a.school.name) for a in match.applicants},
        openings={o.id: (o.school.name, o.subject) for o in match.needs},
        basis=basis,
        digest=inputs.digest(basis, request),
        solved=solved,
    )


def _pin(
    match: PlacementMatch, pinned: Sequence[Pair], labels: Mapping[Pair, tuple[str, str]]
) -> None:
    """Fix each pinned pair in turn; the first that breaks a hard constraint is a
    :class:`RuleViolation` naming the pair and the constraint."""
    for teacher_id, need_id in pinned:
        why = match.pin(teacher_id, need_id)
        if why is not None:
            teacher, need = labels.get(
                (teacher_id, need_id), (f"teacher {teacher_id}", f"need {need_id}")
            )
            raise RuleViolation(
                message(
                    "cannot pin {teacher} to {need}: {why}", teacher=teacher, need=need, why=why
                )
            )


def _placements(solved: Solved) -> tuple[Placement, ...]:
    """The pinned pairs and the solver's, in teacher id order."""
    match = solved.match
    return tuple(
        Placement(teacher, need, match.contributions(*match.profiles(teacher, need)), pinned)
        for teacher, need, pinned in with_pins(
            match, solved.assignment, match.applicants, match.needs
        )
    )


# -- explanations -----------------------------------------------------------------------


def unplaced(solved: Solved) -> tuple[Unplaced, ...]:
    """Every applicant the plan places nowhere and every need it leaves places empty
    in, each with the reason."""
    match, chosen = solved.match, solved.assignment.chosen
    sent = _sent(solved)
    left = [
        Unplaced("applicant", applicant.id, _applicant_reason(solved, s, sent))
        for s, applicant in enumerate(match.applicants)
        if s not in chosen and applicant.id not in match.pinned
    ]
    taken: dict[int, int] = {}
    for p in chosen.values():
        taken[p] = taken.get(p, 0) + 1
    fitting = {p for edges in solved.problem.edges for p in edges}
    empty = [
        Unplaced("need", need.id, _need_reason(solved, p, p in fitting))
        for p, need in enumerate(match.needs)
        if taken.get(p, 0) < match.left[p]
    ]
    return (*left, *empty)


def _applicant_reason(solved: Solved, seeker: int, sent: Counter[int]) -> Message:
    match, edges = solved.match, solved.problem.edges[seeker]
    applicant = match.applicants[seeker]
    if edges:
        group = match.group_index.get(applicant.school.id)
        if group is not None and sent[group] >= match.senders[group].sendable:
            return message(
                "their school sends as many as it may in this plan: {why}",
                why=at_home(match.senders[group]),
            )
        names = [_need_name(match, p) for p in sorted(edges)]
        return message("every need that fits is full in this plan: {names}", names=listed(names))
    found = tally(match.refusal(applicant, need) for need in match.needs)
    if found is None:
        return message("there is no need of the year to place them at")
    return message("no need fits: {reasons}", reasons=found)


def _need_reason(solved: Solved, provider: int, fits: bool) -> Message:
    match = solved.match
    if fits:
        return message("every applicant who fits is better placed at another need")
    need = match.needs[provider]
    found = tally(match.refusal(applicant, need) for applicant in match.applicants)
    if found is None:
        return message("there is no applicant to place")
    return message("fits no applicant: {reasons}", reasons=found)


def _sent(solved: Solved) -> Counter[int]:
    """Group → its teachers the plan sends, the pinned ones included."""
    sent = Counter(solved.problem.group_of(s) for s in solved.assignment.chosen)
    sent.update({g: sender.pinned for g, sender in enumerate(solved.match.senders)})
    return sent


def _need_name(match: PlacementMatch, provider: int) -> str:
    opening = match.needs[provider]
    return f"{opening.school.name} {opening.subject}".strip()


def why(plan: PlacementPlan, teacher_id: int, need_id: int) -> PlacementWhy:
    """Why the teacher is placed at the need, or the constraint it breaks, or, forced
    into the plan, how much worse the best plan with it is and whom it moves."""
    solved: Solved = plan.solved
    match = solved.match
    if teacher_id not in match.applicant_index:
        reason = not_applicant(teacher_id, plan.year)
        return PlacementWhy(teacher_id, need_id, False, reason)
    if need_id not in match.need_index:
        reason = message("need {id} is not a need of this plan", id=need_id)
        return PlacementWhy(teacher_id, need_id, False, reason)
    seeker, provider = match.applicant_index[teacher_id], match.need_index[need_id]
    contributions = match.contributions(*match.profiles(teacher_id, need_id))
    if match.pinned.get(teacher_id) == need_id:
        pinned = message("the criteria pin this pair")
        return PlacementWhy(teacher_id, need_id, True, pinned, contributions)
    if solved.assignment.chosen.get(seeker) == provider:
        chosen = message("the plan chooses this pair")
        return PlacementWhy(teacher_id, need_id, True, chosen, contributions)
    refused = match.refusal(*match.profiles(teacher_id, need_id))
    if refused is None and provider not in solved.problem.edges[seeker]:
        refused = message("the pair is not a candidate of this plan")
    if refused is not None:
        return PlacementWhy(teacher_id, need_id, False, refused, contributions)
    forced, changed = forcing(solved.problem, solved.assignment, plan.score, seeker, provider)
    shifts = tuple(
        Shift(match.applicants[s].id, _need_id(match, before), _need_id(match, after))
        for s, before, after in changed
    )
    reason = better_plan(forced, plan.score)
    return PlacementWhy(teacher_id, need_id, False, reason, contributions, forced, shifts)


def _need_id(match: PlacementMatch, provider: int | None) -> int | None:
    return None if provider is None else match.needs[provider].id


# -- applying -------------------------------------------------------------------------


def apply_placement_plan(tracker: Tracker, plan: PlacementPlan) -> list[Secondment]:
    """Store the plan's placements as proposed secondments in one transaction, through
    :meth:`Tracker.second` (so every rule applies, a need's places included); refuse a
    plan whose records changed since it was computed."""
    with tracker.transaction():
        inputs.changed(tracker, plan.basis, inputs.read_placements(tracker).basis(plan.year))
        match: PlacementMatch = plan.solved.match
        stored = []
        for placement in plan.placements:
            applicant, opening = match.profiles(placement.teacher_id, placement.need_id)
            need = opening.need
            stored.append(
                tracker.second(
                    placement.teacher_id,
                    need.host_school_id,
                    kind=need.kind,
                    starts_on=need.starts_on,
                    ends_on=need.ends_on,
                    pairing=_pairing(match.inputs.pairings, applicant.school.id or 0, need),
                    programme=need.programme,
                    need=need.id,
                )
            )
        return stored


def _pairing(pairings: Iterable[Pairing], school_id: int, need: Need) -> int | None:
    """The pairing of the two schools in force on the need's first day, if any."""
    for p in pairings:
        if (
            {p.supporting_school_id, p.supported_school_id} == {school_id, need.host_school_id}
            and p.signed_on <= need.starts_on
            and (p.ended_on is None or p.ended_on >= need.starts_on)
        ):
            return p.id
    return None
