"""Theano's op classes of tensor/basic.py, called as Theano called them: Join()(axis, ...),
Split(n)(x, axis, splits), MaxAndArgmax(axis), Rebroadcast(*pairs), Tile(ndim)(x, reps),
Tri(dtype), PermuteRowElements()(x, y, inverse), AllocEmpty(dtype), default, NoneConst."""

import numpy as np
import pytest

import graphlens
import graphlens.tensor as T
from graphlens import function
from op_checks import check_grad, check_infer_shape

RNG = np.random.default_rng(3)
A = RNG.normal(size=(2, 3))
B = RNG.normal(size=(2, 4))


def test_join_with_a_symbolic_axis_values_and_gradient():
    a, b, axis = T.dmatrix("a"), T.dmatrix("b"), T.iscalar("axis")
    joined = T.Join()(axis, a, b)
    assert isinstance(joined.owner.op, T.Join) and joined.owner.inputs[0] is axis
    f = function([axis, a, b], joined)
    np.testing.assert_array_equal(f(1, A, B), np.concatenate([A, B], 1))
    np.testing.assert_array_equal(f(-2, A, A), np.concatenate([A, A], 0))
    weights = RNG.normal(size=(2, 7))
    ga, gb = graphlens.grad((joined * weights).sum(), [a, b])
    got = function([axis, a, b], [ga, gb])(1, A, B)
    np.testing.assert_array_equal(got[0], weights[:, :3])
    np.testing.assert_array_equal(got[1], weights[:, 3:])
    with pytest.raises(IndexError, match="out of range"):         # Theano's class
        f(2, A, B)
    shape = function([axis, a, b], joined.shape)
    np.testing.assert_array_equal(shape(-1, A, B), [2, 7])
    assert not [n for n in shape.maker.fgraph.toposort() if isinstance(n.op, T.Join)]
    check_grad(lambda x, y: T.Join()(T.constant(1, dtype="int32") + 0, x, y), A, B)


def test_join_of_one_tensor_is_it_and_stack_of_scalars_a_vector():
    a, s = T.dmatrix("a"), T.fscalar("s")
    assert T.join(0, a) is a and T.concatenate([a], axis=1) is a
    stacked = T.stack([s, 2, s])
    assert isinstance(stacked.owner.op, T.opt.MakeVector) and stacked.dtype == "float32"
    np.testing.assert_array_equal(function([s], stacked)(1.5), [1.5, 2.0, 1.5])
    with pytest.raises(IndexError):
        T.stack([a, a], 3)
    check_infer_shape(lambda x, y: T.join(1, x, y), [A, B], T.Join)


def test_join_with_a_constant_axis_is_graphlens_join():
    a, b = T.dmatrix("a"), T.dmatrix("b")
    joined = T.Join()(-1, a, b)
    assert joined.owner.op == T.Join(1) and joined.owner.inputs == [a, b]
    with pytest.raises(TypeError):
        T.join(0, T.as_tensor_variable(1), T.as_tensor_variable(2))     # scalars: Theano's


def test_split_op_values_errors_and_gradient():
    x = T.dmatrix("x")
    pieces = T.Split(2)(x, 1, T.lvector("s"))
    assert len(pieces) == 2
    f = function([x, pieces[0].owner.inputs[2]], pieces)
    first, second = f(A, [1, 2])
    np.testing.assert_array_equal(first, A[:, :1])
    np.testing.assert_array_equal(second, A[:, 1:])
    with pytest.raises(ValueError, match="sum to 4"):
        f(A, [1, 3])                            # numpy would cut silently; Theano refused
    with pytest.raises(ValueError, match=">= 0"):
        f(A, [4, -1])
    negative = T.Split(2)(x, 1, [4, -1])         # a negative literal fails when run, as Theano
    with pytest.raises(ValueError, match=">= 0"):
        function([x], negative)(A)
    with pytest.raises(ValueError, match="sum to 2"):
        T.split(T.TensorType("float64", (2, 3))(), [1, 1], 2, axis=1)
    # An unused piece gets a zero gradient.
    check_grad(lambda v: T.Split(3)(v, 0, [1, 0, 1])[2] * 3.0, A)
    check_infer_shape(lambda v: T.Split(2)(v, 1, [2, 1])[1], [A], T.Split)


