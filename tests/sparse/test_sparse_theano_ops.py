"""Theano's sparse ops added for its own programs (sparse/values.py, stack.py, csc_products.py,
opt.py): values against scipy/numpy, gradients against finite differences, shapes from each
op's infer_shape without running it."""

import numpy as np
import pytest
import scipy.sparse as sp

import graphlens
import graphlens.tensor as T
from graphlens import sparse
from graphlens.errors import GraphlensTypeError
from graphlens.sparse.opt import CSMGradC, StructuredDotCSC, UsmmCscDense

RNG = np.random.default_rng(5)


def random_sparse(shape, format="csr", density=0.4, seed=0):
    """Stored values in [0.5, 1.5] (never crossing 0 under a finite-difference step)."""
    rng = np.random.default_rng(seed)
    dense = rng.uniform(0.5, 1.5, size=shape) * (rng.random(shape) < density)
    return getattr(sp, f"{format}_matrix")(dense)


X = random_sparse((4, 5))
W = RNG.standard_normal((5, 3))
G = RNG.standard_normal((4, 3))


def run(inputs, outputs, *values):
    return graphlens.function(inputs, outputs)(*values)


def shape_without_running(build_inputs, out, values, op_class):
    """out's shape, compiled alone: the value, and whether `op_class` ran to find it."""
    f = graphlens.function(build_inputs, out.shape, on_unused_input="ignore")
    ran = any(isinstance(node.op, op_class) for node in f.fgraph.toposort())
    return tuple(f(*values)), ran


@pytest.mark.parametrize("format", ["csr", "csc"])
def test_cast_keeps_pattern_and_format_and_its_gradient_casts_back(format):
    x = sparse.matrix(format, "x")
    out = run([x], sparse.Cast("float32")(x), X.asformat(format))
    assert out.format == format and out.dtype == np.float32
    np.testing.assert_array_equal(out.toarray(), X.toarray().astype("float32"))
    assert sparse.cast(x, "int32").type.dtype == "int32"
    sparse.verify_grad_sparse(lambda v: sparse.Cast("float64")(v * 2.0), [X], structured=True)
    assert shape_without_running([x], sparse.Cast("float32")(x), [X.asformat(format)],
                                 sparse.Cast) == ((4, 5), False)


@pytest.mark.parametrize("op_class, join", [(sparse.HStack, sp.hstack),
                                            (sparse.VStack, sp.vstack)])
def test_hstack_and_vstack_match_scipy_in_theanos_default_format(op_class, join):
    a, b = random_sparse((4, 4), seed=1), random_sparse((4, 4), "csc", seed=2)
    x, y = sparse.csr_matrix("x"), sparse.csc_matrix("y")
    joined = run([x, y], op_class(dtype="float32")(x, y), a, b)
    assert joined.format == "csc" and joined.dtype == np.float32   # Theano's default format
    np.testing.assert_allclose(joined.toarray(), join([a, b]).toarray().astype("float32"))
    via_function = sparse.hstack if op_class is sparse.HStack else sparse.vstack
    assert isinstance(via_function([x, y], format="csr").owner.op, op_class)
    assert shape_without_running([x, y], op_class()(x, y), [a, b], op_class)[1] is False
    sparse.verify_grad_sparse(lambda u, v: op_class("csr")(u, v), [a, b.tocsr()])


def test_add_s_s_data_adds_the_values_of_one_pattern_and_refuses_another():
    y_same = X.copy()
    y_same.data = RNG.uniform(1, 2, size=X.nnz)
    x, y = sparse.csr_matrix("x"), sparse.csr_matrix("y")
    out = run([x, y], sparse.add_s_s_data(x, y), X, y_same)
    np.testing.assert_allclose(out.toarray(), X.toarray() + y_same.toarray())
    with pytest.raises(ValueError, match="pattern"):
        run([x, y], sparse.add_s_s_data(x, y), X, random_sparse((4, 5), seed=9))
    with pytest.raises(GraphlensTypeError, match="format and dtype"):
        sparse.add_s_s_data(x, sparse.csc_matrix("z"))
    sparse.verify_grad_sparse(lambda u: sparse.add_s_s_data(u, u * 3.0), [X], structured=True)


def test_construct_sparse_from_list_places_and_sums_rows_and_its_gradient_reads_them():
    x, values, ilist = T.dmatrix("x"), T.dmatrix("values"), T.lvector("ilist")
    rows = RNG.standard_normal((4, 3))
    index = np.array([2, 0, 2, 5])                    # row 2 named twice: summed
    out = run([x, values, ilist], sparse.construct_sparse_from_list(x, values, ilist),
              np.zeros((6, 3)), rows, index)
    expected = np.zeros((6, 3))
    np.add.at(expected, index, rows)
    assert out.format == "csc"
    np.testing.assert_allclose(out.toarray(), expected)
    weights = RNG.standard_normal((6, 3))

    def cost_of_rows(v):
        placed = sparse.construct_sparse_from_list(T.zeros((6, 3)), v, T.constant(index))
        return sparse.dense_from_sparse(placed) * weights
    sparse.verify_grad_sparse(cost_of_rows, [rows])


