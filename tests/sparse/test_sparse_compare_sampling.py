"""graphlens/sparse/compare.py, sampling.py and structured_monoid: sparse comparisons with
Theano 1.0's result types (sparse/sparse: sparse uint8 of x's format; with a dense matrix:
dense uint8) and the operators on sparse variables; sampling_dot, square_diagonal and diag
against numpy, with their gradients against finite differences."""

import numpy as np
import pytest
import scipy.sparse as sp

import graphlens
import graphlens.tensor as T
from graphlens import sparse
from graphlens.errors import GraphlensTypeError, ShapeError
from graphlens.sparse import basic


def random_sparse(shape, format="csr", density=0.4, seed=0):
    rng = np.random.default_rng(seed)
    dense = rng.uniform(0.5, 1.5, size=shape) * (rng.random(shape) < density)
    return getattr(sp, f"{format}_matrix")(dense)


X = random_sparse((4, 5))
Y = random_sparse((4, 5), seed=1)
D = np.random.default_rng(3).uniform(0.0, 1.5, size=(4, 5))
D[X.nonzero()[0][:2], X.nonzero()[1][:2]] = X.data[:2]       # a few ties, for <= and ==


def run(inputs, outputs, *values):
    return graphlens.function(inputs, outputs)(*values)


@pytest.mark.parametrize("name, numpy_op", [("lt", np.less), ("gt", np.greater),
                                            ("le", np.less_equal), ("ge", np.greater_equal),
                                            ("eq", np.equal), ("neq", np.not_equal)])
@pytest.mark.parametrize("format", ["csr", "csc"])
def test_sparse_sparse_comparisons_are_sparse_uint8_of_xs_format(name, numpy_op, format):
    x, y = sparse.matrix(format, "x"), sparse.csr_matrix("y")
    out = getattr(sparse, name)(x, y)
    assert out.type == sparse.SparseType(format, "uint8")
    value = run([x, y], out, X.asformat(format), Y)
    assert value.format == format and value.dtype == np.uint8
    np.testing.assert_array_equal(value.toarray(), numpy_op(X.toarray(), Y.toarray()))


@pytest.mark.parametrize("name, numpy_op", [("lt", np.less), ("gt", np.greater),
                                            ("le", np.less_equal), ("ge", np.greater_equal),
                                            ("eq", np.equal), ("neq", np.not_equal)])
def test_comparisons_with_a_dense_matrix_are_dense_uint8_from_either_side(name, numpy_op):
    x, d = sparse.csr_matrix("x"), T.dmatrix("d")
    left, right = getattr(sparse, name)(x, d), getattr(sparse, name)(d, x)
    assert left.type == right.type == T.TensorType("uint8", (None, None))
    got_left, got_right = run([x, d], [left, right], X, D)
    assert isinstance(got_left, np.ndarray) and got_left.dtype == np.uint8
    np.testing.assert_array_equal(got_left, numpy_op(X.toarray(), D))
    np.testing.assert_array_equal(got_right, numpy_op(D, X.toarray()))
    assert getattr(basic, name) is getattr(sparse, name)


def test_the_operators_on_sparse_variables_compare():
    x, y, d = sparse.csr_matrix("x"), sparse.csr_matrix("y"), T.dmatrix("d")
    assert isinstance((x < y).owner.op, sparse.LessThanSS)
    assert isinstance((x >= d).owner.op, sparse.GreaterEqualSD)
    lt, ge = run([x, y, d], [x < y, x >= d], X, Y, D)
    np.testing.assert_array_equal(lt.toarray(), X.toarray() < Y.toarray())
    np.testing.assert_array_equal(ge, X.toarray() >= D)
    assert graphlens.pp(x < y) == "x < y"
    # `==` stays identity: variables are dict keys.
    assert (x == y) is False and {x: 1}[x] == 1


def test_comparison_errors_name_the_operands():
    x = sparse.csr_matrix("x")
    with pytest.raises(GraphlensTypeError, match="one operand must be sparse"):
        sparse.lt(T.dmatrix("a"), T.dmatrix("b"))
    with pytest.raises(GraphlensTypeError, match="dense operand must be a matrix"):
        sparse.lt(x, T.dvector("v"))
    y = sparse.csr_matrix("y")
    f = graphlens.function([x, y], sparse.gt(x, y))
    with pytest.raises(ValueError, match=r"shapes \(4, 5\) and \(5, 4\)"):
        f(X, X.T.tocsr())


def test_no_gradient_flows_through_a_comparison():
    x, d = sparse.csr_matrix("x"), T.dmatrix("d")
    cost = T.sum(T.cast(sparse.lt(x, d), "float64") * d)
    g = graphlens.grad(cost, d)
    np.testing.assert_array_equal(run([x, d], g, X, D), (X.toarray() < D).astype(float))


