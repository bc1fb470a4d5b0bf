"""Keeping big pictures drawable: which ops to draw, and which long edges to cut.

Two rules, both documented for users in `pydotprint`:

- over `max_nodes` ops, only the `max_nodes` ops nearest the outputs (breadth-first from the
  outputs and updates) are drawn; one dashed box stands for the rest, counted by op;
- in a picture of more than LARGE_GRAPH ops, an edge that would cross more than MAX_SPAN
  levels is cut: the op reading the value gets a small dashed box naming where the value is
  drawn (`Tanh  see a_n12`). A gradient graph reads forward values near its far end; drawn in
  full, those edges run in parallel down the whole picture, cannot be followed by eye, and make
  Graphviz's layout time grow with (edges x levels): a 1,000-op MLP step took over a minute.
  In any picture, a fused op's box reads far-away inputs and shared variables through such tags
  (`fused.py`), or the box would stretch from the weights at the top to the update at the bottom.

>>> levels(toposort([T.exp(T.exp(x))]))                      # doctest: +SKIP
{Exp: 1, Exp: 2}
"""

from __future__ import annotations

from collections import deque

from graphlens.graph.basic import toposort
from graphlens.printer.forms import inner_graph

LARGE_GRAPH = 150
MAX_SPAN = 8
# A fused op with more inner ops than this is drawn closed, as one box: a box hundreds of ops
# tall cannot be read, and Graphviz's cluster code recurses once per op inside a cluster (the
# WebAssembly build exhausts its stack at about 3,270).
MAX_OPEN_FUSED = 200


def inner_count(op) -> int:
    """How many ops an op's inner graph holds (a fused kernel's, a loop's step; else 0)."""
    graph = inner_graph(op)
    return 0 if graph is None else len(toposort(list(graph.outputs)))


def drawn_open(node, max_nodes) -> bool:
    """True when `node` (a fused op, a loop) is drawn as a box of its inner ops, not closed."""
    count = inner_count(node.op)
    limit = MAX_OPEN_FUSED if max_nodes is None else min(MAX_OPEN_FUSED, max_nodes)
    return 0 < count <= limit


def weight(node, max_nodes) -> int:
    """How many boxes `node` costs in the picture: its inner ops when drawn open, else one."""
    return inner_count(node.op) if drawn_open(node, max_nodes) else 1


def visible_nodes(view, nodes, max_nodes) -> set:
    """The ops to draw: all of `nodes`, or those nearest the view's outputs whose boxes (a
    fused op drawn open counts its inner ops) add up to at most `max_nodes`."""
    if max_nodes is None:
        return set(nodes)
    weights = {node: weight(node, max_nodes) for node in nodes}
    if sum(weights.values()) <= max_nodes:
        return set(nodes)
    ends = list(view.outputs) + [value for _, value in view.updates]
    queue = deque(var.owner for var in ends if var.owner in weights)
    if not queue:
        # A focus may keep none of the view's ends: start from the ops nothing kept reads.
        read = {var.owner for node in nodes for var in node.inputs}
        queue.extend(node for node in reversed(nodes) if node not in read)
    chosen, spent = set(), 0
    while queue:
        node = queue.popleft()
        if node in chosen:
            continue
        # An op not in `nodes` (folded into a box, fold.py) costs nothing: the walk passes it.
        cost = weights.get(node, 0)
        if chosen and spent + cost > max_nodes:
            break
        chosen.add(node)
        spent += cost
        queue.extend(var.owner for var in node.inputs
                     if var.owner in weights and var.owner not in chosen)
    return chosen


def summary_text(nodes, visible, max_nodes) -> tuple[str, str, dict]:
    """(label, tooltip, {op name: count}) of the box standing for the ops not drawn."""
    counts = {}
    for node in nodes:
        if node not in visible:
            name = type(node.op).__name__
            counts[name] = counts.get(name, 0) + 1
    hidden = sum(counts.values())
    top = dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
    kinds = ", ".join(f"{name} x{count:,}" for name, count in list(top.items())[:4])
    if len(top) > 4:
        kinds += ", ..."
    label = f"... {hidden:,} more ops not drawn\n{kinds}\n(max_nodes={max_nodes:,})"
    tooltip = (f"This graph has {len(nodes):,} ops; the {len(visible):,} nearest the outputs "
               f"are drawn. Pass max_nodes=None to draw every op.")
    return label, tooltip, top


def levels(nodes, max_nodes=None) -> dict:
    """{node or root variable: level} for `nodes` in topological order, close to the ranks
    Graphviz will give them: a node is 1 + the highest level among the nodes that feed it, then
    moves down to just above its first reader (as Graphviz's shortest edges put it: `b`'s
    broadcast sits by the Add reading it, not at the top); a root variable (input, shared) sits
    just above its first reader. A fused op drawn open is as tall as its inner graph: it counts
    that many levels (one when drawn closed)."""
    level, readers = {}, {}
    for node in nodes:
        above = max((level.get(var.owner, 0) for var in node.inputs), default=0)
        level[node] = above + _height(node, max_nodes)
        for var in node.inputs:
            source = var if var.owner is None else var.owner
            readers.setdefault(source, []).append(node)
    for node in reversed(nodes):
        first = min((level[reader] for reader in readers.get(node, ())), default=None)
        if first is not None and first - 1 > level[node]:
            level[node] = first - 1
    for source, reading in readers.items():
        if source not in level:
            level[source] = min(level[reader] for reader in reading) - 1
    return level


def _height(node, max_nodes) -> int:
    if not drawn_open(node, max_nodes):
        return 1
    inner_outputs = inner_graph(node.op).outputs
    # The longest chain of inner ops (fused ops nested inside count as one level each).
    depth = {}
    for node in toposort(list(inner_outputs)):
        depth[node] = 1 + max((depth.get(var.owner, 0) for var in node.inputs), default=0)
    return max(depth.values(), default=1)


def cuts_long_edges(drawn_ops: int) -> bool:
    """True when a picture of `drawn_ops` ops cuts its long edges."""
    return drawn_ops > LARGE_GRAPH


def is_long(source_level: int, target_level: int) -> bool:
    """True when an edge between these levels crosses more than MAX_SPAN of them."""
    return target_level - source_level > MAX_SPAN
