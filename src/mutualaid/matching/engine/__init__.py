"""The matching engine: needs to offers, exactly optimal, no Django.

The instance format and the objective are specified in ``docs/matching-instance.md``:
maximise ``sum x(i,j) * score(i,j)`` over feasible pairs, with ``score(i,j) =
round(1000 * (P(i) - d(i,j)))``, each need taking at most its quantity and each offer giving at
most its capacity.

How the optimum is found without materialising every feasible pair
-------------------------------------------------------------------
The problem is a transportation linear programme whose constraint matrix is totally unimodular,
so an optimal integral flow is an optimal assignment. Its dual has a price ``u_i >= 0`` per need
and ``v_j >= 0`` per offer with ``u_i + v_j >= score(i,j)`` on every feasible pair.

1. Split by category and into spatial components (grid cells of side ``max_km`` glued to their
   neighbours): no feasible pair crosses two components, so each is solved alone.
2. Start from a sparse candidate graph (nearest offers of each need, best-scoring needs of each
   offer) found with k-d trees on 3D unit vectors; never all pairs.
3. Solve the min-cost flow on the candidate graph. Large flows go to a compiled solver
   (``ssp``: successive shortest paths whose potentials are the dual prices), which starts cold
   when supply is ample and, from the second round on, warm from the previous optimum and its
   duals, repairing only what the new pairs changed. Otherwise (small flows, scarce supply, a
   round that added many pairs, or the solver's budget ran out) OR-Tools solves it; its warm
   re-solve gets the residual graph of the previous optimum with reduced costs (dual prices from
   step 4), where only the pairs pricing added can have negative cost.
4. Recover dual prices from the optimal flow (shortest paths in the residual graph, by
   label-correcting sweeps) and check that the dual objective equals the primal one.
5. Price out the *full* feasible graph: a pair can violate ``u_i + v_j >= score`` only if
   ``d(i,j) < (1000 P_i - u_i - v_j + 0.5) / 1000``. On ample parts that is one ball query per
   need in a 4-D L1 space (position, offer price) with the need's own radius; on scarce parts a
   range query in a 5-D L1 space (position, need slack, offer price), run per pair of
   neighbouring grid cells. Either way only pairs close in both space and price are looked at. Violating pairs are added and step 3 repeats.
   Later passes are incremental: only pairs whose need or offer price fell since the previous
   pass (or whose need had more violating pairs than were added) can violate, so only those
   are searched; every other pair provably still satisfies its constraint.
6. When no feasible pair violates its dual constraint, the duals prove the flow optimal over the
   full feasible graph (weak duality), which is what the engine returns.

The code is split by concern: ``instance`` (format, parsing, validation), ``fastjson`` (the
streaming reader), ``geometry`` (distances, scores, grid cells), ``exact`` (one component's
exact solve), ``ssp`` (the compiled flow solver), ``parts`` (decomposition, worker processes, output), ``greedy`` (the baseline)
and ``tuning`` (the knobs, none of which changes an answer).
"""

from __future__ import annotations

from .fastjson import load_instance
from .geometry import EARTH_RADIUS_KM, haversine_km, scores
from .greedy import greedy, greedy_assignment
from .instance import (
    DEFAULT_URGENCY_FACTOR,
    BoolArray,
    FloatArray,
    Instance,
    IntArray,
    InvalidInstance,
    Params,
    Side,
    parse_instance,
)
from .parts import Assignment, solve, solve_assignment
from .tuning import DEFAULT_TUNING, Tuning

__all__ = [
    "DEFAULT_TUNING",
    "DEFAULT_URGENCY_FACTOR",
    "EARTH_RADIUS_KM",
    "Assignment",
    "BoolArray",
    "FloatArray",
    "Instance",
    "IntArray",
    "InvalidInstance",
    "Params",
    "Side",
    "Tuning",
    "greedy",
    "greedy_assignment",
    "haversine_km",
    "load_instance",
    "parse_instance",
    "scores",
    "solve",
    "solve_assignment",
]