def test_sampling_dot_is_p_times_x_y_transposed_at_ps_entries():
    rng = np.random.default_rng(5)
    xv, yv = rng.standard_normal((4, 3)), rng.standard_normal((5, 3))
    x, y = T.dmatrix("x"), T.dmatrix("y")
    for format in ("csr", "csc"):
        p = sparse.matrix(format, "p")
        out = sparse.sampling_dot(x, y, p)
        assert out.type == sparse.SparseType(format, "float64")
        value = run([x, y, p], out, xv, yv, X.asformat(format))
        assert value.format == format and value.nnz == X.nnz       # p's pattern, no more
        np.testing.assert_allclose(value.toarray(), X.toarray() * (xv @ yv.T), rtol=1e-12)
    assert basic.sampling_dot is sparse.sampling_dot
    # float32 operands with a float64 pattern: the upcast dtype.
    x32 = T.fmatrix("x32")
    assert sparse.sampling_dot(x32, x32, sparse.csr_matrix("p")).dtype == "float64"


def test_sampling_dot_gradients_match_finite_differences():
    rng = np.random.default_rng(6)
    xv, yv = rng.standard_normal((4, 3)), rng.standard_normal((5, 3))
    sparse.verify_grad_sparse(sparse.sampling_dot, [xv, yv, X])
    sparse.verify_grad_sparse(sparse.sampling_dot, [xv, yv, X], structured=True)
    # The gradient in x and y by hand: d/dx sum(w * out) = (p * w) @ y.
    x, y, p, w = T.dmatrix("x"), T.dmatrix("y"), sparse.csr_matrix("p"), T.dmatrix("w")
    cost = T.sum(sparse.dense_from_sparse(sparse.sampling_dot(x, y, p)) * w)
    wv = rng.standard_normal((4, 5))
    gx, gy = run([x, y, p, w], graphlens.grad(cost, [x, y]), xv, yv, X, wv)
    np.testing.assert_allclose(gx, (X.toarray() * wv) @ yv, rtol=1e-12)
    np.testing.assert_allclose(gy, (X.toarray() * wv).T @ xv, rtol=1e-12)


def test_sampling_dot_refuses_mismatched_operands_by_name():
    x, y = T.dmatrix("x"), T.dmatrix("y")
    with pytest.raises(GraphlensTypeError, match="y must be a dense matrix"):
        sparse.sampling_dot(x, sparse.csr_matrix("s"), sparse.csr_matrix("p"))
    with pytest.raises(ShapeError, match="lengths differ"):
        sparse.sampling_dot(T.TensorType("float64", (4, 3))("a"),
                            T.TensorType("float64", (5, 2))("b"),
                            sparse.csr_matrix("p"))
    p = sparse.csr_matrix("p")
    f = graphlens.function([x, y, p], sparse.sampling_dot(x, y, p))
    with pytest.raises(ValueError, match="takes y, not y.T"):
        f(np.ones((4, 3)), np.ones((3, 5)), X)


def test_square_diagonal_and_diag_are_each_others_inverse_and_gradient():
    v = T.dvector("v")
    m = sparse.square_diagonal(v)
    assert m.type == sparse.SparseType("csc", "float64")
    values = np.array([1.5, -2.0, 0.0, 3.0])
    built, back = run([v], [m, sparse.diag(m)], values)
    assert built.format == "csc" and built.shape == (4, 4)
    np.testing.assert_array_equal(built.toarray(), np.diag(values))
    np.testing.assert_array_equal(back, values)
    sparse.verify_grad_sparse(sparse.square_diagonal, [values])
    square = random_sparse((4, 4), "csc", density=0.6, seed=9)
    sparse.verify_grad_sparse(sparse.diag, [square])
    sparse.verify_grad_sparse(sparse.diag, [square], structured=True)
    with pytest.raises(GraphlensTypeError, match="must be a vector"):
        sparse.square_diagonal(T.dmatrix("m"))
    with pytest.raises(ValueError, match="must be square"):
        s = sparse.csr_matrix("s")
        run([s], sparse.diag(s), X)


def test_structured_monoid_decorates_a_function_of_the_stored_values():
    @basic.structured_monoid(T.sqr)
    def structured_square(x):
        """x ** 2 where x stores entries."""

    @basic.structured_monoid(T.add)
    def structured_shift(x, amount):
        """amount added to the stored entries only."""

    assert structured_square.__name__ == "structured_square"
    assert "stores entries" in structured_square.__doc__
    x = sparse.csr_matrix("x")
    squared, shifted = run([x], [structured_square(x), structured_shift(x, 2.0)], X)
    assert squared.nnz == shifted.nnz == X.nnz                 # the pattern is kept
    np.testing.assert_allclose(squared.toarray(), X.toarray() ** 2)
    expected = X.toarray().copy()
    expected[X.nonzero()] += 2.0
    np.testing.assert_allclose(shifted.toarray(), expected)
    sparse.verify_grad_sparse(structured_square, [X], structured=True)
