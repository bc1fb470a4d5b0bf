"""Tests for graphlens/render/dot.py (and the scene it writes): DOT text of graphs and functions."""

import re
import sys
import zlib

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function, grad, shared
from graphlens.graph.basic import Apply, toposort
from graphlens.compile.mode import Mode
from graphlens.graph.fg import FunctionGraph
from graphlens.render.collapse import LARGE_GRAPH, levels
from graphlens.render.dot import quote, to_dot
from graphlens.render.style import RULE_PALETTE, rule_colors
from graphlens.tensor.math import Exp

NODE_LINE = re.compile(r'^\s+(\w+) \[(.*)\];$')
EDGE_LINE = re.compile(r'^\s+(\w+) -> (\w+) \[(.*)\];$')
ATTR = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def parse(dot_text):
    """({key: {attr: value}} of nodes, [(tail, head, attrs)] of edges), values still DOT-escaped."""
    nodes, edges = {}, []
    for line in dot_text.splitlines():
        edge = EDGE_LINE.match(line)
        if edge:
            edges.append((edge.group(1), edge.group(2), dict(ATTR.findall(edge.group(3)))))
            continue
        node = NODE_LINE.match(line)
        if node and node.group(1) not in ("graph", "node", "edge"):
            nodes[node.group(1)] = dict(ATTR.findall(node.group(2)))
    return nodes, edges


def cluster_body(dot_text, key):
    """The DOT lines inside `subgraph key { ... }`, nested clusters included."""
    lines = dot_text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == f"subgraph {key} {{")
    indent = lines[start][:len(lines[start]) - len(lines[start].lstrip())]
    end = next(i for i in range(start + 1, len(lines)) if lines[i] == indent + "}")
    return "\n".join(lines[start + 1:end])


def by_label(nodes, first_line):
    """The keys of the nodes whose label starts with `first_line`."""
    return [key for key, attrs in nodes.items()
            if attrs["label"].split("\\n")[0] == first_line]


def logistic_regression(mode="NONE"):
    """The Theano tutorial's logistic regression training step (3 features)."""
    x, y = T.dmatrix("x"), T.dvector("y")
    w = shared(np.linspace(-1.0, 1.0, 3), name="w")
    b = shared(0.0, name="b")
    p_1 = T.sigmoid(T.dot(x, w) + b)
    xent = -y * T.log(p_1) - (1 - y) * T.log(1 - p_1)
    cost = xent.mean() + 0.01 * (w ** 2).sum()
    gw, gb = grad(cost, [w, b])
    return function([x, y], [p_1 > 0.5, xent], updates=[(w, w - 0.1 * gw), (b, b - 0.1 * gb)],
                    name="train", mode=mode)


def exp_chain(length):
    """exp(exp(...exp(x))) with `length` Exp nodes, built directly (fast for 100,000 nodes)."""
    x = T.dvector("x")
    op, var = Exp(), x
    for _ in range(length):
        var = Apply(op, [var], [var.type()]).outputs[0]
    return x, var


def test_kinds_get_distinct_shapes_and_colours():
    nodes, _ = parse(to_dot(logistic_regression(), stage="before"))
    kinds = {attrs["class"]: (attrs["shape"], attrs["fillcolor"]) for attrs in nodes.values()}
    assert kinds == {
        "input": ("ellipse", "#c7e9c0"), "shared": ("cylinder", "#fdd49e"),
        "constant": ("octagon", "#ececec"), "op": ("box", "#f2f2f2"),
        "output": ("ellipse", "#c6dbef"),
    }
    assert all(attrs.get("peripheries") == "2" for attrs in nodes.values()
               if attrs["class"] == "output")


def test_variables_show_name_type_and_shape_and_ops_show_their_output_type():
    # W's current value gives its lengths; x's rows stay unknown until an example says them.
    x = T.dmatrix("x")
    W = shared(np.zeros((3, 4)), name="W")
    h = T.tanh(T.dot(x, W))
    h.name = "h"
    nodes, _ = parse(to_dot(h))
    labels = sorted(attrs["label"] for attrs in nodes.values())
    assert labels == ["Dot\\nfloat64[?, 4]", "Tanh\\nh: float64[?, 4]",
                      "W\\nfloat64[3, 4]", "h\\nfloat64[?, 4]", "x\\nfloat64[?, ?]"]
    nodes, _ = parse(to_dot(h, example_inputs={x: np.ones((7, 3))}))
    labels = sorted(attrs["label"] for attrs in nodes.values())
    assert labels == ["Dot\\nfloat64[7, 4]", "Tanh\\nh: float64[7, 4]",
                      "W\\nfloat64[3, 4]", "h\\nfloat64[7, 4]", "x\\nfloat64[7, 3]"]
    assert x.type.shape == (None, None) and W.type.shape == (None, None)


