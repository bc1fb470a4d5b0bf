"""Focused pictures (render/focus.py, boundary.py, lookup.py): exactly which ops a neighbourhood,
a path and a gradient's route keep, the boxes standing for what they leave out, names, errors."""

import re
from dataclasses import dataclass

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function, grad, shared
from graphlens.errors import FocusError
from graphlens.graph.basic import Apply
from graphlens.graph.op import Op
from graphlens.render import labels
from graphlens.render.dot import to_dot
from graphlens.render.focus import Focus, select
from graphlens.render.picture import pydotprint
from graphlens.render.subject import views
from graphlens.render.trace_overlay import BLOCKED_FILL, RED
from graphlens.tensor.math import Exp
from tests.models import sgn_train


def _graph():
    """out = log(exp(x) * y) + sin(exp(x)): a small graph with a branch."""
    x, y = T.dvector("x"), T.dvector("y")
    a = T.exp(x)
    a.name = "a"
    b = a * y
    c = T.log(b)
    d = T.sin(a)
    d.name = "d"
    out = c + d
    return x, y, a, b, c, d, out


def _ops(selection):
    return {type(node.op).__name__ for node in selection.nodes}


def _selected(focus, out):
    return select(focus, views(out, "after")[0])


def test_hops_count_steps_to_inputs_and_readers():
    x, y, a, b, c, d, out = _graph()
    one = _selected(Focus.around(a, hops=1), out)
    assert _ops(one) == {"Exp", "Mul", "Sin"}
    assert one.roots == {x}
    two = _selected(Focus.around("a", hops=2), out)
    assert _ops(two) == {"Exp", "Mul", "Sin", "Log", "Add"}
    assert two.roots == {x, y}
    zero = _selected(Focus.around(a, hops=0), out)
    assert _ops(zero) == {"Exp"} and zero.roots == set()


def test_a_root_starts_the_walk_at_its_readers():
    x, y, a, b, c, d, out = _graph()
    selection = _selected(Focus.around(y, hops=2), out)
    assert _ops(selection) == {"Mul", "Exp", "Log"}
    assert selection.roots == {y}


def test_path_keeps_the_ops_between_two_variables_either_way_round():
    x, y, a, b, c, d, out = _graph()
    forward = _selected(Focus.path(x, c), out)
    assert _ops(forward) == {"Exp", "Mul", "Log"}
    assert {node.outputs[0] for node in forward.nodes} == {a, b, c}
    assert _selected(Focus.path(c, x), out).nodes == forward.nodes
    # From an intermediate variable: its own op is drawn too.
    assert _ops(_selected(Focus.path("a", out), out)) == {"Exp", "Mul", "Log", "Sin", "Add"}


def test_path_between_two_roots_goes_down_to_where_they_meet():
    x, y, a, b, c, d, out = _graph()
    assert _ops(_selected(Focus.path(x, y), out)) == {"Exp", "Mul"}


def test_no_path_is_an_error_naming_both():
    x, y = T.dvector("x"), T.dvector("y")
    with pytest.raises(FocusError, match=r"no path joins x and y in the graph: neither is "
                                         r"computed from the other"):
        to_dot([T.exp(x), T.log(y)], focus=Focus.path("x", "y"))


def test_route_keeps_the_forward_and_the_gradient_ops_of_one_parameter():
    rng = np.random.default_rng(0)
    X = T.dmatrix("X")
    W1 = shared(rng.standard_normal((4, 3)), name="W1")
    W2 = shared(rng.standard_normal((3, 2)), name="W2")
    h = T.tanh(T.dot(X, W1))
    cost = T.sqr(T.dot(h, W2)).sum()
    g1, g2 = grad(cost, [W1, W2])
    train = function([X], cost, updates=[(W1, W1 - 0.1 * g1), (W2, W2 - 0.1 * g2)])
    before = views(train, "before")[0]
    selection = select(Focus.route(cost, "W2"), before)
    forward = {node for node in selection.nodes if node.outputs[0] in
               set(_ancestors_of(before.outputs[0]))}
    # Forward: the ops from W2 up to the cost (not tanh or the first dot: they come before W2).
    assert sorted(type(node.op).__name__ for node in forward) == ["Dot", "Sqr", "Sum"]
    # Gradient: W2's new value and what it is computed from that depends on W2; W1's update
    # (and the delta through tanh, which reads W2 but feeds W1 only) are left out.
    update_w2 = dict(before.updates)[W2].owner
    update_w1 = dict(before.updates)[W1].owner
    assert update_w2 in selection.nodes and update_w1 not in selection.nodes
    assert h.owner not in selection.nodes
    assert not any(type(node.op).__name__ == "Tanh" for node in selection.nodes)
    # h (and h.T) come from outside the route: X and W1 are not read by its ops.
    assert selection.roots == {W2}