def test_max_and_argmax_is_one_node_over_any_axes():
    x = T.dtensor3("x")
    data = RNG.normal(size=(2, 3, 4))
    for axis, kept in ((None, ()), (1, (0, 2)), ([0, 2], (1,)), (-1, (0, 1))):
        m, i = T.max_and_argmax(x, axis)
        assert m.owner is i.owner and isinstance(m.owner.op, T.MaxAndArgmax)
        got_m, got_i = function([x], [m, i])(data)
        reduced = [a for a in range(3) if a not in kept]
        moved = data.transpose(list(kept) + reduced).reshape([data.shape[k] for k in kept]
                                                             + [-1])
        np.testing.assert_array_equal(got_m, moved.max(-1))
        np.testing.assert_array_equal(got_i, moved.argmax(-1))
        assert got_i.dtype == np.int64
    m, i = T.max_and_argmax(x, T.NoneConst.clone())
    assert m.ndim == 0 and function([x], i)(data) == data.argmax()
    m, i = T.max_and_argmax(x, 1, keepdims=True)
    assert function([x], m)(data).shape == (2, 1, 4)
    check_grad(lambda v: T.max_and_argmax(v, [0, 2])[0], data)
    check_infer_shape(lambda v: T.MaxAndArgmax((1,))(v)[0], [data], T.MaxAndArgmax)


def test_rebroadcast_takes_theano_pairs():
    x = T.dtensor3("x")
    op = T.Rebroadcast((0, True), (2, False))
    assert op == T.Rebroadcast(((0, True), (2, False))) and op.axis == {0: True, 2: False}
    y = op(x)
    assert y.broadcastable == (True, False, False)
    np.testing.assert_array_equal(function([x], y)(np.ones((1, 2, 3))), np.ones((1, 2, 3)))
    with pytest.raises(ValueError, match="length 2"):
        function([x], y)(np.ones((2, 2, 3)))
    with pytest.raises(ValueError, match="out of range"):
        T.Rebroadcast((3, True))(x)


def test_tile_op_of_theano_takes_a_vector_of_counts():
    x, reps = T.dmatrix("x"), T.lvector("reps")
    tiled = T.Tile(2)(x, [2, 3])
    assert isinstance(tiled.owner.op, T.Tile)
    np.testing.assert_array_equal(function([x], tiled)(A), np.tile(A, (2, 3)))
    fixed = T.TensorType("int64", (3,))("r")
    np.testing.assert_array_equal(function([x, fixed], T.Tile(3)(x, fixed))(A, [2, 1, 2]),
                                  np.tile(A, (2, 1, 2)))
    with pytest.raises(ValueError, match="not ndim=3"):
        T.Tile(3)(x, [2, 2])                    # np.tile would give rank 2: Theano refused
    assert T.Tile(2)(x, reps).ndim == 2
    check_grad(lambda v: T.Tile(2)(v, [2, 1]), A)


def test_tri_op_as_numpy():
    n, m, k = T.iscalars("n", "m", "k")
    f = function([n, m, k], T.Tri("int32")(n, m, k))
    for args in ((3, 3, 0), (3, 5, 1), (5, 3, -1)):
        got = f(*args)
        np.testing.assert_array_equal(got, np.tri(*args))
        assert got.dtype == np.int32
    assert T.tri(3).dtype == graphlens.config.floatX and T.tri(3, 4).type.shape == (3, 4)
    assert T.Tri() == T.Tri(graphlens.config.floatX)


@pytest.mark.parametrize("xs, ys, inverse", [((5,), (5,), False), ((3, 5), (5,), True),
                                             ((3, 5), (3, 5), False), ((5,), (3, 5), True),
                                             ((2, 1, 4), (3, 4), False)])
def test_permute_row_elements_matches_a_reference(xs, ys, inverse):
    x = RNG.normal(size=xs)
    y = np.argsort(RNG.normal(size=ys), axis=-1)
    rank = max(len(xs), len(ys))
    xb = np.broadcast_to(x.reshape((1,) * (rank - x.ndim) + xs), None) if False else \
        x.reshape((1,) * (rank - x.ndim) + xs)
    yb = y.reshape((1,) * (rank - y.ndim) + ys)
    lead = np.broadcast_shapes(xb.shape[:-1], yb.shape[:-1])
    xb, yb = np.broadcast_to(xb, lead + xs[-1:]), np.broadcast_to(yb, lead + ys[-1:])
    want = np.empty_like(xb)
    for index in np.ndindex(*lead):
        if inverse:
            want[index][yb[index]] = xb[index]
        else:
            want[index] = xb[index][yb[index]]
    xv = T.TensorType("float64", tuple(1 if n == 1 else None for n in xs))("x")
    yv = T.TensorType("int64", (None,) * len(ys))("y")
    out = T.permute_row_elements(xv, yv, inverse)
    assert isinstance(out.owner.op, T.PermuteRowElements)
    np.testing.assert_array_equal(function([xv, yv], out)(x, y), want)
    check_grad(lambda v: T.permute_row_elements(v, y, inverse), x)


