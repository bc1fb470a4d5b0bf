"""DOT text of a graph or a compiled function, before and/or after its rewrites.

`to_dot(obj, stage='after')` builds the scene (`scene.py`) and writes it as Graphviz DOT. Every
string is a quoted DOT string, escaped here and only here: backslashes and quotes for DOT, `&`
as `&amp;` so that Graphviz shows `&lt;` as typed instead of reading it as an entity (Graphviz
itself escapes `<`, `>` and quotes when it writes SVG). No HTML-like labels (`label=<...>`): the
WebAssembly Graphviz cannot lay them out. An op with several outputs is a record (`Mrecord`)
instead, whose lower row names each output in a cell of its own, a port the edges carrying that
output leave from: each name is written once, beside the edges it belongs to. An op naming its
inputs (ifelse: cond, then, else) has an upper row of cells where their edges end.

>>> import graphlens.tensor as T
>>> x = T.dvector('x')
>>> print(to_dot(T.exp(x)).splitlines()[0])
digraph graphlens {
"""

from __future__ import annotations

from graphlens.render.framing import scene_of
from graphlens.render.style import (CLUSTER_ATTRS, EDGE_ATTRS, EDGE_KIND_ATTRS, GRAPH_ATTRS,
                                    KIND_ATTRS, NODE_ATTRS)

RANKDIRS = ("TB", "LR", "BT", "RL")
PORT_SIDES = {"TB": "s", "LR": "e", "BT": "n", "RL": "w"}
# The direction whose outputs' side is a box's inputs' side: where the previous rank lies.
INPUT_SIDE_OF = {"TB": "BT", "LR": "RL", "BT": "TB", "RL": "LR"}


def quote(text: str) -> str:
    """`text` as a quoted DOT string showing exactly that text; '\\n' starts a new line.

    >>> quote('a"b&c')
    '"a\\\\"b&amp;c"'
    """
    return f'"{_escaped(text)}"'


def _escaped(text: str) -> str:
    return (text.replace("\\", "\\\\").replace('"', '\\"').replace("&", "&amp;")
            .replace("\r", "").replace("\n", "\\n"))


# What a record label reads as its structure (fields, ports), shown as typed when escaped.
_RECORD_SPECIALS = str.maketrans({c: "\\" + c for c in "{}|<>"})


def record_label(text: str, ports=(), rankdir: str = "TB", in_ports=()) -> str:
    """A quoted record label: `text` between a row of cells for the named inputs `in_ports`
    (ports `i0`, `i1`, ...) on the side facing the previous rank, and one for the outputs
    `ports` (`o0`, `o1`, ...) on the side facing the next (below for 'TB', right for 'LR',
    above for 'BT', left for 'RL'); `{`, `}`, `|`, `<`, `>` are shown as typed.

    >>> record_label("Sum{axis=(0,)}", ("loss", "p"))
    '"{Sum\\\\{axis=(0,)\\\\}|{<o0> loss|<o1> p}}"'
    """
    def field(piece):
        return _escaped(piece).translate(_RECORD_SPECIALS)

    def row(prefix, names):
        return "{" + "|".join(f"<{prefix}{index}> {field(name)}"
                              for index, name in enumerate(names)) + "}"
    fields = ([row("i", in_ports)] if in_ports else []) + [field(text)] + (
        [row("o", ports)] if ports else [])
    # A record's fields run down when ranks do ('TB', 'BT') and across when they do; the
    # inputs' row comes first in reading order only when ranks run that way.
    if rankdir in ("BT", "RL"):
        fields.reverse()
    return '"{' + "|".join(fields) + '}"'


def to_dot(obj, *, stage: str = "after", max_nodes: int | None = 1000, rankdir: str = "TB",
           title: str | None = None, overlay=None, focus=None, example_inputs=None,
           fold=None, expand=(), fold_rules=()) -> str:
    """Graphviz DOT text for `obj`: a variable, a list of them, a FunctionGraph or a compiled
    function; `stage` is 'after' (the optimized graph), 'before' (as given) or 'both'.

    Deterministic: the same graph gives the same text in every run and process. `overlay`
    (a `graphlens.trace.Overlay`) adds styles keyed by the graph's own nodes and variables.
    `focus` (a `render.focus.Focus`) draws only part of the graph: a neighbourhood, the
    gradient's route from the cost to a parameter, or the path between two variables.
    Above the `fold_threshold` flag's op count (or with `fold=True`) scopes fold into boxes;
    `expand=['encoder']` opens one, `expand=['all']` draws every op; `fold_rules=[('Dense',
    ['Dot', 'Add', 'Tanh'])]` folds each such chain into a block (render/fold.py).

    >>> to_dot(f, stage='both').count('subgraph cluster_')               # doctest: +SKIP
    3
    """
    if rankdir not in RANKDIRS:
        raise ValueError(f"rankdir must be one of {', '.join(RANKDIRS)}, got {rankdir!r}")
    scene = scene_of(obj, stage=stage, max_nodes=max_nodes, title=title, overlay=overlay,
                     fold=fold, expand=expand, fold_rules=fold_rules, focus=focus,
                     example_inputs=example_inputs)
    return scene_to_dot(scene, rankdir=rankdir)


