"""Theano's `theano.tests.unittest_tools`: what the "Making your own Op" tutorial tests an op
with. `verify_grad` with a seeded generator, and `InferShapeTester`, which checks that an op's
`infer_shape` gives the lengths its `perform` produces without running the op.

>>> utt.verify_grad(double_op, [np.random.rand(5, 7, 2)])      # doctest: +SKIP
"""

from __future__ import annotations

import copy
import functools
import sys
import unittest
from unittest import SkipTest

import numpy as np

from graphlens.compile.function import function
from graphlens.config import config
from graphlens.compile.mode import get_default_mode
from graphlens.gradient_check import verify_grad as _verify_grad
from graphlens.tensor import add

try:        # Theano's tests read `utt.parameterized`; graphlens does not need the package
    from parameterized import parameterized  # noqa: F401
except ImportError:
    pass
from graphlens.tensor.basic import _allclose, _get_atol_rtol

# Theano read the seed from config.unittests.rseed; 666 was its default.
DEFAULT_SEED = 666


def fetch_seed(pseed=None):
    """The seed tests use: `pseed` when given, else `config.unittests.rseed` (666 by default;
    'random' gives None, a fresh seed), as Theano's fetch_seed.

    >>> fetch_seed(), fetch_seed(3)
    (666, 3)
    """
    seed = pseed if pseed is not None else getattr(config.unittests, "rseed", DEFAULT_SEED)
    return None if seed == "random" else int(seed)


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
    """Raise WrongValue unless `value` is close to `expected`, with the tolerances of the
    narrower dtype (`graphlens.tensor.basic._allclose`) unless given.

    >>> assert_allclose(np.float32(1), np.float32(1.000001))
    """
    if not _allclose(expected, value, rtol, atol):
        raise WrongValue(expected, value, rtol, atol)


def str_diagnostic(expected, value, rtol, atol):
    """A few lines comparing two arrays: shape, dtype, min, max, infinities, NaNs, the largest
    absolute and relative differences, and the tolerances used.

    >>> print(str_diagnostic(np.ones(2), np.zeros(2), None, None))   # doctest: +SKIP
    """
    lines = []
    for label, array in (("Expected", expected), ("Value", value)):
        try:
            array = np.asarray(array)
            lines.append(f"  {label:8} : {array.shape} {array.dtype} min {array.min()} max "
                         f"{array.max()} inf {int(np.isinf(array).sum())} nan "
                         f"{int(np.isnan(array).sum())}")
        except (TypeError, ValueError):    # not numbers: the values below say enough
            pass
    lines += [f"  expected : {expected}", f"  value    : {value}"]
    try:
        difference = np.absolute(np.asarray(value) - np.asarray(expected))
        with np.errstate(divide="ignore", invalid="ignore"):
            relative = difference / np.absolute(np.asarray(expected))
        lines += [f"  Max Abs Diff: {np.max(difference)}", f"  Max Rel Diff: {np.max(relative)}"]
    except (TypeError, ValueError):
        pass
    atol_, rtol_ = _get_atol_rtol(np.asarray(expected), np.asarray(value))
    lines.append(f"  rtol, atol: {rtol_ if rtol is None else rtol} {atol_ if atol is None else atol}")
    return "\n".join(lines) + "\n"


class WrongValue(AssertionError):
    """Two values that should be close are not; the message is `str_diagnostic`'s. An
    AssertionError, so pytest reports it as a failed check."""

    def __init__(self, expected_val, val, rtol, atol):
        super().__init__()
        self.val1, self.val2, self.rtol, self.atol = expected_val, val, rtol, atol

    def __str__(self):
        return "WrongValue\n" + str_diagnostic(self.val1, self.val2, self.rtol, self.atol)


def attr(*tags, **values):
    """Mark a test with attributes (nose's `attr('slow')`): sets `f.slow = True`; pytest
    ignores them.

    >>> @attr('slow')
    ... def test_big(): pass
    """
    def mark(function_):
        for tag in tags:
            setattr(function_, tag, True)
        for key, value in values.items():
            setattr(function_, key, value)
        return function_
    return mark


def custom_name_func(testcase_func, param_num, param):
    """The name `parameterized.expand(..., name_func=custom_name_func)` gives a case: the
    test's name and its arguments joined by '_', made a valid identifier.

    >>> custom_name_func(lambda: 0, 0, type("P", (), {"args": (1, "a b")})())
    '<lambda>_1_a_b'
    """
    joined = "_".join(str(arg) for arg in param.args)
    return f"{testcase_func.__name__}_{''.join(c if c.isalnum() else '_' for c in joined)}"


class MockRandomState:
    """A stand-in for numpy.random.RandomState giving constant draws: rand() gives `val`
    everywhere; randint() its lowest value when `val` is 0, else its highest. For testing at
    the ends of a range.

    >>> MockRandomState(0).randint(3, 7, size=2)
    array([3, 3])
    """

    def __init__(self, val):
        self.val = val

    def rand(self, *shape):
        return np.full(shape, self.val, dtype="float64")

    def randint(self, minval, maxval=None, size=1):
        if maxval is None:
            minval, maxval = 0, minval
        return np.full(size, minval if self.val == 0 else maxval - 1, dtype="int64")


