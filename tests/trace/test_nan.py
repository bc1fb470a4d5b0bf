"""The NaN guard: `function(..., nan_guard=True)` stops at the first node producing NaN or Inf."""

import warnings

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function
from graphlens.errors import EvaluationError, NaNError
from graphlens.trace.nan import NaNOrigin, nan_origin, summarize
from gallery_models import line_of, load


@pytest.fixture(autouse=True)
def quiet_numpy():
    # log(0) and 0 * inf are the point of these tests; numpy's warnings about them are noise.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


def test_nan_log_model_is_traced_to_its_log_and_line():
    model = load("nan_log")
    assert np.isnan(model.train(model.data_x, model.data_y))     # unguarded: a silent NaN
    model = load("nan_log")
    with pytest.raises(NaNError) as caught:
        model.train_guarded(model.data_x, model.data_y)
    origin = caught.value.origin
    line = line_of("nan_log", "T.log(p)")
    assert origin.op == "Log" and origin.expression == "log(p)"
    assert origin.where.endswith(f"nan_log.py:{line}")
    assert origin.from_finite_inputs
    (p_summary,) = origin.inputs
    assert p_summary.name == "p" and p_summary.zeros > 0 and p_summary.minimum == 0.0
    assert origin.output.neginf == p_summary.zeros and origin.output.nan == 0
    message = str(caught.value)
    assert message.startswith(f"NaN guard: Log produced {p_summary.zeros} -inf (of 192 values) "
                              f"in log(p) at ")
    assert f"nan_log.py:{line}, from finite inputs" in message
    assert f"input 0: p (float64[?, ?], built at " in message
    assert f"{p_summary.zeros} zeros, all finite" in message


def test_nan_error_is_an_evaluation_error():
    assert issubclass(NaNError, EvaluationError)


@pytest.mark.parametrize("mode", ["NONE", "FAST_RUN"])
def test_guard_reports_overflow_to_inf_in_exp_even_inside_a_fused_op(mode):
    x = T.dvector("x")
    f = function([x], T.exp(x * 2).sum(), nan_guard=True, mode=mode)
    with pytest.raises(NaNError, match=r"NaN guard: Exp produced 1 \+inf \(of 2 values\)"):
        f(np.array([1.0, 400.0]))


def test_guard_says_when_the_nan_came_from_outside_the_function():
    x = T.dvector("x")
    origin = nan_origin([x], (x * 2).sum(), [np.array([np.nan, 1.0])])
    assert origin.op == "Mul" and not origin.from_finite_inputs
    assert origin.inputs[0].nan == 1
    assert "passed on from a non-finite input" in str(origin)


def test_guarded_function_gives_the_same_values_when_everything_is_finite():
    x = T.dmatrix("x")
    y = T.tanh(x).sum(axis=1) * 3
    values = np.arange(6.0).reshape(2, 3)
    np.testing.assert_allclose(function([x], y, nan_guard=True)(values),
                               function([x], y)(values), rtol=0, atol=0)
    assert nan_origin([x], y, [values]) is None


def test_unguarded_function_returns_nan_without_error():
    x = T.dvector("x")
    assert np.isnan(function([x], (T.log(x) * x).sum())(np.array([0.0, 1.0])))


def test_integer_outputs_are_not_checked_and_summaries_count_entries():
    x = T.dvector("x")
    f = function([x], T.argmax(x), nan_guard=True)
    assert int(f(np.array([1.0, 3.0, 2.0]))) == 1
    summary = summarize(x, np.array([0.0, np.inf, -np.inf, np.nan, 2.0]))
    assert (summary.zeros, summary.posinf, summary.neginf, summary.nan) == (1, 1, 1, 1)
    assert (summary.minimum, summary.maximum) == (0.0, 2.0)
    assert str(summary).endswith("min 0, max 2, 1 zeros, 1 NaN, 1 +inf, 1 -inf")


def test_origin_is_data():
    x = T.dvector("x")
    origin = nan_origin([x], T.sqrt(x).sum(), [np.array([-1.0, 4.0])])
    assert isinstance(origin, NaNOrigin) and origin.op == "Sqrt"
    assert origin.output.nan == 1 and origin.node.op.label == "Sqrt"
