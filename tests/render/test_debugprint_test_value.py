"""debugprint shows each variable's known shape: declared, from test values, from shared values."""

import numpy as np

import graphlens
import graphlens.tensor as T
from graphlens import config
from graphlens.printing import debugprint


def test_debugprint_shows_test_value_shapes_in_the_type():
    x = T.dmatrix("x")
    x.tag.test_value = np.ones((5, 3))
    W = graphlens.shared(np.ones((3, 2)), name="W")
    with config.change_flags(compute_test_value="raise"):
        y = T.tanh(T.dot(x, W)).sum(axis=0)
    assert debugprint(y, file="str").splitlines() == [
        "Sum{axis=0} [id A] float64[2]",
        "└─ Tanh [id B] float64[5, 2]",
        "   └─ Dot [id C] float64[5, 2]",
        "      ├─ x [id D] float64[5, 3]",
        "      └─ W [id E] float64[3, 2] shared",
    ]


def test_debugprint_infers_shapes_from_test_values_with_the_flag_off():
    # Nothing was evaluated while building: the lengths come from each op's static shapes.
    x = T.dmatrix("x", test_value=np.ones((256, 784)))
    W = graphlens.shared(np.ones((784, 100)), name="W")
    b = graphlens.shared(np.ones(100), name="b")
    h = T.tanh(T.dot(x, W) + b)
    assert not hasattr(h.tag, "test_value")
    lines = debugprint(h, file="str").splitlines()
    assert lines[0] == "Tanh [id A] float64[256, 100]"
    assert lines[3] == "   │  ├─ x [id D] float64[256, 784]"
    assert lines[5] == "   └─ DimShuffle{x,0} [id F] float64[1, 100]"
    assert x.type.shape == (None, None) and h.type.shape == (None, None)


def test_debugprint_without_test_values_is_unchanged():
    x = T.dmatrix("x")
    text = debugprint(T.exp(x), file="str")
    assert "test value" not in text
    assert text.splitlines() == ["Exp [id A] float64[?, ?]", "└─ x [id B] float64[?, ?]"]


def test_a_node_whose_known_shapes_do_not_fit_is_marked_where_the_call_will_fail():
    # Test values off: nothing raised while building, but the views see the misfit.
    x = T.dmatrix("x", test_value=np.ones((5, 20)))
    W2 = graphlens.shared(np.ones((30, 10)), name="W2")
    out = T.tanh(T.dot(x, W2))
    assert debugprint(out, file="str").splitlines() == [
        "Tanh [id A] float64[?, ?]",
        "└─ Dot [id B] float64[?, ?] ✗ its inputs' known shapes do not fit",
        "   ├─ x [id C] float64[5, 20]",
        "   └─ W2 [id D] float64[30, 10] shared",
    ]


def test_a_misfit_node_reached_again_is_marked_once_where_it_is_expanded():
    x = T.dmatrix("x", test_value=np.ones((5, 20)))
    W2 = graphlens.shared(np.ones((30, 10)), name="W2")
    product = T.dot(x, W2)
    assert debugprint(product * product, file="str").splitlines() == [
        "Mul [id A] float64[?, ?]",
        "├─ Dot [id B] float64[?, ?] ✗ its inputs' known shapes do not fit",
        "│  ├─ x [id C] float64[5, 20]",
        "│  └─ W2 [id D] float64[30, 10] shared",
        "└─ Dot [id B] float64[?, ?] ···",
    ]


def test_example_inputs_give_the_inputs_lengths_without_touching_the_types():
    x = T.dmatrix("x")
    W = graphlens.shared(np.ones((3, 2)), name="W")
    y = T.dot(x, W)
    assert debugprint(y, file="str", example_inputs={x: np.ones((7, 3))}).splitlines() == [
        "Dot [id A] float64[7, 2]",
        "├─ x [id B] float64[7, 3]",
        "└─ W [id C] float64[3, 2] shared",
    ]
    assert debugprint(y, file="str").splitlines()[0] == "Dot [id A] float64[?, 2]"