class TestOptimizationMixin:
    """Assertions on the nodes a compiled function runs (`f.maker.fgraph.toposort()`): how
    many apply `op` (equal to it), or an op of class `op`.

    >>> self.assertFunctionContains1(f, T.exp)                  # doctest: +SKIP
    """

    def assertFunctionContains(self, f, op, min=1, max=sys.maxsize):
        nodes = f.maker.fgraph.toposort()
        found = [node for node in nodes if node.op == op]
        assert min <= len(found) <= max, (
            f"{len(found)} nodes of {op} (wanted {min}..{max}) among {nodes}")

    def assertFunctionContains0(self, f, op):
        return self.assertFunctionContains(f, op, min=0, max=0)

    def assertFunctionContains1(self, f, op):
        return self.assertFunctionContains(f, op, min=1, max=1)

    def assertFunctionContainsN(self, f, op, N):
        return self.assertFunctionContains(f, op, min=N, max=N)

    def assertFunctionContainsClass(self, f, op, min=1, max=sys.maxsize):
        nodes = f.maker.fgraph.toposort()
        found = [node for node in nodes if isinstance(node.op, op)]
        # `op` is a class or, as isinstance takes, a tuple of classes.
        name = " or ".join(c.__name__ for c in op) if isinstance(op, tuple) else op.__name__
        assert min <= len(found) <= max, (
            f"{len(found)} nodes of class {name} (wanted {min}..{max}) among {nodes}")

    def assertFunctionContainsClassN(self, f, op, N):
        return self.assertFunctionContainsClass(f, op, min=N, max=N)

    def SkipTest(self, msg="Skip this test"):
        raise SkipTest(msg)


class T_OpContractMixin:
    """Tests that ops behave as values: `self.ops` (a list of ops), each equal to and hashing
    as its copy, deep copy and `self.clone(op)`, and different from the others and from
    `self.other_op`; each has a non-empty str.

    >>> class TestMyOps(utt.T_OpContractMixin, unittest.TestCase):   # doctest: +SKIP
    ...     ops = [MyOp(1), MyOp(2)]
    ...     def clone(self, op): return MyOp(op.k)
    """

    def copy(self, x):
        return copy.copy(x)

    def deepcopy(self, x):
        return copy.deepcopy(x)

    def clone(self, op):
        raise SkipTest(f"{type(self).__name__} gives no clone(op)")

    other_op = add

    def test_eq(self):
        for i, op_i in enumerate(self.ops):
            for same in (op_i, self.copy(op_i), self.deepcopy(op_i), self.clone(op_i)):
                assert op_i == same
            assert op_i != self.other_op
            assert all(op_i != op_j for j, op_j in enumerate(self.ops) if i != j)

    def test_hash(self):
        for op_i in self.ops:
            for same in (op_i, self.copy(op_i), self.deepcopy(op_i), self.clone(op_i)):
                assert hash(op_i) == hash(same)
            assert hash(op_i) != hash(self.other_op)

    def test_name(self):
        for op in self.ops:
            assert str(op)


class AttemptManyTimes:
    """Decorator: run a flaky test up to `n_attempts` times (a new seed each time, setUp and
    tearDown around each) and pass when it passed `n_req_successes` times.

    >>> @AttemptManyTimes(n_attempts=5, n_req_successes=3)       # doctest: +SKIP
    ... def test_sampling(self): ...
    """

    def __init__(self, n_attempts, n_req_successes=1):
        assert n_attempts >= n_req_successes
        self.n_attempts, self.n_req_successes = n_attempts, n_req_successes

    def __call__(self, test):
        @functools.wraps(test)
        def attempts(*args, **kwargs):
            original = config.unittests.rseed
            case = args[0] if len(args) == 1 and hasattr(args[0], "_testMethodName") else None
            successes = failures = 0
            for attempt in range(self.n_attempts):
                try:
                    config.unittests.rseed = str(int(original) + attempt)
                    if case is not None and hasattr(case, "setUp"):
                        case.setUp()
                    test(*args, **kwargs)
                    successes += 1
                    if successes == self.n_req_successes:
                        return
                except Exception:
                    failures += 1
                    if failures + self.n_req_successes > self.n_attempts:
                        raise
                finally:
                    config.unittests.rseed = original
                    if case is not None and hasattr(case, "tearDown"):
                        case.tearDown()
        return attempts


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


def assertFailure_fast(f):
    """Theano's decorator expecting a test to fail under `cycle_detection='fast'`. graphlens
    checks in-place safety one way whatever that flag says, so the test runs as written.

    >>> assertFailure_fast(len) is len
    True
    """
    return f


__all__ = ["assertFailure_fast", "verify_grad", "fetch_seed", "seed_rng", "assert_allclose", "InferShapeTester",
           "WrongValue", "str_diagnostic", "attr", "custom_name_func", "MockRandomState",
           "TestOptimizationMixin", "T_OpContractMixin", "AttemptManyTimes", "SkipTest"]
