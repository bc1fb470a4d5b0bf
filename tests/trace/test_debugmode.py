"""DebugMode (Theano's `mode='DebugMode'`): each call checks every rewrite's replacement
against what it replaced, and each node's destroy_map, view_map, output type and finiteness."""

import numpy as np
import pytest

import graphlens
import graphlens.tensor as T
from graphlens import config, function
from graphlens.compile import debugmode
from graphlens.compile.debugmode import (BadDestroyMap, BadOptimization, BadThunkOutput,
                                         BadViewMap, DebugMode, InvalidValueError)
from graphlens.ifelse import ifelse
from graphlens.rewrite.pattern import Pat, Var, rewrite
from graphlens.tensor.math import Log, Sub
from graphlens.tensor.nnet.basic import Sigmoid
from graphlens.tensor.trig import Tan


class _OneOp(graphlens.Op):
    """A Theano-style op over one float64 vector; subclasses say what perform does wrong."""

    __props__ = ()

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return graphlens.Apply(self, [x], [x.type()])


class Scribbler(_OneOp):
    """Doubles its input in place but does not say so (no destroy_map)."""

    def perform(self, node, inputs, output_storage):
        (x,) = inputs
        x *= 2
        output_storage[0][0] = x + 1


class Passthrough(_OneOp):
    """Returns its input itself without a view_map."""

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = inputs[0]


class Float32Maker(_OneOp):
    """Returns float32 values for a float64 output."""

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = inputs[0].astype("float32")


class Counter(_OneOp):
    """Adds how many times it ran: two evaluations of one node disagree."""

    calls = 0

    def perform(self, node, inputs, output_storage):
        Counter.calls += 1
        output_storage[0][0] = inputs[0] + Counter.calls


def _logreg_step(mode):
    rng = np.random.default_rng(0)
    x, y = T.dmatrix("x"), T.dvector("y")
    w = graphlens.shared(np.zeros(3), name="w")
    p = T.nnet.sigmoid(T.dot(x, w))
    cost = T.nnet.binary_crossentropy(p, y).mean() + 0.01 * (w ** 2).sum()
    step = function([x, y], cost, updates=[(w, w - 0.5 * T.grad(cost, w))], mode=mode)
    data, labels = rng.normal(size=(20, 3)), (rng.random(20) > 0.5).astype(float)
    return [float(step(data, labels)) for _ in range(3)], w.get_value()


def test_a_training_step_runs_checked_and_gives_fast_runs_values():
    checked, w_checked = _logreg_step("DebugMode")
    plain, w_plain = _logreg_step("FAST_RUN")
    np.testing.assert_allclose(checked, plain, rtol=1e-12)
    np.testing.assert_allclose(w_checked, w_plain, rtol=1e-12)
    assert checked[2] < checked[0]
    # Theano's flag turns it on for every function; the mode's class and options survive
    # including/excluding.
    with config.change_flags(mode="DebugMode"):
        x = T.dvector("x")
        f = function([x], T.exp(x))
        assert isinstance(f.debug_mode, DebugMode)
    mode = DebugMode(check_isfinite=False).excluding("fusion")
    assert isinstance(mode, DebugMode) and not mode.check_isfinite
    assert mode.exclude == ("fusion",)
    assert debugmode.DebugMode is graphlens.compile.mode.DebugMode


def test_a_rewrite_that_changes_values_is_named():
    module = type(debugmode)("buggy_rules")

    @rewrite("canonicalize", Pat(Tan, Var("x"), name="old"))
    def tan_as_a_quotient(x, old):
        """tan(x) -> sin(x) / cos(x), one percent off: a wrong rewrite."""
        return T.sin(x) / T.cos(x) * 1.01

    module.tan_as_a_quotient = tan_as_a_quotient

    class BuggyMode(DebugMode):
        @property
        def rule_modules(self):
            return super().rule_modules + (module,)

    x = T.dvector("x")
    f = function([x], T.tan(x) + 1, mode=BuggyMode())
    with pytest.raises(BadOptimization) as info:
        f(np.array([0.0, 0.5]))
    error = info.value
    assert error.reason == "tan_as_a_quotient"
    text = str(error)
    assert "rewrite tan_as_a_quotient (tests/trace/test_debugmode.py:" in text
    assert "phase canonicalize" in text and "tan(x)" in text
    assert "1 of 2 values differ" in text and "at index (1,)" in text
    np.testing.assert_allclose(error.old_r_val, np.tan([0.0, 0.5]))
    np.testing.assert_allclose(error.new_r_val, np.tan([0.0, 0.5]) * 1.01)
    # Without the check the wrong value goes through.
    plain = function([x], T.tan(x) + 1, mode=graphlens.Mode("FAST_RUN"))
    np.testing.assert_allclose(plain(np.array([0.5])), np.tan(0.5) + 1)


