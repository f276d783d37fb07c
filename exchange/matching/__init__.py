"""Explainable matching: mentees to mentors within a programme, each mentor up to their
capacity, and teachers who applied to host schools' stated needs, each need up to its
places and each sending school keeping its teachers at home; both solved exactly by
one engine (see docs/matching.md).

- :mod:`.engine` — the capacitated assignment (with groups of seekers that may each
  send only so many), solved by scipy, and the greedy baseline;
- :mod:`.criteria` — what criteria see (:class:`~.criteria.Profile`,
  :class:`~.criteria.Opening`) and the specs plugins register
  (:class:`~.criteria.MatchCriterion`, hook ``register_match_criteria``;
  :class:`~.criteria.PlacementCriterion`, hook ``register_placement_criteria``);
- :mod:`.settings` — weights, hard constraints and pools, from a TOML criteria file;
- :mod:`.inputs` — the records a plan reads, and the revisions it read them at;
- :mod:`.mentors`, :mod:`.planner`, :mod:`.explain`, :mod:`.tables` — mentor plans
  (``Tracker.match_mentors``, ``Tracker.apply_mentor_plan``), their explanations
  and report;
- :mod:`.placements`, :mod:`.placing`, :mod:`.placement_tables` — placement plans
  (``Tracker.match_placements``, ``Tracker.apply_placement_plan``), their
  explanations and report;
- :mod:`.plan` — both plans as data.

Nothing here is imported until a plan is asked for; scipy only when one is solved.
"""
