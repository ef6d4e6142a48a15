"""Tuning knobs of the engine: sizes and switches that trade time against memory or rounds.

None of them changes an answer (every setting gives the same optimal objective); tests set
extreme values to force rarely taken paths. Pass a :class:`Tuning` to the public functions
(``load_instance``, ``solve_assignment``, ``solve``, ``greedy_assignment``, ``greedy``) instead of
patching module globals.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Tuning:
    # Seed graph sizes: enough that the first flow is usually optimal or nearly so; pricing adds
    # whatever is missing, so these only trade the first solve's size against pricing rounds.
    seed_offers_per_need: int = 16
    seed_needs_per_offer: int = 6
    # On a part whose supply is scarce (capacity below quantity), seed from the priority where
    # serving stops instead (see exact._seed_scarce): needs with a priority more than
    # ``scarce_below_km`` below it get no seed pairs, the others their ``scarce_offers_per_need``
    # nearest offers, and each offer its ``scarce_needs_per_offer`` nearest needs in range with a
    # priority at most ``scarce_band_km`` below it. On the scarce-supply benchmark's largest part
    # this cut the pairs the first pricing pass judges from 7.1 million to 572,000 (violating:
    # 512,000 to 171,000), and the part's solve from 17.4 to 7.0 CPU s.
    scarce_seed: bool = True
    scarce_below_km: float = 3.0
    scarce_offers_per_need: int = 32
    scarce_band_km: float = 6.0
    scarce_needs_per_offer: int = 8
    # Below this many need-offer combinations a component's full feasible graph is simply built.
    dense_pairs_limit: int = 40_000
    # Violating pairs added per need and per offer in one pricing round.
    priced_per_item: int = 32
    # On a part whose supply is scarce (capacity below quantity), also at most this many per offer
    # (0: no limit); the needs left out are re-checked at the next pass.
    priced_per_offer: int = 16
    # Candidate pairs a pricing pass examines at once (see exact._range_pairs).
    pricing_batch: int = 1 << 20
    # Pricing also adds pairs this close to violating (score units, 1 = 1 m), to save rounds.
    pricing_margin: int = 0
    # After the first solve, seed pairs whose reduced cost is below -this are dropped.
    keep_margin: int = 10**12
    # Later pricing passes only look at pairs whose duals fell (see exact._violations).
    incremental_pricing: bool = True
    # Re-solve each pricing round from the previous optimal flow and its dual prices (the
    # residual graph with reduced costs, see exact._solve_flow_warm) instead of from scratch.
    warm_start: bool = True
    # Solve each round's flow with the compiled successive-shortest-paths solver (engine.ssp),
    # falling back to OR-Tools when it is unavailable or its budget (heap pops per arc) runs out.
    compiled_solver: bool = True
    compiled_budget: int = 40
    # Smaller flows go to OR-Tools: importing numba and loading the compiled code costs about a
    # second, more than OR-Tools spends on a graph this size.
    compiled_min_pairs: int = 20_000
    # A warm round whose violating pairs exceed this share of the graph goes to OR-Tools.
    compiled_warm_share: float = 0.1
    # Threads a part solved alone uses for its k-d tree queries and for judging large batches of
    # pairs (``exact._Part.feasible``, at least ``thread_min_pairs``); parts solved in worker
    # processes use one each, the processes already share the cores. One by default: a full test
    # run hung once in a worker process forked (parts.py) by a process that had used these threads
    # before; until that is understood, they are asked for explicitly (`Tuning(threads=2)`).
    threads: int = 1
    thread_min_pairs: int = 1 << 18
    # Components smaller than this are batched into one task for the worker pool.
    task_items: int = 20_000
    # Below this many items in total a worker pool costs more than it saves.
    parallel_min_items: int = 60_000
    # Nearest offers the greedy baseline ranks per need before searching the rest of the ball.
    greedy_neighbours: int = 16
    # Characters of item text decoded per orjson call by load_instance: enough to amortise the
    # call, few enough that only a few hundred items exist as Python dicts at a time.
    chunk_chars: int = 1 << 16


DEFAULT_TUNING = Tuning()