def test_permute_row_elements_refuses_mismatched_rows():
    x, y = T.dmatrix("x"), T.lmatrix("y")
    f = function([x, y], T.PermuteRowElements()(x, y, False))
    with pytest.raises(ValueError, match="differ on axis 0"):
        f(np.ones((2, 3)), np.zeros((4, 3), dtype="int64"))


def test_alloc_empty_is_never_folded():
    f = function([], T.AllocEmpty("float32")(2, 3))
    assert [type(node.op) for node in f.maker.fgraph.apply_nodes] == [T.AllocEmpty]
    out = f()
    assert out.shape == (2, 3) and out.dtype == np.float32


def test_default_gives_x_or_the_fallback():
    x, y = T.dscalars("x", "y")
    z = T.default(x, y)
    assert isinstance(z.owner.op, T.Default)
    assert function([x, y], z)(1.0, 2.0) == 1.0
    with pytest.raises(TypeError):
        T.default(x, T.fscalar())
    assert T.scal is graphlens.scalar and T.basic.scal is graphlens.scalar


@pytest.mark.parametrize("offset, axis1, axis2", [(0, 0, 1), (1, 1, 3), (-1, 2, 3), (0, 2, 0)])
def test_alloc_diag_on_any_two_axes_inverts_extract_diag(offset, axis1, axis2):
    x = T.dtensor3("x")
    data = RNG.normal(size=(2, 3, 4))
    out = function([x], T.AllocDiag(offset, axis1, axis2)(x))(data)
    first, second = sorted((axis1, axis2))
    np.testing.assert_array_equal(np.diagonal(out, offset, first, second), data)
    assert np.count_nonzero(out) == data.size
    check_grad(lambda v: T.AllocDiag(offset, axis1, axis2)(v), data)
    check_infer_shape(lambda v: T.AllocDiag(offset, axis1, axis2)(v), [data], T.AllocDiag)


def test_as_tensor_variable_of_a_node_and_to_a_rank():
    class TwoOut(graphlens.Op):
        def __init__(self, default):
            self.default_output = default

        def make_node(self, x):
            return graphlens.Apply(self, [x], [x.type(), x.type()])

    x = T.dscalar("x")
    node = TwoOut(1).make_node(x)
    assert T.as_tensor_variable(node) is node.outputs[1]
    for bad in (None, 2, -1, [0]):
        with pytest.raises(AttributeError):
            T.as_tensor_variable(TwoOut(bad).make_node(x))
    row = T.TensorType("float64", (1, None))("r")
    assert T.as_tensor_variable(row, ndim=1).type.shape == (None,)
    assert T.as_tensor_variable(T.dvector(), ndim=3).broadcastable == (True, True, False)
    with pytest.raises(TypeError):
        T.as_tensor_variable(T.dmatrix(), ndim=1)


def test_small_theano_readings():
    m, k = T.dmatrix("m"), T.iscalar("k")
    data = np.arange(12.0).reshape(3, 4)
    low, high = function([m, k], [T.tril(m, k), T.triu(m, k)])(data, -1)
    np.testing.assert_array_equal(low, np.tril(data, -1))
    np.testing.assert_array_equal(high, np.triu(data, -1))
    # argmax passes a gradient of zeros, which get_scalar_constant_value reads as Theano did
    gx = graphlens.grad(T.argmax(m, axis=0).sum(), m)
    assert T.get_scalar_constant_value(gx) == 0.0
    constant = T.constant(np.arange(3))
    assert constant.value is constant.data
    assert T.get_scalar_constant_value(T.opt.Shape_i(1)(T.constant(data))) == 4
    with pytest.raises(TypeError, match="must be a scalar"):       # Theano's class
        graphlens.grad(T.argmax(m, axis=1), m)
    top, where = T.max_and_argmax(T.dtensor3(), [0, 0])          # a repeated axis counts once
    assert top.ndim == 2
    empty, position = function([m], T.max_and_argmax(m, 1))(np.zeros((0, 4)))
    assert empty.shape == position.shape == (0,)


