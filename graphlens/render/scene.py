"""A picture as plain data: nodes, edges and clusters with stable keys, before any format.

`build_scene(views, max_nodes=...)` walks each GraphView once (its iterative toposort) and
decides everything a picture shows; `dot.py` only writes it out, `html.py` reads `info` for the
click panel. Keys come from walk order (`a_n12` is the 12th op of the "after" graph), never from
`id()` or set order, so one graph always gives one scene.

Conventions, documented for users in `pydotprint`:
- ops are boxes showing the op and its output's type (and name, when the user named it);
  inputs, shared variables, constants and outputs get their own ellipse-like nodes;
- a constant is drawn once per use, next to the op using it, so it draws no long edges;
- name scopes (`layer1/W`) cluster (`scopes.py`); fused ops open up (`fused.py`);
- big graphs are cut down to `max_nodes` ops, and long edges in large pictures become
  reference tags (`collapse.py`).
The walk itself is `viewbuilder.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graphlens.render import labels
from graphlens.render.origins import inner_origins, origins_of
from graphlens.render.style import rule_colors

# Ops whose inputs can be swapped without changing the result: their edges carry no position.
COMMUTATIVE_OPS = frozenset({"Add", "Mul", "Maximum", "Minimum", "And", "Or", "Xor", "Eq", "Neq"})

STAGE_TITLES = {"before": "before rewrites", "after": "after rewrites", "graph": "graph"}


@dataclass
class SceneNode:
    """One drawn node: `label` and `tooltip` are plain text with '\\n' between lines."""

    key: str
    kind: str
    label: str
    tooltip: str
    cluster: str | None = None
    fill: str | None = None
    info: dict = field(default_factory=dict)
    subject: object = None      # the Apply or root Variable drawn (what overlays are keyed by)
    attrs: dict = field(default_factory=dict)   # extra DOT attributes, written last


@dataclass
class SceneEdge:
    """An edge from node `tail` to node `head`; `label` is an argument position, if shown."""

    tail: str
    head: str
    kind: str = "data"
    label: str | None = None
    tooltip: str | None = None
    subject: object = None      # (Apply, input position) of a data edge into an op
    attrs: dict = field(default_factory=dict)


@dataclass
class SceneCluster:
    """A box around nodes: a stage, a name scope, a fused op or the legend."""

    key: str
    kind: str
    label: str
    parent: str | None = None
    tooltip: str = ""
    fill: str | None = None


@dataclass
class Scene:
    """Everything one picture shows, in drawing order."""

    title: str = ""
    nodes: list = field(default_factory=list)
    edges: list = field(default_factory=list)
    clusters: list = field(default_factory=list)
    rule_counts: dict = field(default_factory=dict)    # rule -> drawn nodes it made

    def add_node(self, node: SceneNode) -> str:
        """Append `node`; returns its key."""
        self.nodes.append(node)
        return node.key


def order_matters(op) -> bool:
    """True when swapping the op's inputs may change its result, so edges show positions."""
    commutative = getattr(op, "commutative", None)
    if commutative is not None:
        return not commutative
    return type(op).__name__ not in COMMUTATIVE_OPS


def build_scene(views, *, max_nodes: int | None = 1000, title: str | None = None) -> Scene:
    """The scene for one or two views (side by side, each in its own cluster when two).

    >>> scene = build_scene(views(T.exp(x), 'after'))                     # doctest: +SKIP
    >>> [node.kind for node in scene.nodes]
    ['input', 'op', 'output']
    """
    if max_nodes is not None and (not isinstance(max_nodes, int) or max_nodes < 1):
        raise ValueError(f"max_nodes must be a positive int or None, got {max_nodes!r}")
    # viewbuilder.py builds on this module's classes: import it when first needed.
    from graphlens.render.viewbuilder import ViewBuilder

    scene = Scene(title=title if title is not None else _default_title(views))
    colors = {}
    for view in views:
        origins = origins_of(view.function) if view.stage == "after" else {}
        if origins:
            # Inner graphs rewritten on their own (a loop's step) keep their provenance too.
            origins = {**inner_origins(view.nodes()), **origins}
        colors = rule_colors(origin.rule for origin in origins.values() if origin.rule)
        # Before-graph nodes are named by their walk position (b_n5) whether or not the before
        # picture is drawn, so a tooltip's "from Log (b_n5)" means the same in every picture.
        before_keys = {}
        if origins:
            before_keys = {node: f"b_n{number}" for number, node
                           in enumerate(view.function.fgraph_before.toposort())}
        builder = ViewBuilder(scene, view, max_nodes, origins, colors, before_keys,
                               in_cluster=len(views) > 1)
        builder.build()
    _add_legend(scene, colors, views)
    return scene


def _default_title(views) -> str:
    function = views[0].function
    if function is None:
        return ""
    name = f"function {labels.printable(function.name)!r}" if function.name else "function"
    before, after = len(function.fgraph_before.apply_nodes), len(function.fgraph.apply_nodes)
    if len(views) > 1:
        return f"{name}: before and after rewrites ({before} ops -> {after})"
    if views[0].stage == "before":
        return f"{name}: before rewrites, {before} ops"
    return (f"{name}: after rewrites, {after} ops (from {before}), "
            f"{len(function.rewrite_log)} replacements")


def _add_legend(scene, colors, views):
    if not scene.rule_counts:
        return
    scene.clusters.append(SceneCluster("cluster_legend", "legend",
                                       "colour = the rewrite that made the node"))
    replacements = views[-1].function.rewrite_log.counts()
    for number, rule in enumerate(sorted(scene.rule_counts)):
        count = scene.rule_counts[rule]
        label = f"{labels.printable(rule)}\n{count} node{'s' if count != 1 else ''}"
        total = replacements.get(rule, 0)
        tooltip = (f"rewrite {labels.printable(rule)}: made {count} of the drawn nodes; "
                   f"{total} replacement{'' if total == 1 else 's'} in all")
        scene.add_node(SceneNode(f"legend{number}", "legend", label, tooltip,
                                 "cluster_legend", colors.get(rule),
                                 {"kind": "legend", "title": labels.printable(rule)}))
