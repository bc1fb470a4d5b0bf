"""Overlays: what the tracers (`trace/`) found, as styles laid over a picture of the graph.

The tracers keep their facts as data (findings, blockers, statistics); drawing them (colours,
Graphviz attributes, legends) is this module's job, so `trace/` never imports `render/`.

An `Overlay` is plain data keyed by the graph's own objects: `nodes` {Apply: style},
`variables` {input or shared Variable: style}, `edges` {(Apply, input position): style} and a
`legend`. A style is a dict of Graphviz attributes (`color`, `penwidth`, `style`, `fillcolor`)
plus `tooltip_lines` and `label_lines`, lines appended to the picture's own tooltip and label.
`vanishing_overlay` draws blocked paths in red and marks zero-gradient ops; `stats_overlay`
colours nodes by saturation, dead units and gradient trouble, with the numbers in tooltips;
`trace_dot` draws both.

>>> dot_text = trace_dot(cost, params, inputs={x: batch})          # doctest: +SKIP
"""

from __future__ import annotations

from graphlens.graph.basic import toposort
from graphlens.render.dot import to_dot
from graphlens.render.nan_overlay import nan_overlay
from graphlens.render.overlay import Overlay
from graphlens.trace.nanflow import nan_flow
from graphlens.trace.stats import gradient_stats
from graphlens.trace.vanishing import vanishing

RED = "#d62728"
ORANGE = "#ff7f0e"
BLOCKED_FILL = "#fde0dd"
PATH_STYLE = {"color": RED, "style": "dashed", "penwidth": "1.6"}
FRONTIER_STYLE = {"color": RED, "penwidth": "2.6"}
BLOCKER_STYLE = {"color": RED, "penwidth": "2.6", "fillcolor": BLOCKED_FILL}
ZERO_GRADIENT_STYLE = {"color": ORANGE, "penwidth": "1.8"}
PARTLY_STYLE = {"color": ORANGE, "penwidth": "2.6"}
# Stats: a fill from white to the colour as the fraction (saturated, dead) grows.
SATURATED_COLOR = (253, 141, 60)      # orange
DEAD_COLOR = (158, 154, 200)          # purple
SUSPECT_BORDER = {"color": RED, "penwidth": "2.2"}


def _styled(base: dict, *lines: str) -> dict:
    return dict(base, tooltip_lines=list(lines))


def vanishing_overlay(report) -> Overlay:
    """Blocked paths red (dashed from the parameter, bold where the gradient stops), blocking
    ops red, other zero-gradient ops orange, blocked parameters red, partly blocked orange.

    >>> overlay = vanishing_overlay(vanishing(cost, params))          # doctest: +SKIP
    """
    overlay = Overlay()
    reached = report.reachable_variables
    frontier = {}
    for finding in report.findings:
        style = BLOCKER_STYLE if finding.status == "blocked" else PARTLY_STYLE
        word = finding.status.replace("_", " ").upper()
        if finding.variable is not None and finding.variable.owner is None:
            overlay.variables[finding.variable] = _styled(
                style, f"{word}: {_status_line(finding)}")
        for blocker in finding.blockers:
            frontier.setdefault((blocker.node, blocker.input_index), blocker)
    for (node, position), blocker in frontier.items():
        overlay.edges[(node, position)] = _styled(
            FRONTIER_STYLE, f"the gradient stops here: {blocker.reason}")
        overlay.nodes[node] = _styled(
            BLOCKER_STYLE, f"blocks the gradient of input {position}: {blocker.reason}",
            f"fix: {blocker.remedy}")
    nodes = toposort(_outputs(report))
    _mark_paths(overlay, report, nodes, frontier, reached)
    marked = 0
    for node in nodes:
        reason = node.op.zero_gradient_reason
        if reason and node not in overlay.nodes:
            overlay.nodes[node] = _styled(ZERO_GRADIENT_STYLE, f"zero gradient: {reason}")
            marked += 1
    if frontier:
        overlay.legend.append(("blocks the gradient (op);\nits parameter gets none",
                               BLOCKER_STYLE))
    if any(style.get("style") == PATH_STYLE["style"] for style in overlay.edges.values()):
        overlay.legend.append(("dashed red edges: the dead path\nfrom the parameter to the block",
                               PATH_STYLE))
    if marked:
        overlay.legend.append(("zero-gradient op, not blocking a parameter", ZERO_GRADIENT_STYLE))
    return overlay


def _status_line(finding) -> str:
    if finding.status == "blocked":
        return "its gradient is identically zero"
    if finding.status == "partly_blocked":
        return "some paths to the cost are blocked"
    return finding.remedy


def _outputs(report):
    return [report.cost_variable] if report.cost_variable is not None else []


def _mark_paths(overlay, report, nodes, frontier, reached):
    """Dashed red edges on the paths from blocked parameters up to each blocker.

    One backward walk (explicit stack) from the blocked inputs through variables the gradient
    does not reach and that depend on a parameter with a finding.
    """
    params = {f.variable for f in report.findings if f.variable is not None}
    on_path = _depends_on(nodes, params)
    stack = [node.inputs[position] for node, position in frontier]
    seen = set()
    while stack:
        var = stack.pop()
        if var in seen or var.owner is None:
            continue
        seen.add(var)
        node = var.owner
        for position, source in enumerate(node.inputs):
            if source in on_path and source not in reached:
                overlay.edges.setdefault((node, position), _styled(
                    PATH_STYLE, "on a blocked path: no gradient flows here"))
                stack.append(source)


