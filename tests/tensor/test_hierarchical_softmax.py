"""h_softmax and confusion_matrix (graphlens/tensor/nnet/hierarchical_softmax.py): values
against numpy, dtypes, shapes, finite-difference gradients, errors."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function, verify_grad
from graphlens.errors import ShapeError
from tests.tensor.loop_cases import FLOATS, point

BATCH, N_IN, N_CLASSES, PER_CLASS, N_OUTPUTS = 4, 5, 3, 4, 10
SHAPES = [(BATCH, N_IN), (N_IN, N_CLASSES), (N_CLASSES,), (N_CLASSES, N_IN, PER_CLASS),
          (N_CLASSES, PER_CLASS)]


def numpy_softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def reference_h_softmax(x, W1, b1, W2, b2):
    """p(class | x) * p(output | class, x) for every output, by the definition."""
    class_probs = numpy_softmax(x @ W1 + b1)
    in_class = numpy_softmax(np.einsum("bi,cio->bco", x, W2) + b2)
    return (class_probs[:, :, None] * in_class).reshape(len(x), -1)[:, :N_OUTPUTS]


def _params(dtype, seed=0):
    return [point(shape, dtype, seed + i) for i, shape in enumerate(SHAPES)]


def _h_softmax(target=None):
    return lambda x, W1, b1, W2, b2: T.nnet.h_softmax(x, BATCH, N_OUTPUTS, N_CLASSES, PER_CLASS,
                                                      W1, b1, W2, b2, target=target)


@pytest.mark.parametrize("dtype", FLOATS)
def test_h_softmax_all_outputs_and_targets_match_the_definition(dtype):
    values = _params(dtype)
    variables = [T.TensorType(dtype, (None,) * v.ndim)() for v in values]
    target = T.ivector("target")
    full = _h_softmax()(*variables)
    picked = _h_softmax(target)(*variables)
    targets = np.array([0, 9, 5, 3], dtype="int32")
    got_full, got_picked = function([*variables, target], [full, picked])(*values, targets)
    expected = reference_h_softmax(*[v.astype("float64") for v in values])
    tol = 1e-5 if dtype == "float32" else 1e-12
    assert got_full.dtype == got_picked.dtype == dtype
    assert got_full.shape == (BATCH, N_OUTPUTS) and got_picked.shape == (BATCH,)
    np.testing.assert_allclose(got_full, expected, rtol=tol, atol=tol)
    np.testing.assert_allclose(got_picked, expected[np.arange(BATCH), targets], rtol=tol,
                               atol=tol)


def test_h_softmax_is_a_distribution_when_the_classes_fill_the_outputs():
    values = _params("float64", 3)
    variables = [T.TensorType("float64", (None,) * v.ndim)() for v in values]
    full = T.nnet.h_softmax(*variables[:1], BATCH, N_CLASSES * PER_CLASS, N_CLASSES, PER_CLASS,
                            *variables[1:])
    np.testing.assert_allclose(function(variables, full.sum(axis=1))(*values), np.ones(BATCH),
                               rtol=1e-12)


@pytest.mark.parametrize("dtype", FLOATS)
def test_h_softmax_gradients_match_finite_differences(dtype):
    targets = np.array([1, 8, 4, 4], dtype="int32")
    verify_grad(_h_softmax(), _params(dtype, 10))
    verify_grad(_h_softmax(targets), _params(dtype, 20))


def test_h_softmax_refuses_too_few_slots_and_bad_ranks():
    x, W1, b1, W2, b2 = [T.TensorType("float64", (None,) * len(s))() for s in SHAPES]
    with pytest.raises(ShapeError, match="hold fewer than n_outputs=13"):
        T.nnet.h_softmax(x, 4, 13, 3, 4, W1, b1, W2, b2)
    with pytest.raises(ShapeError, match="W2 must be 3-d"):
        T.nnet.h_softmax(x, 4, 10, 3, 4, W1, b1, W1, b2)


def test_confusion_matrix_counts_pairs_over_the_sorted_labels():
    actual, pred = T.ivector("actual"), T.ivector("pred")
    conf, order = T.nnet.confusion_matrix(actual, pred)
    a = np.array([2, 0, 2, 7, 7, 0], dtype="int32")
    p = np.array([2, 2, 0, 7, 3, 0], dtype="int32")
    got_conf, got_order = function([actual, pred], [conf, order])(a, p)
    np.testing.assert_array_equal(got_order, [0, 2, 3, 7])
    assert got_conf.dtype == "int64" and got_order.dtype == "int32"
    expected = np.zeros((4, 4), dtype="int64")
    for i, j in zip(a, p):
        expected[list(got_order).index(i), list(got_order).index(j)] += 1
    np.testing.assert_array_equal(got_conf, expected)
    assert got_conf.sum() == len(a)


def test_confusion_matrix_refuses_matrices():
    with pytest.raises(ShapeError, match="actual must be 1-d"):
        T.nnet.confusion_matrix(T.imatrix("a"), T.ivector("p"))
