"""OpFromGraph (compile/builders.py, compile/inline.py): a graph packaged as one op, as
Theano's `theano.OpFromGraph`: values, gradients, shared variables, inline, overrides, views."""

import numpy as np
import pytest

import graphlens
import graphlens.tensor as T
from graphlens import OpFromGraph, function, grad, shared, verify_grad
from graphlens.errors import GraphlensTypeError


def _ops(f):
    return [type(node.op).__name__ for node in f.maker.fgraph.toposort()]


def test_theano_docs_example_gives_its_values():
    x, y, z = T.scalars("x", "y", "z")
    op = OpFromGraph([x, y, z], [x + y * z])
    f = function([x, y, z], op(x, y, z) - op(y, z, x))
    assert float(f(1.0, 2.0, 3.0)) == (1 + 2 * 3) - (2 + 3 * 1)
    assert _ops(f).count("OpFromGraph") == 2


def test_gradient_through_the_packaged_graph_matches_finite_differences():
    x, y = T.dmatrices("x", "y")
    op = OpFromGraph([x, y], [T.tanh(x) * y, x.sum() * y])
    verify_grad(lambda a, b: op(a, b)[0] + op(b, a)[1], [np.random.rand(2, 3) - 0.5,
                                                         np.random.rand(2, 3)])
    a, b = T.dmatrices("a", "b")
    ga = function([a, b], grad(op(a, b)[0].sum(), a))(np.zeros((1, 2)), np.ones((1, 2)) * 3)
    np.testing.assert_allclose(ga, [[3.0, 3.0]])


def test_shared_variables_inside_are_read_at_each_call_and_differentiable():
    x = T.dvector("x")
    w = shared(np.array([1.0, 2.0]), name="w")
    op = OpFromGraph([x], [x * w])
    f = function([x], op(x))
    np.testing.assert_array_equal(f(np.ones(2)), [1.0, 2.0])
    w.set_value(np.array([5.0, 7.0]))
    np.testing.assert_array_equal(f(np.ones(2)), [5.0, 7.0])
    gw = function([x], grad(op(x).sum(), w))(np.array([3.0, 4.0]))
    np.testing.assert_array_equal(gw, [3.0, 4.0])


def test_inline_puts_the_graph_in_place_and_optimizes_it_with_the_rest():
    x = T.dvector("x")
    op = OpFromGraph([x], [T.exp(x) * 2], inline=True)
    f = function([x], op(x) + 1)
    assert "OpFromGraph" not in _ops(f) and _ops(f) == ["Composite"]
    np.testing.assert_allclose(f(np.array([0.0, 1.0])), [3.0, 2 * np.e + 1])


def test_grad_overrides_replace_the_graph_gradient():
    x, y = T.dvectors("x", "y")
    op = OpFromGraph([x, y], [x * y], grad_overrides=lambda inps, gs: [gs[0] * 10, gs[0]])
    gx, gy = function([x, y], grad(op(x, y).sum(), [x, y]))(np.ones(2), np.ones(2))
    np.testing.assert_array_equal(gx, [10.0, 10.0])
    np.testing.assert_array_equal(gy, [1.0, 1.0])


def test_errors_name_what_is_wrong():
    x, y = T.dvectors("x", "y")
    with pytest.raises(GraphlensTypeError, match="read 'y'.*not among the inputs"):
        OpFromGraph([x], [x + y])
    op = OpFromGraph([x], [x * 2])
    with pytest.raises(GraphlensTypeError, match="takes 1 inputs, got 2"):
        op(x, y)
    with pytest.raises(GraphlensTypeError, match="input 0 must be"):
        op(T.dmatrix("m"))


def test_an_output_that_is_an_input_is_not_the_callers_array():
    x = T.dvector("x")
    op = OpFromGraph([x], [x])
    f = function([x], op(x) * 2)
    value = np.array([1.0, 2.0])
    np.testing.assert_array_equal(f(value), [2.0, 4.0])
    np.testing.assert_array_equal(value, [1.0, 2.0])


def test_views_show_the_graph_inside():
    x, y = T.dvectors("x", "y")
    op = OpFromGraph([x, y], [x + y * 2], name="axpy")
    a, b = T.dvectors("a", "b")
    out = op(a, b)
    text = graphlens.debugprint(out, file="str")
    assert text.splitlines()[0].startswith("axpy{i0 + i1 * 2.0}")
    assert "inner graph" in text
    assert graphlens.pp(out) == "a + b * 2.0"


