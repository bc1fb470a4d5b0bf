"""How loops print, draw and get rewritten: pp's `scan(fn=..., steps=...)`, debugprint's inner
tree, the picture's nested cluster before and after rewrites, loop-invariant hoisting, the step
graph rewritten and compiled once."""

import numpy as np

import graphlens
import graphlens.tensor as T
from graphlens import debugprint, function, pp, pydotprint, shared
from graphlens.compile.mode import Mode
from graphlens.scan import Scan


def _rnn():
    x = T.dmatrix("x")
    h0 = T.dvector("h0")
    U = T.dmatrix("U")
    W = shared(np.eye(3) * 0.5, name="W")
    h, _ = graphlens.scan(lambda x_t, h, U: T.tanh(T.dot(x_t, U) + T.dot(h, W)),
                          sequences=x, outputs_info=h0, non_sequences=U, name="rnn")
    return x, h0, U, W, h


def test_pp_prints_the_step_formula_the_steps_and_the_outer_arguments():
    x, h0, U, W, h = _rnn()
    assert pp(h[-1].sum()).splitlines() == [
        "%1 = scan(fn={h[t] = tanh(x[t] @ U + h[t-1] @ W)}, steps=x.shape[0])"
        "(x, h0[None, :], U, W)[-1]",
        "sum(%1)"]


def test_pp_binds_every_output_of_a_loop_with_several():
    v = T.dvector("v")
    (doubled, total), _ = graphlens.scan(lambda x, acc: [x * 2, acc + x], sequences=v,
                                         outputs_info=[None, T.constant(0.0, dtype="float64")])
    assert pp([doubled, total]) == (
        "%1, %2 = scan(fn={out1[t] = out1[t-1] + v[t]; out0[t] = v[t] * 2.0}, "
        "steps=v.shape[0])(v, 0.0)")


def test_debugprint_shows_the_step_tree_under_the_scan_node():
    x, h0, U, W, h = _rnn()
    text = debugprint(h, file="str")
    # W's current (3, 3) value gives each step's h[t] its length; the steps stay open.
    assert text.splitlines()[0] == "Scan{name=rnn} [id A] 'rnn' float64[?, 3]"
    assert "└─ inner graph of scan rnn -> h[t]" in text
    tail = text.split("inner graph of scan rnn -> h[t]\n")[1].splitlines()
    assert [line.strip(" │├└─") for line in tail] == [
        "Tanh [id I] float64[?]",
        "Add [id J] float64[?]",
        "Dot [id K] float64[?]",
        "x[t] [id L] float64[?]",
        "U [id M] float64[?, ?]",
        "Dot [id N] float64[?]",
        "h[t-1] [id O] float64[?]",
        "W [id P] float64[?, ?]"]


def test_picture_draws_the_step_as_a_cluster_before_and_after_rewrites():
    x, h0, U, W, h = _rnn()
    f = function([x, h0, U], h[-1].sum())
    dot = pydotprint(f, format="dot", stage="both")
    assert dot.count("label=\"scan rnn: 4 ops per step\"") == 1        # before
    # After: x[t] @ U runs before the loop over all of x; add+tanh fused: 2 ops per step.
    assert dot.count("label=\"scan rnn: 2 ops per step\"") == 1
    assert pp(f).splitlines()[0] == "%1 = x[:x.shape[0]] @ U"
    assert dot.count("Scan{name=rnn}") >= 2
    # The step's result and the number of steps end at the loop box's named cells.
    assert dot.count("{{<i0> h[t]|<i1> steps}|Scan\\{name=rnn\\}") == 2
    assert dot.count('headport="i1:n"') == 2


def test_loop_invariant_work_moves_out_and_the_step_is_rewritten_once():
    x, h0, U, W, h = _rnn()
    # U.T * 2 reads only a non-sequence: computed once, outside the loop.
    h2, _ = graphlens.scan(lambda x_t, h, U: T.tanh(T.dot(x_t, U.T * 2) + h), sequences=x,
                           outputs_info=h0, non_sequences=U)
    f = function([x, h0, U], h2)
    counts = f.rewrite_log.counts()
    assert counts["scan_hoist_invariants"] == 1 and counts["scan_rewrite_inner_graph"] == 1
    (node,) = [n for n in f.fgraph.apply_nodes if isinstance(n.op, Scan)]
    assert node.op.rewritten
    inner_ops = {type(n.op).__name__ for n in graphlens.graph.basic.toposort(
        list(node.op.inner_outputs))}
    assert "DimShuffle" not in inner_ops and "Mul" not in inner_ops
    value = np.arange(6.0).reshape(2, 3) / 10
    u = np.arange(9.0).reshape(3, 3) / 10
    expected, state = [], np.zeros(3)
    for row in value:
        state = np.tanh(row @ (u.T * 2) + state)
        expected.append(state)
    np.testing.assert_allclose(f(value, np.zeros(3), u), expected)
    # The same loop compiled into a second function reuses the rewritten, compiled step.
    g = function([x, h0, U], h2.sum())
    (other,) = [n for n in g.fgraph.apply_nodes if isinstance(n.op, Scan)]
    assert other.op is node.op
    assert "program" in node.op.__dict__


