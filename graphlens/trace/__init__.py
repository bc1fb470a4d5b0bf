"""Gradient tracers: where gradients vanish (static), how they behave on real values, NaN origin.

- `vanishing(cost, wrt)`: parameters whose gradient is zero on some or all paths, the ops that
  block it, the user's line that built each, and a remedy (`report.findings` is data).
- `gradient_stats(cost, wrt, {x: batch})`: norms, exact zeros, saturation, dead units and
  exploding values per node of the evaluated gradient graph, with ranked `suspects`.
- `function(..., nan_guard=True)` / `nan_origin(inputs, outputs, values)`: the first node that
  produced NaN or Inf, its inputs' values and its line.
- `nan_flow(cost, {x: batch}, stats)`: every NaN birthplace (finite inputs, non-finite output;
  backward: a gradient made non-finite by its readers' gradient ops) apart from its carriers.
- `trace.zeros`: why a parameter's gradient is exactly 0 on a batch: an op (structural) or a
  value (all-zero weights, dead units, saturation), each with its remedy (used by the stats).
- drawn: `graphlens.render.trace_overlay` (`trace_dot`, `vanishing_overlay`, `stats_overlay`),
  `render.nan_overlay` and `render.findings` (the findings on `graphlens show`'s picture),
  since pictures are `render/`'s job and `trace/` never imports it.

>>> from graphlens.trace import vanishing
>>> print(vanishing(cost, [W1, W2]))      # doctest: +SKIP
"""

from graphlens.trace.nan import NaNOrigin, nan_origin
from graphlens.trace.nanflow import NaNBirth, NaNFlow, nan_flow
from graphlens.trace.stats import GradientStats, NodeStats, Suspect, gradient_stats
from graphlens.trace.vanishing import Blocker, Finding, VanishingReport, vanishing

__all__ = ["vanishing", "VanishingReport", "Finding", "Blocker", "gradient_stats",
           "GradientStats", "NodeStats", "Suspect", "nan_origin", "NaNOrigin", "nan_flow",
           "NaNFlow", "NaNBirth"]