def test_a_stability_rewrite_is_accepted_where_the_original_overflows():
    x = T.dvector("x")
    f = function([x], T.log(1 + T.exp(x)), mode="DebugMode")
    # log(1 + exp(800)) is inf; its replacement softplus(800) is 800: accepted.
    assert f.rewrite_log.counts() == {"log_one_plus": 1, "log1p_exp_to_softplus": 1}
    np.testing.assert_allclose(f(np.array([800.0, 0.0])), [800.0, np.log(2.0)])


def test_an_undeclared_overwrite_is_caught_at_the_op():
    x = T.dvector("x")
    f = function([x], Scribbler()(T.exp(x)) + T.exp(x), mode="DebugMode")
    with pytest.raises(BadDestroyMap) as info:
        f(np.zeros(2))
    assert info.value.idx == 0
    np.testing.assert_allclose(info.value.old_val, [1.0, 1.0])
    np.testing.assert_allclose(info.value.new_val, [2.0, 2.0])
    assert "Scribbler (built at tests/trace/test_debugmode.py:" in str(info.value)
    assert "destroy_map does not declare" in str(info.value)
    # FAST_RUN runs it unchecked, and the overwrite corrupts the sum: exp(0)*2+1 + 2.
    np.testing.assert_allclose(function([x], Scribbler()(T.exp(x)) + T.exp(x))(np.zeros(2)),
                               [5.0, 5.0])


def test_an_undeclared_view_is_caught():
    x = T.dvector("x")
    f = function([x], Passthrough()(T.exp(x)) * 2, mode="DebugMode")
    with pytest.raises(BadViewMap) as info:
        f(np.zeros(2))
    assert (info.value.output_idx, info.value.in_alias_idx) == (0, 0)


class OverlappingHalves(graphlens.Op):
    """Two outputs that are views of one new array (r[:-1] and r[1:]), undeclared."""

    __props__ = ()

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return graphlens.Apply(self, [x], [x.type(), x.type()])

    def perform(self, node, inputs, output_storage):
        r = inputs[0] * 1
        output_storage[0][0], output_storage[1][0] = r[:-1], r[1:]


