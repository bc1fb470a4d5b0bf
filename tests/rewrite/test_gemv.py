"""A matrix times a vector becomes one Gemv node, the matrix read transposed in place where
the graph transposes it (dot(a.T, v), and dot(v, a) which is a.T @ v). Theano's optimized
graphs held its Gemv there, and Theano's own tutorial tells the CPU from the GPU by looking
for that class in a compiled function."""

import numpy as np
import pytest

import graphlens
import graphlens.tensor as T
from graphlens import function
from graphlens.errors import ShapeError
from graphlens.gradient import verify_grad
from graphlens.rewrite.specialize import Gemv


def _ops(f):
    return [node.op for node in f.maker.fgraph.toposort()]


@pytest.mark.parametrize("build, expected, transpose", [
    (lambda a, v, u: T.dot(a, v), lambda A, V, U: A @ V, False),
    (lambda a, v, u: T.dot(a.T, u), lambda A, V, U: A.T @ U, True),
    (lambda a, v, u: T.dot(u, a), lambda A, V, U: U @ A, True),
    (lambda a, v, u: T.dot(v, a.T), lambda A, V, U: V @ A.T, False),
])
def test_every_matrix_vector_product_is_one_gemv_reading_the_matrix_as_it_is(build, expected,
                                                                              transpose):
    a, v, u = T.dmatrix("a"), T.dvector("v"), T.dvector("u")
    f = function([a, v, u], build(a, v, u), on_unused_input="ignore")
    assert _ops(f) == [Gemv(transpose)]
    rng = np.random.RandomState(0)
    A, V, U = rng.randn(4, 3), rng.randn(3), rng.randn(4)
    np.testing.assert_allclose(f(A, V, U), expected(A, V, U), rtol=1e-13)


def test_gemv_gradients_by_finite_differences():
    rng = np.random.RandomState(1)
    verify_grad(lambda a, v: Gemv(False)(a, v) ** 2, [rng.randn(4, 3), rng.randn(3)], rng=rng)
    verify_grad(lambda a, v: Gemv(True)(a, v) ** 2, [rng.randn(3, 4), rng.randn(3)], rng=rng)


def test_gemv_upcasts_checks_lengths_and_names_its_transpose():
    a, v = T.fmatrix("a"), T.dvector("v")
    out = Gemv(False)(a, v)
    assert out.dtype == "float64" and Gemv(True).label == "Gemv{transpose_a=True}"
    with pytest.raises(ShapeError, match="inner lengths differ, 3 and 4"):
        Gemv(False)(T.TensorType("float64", (2, 3))("m"), T.TensorType("float64", (4,))("w"))
    f = function([a, v], out)
    with pytest.raises(ValueError, match="inner lengths differ"):
        f(np.ones((2, 3), "float32"), np.ones(4))


def test_theano_s_tutorial_logistic_regression_is_seen_running_on_the_cpu():
    # doc/tutorial/modes.txt and using_gpu.txt: "Used the cpu" when a Gemv is in the graph.
    rng = np.random
    x, y = T.matrix("x"), T.vector("y")
    w = graphlens.shared(rng.randn(784), name="w")
    b = graphlens.shared(0., name="b")
    p_1 = 1 / (1 + T.exp(-T.dot(x, w) - b))
    xent = -y * T.log(p_1) - (1 - y) * T.log(1 - p_1)
    cost = xent.mean() + 0.01 * (w ** 2).sum()
    gw, gb = T.grad(cost, [w, b])
    train = function([x, y], [p_1 > 0.5, xent], updates=[(w, w - 0.1 * gw), (b, b - 0.1 * gb)])
    names = [type(node.op).__name__ for node in train.maker.fgraph.toposort()]
    assert any(name in ("Gemv", "CGemv", "Gemm", "CGemm") for name in names)
    assert names.count("Gemv") == 2       # the prediction's product and the gradient's
