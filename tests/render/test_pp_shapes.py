"""pp(expr, shapes=True): each printed line ends with its value's known type."""

import numpy as np
import pytest

import graphlens
import graphlens.tensor as T
from graphlens.printing import pp


def layer():
    x = T.dmatrix("x", test_value=np.zeros((256, 784)))
    W = graphlens.shared(np.zeros((784, 100)), name="W")
    V = graphlens.shared(np.zeros((100, 10)), name="V")
    h = T.tanh(T.dot(x, W))
    return x, V, h, T.nnet.softmax(T.dot(h, V) + h.sum())


def test_each_binding_and_the_expression_end_with_their_shapes():
    _, _, _, out = layer()
    assert pp(out, shapes=True).splitlines() == [
        "%1 = tanh(x @ W)           # float64[256, 100]",
        "softmax(%1 @ V + sum(%1))  # float64[256, 10]",
    ]
    assert pp(out) == "%1 = tanh(x @ W)\nsoftmax(%1 @ V + sum(%1))"


def test_outputs_and_updates_of_a_function_are_annotated_and_example_inputs_count():
    x, V, _, out = layer()
    cost = out.mean()
    f = graphlens.function([x], cost, updates=[(V, V - 0.1 * graphlens.grad(cost, V))])
    lines = pp(f, shapes=True, example_inputs={x: np.zeros((3, 784))}).splitlines()
    assert lines[-2].startswith("out1 = mean(") and lines[-2].endswith("# float64")
    assert lines[-1].startswith("V <- V - 0.1 * ") and lines[-1].endswith("# float64[100, 10]")
    assert lines[0].endswith("# float64[3, 100]")
    assert len({line.index("#") for line in lines}) == 1      # the comments are aligned
    with pytest.raises(ValueError, match="latex=False"):
        pp(f, shapes=True, latex=True)
