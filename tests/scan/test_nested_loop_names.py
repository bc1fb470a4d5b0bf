"""A loop inside a loop's step: each depth's step counter has its own name (`t`, then `t2`,
`t3`), so `X[t][t2]` says which loop picks which element, in pp, debugprint and the gradient's
backward loops; a single loop still prints `x[t]`."""

import numpy as np
import pytest

import graphlens
import graphlens.tensor as T
from graphlens import debugprint, function, pp


def _row_sums(X, W):
    """Per row r of X, tanh(X[r] . W), summed over the rows by an outer loop; the dot product
    is an inner loop over the row's elements."""
    def row_step(row, acc):
        inner, _ = graphlens.scan(lambda v, w, a: a + v * w, sequences=[row, W],
                                  outputs_info=T.zeros_like(row[0]))
        return acc + T.tanh(inner[-1])
    out, _ = graphlens.scan(row_step, sequences=[X],
                            outputs_info=T.constant(0.0, dtype="float64"))
    return out


def test_pp_names_the_inner_loops_counter_t2_and_keeps_t_for_the_outer():
    X = T.dmatrix("X")
    out, _ = graphlens.scan(lambda row: graphlens.scan(lambda v: v * 2, sequences=[row])[0].sum(),
                            sequences=[X])
    assert pp(out) == (
        "scan(fn={out0[t] = sum(scan(fn={out0[t2] = X[t][t2] * 2.0}, steps=X[t].shape[0])"
        "(X[t]))}, steps=X.shape[0])(X)")


def test_an_inner_loop_over_an_outer_variable_still_counts_with_t2():
    # The inner loop's sequence W is no element of the outer loop's, yet it runs inside the
    # outer step: `W[t]` would read as "W at the outer step".
    X, W = T.dmatrix("X"), T.dvector("W")
    out, _ = graphlens.scan(
        lambda row, W: row.sum() + graphlens.scan(lambda w: w * 3, sequences=[W])[0].sum(),
        sequences=[X], non_sequences=[W])
    assert pp(out) == (
        "scan(fn={out0[t] = sum(X[t]) + sum(scan(fn={out0[t2] = W[t2] * 3.0}, "
        "steps=W.shape[0])(W))}, steps=X.shape[0])(X, W)")


def test_three_loops_deep_count_with_t_t2_t3_and_states_read_their_own_counter():
    A = T.dtensor3("A")

    def middle(plane):
        def inner(row):
            total, _ = graphlens.scan(lambda v, acc: acc + v, sequences=[row],
                                      outputs_info=T.constant(0.0, dtype="float64"))
            return total[-1]
        return graphlens.scan(inner, sequences=[plane])[0].sum()
    out, _ = graphlens.scan(middle, sequences=[A])
    text = pp(out)
    assert text == (
        "scan(fn={u1 = scan(fn={out0[t2] = scan(fn={out0[t3] = out0[t3-1] + A[t][t2][t3]}, "
        "steps=A[t][t2].shape[0])(A[t][t2], 0.0)[-1]}, steps=A[t].shape[0])(A[t]); "
        "out0[t] = sum(u1)}, steps=A.shape[0])(A)")
    f = function([A], out)
    values = np.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_allclose(f(values), values.sum(axis=(1, 2)))


def test_debugprint_shows_the_inner_loops_stand_ins_with_their_own_counter():
    X, W = T.dmatrix("X"), T.dvector("W")
    text = debugprint(_row_sums(X, W), file="str")
    assert "└─ inner graph of scan -> out0[t]" in text
    assert "└─ inner graph of scan -> out0[t2]" in text
    for line in ("├─ out0[t2-1] [id Y] float64", "├─ X[t][t2] [id BA] float64",
                 "└─ W[t2] [id BB] float64"):
        assert line in text


def test_the_gradient_of_a_nested_loop_runs_its_inner_backward_loop_on_t2():
    X, W = T.dmatrix("X"), T.dvector("W")
    cost = _row_sums(X, W)[-1]
    g_X, g_W = graphlens.grad(cost, [X, W])
    text = pp(g_X)
    # The inner backward loop, inside the outer backward step, counts on t2 too.
    assert "scan(fn={u1 = dout0[t2] + carry_dout0[t2]; carry_dout0[t2] = u1; " in text
    assert "out2[t2] = u1 * X[t][t2]}" in text
    assert "carry_dout0[t] = dout0[t] + carry_dout0[t]" in text
    f = function([X, W], [cost, g_X, g_W])
    x = np.arange(6.0).reshape(2, 3) / 10
    w = np.array([1.0, 2.0, 3.0])
    value, gx, gw = f(x, w)
    slope = 1 - np.tanh(x @ w) ** 2               # d tanh(X[r] . W)
    np.testing.assert_allclose(value, np.tanh(x @ w).sum(), rtol=1e-12)
    np.testing.assert_allclose(gx, slope[:, None] * w[None, :], rtol=1e-12)
    np.testing.assert_allclose(gw, slope @ x, rtol=1e-12)


def test_a_step_that_raises_leaves_the_next_loop_counting_with_t():
    x = T.dvector("x")

    def broken(v):
        raise ValueError("the user's step fails")
    with pytest.raises(ValueError, match="the user's step fails"):
        graphlens.scan(broken, sequences=[x])
    out, _ = graphlens.scan(lambda v: v + 1, sequences=[x])
    assert pp(out) == "scan(fn={out0[t] = x[t] + 1.0}, steps=x.shape[0])(x)"
