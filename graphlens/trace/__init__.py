"""Gradient tracers: where gradients vanish (static), how they behave on real values, NaN origin.

>>> from graphlens.trace import vanishing
>>> print(vanishing(cost, [W1, W2]))      # doctest: +SKIP
"""

from graphlens.trace.vanishing import Blocker, Finding, VanishingReport, vanishing

__all__ = ["vanishing", "VanishingReport", "Finding", "Blocker"]