def scene_to_dot(scene, *, rankdir: str = "TB") -> str:
    """Write a built scene as DOT text (nodes inside their clusters, then every edge): its
    pieces (`dot_parts`) put together with nothing folded, by the one walk (`assemble_dot`)."""
    return assemble_dot(dot_parts(scene, rankdir=rankdir))


def dot_parts(scene, *, rankdir: str = "TB", folds=None) -> dict:
    """`scene_to_dot(scene)` in pieces, for the HTML viewer to put together again with some
    clusters folded (`viewer/fold.js`): the header lines; each node as [key, cluster, attrs];
    each cluster as [key, parent, attrs]; each edge as [tail, head, kind, its whole line]; and
    each edge kind's own attributes, for the one edge drawn in place of several into a fold;
    and for each cluster in `folds` ({cluster key: SceneNode}) the node drawn when it is folded.
    Put together with nothing folded (`assemble_dot`), the pieces give `scene_to_dot`'s text.
    """
    styles = _node_styles()
    edge_styles = edge_kind_styles()
    ports = {node.key: node.ports for node in scene.nodes if node.ports}
    in_ports = {node.key: node.in_ports for node in scene.nodes if node.in_ports}
    # The sides of a box facing the next rank (below when ranks run down, right when they run
    # across), where outputs leave, and the previous one, where named inputs enter.
    sides = (PORT_SIDES[rankdir], PORT_SIDES[INPUT_SIDE_OF[rankdir]])
    return {
        "head": _head_lines(scene.title, rankdir),
        "nodes": [[node.key, node.cluster, _node_attrs(node, styles[node.kind], rankdir)]
                  for node in scene.nodes],
        # A box folded on the server is drawn as its one node, never as a cluster.
        "clusters": [[cluster.key, cluster.parent, _cluster_attrs(cluster)]
                     for cluster in _reading_order(scene.clusters, rankdir)
                     if not cluster.folded],
        "edges": [[edge.tail, edge.head, edge.kind,
                   _edge_line(number, edge, edge_styles, ports.get(edge.tail, ()),
                              in_ports.get(edge.head, ()), sides)]
                  for number, edge in enumerate(scene.edges)],
        "edge_styles": edge_styles,
        "folds": {key: _node_attrs(node, styles[node.kind], rankdir)
                  for key, node in (folds or {}).items()},
    }


def _reading_order(clusters, rankdir) -> list:
    """The scene's clusters in the order that draws its outermost boxes in reading order.

    Graphviz places side by side what comes first in the DOT text to the left when ranks run
    down (TB), but lower when they run across (LR, RL): there the outermost boxes are given
    in reverse, so 'before rewrites' stays above 'after rewrites'."""
    if rankdir not in ("LR", "RL"):
        return list(clusters)
    outer = [cluster for cluster in clusters if cluster.parent is None]
    inner = [cluster for cluster in clusters if cluster.parent is not None]
    return outer[::-1] + inner


def assemble_dot(parts: dict, folded=()) -> str:
    """The DOT of `parts` (`dot_parts`) with the clusters in `folded` each drawn as its fold
    node and every edge into or out of it rerouted there (one per pair and kind), as the
    page's fold.js (`assembleDot`, its twin; a test compares the two) writes it; with nothing
    folded, the scene's whole DOT.

    >>> assemble_dot(dot_parts(scene, folds=folds), {'cluster_a_s0'})       # doctest: +SKIP
    """
    folded = set(folded)
    lines = list(parts["head"])
    members, children, attrs_of, parent_of = {}, {}, {}, {}
    for node in parts["nodes"]:
        members.setdefault(node[1], []).append(node)
    for key, parent, attrs in parts["clusters"]:
        children.setdefault(parent, []).append(key)
        attrs_of[key], parent_of[key] = attrs, parent
    # An explicit stack of (cluster or None, indent, phase): scopes nest, but never recurse.
    # Each box: its members first, then its child boxes in order.
    stack = [(None, "  ", "open")]
    while stack:
        key, pad, phase = stack.pop()
        if phase == "close":
            lines.append(pad + "}")
            continue
        inner = pad
        if key is not None:
            if key in folded:
                lines.append(f"{pad}{key}_fold [{parts['folds'][key]}];")
                continue
            lines.append(f"{pad}subgraph {key} {{")
            lines.append(f"{pad}  graph [{attrs_of[key]}];")
            inner = pad + "  "
            stack.append((key, pad, "close"))
        for node in members.get(key, ()):
            lines.append(f"{inner}{node[0]} [{node[2]}];")
        for child in reversed(children.get(key, ())):
            stack.append((child, inner, "open"))
    if folded:
        lines.extend(_rerouted_edges(parts, folded, parent_of))
    else:
        lines.extend(edge[3] for edge in parts["edges"])
    lines.append("}")
    return "\n".join(lines) + "\n"


