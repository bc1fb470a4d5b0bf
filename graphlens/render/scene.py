"""A picture as plain data: nodes, edges and clusters with stable keys, before any format.

`build_scene(views, max_nodes=...)` (in `viewbuilder.py`) walks each GraphView once (its
iterative toposort) and decides everything a picture shows; `dot.py` only writes it out,
`html.py` reads `info` for the click panel. Keys come from walk order (`a_n12` is the 12th op
of the "after" graph), never from `id()` or set order, so one graph always gives one scene.

Conventions, documented for users in `pydotprint`:
- ops are boxes showing the op and its output's type (and name, when the user named it);
  inputs, shared variables, constants and outputs get their own ellipse-like nodes;
- a constant is drawn once per use, next to the op using it, so it draws no long edges;
- name scopes (`layer1/W`) cluster (`scopes.py`); fused ops open up (`fused.py`);
- big graphs fold: a scope is one box, repeats one box with a count (`fold.py`);
- big graphs are cut down to `max_nodes` ops, and long edges in large pictures become
  reference tags (`collapse.py`).
The walk itself is `viewbuilder.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field


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
    # An op with several outputs: their names, drawn as a row of cells along the box's lower
    # side, one port each (`o0`, `o1`, ...), which the edges carrying that output leave from.
    ports: tuple = ()
    # An op that names its inputs (ifelse's cond, then, else): a row of cells along the upper
    # side, one port each (`i0`, `i1`, ...), where the edge bringing that input ends.
    in_ports: tuple = ()


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
    # (index, name) of the output of its tail's node the edge carries, when that node has
    # several: the edge leaves from that output's port, or is labelled with its name.
    output: tuple | None = None
    # The input of its head's op the edge brings (its position), when it stands for one.
    input: int | None = None


@dataclass
class SceneCluster:
    """A box around nodes: a stage, a name scope, a fused op or the legend."""

    key: str
    kind: str
    label: str
    parent: str | None = None
    tooltip: str = ""
    fill: str | None = None
    # A fold (render/fold.py, kind 'fold'): drawn closed as the one node `node`, standing for
    # the ops keyed `members` (their keys in the unfolded picture) and `count` identical
    # repeats. A viewer may open it in place; DOT writes only its node.
    folded: bool = False
    members: list = field(default_factory=list)
    count: int = 1
    node: str | None = None
    subjects: list = field(default_factory=list)   # the Applies and roots it stands for


@dataclass
class Scene:
    """Everything one picture shows, in drawing order."""

    title: str = ""
    nodes: list = field(default_factory=list)
    edges: list = field(default_factory=list)
    clusters: list = field(default_factory=list)
    rule_counts: dict = field(default_factory=dict)    # rule -> drawn nodes it made
    notes: list = field(default_factory=list)   # what was folded and how to expand it

    def add_node(self, node: SceneNode) -> str:
        """Append `node`; returns its key."""
        self.nodes.append(node)
        return node.key


def order_matters(op) -> bool:
    """True when swapping the op's inputs may change its result, so edges show positions.

    The fact lives on the op's class: `commutative = True` (Add, Mul, Maximum, Eq, ...).
    """
    return not getattr(op, "commutative", False)
