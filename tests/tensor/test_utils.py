"""graphlens.tensor.utils (Theano's theano.tensor.utils): hash_from_ndarray, shape_of_variables."""

import numpy as np
import pytest

import graphlens
import graphlens.tensor as T
from graphlens.tensor.utils import hash_from_ndarray, shape_of_variables


def test_the_hash_tells_values_shapes_strides_and_dtypes_apart():
    a = np.arange(6.0).reshape(2, 3)
    assert hash_from_ndarray(a) == hash_from_ndarray(a.copy())
    different = [a + 1, a.reshape(3, 2), a.T, a.astype("float32"), np.zeros((1, 0)),
                 np.zeros((2, 0)), np.zeros(3, "int32"), np.zeros(3, "uint32")]
    digests = {hash_from_ndarray(v) for v in different} | {hash_from_ndarray(a)}
    assert len(digests) == len(different) + 1


def test_shape_of_variables_gives_every_variable_of_theanos_example():
    x = T.matrix("x")
    y = x[512:]
    y.name = "y"
    fgraph = graphlens.FunctionGraph([x], [y], clone=False)
    shapes = shape_of_variables(fgraph, {x: (1024, 1024)})
    assert shapes[y] == (512, 1024) and shapes[x] == (1024, 1024)
    assert all(type(d) is np.ndarray and d.dtype == np.int64 for d in shapes[y])


def test_a_length_that_needs_values_is_computed_on_zeros():
    x = T.matrix("x")
    z = T.arange(T.cast(x.sum(), "int64") + 3) * 2       # zeros sum to 0: length 3
    w = T.dot(x, x.T)
    fgraph = graphlens.FunctionGraph([x], [z, w], clone=False)
    shapes = shape_of_variables(fgraph, {x: (2, 5)})
    assert shapes[fgraph.outputs[0]] == (3,)
    assert shapes[fgraph.outputs[1]] == (2, 2)


def test_a_key_that_is_not_an_input_raises_value_error():
    x = T.matrix("x")
    fgraph = graphlens.FunctionGraph([x], [x * 2], clone=False)
    with pytest.raises(ValueError, match="'q' .* is not an input of the FunctionGraph"):
        shape_of_variables(fgraph, {T.matrix("q"): (1, 1)})
