"""The assignment engine: seekers to providers, each provider up to its capacity.

One engine serves every matching problem (mentees to mentors; teachers to host
schools' places). A :class:`Problem` holds integer scores on the candidate edges
only; :func:`solve` maximises first the number of seekers placed and then the
total score, exactly, with scipy's assignment solvers:

- the candidate graph is cut into connected components, each solved on its own
  (the optimum of the whole is the union of the components' optima);
- in a component every provider becomes one column per place it can fill
  (its capacity, at most its number of candidates) and every seeker gets a
  column of its own that means "left unplaced", so a full assignment always exists;
- a small component is solved densely (``scipy.optimize.linear_sum_assignment``),
  a large one on its sparse edges (``scipy.sparse.csgraph.min_weight_full_bipartite_matching``).

Seekers may also come in groups that can each send only so many (a sending school
keeping a minimum of its staff at home: :attr:`Problem.group_capacity`). That is
still an assignment, turned round (:func:`_grouped`): every place is a row that
takes a seeker or stays vacant, and a group that may send ``k`` of its ``n``
candidate seekers gets ``n - k`` "stays at home" rows that must each take one of
its seekers, so at most ``k`` are left to be placed. Every row is matched, so no
penalty weight is needed and the optimum stays exact (no ``milp``).

Same input, same output: seekers and providers are laid out in the order given
and both solvers are deterministic. Among plans with the same count and total,
a tie-break term smaller than one score unit prefers providers earlier in that
order (for components too large for exact tie arithmetic in 64-bit floats the
tie falls to the solver's own deterministic order). scipy is imported here, and
this module only when a plan is computed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs

DENSE_CELLS = 4_000_000
"""Largest dense cost matrix (rows × columns) a component is solved on; larger ones go sparse."""
_EXACT = 2.0**52
"""Sums of whole numbers below this are exact in 64-bit floats."""


@attrs.frozen
class Problem:
    """``edges[s][p]``: the integer score of placing seeker ``s`` with provider ``p``
    (indices into the caller's lists); only admissible pairs have an edge."""

    capacity: tuple[int, ...]
    """Places each provider can still fill."""
    edges: tuple[Mapping[int, int], ...]
    """One mapping per seeker: provider index → score."""
    group: tuple[int, ...] = ()
    """Each seeker's group (an index into :attr:`group_capacity`, or -1 for none);
    empty: no groups."""
    group_capacity: tuple[int, ...] = ()
    """How many of each group's seekers may be placed."""

    def group_of(self, seeker: int) -> int:
        """The seeker's group, or -1."""
        return self.group[seeker] if self.group else -1

    @property
    def seekers(self) -> int:
        """How many seekers there are."""
        return len(self.edges)


@attrs.frozen
class Assignment:
    """Seeker index → provider index, for the seekers placed."""

    chosen: Mapping[int, int]
    count: int
    total: int


def assignment(problem: Problem, chosen: Mapping[int, int]) -> Assignment:
    """An :class:`Assignment` of ``chosen``, with its count and total score."""
    ordered = dict(sorted(chosen.items()))
    total = sum(problem.edges[s][p] for s, p in ordered.items())
    return Assignment(chosen=ordered, count=len(ordered), total=total)


def solve(problem: Problem) -> Assignment:
    """The plan that places the most seekers and, among those, has the highest total."""
    import numpy as np

    seekers, providers, scores = _flat(problem)
    chosen: dict[int, int] = {}
    if len(seekers):
        capacity = np.asarray(problem.capacity, dtype=np.int64)
        home = _home(problem)
        links = _group_links(problem, home)
        for part in _components(problem.seekers, len(capacity), seekers, providers, links):
            found = (
                _grouped(problem, home, capacity, seekers[part], providers[part], scores[part])
                if any(home.get(problem.group_of(int(s)), 0) for s in np.unique(seekers[part]))
                else _component(capacity, seekers[part], providers[part], scores[part])
            )
            chosen.update(found)
    return assignment(problem, chosen)


def _home(problem: Problem) -> dict[int, int]:
    """Group → how many of its seekers with a candidate must stay unplaced (when above 0)."""
    counts: dict[int, int] = {}
    for seeker, edges in enumerate(problem.edges):
        group = problem.group_of(seeker)
        if edges and group >= 0:
            counts[group] = counts.get(group, 0) + 1
    home = {g: n - max(0, problem.group_capacity[g]) for g, n in counts.items()}
    return {g: h for g, h in home.items() if h > 0}


def _group_links(problem: Problem, home: Mapping[int, int]) -> tuple[Any, Any]:
    """(seeker, group) pairs that tie a binding group's seekers into one component."""
    import numpy as np

    pairs = [
        (s, problem.group_of(s))
        for s, edges in enumerate(problem.edges)
        if edges and problem.group_of(s) in home
    ]
    seekers = np.fromiter((s for s, _ in pairs), dtype=np.int64, count=len(pairs))
    groups = np.fromiter((g for _, g in pairs), dtype=np.int64, count=len(pairs))
    return seekers, groups


def _flat(problem: Problem) -> tuple[Any, Any, Any]:
    """Every edge as three arrays: seeker, provider, score (seeker order, then provider)."""
    import numpy as np

    count = sum(len(e) for e in problem.edges)
    seekers = np.fromiter(
        (s for s, e in enumerate(problem.edges) for _ in e), dtype=np.int64, count=count
    )
    providers = np.fromiter((p for e in problem.edges for p in e), dtype=np.int64, count=count)
    scores = np.fromiter((v for e in problem.edges for v in e.values()), np.int64, count=count)
    return seekers, providers, scores


def _components(
    n: int, m: int, seekers: Any, providers: Any, links: tuple[Any, Any] | None = None
) -> list[Any]:
    """The edges of each connected component of the candidate graph (seekers of one
    binding group, ``links``, are joined), as index arrays, in the order of each
    component's first seeker."""
    import numpy as np
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    linked, groups = links if links is not None else (seekers[:0], seekers[:0])
    size = n + m + (int(groups.max()) + 1 if len(groups) else 0)
    rows = np.concatenate([seekers, linked])
    columns = np.concatenate([n + providers, n + m + groups])
    graph = coo_matrix((np.ones(len(rows)), (rows, columns)), shape=(size, size))
    _, labels = connected_components(graph, directed=False)
    label = labels[seekers]
    order = np.argsort(label, kind="stable")
    cuts = np.flatnonzero(np.diff(label[order])) + 1
    return sorted(np.split(order, cuts), key=lambda part: int(seekers[part[0]]))


def _component(capacity: Any, seekers: Any, providers: Any, scores: Any) -> dict[int, int]:
    import numpy as np

    rows_of, row = np.unique(seekers, return_inverse=True)
    kinds, provider = np.unique(providers, return_inverse=True)
    places = np.minimum(capacity[kinds], np.bincount(provider, minlength=len(kinds)))
    if not places.sum():
        return {}
    n, width = len(rows_of), int(places.sum()) + len(rows_of)
    cost = _costs(n, len(kinds), provider, scores)
    first = np.cumsum(places) - places  # each provider's first place column
    repeat = places[provider]
    edge = np.repeat(np.arange(len(provider)), repeat)
    offset = np.arange(len(edge)) - np.repeat(np.cumsum(repeat) - repeat, repeat)
    rows = np.concatenate([row[edge], np.arange(n)])
    columns = np.concatenate([first[provider[edge]] + offset, width - n + np.arange(n)])
    weights = np.concatenate([cost[edge], np.zeros(n)])
    solver = _dense if n * width <= DENSE_CELLS else _sparse
    slot_owner = np.repeat(kinds, places)
    return {
        int(rows_of[r]): int(slot_owner[c])
        for r, c in solver(n, width, rows, columns, weights)
        if c < width - n
    }


def _grouped(
    problem: Problem,
    home: Mapping[int, int],
    capacity: Any,
    seekers: Any,
    providers: Any,
    scores: Any,
) -> dict[int, int]:
    """A component with binding groups, turned round: rows are the places (each takes a
    seeker or its own vacant column) and the groups' stay-at-home seats (each takes one
    of the group's seekers); columns are the seekers, then the vacant places."""
    import numpy as np

    columns_of, column = np.unique(seekers, return_inverse=True)
    kinds, provider = np.unique(providers, return_inverse=True)
    places = np.minimum(capacity[kinds], np.bincount(provider, minlength=len(kinds)))
    n, slots = len(columns_of), int(places.sum())
    cost = _costs(n, len(kinds), provider, scores)
    first = np.cumsum(places) - places
    repeat = places[provider]
    edge = np.repeat(np.arange(len(provider)), repeat)
    offset = np.arange(len(edge)) - np.repeat(np.cumsum(repeat) - repeat, repeat)
    seats_r, seats_c = _seats(problem, home, columns_of, slots)
    rows = np.concatenate([first[provider[edge]] + offset, np.arange(slots), seats_r])
    cols = np.concatenate([column[edge], n + np.arange(slots), seats_c])
    weights = np.concatenate([cost[edge], np.zeros(slots + len(seats_r))])
    height, width = slots + (int(seats_r.max()) + 1 - slots if len(seats_r) else 0), n + slots
    solver = _dense if height * width <= DENSE_CELLS else _sparse
    slot_owner = np.repeat(kinds, places)
    return {
        int(columns_of[c]): int(slot_owner[r])
        for r, c in solver(height, width, rows, cols, weights)
        if r < slots and c < n
    }


def _seats(problem: Problem, home: Mapping[int, int], seekers: Any, after: int) -> tuple[Any, Any]:
    """The stay-at-home rows (numbered from ``after``) and, for each, the columns of
    its group's seekers (``seekers`` in column order)."""
    import numpy as np

    members: dict[int, list[int]] = {}
    for column, seeker in enumerate(seekers.tolist()):
        group = problem.group_of(seeker)
        if group in home:
            members.setdefault(group, []).append(column)
    rows, columns, row = [], [], after
    for group in sorted(members):
        for _ in range(home[group]):
            rows += [row] * len(members[group])
            columns += members[group]
            row += 1
    return np.asarray(rows, dtype=np.int64), np.asarray(columns, dtype=np.int64)


def _costs(n: int, m: int, provider: Any, scores: Any) -> Any:
    """Each edge's cost: placing outweighs any score gap, a score unit outweighs any
    tie-break, and the tie-break prefers earlier providers (when exact in floats)."""
    low, high = int(scores.min()), int(scores.max())
    shift = n * (high - low) + abs(low) + 1
    tie = n * m + 1
    if n * (shift + high) * tie >= _EXACT:
        return -(shift + scores).astype(float)
    return (-(shift + scores) * tie + provider).astype(float)


def _dense(n: int, width: int, rows: Any, columns: Any, weights: Any) -> Iterable[tuple[int, int]]:
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    matrix = np.full((n, width), np.inf)
    matrix[rows, columns] = weights
    picked_rows, picked_columns = linear_sum_assignment(matrix)
    return zip(picked_rows.tolist(), picked_columns.tolist(), strict=True)


def _sparse(n: int, width: int, rows: Any, columns: Any, weights: Any) -> Iterable[tuple[int, int]]:
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching

    # positive weights (an explicit entry is an edge); every row is matched once, so
    # adding the same constant to every entry leaves the optimum where it was
    graph = csr_matrix((weights - weights.min() + 1.0, (rows, columns)), shape=(n, width))
    picked_rows, picked_columns = min_weight_full_bipartite_matching(graph)
    return zip(picked_rows.tolist(), picked_columns.tolist(), strict=True)


def greedy(problem: Problem) -> Assignment:
    """The one-at-a-time baseline: each seeker in turn takes its best-scoring provider
    with a place left (the earlier provider on a tie)."""
    left, sendable = list(problem.capacity), list(problem.group_capacity)
    chosen: dict[int, int] = {}
    for seeker, edges in enumerate(problem.edges):
        group = problem.group_of(seeker)
        if group >= 0 and sendable[group] <= 0:
            continue
        open_ = [(-score, p) for p, score in edges.items() if left[p] > 0]
        if open_:
            _, provider = min(open_)
            chosen[seeker] = provider
            left[provider] -= 1
            if group >= 0:
                sendable[group] -= 1
    return assignment(problem, chosen)


def without(problem: Problem, seeker: int, provider: int) -> Problem:
    """``problem`` once ``seeker`` is placed with ``provider`` outside it: the seeker has
    no edges left, the provider one place fewer and the seeker's group one to send fewer."""
    capacity, sendable = list(problem.capacity), list(problem.group_capacity)
    capacity[provider] -= 1
    if problem.group_of(seeker) >= 0:
        sendable[problem.group_of(seeker)] -= 1
    edges = list(problem.edges)
    edges[seeker] = {}
    return attrs.evolve(
        problem, capacity=tuple(capacity), edges=tuple(edges), group_capacity=tuple(sendable)
    )