def test_indexing_readings_of_theano():
    with pytest.raises(IndexError, match="too many indices"):    # numpy's and Theano's class
        T.dvector("v")[0, 0]
    with pytest.raises(IndexError):
        T.dscalar("s")[T.lvector("i")]
    x = T.dvector("x")
    replaced = T.inc_subtensor(x[1:], 5.0, set_instead_of_inc=True, inplace=True)
    added = T.inc_subtensor(x[1:], 5.0, inplace=False)
    got = function([x], [replaced, added])(np.array([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(got[0], [1.0, 5.0, 5.0])
    np.testing.assert_array_equal(got[1], [1.0, 7.0, 8.0])
    with pytest.raises(TypeError, match="more axes"):             # Theano's class, and ValueError
        T.inc_subtensor(x[T.lvector("i")], T.dmatrix())
    m = T.dmatrix("m")
    out = T.advanced_inc_subtensor(m, 1.0, [0, 1], [1, 0])
    np.testing.assert_array_equal(function([m], out)(np.zeros((2, 2))), [[0, 1], [1, 0]])


def test_round_half_away_from_zero_reference_of_theano_scalar():
    from graphlens.scalar import round_half_away_from_zero_vec
    got = round_half_away_from_zero_vec(np.array([-2.5, -0.5, 0.5, 1.5, 2.4], dtype="float32"))
    np.testing.assert_array_equal(got, [-3.0, -1.0, 1.0, 2.0, 2.0])
    assert got.dtype == np.float32
    assert round_half_away_from_zero_vec(np.arange(3)).dtype == np.float64


def test_more_theano_signatures():
    x = T.dmatrix("x")
    data = RNG.normal(size=(3, 4)) + 1e4
    got = function([x], [T.var(x, 1, 1), x.var(0, corrected=True), T.std(x, None, 1, True)])(
        data)
    np.testing.assert_allclose(got[0], data.var(1, ddof=1))      # ddof third, as Theano
    np.testing.assert_allclose(got[1], data.var(0), rtol=1e-10)
    np.testing.assert_allclose(got[2], data.std(ddof=1, keepdims=True))
    flat = T.flatten(T.dtensor3(), outdim=2)
    assert flat.ndim == 2 and T.is_flat(flat, 2) and not T.is_flat(flat)
    a, b = T.lvectors("a", "b")
    q, r = divmod(a, b)
    got = function([a, b], [q, r])(np.array([7, -7]), np.array([2, 2]))
    np.testing.assert_array_equal(got, [[3, -4], [1, 1]])
    idx = T.lvector("i")
    chosen = idx.choose([T.constant([1.0, 2.0]), T.constant([3.0, 4.0])])
    np.testing.assert_array_equal(function([idx], chosen)(np.array([1, 0])), [3.0, 2.0])
    assert function([x], T.isnan_(x))(np.array([[np.nan]])).all()


def test_float_arange_gradient_as_theano():
    # start moves every element, step the i-th by i; stop only decides the length.
    check_grad(lambda start, step: T.arange(start, 10.0, step) ** 2,
               np.array(1.5), np.array(2.0))
    start = T.dscalar("start")
    ones = graphlens.grad(T.arange(start, 10.0, 2.0).sum(), start)
    assert function([start], ones)(1.5) == 5.0


@pytest.mark.parametrize("dtype, bounds", [("int64", [(0, 10, 3), (10, 0, 1), (10, 0, -3)]),
                                           ("float64", [(0.0, 1.0, 0.3), (0.0, 1.0, -0.3),
                                                        (-1.5, 2.0, 0.5)])])
def test_arange_shape_without_running_it(dtype, bounds):
    start, stop, step = (T.scalar(name, dtype=dtype) for name in ("start", "stop", "step"))
    shape = function([start, stop, step], T.arange(start, stop, step).shape)
    assert not [n for n in shape.maker.fgraph.toposort() if isinstance(n.op, T.ARange)]
    for args in bounds:
        assert tuple(shape(*args)) == np.arange(*args).shape


def test_reshape_to_a_scalar_length_and_flatten_keeps_known_lengths():
    b = T.dmatrix("b")
    got = function([b], T.reshape(b, T.as_tensor_variable(6), ndim=1))(np.ones((2, 3)))
    assert got.shape == (6,)
    assert T.flatten(T.TensorType("float64", (None, 1, 1, 1))(), 2).broadcastable == \
        (False, True)
    assert T.flatten(T.TensorType("float64", (None, 1, None))(), 2).type.shape == (None, None)