def _depends_on(nodes, params) -> set:
    """The variables (params included) that depend on one of `params`: one forward pass."""
    result = set(params)
    for node in nodes:
        if any(var in result for var in node.inputs):
            result.update(node.outputs)
    return result


def stats_overlay(stats, drawn_apart=()) -> Overlay:
    """Nodes filled by saturation (orange) or dead units (purple), suspects outlined in red, and
    every watched node's value and gradient statistics in its tooltip. Suspects of the kinds in
    `drawn_apart` (say 'nonfinite', drawn by `nan_overlay`) keep their tooltip, not the border.

    >>> overlay = stats_overlay(gradient_stats(cost, params, inputs))   # doctest: +SKIP
    """
    overlay = Overlay()
    suspects, bordered = {}, set()
    for suspect in stats.suspects:
        suspects.setdefault(suspect.variable, []).append(suspect)
        if suspect.kind not in drawn_apart:
            bordered.add(suspect.variable)
    for item in stats.parameters + stats.nodes:
        var = item.variable
        style = {}
        if item.saturated is not None and item.saturated > 0:
            style["fillcolor"] = _ramp(SATURATED_COLOR, item.saturated)
            style["label_lines"] = [f"{item.saturated:.0%} saturated"]
        if item.dead_units and item.units:
            style["fillcolor"] = _ramp(DEAD_COLOR, item.dead_units / item.units)
            style["label_lines"] = [f"{item.dead_units}/{item.units} units dead"]
        if var in bordered:
            style.update(SUSPECT_BORDER)
        lines = [f"value: {item.value}",
                 f"gradient: {item.gradient}" if item.gradient is not None else "no gradient"]
        if item.saturated is not None:
            lines.append(f"saturated: {item.saturated:.0%}")
        if item.dead_units is not None:
            lines.append(f"dead units: {item.dead_units} of {item.units}")
        lines += [f"suspect: {s.kind.replace('_', ' ')}: {s.message}"
                  for s in suspects.get(var, [])]
        style["tooltip_lines"] = lines
        if var.owner is None:
            overlay.variables[var] = style
        else:
            overlay.nodes[var.owner] = style
    items = stats.parameters + stats.nodes
    if any(item.saturated for item in items):
        overlay.legend.append(("saturated sigmoid/tanh (darker: more)",
                               {"fillcolor": _ramp(SATURATED_COLOR, 1.0)}))
    if any(item.dead_units for item in items):
        overlay.legend.append(("dead relu units (darker: more)",
                               {"fillcolor": _ramp(DEAD_COLOR, 1.0)}))
    if bordered:
        overlay.legend.append(("suspect (see the tooltip)", SUSPECT_BORDER))
    return overlay


def _ramp(color, fraction) -> str:
    """White blended toward `color` by `fraction` (0..1), as '#rrggbb'."""
    fraction = min(max(float(fraction), 0.0), 1.0)
    channels = (round(255 + (c - 255) * fraction) for c in color)
    return "#" + "".join(f"{c:02x}" for c in channels)


def _drop_unused_suspect_key(overlay) -> None:
    """The suspect border may be drawn over by the NaN styles: then its key would explain
    nothing on the picture."""
    styles = list(overlay.nodes.values()) + list(overlay.variables.values())
    if not any(style.get("color") == SUSPECT_BORDER["color"]
               and style.get("penwidth") == SUSPECT_BORDER["penwidth"] for style in styles):
        overlay.legend = [item for item in overlay.legend if item[1] is not SUSPECT_BORDER]


def trace_dot(cost, wrt, *, inputs=None, max_nodes: int | None = 1000, title=None) -> str:
    """DOT text of the cost's graph with the vanishing overlay, plus the runtime statistics
    overlay when `inputs` ({variable: value}) are given.

    >>> svg = render_dot(trace_dot(cost, params), format='svg')       # doctest: +SKIP
    """
    report = vanishing(cost, wrt)
    overlay = vanishing_overlay(report)
    parts = [", ".join(f"{f.parameter} {f.status.replace('_', ' ')}" for f in report.findings)
             or "every parameter gets a gradient"]
    if inputs is not None:
        stats = gradient_stats(cost, wrt, inputs)
        flow = None
        if any(suspect.kind == "nonfinite" for suspect in stats.suspects):
            # Where the NaN was born, drawn apart from where it only travels.
            flow = nan_flow(cost, inputs, stats)
        drawn_apart = ("nonfinite",) if flow else ()
        overlay = overlay.merged(stats_overlay(stats, drawn_apart))
        if flow:
            overlay = overlay.merged(nan_overlay(flow))
            _drop_unused_suspect_key(overlay)
        kinds = {}
        for suspect in stats.suspects:
            kinds[suspect.kind] = kinds.get(suspect.kind, 0) + 1
        parts.append("runtime: " + (", ".join(f"{n} {kind.replace('_', ' ')}"
                                              for kind, n in kinds.items()) or "no suspects"))
    if title is None:
        title = "gradient trace: " + "; ".join(parts)
    return to_dot(cost, max_nodes=max_nodes, title=title, overlay=overlay, example_inputs=inputs)
