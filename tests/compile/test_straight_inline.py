"""Steps written inline in the straight-line call (compile/straight.py `_inline`, #23): a
broadcast view, a transpose, a length, a sum and one ufunc are expressions of their slots, with
the same values as their direct functions and errors that still name the failing node."""

import numpy as np
import pytest

import graphlens.compile.straight as straight
import graphlens.tensor as T
from graphlens import function
from graphlens.errors import EvaluationError
from graphlens.tensor.reduce import AxisSize


def _written(monkeypatch):
    """The source lines of every call written while the returned list is alive."""
    sources = []
    compiled = straight._compiled

    def keep(lines, namespace, name):
        sources.append("\n".join(lines))
        return compiled(lines, namespace, name)
    monkeypatch.setattr(straight, "_compiled", keep)
    return sources


def test_small_steps_are_expressions_with_the_same_values(monkeypatch):
    sources = _written(monkeypatch)
    x, v = T.dmatrix("x"), T.dvector("v")
    n = T.cast(AxisSize((0,))(x), "float64")          # what a mean's gradient divides by
    out = [T.exp(x).sum(axis=1) * n, x.T * 1.0, v.dimshuffle("x", 0) + x]
    f = function([x, v], out)
    values = np.arange(6.0).reshape(2, 3), np.array([1.0, -1.0, 0.5])
    got = f(*values)
    np.testing.assert_allclose(got[0], np.exp(values[0]).sum(axis=1) * 2, rtol=1e-15)
    np.testing.assert_array_equal(got[1], values[0].T)
    np.testing.assert_array_equal(got[2], values[1][None, :] + values[0])
    source = sources[-1]
    assert "add_reduce(" in source and ".transpose((1, 0))" in source and "[i" in source
    assert "asarray(s0.shape[0], int64)" in source
    # exp of the input is one ufunc call on the slot, not a direct function's frame.
    assert any(line.strip().startswith("s") and "= u" in line for line in source.splitlines())


def test_scalar_addition_is_the_ufunc_and_an_array_of_the_dtype(monkeypatch):
    sources = _written(monkeypatch)
    x, y = T.fscalars("x", "y")
    f = function([x, y], x + y)
    result = f(np.float32(1.5), np.float32(2.25))
    assert type(result) is np.ndarray and result.dtype == np.float32 and result == 3.75
    assert "= asarray(u0(s0, s1), t0)" in sources[-1]


def test_an_inlined_step_that_fails_names_its_node():
    x = T.dvector("x")
    f = function([x], T.sqrt(x))
    with np.errstate(invalid="raise"):
        with pytest.raises(EvaluationError, match=r"Sqrt failed"):
            f(np.array([4.0, -1.0]))
    np.testing.assert_array_equal(f(np.array([4.0, 9.0])), [2.0, 3.0])


def test_an_undeclared_broadcast_between_two_arrays_is_still_refused():
    a, b = T.dvector("a"), T.dvector("b")
    f = function([a, b], a + b)      # np.add itself, were it written inline
    with pytest.raises(EvaluationError, match="not declared broadcastable"):
        f(np.ones(3), np.ones(1))
