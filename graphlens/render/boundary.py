"""The edge of a focused picture: small dashed boxes standing for what the focus leaves out.

A focus (`focus.py`) keeps part of a view. An op it keeps may read values computed outside it,
and its result may be read by ops outside it; drawn as is, those edges would simply vanish and
the picture would lie about the graph. So each kept op with inputs from outside gets one box
"... 2 more inputs" (its edges carry the argument positions), and each kept op read outside gets
one box "... read by 3 more ops"; their tooltips name those ops and the user's lines.

>>> input_stub(builder, node, 'a_n4', {0: x_T}, None)                    # doctest: +SKIP
'a_f0'
"""

from __future__ import annotations

from graphlens.graph.basic import Constant
from graphlens.render import labels
from graphlens.render.scene import SceneEdge, SceneNode
from graphlens.trace.naming import short_expression

# Ops listed by name in a box's tooltip; the rest are counted.
MAX_LISTED = 12
# A cut-off input is named in its box (as a short formula) up to this many characters.
LABEL_WIDTH = 30


def is_cut(selection, var) -> bool:
    """True when `var`'s value comes from outside the focus `selection`.

    >>> is_cut(select(Focus.around(a, hops=0), view), x)                  # doctest: +SKIP
    True
    """
    if var.owner is not None:
        return var.owner not in selection.nodes
    if isinstance(var, Constant):
        return False            # drawn beside each reader, never part of a walk
    return var not in selection.roots


def cut_inputs(selection, node) -> dict:
    """{input position: variable} of `node`'s inputs that come from outside the focus.

    >>> cut_inputs(selection, mul_node)                                   # doctest: +SKIP
    {1: y}
    """
    return {position: var for position, var in enumerate(node.inputs)
            if is_cut(selection, var)}


def positions_text(cut, names=None) -> str:
    """The argument positions a box stands for, runs shortened: `0, 2-5`; or their names.

    >>> positions_text({0: 'a', 2: 'b', 3: 'c', 4: 'd'})
    '0, 2-4'
    """
    if names:
        return ", ".join(names[position] for position in sorted(cut))
    runs = []
    for position in sorted(cut):
        if runs and position == runs[-1][1] + 1:
            runs[-1][1] = position
        else:
            runs.append([position, position])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


def input_stub(builder, node, key, cut, cluster) -> str:
    """Add the box standing for op `key`'s inputs `cut` ({position: var}); returns its key."""
    distinct = list(dict.fromkeys(cut.values()))
    count = len(distinct)
    lines = [f"input {position}: {_what(builder, var)}" for position, var in cut.items()]
    tooltip = "\n".join([f"{count} input{'s' if count != 1 else ''} of {key} computed "
                         f"outside the focus:"] + _listed(lines))
    label = [f"... {count} more input{'s' if count != 1 else ''}"]
    if count <= 2:
        # What they are, briefly: `b3`, `X.T`; the tooltip has the ops and the lines.
        label += [labels.cut(short_expression(var, depth=2), LABEL_WIDTH) for var in distinct]
    return _add(builder, "\n".join(label), tooltip, cluster, {"feeds": key})


def variable_stub(builder, var, cluster) -> str:
    """A box standing for one value computed outside the focus (read inside a fused op's box,
    or a graph output); one per value and cluster.

    >>> variable_stub(builder, x_T, 'cluster_a_n9')                       # doctest: +SKIP
    'a_f3'
    """
    known = builder.stub_keys.get((var, cluster))
    if known is None:
        known = builder.stub_keys[(var, cluster)] = _add(
            builder, "... 1 more input\n" + labels.cut(short_expression(var, depth=2),
                                                       LABEL_WIDTH),
            f"computed outside the focus: {_what(builder, var)}",
            cluster, {})
    return known


def reader_stub(builder, node, key, cluster) -> None:
    """Add a box beside op `key` when ops outside the focus read its result: "... read by 3
    more ops", its tooltip naming them; `cluster` is the box `key` is drawn in (the fused
    op's, for a fused op), so the two sit side by side on one rank.

    >>> reader_stub(builder, sgn_node, 'b_n1', 'cluster_b')               # doctest: +SKIP
    """
    outside = []
    for out in node.outputs:
        outside += [reader for reader in builder.selection.readers.get(out, ())
                    if reader not in builder.selection.nodes]
    outside = list(dict.fromkeys(outside))
    if not outside:
        return
    count = len(outside)
    lines = [_what(builder, reader.outputs[0]) for reader in outside]
    tooltip = "\n".join([f"{key}'s result is also read by {count} op"
                         f"{'s' if count != 1 else ''} outside the focus:"] + _listed(lines))
    stub = _add(builder, f"... read by {count} more op{'s' if count != 1 else ''}", tooltip,
                cluster, {"reads": key})
    builder.scene.edges.append(SceneEdge(key, stub, "stub"))


def _add(builder, label, tooltip, cluster, facts) -> str:
    key = f"{builder.prefix}_f{builder.stub_count}"
    builder.stub_count += 1
    # The HTML panel lists what the box stands for (the tooltip's lines after its heading).
    builder.scene.add_node(SceneNode(key, "stub", label, tooltip, cluster,
                                     info={"kind": "stub", "title": label.split("\n")[0],
                                           "outside": tooltip.split("\n")[1:] or [tooltip],
                                           **facts}))
    return key


def _what(builder, var) -> str:
    """`Dot at model.py:21` for a computed value, `X (input)` for a root."""
    if var.owner is None:
        name = labels.printable(var.name) if var.name else "unnamed"
        return f"{name} ({'shared variable' if labels.is_shared(var) else 'input'})"
    op = var.owner.op
    # A fused op's label is its formula (`Composite{i1 - (0.02 * i0)}`), not its props.
    text = labels.cut(builder.op_text(op))
    if var.name:
        text = f"{labels.printable(var.name)} = {text}"
    return f"{text} at {labels.source_text(var)}"


def _listed(lines) -> list:
    if len(lines) <= MAX_LISTED:
        return lines
    return lines[:MAX_LISTED] + [f"... and {len(lines) - MAX_LISTED} more"]
