"""Explainable matching: mentees to mentors within a programme, each mentor up to their
capacity, solved exactly (see docs/matching.md).

- :mod:`.engine` — the capacitated assignment, solved by scipy, and the greedy baseline;
- :mod:`.criteria` — what criteria see (:class:`~.criteria.Profile`) and the spec a
  plugin registers (:class:`~.criteria.MatchCriterion`, hook ``register_match_criteria``);
- :mod:`.settings` — weights, hard constraints and pools, from a TOML criteria file;
- :mod:`.mentors` — the candidates of one programme's plan and their scores;
- :mod:`.planner` — :func:`~.planner.match_mentors` and :func:`~.planner.apply_mentor_plan`
  (``Tracker.match_mentors`` and ``Tracker.apply_mentor_plan``);
- :mod:`.explain` — why someone is left out, why a pair was not chosen;
- :mod:`.tables` — a plan as a report.

Nothing here is imported until a plan is asked for; scipy only when one is solved.
"""
