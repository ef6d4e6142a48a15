"""Successive shortest paths on one component's candidate graph, compiled with numba.

The network is the one ``exact._solve_flow`` gives OR-Tools: needs ``0..n-1``, offers
``n..n+m-1`` and a sink ``t``; pair arcs need -> offer (cost ``-score``, capacity
``min(quantity, capacity)``), a "skip" arc need -> t (cost 0, capacity the quantity) and an
offer arc offer -> t (cost 0, capacity the offer's capacity). Node potentials ``pi`` keep every
residual arc's reduced cost ``c + pi(tail) - pi(head)`` at 0 or above; ``pi(t)`` stays 0, so
``pi(need) = u`` and ``pi(offer) = -v`` are the dual prices of ``exact._duals``.

Why this instead of OR-Tools' cost scaling: the work follows the change. A cold start (no flow,
``u`` = a need's best score) routes each need's units along its shortest path, which on
plentiful supply is its best offer, found after a few heap pops. A warm start takes the previous
round's optimal flow and duals, saturates the pairs pricing added whose reduced cost is negative
(an excess at their offer, a deficit at their need) and repairs only those imbalances. Two
phases keep the sink, adjacent to every node, from ever being expanded:

1. From every node with an excess, Dijkstra forward until the first node with a deficit or the
   sink (which may take any amount) is settled; augment along the path.
2. From every node still short, Dijkstra backward (over arcs into a node) until the first node
   with an excess or the sink (which now holds exactly the units still missing); augment.

After each search, the potentials of the nodes settled before the end node ``e`` fall (forward)
or rise (backward) by ``dist(e) - dist(node)``, which keeps every reduced cost at 0 or above and
makes the path's arcs 0. When every balance is 0 the flow is a minimum-cost flow (reduced-cost
optimality); the caller still checks it with the dual certificate of ``exact._duals``.

Each run has a budget of heap pops; past it the solver gives up (returns ``False``) and the
caller solves with OR-Tools, so a pathological component costs at most the budget.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

from .instance import IndexArray, IntArray, _index_type


def _heap_push(heap_key: Any, heap_node: Any, size: int, key: int, node: int) -> int:
    pos = size
    heap_key[pos] = key
    heap_node[pos] = node
    while pos > 0:
        parent = (pos - 1) >> 1
        if heap_key[parent] <= key:
            break
        heap_key[pos] = heap_key[parent]
        heap_node[pos] = heap_node[parent]
        pos = parent
    heap_key[pos] = key
    heap_node[pos] = node
    return size + 1


def _heap_pop(heap_key: Any, heap_node: Any, size: int) -> int:
    """Remove the root (the caller read it first); returns the new size."""
    size -= 1
    if size == 0:
        return 0
    key = heap_key[size]
    node = heap_node[size]
    pos = 0
    while True:
        child = 2 * pos + 1
        if child >= size:
            break
        if child + 1 < size and heap_key[child + 1] < heap_key[child]:
            child += 1
        if heap_key[child] >= key:
            break
        heap_key[pos] = heap_key[child]
        heap_node[pos] = heap_node[child]
        pos = child
    heap_key[pos] = key
    heap_node[pos] = node
    return size


def _run(
    n: int,
    m: int,
    need_of: Any,
    offer_of: Any,
    score: Any,
    cap: Any,
    flow: Any,
    need_start: Any,
    offer_start: Any,
    by_offer: Any,
    quantity: Any,
    capacity: Any,
    skip: Any,
    give: Any,
    pi: Any,
    excess: Any,
    budget: int,
) -> bool:
    """Route every excess (``excess[n + m]`` is the sink's); all arrays are updated in place.

    A pair arc's cost is ``-score``, read on the fly (no cost array per pair: memory), and its
    capacity ``cap``. Returns ``False`` when the budget of heap pops ran out
    or a short node could not be reached (then the arrays hold a half-repaired flow)."""
    nodes = n + m + 1
    sink = n + m
    big = np.int64(2**62)
    dist = np.full(nodes, big, np.int64)
    seen = np.zeros(nodes, np.int64)  # search number that last touched a node
    done = np.zeros(nodes, np.bool_)
    pred_node = np.zeros(nodes, np.int64)
    pred_arc = np.zeros(nodes, np.int64)  # >= 0 pair arc; -1 skip arc; -2 offer arc
    settled = np.zeros(nodes, np.int64)
    heap_cap = len(score) + nodes + 16  # pushes per search: at most one per arc, skip/offer arc, source
    # Uninitialised (every slot is written before it is read): a search pushes few entries, and
    # pages never written take no memory, where zeroing touched all of two arrays of heap_cap.
    heap_key = np.empty(heap_cap, np.int64)
    heap_node = np.empty(heap_cap, np.int64)
    search = 0
    pops = 0
    for phase in range(2):
        for source in range(nodes - 1):
            while (phase == 0 and excess[source] > 0) or (phase == 1 and excess[source] < 0):
                search += 1
                dist[source] = 0
                seen[source] = search
                done[source] = False
                size = _heap_push(heap_key, heap_node, 0, 0, source)
                n_settled = 0
                end = -1
                while size > 0:
                    d = heap_key[0]
                    x = heap_node[0]
                    size = _heap_pop(heap_key, heap_node, size)
                    if done[x] or d > dist[x]:
                        continue
                    pops += 1
                    if x == sink or (
                        x != source and ((phase == 0 and excess[x] < 0) or (phase == 1 and excess[x] > 0))
                    ):
                        end = x
                        break
                    done[x] = True
                    settled[n_settled] = x
                    n_settled += 1
                    if phase == 0:
                        if x < n:  # need: forward pair arcs with room, its skip arc
                            for a in range(need_start[x], need_start[x + 1]):
                                if flow[a] < cap[a]:
                                    y = n + offer_of[a]
                                    nd = d - score[a] + pi[x] - pi[y]
                                    if seen[y] != search or (not done[y] and nd < dist[y]):
                                        if seen[y] != search:
                                            seen[y] = search
                                            done[y] = False
                                        dist[y] = nd
                                        pred_node[y] = x
                                        pred_arc[y] = a
                                        if size >= heap_cap:
                                            return False
                                        size = _heap_push(heap_key, heap_node, size, nd, y)
                            if skip[x] < quantity[x]:
                                nd = d + pi[x] - pi[sink]
                                if seen[sink] != search or nd < dist[sink]:
                                    seen[sink] = search
                                    done[sink] = False
                                    dist[sink] = nd
                                    pred_node[sink] = x
                                    pred_arc[sink] = -1
                                    if size >= heap_cap:
                                        return False
                                    size = _heap_push(heap_key, heap_node, size, nd, sink)
                        else:  # offer: backward pair arcs with flow, its offer arc
                            j = x - n
                            for k in range(offer_start[j], offer_start[j + 1]):
                                a = by_offer[k]
                                if flow[a] > 0:
                                    y = need_of[a]
                                    nd = d + score[a] + pi[x] - pi[y]
                                    if seen[y] != search or (not done[y] and nd < dist[y]):
                                        if seen[y] != search:
                                            seen[y] = search
                                            done[y] = False
                                        dist[y] = nd
                                        pred_node[y] = x
                                        pred_arc[y] = a
                                        if size >= heap_cap:
                                            return False
                                        size = _heap_push(heap_key, heap_node, size, nd, y)
                            if give[j] < capacity[j]:
                                nd = d + pi[x] - pi[sink]
                                if seen[sink] != search or nd < dist[sink]:
                                    seen[sink] = search
                                    done[sink] = False
                                    dist[sink] = nd
                                    pred_node[sink] = x
                                    pred_arc[sink] = -2
                                    if size >= heap_cap:
                                        return False
                                    size = _heap_push(heap_key, heap_node, size, nd, sink)
                    else:  # backward search: arcs into x, reduced cost c + pi(tail) - pi(x)
                        if x < n:  # into a need: backward pair arcs (flow > 0), sink -> need (skip > 0)
                            for a in range(need_start[x], need_start[x + 1]):
                                if flow[a] > 0:
                                    y = n + offer_of[a]
                                    nd = d + score[a] + pi[y] - pi[x]
                                    if seen[y] != search or (not done[y] and nd < dist[y]):
                                        if seen[y] != search:
                                            seen[y] = search
                                            done[y] = False
                                        dist[y] = nd
                                        pred_node[y] = x
                                        pred_arc[y] = a
                                        if size >= heap_cap:
                                            return False
                                        size = _heap_push(heap_key, heap_node, size, nd, y)
                            if skip[x] > 0:
                                nd = d + pi[sink] - pi[x]
                                if seen[sink] != search or nd < dist[sink]:
                                    seen[sink] = search
                                    done[sink] = False
                                    dist[sink] = nd
                                    pred_node[sink] = x
                                    pred_arc[sink] = -1
                                    if size >= heap_cap:
                                        return False
                                    size = _heap_push(heap_key, heap_node, size, nd, sink)
                        else:  # into an offer: forward pair arcs with room, sink -> offer (give > 0)
                            j = x - n
                            for k in range(offer_start[j], offer_start[j + 1]):
                                a = by_offer[k]
                                if flow[a] < cap[a]:
                                    y = need_of[a]
                                    nd = d - score[a] + pi[y] - pi[x]
                                    if seen[y] != search or (not done[y] and nd < dist[y]):
                                        if seen[y] != search:
                                            seen[y] = search
                                            done[y] = False
                                        dist[y] = nd
                                        pred_node[y] = x
                                        pred_arc[y] = a
                                        if size >= heap_cap:
                                            return False
                                        size = _heap_push(heap_key, heap_node, size, nd, y)
                            if give[j] > 0:
                                nd = d + pi[sink] - pi[x]
                                if seen[sink] != search or nd < dist[sink]:
                                    seen[sink] = search
                                    done[sink] = False
                                    dist[sink] = nd
                                    pred_node[sink] = x
                                    pred_arc[sink] = -2
                                    if size >= heap_cap:
                                        return False
                                    size = _heap_push(heap_key, heap_node, size, nd, sink)
                if end < 0 or pops > budget:
                    return False
                total = dist[end]
                # Potentials: settled nodes move by (total - dist), in the search's direction.
                for s in range(n_settled):
                    y = settled[s]
                    if phase == 0:
                        pi[y] -= total - dist[y]
                    else:
                        pi[y] += total - dist[y]
                # Bottleneck along the path (walked from the end node back to the source).
                if phase == 0:
                    amount = excess[source]
                    if end != sink:
                        amount = min(amount, -excess[end])
                else:
                    amount = min(-excess[source], excess[end])  # the sink holds what is missing
                y = end
                while y != source:
                    p = pred_node[y]
                    a = pred_arc[y]
                    # The arc in the flow's direction goes tail -> head: (p, y) forward, (y, p) backward.
                    tail, head = (p, y) if phase == 0 else (y, p)
                    if a >= 0:
                        room = cap[a] - flow[a] if tail < n else flow[a]
                    elif a == -1:  # skip arc of the need at one end
                        room = quantity[tail] - skip[tail] if tail < n else skip[head]
                    else:  # offer arc
                        room = capacity[tail - n] - give[tail - n] if tail != sink else give[head - n]
                    amount = min(amount, room)
                    y = p
                if amount <= 0:
                    return False
                y = end
                while y != source:
                    p = pred_node[y]
                    a = pred_arc[y]
                    tail, head = (p, y) if phase == 0 else (y, p)
                    if a >= 0:
                        if tail < n:
                            flow[a] += amount
                        else:
                            flow[a] -= amount
                    elif a == -1:
                        if tail < n:
                            skip[tail] += amount
                        else:
                            skip[head] -= amount
                    else:
                        if tail != sink:
                            give[tail - n] += amount
                        else:
                            give[head - n] -= amount
                    y = p
                if phase == 0:
                    excess[source] -= amount
                    excess[end] += amount
                else:
                    excess[source] += amount
                    excess[end] -= amount
    return True


def _label(
    n: int,
    m: int,
    need_start: Any,
    need_of: Any,
    offer_of: Any,
    score: Any,
    used: Any,
    used_start: Any,
    used_by_offer: Any,
    short: Any,
    u: Any,
    v: Any,
    budget: int,
) -> bool:
    """The dual prices of ``exact._duals``, by label correcting with a queue of needs.

    ``u`` must hold ``0`` for short needs and ``big`` for the others; ``v`` zeros. The fixed
    point is the one the alternating sweeps reach (both are Bellman-Ford on the residual graph:
    ``u_i`` falls to the least ``score - v_j`` over its used pairs, ``v_j`` rises to the largest
    ``score - u_i`` over all its pairs, both monotone from the same start), so the prices are the
    same numbers; only the order of the updates differs. ``used_by_offer`` lists the used pairs
    offer by offer (``used_start``). ``False`` when the budget of label updates ran out (a
    negative cycle: the flow was not optimal)."""
    for a in range(len(need_of)):
        c = score[a] - u[need_of[a]]
        if c > v[offer_of[a]]:
            v[offer_of[a]] = c
    queue = np.zeros(n + 1, np.int64)
    queued = np.zeros(n, np.bool_)
    head = 0
    tail = 0
    for i in range(n):
        queue[tail] = i
        tail += 1
        queued[i] = True
    size = n
    work = 0
    while size > 0:
        i = queue[head]
        head = head + 1 if head < n else 0
        size -= 1
        queued[i] = False
        low = np.int64(0) if short[i] else u[i]
        for a in range(need_start[i], need_start[i + 1]):
            if used[a]:
                c = score[a] - v[offer_of[a]]
                if c < low:
                    low = c
        if low >= u[i]:
            continue
        u[i] = low
        work += 1
        if work > budget:
            return False
        for a in range(need_start[i], need_start[i + 1]):
            c = score[a] - low
            j = offer_of[a]
            if c > v[j]:
                v[j] = c
                for k in range(used_start[j], used_start[j + 1]):
                    y = need_of[used_by_offer[k]]
                    if not queued[y]:
                        queued[y] = True
                        queue[tail] = y
                        tail = tail + 1 if tail < n else 0
                        size += 1
    return True


def _bucket_fill(keys: Any, order: Any, start: Any) -> None:
    """``order`` = ``np.argsort(keys, kind="stable")`` for keys in ``0..len(start) - 2``, by counting
    (linear time; the comparison sort took half a second on three million pairs), and ``start[b]``
    where bucket ``b`` begins in it (``start[-1]`` = ``len(keys)``). Both filled in place: the
    caller picks their integer widths."""
    buckets = len(start) - 1
    start[:] = 0
    for a in range(len(keys)):
        start[keys[a] + 1] += 1
    for b in range(buckets):
        start[b + 1] += start[b]
    for a in range(len(keys)):
        key = keys[a]
        order[start[key]] = a
        start[key] += 1
    # Each start now holds where the next bucket begins: shift them back by one bucket.
    for b in range(buckets, 0, -1):
        start[b] = start[b - 1]
    start[0] = 0


def _pair_caps(need: Any, offer: Any, quantity: Any, capacity: Any, cap: Any) -> None:
    """``cap[a] = min(quantity[need[a]], capacity[offer[a]])``, without a temporary per pair."""
    for a in range(len(need)):
        q = quantity[need[a]]
        c = capacity[offer[a]]
        cap[a] = q if q < c else c


def _flow_sums(need: Any, offer: Any, flow: Any, served: Any, given: Any) -> None:
    """Units each need receives (``served``) and each offer gives (``given``), in integers."""
    for a in range(len(need)):
        f = flow[a]
        if f != 0:
            served[need[a]] += f
            given[offer[a]] += f


def _violated(n: int, need: Any, offer: Any, score: Any, cap: Any, flow: Any, pi: Any) -> int:
    """Pairs with a negative reduced cost ``pi(need) - pi(offer) - score`` and room left, or -1
    when a pair with flow has a positive one (the start and the duals break complementary
    slackness)."""
    count = 0
    for a in range(len(need)):
        reduced = pi[need[a]] - pi[n + offer[a]] - score[a]
        if reduced > 0 and flow[a] > 0:
            return -1
        if reduced < 0 and flow[a] < cap[a]:
            count += 1
    return count


def _saturate(n: int, need: Any, offer: Any, score: Any, cap: Any, flow: Any, pi: Any, excess: Any) -> None:
    """Fill the pairs :func:`_violated` counts: their offer gets an excess, their need a deficit."""
    for a in range(len(need)):
        if flow[a] < cap[a] and pi[need[a]] - pi[n + offer[a]] - score[a] < 0:
            push = cap[a] - flow[a]
            flow[a] = cap[a]
            excess[need[a]] -= push
            excess[n + offer[a]] += push


# Compiled on first use; the machine code is cached next to this file (or in NUMBA_CACHE_DIR).
_heap_push = njit(cache=True, nogil=True)(_heap_push)
_heap_pop = njit(cache=True, nogil=True)(_heap_pop)
_run = njit(cache=True, nogil=True)(_run)
_label = njit(cache=True, nogil=True)(_label)
_bucket_fill = njit(cache=True, nogil=True)(_bucket_fill)
_pair_caps = njit(cache=True, nogil=True)(_pair_caps)
_flow_sums = njit(cache=True, nogil=True)(_flow_sums)
_violated = njit(cache=True, nogil=True)(_violated)
_saturate = njit(cache=True, nogil=True)(_saturate)


def _bucket_order(keys: Any, buckets: int) -> tuple[Any, IntArray]:
    """``np.argsort(keys, kind="stable")`` for keys in ``0..buckets-1`` (32-bit when the positions
    fit) and where each bucket begins in it (``buckets + 1`` starts)."""
    order = np.empty(len(keys), _index_type(len(keys)))
    start = np.empty(buckets + 1, np.int64)
    _bucket_fill(keys, order, start)
    return order, start


def duals(
    n_needs: int,
    n_offers: int,
    need: IndexArray,
    offer: IndexArray,
    score: IntArray,
    units: IntArray,
    short: Any,
    big: int,
) -> tuple[IntArray, IntArray] | None:
    """Dual prices ``u``, ``v`` of an optimal ``units`` on the pairs (sorted by need), the same
    numbers ``exact._duals``' sweeps give; ``None`` if they do not settle (the caller raises)."""
    n, m = n_needs, n_offers
    need, offer = _indices(need), _indices(offer)
    score = np.ascontiguousarray(score, np.int64)
    need_start = _starts(need, n)
    used = np.ascontiguousarray(units > 0)
    # Only the used pairs are needed offer by offer (a few per need): sort those alone.
    used_pairs = np.flatnonzero(used)
    by_offer, used_start = _bucket_order(offer[used_pairs], m)
    used_by_offer = used_pairs[by_offer]
    del by_offer
    u = np.where(short, 0, big).astype(np.int64)
    v = np.zeros(m, np.int64)
    # A shortest-path label falls at most once per improving path; a generous cap per arc
    # keeps a (never expected) negative cycle from looping.
    budget = 64 * (len(need) + n + m) + 64
    ok = _label(
        n,
        m,
        need_start,
        need,
        offer,
        score,
        used,
        used_start,
        used_by_offer,
        np.ascontiguousarray(short),
        u,
        v,
        budget,
    )
    return (u, v) if ok else None


def solve(
    n_needs: int,
    n_offers: int,
    need: IndexArray,
    offer: IndexArray,
    score: IntArray,
    quantity: IntArray,
    capacity: IntArray,
    start: IntArray | None = None,
    u: IntArray | None = None,
    v: IntArray | None = None,
    budget_per_arc: int = 40,
    max_saturated_share: float = 0.1,
) -> IntArray | None:
    """Units per pair in a maximum-score flow, or ``None`` if the solver gave up.

    ``need`` must be sorted (pairs sorted by need). Cold (``start`` is ``None``): from no flow
    with ``u`` = each need's best score, when supply is ample (``None`` when it is scarce). Warm:
    ``start`` must be an optimal flow of a sub-graph (0 on the pairs added since) and ``u``, ``v``
    its dual prices (``exact._duals``). The flow is built in ``start`` itself when it is a
    writable contiguous 64-bit array (memory: no copy per pair) and returned; when the solver
    gives up, ``start`` holds what it held before. Indices may be 32- or 64-bit."""
    n, m = n_needs, n_offers
    if start is None and int(np.sum(capacity)) < int(np.sum(quantity)):
        # Cold and scarce: decided before building anything (see below).
        return None
    need, offer = _indices(need), _indices(offer)
    score = np.ascontiguousarray(score, np.int64)
    quantity = np.ascontiguousarray(quantity, np.int64)
    capacity = np.ascontiguousarray(capacity, np.int64)
    cap = np.empty(len(need), np.int64)
    _pair_caps(need, offer, quantity, capacity, cap)
    excess = np.zeros(n + m + 1, np.int64)
    # What ``start`` held (its pairs with flow: about one per need), to put back if the solver
    # gives up after changing it: the caller then re-solves from it with OR-Tools.
    held: tuple[IntArray, IntArray] | None = None
    if start is None:
        # Supply is ample: every need starts with its units to route and ``u`` = its best
        # score; most of them reach their best offer and are done. (Scarce supply returned
        # above: most needs end unserved, and a search from such a need runs until its own skip
        # arc, over every cheaper alternating path. Searching from the offers instead (every
        # need skipping, each offer short of its capacity) is exact but measured 2.4 times
        # slower than OR-Tools' cost scaling on a scarce-supply component (9.0 against 3.8 CPU s
        # for 1.1 million pairs), so cold scarce flows go to OR-Tools; later rounds start warm.)
        flow = np.zeros(len(need), np.int64)
        skip = np.zeros(n, np.int64)
        give = np.zeros(m, np.int64)
        best = np.zeros(n, np.int64)
        if len(need):
            np.maximum.at(best, need, score)
        pi = np.concatenate([best, np.zeros(m + 1, np.int64)])
        excess[:n] = quantity
        excess[n + m] = -int(quantity.sum())
    else:
        assert u is not None and v is not None
        writable = start.dtype == np.int64 and start.flags.c_contiguous and start.flags.writeable
        flow = start if writable else np.array(start, np.int64)
        served = np.zeros(n, np.int64)
        give = np.zeros(m, np.int64)
        _flow_sums(need, offer, flow, served, give)
        skip = quantity - served
        pi = np.concatenate([u.astype(np.int64), -v.astype(np.int64), np.zeros(1, np.int64)])
        # Saturate the arcs whose reduced cost is negative (only pairs added since the last
        # optimum can be): their offer gets an excess, their need a deficit. The start must
        # satisfy complementary slackness with the duals (it does when they come from
        # exact._duals); otherwise the invariant would not hold: give up.
        bad = _violated(n, need, offer, score, cap, flow, pi)
        if (
            bad < 0
            or ((skip > 0) & (u != 0)).any()
            or ((give < capacity) & (v != 0)).any()
            or (u < 0).any()
            or (v < 0).any()
        ):
            return None
        if bad > max_saturated_share * len(need):
            # Many violating pairs at once (a first pricing round on a scarce component added a
            # third of its graph): the repair searches overlap and OR-Tools' warm cost scaling is
            # faster (measured 20.0 against 5.9 CPU s; with 6 % added, 2.6 against 5.0).
            return None
        if flow is start:
            kept = np.flatnonzero(flow)
            held = (kept, flow[kept])
        if bad:
            _saturate(n, need, offer, score, cap, flow, pi, excess)
    need_start = _starts(need, n)
    # The pairs offer by offer, and where each offer's begin (counted: no sorted copy of the offers).
    by_offer, offer_start = _bucket_order(offer, m)
    budget = budget_per_arc * (len(need) + n + m) + 64
    ok = _run(
        n,
        m,
        need,
        offer,
        score,
        cap,
        flow,
        need_start,
        offer_start,
        by_offer,
        quantity,
        capacity,
        skip,
        give,
        pi,
        excess,
        budget,
    )
    if not ok or excess.any():
        if held is not None:
            flow[:] = 0
            flow[held[0]] = held[1]
        return None
    return flow


def _indices(index: IndexArray) -> Any:
    """``index`` as a contiguous array of its own integer width (32-bit indices stay 32-bit)."""
    if index.dtype in (np.int32, np.int64):
        return np.ascontiguousarray(index)
    return np.ascontiguousarray(index, np.int64)


def _starts(sorted_index: Any, count: int) -> IntArray:
    """Where each of ``0..count`` begins in ``sorted_index`` (``count + 1`` positions)."""
    # The probes in the index's own width: a wider one would make numpy convert the whole index.
    return np.searchsorted(sorted_index, np.arange(count + 1, dtype=sorted_index.dtype)).astype(np.int64)


def warm_up() -> None:
    """Compile (or load the cached machine code of) the solver, cold and warm, and the dual labels
    on a two-node graph, so the first large matching run does not pay the compilation (seconds);
    ``scripts/bootstrap`` calls it. For 32-bit indices (what the engine passes) and 64-bit ones."""
    indices: list[IndexArray] = [np.zeros(1, np.int32), np.zeros(1, np.int64)]
    for one in indices:
        score = np.ones(1, np.int64)
        flow = solve(1, 1, one, one, score, np.ones(1, np.int64), np.ones(1, np.int64))
        assert flow is not None
        prices = duals(1, 1, one, one, score, flow, np.zeros(1, np.bool_), 2**62)
        assert prices is not None
        solve(1, 1, one, one, score, np.ones(1, np.int64), np.ones(1, np.int64), flow, *prices)
