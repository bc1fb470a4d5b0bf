"""graphlens/tensor/assertion.py and rewrite/assertions.py (Theano's theano.tensor.opt.Assert,
assert_op): x passed through, AssertionError at run time naming the user's line, the gradient
passing through, the check kept by the rewrites unless known true or removed on request,
printing, and a tutorial model guarded by an assert."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import config, debugprint, function, grad, pp, shared
from graphlens.compile.mode import Mode
from graphlens.errors import (EvaluationError, GraphlensTypeError, ShapeError,
                              TestValueError)
from graphlens.gradient import verify_grad
from graphlens.tensor.assertion import Assert as AssertClass
from graphlens.tensor.opt import Assert, assert_, assert_op
from op_checks import check_infer_shape

HERE = "tests/tensor/test_assertion.py"


def ops_of(f):
    return [type(node.op).__name__ for node in f.fgraph.toposort()]


def test_theanos_paths_and_default_message():
    assert Assert is AssertClass and assert_ is assert_op and assert_op == Assert()
    assert T.opt.Assert is Assert and assert_op.msg == "Theano Assert failed!"


def test_true_conditions_pass_x_through_unchanged():
    x = T.dmatrix("x")
    checked = assert_op(x, T.eq(x.shape[0], 2), T.gt(x.sum(), 0))
    f = function([x], [checked, checked * 2])
    data = np.array([[1.0, 2.0], [3.0, 4.0]])
    same, doubled = f(data)
    np.testing.assert_array_equal(same, data)
    np.testing.assert_array_equal(doubled, 2 * data)
    assert same.dtype == np.float64 and not np.shares_memory(same, data)
    assert checked.type == x.type


def test_a_false_condition_raises_assertion_error_naming_the_condition_and_line():
    x = T.dmatrix("x")
    rows = T.eq(x.shape[0], 3)
    positive = T.gt(x.min(), 0)                     # condition 2, built on this line
    line = positive.creation_site[1]
    f = function([x], Assert("x must be 3 positive rows")(x, rows, positive))
    np.testing.assert_array_equal(f(np.ones((3, 1))), np.ones((3, 1)))
    with pytest.raises(AssertionError) as caught:
        f(-np.ones((3, 1)))
    assert isinstance(caught.value, EvaluationError)
    message = str(caught.value)
    assert message.startswith(f"Assert{{msg=x must be 3 positive rows}} failed at {HERE}:")
    assert (f"x must be 3 positive rows (condition 2 of 2, built at {HERE}:{line}, is false)"
            in message)
    with pytest.raises(AssertionError, match="condition 1 of 2"):
        f(np.ones((2, 1)))


def test_theanos_default_message_and_numeric_conditions():
    v = T.dvector("v")
    f = function([v], assert_op(v, v.size))        # a number: true when non-zero
    np.testing.assert_array_equal(f(np.array([1.0])), [1.0])
    with pytest.raises(AssertionError, match=r"Theano Assert failed! \(the condition, built at"):
        f(np.zeros(0))


def test_gradient_passes_through_to_x_and_not_to_the_conditions():
    verify_grad(lambda x: assert_op(x, T.lt(abs(x).max(), 100)) ** 2,
                [np.array([[0.5, -1.0], [2.0, 0.25]])], rng=np.random.default_rng(3))
    x, bound = T.dvector("x"), T.dscalar("bound")
    cost = (assert_op(x, T.lt(x.max(), bound)) ** 2).sum()
    gx = grad(cost, x)
    # 2 * x reads the checked x: the gradient function checks too.
    np.testing.assert_array_equal(gx.eval({x: np.array([1.0, -2.0]), bound: 3.0}), [2.0, -4.0])
    with pytest.raises(AssertionError):
        gx.eval({x: np.array([1.0, -2.0]), bound: 0.5})
    assert grad(cost, bound, disconnected_inputs="ignore").eval({bound: 1.0}) == 0.0


def test_the_check_survives_every_mode_and_the_fused_elementwise_work_around_it():
    x = T.dvector("x")
    out = T.exp(assert_op(T.tanh(x) * 2, T.gt(x.size, 1))) + 1
    for mode in ("FAST_RUN", "FAST_COMPILE", "NONE"):
        f = function([x], out, mode=mode)
        assert "Assert" in ops_of(f)
        np.testing.assert_allclose(f(np.array([0.5, 1.0])), np.exp(np.tanh([0.5, 1.0]) * 2) + 1)
        with pytest.raises(AssertionError):
            f(np.array([0.5]))


def test_conditions_known_true_are_dropped_and_a_constant_false_raises_in_the_call():
    x = T.dvector("x")
    f = function([x], Assert("never")(x, 1, T.constant(True)) * 2)
    assert "Assert" not in ops_of(f)
    kept = function([x], assert_op(x, True, T.gt(x.size, 0)) * 2)
    (node,) = [n for n in kept.fgraph.toposort() if isinstance(n.op, AssertClass)]
    assert len(node.inputs) == 2                  # the constant True is gone, the rest checked
    failing = function([x], assert_op(x, 0) * 2)  # compiles: constant folding leaves it alone
    with pytest.raises(AssertionError):
        failing(np.ones(2))


def test_remove_all_asserts_only_when_asked_for_by_name():
    x = T.dvector("x")
    out = assert_op(x, T.gt(x.size, 5)) * 2
    assert "Assert" in ops_of(function([x], out, mode=Mode(include=("canonicalize",))))
    f = function([x], out, mode=Mode(include=("local_remove_all_assert",)))
    assert "Assert" not in ops_of(f)
    np.testing.assert_array_equal(f(np.ones(2)), [2.0, 2.0])     # the check is gone
    with config.change_flags(optimizer_including="local_remove_all_assert"):
        assert "Assert" not in ops_of(function([x], out))
    assert "Assert" not in ops_of(function([x], out, mode=Mode(include=("unsafe",))))


def test_printing_pp_and_debugprint():
    x = T.dmatrix("x")
    assert pp(assert_op(x, T.eq(x.shape[0], 3))) == "assert(x, x.shape[0] == 3)"
    assert pp(Assert("rows")(x, T.gt(x.sum(), 0))) == "assert(x, sum(x) > 0.0, msg='rows')"
    lines = debugprint(Assert("rows")(x, T.gt(x.sum(), 0)), file="str").splitlines()
    assert lines[0] == "Assert{msg=rows} [id A] float64[?, ?]"
    assert lines[1] == "├─ x [id B] float64[?, ?]"


def test_build_errors_name_the_op_the_condition_and_the_line():
    x = T.dmatrix("x")
    with pytest.raises(ShapeError, match=rf"Assert at {HERE}:\d+: condition 2 must be a scalar "
                                         rf"\(T.all\(c\) for a whole tensor\), got 'x'"):
        assert_op(x, True, x)
    with pytest.raises(GraphlensTypeError, match="condition 1 must be a bool or number"):
        assert_op(x, T.zscalar("z"))
    with pytest.raises(GraphlensTypeError, match="msg must be a string"):
        Assert(3)(x, True)


def test_shape_of_the_checked_value_needs_no_check_as_theanos():
    check_infer_shape(lambda x: assert_op(x, T.gt(x.sum(), 0)), [np.ones((2, 3))], AssertClass)


def test_test_values_raise_assertion_error_at_the_building_line():
    x = T.dvector("x")
    x.tag.test_value = np.array([-1.0, 2.0])
    with config.change_flags(compute_test_value="raise"):
        with pytest.raises(AssertionError) as caught:
            Assert("positive")(x, T.gt(x.min(), 0))
    assert isinstance(caught.value, TestValueError)
    assert "positive (the condition, built at" in str(caught.value)


def test_logistic_regression_guarded_by_an_assert_trains_as_without_it():
    # The tutorial's logreg with its input checked for 5 features: same updates, and a batch
    # of the wrong width stops at the assert, before the dot, with the assert's message.
    rng = np.random.default_rng(0)
    data_x, data_y = rng.standard_normal((30, 5)), (rng.random(30) > 0.5).astype("float64")

    def train_fn(guarded):
        x, y = T.dmatrix("x"), T.dvector("y")
        w, b = shared(np.zeros(5), name="w"), shared(0.0, name="b")
        if guarded:
            x_in = Assert("x needs 5 features")(x, T.eq(x.shape[1], 5))
        else:
            x_in = x
        p_1 = 1 / (1 + T.exp(-T.dot(x_in, w) - b))
        cost = (-y * T.log(p_1) - (1 - y) * T.log(1 - p_1)).mean() + 0.01 * (w ** 2).sum()
        gw, gb = grad(cost, [w, b])
        return function([x, y], cost, updates=[(w, w - 0.1 * gw), (b, b - 0.1 * gb)]), w

    guarded, w_guarded = train_fn(True)
    plain, w_plain = train_fn(False)
    costs = [(float(guarded(data_x, data_y)), float(plain(data_x, data_y))) for _ in range(20)]
    np.testing.assert_allclose([c[0] for c in costs], [c[1] for c in costs], rtol=1e-14)
    assert costs[-1][0] < costs[0][0]
    np.testing.assert_allclose(w_guarded.get_value(), w_plain.get_value(), rtol=1e-14)
    with pytest.raises(AssertionError, match="x needs 5 features"):
        guarded(data_x[:, :4], data_y)
