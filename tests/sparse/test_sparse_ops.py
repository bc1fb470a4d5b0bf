"""graphlens/sparse/basic.py and math.py: each op's value against scipy's (and the result's
type against Theano's rule), and each differentiable op's gradient against finite differences
(verify_grad_sparse, dense and structured)."""

import numpy as np
import pytest
import scipy.sparse as sp

import graphlens
import graphlens.tensor as T
from graphlens import sparse
from graphlens.errors import GradientCheckError, GraphlensTypeError


def random_sparse(shape, format="csr", density=0.4, seed=0):
    """A sparse matrix with a few stored entries away from zero (finite differences on the
    dense stand-in then never cross a sign of a stored value)."""
    rng = np.random.default_rng(seed)
    dense = rng.uniform(0.5, 1.5, size=shape) * (rng.random(shape) < density)
    return getattr(sp, f"{format}_matrix")(dense)


X = random_sparse((4, 5))
Y = random_sparse((4, 5), seed=1)
W = np.random.default_rng(2).standard_normal((5, 3))
D = np.random.default_rng(3).standard_normal((4, 5))


def run(inputs, outputs, *values):
    return graphlens.function(inputs, outputs)(*values)


@pytest.mark.parametrize("format", ["csr", "csc"])
def test_dense_from_sparse_and_back_keep_the_values_and_format(format):
    x = sparse.matrix(format, "x")
    dense, back = run([x], [sparse.dense_from_sparse(x), sparse.csr_from_dense(
        sparse.dense_from_sparse(x))], X.asformat(format))
    assert isinstance(dense, np.ndarray) and np.array_equal(dense, X.toarray())
    assert type(back) is sp.csr_matrix and np.array_equal(back.toarray(), X.toarray())
    assert back.nnz == X.nnz


def test_csm_properties_are_scipys_arrays_in_int32_and_csm_rebuilds_the_matrix():
    x = sparse.csc_matrix("x")
    data, indices, indptr, shape = sparse.csm_properties(x)
    rebuilt = sparse.CSC(data * 2, indices, indptr, shape)
    got = run([x], [data, indices, indptr, shape, rebuilt], X.tocsc())
    csc = X.tocsc()
    for value, expected in zip(got[:4], (csc.data, csc.indices, csc.indptr, csc.shape)):
        assert np.array_equal(value, expected)
    assert [v.dtype for v in got[1:4]] == [np.int32] * 3
    assert type(got[4]) is sp.csc_matrix and np.allclose(got[4].toarray(), 2 * X.toarray())


def test_products_equal_scipys_and_have_theanos_result_types():
    x, w, d = sparse.csr_matrix("x"), T.dmatrix("w"), T.dmatrix("d")
    y = sparse.csc_matrix("y")
    outputs = [sparse.dot(x, w), sparse.dot(d.T, x), sparse.dot(x, y.T),
               sparse.structured_dot(x, w), sparse.structured_dot(d.T, x),
               sparse.true_dot(x, w), T.dot(x, w), x @ w]
    assert [type(o.type).__name__ for o in outputs] == ["TensorType"] * 5 + [
        "SparseType", "TensorType", "TensorType"]
    got = run([x, w, d, y], outputs, X, W, D, Y.tocsc())
    expected = [X @ W, D.T @ X, (X @ Y.T).toarray(), X @ W, D.T @ X, X @ W, X @ W, X @ W]
    for value, want in zip(got, expected):
        value = value.toarray() if sp.issparse(value) else value
        assert np.allclose(value, want)


def test_dot_with_a_dense_vector():
    x, v = sparse.csr_matrix("x"), T.dvector("v")
    got = run([x, v], sparse.dot(x, v), X, W[:, 0])
    assert got.shape == (4,) and np.allclose(got, X @ W[:, 0])


def test_arithmetic_follows_theanos_result_types_and_scipys_values():
    x, y, d = sparse.csr_matrix("x"), sparse.csr_matrix("y"), T.dmatrix("d")
    outputs = [x + y, x - y, x * y, x * d, d * x, x + d, d + x, x - d, d - x, -x, x * 3.0]
    kinds = ["SparseType"] * 5 + ["TensorType"] * 4 + ["SparseType"] * 2
    assert [type(o.type).__name__ for o in outputs] == kinds
    got = run([x, y, d], outputs, X, Y, D)
    a, b = X.toarray(), Y.toarray()
    expected = [a + b, a - b, a * b, a * D, a * D, a + D, a + D, a - D, D - a, -a, 3 * a]
    for value, want in zip(got, expected):
        value = value.toarray() if sp.issparse(value) else value
        assert np.allclose(value, want)
    # x * d keeps x's pattern: nothing is stored where x stores nothing.
    assert got[3].nnz == X.nnz