@pytest.mark.parametrize("format", ["csr", "csc"])
def test_structured_dot_grad_from_arrays_is_g_times_b_transposed_at_the_pattern(format):
    a = X.asformat(format)
    op = sparse.StructuredDotGradCSC() if format == "csc" else sparse.StructuredDotGradCSR()
    indices, indptr, b, g = T.ivector(), T.ivector(), T.dmatrix(), T.dmatrix()
    values = run([indices, indptr, b, g], op(indices, indptr, b, g), a.indices, a.indptr, W, G)
    full = G @ W.T
    pattern = a.copy()
    pattern.data = np.arange(1, a.nnz + 1, dtype=float)    # no 0: nonzero() would drop it
    rows, cols = pattern.nonzero()
    order = pattern[rows, cols].A1.astype(int) - 1      # each entry's place in storage
    expected = np.empty(a.nnz)
    expected[order] = full[rows, cols]
    np.testing.assert_allclose(values, expected, rtol=1e-12)
    graphlens.gradient.verify_grad(lambda bb, gg: op(a.indices, a.indptr, bb, gg), [W, G],
                                   rng=np.random.default_rng(1))


def test_usmm_is_alpha_x_y_plus_z_with_a_gradient_in_all_four():
    z = RNG.standard_normal((4, 3))
    alpha, x, y, zv = T.dscalar(), sparse.csr_matrix(), T.dmatrix(), T.dmatrix()
    out = run([alpha, x, y, zv], sparse.usmm(alpha, x, y, zv), 0.5, X, W, z)
    np.testing.assert_allclose(out, 0.5 * X.toarray() @ W + z, rtol=1e-12)
    # a dense x with a sparse y
    swapped = run([alpha, y, x, zv], sparse.usmm(alpha, y.T, x.T, zv.T), 0.5, W, X, z)
    np.testing.assert_allclose(swapped, 0.5 * W.T @ X.toarray().T + z.T, rtol=1e-12)
    sparse.verify_grad_sparse(lambda a, u, v, w: sparse.usmm(a, u, v, w),
                              [np.array(0.7), X, W, z])
    with pytest.raises(GraphlensTypeError, match="sparse"):
        sparse.usmm(alpha, T.dmatrix(), y, zv)


def test_the_optimizer_ops_of_sparse_opt_compute_their_products_from_csc_arrays():
    a = X.tocsc()
    z = RNG.standard_normal((4, 3))
    val, ind, ptr, nrows, b = T.dvector(), T.ivector(), T.ivector(), T.iscalar(), T.dmatrix()
    product = run([val, ind, ptr, nrows, b], StructuredDotCSC()(val, ind, ptr, nrows, b),
                  a.data, a.indices, a.indptr, 4, W)
    np.testing.assert_allclose(product, a.toarray() @ W, rtol=1e-12)
    alpha, zv = T.dmatrix(), T.dmatrix()
    usmm = run([alpha, val, ind, ptr, nrows, b, zv],
               UsmmCscDense(inplace=False)(alpha, val, ind, ptr, nrows, b, zv),
               np.array([[2.0]]), a.data, a.indices, a.indptr, 4, W, z)
    np.testing.assert_allclose(usmm, 2 * a.toarray() @ W + z, rtol=1e-12)
    other = random_sparse((4, 5), "csc", seed=3)
    dim, oval, oind, optr = T.ivector(), T.dvector(), T.ivector(), T.ivector()
    picked = run([val, ind, ptr, dim, oval, oind, optr],
                 CSMGradC()(val, ind, ptr, dim, oval, oind, optr, dim),
                 a.data, a.indices, a.indptr, np.array([4, 5], "int32"), other.data,
                 other.indices, other.indptr)
    rows, cols = a.indices, np.repeat(np.arange(5), np.diff(a.indptr))
    np.testing.assert_allclose(picked, other.toarray()[rows, cols])


@pytest.mark.parametrize("build, op_class", [
    (lambda x: sparse.add(x, x), sparse.AddSS), (lambda x: sparse.mul(x, x), sparse.MulSS),
    (lambda x: sparse.structured_dot(x, T.ones((5, 2))), sparse.StructuredDot),
    (lambda x: sparse.sp_sum(x, axis=0), sparse.SpSum), (sparse.neg, sparse.Neg),
    (lambda x: sparse.CSM("csr")(*sparse.csm_properties(x)), sparse.CSM),
    (lambda x: sparse.lt(x, x), sparse.LessThanSS), (sparse.remove0, sparse.Remove0)])
def test_shapes_of_sparse_results_come_from_infer_shape_without_running_the_op(build,
                                                                               op_class):
    x = sparse.csr_matrix("x")
    out = build(x)
    value = run([x], out, X)
    shape, ran = shape_without_running([x], out, [X], op_class)
    assert shape == value.shape and not ran


def test_dense_from_sparse_takes_theanos_structured_keyword():
    op = sparse.DenseFromSparse(structured=False)
    assert op.sparse_grad is False and sparse.DenseFromSparse().sparse_grad is True
    x = sparse.csr_matrix("x")
    g = run([x], graphlens.grad(T.sum(op(x)), x), X)
    assert g.nnz == 20                                  # every entry, not only x's 8


