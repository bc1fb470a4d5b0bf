"""`out[rows] += y` with repeated rows adding up, fast: what an embedding's sparse update runs.

numpy's `np.add.at` is the general answer, and slow on rows of a matrix: 140 us for 64 rows of
128 values, where `out[rows] += y` takes 17 us but keeps only one increment of a repeated row.
So the increments are added in rounds: a stable sort of the rows puts repeats side by side, the
first increment of every row goes in the first round, the second in the second, and so on; within
a round no row repeats, so one fancy `+=` is exact. Each row gets its increments in the order they
come, as `np.add.at` adds them: the same numbers, bit for bit. Rows repeated many times (more
rounds than `MAX_ROUNDS`) go to `np.add.at`.

>>> out = np.zeros((3, 2)); add_rows(out, np.array([2, 0, 2]), np.ones((3, 2))); out
array([[1., 1.],
       [0., 0.],
       [2., 2.]])
"""

from __future__ import annotations

import numpy as np

# Beyond this many increments of one row, np.add.at's per-element loop is the cheaper way.
MAX_ROUNDS = 8


def add_rows(out, rows, y) -> None:
    """out[rows] += y along axis 0, each repeated row receiving every increment in order
    (np.add.at's meaning); `rows` a 1-D integer array (negative rows count from the end), `y`
    broadcastable to `out[rows]`. IndexError for a row out of bounds, before anything is
    written."""
    n = out.shape[0]
    if not rows.size:
        return
    low, high = rows.min(), rows.max()
    if high >= n or low < -n:
        bad = rows[(rows >= n) | (rows < -n)][0]
        raise IndexError(f"index {bad} is out of bounds for axis 0 with size {n}")
    if low < 0:
        rows = np.where(rows < 0, rows + n, rows)
    y = np.broadcast_to(y, (rows.size,) + out.shape[1:])
    order = np.argsort(rows, kind="stable")
    ordered = rows[order]
    first = np.empty(ordered.size, dtype=bool)
    first[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    if first.all():
        out[rows] += y                  # no repeats: one round
        return
    # Each increment's round: its place among the increments of its row.
    starts = np.flatnonzero(first)
    rounds = np.arange(ordered.size) - starts[np.cumsum(first) - 1]
    if rounds.max() >= MAX_ROUNDS:
        np.add.at(out, rows, y)
        return
    for k in range(rounds.max() + 1):
        taken = order[rounds == k]
        out[rows[taken]] += y[taken]