def test_a_node_whose_known_shapes_do_not_fit_is_drawn_red_with_both_shapes():
    x = T.dmatrix("x", test_value=np.ones((5, 3)))
    W = shared(np.zeros((4, 2)), name="W")
    y = T.dot(x, W)  # MISFIT
    nodes, _ = parse(to_dot(y))
    (dot,) = [attrs for attrs in nodes.values() if attrs["label"].startswith("Dot")]
    assert dot["color"] == "#d62728"
    assert dot["label"] == "Dot\\nfloat64[?, ?]\\nshapes do not fit"
    line = next(n for n, text in enumerate(open(__file__), 1) if text.rstrip().endswith("# MISFIT"))
    assert f"test_dot.py:{line}" in dot["tooltip"]
    assert "float64[5, 3], float64[4, 2]" in dot["tooltip"]


def test_argument_positions_label_edges_of_non_commutative_ops_only():
    a, b = T.dvector("a"), T.dvector("b")
    nodes, edges = parse(to_dot([a - b, a + b]))
    (sub,), (add,) = by_label(nodes, "Sub"), by_label(nodes, "Add")
    (a_key,), (b_key,) = by_label(nodes, "a"), by_label(nodes, "b")
    into_sub = {(tail, attrs.get("headlabel")) for tail, head, attrs in edges if head == sub}
    into_add = {(tail, attrs.get("headlabel")) for tail, head, attrs in edges if head == add}
    assert into_sub == {(a_key, "0"), (b_key, "1")}
    assert into_add == {(a_key, None), (b_key, None)}


def test_updates_are_dashed_edges_back_to_their_shared_variable():
    nodes, edges = parse(to_dot(logistic_regression(), stage="before"))
    updates = [(tail, head, attrs) for tail, head, attrs in edges if attrs["class"] == "update"]
    heads = sorted(nodes[head]["label"].split("\\n")[0] for _, head, _ in updates)
    assert heads == ["b", "w"]
    assert all(attrs["style"] == "dashed" and attrs["tooltip"].startswith("update: the new value")
               for _, _, attrs in updates)
    # Each update comes out of the op computing the new value: w - 0.1 * gw is a Sub.
    assert {nodes[tail]["label"].split("\\n")[0] for tail, _, _ in updates} == {"Sub"}


def test_outputs_are_numbered_and_fed_by_the_ops_computing_them():
    nodes, edges = parse(to_dot(logistic_regression(), stage="before"))
    outputs = {key: attrs["label"] for key, attrs in nodes.items() if attrs["class"] == "output"}
    assert outputs == {"b_o0": "output 0\\nbool[?]", "b_o1": "output 1\\nfloat64[?]"}
    feeders = {head: nodes[tail]["label"].split("\\n")[0] for tail, head, _ in edges
               if head in outputs}
    assert feeders == {"b_o0": "Gt", "b_o1": "Sub"}


def test_constants_are_drawn_once_per_use_with_their_value():
    x = T.dvector("x")
    nodes, edges = parse(to_dot([x * 2.0, x ** 2.0]))
    constants = [key for key, attrs in nodes.items() if attrs["class"] == "constant"]
    assert len(constants) == 2
    assert all(sum(1 for tail, _, _ in edges if tail == key) == 1 for key in constants)


def test_same_graph_built_twice_gives_identical_text():
    assert to_dot(logistic_regression(), stage="before") == to_dot(logistic_regression(),
                                                                   stage="before")


def test_keys_follow_walk_order_not_object_identity():
    nodes, _ = parse(to_dot(exp_chain(3)[1]))
    assert sorted(nodes) == ["g_n0", "g_n1", "g_n2", "g_o0", "g_v0"]


@pytest.mark.parametrize("name, expected", [
    ("<script>alert(1)</script>", '"<script>alert(1)</script>"'),
    ('a"b&c', '"a\\"b&amp;c"'),
    ("back\\slash", '"back\\\\slash"'),
    ("two\nlines", '"two\\nlines"'),
    ("&lt;", '"&amp;lt;"'),
])
def test_quote_escapes_quotes_backslashes_ampersands_and_newlines(name, expected):
    assert quote(name) == expected


