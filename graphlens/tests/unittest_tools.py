"""Theano's `theano.tests.unittest_tools`: what the "Making your own Op" tutorial tests an op
with. `verify_grad` with a seeded generator, and `InferShapeTester`, which checks that an op's
`infer_shape` gives the lengths its `perform` produces without running the op.

>>> utt.verify_grad(double_op, [np.random.rand(5, 7, 2)])      # doctest: +SKIP
"""

from __future__ import annotations

import unittest

import numpy as np

from graphlens.compile.function import function
from graphlens.compile.mode import get_default_mode
from graphlens.gradient_check import verify_grad as _verify_grad

# Theano read the seed from config.unittests.rseed; 666 was its default.
DEFAULT_SEED = 666


def fetch_seed(pseed=None):
    """The seed tests use: `pseed` when given, else the default (Theano's fetch_seed)."""
    return DEFAULT_SEED if pseed is None else int(pseed)


def seed_rng(pseed=None):
    """Seed numpy's global generator with `fetch_seed(pseed)`; returns the seed."""
    seed = fetch_seed(pseed)
    np.random.seed(seed)
    return seed


def verify_grad(op, pt, n_tests=2, rng=None, *args, **kwargs):
    """graphlens.gradient.verify_grad with a generator seeded by `fetch_seed()` when none is
    given, so a test's directions are the same every run.

    >>> verify_grad(T.tanh, [np.random.rand(3)])
    """
    if rng is None:
        seed_rng()
        rng = np.random.RandomState(fetch_seed())
    _verify_grad(op, pt, n_tests, rng, *args, **kwargs)


# Theano code catches the failure by this name.
verify_grad.E_grad = _verify_grad.E_grad


def assert_allclose(expected, value, rtol=None, atol=None):
    """numpy's assert_allclose with tolerances by dtype (float32 looser than float64)."""
    dtype = np.result_type(np.asarray(expected), np.asarray(value))
    loose = dtype in (np.float16, np.float32)
    np.testing.assert_allclose(value, expected, rtol=rtol or (1e-4 if loose else 1e-7),
                               atol=atol or (1e-5 if loose else 1e-8))


class InferShapeTester(unittest.TestCase):
    """Base of tests checking ops' `infer_shape`: `_compile_and_check(inputs, outputs,
    numeric_inputs, cls)` compiles the outputs' shapes alone, checks no node of `cls` is left
    in that function (the lengths came from infer_shape), and that they equal the shapes of
    the computed outputs.

    >>> class TestDouble(utt.InferShapeTester):                # doctest: +SKIP
    ...     def test_shape(self):
    ...         self._compile_and_check([x], [double(x)], [np.random.rand(5, 4)], Double)
    """

    def setUp(self):
        seed_rng()
        self.mode = get_default_mode()

    def _compile_and_check(self, inputs, outputs, numeric_inputs, cls, excluding=None,
                           warn=True, check_topo=True):
        mode = self.mode if not excluding else self.mode.excluding(*excluding)
        values = function(inputs, outputs, mode=mode, on_unused_input="ignore")(*numeric_inputs)
        shapes_of = function(inputs, [out.shape for out in outputs], mode=mode,
                             on_unused_input="ignore")
        if check_topo:
            left = [node for node in shapes_of.maker.fgraph.toposort()
                    if isinstance(node.op, cls)]
            assert not left, (f"{cls.__name__} still runs to find its outputs' shapes: "
                              f"its infer_shape was not used")
        for out, value, shape in zip(outputs, values, shapes_of(*numeric_inputs)):
            assert tuple(shape) == np.shape(value), (
                f"infer_shape gives {tuple(shape)} for {out}, perform gave {np.shape(value)}")


__all__ = ["verify_grad", "fetch_seed", "seed_rng", "assert_allclose", "InferShapeTester"]
