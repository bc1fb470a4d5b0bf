"""The straight-line call (compile/straight.py): the fast path keeps every behaviour of a call."""

import sys

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import In, Out, function, shared
from graphlens.compile.straight import MAX_STEPS
from graphlens.errors import EvaluationError, GraphlensTypeError
from graphlens.tensor.reduce import AxisSize
from graphlens.trace.nan import NaNError


def test_scalars_of_the_inputs_dtype_give_a_zero_rank_array_of_that_dtype():
    x, y = T.dscalars("x", "y")
    f = function([x, y], x + y)
    for args in [(np.float64(1.5), np.float64(2.5)), (np.array(1.5), np.array(2.5)), (1.5, 2.5),
                 (np.float32(1.5), 2.5), (np.int64(1), 3)]:
        result = f(*args)
        assert type(result) is np.ndarray and result.dtype == np.float64 and result.ndim == 0
        assert float(result) == float(args[0]) + float(args[1])


def test_wrong_dtype_of_a_scalar_is_refused_naming_the_input_and_line():
    x, y = T.fscalars("x", "y")
    line = sys._getframe().f_lineno - 1
    f = function([x, y], x * y)
    assert f(np.float32(2), np.float32(3)).dtype == np.float32
    with pytest.raises(GraphlensTypeError) as info:
        f(np.float32(2), np.float64(3))
    message = str(info.value)
    assert "argument 1 for 'y'" in message and "float64" in message
    assert f"test_straight.py:{line}" in message
    with pytest.raises(GraphlensTypeError, match="complex"):
        f(np.float32(2), 1j)


def test_wrong_rank_is_refused_by_the_same_error_as_before():
    x, y = T.dscalars("x", "y")
    f = function([x, y], x + y)
    with pytest.raises(GraphlensTypeError, match=r"argument 0 for 'x'.* has rank 1 \(shape \(2,\)"):
        f(np.ones(2), 1.0)
    m = T.dmatrix("m")
    g = function([m], m * 2)
    with pytest.raises(GraphlensTypeError, match=r"rank 3 \(shape \(1, 2, 2\)\)"):
        g(np.ones((1, 2, 2)))


def test_keywords_and_defaults_take_the_binding_path():
    x, y = T.dscalars("x", "y")
    f = function([x, In(y, value=10.0)], x - y)
    assert float(f(1.0)) == -9.0
    assert float(f(y=1.0, x=5.0)) == 4.0
    assert float(f(np.float64(3), y=np.float64(1))) == 2.0


def test_a_later_failing_step_names_its_node_and_its_inputs_run_time_shapes():
    x = T.dmatrix("x")
    y = T.exp(x)
    line = sys._getframe().f_lineno + 1
    z = T.reshape(y, (5, -1))
    f = function([x], z * 2, mode="NONE")
    with pytest.raises(EvaluationError) as info:
        f(np.ones((2, 3)))
    message = str(info.value)
    assert message.startswith("Reshape")
    assert "input 0: Exp (float64[?, ?]" in message and "shape (2, 3), dtype float64" in message
    assert f"test_straight.py:{line}" in message
    assert isinstance(info.value, ValueError)


def test_updates_apply_after_the_call_from_values_before_it():
    total, count = shared(0.0, name="total"), shared(0, name="count")
    x = T.dscalar("x")
    f = function([x], total + x, updates=[(total, total + x), (count, count + 1)])
    assert float(f(np.float64(2.0))) == 2.0
    assert float(f(np.float64(3.0))) == 5.0, "reads total from before the call"
    assert (float(total.get_value()), int(count.get_value())) == (5.0, 2)
    frozen = f.copy(delete_updates=True)
    assert float(frozen(1.0)[0]) == 6.0 and float(total.get_value()) == 5.0


def test_outputs_are_copies_unless_borrowed():
    x = T.dvector("x")
    data = np.arange(3.0)
    copied, borrowed = function([x], x)(data), function([x], Out(x, borrow=True))(data)
    assert not np.shares_memory(copied, data)
    assert borrowed is data, "borrow=True hands back the argument itself"
    w = shared(np.ones(2), name="w")
    value = function([], w)()
    value[0] = 7.0
    assert w.get_value()[0] == 1.0


def test_nan_guard_still_wraps_every_step_of_a_scalar_graph():
    x = T.dscalar("x")
    assert np.isnan(function([x], T.log(x) * 2)(np.float64(-1.0)))
    guarded = function([x], T.log(x) * 2, nan_guard=True, mode="NONE")
    with pytest.raises(NaNError, match="Log produced 1 NaN"):
        guarded(np.float64(-1.0))


