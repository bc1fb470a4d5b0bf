"""graphlens/tensor/elemwise.py: the Elemwise base (rank padding, static broadcasting, dtypes,
run-time broadcast checks, unbroadcast) and DimShuffle."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import config, function, grad
from graphlens.errors import EvaluationError, GraphlensTypeError, ShapeError
from graphlens.gradient import verify_grad
from graphlens.tensor.compare import Maximum
from graphlens.tensor.elemwise import (DimShuffle, broadcast_shapes, common_dtype, float_dtype,
                                       pad_left, unbroadcast)
from graphlens.tensor.math import Add
from loop_cases import this_line


def typed(dtype, *shape):
    return T.TensorType(dtype, shape)()


STATIC_BROADCASTS = [
    ([(2, 3), (2, 3)], (2, 3)),
    ([(2, 3), (1, 3)], (2, 3)),
    ([(2, 1), (1, 3)], (2, 3)),
    ([(None, 3), (1, None)], (None, 3)),
    ([(None, 1), (1, 1)], (None, 1)),
    ([(1, 1), (1, 1)], (1, 1)),
    ([(None, None), (4, 1), (1, None)], (4, None)),
    ([(0, 3), (1, 3)], (0, 3)),
    ([(None,), (0,)], (0,)),
]


@pytest.mark.parametrize("shapes, expected", STATIC_BROADCASTS)
def test_static_broadcast_shapes(shapes, expected):
    assert broadcast_shapes(Add(), [typed("float64", *s) for s in shapes]) == expected


def test_lower_ranks_are_padded_on_the_left_with_broadcastable_axes():
    m, v, s = T.dtensor3("m"), T.dvector("v"), T.dscalar("s")
    node = T.add(m, v, s).owner
    assert [i.type.shape for i in node.inputs] == [(None,) * 3, (1, 1, None), (1, 1, 1)]
    assert node.inputs[1].owner.op == DimShuffle(1, ("x", "x", 0))
    assert pad_left(m, 3) is m
    values = function([m, v, s], T.add(m, v, s))(np.ones((2, 3, 4)), np.arange(4.0), 10.0)
    np.testing.assert_array_equal(values, np.ones((2, 3, 4)) + np.arange(4.0) + 10)


def test_declared_broadcastable_axes_broadcast_at_run_time():
    m, r, c = T.dmatrix("m"), T.drow("r"), T.dcol("c")
    f = function([m, r, c], [m * r, m * c, r + c])
    by_row, by_col, outer = f(np.ones((2, 3)), np.array([[1.0, 2, 3]]), np.array([[10.0], [20]]))
    np.testing.assert_array_equal(by_row, [[1, 2, 3], [1, 2, 3]])
    np.testing.assert_array_equal(by_col, [[10, 10, 10], [20, 20, 20]])
    np.testing.assert_array_equal(outer, [[11, 12, 13], [21, 22, 23]])


def test_run_time_length_one_where_the_other_input_is_also_one_is_fine():
    x, y = T.dmatrix("x"), T.dmatrix("y")
    value = function([x, y], x + y)(np.ones((1, 3)), np.ones((1, 3)))
    np.testing.assert_array_equal(value, 2 * np.ones((1, 3)))


def test_run_time_broadcast_of_an_undeclared_axis_names_input_axis_and_line():
    x, y = T.dmatrix("x"), T.dmatrix("y")
    out, line = T.maximum(x, y), this_line()
    f = function([x, y], out)
    with pytest.raises(EvaluationError) as info:
        f(np.ones((3, 1)), np.ones((3, 4)))
    message = str(info.value)
    assert message.startswith(f"Maximum failed at tests/tensor/test_elemwise.py:{line}: "
                              f"ShapeError: Maximum: input 'x' (float64[?, ?], built at "
                              f"tests/tensor/test_elemwise.py:{line - 1}) has length 1 on axis "
                              f"1 at run time, but that axis was not declared broadcastable "
                              f"(input shapes (3, 1), (3, 4))")


def test_static_broadcast_error_names_the_op_both_inputs_and_the_line():
    a, b = T.TensorType("float32", (None, 5))("a"), T.TensorType("float32", (2, 4))("b")
    make, line = (lambda: a / b), this_line()
    with pytest.raises(ShapeError) as info:
        make()
    assert str(info.value) == (
        f"TrueDiv at tests/tensor/test_elemwise.py:{line}: the inputs cannot broadcast, axis 1 "
        f"has lengths [4, 5]. Inputs: 'a' (float32[?, 5], built at "
        f"tests/tensor/test_elemwise.py:{line - 1}), 'b' (float32[2, 4], built at "
        f"tests/tensor/test_elemwise.py:{line - 1})")


def test_wrong_number_of_inputs_names_the_op_and_line():
    x = T.dvector("x")
    make, line = (lambda: Maximum()(x)), this_line()
    with pytest.raises(GraphlensTypeError, match=f"Maximum at tests/tensor/test_elemwise.py:"
                                                 f"{line} takes 2 inputs, got 1"):
        make()
    with pytest.raises(GraphlensTypeError, match="Add at .* takes at least 1 inputs, got 0"):
        T.add()


def test_float_dtype_of_integers():
    expected = {"bool": "float32", "int8": "float32", "uint8": "float32", "int16": "float32",
                "uint16": "float32", "int32": "float64", "uint32": "float64",
                "int64": "float64", "uint64": "float64", "float16": "float16",
                "float32": "float32", "float64": "float64", "complex64": "complex64"}
    assert {d: float_dtype(d) for d in expected} == expected


def test_common_dtype_with_python_literals_as_theano_autocast():
    f32, i8, u8 = T.fvector(), T.bvector(), T.vector(dtype="uint8")
    assert common_dtype([f32, T.constant(2.0)]) == "float32"
    assert common_dtype([f32, T.constant(0.1)]) == "float64"      # 0.1 is not exact in float32
    assert common_dtype([i8, T.constant(1)]) == "int8"
    assert common_dtype([i8, T.constant(1000)]) == "int16"
    assert common_dtype([u8, T.constant(2)]) == "int16"            # uint8 with an int8 literal
    assert common_dtype([i8, T.constant(2.5)]) == "float32"
    assert common_dtype([i8, T.constant(0.3)]) == "float64"
    with config.change_flags(floatX="float32"):
        assert common_dtype([i8, T.constant(2.5)]) == "float32"
        assert common_dtype([f32, T.constant(0.1)]) == "float32"
        assert common_dtype([T.constant(1), T.constant(2.5)]) == "float32"
    assert common_dtype([T.constant(1), T.constant(2)]) == "int8"
    assert common_dtype([f32, T.constant(np.float64(2.0))]) == "float64"   # numpy: as typed


def test_literals_are_converted_once_to_the_result_dtype():
    x, d = T.fvector("x"), T.dvector("d")
    constant = (x * 2.5).owner.inputs[1]    # padded to rank 1 in place: no DimShuffle node
    assert constant.dtype == "float32"
    assert constant.type.shape == (1,) and constant.data.tolist() == [2.5]
    widened = (d * 2.5).owner.inputs[1]     # a float32 literal, stored as float64 for the op
    assert widened.dtype == "float64" and widened.data.tolist() == [2.5]


def test_unbroadcast_sums_only_over_axes_the_variable_broadcast():
    g = T.dmatrix("g")
    row, col, full = T.drow("r"), T.dcol("c"), T.dmatrix("m")
    assert unbroadcast(g, full) is g
    f = function([g], [unbroadcast(g, row), unbroadcast(g, col)])
    by_row, by_col = f(np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(by_row, [[3, 5, 7]])
    np.testing.assert_array_equal(by_col, [[3], [12]])


def test_gradient_of_a_padded_vector_and_a_scalar_sums_to_their_shapes():
    m, v, s = T.dmatrix("m"), T.dvector("v"), T.dscalar("s")
    gv, gs = grad((m * v * s).sum(), [v, s])
    value_v, value_s = function([m, v, s], [gv, gs])(np.arange(6.0).reshape(2, 3),
                                                     np.ones(3), 2.0)
    np.testing.assert_array_equal(value_v, [2 * 3, 2 * 5, 2 * 7])
    assert value_s.shape == () and value_s == 15.0


# ---------------------------------------------------------------- DimShuffle

PATTERNS = [
    ((2, 3), (1, 0), (3, 2)),
    ((2, 3), ("x", 0, 1), (1, 2, 3)),
    ((2, 3), (0, "x", 1, "x"), (2, 1, 3, 1)),
    ((2, 3, 4), (2, 0, 1), (4, 2, 3)),
    ((1, 3), (1,), (3,)),                 # drop a length-1 axis
    ((2, 1, 3), (2, "x", 0), (3, 1, 2)),  # drop one, insert one, permute
    ((), ("x", "x"), (1, 1)),
    ((1,), (), ()),
]


@pytest.mark.parametrize("in_shape, order, out_shape", PATTERNS)
def test_dimshuffle_values_and_static_shapes(in_shape, order, out_shape):
    x = np.arange(float(np.prod(in_shape))).reshape(in_shape)
    static = T.TensorType("float64", in_shape)("x")
    out = static.dimshuffle(*order)
    assert out.type.shape == out_shape
    value = function([static], out)(x)
    kept = [i for i in order if i != "x"]
    expected = x.reshape([d for i, d in enumerate(in_shape) if i in kept] or ())
    expected = expected.transpose(np.argsort(np.argsort(kept))) if kept else expected
    assert value.shape == out_shape
    np.testing.assert_array_equal(value, expected.reshape(out_shape))


def test_dimshuffle_unknown_lengths_stay_unknown_and_x_axes_are_broadcastable():
    x = T.TensorType("int8", (None, 1, 4))("x")
    out = x.dimshuffle(2, "x", 0)
    assert out.type.shape == (4, 1, None) and out.dtype == "int8"
    assert out.broadcastable == (False, True, False)


@pytest.mark.parametrize("in_shape, order", [((2, 3), (1, "x", 0)), ((3,), ("x", 0, "x")),
                                             ((2, 3, 4), (1, 2, 0)), ((), ("x",))])
def test_dimshuffle_gradient_matches_finite_differences(in_shape, order):
    x = np.random.default_rng(1).normal(size=in_shape)
    for dtype in ("float64", "float32"):
        verify_grad(lambda v: v.dimshuffle(*order) * 2, [x.astype(dtype)])


def test_dimshuffle_gradient_restores_a_dropped_axis():
    x = T.TensorType("float64", (None, 1, None))("x")
    weights = np.arange(6.0).reshape(3, 2)
    g = grad((x.dimshuffle(2, 0) * weights).sum(), x)
    assert g.type.shape == (2, 1, 3)     # the constant weights make every length known
    value = function([x], g)(np.zeros((2, 1, 3)))
    np.testing.assert_array_equal(value, weights.T[:, None, :])


def test_dimshuffle_errors_name_the_pattern_the_variable_and_the_line():
    x = T.dmatrix("x")
    make, line = (lambda: x.dimshuffle(1)), this_line()
    with pytest.raises(ShapeError) as info:
        make()
    assert str(info.value).startswith(
        f"DimShuffle{{1}} at tests/tensor/test_elemwise.py:{line} drops axis 0 of 'x' "
        f"(float64[?, ?], built at tests/tensor/test_elemwise.py:{line - 1}), which is not "
        f"known to have length 1")
    with pytest.raises(ShapeError, match=r"DimShuffle\{0,0\} at .*: invalid pattern for 'x'.*"
                                         r"use each axis 0..1 at most once"):
        x.dimshuffle(0, 0)
    with pytest.raises(ShapeError, match=r"DimShuffle\{2,0\} at .*: invalid pattern"):
        x.dimshuffle(2, 0)
    with pytest.raises(ShapeError, match=r"DimShuffle\{0\} at .* expects rank 1, got 'x'"):
        DimShuffle(1, (0,))(x)


def test_a_literal_padded_to_a_vectors_rank_shares_one_read_only_array():
    # `x * 2.5` reads 2.5 as [2.5]: a view of the literal's data, made once per literal, dtype
    # and rank (a gradient makes such a constant per product; issue #23). Each use is still
    # its own constant, as in Theano.
    x = T.dvector("x")
    first, second = (x * 2.5).owner.inputs[1], (x * 2.5).owner.inputs[1]
    assert first is not second
    assert first.data is second.data
    assert first.data.shape == (1,) and first.data.dtype == np.float64
    assert not first.data.flags.writeable
    assert first.type == second.type and first.type.shape == (1,) and not first.weak
    np.testing.assert_array_equal((x * 2.5).eval({x: np.array([1.0, 2.0])}), [2.5, 5.0])


def test_a_weak_branch_of_switch_is_a_plain_constant_of_the_branches_dtype():
    x = T.fvector("x")
    chosen = T.switch(x > 0, x, 0)
    zero = chosen.owner.inputs[2]
    assert zero.dtype == "float32" and not zero.weak and zero.data.shape == (1,)
    np.testing.assert_array_equal(chosen.eval({x: np.array([-1.0, 2.0], "float32")}), [0.0, 2.0])
