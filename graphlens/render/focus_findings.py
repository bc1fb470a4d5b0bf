"""Where the gradient dies, on a route picture (`Focus.route(cost, W1)`).

`trace.vanishing(cost, [W1])` finds the ops that stop the gradient; `render/findings.py` lays
them over a compiled function's both halves. A route picture takes that overlay for its one
parameter, plus a line for the picture's title saying whether and where the gradient dies:
`the gradient of cost dies before W1: blocked by sgn at model.py:27`. `pydotprint`, `to_svg`
and `to_html` add it themselves (`to_dot` draws the route's ops, and takes the overlay as any
other: `to_dot(f, focus=focus, overlay=route_overlay(f, focus))`).

>>> overlay = route_overlay(train, Focus.route(cost, W1))                 # doctest: +SKIP
>>> overlay.notes
['the gradient of cost dies before W1: blocked by sgn at model.py:27']
"""

from __future__ import annotations

from graphlens.render.findings import function_findings_overlay
from graphlens.render.focus import ops_between, select
from graphlens.render.subject import is_compiled_function, views
from graphlens.render.trace_overlay import vanishing_overlay
from graphlens.trace.vanishing import vanishing

# The first op of a dead gradient graph: red-bordered like a blocker, dashed, not filled.
DEAD_GRADIENT_STYLE = {"color": "#d62728", "penwidth": "2.2", "style": "rounded,dashed,filled"}


def route_overlay(obj, focus):
    """The findings overlay of a route focus on `obj` (with its note in `notes`), or None for
    other focuses and for a cost no gradient can be taken of (not a float scalar)."""
    if focus is None or focus.kind != "route":
        return None
    view = views(obj, "before" if is_compiled_function(obj) else "after")[0]
    cost, param = select(focus, view).found
    if cost is None:
        # Not computed by the function (only its gradient is): the user's own cost still says
        # where the gradient dies, and `function_findings_overlay` finds those ops' copies.
        target = focus.targets[0]
        cost = target if not isinstance(target, str) else focus.bindings.get(target)
    if getattr(cost, "ndim", None) != 0 or not str(getattr(cost, "dtype", "")).startswith(
            "float") or param.owner is not None:
        return None
    report = vanishing(cost, [param])
    overlay = (function_findings_overlay(obj, report) if is_compiled_function(obj)
               else vanishing_overlay(report))
    overlay.notes.append(route_note(report, focus.names()))
    if report.findings and report.findings[0].status == "blocked" \
            and is_compiled_function(obj):
        _mark_dead_gradient(overlay, obj, focus, focus.names()[1])
    return overlay


def _mark_dead_gradient(overlay, function, focus, param_name):
    """In each graph of a training function whose parameter gets no gradient, mark where its
    gradient graph starts: the first ops of the route to the parameter's new value that are
    not on the way to the cost (`zeros_like(h)` below a sgn). They compute the "gradient"
    from forward values alone, so it is the zero the blocker leaves."""
    for view in views(function, "both"):
        nodes = view.nodes()
        selection = select(focus, view, nodes=nodes)
        cost, param = selection.found
        new_value = {shared: value for shared, value in view.updates}.get(param)
        if cost is None or new_value is None:
            continue
        forward = ops_between(nodes, [param], [cost])
        gradient = ops_between(nodes, [param], [new_value]) - forward
        for node in nodes:
            if node in gradient and node not in overlay.nodes and not any(
                    var.owner in gradient for var in node.inputs):
                overlay.nodes[node] = dict(
                    DEAD_GRADIENT_STYLE, tooltip_lines=[
                        f"{param_name}'s gradient starts here, computed from forward values "
                        f"without the cost: it is zero"])
    overlay.legend.append((f"where the gradient graph makes\n{param_name}'s zero gradient",
                           DEAD_GRADIENT_STYLE))


def with_route(obj, focus, overlay):
    """`overlay` with a route focus's findings laid over it (or either alone)."""
    route = route_overlay(obj, focus)
    if route is None:
        return overlay
    return route if overlay is None else overlay.merged(route)


def route_note(report, names) -> str:
    """One line: does the gradient of the cost reach the parameter, and if not, what stops it.

    >>> route_note(vanishing(cost, [W1]), ['cost', 'W1'])               # doctest: +SKIP
    'the gradient of cost dies before W1: blocked by sgn at model.py:27'
    """
    cost, param = names
    if not report.findings:
        return f"the gradient of {cost} reaches {param}"
    finding = report.findings[0]
    blockers = ", ".join(f"{blocker.title} at {blocker.where}" for blocker in finding.blockers)
    if finding.status == "blocked":
        return f"the gradient of {cost} dies before {param}: blocked by {blockers}"
    if finding.status == "partly_blocked":
        return f"the gradient of {cost} reaches {param}, blocked on some paths by {blockers}"
    return f"the gradient of {cost} never reaches {param}: {finding.remedy}"