def test_sparse_variables_answer_astype_and_size_as_scipy_matrices():
    x = sparse.csc_matrix("x")
    cast, size = run([x], [x.astype("float32"), x.size], X.tocsc())
    assert cast.dtype == np.float32 and cast.format == "csc"
    assert int(size) == X.nnz == X.size                 # scipy's size: the stored values


def test_two_integer_vectors_index_a_sparse_matrix_as_theanos_get_item_2lists():
    x = sparse.csr_matrix("x")
    rows, cols = [0, 0, 1, 3], [0, 1, 2, 4]
    picked = run([x], x[rows, cols], X)
    np.testing.assert_array_equal(picked, X.toarray()[rows, cols])
    r, c = T.lvector(), T.lvector()
    # Theano's keyword inputs reach make_node by name
    by_name = run([x, r, c], sparse.GetItem2Lists()(x, ind1=r, ind2=c), X, rows, cols)
    np.testing.assert_array_equal(by_name, picked)
    with pytest.raises(IndexError):
        run([x], x[[0, 5], [0, 3]], X)
    with pytest.raises(TypeError, match="unexpected keyword"):
        sparse.GetItem2Lists()(x, rows=r, cols=c)


def test_sparse_from_dense_takes_a_vector_as_one_row_and_a_scalar_as_1x1():
    v, s = T.dvector(), T.dscalar()
    row, one = run([v, s], [sparse.csr_from_dense(v), sparse.csc_from_dense(s)],
                   np.array([0.0, 2.0, 3.0]), 4.0)
    assert row.shape == (1, 3) and row.nnz == 2 and one.shape == (1, 1)
    np.testing.assert_array_equal(row.toarray(), [[0.0, 2.0, 3.0]])
    with pytest.raises(TypeError, match="matrix"):
        sparse.csr_from_dense(T.dtensor3())


def test_sparse_type_compares_values_and_tells_shared_storage():
    t = sparse.SparseType("csr", "float64")
    near = X.copy()
    near.data = near.data + 1e-9
    assert t.values_eq(X, X.copy()) and t.values_eq(X, near)
    assert not t.values_eq(X, X * 2) and not t.values_eq(X, X[:3])
    assert not sparse.SparseType("csr", "int64").values_eq(X.astype("int64"),
                                                          (X * 3).astype("int64"))
    assert sparse.SparseType.may_share_memory(X, X.data)
    assert sparse.SparseType.may_share_memory(X, X.T)            # a view of the same arrays
    assert not sparse.SparseType.may_share_memory(X, X.copy())


def test_sparse_grad_of_a_row_lookup_stores_only_the_rows_read_and_trains_an_embedding():
    embedding = graphlens.shared(RNG.standard_normal((6, 3)), "embedding")
    words = T.lvector("words")
    looked_up = graphlens.sparse_grad(embedding[words])
    assert isinstance(looked_up.owner.op, sparse.SparseGradSubtensor1)
    cost = (looked_up ** 2).sum()
    g = graphlens.grad(cost, embedding)
    assert isinstance(g.owner.op, sparse.ConstructSparseFromList)
    index = np.array([1, 4, 1])
    start = embedding.get_value().copy()
    sparse_value = run([words], g, index)
    dense_value = run([words], graphlens.grad((embedding[words] ** 2).sum(), embedding), index)
    assert sparse_value.format == "csc" and sparse_value.nnz == 6      # rows 1 and 4 only
    np.testing.assert_allclose(sparse_value.toarray(), dense_value)
    step = graphlens.function([words], cost, updates=[(embedding, embedding - 0.1 * g)])
    step(index)
    np.testing.assert_allclose(embedding.get_value(), start - 0.1 * dense_value)
    sparse.verify_grad_sparse(lambda m: graphlens.sparse_grad(m[T.constant(index)]),
                              [RNG.standard_normal((6, 3))])
    with pytest.raises(TypeError, match="sparse_grad"):
        graphlens.sparse_grad(embedding[1:3])


def test_theanos_get_item_op_classes_index_as_x_brackets_and_getitem_without_index_refuses():
    x, rows, stop = sparse.csr_matrix("x"), T.lvector("rows"), T.lscalar("stop")
    listed, by_name, sliced = run(
        [x, rows, stop],
        [sparse.GetItemList()(x, rows), sparse.GetItemList()(x, index=rows),
         sparse.GetItem2d()(x, (slice(1, stop), slice(0, 2)))], X, [3, 0], 3)
    np.testing.assert_array_equal(listed.toarray(), X.toarray()[[3, 0]])
    np.testing.assert_array_equal(by_name.toarray(), X.toarray()[[3, 0]])
    np.testing.assert_array_equal(sliced.toarray(), X.toarray()[1:3, 0:2])
    # GetItem() carries no index: it once returned x itself, whatever the rows
    with pytest.raises(TypeError, match="x\\[...\\]"):
        sparse.GetItem()(x, rows)