def test_user_names_with_control_characters_stay_on_one_line():
    x = T.dvector("evil\nname\\n\x00")
    nodes, _ = parse(to_dot(T.exp(x)))
    # The newline and the NUL print as Python escapes; the DOT text doubles every backslash.
    assert nodes["g_v0"]["label"] == "evil\\\\nname\\\\n\\\\x00\\nfloat64[?]"


def test_name_scopes_become_nested_clusters_that_pull_in_unnamed_ops():
    x = T.dmatrix("x")
    W1 = shared(np.zeros((3, 4)), name="net/layer1/W")
    W2 = shared(np.zeros((4, 2)), name="net/layer2/W")
    h = T.tanh(T.dot(x, W1))
    h.name = "net/layer1/h"
    out = T.dot(h, W2)
    out.name = "net/layer2/out"
    dot_text = to_dot(T.sum(out))
    clusters = re.findall(r'subgraph (\w+) \{\n\s+graph \[[^\n]*label="([^"]*)"', dot_text)
    assert [label for _, label in clusters] == ["net", "layer1", "layer2"]
    layer1 = cluster_body(dot_text, "cluster_g_s1")
    assert sorted(re.findall(r'label="(\w+)\\n', layer1)) == ["Dot", "Tanh", "W"]
    # The Sum reads layer2's result but is unnamed and is the graph's output: it stays outside.
    outside = dot_text.split("subgraph cluster_g_s0")[0]
    assert 'label="Sum{' in outside and 'label="x\\n' in outside


def test_graphs_over_max_nodes_draw_the_ops_nearest_the_outputs_and_count_the_rest():
    x, chain = exp_chain(50)
    nodes, edges = parse(to_dot(T.sum(chain), max_nodes=10))
    ops = [key for key, attrs in nodes.items() if attrs["class"] == "op"]
    assert len(ops) == 10
    assert [attrs["label"] for attrs in nodes.values() if attrs["label"].startswith("Sum")]
    summary = nodes["g_more"]
    assert summary["label"] == "... 41 more ops not drawn\\nExp x41\\n(max_nodes=10)"
    # The input x now feeds only hidden ops: it is drawn, pointing at the summary.
    (x_key,) = by_label(nodes, "x")
    assert (x_key, "g_more") in {(tail, head) for tail, head, _ in edges}


def test_stage_both_of_a_variable_says_to_compile_it():
    with pytest.raises(ValueError, match=r"stage='both' draws a compiled function.*function\("):
        to_dot(T.exp(T.dvector("x")), stage="both")


def test_invalid_options_are_refused_with_the_allowed_values():
    x = T.dvector("x")
    with pytest.raises(ValueError, match="stage must be one of 'after', 'before', 'both'"):
        to_dot(x, stage="middle")
    with pytest.raises(ValueError, match="max_nodes must be a positive int or None"):
        to_dot(x, max_nodes=0)
    with pytest.raises(ValueError, match="rankdir must be one of TB, LR, BT, RL"):
        to_dot(x, rankdir="up")
    with pytest.raises(TypeError, match=r"cannot draw 3 \(item 1 of the list\)"):
        to_dot([x, 3])


def test_a_function_graph_is_drawn_with_its_inputs_and_outputs():
    x = T.dvector("x")
    nodes, _ = parse(to_dot(FunctionGraph([x], [T.exp(x)])))
    assert sorted(attrs["class"] for attrs in nodes.values()) == ["input", "op", "output"]


def test_100k_node_graph_collapses_to_its_first_thousand_ops():
    # (How long it takes is measured in bench/big_graph.py, not asserted here: no timed tests.)
    _, chain = exp_chain(100_000)
    nodes, _ = parse(to_dot(chain))
    assert sum(1 for attrs in nodes.values() if attrs["class"] == "op") == 1000
    assert nodes["g_more"]["label"].startswith("... 99,000 more ops not drawn\\nExp x99,000")


def log_sigmoid(mode=None):
    x = T.dvector("x")
    out = T.log(T.nnet.sigmoid(x))                  # LOG_SIGMOID_LINE: the line tooltips name
    return function([x], out, mode=mode)


LOG_SIGMOID_LINE = next(number for number, line in enumerate(open(__file__), start=1)
                        if line.rstrip().endswith("# LOG_SIGMOID_LINE: the line tooltips name"))