def test_long_programs_keep_the_loop_with_the_same_results_and_errors():
    x = T.dvector("x")
    y = x
    for _ in range(MAX_STEPS + 10):
        y = y * 1.0 + 0.5
    f = function([x], y, mode="NONE")
    assert len(f.vm.program) > MAX_STEPS and "run" not in f.vm.__dict__
    np.testing.assert_allclose(f(np.zeros(2)), [0.5 * (MAX_STEPS + 10)] * 2)
    short = function([x], x * 1.0 + 0.5, mode="NONE")
    assert "run" in short.vm.__dict__, "a short program runs as straight-line code"
    v = T.dvector("v")
    with pytest.raises(EvaluationError, match=r"Add failed .*\n.*shape \(2,\)"):
        function([x, v], y + v, mode="NONE")(np.zeros(2), np.zeros(3))


def test_a_new_program_is_run_after_rebuilding_the_call():
    x = T.dvector("x")
    f = function([x], T.exp(x) + 1, mode="NONE")
    calls = []

    def counted(perform):
        def run(node, inputs):
            calls.append(node.op.label)
            return perform(node, inputs)
        return run
    f.vm.set_program([(counted(step[0]),) + step[1:] for step in f.vm.program])
    f._build_call()
    np.testing.assert_allclose(f(np.zeros(2)), [2.0, 2.0])
    assert calls == ["Exp", "Add"]


def test_direct_steps_of_dimshuffles_give_the_same_views_as_perform():
    x, v = T.dmatrix("x"), T.dvector("v")
    outputs = [x.T, v.dimshuffle(0, "x") * x[:, :1], v.dimshuffle("x", 0, "x")]
    f = function([x, v], outputs, mode="NONE")
    directs = [step for step in f.vm.program
               if step[1].op.direct_perform(step[1]) is not None]
    assert len(directs) == 3, "the transpose and both axis insertions run directly"
    data, vector = np.arange(6.0).reshape(2, 3), np.array([1.0, 2.0])
    transposed, column, padded = f(data, vector)
    np.testing.assert_array_equal(transposed, data.T)
    np.testing.assert_array_equal(column, vector[:, None] * data[:, :1])
    assert padded.shape == (1, 2, 1) and padded.ravel().tolist() == [1.0, 2.0]
    transposed[0, 0] = 99.0
    assert data[0, 0] == 0.0, "an output viewing an input is still copied"


def test_a_function_pickles_and_deep_copies_with_its_call_written_again():
    import copy
    import pickle
    w = shared(np.array([1.0, 2.0]), name="w")
    x = T.dvector("x")
    # mode NONE: a fused node's planned kernels are closures, which pickle cannot carry (as
    # before this change, once the plan was made by a first call).
    f = function([x], (w * x).sum() + T.exp(x).sum(), mode="NONE")
    expected = float(f(np.array([0.0, 1.0])))
    for duplicate in (pickle.loads(pickle.dumps(f)), copy.deepcopy(f)):
        assert float(duplicate(np.array([0.0, 1.0]))) == expected == 3.0 + np.e
        with pytest.raises(GraphlensTypeError, match="argument 0 for 'x'"):
            duplicate(np.ones((2, 2)))


def test_direct_matrix_products_read_transposes_and_name_a_length_mismatch():
    a, b = T.dmatrices("a", "b")
    line = sys._getframe().f_lineno + 1
    f = function([a, b], [T.dot(a.T, b), T.dot(a, b.T)])
    assert [step[1].op.label for step in f.vm.program] == [
        "Dot22{transpose_a=True}", "Dot22{transpose_b=True}"]
    assert all(step[1].op.direct_perform(step[1]) is not None for step in f.vm.program)
    left, right = np.arange(6.0).reshape(2, 3), np.arange(6.0, 12.0).reshape(2, 3)
    product_tn, product_nt = f(left, right)
    np.testing.assert_array_equal(product_tn, left.T @ right)
    np.testing.assert_array_equal(product_nt, left @ right.T)
    with pytest.raises(EvaluationError, match=rf"Dot22{{transpose_b=True}} failed at "
                       rf".*test_straight.py:{line}: ShapeError: dot: inner lengths differ"):
        f(left, np.ones((2, 4)))