@pytest.mark.parametrize("axis", [None, 0, 1])
def test_sp_sum_equals_scipys_sum(axis):
    x = sparse.csc_matrix("x")
    got = run([x], sparse.sp_sum(x, axis=axis), X.tocsc())
    assert np.allclose(got, np.asarray(X.sum(axis=axis)).reshape(() if axis is None else -1))


def test_transpose_turns_csr_into_csc_and_shape_is_symbolic():
    x = sparse.csr_matrix("x")
    t = x.T
    assert t.type == sparse.SparseType("csc", "float64")
    value, shape = run([x], [t, x.shape], X)
    assert type(value) is sp.csc_matrix and np.array_equal(value.toarray(), X.toarray().T)
    assert shape.tolist() == [4, 5]


# verify_grad_sparse: dense stand-ins (every entry moves) and structured ones (stored only).
GRADIENT_CASES = {
    "dense_from_sparse": (sparse.dense_from_sparse, [X], True),
    "dense_from_sparse structured=False": (sparse.DenseFromSparse(structured=False), [X], False),
    "csr_from_dense": (sparse.csr_from_dense, [D], False),
    "transpose": (sparse.transpose, [X], False),
    "neg": (sparse.neg, [X], False),
    "dot sparse x dense": (sparse.dot, [X, W], False),
    "dot dense x sparse": (sparse.dot, [D.T, X], False),
    "dot sparse x sparse": (sparse.dot, [X, Y.T.tocsr()], False),
    "structured_dot": (sparse.structured_dot, [X, W], True),
    "structured_dot dense x sparse": (sparse.structured_dot, [D.T, X], True),
    "true_dot": (sparse.true_dot, [X, W], False),
    "sp_sum": (lambda x: sparse.sp_sum(x), [X], False),
    "sp_sum axis 0 sparse_grad": (lambda x: sparse.sp_sum(x, 0, True), [X], True),
    "sp_sum axis 1": (lambda x: sparse.sp_sum(x, 1), [X], False),
    "add sparse sparse": (sparse.add, [X, Y], False),
    "add sparse dense": (sparse.add, [X, D], True),
    "sub dense sparse": (sparse.sub, [D, X], True),
    "mul sparse sparse": (sparse.mul, [X, Y], False),
    "mul sparse dense": (sparse.mul, [X, D], True),
    "mul sparse scalar": (sparse.mul, [X, np.array(1.7)], True),
    "csm_data": (lambda x: sparse.csm_data(x) ** 2, [X], True),
    "structured_mask in g": (lambda g: sparse.StructuredMask()(sparse.as_sparse_variable(X), g),
                             [D], False),
    "structured_dot_grad in y and gz": (
        lambda w, g: sparse.StructuredDotGrad()(sparse.as_sparse_variable(X), w, g),
        [W, np.random.default_rng(4).standard_normal((4, 3))], False),
}


@pytest.mark.parametrize("case", sorted(GRADIENT_CASES))
def test_gradient_matches_finite_differences(case):
    op, points, structured = GRADIENT_CASES[case]
    sparse.verify_grad_sparse(op, points, structured=structured)


def test_structured_dot_gradient_keeps_the_pattern_of_x():
    x, w = sparse.csr_matrix("x"), T.dmatrix("w")
    g = graphlens.grad(T.sum(sparse.structured_dot(x, w) ** 2), x)
    assert g.type == x.type
    value = run([x, w], g, X, W)
    assert type(value) is sp.csr_matrix and value.nnz == X.nnz
    full = 2 * (X @ W) @ W.T
    rows, cols = X.nonzero()
    assert np.allclose(value.toarray()[rows, cols], full[rows, cols])
    assert np.all(value.toarray()[X.toarray() == 0] == 0)


@pytest.mark.parametrize("sparse_grad", [True, False])
def test_dense_from_sparse_gradient_is_structured_unless_told_otherwise(sparse_grad):
    x = sparse.csc_matrix("x")
    cost = T.sum(sparse.DenseFromSparse(structured=sparse_grad)(x) * D)
    value = run([x], graphlens.grad(cost, x), X.tocsc())
    assert type(value) is sp.csc_matrix
    if sparse_grad:      # D read at x's entries only
        assert value.nnz == X.nnz and np.allclose(value.toarray(), np.where(
            X.toarray() != 0, D, 0))
    else:                # every entry of D
        assert value.nnz == D.size and np.allclose(value.toarray(), D)


