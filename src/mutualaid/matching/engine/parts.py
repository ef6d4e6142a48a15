"""Decomposition into independent parts, the (parallel) exact solve and the output."""

from __future__ import annotations

import dataclasses
import json
import multiprocessing
import os
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from .exact import _cell_keys, _neighbour_offsets, _Part, _PartResult, _solve_part
from .geometry import _xyz_km
from .instance import FloatArray, Instance, IntArray, _dot
from .tuning import DEFAULT_TUNING, Tuning


def _components(instance: Instance) -> list[tuple[IntArray, IntArray]]:
    """Independent parts: one category, and grid cells (side ``max_km``) glued to their
    neighbours. Any feasible pair is at most ``max_km`` apart, so it lies in two touching
    cells of the same part; parts never share a feasible pair."""
    needs, offers = instance.needs, instance.offers
    parts: list[tuple[IntArray, IntArray]] = []
    for code in range(len(instance.categories)):
        need_index = np.flatnonzero(needs.category == code)
        offer_index = np.flatnonzero(offers.category == code)
        if not len(need_index) or not len(offer_index):
            continue
        side = max(float(offers.reach_km[offer_index].max()), 1.0)
        need_keys, base = _cell_keys(_xyz_km(needs.lat[need_index], needs.lon[need_index]), side)
        offer_keys, _ = _cell_keys(_xyz_km(offers.lat[offer_index], offers.lon[offer_index]), side)
        cells = np.unique(np.concatenate([need_keys, offer_keys]))
        rows: list[IntArray] = []
        cols: list[IntArray] = []
        for offset in _neighbour_offsets(base).tolist():
            if offset <= 0:
                continue
            pos = np.searchsorted(cells, cells + offset)
            pos[pos == len(cells)] = 0
            touching = cells[pos] == cells + offset
            rows.append(np.flatnonzero(touching))
            cols.append(pos[touching])
        row = np.concatenate(rows)
        col = np.concatenate(cols)
        graph = coo_matrix((np.ones(len(row)), (row, col)), shape=(len(cells), len(cells)))
        _, labels = connected_components(graph, directed=False)
        need_label = labels[np.searchsorted(cells, need_keys)]
        offer_label = labels[np.searchsorted(cells, offer_keys)]
        need_order = np.argsort(need_label, kind="stable")
        offer_order = np.argsort(offer_label, kind="stable")
        n_labels = int(labels.max()) + 1
        need_bounds = np.searchsorted(need_label[need_order], np.arange(n_labels + 1))
        offer_bounds = np.searchsorted(offer_label[offer_order], np.arange(n_labels + 1))
        for label in range(n_labels):
            part_needs = need_index[need_order[need_bounds[label] : need_bounds[label + 1]]]
            part_offers = offer_index[offer_order[offer_bounds[label] : offer_bounds[label + 1]]]
            if len(part_needs) and len(part_offers):
                parts.append((part_needs, part_offers))
    return parts


# The instance being solved and its tuning, shared with forked workers copy-on-write.
_SHARED: tuple[Instance, Tuning] | None = None


def _solve_task(task: list[tuple[IntArray, IntArray]]) -> list[_PartResult]:
    assert _SHARED is not None
    instance, tuning = _SHARED
    return [_solve_part(_Part.slice(instance, n, o, tuning)) for n, o in task]


def _tasks(parts: list[tuple[IntArray, IntArray]], task_items: int) -> list[list[tuple[IntArray, IntArray]]]:
    """Largest parts first (they bound the wall time), small ones batched together."""
    ordered = sorted(parts, key=lambda p: (-(len(p[0]) + len(p[1])), int(p[0][0])))
    tasks: list[list[tuple[IntArray, IntArray]]] = []
    batch: list[tuple[IntArray, IntArray]] = []
    batch_items = 0
    for part in ordered:
        batch.append(part)
        batch_items += len(part[0]) + len(part[1])
        if batch_items >= task_items:
            tasks.append(batch)
            batch, batch_items = [], 0
    if batch:
        tasks.append(batch)
    return tasks


def _default_workers() -> int:
    return max(1, min(2, os.cpu_count() or 1))


