"""graphlens/sparse/type.py and sharedvar.py: the type, its constructors, how function
arguments and shared values are checked, and sparse values through compiled functions
(outputs, updates, pickling, the compile cache, DebugMode)."""

import pickle

import numpy as np
import pytest
import scipy.sparse as sp

import graphlens
import graphlens.tensor as T
from graphlens import sparse
from graphlens.errors import GraphlensTypeError

X = sp.csr_matrix(np.array([[0.0, 1.5, 0.0], [2.0, 0.0, 0.0], [0.0, 0.0, -1.0],
                            [0.5, 0.0, 3.0]]))


def test_constructors_give_theanos_types():
    assert sparse.csr_matrix("x").type == sparse.SparseType("csr", graphlens.config.floatX)
    assert sparse.csc_matrix("x", dtype="float32").type == sparse.SparseType("csc", "float32")
    x = sparse.matrix("csc", "x", "int64")
    assert (x.format, x.dtype, x.ndim, x.name) == ("csc", "int64", 2, "x")
    assert str(x.type) == "csc(int64)" and repr(x.type) == "SparseType(csc, int64)"
    assert sparse.SparseType("csr", "float64") != sparse.SparseType("csc", "float64")
    with pytest.raises(GraphlensTypeError, match="format must be one of"):
        sparse.SparseType("coo", "float64")


def test_as_sparse_variable_and_as_sparse_or_tensor_variable():
    c = sparse.as_sparse_variable(X)
    # A constant's type holds its lengths, as a tensor constant's does.
    assert isinstance(c, sparse.SparseConstant)
    assert c.type == sparse.SparseType("csr", "float64", (4, 3)) and repr(c) == \
        "csr(float64)[4, 3]{nnz=5}"
    assert sparse.as_sparse_variable(sp.coo_matrix(X)).type.format == "csr"
    assert sparse.as_sparse_or_tensor_variable(np.ones((2, 2))).type == T.TensorType(
        "float64", (2, 2))
    x = sparse.csr_matrix("x")
    assert sparse.as_sparse_or_tensor_variable(x) is x
    with pytest.raises(GraphlensTypeError, match=r"expected a sparse variable, got 'd' \(float64"
                                                 r"\[\?, \?\], built at .*test_sparse_type"):
        sparse.as_sparse_variable(T.dmatrix("d"))


def test_function_arguments_are_checked_and_converted_like_theanos():
    x = sparse.csr_matrix("x")
    f = graphlens.function([x], sparse.dense_from_sparse(x))
    assert np.array_equal(f(X.tocsc()), X.toarray())          # another format is converted
    with pytest.raises(GraphlensTypeError, match=r"argument 0 for 'x' \(csr\(float64\).*is a "
                                                 r"ndarray, but the variable is sparse"):
        f(X.toarray())
    y = sparse.csr_matrix("y", dtype="float32")
    f32 = graphlens.function([y], y * 1.0)
    with pytest.raises(GraphlensTypeError, match="could lose information"):
        f32(X)


def test_an_output_that_is_an_input_is_a_copy():
    x = sparse.csr_matrix("x")
    value = graphlens.function([x], x)(X)
    assert type(value) is sp.csr_matrix and value is not X
    value.data[:] = 0
    assert X.data[0] == 1.5


def test_shared_of_a_scipy_matrix_is_a_sparse_shared_variable():
    W = graphlens.shared(X, name="W")
    assert isinstance(W, sparse.SparseSharedVariable) and W.type == sparse.SparseType(
        "csr", "float64")
    assert W.get_value() is not X and np.array_equal(W.get_value().toarray(), X.toarray())
    assert graphlens.shared(X, borrow=True).get_value(borrow=True) is X
    assert sparse.shared(X.tocsc(), format="csr").type.format == "csr"
    W.set_value(X.tocsc() * 2)
    assert type(W.get_value()) is sp.csr_matrix and W.get_value()[0, 1] == 3.0
    with pytest.raises(GraphlensTypeError, match="new value of shared variable W.*ndarray"):
        W.set_value(X.toarray())
    with pytest.raises(GraphlensTypeError, match="expected a scipy.sparse matrix"):
        sparse.shared(np.ones(2))


def test_an_sgd_update_of_a_sparse_weight_keeps_its_pattern():
    # structured_dot's gradient keeps W's pattern, so W - lr * gW stays sparse, as in Theano.
    W = graphlens.shared(X, name="W")
    v = T.dmatrix("v")
    cost = T.sum(sparse.structured_dot(W, v) ** 2)
    gW = graphlens.grad(cost, W)
    step = graphlens.function([v], cost, updates=[(W, W - 0.01 * gW)])
    V = np.arange(6.0).reshape(3, 2)
    step(V)
    expected = X.toarray() - 0.01 * np.where(X.toarray() != 0, 2 * (X @ V) @ V.T, 0)
    assert W.get_value().nnz == X.nnz
    assert np.allclose(W.get_value().toarray(), expected)
    with pytest.raises(GraphlensTypeError, match=r"update of 'W' \(csr\(float64\).* is the output "
                                                 r"of DenseFromSparse.*must be a csr\(float64\)"):
        graphlens.function([v], cost, updates=[(W, sparse.dense_from_sparse(W))])


