"""The names Theano's own tests and test-style code import: graphlens.compat,
graphlens.tests.unittest_tools' helpers, tensor.basic._allclose, misc.may_share_memory,
misc.safe_asarray, configdefaults, T.DimShuffle with a broadcastable pattern."""

import copy
import pickle

import numpy as np
import pytest
import scipy.sparse

import graphlens
import graphlens.tensor as T
from graphlens import compat, configdefaults
from graphlens.misc.may_share_memory import may_share_memory
from graphlens.tensor.basic import _allclose
from graphlens.tests import unittest_tools as utt


def test_compat_gives_python3s_names():
    assert compat.PY3 is True
    assert list(compat.izip("ab", [1, 2])) == [("a", 1), ("b", 2)]
    assert list(compat.imap(abs, [-1, 2])) == [1, 2]
    assert [compat.cmp(1, 2), compat.cmp(2, 2), compat.cmp(3, 2)] == [-1, 0, 1]
    assert compat.exc_message(ValueError(KeyError("inner"))) == "inner"
    d = compat.DefaultOrderedDict(list)
    d["b"].append(1)
    d["a"].append(2)
    assert list(d.items()) == [("b", [1]), ("a", [2])]
    again = pickle.loads(pickle.dumps(d))
    assert again == d and again.default_factory is list
    assert copy.copy(d)["c"] == [] and "c" not in d
    with pytest.raises(TypeError):
        compat.DefaultOrderedDict(3)


def test_allclose_uses_the_tolerance_of_the_narrower_dtype():
    # near zero the absolute tolerance decides: float32's 1e-5, float64's 1e-8
    assert _allclose(np.float32(0), np.float32(5e-6))
    assert not _allclose(np.float64(0), np.float64(5e-6))
    assert _allclose(np.float64(0), np.float32(5e-6))
    assert _allclose(1.0, 1.1, rtol=0.2) and not _allclose(1.0, 1.1)


def test_assert_allclose_raises_wrongvalue_an_assertion_error_naming_the_difference():
    utt.assert_allclose(np.ones(3), np.ones(3) + 1e-9)
    with pytest.raises(utt.WrongValue) as caught:
        utt.assert_allclose(np.ones(3), np.array([1.0, 2.0, 1.0]))
    assert isinstance(caught.value, AssertionError)
    assert "Max Abs Diff: 1.0" in str(caught.value)


def test_fetch_seed_reads_the_config_flag():
    assert utt.fetch_seed() == 666 and utt.fetch_seed(3) == 3
    with graphlens.change_flags(**{"unittests.rseed": "42"}):
        assert utt.fetch_seed() == 42


def test_mock_random_state_gives_the_ends_of_ranges():
    assert utt.MockRandomState(0).randint(3, 7, size=2).tolist() == [3, 3]
    assert utt.MockRandomState(1).randint(3, 7, size=2).tolist() == [6, 6]
    assert utt.MockRandomState(0.25).rand(2, 1).tolist() == [[0.25], [0.25]]


def test_optimization_mixin_counts_the_compiled_nodes():
    x = T.dvector("x")
    f = graphlens.function([x], T.exp(x).sum())
    exp_class = type(T.exp(x).owner.op)
    mixin = utt.TestOptimizationMixin()
    mixin.assertFunctionContainsClassN(f, exp_class, 1)
    with pytest.raises(AssertionError):
        mixin.assertFunctionContainsClassN(f, exp_class, 2)


def test_attr_marks_and_attempt_many_times_retries():
    @utt.attr("slow", level=2)
    def marked():
        pass
    assert marked.slow is True and marked.level == 2
    calls = []

    @utt.AttemptManyTimes(n_attempts=3, n_req_successes=1)
    def flaky():
        calls.append(utt.fetch_seed())
        if len(calls) < 3:
            raise AssertionError("not yet")
    flaky()
    assert calls == [666, 667, 668]


def test_may_share_memory_for_arrays_and_sparse_matrices():
    a = np.zeros(4)
    assert may_share_memory(a, a[1:]) and not may_share_memory(a, np.zeros(4))
    m = scipy.sparse.csr_matrix(np.eye(3))
    assert may_share_memory(m, m.data) and not may_share_memory(m, m.copy())
    with pytest.raises(TypeError):
        may_share_memory(a, [0, 0])
    assert may_share_memory(a, [0, 0], raise_other_type=False) is False