def test_without_rewrites_the_step_still_runs_and_prints_as_written():
    x, h0, U, W, h = _rnn()
    f = function([x, h0, U], h, mode=Mode("NONE"))
    (node,) = [n for n in f.fgraph.apply_nodes if isinstance(n.op, Scan)]
    assert not node.op.rewritten
    value = np.ones((2, 3))
    state, expected = np.zeros(3), []
    for row in value:
        state = np.tanh(row @ np.eye(3) + state @ (np.eye(3) * 0.5))
        expected.append(state)
    np.testing.assert_allclose(f(value, np.zeros(3), np.eye(3)), expected)


def test_unread_gradients_go_sequence_work_and_weight_sums_run_outside_the_loop():
    x, h0, U, W, h = _rnn()
    cost = (h ** 2).sum()
    f = function([x, h0, U], graphlens.grad(cost, W))
    counts = f.rewrite_log.counts()
    assert counts["scan_drop_unused_outputs"] >= 1 and counts["scan_hoist_sequence_work"] >= 1
    assert counts["scan_sum_of_products_after_loop"] >= 1
    loops = [n for n in f.fgraph.apply_nodes if isinstance(n.op, Scan)]
    backward = [n for n in loops if n.op.name == "grad_of_rnn"]
    # Only W's running sum is read: no per-step gradient of x, no sums for U or h0; and the
    # sum of h[t-1] outer dz[t] is one product after the loop: the step emits dz[t] only.
    assert len(backward) == 1 and backward[0].op.n_per_step == 1
    assert backward[0].op.n_states == 1          # the carried dh
    value, u = np.ones((4, 3)) * 0.3, np.eye(3)
    eps, base = 1e-6, W.get_value()
    numeric = np.zeros((3, 3))
    cost_f = function([x, h0, U], cost)
    for index in np.ndindex(3, 3):
        for sign in (1, -1):
            shifted = base.copy()
            shifted[index] += sign * eps
            W.set_value(shifted)
            numeric[index] += sign * cost_f(value, np.zeros(3), u) / (2 * eps)
    W.set_value(base)
    np.testing.assert_allclose(f(value, np.zeros(3), u), numeric, rtol=1e-6, atol=1e-9)


def test_the_after_picture_colours_the_steps_own_rewrites():
    x, h0, U, W, h = _rnn()
    f = function([x, h0, U], h[-1].sum())
    dot = pydotprint(f, format="dot", stage="after")
    # tanh(a + b) inside the loop was fused by the step's own rewrites: its box is coloured
    # and the legend names the rule.
    fused_cluster = [line for line in dot.splitlines() if "Composite: 2 ops fused" in line]
    assert fused_cluster and "fillcolor=" in fused_cluster[0]
    assert "fuse_elementwise" in dot.split("colour = the rewrite")[1]


def test_a_shared_running_sum_of_products_keeps_its_starting_value():
    # acc <- acc + x[t].T @ tanh(x[t]) at every step: after the rewrite one product after the
    # loop, plus the value acc had before.
    acc = shared(np.ones((2, 2)), name="acc")
    x = T.dtensor3("x")
    _, updates = graphlens.scan(lambda x_t: [(acc, acc + T.dot(x_t.T, T.tanh(x_t)))],
                                sequences=x)
    f = function([x], [], updates=updates)
    assert f.rewrite_log.counts().get("scan_sum_of_products_after_loop") == 1
    value = np.arange(12.0).reshape(3, 2, 2) / 10
    f(value)
    expected = np.ones((2, 2)) + sum(step.T @ np.tanh(step) for step in value)
    np.testing.assert_allclose(acc.get_value(), expected)


def test_two_equal_loops_merge_into_one_with_every_output():
    v = T.dvector("v")
    (doubled, total), _ = graphlens.scan(lambda x, acc: [x * 2, acc + x], sequences=v,
                                         outputs_info=[None, T.constant(0.0, dtype="float64")])
    twin = total.owner.op.make_node(*total.owner.inputs).outputs     # the same loop again
    f = function([v], [doubled, total, twin[0], twin[1]], mode=Mode("FAST_COMPILE"))
    assert sum(isinstance(n.op, Scan) for n in f.fgraph.apply_nodes) == 1
    got = f(np.array([1.0, 2.0]))
    np.testing.assert_allclose(got[1], [1.0, 3.0])
    np.testing.assert_allclose(got[2], [1.0, 3.0])
    np.testing.assert_allclose(got[3], [2.0, 4.0])


def test_latex_writes_the_step_in_escaped_braces_without_alignment():
    x, h0, U, W, h = _rnn()
    text = pp(h[-1], latex=True)
    assert text.startswith(r"\operatorname{scan}\left(fn=\{\mathrm{h[t]} = \tanh")
    assert "&" not in text


def test_edges_into_the_step_name_the_slice_they_carry():
    x, h0, U, W, h = _rnn()
    dot = pydotprint(h, format="dot")
    labels = {line.split('label="')[1].split('"')[0] for line in dot.splitlines()
              if " -> " in line and 'label="' in line}
    # Dot(x[t], U) and Dot(h[t-1], W): the sequence's and the state's slices are named; the
    # weights U and W, read whole on every step, carry only their argument position.
    assert {"0: x[t]", "0: h[t-1]", "1"} <= labels
    assert not any("U" in label or "W" in label for label in labels)
