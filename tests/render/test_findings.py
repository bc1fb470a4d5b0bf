"""`graphlens show` draws the gradient findings on its own picture (render/findings.py): the
blocking op, its frontier edge and the dead path to the parameter, in both halves."""

import re

import numpy as np

import graphlens.tensor as T
from graphlens import function, grad, shared
from graphlens.render.dot import to_dot
from graphlens.render.findings import function_findings_overlay, match_clones
from graphlens.render.trace_overlay import BLOCKED_FILL, RED
from graphlens.graph.basic import clone_graph, toposort
from graphlens.trace.vanishing import vanishing
from tests.models import sgn_train


def _nodes(dot_text, prefix):
    """{key: attribute text} of the drawn nodes whose key starts with `prefix`."""
    return {key: attrs for key, attrs in re.findall(r"^\s*(\w+) \[(.*)\];$", dot_text, re.M)
            if key.startswith(prefix)}


def _label(attrs):
    return re.search(r'label="([^"]*)"', attrs).group(1)


def test_the_blocking_sgn_is_marked_in_both_halves():
    cost, params, train = sgn_train()
    overlay = function_findings_overlay(train, vanishing(cost, params))
    text = to_dot(train, stage="both", overlay=overlay)
    for prefix in ("b_n", "a_n"):
        marked = [_label(attrs) for attrs in _nodes(text, prefix).values()
                  if f'fillcolor="{BLOCKED_FILL}"' in attrs and f'color="{RED}"' in attrs]
        assert [label.split("\\n")[0] for label in marked] == ["Sgn"], (prefix, marked)
    # W1 (shared by both halves' roots) is marked in each; W2 is not.
    roots = {_label(attrs).split("\\n")[0]: attrs for attrs in
             list(_nodes(text, "b_v").values()) + list(_nodes(text, "a_v").values())}
    assert f'fillcolor="{BLOCKED_FILL}"' in roots["W1"]
    assert BLOCKED_FILL not in roots["W2"]
    assert text.count(f'fillcolor="{BLOCKED_FILL}"') >= 4 + 1     # 2 Sgn, 2 W1, the legend
    assert "gradient findings" in text and "the dead path" in text


def test_the_dead_path_is_dashed_in_both_halves():
    cost, params, train = sgn_train()
    overlay = function_findings_overlay(train, vanishing(cost, params))
    text = to_dot(train, stage="both", overlay=overlay)
    dashed = re.findall(r"^\s*(\w+) -> (\w+) \[.*style=\"dashed\", penwidth=\"1.6\"", text, re.M)
    # W1 -> its dot, in the before half and in the after half (the dot is Dot22 there).
    halves = sorted({tail[0] for tail, head in dashed})
    assert halves == ["a", "b"], dashed
    frontier = re.findall(r"^\s*(\w+) -> (\w+) \[.*color=\"#d62728\", penwidth=\"2.6\"", text,
                          re.M)
    assert sorted(head[0] for _, head in frontier) == ["a", "b"], frontier


def test_clones_are_matched_by_op_and_inputs():
    cost, params, train = sgn_train()
    users = toposort([cost])
    # function() no longer copies the graph it is given (its before graph is the user's own),
    # so the clones to match are made here.
    clones, _ = clone_graph([cost])
    node_map, _ = match_clones(users, toposort(clones))
    assert len(node_map) == len(users)
    assert all(clone.op == node.op and clone is not node for node, clone in node_map.items())


def test_no_findings_no_overlay_marks():
    x = T.dmatrix("x")
    w = shared(np.ones((3, 2)), name="w")
    cost = T.tanh(T.dot(x, w)).sum()
    train = function([x], cost, updates=[(w, w - 0.1 * grad(cost, w))])
    overlay = function_findings_overlay(train, vanishing(cost, [w]))
    assert not overlay.nodes and not overlay.edges and not overlay.legend
    assert BLOCKED_FILL not in to_dot(train, stage="both", overlay=overlay)


def test_the_dead_path_runs_through_fused_ops_as_in_the_before_half():
    # round-to-int labels: the path w -> dot -> add -> sigmoid -> add -> cast lies partly
    # inside fused ops after the rewrites; each of its edges is dashed there too.
    x, y = T.dmatrix("x"), T.ivector("y")
    w, b = shared(np.zeros(5), name="w"), shared(0.0, name="b")
    labels = T.cast(T.nnet.sigmoid(T.dot(x, w) + b) + 0.5, "int32")
    cost = T.sqr(labels - y).mean()
    gw, gb = grad(cost, [w, b], disconnected_inputs="ignore")
    train = function([x, y], cost, updates=[(w, w - 0.5 * gw), (b, b - 0.5 * gb)])
    overlay = function_findings_overlay(train, vanishing(cost, [w, b]))
    text = to_dot(train, stage="both", overlay=overlay)
    dashed = re.findall(r"^\s*(\w+) -> (\w+) \[.*style=\"dashed\", penwidth=\"1.6\"", text, re.M)
    before = [edge for edge in dashed if edge[1].startswith("b_")]
    after = [edge for edge in dashed if edge[1].startswith("a_")]
    assert len(before) == 6 and len(after) == 6, (before, after)
    frontier = re.findall(r"^\s*\w+ -> (\w+) \[.*color=\"#d62728\", penwidth=\"2.6\"", text, re.M)
    assert sorted(head[0] for head in frontier) == ["a", "b"]