def _ancestors_of(var):
    from graphlens.graph.basic import ancestors
    return ancestors([var])


def _drawn(dot_text, prefix):
    """{key: attribute text} of the drawn nodes whose key starts with `prefix`."""
    return {key: attrs for key, attrs in re.findall(r"^\s*(\w+) \[(.*)\];$", dot_text, re.M)
            if key.startswith(prefix)}


def _first_line(attrs):
    return re.search(r'label="([^"]*)"', attrs).group(1).split("\\n")[0]


def test_the_focused_sgn_route_is_exactly_the_path_with_the_blocking_sgn_marked():
    cost, _, train = sgn_train(learning_rate=0.02)
    text = pydotprint(train, format="dot", stage="both", focus=Focus.route(cost, "W1"))
    before_ops = sorted(_first_line(attrs) for attrs in _drawn(text, "b_n").values())
    # Forward: dot, sgn, dot, sub, sqr, sum, mean; gradient: zeros (Second), X.T @ it, the
    # step, W1's update. W2's gradient and update are not drawn.
    assert before_ops == sorted(["Dot", "Sgn", "Dot", "Sub", "Sqr", "Sum{axis=1}",
                                 "Mean{axis=0}", "Second", "Dot", "Mul", "Sub"])
    for prefix in ("b_n", "a_n"):
        marked = [_first_line(attrs) for attrs in _drawn(text, prefix).values()
                  if f'fillcolor="{BLOCKED_FILL}"' in attrs and f'color="{RED}"' in attrs]
        assert marked == ["Sgn"], (prefix, marked)
    # An unnamed cost is called by its formula.
    cost_text = "mean(sum(..., axis=1))"
    assert f"focus: the gradient's route from {cost_text} to W1" in text
    assert re.search(rf"the gradient of {re.escape(cost_text)} dies before W1: blocked by sgn "
                     rf"at \S+:\d+", text)
    # The gradient graph's dead start, dashed red: zeros_like(h) (Second) before the rewrites;
    # after them X.T @ zeros is zeros of (X.shape[1], W1.shape[1]) (dot_of_zeros), one
    # AllocFromShapes reading both arrays' lengths (alloc_of_read_lengths): the start.
    for prefix, start in (("b_n", "Second"), ("a_n", "AllocFromShapes{axes=(1, 1)}")):
        dead = [_first_line(attrs) for attrs in _drawn(text, prefix).values()
                if 'style="rounded,dashed,filled"' in attrs and f'color="{RED}"' in attrs]
        assert dead == [start], (prefix, dead)
    assert "W1's gradient starts here, computed from forward values without the cost" in text
    # W2 is drawn as the dot's input, but its update edge is not (it is not on the route).
    updates = re.findall(r'tooltip="update: the new value of (\w+)"', text)
    assert updates == ["W1", "W1"]


def test_cut_off_inputs_and_readers_are_counted_in_boxes():
    x, y, a, b, c, d, out = _graph()
    text = to_dot(out, focus=Focus.around(a, hops=1))
    stubs = {key: attrs for key, attrs in _drawn(text, "g_f").items()}
    stub_labels = sorted(re.search(r'label="([^"]*)"', attrs).group(1)
                         for attrs in stubs.values())
    # Mul's y is beyond one hop; Mul is read by Log and Sin by Add, both outside.
    assert stub_labels == ["... 1 more input\\ny", "... read by 1 more op",
                           "... read by 1 more op"]
    assert all('class="stub"' in attrs for attrs in stubs.values())
    assert "Log at " in text and "Add at " in text        # the tooltips name the ops
    assert "output 0" not in text                          # the output is outside the focus


