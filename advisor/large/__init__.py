"""The solver machinery for large instances, kept apart from the question it answers.

- :mod:`advisor.large.formulation`: the covering problem as sparse arrays (the MILP's columns);
- :mod:`advisor.large.heuristic`: the Lagrangian heuristic (lower bound, good plans, local search);
- :mod:`advisor.large.search`: exact MILPs, core problems, refinement by fixing and solution
  merging within one deadline;
- :mod:`advisor.large.tuning`: every number that steers the search, in one frozen dataclass.

:mod:`advisor.solve` uses it after presolve (:mod:`advisor.presolve`) and before tie-breaking.
"""
