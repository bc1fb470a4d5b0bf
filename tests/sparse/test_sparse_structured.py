"""graphlens/sparse/structured.py: functions of the stored values keep the pattern and equal
numpy's on those values; hstack/vstack equal scipy's; row and column scaling; gradients
against finite differences."""

import numpy as np
import pytest
import scipy.sparse as sp

import graphlens
import graphlens.tensor as T
from graphlens import sparse

X = sp.csr_matrix(np.array([[0.0, 0.4, 0.0, -0.3], [0.7, 0.0, 0.0, 0.0],
                            [0.0, -0.2, 0.9, 0.5]]))


def test_the_tutorials_structured_add_leaves_zeros_at_zero():
    x = sparse.csc_matrix(name='x', dtype='float32')
    f = graphlens.function([x], sparse.structured_add(x, 2))
    a = sp.csc_matrix(np.asarray([[0, 0, -1], [0, -2, 1], [3, 0, 0]], dtype='float32'))
    out = f(a)
    assert out.dtype == np.float32 and out.format == "csc"
    assert out.toarray().tolist() == [[0, 0, 1], [0, 0, 3], [5, 0, 0]]


STRUCTURED = {
    "structured_sigmoid": (sparse.structured_sigmoid, lambda v: 1 / (1 + np.exp(-v))),
    "structured_exp": (sparse.structured_exp, np.exp),
    "structured_pow": (lambda x: sparse.structured_pow(x, 3), lambda v: v ** 3),
    "structured_maximum": (lambda x: sparse.structured_maximum(x, 0.1),
                           lambda v: np.maximum(v, 0.1)),
    "sqr": (sparse.sqr, np.square),
    "tanh": (sparse.tanh, np.tanh),
    "abs_": (sparse.abs_, np.abs),
    "sin": (sparse.sin, np.sin),
    "arctan": (sparse.arctan, np.arctan),
    "expm1": (sparse.expm1, np.expm1),
    "log1p": (sparse.log1p, np.log1p),
}


@pytest.mark.parametrize("name", sorted(STRUCTURED))
def test_structured_functions_apply_to_the_stored_values_only(name):
    function, reference = STRUCTURED[name]
    x = sparse.csr_matrix("x")
    out = graphlens.function([x], function(x))(X)
    assert type(out) is sp.csr_matrix and out.nnz == X.nnz
    assert np.array_equal(out.indices, X.indices)
    assert np.allclose(out.data, reference(X.data))
    sparse.verify_grad_sparse(function, [X], structured=True)


def test_ones_like_zeros_like_and_cast():
    x = sparse.csr_matrix("x")
    ones, zeros, as_float32 = graphlens.function(
        [x], [sparse.sp_ones_like(x), sparse.sp_zeros_like(x), sparse.cast(x, "float32")])(X)
    assert np.array_equal(ones.toarray(), (X.toarray() != 0).astype(float))
    assert zeros.nnz == 0 and zeros.shape == X.shape
    assert as_float32.dtype == np.float32 and np.allclose(as_float32.toarray(), X.toarray())


def test_row_and_col_scale_keep_the_pattern():
    x, r, c = sparse.csr_matrix("x"), T.dvector("r"), T.dvector("c")
    rows, cols = graphlens.function([x, r, c], [sparse.row_scale(x, r), sparse.col_scale(x, c)])(
        X, np.array([1.0, 2.0, 3.0]), np.array([1.0, -1.0, 2.0, 0.5]))
    assert rows.nnz == X.nnz and cols.nnz == X.nnz
    assert np.allclose(rows.toarray(), X.toarray() * np.array([[1.0], [2.0], [3.0]]))
    assert np.allclose(cols.toarray(), X.toarray() * np.array([1.0, -1.0, 2.0, 0.5]))
    sparse.verify_grad_sparse(sparse.row_scale, [X, np.array([1.0, 2.0, 3.0])],
                              structured=True)
    sparse.verify_grad_sparse(sparse.col_scale, [X, np.array([1.0, -1.0, 2.0, 0.5])],
                              structured=True)


@pytest.mark.parametrize("stack, join", [(sparse.hstack, sp.hstack), (sparse.vstack, sp.vstack)])
def test_hstack_and_vstack_equal_scipys(stack, join):
    x, y = sparse.csr_matrix("x"), sparse.csc_matrix("y")
    other = sp.csc_matrix(X.toarray()[::-1] * 2)
    out = graphlens.function([x, y], stack([x, y], format="csc"))(X, other)
    assert type(out) is sp.csc_matrix
    assert np.array_equal(out.toarray(), join([X, other]).toarray())
    sparse.verify_grad_sparse(lambda a, b: stack([a, b]), [X, other])


def test_clean_drops_stored_zeros_and_sorts_indices():
    messy = sp.csr_matrix((np.array([0.0, 2.0, 1.0, 0.0]), np.array([2, 1, 0, 3]),
                           np.array([0, 3, 4])), shape=(2, 4))
    assert not messy.has_sorted_indices
    x = sparse.csr_matrix("x")
    removed, cleaned = graphlens.function([x], [sparse.remove0(x), sparse.clean(x)])(messy)
    assert removed.nnz == 2 and np.array_equal(removed.toarray(), messy.toarray())
    assert cleaned.has_sorted_indices and cleaned.indices.tolist() == [0, 1]
    assert np.array_equal(cleaned.toarray(), messy.toarray())
    assert messy.nnz == 4                        # the argument itself is untouched
    sparse.verify_grad_sparse(sparse.clean, [X])


def test_mul_s_v_and_structured_add_s_v_follow_the_columns():
    x, v = sparse.csc_matrix("x"), T.dvector("v")
    y = np.array([1.0, -2.0, 0.5, 3.0])
    scaled, added = graphlens.function([x, v], [sparse.mul_s_v(x, v),
                                                sparse.structured_add_s_v(x, v)])(X.tocsc(), y)
    dense = X.toarray()
    assert np.allclose(scaled.toarray(), dense * y)
    assert added.nnz == X.nnz and np.allclose(added.toarray(), np.where(dense != 0, dense + y, 0))
    sparse.verify_grad_sparse(sparse.structured_add_s_v, [X.tocsc(), y], structured=True)
