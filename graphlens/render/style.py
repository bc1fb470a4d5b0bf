"""How pictures look: shapes and colours by kind of node, and one stable colour per rewrite rule.

Kinds, chosen so that a reader tells them apart at a glance (and in greyscale, by shape):

- op: a rounded box, light grey; a box coloured by the rewrite that made it after rewrites;
- input: a green ellipse; output: a blue ellipse with a double border;
- shared variable: an orange cylinder (state kept between calls);
- constant: a small grey octagon;
- random draw (uniform, normal, binomial, ...): a dark violet hexagon, white text, fresh
  samples on every call; its stream's state is a shared variable updated like any other;
- reference: a small dashed box standing for a node drawn far above (large pictures only);
- stub: a small dashed box standing for what a focused picture leaves out.
- a name scope or fused op folded in the HTML viewer: a 3-D box with the scope's violet border.

Updates are dashed orange edges from the new value to its shared variable.

>>> rule_colors(['fusion', 'merge']) == rule_colors(['merge', 'fusion'])
True
"""

from __future__ import annotations

import zlib

FONT = "Helvetica"

GRAPH_ATTRS = {"fontname": FONT, "fontsize": "13", "nodesep": "0.25", "ranksep": "0.4",
               "labelloc": "t", "newrank": "true"}
NODE_ATTRS = {"fontname": FONT, "fontsize": "11", "penwidth": "0.8", "margin": "0.08,0.04"}
EDGE_ATTRS = {"fontname": FONT, "fontsize": "9", "color": "#555555", "arrowsize": "0.6",
              "fontcolor": "#555555", "penwidth": "0.8"}

OP_FILL = "#f2f2f2"

# A cluster folded in the HTML viewer is drawn as one box of this kind (`viewer/fold.js`).
FOLDED_ATTRS = {"shape": "box3d", "style": "filled", "fillcolor": "#ffffff",
                "color": "#6a51a3", "penwidth": "1.2"}

KIND_ATTRS = {
    "op": {"shape": "box", "style": "rounded,filled", "fillcolor": OP_FILL},
    "input": {"shape": "ellipse", "style": "filled", "fillcolor": "#c7e9c0"},
    "output": {"shape": "ellipse", "style": "filled", "fillcolor": "#c6dbef",
               "peripheries": "2"},
    "shared": {"shape": "cylinder", "style": "filled", "fillcolor": "#fdd49e"},
    "random": {"shape": "hexagon", "style": "filled,bold", "fillcolor": "#6a51a3",
               "fontcolor": "#ffffff", "color": "#3f007d", "penwidth": "1.6"},
    "constant": {"shape": "octagon", "style": "filled", "fillcolor": "#ececec",
                 "fontsize": "9", "color": "#888888", "margin": "0.02,0.02"},
    "summary": {"shape": "box", "style": "dashed,filled", "fillcolor": "#ffffff",
                "fontcolor": "#444444", "color": "#888888"},
    "legend": {"shape": "box", "style": "rounded,filled", "fontsize": "10"},
    # A folded scope (render/fold.py): a box standing for a layer, in the scopes' violet.
    "fold": {"shape": "box", "style": "rounded,filled,bold", "fillcolor": "#ece7f6",
             "color": "#6a51a3", "penwidth": "1.4", "margin": "0.14,0.08"},
    "reference": {"shape": "box", "style": "rounded,dashed", "fontsize": "9",
                  "color": "#888888", "fontcolor": "#444444", "margin": "0.04,0.02"},
    # What a focused picture leaves out: "... 2 more inputs", "... read by 3 more ops".
    "stub": {"shape": "box", "style": "dashed", "fontsize": "9", "color": "#999999",
             "fontcolor": "#666666", "margin": "0.04,0.02", "height": "0.2"},
    "folded": FOLDED_ATTRS,
}

EDGE_KIND_ATTRS = {
    "data": {},
    # No edge label: Graphviz lays a label out as an extra node on every rank the edge crosses,
    # and an update edge crosses the whole graph (a 200-op graph took 50x longer with them).
    "update": {"style": "dashed", "color": "#e6550d", "constraint": "false"},
    "update_tag": {"style": "dashed", "color": "#e6550d"},
    "summary": {"style": "dotted", "color": "#888888"},
    # "... read by 3 more ops" sits beside its op (minlen 0: the same rank; in the op's own box,
    # boundary.py), not on a rank of its own below: there it widened the lowest ranks of a
    # focused picture, leaving a tall empty band above them (LeNet's --focus W2, after).
    "stub": {"style": "dotted", "color": "#999999", "arrowhead": "none", "minlen": "0"},
    # Into a folded box (render/fold.py): a gradient, in the scopes' violet.
    "gradient": {"color": "#6a51a3", "arrowhead": "empty"},
}

CLUSTER_ATTRS = {
    "stage": {"style": "rounded", "color": "#999999", "fontsize": "14"},
    "scope": {"style": "rounded,dashed", "color": "#6a51a3", "fontcolor": "#6a51a3",
              "fontsize": "11"},
    # Its own font colour: a cluster inherits its parent's, and a scope's violet is hard to
    # read on a rewrite's fill.
    # Filled with the colour of the rewrite that fused it; pale grey when none did (a graph
    # the user packaged, OpFromGraph).
    "fused": {"style": "rounded,filled", "color": "#666666", "fillcolor": "#f2f2f2",
              "fontcolor": "#000000", "fontsize": "10"},
    # A loop's step function: a pale box, so its ops read like the rest of the picture.
    "loop": {"style": "rounded,filled", "color": "#3182bd", "fillcolor": "#eef4fb",
             "fontcolor": "#08519c", "fontsize": "10"},
    "legend": {"style": "rounded", "color": "#bbbbbb", "fontsize": "11"},
}

# Light colours that keep black text readable, each at least RULE_COLOR_DISTANCE (CIE76 ΔE)
# from every kind's fill and every trace mark's colour (tests/render/test_style.py checks it):
# a rewritten op is never mistaken for an input, an output, a shared variable or a trace mark.
# Green, blue and orange belong to the kinds, so eight colours is what stays apart; with more
# rules than that colours repeat, and the legend still names each rule.
RULE_PALETTE = (
    "#f4a6a6", "#f2ee8c", "#c5e87a", "#f7a8c8", "#6eeaf7", "#e5bbfb", "#88f2c7", "#81c3f8",
)
RULE_COLOR_DISTANCE = 20



def rule_colors(rules) -> dict:
    """{rule name: fill colour}: a colour keyed by the rule's name (a CRC of it), stable across
    runs and pictures; when two rules of one picture land on one colour, the later in
    alphabetical order takes the next free one."""
    colors, taken = {}, set()
    for rule in sorted(set(rules)):
        start = zlib.crc32(rule.encode("utf-8")) % len(RULE_PALETTE)
        for step in range(len(RULE_PALETTE)):
            color = RULE_PALETTE[(start + step) % len(RULE_PALETTE)]
            if color not in taken or step == len(RULE_PALETTE) - 1:
                break
        # With more rules than colours, colours repeat; the legend still names each rule.
        taken.add(color)
        colors[rule] = color
    return colors