def test_a_wrong_gradient_is_caught_by_verify_grad_sparse():
    # The check is only as good as this: a gradient off by a factor is reported.
    class Doubled(sparse.DenseFromSparse):
        def grad(self, inputs, output_grads):
            return [2 * g for g in super().grad(inputs, output_grads)]
    with pytest.raises(GradientCheckError):
        sparse.verify_grad_sparse(Doubled(), [X], structured=True)


def test_errors_name_the_op_the_input_and_the_line():
    x = sparse.csr_matrix("x")
    with pytest.raises(GraphlensTypeError, match=r"DenseFromSparse.*dmatrix|DenseFromSparse.*d "):
        sparse.dense_from_sparse(T.dmatrix("d"))
    with pytest.raises(GraphlensTypeError, match=r"SpSum.*axis"):
        sparse.sp_sum(x, axis=2)
    w = T.dmatrix("w")
    f = graphlens.function([x, w], sparse.structured_dot(x, w))
    with pytest.raises(GraphlensTypeError,
                       match=r"argument 0 for 'x'.*is a ndarray.*test_sparse_ops"):
        f(X.toarray(), W)
    with pytest.raises(ValueError, match=r"StructuredDot failed at .*test_sparse_ops.py:\d+.*inner "
                                          r"lengths(.|\n)*x \(csr\(float64\)"):
        f(X, W.T)


def test_indexing_follows_scipy():
    x, i, rows = sparse.csr_matrix("x"), T.lscalar("i"), T.lvector("rows")
    outputs = [x[i:i + 2], x[1:, ::2], x[i], x[rows], x[:, rows], x[i, 2]]
    assert [type(o.type).__name__ for o in outputs] == ["SparseType"] * 5 + ["TensorType"]
    got = run([x, i, rows], outputs, X, 1, np.array([3, 0, 3]))
    expected = [X[1:3], X[1:, ::2], X[1], X[[3, 0, 3]], X[:, [3, 0, 3]], X[1, 2]]
    for value, want in zip(got[:5], expected):
        assert type(value) is sp.csr_matrix and np.array_equal(value.toarray(), want.toarray())
    assert got[5].shape == () and got[5] == X[1, 2]
    with pytest.raises(GraphlensTypeError, match="sparse indexing of 'x'.*no None"):
        x[None]


INDEX_GRADIENTS = {
    "slices": lambda x: x[1:3, ::2],
    "repeated rows": lambda x: x[np.array([3, 0, 3])],
    "one entry": lambda x: x[1, 0] * 2,
}


@pytest.mark.parametrize("case", sorted(INDEX_GRADIENTS))
def test_indexing_gradient_matches_finite_differences(case):
    sparse.verify_grad_sparse(INDEX_GRADIENTS[case], [X])


@pytest.mark.parametrize("build, value", [(sparse.dense_from_sparse, X),
                                          (sparse.csc_from_dense, D),
                                          (sparse.transpose, X)])
def test_infer_shape_agrees_with_perform(build, value):
    var = sparse.csr_matrix("v") if sp.issparse(value) else T.dmatrix("v")
    node = build(var).owner
    (inferred,) = node.op.infer_shape(node, [value.shape])
    (computed,) = node.op.perform(node, [value])
    assert tuple(inferred) == computed.shape
    # And the symbolic shape of the result, through the shape rewrites, is the same.
    assert tuple(run([var], build(var).shape, value)) == computed.shape


def test_eval_of_a_sparse_expression():
    x = sparse.csr_matrix("x")
    assert np.array_equal((x * 2.0).eval({x: X}).toarray(), 2 * X.toarray())
    assert sparse.as_sparse_variable(X).T.eval().format == "csc"


def test_theanos_get_item_functions():
    x, rows, cols = sparse.csr_matrix("x"), T.lvector("rows"), T.lvector("cols")
    listed, pairs, one = run([x, rows, cols], [sparse.basic.get_item_list(x, rows),
                                               sparse.basic.get_item_2lists(x, rows, cols),
                                               sparse.basic.get_item_scalar(x, (1, 2))],
                             X, np.array([2, 0]), np.array([1, 1]))
    assert np.array_equal(listed.toarray(), X.toarray()[[2, 0]])
    assert np.array_equal(pairs, X.toarray()[[2, 0], [1, 1]]) and one == X[1, 2]
    sparse.verify_grad_sparse(lambda m: sparse.basic.get_item_2lists(
        m, np.array([2, 0, 2]), np.array([1, 1, 1])), [X])
