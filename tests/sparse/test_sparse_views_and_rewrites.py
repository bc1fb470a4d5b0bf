"""Sparse variables in the views (pp, debugprint, DOT) and under the rewrites: a sparse node is
not elementwise, so fusion and in-place leave it alone; merge merges it; constant folding
leaves a sparse result computed."""

import numpy as np
import pytest
import scipy.sparse as sp

import graphlens
import graphlens.tensor as T
from graphlens import sparse
from graphlens.printing import debugprint, pp
from graphlens.render.dot import to_dot

X = sp.csr_matrix(np.array([[0.0, 1.5, 0.0], [2.0, 0.0, 0.0], [0.0, 0.0, -1.0]]))


def test_pp_prints_sparse_ops_as_calls_and_operators():
    x, w = sparse.csr_matrix("x"), T.dmatrix("w")
    y = sparse.structured_dot(x, w) + sparse.dense_from_sparse(x.T * 2.0)
    assert pp(y) == "structured_dot(x, w) + dense_from_sparse(transpose(x) * 2.0)"
    assert pp(T.dot(x, w)) == "x @ w"


def test_debugprint_shows_the_sparse_types():
    x, w = sparse.csr_matrix("x"), T.dmatrix("w")
    text = debugprint(sparse.dot(x.T, w), file="str")
    assert text.splitlines() == [
        "Dot [id A] float64[?, ?]",
        "├─ Transpose [id B] csc(float64)",
        "│  └─ x [id C] csr(float64)",
        "└─ w [id D] float64[?, ?]",
    ]


def test_dot_text_labels_sparse_variables_with_their_type():
    x = sparse.csc_matrix("x")
    text = to_dot(sparse.sp_sum(x, axis=1))
    assert "csc(float64)" in text and "SpSum{axis=1}" in text


def test_fusion_and_inplace_leave_sparse_inputs_untouched():
    x, d = sparse.csr_matrix("x"), T.dmatrix("d")
    dense = sparse.dense_from_sparse(x)
    # Elementwise work after DenseFromSparse fuses and may run in place on its result; the
    # sparse input's own arrays must never be written.
    f = graphlens.function([x, d], [T.exp(dense * 2 + d) - 1, sparse.csm_data(x) * 3 + 1])
    kept = X.copy()
    out, data = f(X, np.zeros((3, 3)))
    assert np.allclose(out, np.exp(2 * X.toarray()) - 1)
    assert np.allclose(data, X.data * 3 + 1)
    assert np.array_equal(X.data, kept.data) and np.array_equal(X.indices, kept.indices)
    ops = [type(node.op).__name__ for node in f.maker.fgraph.toposort()]
    assert "DenseFromSparse" in ops and "CSMProperties" in ops


def test_merge_merges_equal_sparse_nodes():
    x, w = sparse.csr_matrix("x"), T.dmatrix("w")
    f = graphlens.function([x, w], sparse.structured_dot(x, w) + sparse.structured_dot(x, w))
    ops = [type(node.op).__name__ for node in f.maker.fgraph.toposort()]
    assert ops.count("StructuredDot") == 1
    assert np.allclose(f(X, np.ones((3, 2))), 2 * (X @ np.ones((3, 2))))


def test_constant_folding_folds_dense_results_of_sparse_constants_only():
    c = sparse.as_sparse_variable(X)
    d = T.dmatrix("d")
    f = graphlens.function([d], [sparse.dense_from_sparse(c) + d, c * 2.0])
    dense, doubled = f(np.ones((3, 3)))
    assert np.allclose(dense, X.toarray() + 1)
    assert type(doubled) is sp.csr_matrix and np.allclose(doubled.toarray(), 2 * X.toarray())
    ops = [type(node.op).__name__ for node in f.maker.fgraph.toposort()]
    assert "DenseFromSparse" not in ops and "MulSD" in ops


def test_value_summaries_and_gradient_statistics_read_sparse_values_like_dense_ones():
    from graphlens.trace.stats import array_stats
    from graphlens.trace.values import value_summary
    with_nan = X.copy()
    with_nan.data[0] = np.nan
    for matrix in (X, with_nan, sp.csr_matrix((3, 4))):
        assert str(value_summary(matrix)) == str(value_summary(matrix.toarray()))
        assert array_stats(matrix) == array_stats(matrix.toarray())


def test_the_nan_guard_sees_nan_stored_in_a_sparse_input():
    from graphlens.errors import NaNError
    x, d = sparse.csr_matrix("x"), T.dmatrix("d")
    f = graphlens.function([x, d], sparse.structured_dot(x, d), nan_guard=True)
    bad = X.copy()
    bad.data[0] = np.nan
    assert np.allclose(f(X, np.ones((3, 2))), X @ np.ones((3, 2)))
    with pytest.raises(NaNError, match=r"(?s)passed on from a non-finite input.*x \(csr\(float64\)"
                                       r".*shape \(3, 3\).*1 NaN"):
        f(bad, np.ones((3, 2)))


def test_a_sparse_constant_prints_as_its_type_and_small_example_values_stay_out_of_shapes():
    c, w = sparse.as_sparse_variable(X), T.dmatrix("w")
    assert pp(sparse.structured_dot(c, w)) == "structured_dot(csr(float64)[3, 3], w)"
    x = sparse.csr_matrix("x")
    # A small sparse example (3 stored values) is not read as a small array of shape
    # arithmetic: x.shape[0] is known from its lengths.
    text = debugprint(sparse.sp_sum(x, axis=0) + x.shape[0] + c.shape[1], file="str",
                      example_inputs={x: X})
    assert "constant [id" in text and "csr(float64)[3, 3]" in text


def test_static_lengths_flow_through_sparse_ops_and_a_proven_mismatch_is_refused():
    from graphlens.errors import ShapeError
    x, w = sparse.csr_matrix("x"), T.dmatrix("w")
    y = T.tanh(sparse.structured_dot(x, w)) + sparse.sp_sum(sparse.hstack([x, x]), axis=1)[:, None]
    text = debugprint(y, file="str", example_inputs={x: X, w: np.ones((3, 2))})
    assert "StructuredDot [id" in text and "float64[3, 2]" in text
    assert "HStack [id" in text and "csc(float64)[3, 6]" in text   # csc: Theano's default
    assert "SpSum{axis=1} [id" in text and "float64[3]" in text
    # Known lengths that disagree: the views mark the node, make_node refuses it outright.
    wrong = debugprint(sparse.structured_dot(x, w), file="str",
                       example_inputs={x: X, w: np.ones((4, 2))})
    assert "✗" in wrong
    with pytest.raises(ShapeError, match=r"StructuredDot: the lengths differ \(3 and 4\)"):
        sparse.structured_dot(sparse.as_sparse_variable(X), T.TensorType("float64", (4, 2))())
