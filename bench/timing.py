"""Timing for the benchmarks: two calls measured in alternating rounds, compared per round.

This machine is shared: its speed drifts by 10-30 % over seconds as neighbours come and go. A
ratio of two best times taken seconds apart measures that drift as much as the code. Here every
round times both calls back to back (which one goes first alternates), and the reported ratio is
the median of the rounds' own ratios: a slow spell slows both sides of a round, and the median
drops the rounds it caught half-way.
"""

from __future__ import annotations

import statistics
import time
from typing import NamedTuple


class Comparison(NamedTuple):
    """Median seconds per call of each side, and the median of the per-round ratios."""

    ours: float
    reference: float
    ratio: float


def compare(ours, reference, number=1, rounds=31, clock=time.perf_counter) -> Comparison:
    """Time `ours()` against `reference()`: `rounds` rounds of `number` calls each.

    >>> compare(lambda: sum(range(100)), lambda: sum(range(200)), number=100).ratio < 1
    True
    """
    ours_times, reference_times, ratios = [], [], []
    for round_number in range(rounds):
        pair = (ours, reference) if round_number % 2 == 0 else (reference, ours)
        seconds = {}
        for call in pair:
            start = clock()
            for _ in range(number):
                call()
            seconds[call] = (clock() - start) / number
        ours_times.append(seconds[ours])
        reference_times.append(seconds[reference])
        ratios.append(seconds[ours] / seconds[reference])
    return Comparison(statistics.median(ours_times), statistics.median(reference_times),
                      statistics.median(ratios))