def test_a_box_for_several_inputs_draws_one_edge_labelled_with_their_positions():
    xs = [T.dscalar(f"x{i}") for i in range(5)]
    parts = [T.exp(v) for v in xs]
    joined = T.stack(parts)
    text = to_dot(joined, focus=Focus.around(joined, hops=0))
    edges = re.findall(r"^\s*(g_f\d+) -> (g_n\d+) \[.*headlabel=\"([^\"]*)\"", text, re.M)
    assert len(edges) == 1 and edges[0][2] == "0-4"
    assert "... 5 more inputs" in text


def test_names_are_told_apart_like_the_printers_and_errors_list_candidates():
    first, second = T.dvector("W"), T.dvector("W")
    out = T.exp(first) + second
    with pytest.raises(FocusError, match=r"'W' names 2 different variables in the graph: "
                                         r"W \(built at .*\), W_2 \(built at .*\)"):
        to_dot(out, focus=Focus.around("W", hops=1))
    assert _selected(Focus.around("W_2", hops=1), out).found == [second]
    assert _selected(Focus.around("W", hops=0, bindings={}), T.exp(first)).found == [first]
    with pytest.raises(FocusError, match=r"no variable named 'V' in the graph\. Its named "
                                         r"variables: W, W_2"):
        to_dot(out, focus=Focus.around("V"))


def test_a_model_binding_names_an_unnamed_variable():
    x = T.dvector("x")
    hidden = T.exp(x)
    out = T.log(hidden)
    selection = _selected(Focus.around("hidden", hops=0, bindings={"hidden": hidden}), out)
    assert selection.found == [hidden] and _ops(selection) == {"Exp"}


def test_focus_on_a_100k_op_chain_walks_iteratively():
    x = T.dvector("x")
    var, op = x, Exp()
    for step in range(100_000):
        # Built directly (fast): exp(exp(...exp(x)))
        var = Apply(op, [var], [var.type()]).outputs[0]
        if step == 50_000:
            middle = var
    text = to_dot(var, focus=Focus.around(middle, hops=2), max_nodes=None)
    assert len(_drawn(text, "g_n")) == 5
    assert text.count("... read by 1 more op") == 1 and text.count("more input") == 1
    assert len(select(Focus.path(middle, var), views(var, "after")[0]).nodes) == 50_000


@dataclass(frozen=True)
class Tagged(Op):
    """An op whose label carries a long text (a test op: labels come from props)."""

    text: str = ""

    def make_node(self, v):
        return Apply(self, [v], [v.type()])


def test_long_labels_are_cut_in_the_picture_and_kept_whole_in_the_tooltip():
    long_text = "a" * 500
    out = Tagged(long_text)(T.dvector("v"))
    text = to_dot(out)
    label = re.search(r'g_n0 \[.*?label="([^"]*)"', text).group(1)
    op_lines = label.split("\\n")[:-1]
    assert sum(len(line) for line in op_lines) <= labels.MAX_LABEL
    assert "".join(op_lines).endswith("...")
    tooltip = re.search(r'g_n0 \[.*?tooltip="([^"]*)"', text).group(1)
    assert f"text={long_text}" in tooltip


def test_a_name_the_rewrites_fused_away_is_found_through_its_fused_op():
    x = T.dvector("x")
    e = T.exp(x)
    e.name = "e"
    f = function([x], T.log(e * 2 + 1), name="f")
    after = views(f, "after")[0]
    assert not any(node.outputs[0].name == "e" for node in after.nodes())
    selection = select(Focus.around("e", hops=0), after)
    assert [type(node.op).__name__ for node in selection.nodes] == ["Composite"]
    assert _ops(select(Focus.around("e", hops=0), views(f, "before")[0])) == {"Exp"}