def test_asarray_configdefaults_and_dimshuffle_from_a_broadcastable_pattern():
    assert graphlens._asarray([1, 2], dtype="int32").dtype == np.int32
    assert graphlens._asarray(0.5, "floatX").dtype == np.dtype(graphlens.config.floatX)
    assert configdefaults.python_int_bitwidth() == 64 == configdefaults.local_bitwidth()
    x = T.dmatrix("x")
    shuffled = T.DimShuffle(x.broadcastable, (1, "x", 0))(x)
    assert shuffled.eval({x: np.ones((2, 3))}).shape == (3, 1, 2)
    assert T.DimShuffle((False, False), [1, 0]) == T.DimShuffle(2, (1, 0))


def test_check_stack_trace_finds_the_creation_sites_of_compiled_nodes():
    from graphlens.gof.opt import check_stack_trace
    x = T.dvector("x")
    f = graphlens.function([x], T.nnet.sigmoid(x) * 2)
    assert check_stack_trace(f) and check_stack_trace(f, ops_to_check="all")
    assert check_stack_trace(f.maker.fgraph, ops_to_check=lambda op: True)
    node = f.maker.fgraph.outputs[0].owner
    node.outputs[0].creation_site = None          # a rewrite that forgot the user's line
    assert not check_stack_trace(f)
    with pytest.raises(ValueError, match="no node"):
        check_stack_trace(f, ops_to_check=type(T.argmax(x).owner.op))
    assert check_stack_trace(f, ops_to_check=type(T.argmax(x).owner.op), bug_print="ignore")


def test_tensor_type_compares_values_as_theano():
    t = T.dmatrix().type
    x = np.random.RandomState(0).rand(4, 4)
    swapped = x.copy()
    swapped[0, 0], swapped[1, 0] = swapped[1, 0], swapped[0, 0]
    assert t.values_eq(x, x) and t.values_eq_approx(x, x + 1e-12)
    assert not t.values_eq(x, swapped) and not t.values_eq_approx(x, swapped)
    assert not t.values_eq(x, x.astype("float32"))
    assert t.values_eq(x, x.astype("float32").astype("float64")) is False
    nan = np.array([np.nan, 1.0])
    assert t.values_eq(nan, nan.copy()) and t.values_eq_approx(nan, nan.copy())
    assert not t.values_eq_approx(nan, np.array([2.0, 1.0]))
    assert t.values_eq_approx(nan, np.array([2.0, 1.0]), allow_remove_nan=True)
    assert not t.values_eq_approx(np.array([np.inf]), np.array([-np.inf]))
    assert not t.values_eq(np.zeros(2), np.zeros(3))


def test_gpuarray_is_theano_without_pygpu():
    from graphlens import gpuarray
    assert gpuarray.pygpu is None and gpuarray.pygpu_activated is False
    import unittest
    with pytest.raises(unittest.SkipTest, match="pygpu not installed"):
        import graphlens.gpuarray.tests.config  # noqa: F401


def test_tensor_type_value_zeros_has_the_types_dtype():
    zeros = T.fmatrix.value_zeros((1, 3))
    assert zeros.dtype == np.float32 and zeros.shape == (1, 3) and not zeros.any()
    assert T.TensorType("int8", (False,)).value_zeros((2,)).dtype == np.int8


def test_values_eq_are_static_methods_and_module_functions_as_theano():
    from graphlens.tensor import type as tensor_type
    nan_left, number_left = np.array([np.nan, 1.0]), np.array([0.0, 1.0])
    assert T.TensorType.values_eq(np.array([1.0, np.nan]), np.array([1.0, np.nan]))
    assert not T.TensorType.values_eq(np.float32([1.0]), np.float64([1.0]))
    assert T.dvector().type.values_eq_approx(np.array([1.0]), np.array([1.0 + 1e-9]))
    assert not T.TensorType.values_eq_approx(nan_left, number_left)
    assert tensor_type.values_eq_approx_remove_nan(nan_left, number_left)
    assert not tensor_type.values_eq_approx_remove_inf(nan_left, number_left)
    assert tensor_type.values_eq_approx_remove_inf(np.array([np.inf, 1.0]), number_left)
    assert tensor_type.values_eq_approx_remove_inf_nan(np.array([np.inf, np.nan]),
                                                       np.array([0.0, 2.0]))
    assert tensor_type.values_eq_approx is T.TensorType.values_eq_approx