def test_stage_both_draws_before_and_after_side_by_side_with_a_legend():
    dot_text = to_dot(log_sigmoid(), stage="both")
    clusters = re.findall(r'^  subgraph (\w+) \{', dot_text, re.M)
    assert clusters == ["cluster_b", "cluster_a", "cluster_legend"]
    assert 'label="before rewrites: 2 ops"' in dot_text
    assert re.search(r'label="after rewrites: \d+ ops?, \d+ replacements?"', dot_text)


def test_nodes_a_rewrite_made_take_its_colour_and_name_it_and_their_originals():
    no_fusion = Mode("FAST_RUN", exclude=("fusion", "inplace"))
    f = log_sigmoid(no_fusion)
    nodes, _ = parse(to_dot(f, stage="both"))
    color = rule_colors(["log_sigmoid_to_softplus"])["log_sigmoid_to_softplus"]
    after_ops = {key: attrs for key, attrs in nodes.items()
                 if key.startswith("a_n") and attrs["class"] == "op"}
    assert sorted(attrs["label"].split("\\n")[0] for attrs in after_ops.values()) == [
        "Neg", "Neg", "Softplus"]
    for attrs in after_ops.values():
        assert attrs["fillcolor"] == color
        assert "made by rewrite log_sigmoid_to_softplus (graphlens/rewrite/" in attrs["tooltip"]
        line = f"tests/render/test_dot.py:{LOG_SIGMOID_LINE}"
        assert (f"from before-graph nodes: Sigmoid at {line}, Log at {line}"
                in attrs["tooltip"])
        # Made while compiling: the line shown is the one that built the replaced nodes, not
        # the line that called `function`.
        assert f"built at tests/render/test_dot.py:{LOG_SIGMOID_LINE}" in attrs["tooltip"]
    assert nodes["legend0"]["label"] == "log_sigmoid_to_softplus\\n3 nodes"
    assert nodes["legend0"]["fillcolor"] == color


def test_untouched_nodes_stay_grey_and_point_at_their_before_node():
    x = T.dvector("x")
    exp, exp_line = T.exp(x), sys._getframe().f_lineno
    f = function([x], exp, mode="FAST_COMPILE")
    nodes, _ = parse(to_dot(f, stage="after"))
    assert nodes["a_n0"]["fillcolor"] == "#f2f2f2"
    assert nodes["a_n0"]["tooltip"].endswith(
        f"unchanged from before-graph node Exp at tests/render/test_dot.py:{exp_line}")


def test_fused_ops_open_up_as_a_cluster_of_their_inner_ops():
    x = T.dvector("x")
    f = function([x], T.exp(x) * 2.0 + T.tanh(x))
    dot_text = to_dot(f)
    fused = re.search(r'subgraph (cluster_a_n\d+) \{\n\s+graph \[[^\n]*label="([^"]*)"',
                      dot_text)
    assert fused, dot_text
    body = cluster_body(dot_text, fused.group(1))
    inner = sorted(re.findall(r'label="(\w+)\\n', body))
    assert inner == ["Add", "Exp", "Mul", "Tanh"]
    assert fused.group(2) == "Composite: 4 ops fused"
    nodes, edges = parse(dot_text)
    (x_key,) = by_label(nodes, "x")
    # The input feeds the inner ops that read it; the output reads the inner Add.
    assert sorted(nodes[head]["label"].split("\\n")[0] for tail, head, _ in edges
                  if tail == x_key) == ["Exp", "Tanh"]
    (add_key,) = [key for key in by_label(nodes, "Add") if key.startswith("a_n")]
    assert (add_key, "a_o0") in {(tail, head) for tail, head, _ in edges}


def test_rule_colours_are_stable_and_distinct_within_a_picture():
    rules = ["merge", "constant_fold", "fuse_elementwise", "log_sigmoid_to_softplus"]
    colors = rule_colors(rules)
    assert colors == rule_colors(list(reversed(rules)))
    assert len(set(colors.values())) == len(rules)
    # Alone, a rule takes the colour its name's CRC picks: the same in every picture.
    alone = rule_colors(["merge"])["merge"]
    assert alone == RULE_PALETTE[zlib.crc32(b"merge") % len(RULE_PALETTE)]