@dataclass
class Assignment:
    """An assignment as parallel arrays (global need and offer indices), plus statistics."""

    instance: Instance
    need: IntArray
    offer: IntArray
    units: IntArray
    km: FloatArray
    score: IntArray
    stats: dict[str, Any]

    @property
    def objective(self) -> int:
        return _dot(self.units, self.score)

    @property
    def matched_units(self) -> int:
        return int(self.units.sum())

    def unmatched_needs(self) -> list[str]:
        """Ids of needs that receive no unit at all, in input order."""
        served = np.zeros(len(self.instance.needs), bool)
        served[self.need] = True
        ids = self.instance.needs.ids
        return [ids[i] for i in np.flatnonzero(~served).tolist()]

    def _assignment_rows(self) -> Iterator[dict[str, Any]]:
        need_ids, offer_ids = self.instance.needs.ids, self.instance.offers.ids
        for i, j, units, km, score in zip(
            self.need.tolist(),
            self.offer.tolist(),
            self.units.tolist(),
            self.km.tolist(),
            self.score.tolist(),
            strict=True,
        ):
            yield {"need": need_ids[i], "offer": offer_ids[j], "units": units, "km": km, "score": score}

    def to_output(self) -> dict[str, Any]:
        """The output object of the spec (``assignments``, ``objective``, ``stats``, …)."""
        return {
            "assignments": list(self._assignment_rows()),
            "objective": self.objective,
            "matched_units": self.matched_units,
            "unmatched_needs": self.unmatched_needs(),
            "stats": self.stats,
        }

    def write_json(self, stream: Any) -> None:
        """Write :meth:`to_output` as JSON to a text stream without building it in memory.

        The text is the same as ``json.dumps`` of each row would give (same separators, ids
        escaped by the same encoder, floats by ``repr``), formatted in batches for speed.
        """
        stream.write('{"assignments": [')
        encode = json.dumps
        quote = json.encoder.encode_basestring_ascii  # what json.dumps uses for str
        need_ids, offer_ids = self.instance.needs.ids, self.instance.offers.ids
        km_all = self.km
        batch = 10_000
        for start in range(0, len(self.need), batch):
            stop = start + batch
            rows = [
                f'{{"need": {quote(need_ids[i])}, "offer": {quote(offer_ids[j])}, '
                f'"units": {units}, "km": {km!r}, "score": {score}}}'
                for i, j, units, km, score in zip(
                    self.need[start:stop].tolist(),
                    self.offer[start:stop].tolist(),
                    self.units[start:stop].tolist(),
                    km_all[start:stop].tolist(),
                    self.score[start:stop].tolist(),
                    strict=True,
                )
            ]
            stream.write(("\n  " if start == 0 else ",\n  ") + ",\n  ".join(rows))
        stream.write("\n],\n")
        stream.write(f'"objective": {self.objective},\n"matched_units": {self.matched_units},\n')
        stream.write('"unmatched_needs": ' + encode(self.unmatched_needs()) + ",\n")
        stream.write('"stats": ' + encode(self.stats) + "}\n")


def _ordered(instance: Instance, results: Sequence[_PartResult], stats: dict[str, Any]) -> Assignment:
    def cat(name: str, dtype: Any) -> Any:
        arrays = [getattr(r, name) for r in results]
        return np.concatenate(arrays).astype(dtype) if arrays else np.zeros(0, dtype)

    need, offer = cat("need", np.int64), cat("offer", np.int64)
    order = np.argsort(need * len(instance.offers) + offer, kind="stable")  # by need, then offer
    return Assignment(
        instance=instance,
        need=need[order],
        offer=offer[order],
        units=cat("units", np.int64)[order],
        km=cat("km", np.float64)[order],
        score=cat("score", np.int64)[order],
        stats=stats,
    )


def solve_assignment(
    instance: Instance, *, workers: int | None = None, tuning: Tuning = DEFAULT_TUNING
) -> Assignment:
    """The optimal assignment of ``instance`` as arrays; see :func:`solve`.

    ``workers`` > 1 solves independent parts in forked worker processes (default: up to 2,
    when the instance is large enough for it to pay). Pass ``workers=1`` from a threaded
    server, where forking is unsafe.
    """
    global _SHARED
    started = time.perf_counter()
    parts = _components(instance)
    tasks = _tasks(parts, tuning.task_items)
    workers = _default_workers() if workers is None else max(1, workers)
    total_items = sum(len(n) + len(o) for n, o in parts)
    _SHARED = (instance, tuning)
    try:
        if workers > 1 and len(tasks) > 1 and total_items >= tuning.parallel_min_items:
            if tuning.compiled_solver:
                # Load the compiled flow solver once, before forking, instead of once per worker.
                from . import ssp

                ssp.warm_up()
            # The workers already share the cores: one thread each.
            _SHARED = (instance, dataclasses.replace(tuning, threads=1))
            # Fork shares the instance with the workers copy-on-write instead of pickling it.
            context = multiprocessing.get_context("fork")
            with context.Pool(min(workers, len(tasks))) as pool:
                nested = pool.map(_solve_task, tasks, chunksize=1)
        else:
            nested = [_solve_task(task) for task in tasks]
    finally:
        _SHARED = None
    results = [result for task_results in nested for result in task_results]
    stats: dict[str, Any] = {
        "method": "exact",
        "candidate_pairs": sum(r.candidate_pairs for r in results),
        "components": len(parts),
        "max_pricing_rounds": max((r.rounds for r in results), default=0),
        "workers": workers if total_items >= tuning.parallel_min_items and len(tasks) > 1 else 1,
    }
    assignment = _ordered(instance, results, stats)
    stats["seconds"] = round(time.perf_counter() - started, 3)
    return assignment


def solve(
    instance: Instance, *, workers: int | None = None, tuning: Tuning = DEFAULT_TUNING
) -> dict[str, Any]:
    """Return the output object (spec format) of an assignment maximising the objective.

    The assignment is optimal over the full feasible graph, proved by dual prices (see the
    module docstring), and deterministic for a given instance.
    """
    return solve_assignment(instance, workers=workers, tuning=tuning).to_output()