def test_gradient_overrides_in_theanos_forms():
    import graphlens
    x, y = T.dvectors("x", "y")
    xx, yy = T.dvectors("xx", "yy")
    xv, yv = np.array([1.0, 2.0]), np.array([3.0, 5.0])

    def doubled(inputs, output_grads):
        return [output_grads[0] * inputs[1] * 2, output_grads[0] * inputs[0] * 1.5]

    g = T.dvector("g")
    as_op = OpFromGraph([x, y, g], doubled([x, y], [g]))          # an OpFromGraph override
    for override in (doubled, as_op):
        op = OpFromGraph([x, y], [x * y], grad_overrides=override)
        dx, dy = T.grad(T.sum(op(xx, yy)), [xx, yy])
        got = graphlens.function([xx, yy], [dx, dy])(xv, yv)
        np.testing.assert_allclose(got[0], yv * 2)
        np.testing.assert_allclose(got[1], xv * 1.5)
    # one entry per input: the graph's own gradient, or a disconnected marker
    op = OpFromGraph([x, y], [x * y],
                     grad_overrides=["default", graphlens.gradient.disconnected_type])
    np.testing.assert_allclose(graphlens.function([xx, yy], T.grad(T.sum(op(xx, yy)), xx))(
        xv, yv), yv)
    with pytest.raises(graphlens.gradient.DisconnectedInputError):
        T.grad(T.sum(op(xx, yy)), yy)
    # lop_overrides also receive the outputs
    op = OpFromGraph([x, y], [x * y], lop_overrides=lambda i, o, gs: [gs[0] * o[0], gs[0]])
    np.testing.assert_allclose(graphlens.function([xx, yy], T.grad(T.sum(op(xx, yy)), xx))(
        xv, yv), xv * yv)


def test_connection_pattern_is_read_from_the_graph_through_inner_ops():
    x, y, z = T.dmatrices("x", "y", "z")
    op1 = OpFromGraph([x, y, z], [x * y, y * z])
    assert op1.connection_pattern(None) == [[True, False], [True, True], [False, True]]
    m, n, p, q = T.dmatrices("m", "n", "p", "q")
    o1, o2 = op1(m, n, p)
    op2 = OpFromGraph([m, n, p, q], list(op1(o1, q, o2)))
    # out1 = o1 * q = (m * n) * q; out2 = q * o2 = q * (n * p): op1's pattern, composed.
    assert op2.connection_pattern(None) == [[True, False], [True, True], [False, True],
                                            [True, True]]
    given = OpFromGraph([x, y], [x + y], connection_pattern=[[True], [False]])
    assert given.connection_pattern(None) == [[True], [False]]


def test_a_grad_override_list_may_hold_theano_marker_variables():
    from graphlens.gradient import DisconnectedType, NullType
    x, w, b = T.dvectors("x", "w", "b")
    op = OpFromGraph([x, w, b], [x * w + b],
                     grad_overrides=[lambda inps, gs: gs[0] * inps[1] * 2, NullType()(),
                                     DisconnectedType()()])
    cost = op(x, w, b).sum()
    dx, dw, db = grad(cost, [x, w, b], return_disconnected="Disconnected",
                      disconnected_inputs="ignore", null_gradients="return")
    assert isinstance(dw.type, NullType) and isinstance(db.type, DisconnectedType)
    f = function([x, w, b], dx, on_unused_input="ignore")
    np.testing.assert_allclose(f(np.ones(2), np.array([1.0, 3.0]), np.zeros(2)), [2.0, 6.0])


def test_shapes_of_the_outputs_are_inferred_without_running_the_op():
    x, y = T.dmatrices("x", "y")
    op = OpFromGraph([x, y], [x + y, T.dot(x, y.T)])
    a, b = T.dmatrices("a", "b")
    s, d = op(a, b)
    f = function([a, b], [s.shape, d.shape])
    assert "OpFromGraph" not in _ops(f)
    first, second = f(np.ones((3, 4)), np.ones((3, 4)))
    assert tuple(first) == (3, 4) and tuple(second) == (3, 3)


@pytest.mark.parametrize("inline", [False, True])
def test_rop_overrides_give_the_jacobian_vector_product_rop_uses(inline):
    # Theano's test_rop_override: the user's R_op (here deliberately not the true one of
    # x * y) is what Rop returns; it was accepted and never used. grad is unchanged by it.
    x, y, u, v = T.dvectors("x", "y", "u", "v")

    def by_hand(inputs, points):
        (a, b), (da, db) = inputs, points
        return [da * b * 2.0 + a * db * 1.5]

    as_op = OpFromGraph([x, y, u, v], by_hand([x, y], [u, v]))
    values = [np.array([1.0, 2.0]), np.array([3.0, -1.0]), np.array([0.5, 4.0]),
              np.array([-2.0, 1.0])]
    expected = values[2] * values[1] * 2.0 + values[0] * values[3] * 1.5
    for override in (by_hand, as_op):
        mul = OpFromGraph([x, y], [x * y], rop_overrides=override, inline=inline)
        xx, yy, du, dv = T.dvectors("xx", "yy", "du", "dv")
        out = mul(xx, yy)
        jv = T.Rop(out, [xx, yy], [du, dv])
        np.testing.assert_allclose(function([xx, yy, du, dv], jv)(*values), expected)
        g = grad(out.sum(), xx)                      # the graph's own gradient: y
        np.testing.assert_allclose(function([xx, yy], g)(values[0], values[1]), values[1])
    with pytest.raises(GraphlensTypeError, match="rop_overrides must be"):
        OpFromGraph([x, y], [x * y], rop_overrides=3)
