"""Time on the picture: each node of a profiled function (`function(..., profile=True)`,
compile/profiling.py) shaded by its share of the run time, with the share and the time per call
on a label line under the op and the whole count in its tooltip.

The shades go from white (no time) through orange to red (the node that took the most), so the
expensive part of a big graph is seen before anything is read; the labels give the numbers.
`pydotprint(f, profile=True)` and Theano's `d3viz` (graphlens/d3viz) lay it over the picture.

>>> f = function([x], T.exp(x) * 2, profile=True); f(xv)               # doctest: +SKIP
>>> svg = pydotprint(f, profile=True)                                    # doctest: +SKIP
"""

from __future__ import annotations

from graphlens.errors import ArgumentError
from graphlens.render.overlay import Overlay, style_node

# The heat scale: (share of the slowest node's time, fill colour), light to dark.
SHADES = ((0.0, "#ffffff"), (0.05, "#fff1e0"), (0.2, "#fdd0a2"), (0.5, "#fd8d3c"),
          (0.8, "#e6550d"))
LEGEND = (("a little of the run time", "#fdd0a2"), ("much of it", "#fd8d3c"),
          ("the most", "#e6550d"))


def profile_overlay(function) -> Overlay:
    """The time each node of `function` took over its profiled calls, as an Overlay keyed
    by its nodes (the optimized graph's: draw stage 'after').

    >>> overlay = profile_overlay(f)                                     # doctest: +SKIP
    """
    stats = getattr(function, "profile", None)
    if stats is None:
        raise ArgumentError("the time picture needs a function compiled with profile=True "
                            "(function(..., profile=True)), then called")
    if not stats.fct_callcount:
        raise ArgumentError(f"the time picture of {stats.message!r}: the function has not "
                            f"been called yet, so no node was timed")
    total = sum(stats.apply_time.values()) or 1.0
    slowest = max(stats.apply_time.values()) or 1.0
    overlay = Overlay(title="time", recolours=True, notes=[
        f"time over {stats.fct_callcount} calls: {_seconds(total)} in the nodes, "
        f"{_seconds(stats.fct_call_time)} in the calls"])
    for node, seconds in stats.apply_time.items():
        calls = stats.apply_callcount[node]
        share = seconds / total
        style = {"fillcolor": _shade(seconds / slowest),
                 "label_lines": [f"{100 * share:.1f}% · {_seconds(seconds / max(calls, 1))}"
                                 f"/call"],
                 "tooltip_lines": [f"time: {_seconds(seconds)} in {calls} calls, "
                                   f"{100 * share:.1f}% of the nodes' time"]}
        style_node(overlay, node, style)
    overlay.legend.extend((label, {"fillcolor": fill}) for label, fill in LEGEND)
    return overlay


def _shade(fraction) -> str:
    """The fill for a node taking `fraction` of the slowest node's time."""
    fill = SHADES[0][1]
    for start, colour in SHADES:
        if fraction >= start:
            fill = colour
    return fill


def _seconds(seconds) -> str:
    """`1.2 ms`, `35 us`, `2.1 s`: three significant digits in the unit that reads best."""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"