def test_unary_elementwise_reductions_sizes_and_allocs_run_directly():
    # Nothing broadcasts in a one-input elementwise op, a reduction reads one array, a length
    # one entry of a shape, and a value of length 1 everywhere fills any new array (#23).
    x = T.dmatrix("x")
    n = x.shape[0]
    outputs = [T.sqr(x), x.sum(axis=1), x.mean(), T.alloc(0.0, n, 3), x.max(axis=0)]
    f = function([x], outputs, mode="NONE")
    kinds = {type(step[1].op).__name__ for step in f.vm.program
             if step[1].op.direct_perform(step[1]) is not None}
    assert {"Sqr", "Sum", "Mean", "Alloc", "Max"} <= kinds
    data = np.arange(6.0).reshape(2, 3)
    squares, sums, mean, zeros, largest = f(data)
    np.testing.assert_array_equal(squares, data ** 2)
    np.testing.assert_array_equal(sums, [3.0, 12.0])
    assert mean == 2.5 and np.asarray(mean).dtype == np.float64
    assert zeros.shape == (2, 3) and not zeros.any()
    np.testing.assert_array_equal(largest, [3.0, 4.0, 5.0])
    size = function([x], AxisSize((1,))(x), mode="NONE")
    assert all(step[1].op.direct_perform(step[1]) is not None for step in size.vm.program)
    assert size(data) == 3 and size(data).dtype == np.int64


def test_a_several_output_node_runs_as_one_call_and_a_failure_names_it():
    from graphlens.tensor.nnet.sigmoid_parts import sigmoid_bce_parts
    z, t = T.dvectors("z", "t")
    line = sys._getframe().f_lineno + 1
    loss, p, q = sigmoid_bce_parts(z, t)
    f = function([z, t], [p + 1.0, loss, q])
    scores, targets = np.array([2.0, -30.0, 0.0]), np.array([1.0, 0.0, 1.0])
    shifted, got_loss, got_q = f(scores, targets)
    np.testing.assert_allclose(shifted, 1 / (1 + np.exp(-scores)) + 1.0, rtol=1e-15)
    np.testing.assert_allclose(got_loss, np.logaddexp(0, scores) - targets * scores, rtol=4e-15)
    np.testing.assert_allclose(got_q, 1 / (1 + np.exp(scores)), rtol=1e-15)
    # The node's perform is called once and its list read by index: no wrapper calls.
    called = [value for name, value in f._call.__globals__.items() if name.startswith("p")]
    assert [getattr(value, "__name__", "") for value in called].count("perform") == 1
    assert "run" not in [getattr(value, "__name__", "") for value in called]
    with pytest.raises(EvaluationError) as info:
        f(scores, np.array([1.0, 0.0]))
    message = str(info.value)
    assert "SigmoidBCEParts" in message and f"test_straight.py:{line}" in message


def test_matrix_vector_products_run_directly_and_name_a_length_mismatch():
    x, w, d = T.dmatrix("x"), T.dvector("w"), T.dvector("d")
    line = sys._getframe().f_lineno + 1
    f = function([x, w, d], [T.dot(x, w), T.dot(d, x)])
    dots = [step for step in f.vm.program if step[1].op.label.startswith("Gemv")]
    assert len(dots) == 2 and all(step[1].op.direct_perform(step[1]) is not None
                                  for step in dots)
    data = np.arange(6.0).reshape(2, 3)
    xw, dx = f(data, np.array([1.0, -1.0, 2.0]), np.array([0.5, 2.0]))
    np.testing.assert_array_equal(xw, data @ [1.0, -1.0, 2.0])
    np.testing.assert_array_equal(dx, [0.5, 2.0] @ data)
    assert xw.dtype == np.float64 and type(xw) is np.ndarray
    with pytest.raises(EvaluationError, match=rf"Gemv failed at .*test_straight.py:{line}"
                                              r": ShapeError: dot: inner lengths differ"):
        f(data, np.ones(4), np.ones(2))
    # A product of int vectors keeps perform's path (numpy's dot of 1-d arrays is a scalar).
    i, j = T.lvectors("i", "j")
    g = function([i, j], T.dot(i, j))
    assert g.vm.program[0][1].op.direct_perform(g.vm.program[0][1]) is None
    assert g(np.array([1, 2]), np.array([3, 4])) == 11


def test_a_comparison_of_floats_calls_its_ufunc_with_no_impl_frame():
    p = T.dvector("p")
    f = function([p], p > 0.5)
    (step,) = f.vm.program
    assert step[1].op.numpy_function(step[1]) is np.greater
    got = f(np.array([0.2, 0.5, 0.9]))
    assert got.dtype == np.bool_ and got.tolist() == [False, False, True]
    # A float op of int inputs still casts them first (impl), as before.
    i = T.lvector("i")
    g = function([i], T.exp(i))
    assert g.vm.program[0][1].op.numpy_function(g.vm.program[0][1]) is not np.exp
    np.testing.assert_allclose(g(np.array([0, 1])), [1.0, np.e], rtol=1e-15)
