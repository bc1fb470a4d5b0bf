"""Theano API forms found by running Theano 1.0's own tests: T.tensor(dtype, broadcastable=...),
op(x, return_list=True)."""

import numpy as np
import pytest

import graphlens.tensor as T


def test_tensor_takes_theanos_broadcastable_keyword():
    x = T.tensor("float32", broadcastable=(False, True), name="x")
    assert (x.dtype, x.broadcastable, x.name) == ("float32", (False, True), "x")
    assert x.type == T.TensorType("float32", (False, True))
    y = T.tensor(dtype="float64", broadcastable=(False,) * 3)
    assert y.ndim == 3 and y.broadcastable == (False, False, False)


def test_an_op_call_may_ask_for_a_list_of_outputs():
    x = T.dvector("x")
    op = T.exp(x).owner.op
    outputs = op(x, return_list=True)
    assert isinstance(outputs, list) and len(outputs) == 1
    np.testing.assert_allclose(outputs[0].eval({x: np.zeros(2)}), [1.0, 1.0])
    assert not isinstance(op(x, return_list=False), list)
    with pytest.raises(TypeError, match="unexpected keyword"):
        op(x, flavour=1)


def test_autocast_float_as_narrows_float_literals_for_a_while():
    from graphlens.scalar import autocast_float, autocast_float_as
    default = autocast_float.dtypes
    assert (T.fvector() + 1.1).dtype == "float64"          # 1.1 is not exact in float32
    with autocast_float_as("float32"):
        assert autocast_float.dtypes == ("float32",)
        assert (T.fvector() + 1.1).dtype == "float32"
        assert T.constant(1.1).dtype == "float32"
    assert autocast_float.dtypes == default
    assert (T.fvector() + 1.1).dtype == "float64" and T.constant(1.1).dtype == "float64"
    with autocast_float_as("float64"):
        assert (T.fvector() + 2.5).dtype == "float64"      # 2.5 would be float32 by default
    assert (T.fvector() + 2.5).dtype == "float32"


def test_an_empty_list_is_an_empty_array_of_any_dtype_as_theano():
    import graphlens
    i = T.ivector("i")
    f = graphlens.function([i], i * 2)
    out = f([])
    assert out.shape == (0,) and out.dtype == np.int32
    with pytest.raises(TypeError, match="holds floats"):
        f([1.5])