def test_a_dense_cost_differentiates_back_through_a_sparse_input():
    x, w = sparse.csr_matrix("x"), T.dvector("w")
    cost = T.sum(T.tanh(sparse.dot(x, w)))
    g = graphlens.function([x, w], graphlens.grad(cost, w))(X, np.array([0.1, -0.2, 0.3]))
    z = X @ np.array([0.1, -0.2, 0.3])
    assert np.allclose(g, X.T @ (1 - np.tanh(z) ** 2))


def test_a_function_with_sparse_values_pickles_and_shares_the_compile_cache():
    x, d = sparse.csr_matrix("x"), T.dmatrix("d")
    outputs = [sparse.structured_dot(x, d), x * 2.0, sparse.sp_sum(x, axis=0)]
    f = graphlens.function([x, d], outputs)
    again = graphlens.function([x, d], outputs)
    D = np.ones((3, 2))
    loaded = pickle.loads(pickle.dumps(f))
    for g in (again, loaded):
        for a, b in zip(f(X, D), g(X, D)):
            a, b = (v.toarray() if sp.issparse(v) else v for v in (a, b))
            assert np.array_equal(a, b)
    assert loaded(X, D)[1].format == "csr"


def test_debugmode_checks_functions_with_sparse_values():
    x, d = sparse.csr_matrix("x"), T.dmatrix("d")
    f = graphlens.function([x, d], [sparse.sp_sum(x * d, sparse_grad=True) * 2 + 1, (x + x).T],
                           mode="DebugMode")
    total, doubled = f(X, np.full((4, 3), 2.0))
    assert np.isclose(total, 2 * 2 * X.sum() + 1)
    assert doubled.format == "csc" and np.array_equal(doubled.toarray(), 2 * X.toarray().T)


def test_a_loop_reads_a_sparse_non_sequence_and_differentiates_its_dense_parameters():
    from graphlens.errors import UndefinedGradientError
    from graphlens.gradient import verify_grad
    adjacency = sp.csr_matrix(np.array([[0.0, 0.5, 0.0], [0.3, 0.0, 0.2], [0.0, 0.4, 0.0]]))
    x, h0, w = sparse.csr_matrix("x"), T.dmatrix("h0"), T.dmatrix("w")

    def propagate(h, a, w):
        return T.tanh(T.dot(sparse.structured_dot(a, h), w))
    out, _ = graphlens.scan(propagate, outputs_info=h0, non_sequences=[x, w], n_steps=3)
    H, Wv = np.ones((3, 2)), np.array([[0.5, -0.2], [0.1, 0.4]])
    final = graphlens.function([x, h0, w], out[-1])(adjacency, H, Wv)
    h = H
    for _ in range(3):
        h = np.tanh((adjacency @ h) @ Wv)
    assert np.allclose(final, h)
    verify_grad(lambda h0_, w_: graphlens.scan(
        propagate, outputs_info=h0_, non_sequences=[sparse.as_sparse_variable(adjacency), w_],
        n_steps=3)[0][-1], [H, Wv])
    with pytest.raises(UndefinedGradientError, match="scan sums a non-sequence's gradient"):
        graphlens.grad(out[-1].sum(), x)


def test_import_graphlens_alone_makes_shared_of_a_scipy_matrix_sparse_and_loads_sparse_lazily():
    # A fresh interpreter: no other test has imported graphlens.sparse there.
    import subprocess
    import sys
    code = ("import sys, scipy.sparse, graphlens; loaded = 'graphlens.sparse' in sys.modules; "
            "W = graphlens.shared(scipy.sparse.eye(3, format='csc')); "
            "print(loaded, W.type, type(W).__name__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "csc(float64)", "SparseSharedVariable"]


def test_theano_s_private_helpers_of_sparse_basic():
    from graphlens.sparse import basic
    assert basic._is_dense(np.zeros(2)) and not basic._is_dense(sp.eye(2, format="csr"))
    assert basic._is_sparse(sp.eye(2, format="csc")) and not basic._is_sparse(np.zeros(2))
    assert basic._is_dense_variable(T.dmatrix("x"))
    assert not basic._is_dense_variable(basic.csr_matrix("y"))
    assert basic._is_sparse_variable(basic.csr_matrix("y"))
    assert sp.csr_matrix in basic._mtypes and sp.csc_matrix in basic._mtypes
    with pytest.raises(TypeError):
        basic._is_dense([1, 2])