def test_outputs_sharing_memory_are_caught_when_both_are_read_further():
    # Theano's Test_ViewMap: an in-place op on one would change the other (here the fused
    # sum overwrote one half and reported a BadDestroyMap at the sum, not at the culprit).
    x = T.dvector("x")
    left, right = OverlappingHalves()(x)
    with pytest.raises(BadViewMap, match="outputs 0 and 1 of OverlappingHalves") as info:
        function([x], left * 2 + right * 2, mode="DebugMode")(np.arange(4.0))
    assert (info.value.output_idx, info.value.out_alias_idx) == (1, 0)
    # Harmless when one is a result of the function or read by nothing (Theano's rule).
    r0, r1 = function([x], [left, right], mode="DebugMode")(np.arange(4.0))
    np.testing.assert_array_equal(r1, [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(
        function([x], left * 2, mode="DebugMode")(np.arange(4.0)), [0.0, 2.0, 4.0])


@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning",
                            "ignore:invalid value:RuntimeWarning")
def test_values_that_do_not_fit_their_type_or_are_not_finite():
    x = T.dvector("x")
    with pytest.raises(InvalidValueError, match="its dtype is float32, the variable's float64"):
        function([x], Float32Maker()(x) * 2, mode="DebugMode")(np.ones(2))
    log = function([x], T.log(x), mode="DebugMode")
    with pytest.raises(InvalidValueError) as info:
        log(np.array([0.0, 1.0, -1.0]))
    text = str(info.value)
    assert text.startswith("DebugMode: Log produced 1 NaN, 1 -inf (of 3 values) in log(x) at "
                           "tests/trace/test_debugmode.py:"), text
    assert "from finite inputs: this op made them" in text and "min -1, max 1" in text
    # Inside a fused node, the report names the op that made them.
    fused = function([x], x * T.log(x), mode="DebugMode")
    with pytest.raises(InvalidValueError, match="DebugMode: Log produced 1 -inf"):
        fused(np.array([0.0, 1.0]))
    lenient = function([x], T.log(x), mode=DebugMode(check_isfinite=False))
    assert np.isneginf(lenient(np.array([0.0]))[0])


def test_a_node_computing_differently_in_the_program_is_caught():
    x = T.dvector("x")
    f = function([x], Counter()(x) * 3, mode="DebugMode")
    with pytest.raises(BadThunkOutput) as info:
        f(np.zeros(2))
    assert info.value.val1[0] == info.value.val2[0] + 1


def test_rewrites_in_a_branch_the_call_does_not_take_are_not_compared():
    """x[n] past the end is only computed when n is in range: DebugMode must not evaluate the
    branch's rewritten expressions on a call that takes the other branch."""
    x, n = T.dvector("x"), T.lscalar("n")
    inside = T.exp(x[n]) * 1.0 + 0.0
    f = function([x, n], ifelse(T.lt(n, x.shape[0]), inside, T.constant(-1.0)),
                 mode="DebugMode")
    assert [record.rule for record in f.rewrite_log] == ["mul_by_one", "add_zero"]
    assert float(f(np.arange(3.0), 1)) == pytest.approx(np.e)
    assert float(f(np.arange(3.0), 10)) == -1.0


def test_stability_rewrites_pass_where_the_original_rounds_badly():
    # log(1 - sigmoid(30)) computes 1 - p = 9.4e-14 with a 0.1 % error in float64; its stable
    # replacement -softplus(30) is exact. Compared with the original recomputed in longdouble,
    # the replacement is the nearer one: DebugMode accepts it (it raised BadOptimization).
    z, y = T.dvector("z"), T.dvector("y")
    p = T.nnet.sigmoid(z)
    loss = (-y * T.log(p) - (1 - y) * T.log(1 - p)).mean()
    f = function([z, y], [loss, T.grad(loss, z)], mode=DebugMode())
    scores, targets = np.array([20.0, 30.0, 35.0, -30.0]), np.array([0.0, 0.0, 0.0, 1.0])
    value, gradient = f(scores, targets)
    exact = np.logaddexp(0, scores) - targets * scores
    np.testing.assert_allclose(value, exact.mean(), rtol=1e-14)
    np.testing.assert_allclose(gradient, (1 / (1 + np.exp(-scores)) - targets) / 4, rtol=1e-12)


def test_a_wrong_rewrite_is_still_named_where_the_original_rounds_badly():
    module = type(debugmode)("buggy_rules")

    @rewrite("stabilize", Pat(Log, Pat(Sub, Var("one"), Pat(Sigmoid, Var("x"))), name="old"))
    def log_one_minus_sigmoid_off(one, x, old):
        """log(1 - sigmoid(x)) -> -softplus(x) * 1.001: near, but wrong."""
        return -T.nnet.softplus(x) * 1.001

    module.log_one_minus_sigmoid_off = log_one_minus_sigmoid_off

    class BuggyMode(DebugMode):
        @property
        def rule_modules(self):
            return (module,) + super().rule_modules

    z = T.dvector("z")
    f = function([z], T.log(1 - T.nnet.sigmoid(z)),
                 mode=BuggyMode().excluding("log_one_minus", "log_one_minus_sigmoid"))
    with pytest.raises(BadOptimization, match="log_one_minus_sigmoid_off"):
        f(np.array([30.0]))
