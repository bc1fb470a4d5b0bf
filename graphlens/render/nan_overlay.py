"""The NaN flow (`trace/nanflow.py`) as an overlay: the birthplace drawn apart from the nodes
that only carry the non-finite value on, forward and backward, with a legend saying which is
which.

- forward birthplace: a strong red fill and a thick dark border, with the counts and the user's
  line on the node itself ("NaN/Inf born here: 102 -inf (of 192 values)", "at model.py:33");
- forward carriers: a pale red fill (the value arrived from above);
- backward birthplace: a thick magenta border and a label line ("gradient NaN/Inf born here");
- backward carriers: a thin magenta border (the gradient arrived from below).

>>> overlay = nan_overlay(nan_flow(cost, inputs, stats))         # doctest: +SKIP
"""

from __future__ import annotations

from graphlens.render.overlay import Overlay, merge_style

BIRTH_STYLE = {"fillcolor": "#ef3b2c", "color": "#67000d", "penwidth": "3.4"}
CARRIED_STYLE = {"fillcolor": "#fee0d2"}
GRADIENT_BIRTH_STYLE = {"color": "#ae017e", "penwidth": "3.4"}
GRADIENT_CARRIED_STYLE = {"color": "#f768a1", "penwidth": "1.8"}


def nan_overlay(flow) -> Overlay:
    """Styles for `flow`'s births and carriers, keyed by the variables of the user's graph."""
    overlay = Overlay()
    for var in flow.carried:
        _add(overlay, var, dict(CARRIED_STYLE, tooltip_lines=[
            "carries a NaN/Inf on from above (not where it was born)"]))
    for var in flow.carried_gradient:
        _add(overlay, var, dict(GRADIENT_CARRIED_STYLE, tooltip_lines=[
            "its gradient carries a NaN/Inf on from below (not where it was born)"]))
    forward = [birth for birth in flow.births if birth.direction == "forward"]
    backward = [birth for birth in flow.births if birth.direction == "backward"]
    for birth in forward:
        _add(overlay, birth.variable, dict(
            BIRTH_STYLE, label_lines=["NaN/Inf born here:", birth.counts, f"at {birth.where}"],
            tooltip_lines=[str(birth)]))
    for birth in backward:
        _add(overlay, birth.variable, dict(
            GRADIENT_BIRTH_STYLE,
            label_lines=["gradient NaN/Inf born here:", birth.counts],
            tooltip_lines=[str(birth)]))
    if forward:
        overlay.legend.append(("NaN/Inf born here (forward):\nfinite inputs, non-finite output",
                               BIRTH_STYLE))
    if flow.carried:
        overlay.legend.append(("carries the NaN/Inf on\n(forward, not its cause)",
                               CARRIED_STYLE))
    if backward:
        overlay.legend.append(("gradient NaN/Inf born here:\nits readers' gradients finite",
                               GRADIENT_BIRTH_STYLE))
    if flow.carried_gradient:
        overlay.legend.append(("gradient carries the NaN/Inf on\n(backward, not its cause)",
                               GRADIENT_CARRIED_STYLE))
    return overlay


def _add(overlay, var, style) -> None:
    """Key `style` by what the picture draws for `var`: its op, or the root itself."""
    table, key = (overlay.variables, var) if var.owner is None else (overlay.nodes, var.owner)
    table[key] = merge_style(table.get(key), style)
