"""The assignment engine: optimal against a brute force on small cases, never worse than
the greedy plan, never over a capacity, the same answer every time."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exchange.matching import engine
from exchange.matching.engine import Problem
from exchange.testing.provinces import brute_force


@st.composite
def problems(draw: st.DrawFn, most: int = 7) -> Problem:
    """Up to ``most`` seekers and providers, capacities 0–3, any scores on sparse edges."""
    seekers = draw(st.integers(0, most))
    capacity = tuple(draw(st.lists(st.integers(0, 3), max_size=most)))
    edge = st.dictionaries(
        st.integers(0, max(0, len(capacity) - 1)),
        st.integers(-5_000, 9_000),
        max_size=len(capacity),
    )
    edges = tuple(draw(edge) if capacity else {} for _ in range(seekers))
    return Problem(capacity=capacity, edges=edges)


def check_feasible(problem: Problem, found: engine.Assignment) -> None:
    used = [0] * len(problem.capacity)
    for seeker, provider in found.chosen.items():
        assert provider in problem.edges[seeker]  # only admissible pairs
        used[provider] += 1
    assert all(u <= c for u, c in zip(used, problem.capacity, strict=True))


def solve_sparse(problem: Problem) -> engine.Assignment:
    """:func:`engine.solve` with every component solved on its sparse edges."""
    before, engine.DENSE_CELLS = engine.DENSE_CELLS, 0
    try:
        return engine.solve(problem)
    finally:
        engine.DENSE_CELLS = before


@given(problems())
def test_the_plan_is_the_brute_force_optimum_and_keeps_every_capacity(problem: Problem) -> None:
    found = engine.solve(problem)
    check_feasible(problem, found)
    assert (found.count, found.total) == brute_force(problem)


@given(problems())
def test_the_plan_is_never_worse_than_the_greedy_one(problem: Problem) -> None:
    found, greedy = engine.solve(problem), engine.greedy(problem)
    check_feasible(problem, greedy)
    assert (found.count, found.total) >= (greedy.count, greedy.total)


@given(problems())
def test_the_sparse_solver_agrees_with_the_dense_one(problem: Problem) -> None:
    dense, sparse = engine.solve(problem), solve_sparse(problem)
    check_feasible(problem, sparse)
    assert (sparse.count, sparse.total) == (dense.count, dense.total)


@given(problems())
def test_same_input_same_output(problem: Problem) -> None:
    assert engine.solve(problem) == engine.solve(problem)


def test_ties_go_to_the_earlier_provider() -> None:
    problem = Problem(capacity=(1, 1, 1), edges=({0: 5, 1: 5, 2: 5}, {1: 5, 2: 5}))
    assert engine.solve(problem).chosen == {0: 0, 1: 1}


def test_one_more_pair_beats_any_score() -> None:
    # seeker 0 alone would take provider 0 (score 9); both placed only if it takes 1
    problem = Problem(capacity=(1, 1), edges=({0: 9_000, 1: -5_000}, {0: 1}))
    found = engine.solve(problem)
    assert found.chosen == {0: 1, 1: 0}
    assert (found.count, found.total) == (2, -4_999)


def test_greedy_takes_one_seeker_at_a_time() -> None:
    problem = Problem(capacity=(1, 1), edges=({0: 5, 1: 4}, {0: 5}))
    assert engine.greedy(problem).chosen == {0: 0}
    assert engine.solve(problem).chosen == {0: 1, 1: 0}


def test_without_fixes_a_pair_outside_the_problem() -> None:
    problem = Problem(capacity=(2,), edges=({0: 1}, {0: 2}))
    rest = engine.without(problem, 0, 0)
    assert rest.capacity == (1,) and rest.edges == ({}, {0: 2})


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_many_components_of_many_sizes(seed: int) -> None:
    """Prefecture-like blocks of different sizes, solved together: the optimum is the sum
    of the blocks' brute-force optima."""
    rng = random.Random(seed)
    capacity: list[int] = []
    edges: list[dict[int, int]] = []
    best = (0, 0)
    for _ in range(6):
        size = rng.randint(1, 6)
        block = Problem(
            capacity=tuple(rng.randint(0, 3) for _ in range(size)),
            edges=tuple(
                {p: rng.randint(-9, 9) for p in range(size) if rng.random() < 0.7}
                for _ in range(rng.randint(0, 7))
            ),
        )
        pairs, total = brute_force(block)
        best = (best[0] + pairs, best[1] + total)
        edges += [{len(capacity) + p: v for p, v in e.items()} for e in block.edges]
        capacity += block.capacity
    problem = Problem(capacity=tuple(capacity), edges=tuple(edges))
    found = engine.solve(problem)
    check_feasible(problem, found)
    assert (found.count, found.total) == best


# -- groups of seekers that can send only so many (a school keeping staff at home) ------


@st.composite
def grouped_problems(draw: st.DrawFn, most: int = 7) -> Problem:
    """:func:`problems` whose seekers fall into up to three groups, each sending 0–3."""
    base = draw(problems(most))
    groups = draw(st.integers(1, 3))
    group = tuple(draw(st.integers(-1, groups - 1)) for _ in base.edges)
    sendable = tuple(draw(st.integers(0, 3)) for _ in range(groups))
    return Problem(capacity=base.capacity, edges=base.edges, group=group, group_capacity=sendable)


def check_groups(problem: Problem, found: engine.Assignment) -> None:
    check_feasible(problem, found)
    sent = [0] * len(problem.group_capacity)
    for seeker in found.chosen:
        if problem.group_of(seeker) >= 0:
            sent[problem.group_of(seeker)] += 1
    assert all(s <= c for s, c in zip(sent, problem.group_capacity, strict=True))


@given(grouped_problems())
def test_with_groups_the_plan_is_the_brute_force_optimum_and_keeps_each_group(
    problem: Problem,
) -> None:
    found = engine.solve(problem)
    check_groups(problem, found)
    assert (found.count, found.total) == brute_force(problem)


@given(grouped_problems())
def test_with_groups_the_plan_is_never_worse_than_greedy_and_both_solvers_agree(
    problem: Problem,
) -> None:
    found, greedy = engine.solve(problem), engine.greedy(problem)
    check_groups(problem, greedy)
    assert (found.count, found.total) >= (greedy.count, greedy.total)
    sparse = solve_sparse(problem)
    check_groups(problem, sparse)
    assert (sparse.count, sparse.total) == (found.count, found.total)


def test_a_group_joins_its_seekers_across_providers() -> None:
    # two seekers of one school, each the only candidate of a need; the school may send one
    problem = Problem(capacity=(1, 1), edges=({0: 5}, {1: 7}), group=(0, 0), group_capacity=(1,))
    assert engine.solve(problem).chosen == {1: 1}
    assert engine.greedy(problem).chosen == {0: 0}
    rest = engine.without(problem, 1, 1)
    assert rest.group_capacity == (0,) and engine.solve(rest).chosen == {}