def _rerouted_edges(parts, folded, parent_of) -> list:
    """Edge lines with each end inside a folded box moved to its fold node (outermost)."""
    def fold_of(cluster):
        found = None
        while cluster is not None:
            if cluster in folded:
                found = cluster
            cluster = parent_of[cluster]
        return found

    shown_as = {}
    for node in parts["nodes"]:
        fold = fold_of(node[1])
        shown_as[node[0]] = f"{fold}_fold" if fold else node[0]
    lines, drawn, count = [], set(), 0
    for tail, head, kind, line in parts["edges"]:
        new_tail, new_head = shown_as[tail], shown_as[head]
        if (new_tail, new_head) == (tail, head):
            lines.append(line)
            continue
        if new_tail == new_head or (new_tail, new_head, kind) in drawn:
            continue        # inside one folded box, or already drawn
        drawn.add((new_tail, new_head, kind))
        style = parts["edge_styles"][kind]
        lines.append(f"  {new_tail} -> {new_head} [{style}{', ' if style else ''}"
                     f"id=\"ef{count}\"];")
        count += 1
    return lines


def _head_lines(title, rankdir) -> list:
    graph_attrs = dict(GRAPH_ATTRS, rankdir=rankdir)
    if title:
        graph_attrs["label"] = title
    return ["digraph graphlens {", f"  graph [{_attrs(graph_attrs)}];",
            f"  node [{_attrs(NODE_ATTRS)}];", f"  edge [{_attrs(EDGE_ATTRS)}];"]


def edge_kind_styles() -> dict:
    """{edge kind: its fixed DOT attributes}: written once, not once per edge."""
    return {kind: _attrs(dict(attrs, **{"class": kind})) for kind, attrs in EDGE_KIND_ATTRS.items()}


def _edge_line(number, edge, edge_styles, tail_ports=(), head_ports=(),
               sides=("s", "n")) -> str:
    style = edge_styles[edge.kind]
    extra = ""
    if edge.output is not None and edge.output[0] < len(tail_ports):
        # From its output's cell, every edge of one output from one point.
        extra = f", tailport=\"o{edge.output[0]}:{sides[0]}\""
    if edge.input is not None and edge.input < len(head_ports):
        # Into its input's cell, which names it: no label of its own.
        extra += f", headport=\"i{edge.input}:{sides[1]}\""
    elif edge.label is not None:
        extra += f", headlabel={quote(edge.label)}, labeldistance=\"1.4\", labelangle=\"40\""
    if edge.output is not None and not tail_ports:
        # A tail without ports (a loop's box, a fold): the output's name at the edge's start,
        # each output at its own angle, or two edges leaving side by side would write their
        # names over each other.
        index, name = edge.output
        extra += (f", taillabel={quote(name)}, labeldistance=\"2.2\", "
                  f"labelangle=\"{(-35, 35, -70, 70)[index % 4]}\"")
    if edge.tooltip is not None:
        extra += f", tooltip={quote(edge.tooltip)}"
    if edge.attrs:
        extra += ", " + _attrs(edge.attrs)
    return (f"  {edge.tail} -> {edge.head} [{style}{', ' if style else ''}"
            f"id=\"e{number}\"{extra}];")


def _node_styles() -> dict:
    # Each kind's fixed attributes, written once: with its own fill, and without (for a node
    # whose fill is a rewrite's colour); then both again as a record with rounded corners
    # (Mrecord), for a box with a row of ports.
    def variants(attrs):
        without_fill = {name: value for name, value in attrs.items() if name != "fillcolor"}
        return tuple(_attrs(each) for each in (attrs, without_fill, dict(attrs, shape="Mrecord"),
                                               dict(without_fill, shape="Mrecord")))
    return {kind: variants(attrs) for kind, attrs in KIND_ATTRS.items()}


def _cluster_attrs(cluster) -> str:
    attrs = dict(CLUSTER_ATTRS[cluster.kind], label=cluster.label, id=cluster.key)
    if cluster.tooltip:
        attrs["tooltip"] = cluster.tooltip
    if cluster.fill:
        attrs["fillcolor"] = cluster.fill
    return _attrs(attrs)


def _node_attrs(node, styles, rankdir="TB") -> str:
    record = bool(node.ports or node.in_ports)
    own_fill, without_fill = styles[2:] if record else styles[:2]
    style = f"{without_fill}, fillcolor={quote(node.fill)}" if node.fill else own_fill
    label = (record_label(node.label, node.ports, rankdir, node.in_ports) if record
             else quote(node.label))
    text = (f"{style}, label={label}, tooltip={quote(node.tooltip)}, "
            f"id={quote(node.key)}, class={quote(node.kind)}")
    return f"{text}, {_attrs(node.attrs)}" if node.attrs else text


def _attrs(attrs: dict) -> str:
    return ", ".join(f"{name}={quote(str(value))}" for name, value in attrs.items())
