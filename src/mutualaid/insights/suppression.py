"""Small-count protection for every table the insights pages, CSV files and API show. Pure Python.

The rule (the one US public-health statistics use, made strict enough to prove):

1. **Primary suppression.** A cell counting 1 to 10 (people or posts) is shown as "fewer than 11".
   Zero is shown as 0: an empty cell names nobody.
2. **Complementary suppression.** In any row or column that holds exactly one suppressed cell, the
   smallest other cell that is not zero is hidden as well (shown as "hidden"), so that the neighbours
   of a small cell never leave it alone in its line. When the line has no such cell, the smallest
   zero is hidden instead. This repeats until no row or column holds exactly one suppressed cell.
3. **Totals.** Row, column and grand totals are computed from the true values, and a total is shown
   only when every cell it adds up is shown; otherwise the total is hidden. A shown total is then the
   sum of shown cells, so it carries nothing the cells do not already say, and no combination of
   shown totals and cells narrows a suppressed count below "1 to 10".

A suppressed count therefore stays any value from 1 to 10 to whoever reads the page, its CSV and the
API together: `tests/insights/test_suppression.py` tries to recover one and must fail.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

THRESHOLD = 11  # a count below this (and above zero) is never shown

SHOWN = "shown"
SMALL = "small"  # 1..10: "fewer than 11"
HIDDEN = "hidden"  # complementary: hidden so that a small count cannot be worked out


@dataclass(frozen=True)
class Cell:
    state: str
    value: int | None  # None unless shown

    @property
    def shown(self) -> bool:
        return self.state == SHOWN


@dataclass(frozen=True)
class Table:
    """What may be published: cells, row totals, column totals and the grand total."""

    rows: list[list[Cell]]
    row_totals: list[Cell]
    column_totals: list[Cell]
    total: Cell
    suppressed: int = field(default=0)


def _shown(value: int) -> Cell:
    return Cell(SHOWN, value)


def suppress(
    counts: Sequence[Sequence[int]],
    *,
    open_columns: Sequence[int] = (),
    zero_is_small: bool = False,
    columns_only: bool = False,
) -> Table:
    """Apply the rule to a rectangular table of non-negative counts.

    `open_columns`: columns whose sum another table on the same page could reveal (e.g. the intake
    table adds up to the same number of needs as a week table that holds hidden cells). Each of them
    keeps at least two cells hidden, so that sum never lands on a single hidden cell here either.
    `zero_is_small`: zeros are shown as "fewer than 11" too, and every line with small cells also hides
    its largest cell (for tables whose column sums another table shows: the hidden neighbour is
    then never a zero, and a known sum never pins the small cells).
    `columns_only`: the rows' sums are published nowhere (each column is its own population, e.g.
    needs and offers by channel), so complementary suppression runs down the columns only.
    """
    height = len(counts)
    width = len(counts[0]) if height else 0
    if any(len(row) != width for row in counts):
        raise ValueError("rows must all have the same length")
    if any(value < 0 for row in counts for value in row):
        raise ValueError("counts are never negative")
    low = 0 if zero_is_small else 1
    state = [
        [SMALL if low <= counts[r][c] < THRESHOLD else SHOWN for c in range(width)] for r in range(height)
    ]

    def lines() -> list[list[tuple[int, int]]]:
        by_row = [[(r, c) for c in range(width)] for r in range(height)]
        by_column = [[(r, c) for r in range(height)] for c in range(width)]
        return by_column if columns_only else by_row + by_column

    for c in open_columns:
        for _ in range(2):
            kept = [r for r in range(height) if state[r][c] != SHOWN]
            shown = [r for r in range(height) if state[r][c] == SHOWN]
            if len(kept) >= 2 or not shown:
                break
            if zero_is_small:
                r = max(shown, key=lambda r: (counts[r][c], r))  # the largest, as below
            else:
                r = min(shown, key=lambda r: (counts[r][c] == 0, counts[r][c], r))
            state[r][c] = HIDDEN

    changed = True
    while changed:
        changed = False
        for line in lines():
            hidden = [(r, c) for r, c in line if state[r][c] != SHOWN]
            # With zero_is_small, a line's sum may be known elsewhere: it must also hide one cell of 11
            # or more, so that the sum never pins its small cells (all ten, say) down.
            lonely = len(hidden) == 1
            unpaired = zero_is_small and bool(hidden) and all(state[r][c] == SMALL for r, c in hidden)
            if not (lonely or unpaired):
                continue
            candidates = [(r, c) for r, c in line if state[r][c] == SHOWN]
            if not candidates:
                continue  # a line of one cell: its total is hidden below
            if zero_is_small:
                # The largest: a hidden cell that is the smallest shown one would be bounded by its
                # neighbours on both sides (11 <= it <= the next shown), and a known sum would pin it.
                r, c = max(candidates, key=lambda rc: (counts[rc[0]][rc[1]], rc))
            else:
                # Smallest non-zero first, then zeros; ties broken by position so the result is stable.
                r, c = min(candidates, key=lambda rc: (counts[rc[0]][rc[1]] == 0, counts[rc[0]][rc[1]], rc))
            state[r][c] = HIDDEN
            changed = True

    rows = [
        [_shown(counts[r][c]) if state[r][c] == SHOWN else Cell(state[r][c], None) for c in range(width)]
        for r in range(height)
    ]

    def total(cells: list[Cell], true_values: list[int]) -> Cell:
        if all(cell.shown for cell in cells):
            return _shown(sum(true_values))
        return Cell(HIDDEN, None)

    row_totals = [total(rows[r], list(counts[r])) for r in range(height)]
    column_totals = [
        total([rows[r][c] for r in range(height)], [counts[r][c] for r in range(height)])
        for c in range(width)
    ]
    grand = total([cell for row in rows for cell in row], [value for row in counts for value in row])
    suppressed = sum(1 for row in rows for cell in row if not cell.shown)
    return Table(
        rows=rows, row_totals=row_totals, column_totals=column_totals, total=grand, suppressed=suppressed
    )


def suppress_count(value: int) -> Cell:
    """One count on its own (e.g. how many posts a median is taken over)."""
    return _shown(value) if value == 0 or value >= THRESHOLD else Cell(SMALL, None)
