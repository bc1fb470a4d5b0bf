"""one_element_terms_first: the leading one-element terms of an n-ary + or * become their own
node, computed once on single values; the fold's order, so its values bit for bit, is kept."""

import numpy as np

import graphlens.tensor as T
from graphlens import function
from graphlens.rewrite.composite import Composite


def test_leading_one_element_factors_are_one_node_and_the_values_are_the_same_bits():
    x, n = T.dmatrix("x"), T.lscalar("n")
    out = 1.0 / T.cast(n, "float64") * 3.0 * x
    f = function([x, n], out)
    reference = function([x, n], out, mode="NONE")
    assert f.rewrite_log.counts()["one_element_terms_first"] == 1
    values = np.random.default_rng(0).standard_normal((5, 4)), np.asarray(7)
    np.testing.assert_array_equal(f(*values), reference(*values))
    (fused,) = [node for node in f.fgraph.toposort() if isinstance(node.op, Composite)]
    # Inside the fused node the product over x's array is of two factors, not three.
    full = [step for step in fused.op._plan.steps if step.full]
    assert len(full) == 1 and len(full[0].node.inputs) == 2


def test_terms_not_leading_or_of_other_dtypes_are_left_alone():
    x, s, t = T.dmatrix("x"), T.dscalar("s"), T.dscalar("t")
    f = function([x, s, t], x * s * t + s)        # x leads: the fold multiplies x first
    assert "one_element_terms_first" not in f.rewrite_log.counts()
    np.testing.assert_allclose(f(np.ones((2, 2)), 2.0, 3.0), np.full((2, 2), 8.0))
    i = T.lscalar("i")
    g = function([x, s, i], T.cast(i, "float64") + s + x)
    np.testing.assert_allclose(g(np.ones((2, 2)), 2.0, 3), np.full((2, 2), 6.0))