def test_large_pictures_cut_long_edges_into_reference_tags():
    x = T.dvector("x")
    var = x
    for _ in range(LARGE_GRAPH + 10):
        var = T.exp(var)
    nodes, edges = parse(to_dot(var + x))
    references = {key: attrs for key, attrs in nodes.items() if attrs["class"] == "reference"}
    # x is read at the top and again by the last Add, far below: that read becomes a tag.
    assert [attrs["label"] for attrs in references.values()] == ["x\\n(drawn above)"]
    assert all("g_v0" not in attrs["tooltip"] for attrs in references.values())
    (tag,) = references
    (add_key,) = by_label(nodes, "Add")
    assert (tag, add_key) in {(tail, head) for tail, head, _ in edges}
    small = parse(to_dot(T.exp(T.exp(x)) + x))[0]
    assert not any(attrs["class"] == "reference" for attrs in small.values())


def test_a_gradient_reading_a_scoped_op_does_not_pull_it_out_of_its_scope():
    x = T.dmatrix("x")
    W = shared(np.ones((3, 3)), name="layer1/W")
    h = T.tanh(T.dot(x, W))
    h.name = "layer1/h"
    cost = T.sum(h)
    dot_text = to_dot(grad(cost, W), max_nodes=None)
    layer1 = cluster_body(dot_text, "cluster_g_s0")
    # The gradient reads Dot's result again (it rebuilds tanh's derivative from it).
    assert sorted(re.findall(r'label="(\w+)\\n', layer1)) == ["Dot", "Tanh", "W"]


def test_levels_of_a_100k_node_chain_are_computed_without_recursion():
    x, chain = exp_chain(100_000)
    nodes = toposort([chain])
    level = levels(nodes)
    assert level[nodes[0]] == 1 and level[nodes[-1]] == 100_000 and level[x] == 0


def test_a_fused_update_reads_its_far_away_weight_through_one_tag_inside_its_box():
    dot_text = to_dot(logistic_regression(mode="FAST_RUN"))
    nodes, edges = parse(dot_text)
    (w_key,) = [key for key in by_label(nodes, "w") if nodes[key]["class"] == "shared"]
    tags = [key for key, attrs in nodes.items()
            if attrs["class"] == "reference" and attrs["label"] == "w\\n(drawn above)"]
    assert len(tags) == 1
    fused = re.findall(r"subgraph (cluster_a_n\d+) \{", dot_text)
    holders = [key for key in fused if f"  {tags[0]} [" in cluster_body(dot_text, key)]
    assert len(holders) == 1
    # Every inner op reading w inside that box reads the one tag.
    assert sum(1 for tail, _, _ in edges if tail == tags[0]) >= 2


def tanh_chain(length):
    x = T.dvector("x")
    y = x
    for _ in range(length):
        y = T.tanh(y)
    return function([x], y)


def test_a_fused_op_too_big_to_read_is_drawn_closed_with_its_count():
    nodes, edges = parse(to_dot(tanh_chain(3300)))
    assert "subgraph cluster_a_n" not in to_dot(tanh_chain(3300))
    (fused,) = by_label(nodes, "Composite: 3,300 ops fused")
    assert "drawn closed: more than 200 fused ops" in nodes[fused]["tooltip"]
    assert len(nodes) == 4          # the input, the fused op, the output, one legend entry


def test_max_nodes_counts_the_inner_ops_of_a_fused_op_drawn_open():
    chain = tanh_chain(150)
    assert "subgraph cluster_a_n0" in to_dot(chain, max_nodes=None)
    closed = to_dot(chain, max_nodes=100)
    assert "subgraph cluster_a_n" not in closed
    assert by_label(parse(closed)[0], "Composite: 150 ops fused")


def test_a_picture_of_a_3300_op_fused_chain_lays_out_in_webassembly():
    from graphlens.render.svg import to_svg
    svg = to_svg(tanh_chain(3300), stage="both", backend="wasm")
    assert svg.count("Composite: 3,300 ops fused</text>") == 1      # the after half
    assert svg.count("<g id=\"b_n") == 1000      # the before half: max_nodes of the 3,300


def test_a_lone_op_made_in_place_is_boxed_as_in_place_not_as_fused():
    # The in-place rewrite wraps sgn(x @ W) alone so it may overwrite the product's array:
    # nothing was fused, and the box says what happened.
    x, W = T.dmatrix("x"), T.dmatrix("W")
    text = to_dot(function([x, W], T.sgn(T.dot(x, W))))
    assert 'label="in place: writes into input 0"' in text
    assert "1 op fused" not in text
