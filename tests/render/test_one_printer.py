"""One printer and one naming rule: the same expression, and the same variable, read alike in
pp, debugprint, a fused op's label, the tracer's messages and the pictures (#12, #22, #20)."""

import re

import numpy as np

import graphlens.tensor as T
from graphlens import function, grad, shared
from graphlens.compile.mode import Mode
from graphlens.printer.expression import one_line
from graphlens.render.debugprint import debugprint
from graphlens.render.pp import pp
from graphlens.render.subject import views
from graphlens.render.viewbuilder import build_scene
from graphlens.rewrite.composite import Composite
from graphlens.trace.stats import gradient_stats
from graphlens.trace.vanishing import vanishing

NO_INPLACE = Mode("FAST_RUN", exclude=("inplace",))


def _fused(f):
    (node,) = [node for node in f.fgraph.toposort() if isinstance(node.op, Composite)]
    return node


def _substituted(formula, node):
    """The label's inner formula with the node's input names in place of i0, i1, ..."""
    return re.sub(r"\bi(\d+)\b", lambda m: node.inputs[int(m.group(1))].name, formula)


def test_a_fused_ops_label_reads_as_pp_writes_the_same_expression():
    x, y = T.dvectors("x", "y")
    # The label's old printer wrote `tanh((i0 * 2.0) + i1) - (i0 / (i1 + 1.0))`.
    expr = T.tanh(x * 2 + y) - x / (y + 1)
    f = function([x, y], expr, mode=NO_INPLACE)
    node = _fused(f)
    label = node.op.label
    assert label.startswith("Composite{") and label.endswith("}")
    assert _substituted(label[len("Composite{"):-1], node) == pp(expr) \
        == "tanh(x * 2.0 + y) - x / (y + 1.0)"
    assert pp(f) == f"out1 = {pp(expr)}"
    # debugprint's line for the node and the picture's box around the fused ops.
    assert debugprint(f, file="str").splitlines()[0].startswith(f"{label} [id A]")
    scene = build_scene(views(f, "after"))
    (fused,) = [cluster for cluster in scene.clusters if cluster.kind == "fused"]
    assert fused.tooltip.splitlines()[0] == label


def test_a_fused_label_too_long_to_read_gives_its_size():
    x = T.dvector("x")
    expr = x
    for _ in range(30):
        expr = T.tanh(expr) * 2 + 1
    label = _fused(function([x], expr, mode=NO_INPLACE)).op.label
    assert label == "Composite{90 ops}"


def test_the_tracers_formula_is_pps_formula():
    X = T.dmatrix("X")
    W1 = shared(np.ones((3, 2)), name="W1")
    b = shared(np.zeros(2), name="b")
    code = T.sgn(T.dot(X, W1) + b)
    cost = T.mean(T.sqr(code))
    (finding,) = vanishing(cost, [W1]).findings
    (blocker,) = finding.blockers
    assert blocker.expression == pp(code) == "sgn(X @ W1 + b[None, :])"
    assert one_line(cost, depth=None) == pp(cost)
    # Cut after two levels of ops; a broadcast is not a level of its own.
    assert one_line(cost, depth=2) == "mean(sqr(...))"
    assert one_line(code, depth=2) == "sgn(... + b[None, :])"


def _model():
    x = T.dmatrix("x")
    W = shared(np.full((3, 2), 0.1))                # unnamed
    c = shared(np.zeros(2))                         # unnamed, met first in the graph as built
    V = shared(np.full((2, 1), 0.1), name="V")
    V_out = shared(np.zeros(1), name="V")           # a second `V`
    # Listed in another order than the graph meets them: names follow the graph, not the list.
    params = [V, V_out, W, c]
    h = T.tanh(c + T.dot(x, W))                     # rewritten to x @ W + c (Dot22): W met first
    cost = T.mean(T.dot(h, V) + V_out)
    updates = [(p, p - 0.1 * g) for p, g in zip(params, grad(cost, params))]
    return x, params, cost, function([x], cost, updates=updates)


def test_unnamed_and_repeated_names_read_alike_in_every_view():
    x, params, cost, f = _model()
    expected = ["V", "V_2", "s2", "s1"]
    for stage in ("before", "after"):
        text = pp(f, stage=stage)
        assert [line.split(" <- ")[0] for line in text.splitlines() if " <- " in line] \
            == expected, text
        tree = debugprint(f, file="str", stage=stage)
        assert [line.split(" <- ")[0] for line in tree.splitlines() if " <- " in line] \
            == expected, tree
    assert vanishing(cost, params).parameters == expected
    stats = gradient_stats(cost, params, {x: np.ones((4, 3))})
    assert [node.name for node in stats.parameters] == expected
    scene = build_scene(views(f, "both"))
    for prefix in ("b", "a"):
        titles = [node.info["title"] for node in scene.nodes
                  if node.kind == "shared" and node.key.startswith(prefix + "_")]
        assert sorted(titles) == sorted(expected), titles
    assert "<parameter" not in str(vanishing(cost, params)) and "<float64" not in str(stats)


def test_a_report_about_unnamed_weights_calls_them_as_pp_does_on_every_line():
    x = T.dmatrix("x")
    W, b, V = shared(np.full((3, 4), 0.5)), shared(np.zeros(4)), shared(np.zeros((4, 2)))
    cost = T.mean(T.dot(T.tanh(T.dot(x, W) + b), V))
    text = str(gradient_stats(cost, [W, b, V], {x: np.ones((5, 3))}))
    assert pp(cost) == "mean(tanh(x @ s1 + s2[None, :]) @ s3)"
    # The zero-weight cause names V as the parameter table and pp do, not by a count of its own.
    assert "value zero: s3 is all zeros, so `... @ s3` passes no gradient back to " \
           "tanh(x @ s1 + s2[None, :])" in " ".join(text.split()), text
