"""Values on the picture: each node's min, max, mean, zeros and NaN count on one example.

`trace/values.py` evaluates and summarizes; this module only draws: one more label line under
each op and input (`min -0.93 max 0.93 mean 0.0011`), the whole summary in its tooltip, and a
red border where a value holds NaN. `pydotprint(f, values=True)` and `graphlens show --values`
lay it over the picture.

>>> svg = pydotprint(f, example_inputs={x: batch}, values=True)          # doctest: +SKIP
"""

from __future__ import annotations

from graphlens.render.overlay import Overlay, style_node
from graphlens.trace.values import value_summaries

NAN_STYLE = {"color": "#d62728", "penwidth": "2.6"}


def values_overlay(obj, inputs=None) -> Overlay:
    """The value summaries of `obj`'s graph(s), evaluated once on `inputs` (or test values),
    as an Overlay keyed by its nodes and input variables.

    >>> overlay = values_overlay(f, {x: np.ones((5, 3))})                # doctest: +SKIP
    """
    summaries = value_summaries(obj, inputs)
    overlay = Overlay(title="values")
    by_node = {}
    for var, summary in summaries.items():
        if var.owner is None:
            overlay.variables[var] = _style([summary])
        else:
            by_node.setdefault(var.owner, []).append(summary)
    for node, node_summaries in by_node.items():
        style_node(overlay, node, _style(node_summaries))
    if any(summary.nan_count for summary in summaries.values()):
        overlay.legend.append(("holds NaN on the example", dict(NAN_STYLE)))
    return overlay


def _style(summaries) -> dict:
    """Label: min/max/mean (or the single value), then zeros and NaN when there are any;
    tooltip: the whole summary of each output."""
    first = summaries[0]
    parts = first.parts()
    label = [" ".join(parts[:3])]
    extra = [part for part in parts[3:] if part not in ("zeros 0%", "NaN 0")]
    if extra:
        label.append(" ".join(extra))
    style = {"label_lines": label,
             "tooltip_lines": [f"value on the example: {summary}" for summary in summaries]}
    if any(summary.nan_count for summary in summaries):
        style.update(NAN_STYLE)
    return style
