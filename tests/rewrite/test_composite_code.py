"""A fused node's fixed plan written out as Python (rewrite/composite_code.py): the same values,
the same arrays overwritten, the same errors as `Composite.perform`."""

from dataclasses import replace

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens.errors import ShapeError
from graphlens import function
from graphlens.compile.mode import Mode
from graphlens.rewrite.composite import Composite


def _node(inputs, output):
    """The fused node of `output` compiled from `inputs` (in-place off: no input destroyed),
    its inputs in the order of `inputs`."""
    f = function(inputs, output, mode=Mode("FAST_RUN", exclude=("inplace",)))
    (node,) = [n for n in f.fgraph.toposort() if isinstance(n.op, Composite)]
    assert list(node.inputs) == list(f.fgraph.inputs)
    return node


def test_written_call_computes_what_perform_computes():
    x, y = T.dmatrix("x"), T.row("y", dtype="float64")
    node = _node([x, y], (T.exp(x) * 2.0 + y) / 3.0)
    direct = node.op.direct_perform(node)
    assert direct is not None
    a, b = np.arange(6.0).reshape(2, 3), np.array([[1.0, 2.0, 4.0]])
    np.testing.assert_array_equal(direct(a, b), node.op.perform(node, [a, b])[0])
    np.testing.assert_array_equal(direct(a, b), (np.exp(a) * 2.0 + b) / 3.0)


def test_written_call_overwrites_a_destroyed_input_and_falls_back_when_it_cannot():
    x, y = T.dmatrix("x"), T.dmatrix("y")
    node = _node([x, y], T.exp(x) - y)
    op = replace(node.op, destroyed=(0,))
    node = op.make_node(*node.inputs)
    direct = op.direct_perform(node)
    a, b = np.ones((2, 2)), np.full((2, 2), 0.5)
    result = direct(a, b)
    assert result is a                      # written into the destroyed input's array
    np.testing.assert_allclose(result, np.e - 0.5)
    frozen = np.ones((2, 2))
    frozen.flags.writeable = False
    result = direct(frozen, b)              # read-only: the general path, a new array
    assert result is not frozen
    np.testing.assert_allclose(result, np.e - 0.5)


def test_written_call_refuses_an_undeclared_broadcast():
    x, y = T.dmatrix("x"), T.dmatrix("y")
    node = _node([x, y], T.exp(x) * y)
    direct = node.op.direct_perform(node)
    with pytest.raises(ShapeError, match="not declared broadcastable"):
        direct(np.ones((2, 3)), np.ones((1, 3)))
    with pytest.raises(ValueError):
        direct(np.ones((2, 3)), np.ones((4, 3)))


def test_written_call_casts_and_divides_like_perform():
    # A cast is a copy with unsafe casting; the one-element steps run before the full one.
    x, n = T.dmatrix("x"), T.lscalar("n")
    f = function([x, n], x * 2.0 / T.cast(n, "float64"),
                 mode=Mode("FAST_RUN", exclude=("inplace",)))
    (node,) = [m for m in f.fgraph.toposort() if isinstance(m.op, Composite)]
    direct = node.op.direct_perform(node)
    assert direct is not None and "cast" in node.op.label
    values = [np.arange(6.0).reshape(2, 3) if var.ndim == 2 and var.dtype == "float64"
              else np.full((1, 1), 4, dtype="int64") for var in node.inputs]
    np.testing.assert_array_equal(direct(*values), node.op.perform(node, values)[0])
    np.testing.assert_array_equal(f(np.arange(6.0).reshape(2, 3), 4),
                                  np.arange(6.0).reshape(2, 3) * 2.0 / 4.0)
