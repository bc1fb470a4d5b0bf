"""debugprint shows the shape of a variable's test value where it has one."""

import numpy as np

import graphlens
import graphlens.tensor as T
from graphlens import config
from graphlens.printing import debugprint


def test_debugprint_shows_test_value_shapes():
    x = T.dmatrix("x")
    x.tag.test_value = np.ones((5, 3))
    W = graphlens.shared(np.ones((3, 2)), name="W")
    with config.change_flags(compute_test_value="raise"):
        y = T.tanh(T.dot(x, W)).sum(axis=0)
    assert debugprint(y, file="str").splitlines() == [
        "Sum{axis=0} [id A] float64[?] test value (2,)",
        "└─ Tanh [id B] float64[?, ?] test value (5, 2)",
        "   └─ Dot [id C] float64[?, ?] test value (5, 2)",
        "      ├─ x [id D] float64[?, ?] test value (5, 3)",
        "      └─ W [id E] float64[?, ?] shared",
    ]


def test_debugprint_without_test_values_is_unchanged():
    x = T.dmatrix("x")
    text = debugprint(T.exp(x), file="str")
    assert "test value" not in text
    assert text.splitlines() == ["Exp [id A] float64[?, ?]", "└─ x [id B] float64[?, ?]"]
