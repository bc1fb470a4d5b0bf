"""function(): the Theano tutorial, In/Out, givens, updates, argument binding and its errors."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import In, Out, function, shared
from graphlens.errors import (ArgumentError, EvaluationError, GraphlensTypeError,
                              MissingInputError, ShapeError, UnusedInputError)


def test_tutorial_adds_two_scalars():
    x, y = T.dscalar("x"), T.dscalar("y")
    f = function([x, y], x + y)
    result = f(2, 3)
    assert result == 5.0 and result.dtype == np.float64 and result.shape == ()


def test_tutorial_adds_two_matrices():
    x, y = T.dmatrix("x"), T.dmatrix("y")
    f = function([x, y], x + y)
    np.testing.assert_array_equal(f([[1, 2], [3, 4]], [[10, 20], [30, 40]]),
                                  [[11, 22], [33, 44]])


def test_tutorial_elementwise_logistic():
    x = T.dmatrix("x")
    logistic = function([x], 1 / (1 + T.exp(-x)))
    values = np.array([[0, 1], [-1, -2]], dtype=float)
    np.testing.assert_allclose(logistic(values), 1 / (1 + np.exp(-values)), rtol=1e-15)


def test_tutorial_several_outputs_at_once():
    a, b = T.dmatrices("a", "b")
    diff = a - b
    f = function([a, b], [diff, abs(diff), diff ** 2])
    d, ad, d2 = f([[1, 1], [1, 1]], [[0, 1], [2, 3]])
    np.testing.assert_array_equal(d, [[1, 0], [-1, -2]])
    np.testing.assert_array_equal(ad, [[1, 0], [1, 2]])
    np.testing.assert_array_equal(d2, [[1, 0], [1, 4]])


def test_tutorial_default_value_with_in_and_keyword_call():
    x, y, w = T.dscalars("x", "y", "w")
    f = function([x, In(y, value=1), In(w, value=2, name="w_by_name")], (x + y) * w)
    assert f(33) == 68.0
    assert f(33, 2) == 70.0
    assert f(33, 0, 1) == 33.0
    assert f(33, w_by_name=1, y=0) == 33.0


def test_tutorial_accumulator_with_shared_variable_and_updates():
    state = shared(0)
    inc = T.iscalar("inc")
    accumulator = function([inc], state, updates=[(state, state + inc)])
    assert accumulator(1) == 0
    assert state.get_value() == 1
    assert accumulator(300) == 1
    assert state.get_value() == 301
    state.set_value(-1)
    assert accumulator(3) == -1
    assert state.get_value() == 2
    decrementor = function([inc], state, updates=[(state, state - inc)])
    assert decrementor(2) == 2
    assert state.get_value() == 0


def test_tutorial_givens_replace_a_shared_variable():
    state = shared(0)
    inc = T.iscalar("inc")
    fn_of_state = state * 2 + inc
    foo = T.scalar(dtype=state.dtype)
    skip_shared = function([inc, foo], fn_of_state, givens=[(state, foo)])
    assert skip_shared(1, 3) == 7
    assert state.get_value() == 0


def test_givens_replace_a_variable_by_an_expression():
    x, y = T.dvectors("x", "y")
    f = function([y], (x * 2).sum(), givens={x: y + 1})
    assert f([1.0, 2.0]) == 10.0


def test_updates_use_values_from_before_the_call_and_apply_together():
    a, b = shared(1.0, name="a"), shared(10.0, name="b")
    swap = function([], [a, b], updates=[(a, b), (b, a)])
    assert [float(v) for v in swap()] == [1.0, 10.0]
    assert (a.get_value(), b.get_value()) == (10.0, 1.0)


def test_updates_are_not_applied_when_the_call_fails():
    w = shared(np.ones(3), name="w")
    counter = shared(0, name="counter")
    x = T.dvector("x")
    step = function([x], (w * x).sum(), updates=[(w, w - x), (counter, counter + 1)])
    with pytest.raises(EvaluationError):
        step(np.ones(4))
    np.testing.assert_array_equal(w.get_value(), np.ones(3))
    assert counter.get_value() == 0
    step(np.ones(3))
    assert counter.get_value() == 1


def test_shared_get_value_returns_a_copy_unless_borrowed():
    value = np.zeros(3)
    w = shared(value)
    value[0] = 5
    assert w.get_value()[0] == 0, "shared() copies its value"
    w.get_value()[1] = 7
    assert w.get_value()[1] == 0
    w.get_value(borrow=True)[2] = 9
    assert w.get_value()[2] == 9


def test_shared_with_borrow_keeps_the_callers_array():
    value = np.zeros(3)
    w = shared(value, borrow=True)
    value[0] = 4
    assert w.get_value()[0] == 4


def test_shared_set_value_checks_dtype_and_rank():
    w = shared(np.zeros((2, 2), dtype="float32"), name="w")
    w.set_value(np.ones((3, 3), dtype="float32"))
    assert w.get_value().shape == (3, 3)
    with pytest.raises(GraphlensTypeError, match="rank 1"):
        w.set_value(np.ones(3, dtype="float32"))
    with pytest.raises(GraphlensTypeError, match="float64"):
        w.set_value(np.ones((2, 2)))


def test_outputs_never_alias_inputs_or_shared_storage():
    x = T.dvector("x")
    w = shared(np.arange(3.0), name="w")
    f = function([x], [x, w, w.T, x[1:]])
    data = np.ones(3)
    out_x, out_w, out_wt, out_tail = f(data)
    out_x[0] = out_w[0] = out_wt[1] = out_tail[0] = 100
    assert data[0] == 1 and data[1] == 1
    np.testing.assert_array_equal(w.get_value(), [0, 1, 2])


def test_out_with_borrow_skips_the_copy_of_shared_storage():
    w = shared(np.arange(3.0), name="w")
    borrowed = function([], Out(w.T, borrow=True))()
    copied = function([], w.T)()
    storage = w.get_value(borrow=True)
    np.testing.assert_array_equal(borrowed, [0.0, 1.0, 2.0])
    np.testing.assert_array_equal(copied, [0.0, 1.0, 2.0])
    assert np.shares_memory(borrowed, storage), "borrow=True returns the storage itself"
    assert not np.shares_memory(copied, storage), "without borrow the output is a copy"
    x = T.dvector("x")
    np.testing.assert_array_equal(function([x], Out(x * 2, borrow=True))([1.0, 2.0]), [2.0, 4.0])


def test_wrong_number_of_arguments_names_the_signature():
    x, y = T.dscalars("x", "y")
    f = function([x, y], x + y)
    with pytest.raises(ArgumentError, match=r"takes 2 arguments \(x: float64, y: float64\), got 3"):
        f(1, 2, 3)
    with pytest.raises(ArgumentError, match="missing a value for input 1 \\('y'"):
        f(1)
    with pytest.raises(ArgumentError, match="no input named 'z'"):
        f(1, z=2)


def test_float64_into_fvector_is_refused_unless_downcast_allowed():
    x = T.fvector("x")
    f = function([x], x * 2)
    with pytest.raises(GraphlensTypeError) as info:
        f(np.ones(3))
    message = str(info.value)
    assert "'x'" in message and "float64" in message and "allow_input_downcast=True" in message
    assert "test_function.py" in message, "names the line that built x"
    g = function([x], x * 2, allow_input_downcast=True)
    result = g(np.ones(3))
    assert result.dtype == np.float32 and list(result) == [2, 2, 2]


def test_python_numbers_fit_float32_inputs():
    x = T.fvector("x")
    assert function([x], x * 2)([1.5, 2.5]).dtype == np.float32


def test_wrong_rank_names_the_input_and_both_ranks():
    x = T.dmatrix("x")
    f = function([x], x.sum())
    with pytest.raises(GraphlensTypeError, match=r"rank 1 \(shape \(3,\)\).*float64\[\?, \?\]"):
        f(np.ones(3))


def test_runtime_shape_mismatch_names_op_shapes_and_line():
    x, y = T.dvectors("x", "y")
    z = x + y  # the failing variable is built here
    f = function([x, y], z)
    with pytest.raises(EvaluationError) as info:
        f(np.ones(3), np.ones(4))
    message = str(info.value)
    assert "Add" in message and "(3,)" in message and "(4,)" in message
    assert "test_function.py" in message
    assert isinstance(info.value.__cause__, ValueError), "the original error is kept"


def test_dot_shape_mismatch_at_runtime_names_both_shapes():
    x, w = T.dmatrices("x", "w")
    f = function([x, w], T.dot(x, w))
    with pytest.raises(EvaluationError, match=r"\(2, 3\).*\(4, 5\)"):
        f(np.ones((2, 3)), np.ones((4, 5)))


def test_missing_input_is_refused_when_the_function_is_built():
    x, y = T.dscalars("x", "y")
    with pytest.raises(MissingInputError) as info:
        function([x], x + y)
    assert "'y'" in str(info.value) and "test_function.py" in str(info.value)


def test_unused_input_raises_warns_or_is_ignored():
    x, y = T.dscalars("x", "y")
    with pytest.raises(UnusedInputError, match="'y'"):
        function([x, y], x * 2)
    with pytest.warns(UserWarning, match="'y'"):
        function([x, y], x * 2, on_unused_input="warn")
    assert function([x, y], x * 2, on_unused_input="ignore")(2, 5) == 4


def test_an_unused_input_is_reported_before_a_missing_one_as_theanos():
    x, s = T.dscalars("x", "s")
    with pytest.raises(UnusedInputError, match="'s'"):
        function([s], x)
    with pytest.raises(MissingInputError, match="'x'"):
        function([s], x, on_unused_input="ignore")


def test_an_input_name_must_be_a_string():
    a = T.dscalar()
    for bad in ([], (), set(["n"]), T.dscalar()):
        with pytest.raises(TypeError, match="name"):
            In(a, name=bad)


def test_a_dict_of_outputs_returns_a_dict_as_theanos():
    import pickle
    x, y = T.dscalars("x", "y")
    f = function([x, y], {"sum": x + y, "product": x * y, "1": x})
    assert f(2.0, 4.0) == {"sum": 6.0, "product": 8.0, "1": 2.0}
    assert [str(o.variable.owner.op) if o.variable.owner else o.variable.name
            for o in f.outputs][0] == "x"                      # kept in the keys' order
    assert pickle.loads(pickle.dumps(f))(1.0, 3.0) == {"sum": 4.0, "product": 3.0, "1": 1.0}
    assert function([x], {"one": x * 2})(3.0) == {"one": 6.0}
    g = function([x, y], [x + y, x * y])               # the same graph as a list stays a list
    assert [float(v) for v in g(2.0, 4.0)] == [6.0, 8.0]
    with pytest.raises(AssertionError, match="strings"):
        function([x], {1.0: x, "a": x * 2})


def test_inputs_must_be_a_list():
    x = T.dscalar("x")
    with pytest.raises(ArgumentError, match=r"function\(\[x\]"):
        function(x, x * 2)


def test_shared_variable_cannot_be_an_explicit_input():
    w = shared(1.0, name="w")
    with pytest.raises(GraphlensTypeError, match="implicit inputs"):
        function([w], w * 2)


def test_update_of_wrong_dtype_or_shape_is_refused_at_build_time():
    w = shared(np.zeros(3, dtype="float32"), name="w")
    x = T.dvector("x")
    with pytest.raises(GraphlensTypeError, match="must keep dtype float32.*astype"):
        function([x], [], updates=[(w, w + x)])
    with pytest.raises(ShapeError, match=r"holds shape \(3,\)"):
        function([], [], updates=[(w, T.zeros((4,), dtype="float32"))])
    with pytest.raises(GraphlensTypeError, match="not one"):
        function([x], [], updates=[(x, x + 1)])


def test_weak_python_numbers_keep_float32_updates_float32():
    w = shared(np.ones(2, dtype="float32"), name="w")
    step = function([], [], updates=[(w, w - 0.5 * w)])
    step()
    assert w.get_value().dtype == np.float32
    np.testing.assert_array_equal(w.get_value(), [0.5, 0.5])


def test_input_computed_from_other_variables_cuts_the_graph():
    x = T.dscalar("x")
    hidden = x * 3
    f = function([hidden], hidden + 1)
    assert f(10.0) == 11.0


def test_eval_evaluates_with_a_dict_of_values():
    x = T.dscalar("x")
    assert (x * 2 + 1).eval({x: 3.0}) == 7.0


def test_function_graph_before_and_after_are_exposed():
    x = T.dvector("x")
    f = function([x], T.exp(x).sum(), mode="NONE")
    assert f.fgraph_before.outputs[0] is not f.fgraph.outputs[0]
    assert f.maker.fgraph is f.fgraph
    assert [n.op.label for n in f.fgraph_before.toposort()] == ["Exp", "Sum{axis=0}"]


def test_user_graph_is_never_changed_by_compiling():
    x = T.dvector("x")
    y = T.log(1 + x)
    node_inputs = list(y.owner.inputs)
    function([x], y)
    assert y.owner.inputs == node_inputs and y.owner.op.label == "Log"


def test_concurrent_calls_with_updates_lose_no_update():
    import threading
    counter = shared(np.int64(0), name="counter")
    step = function([], [], updates=[(counter, counter + 1)])
    other = function([], [], updates=[(counter, counter + 2)])

    def work():
        for _ in range(2000):
            step()
            other()
    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert int(counter.get_value()) == 4 * 2000 * 3


def test_shared_variable_pickles_with_its_value():
    import pickle
    w = shared(np.arange(3.0), name="w")
    restored = pickle.loads(pickle.dumps(w))
    assert restored.name == "w"
    np.testing.assert_array_equal(restored.get_value(), [0.0, 1.0, 2.0])
    f = function([], [], updates=[(restored, restored * 2)])
    f()
    np.testing.assert_array_equal(restored.get_value(), [0.0, 2.0, 4.0])


def test_a_fused_fast_run_training_step_pickles_and_trains_on():
    """Fused kernels are written in the process that plans them: a pickle carries the fused
    graph and the plan is made again where it is loaded (Theano code pickles functions)."""
    import pickle
    rng = np.random.default_rng(0)
    w = shared(rng.normal(size=(5, 3)) * 0.1, name="W")
    x = T.dmatrix("x")
    h = T.tanh(T.dot(x, w))
    cost = ((h - 1) ** 2).mean()
    step = function([x], cost, updates=[(w, w - 0.1 * T.grad(cost, w))])
    assert any(type(node.op).__name__ == "Composite" for node in step.maker.fgraph.toposort())
    data = rng.normal(size=(4, 5))
    step(data)
    copy_ = pickle.loads(pickle.dumps(step))
    losses = [(float(step(data)), float(copy_(data))) for _ in range(3)]
    assert all(a == b for a, b in losses), losses
    assert losses[2][0] < losses[0][0]


def test_a_training_function_with_updates_pickles_and_updates_its_own_copy():
    import pickle
    w = shared(np.array([1.0, 2.0]), name="w")
    x = T.dvector("x")
    step = function([x], (w * x).sum(), updates=[(w, w + x)], mode="NONE")
    assert float(step(np.array([1.0, 1.0]))) == 3.0            # w is now [2, 3]
    copy_ = pickle.loads(pickle.dumps(step))
    assert float(copy_(np.array([1.0, 0.0]))) == 2.0           # its own w: [3, 3]
    assert float(copy_(np.array([1.0, 1.0]))) == 6.0
    np.testing.assert_array_equal(w.get_value(), [2.0, 3.0])   # the original's is untouched
    assert float(step(np.array([0.0, 1.0]))) == 3.0


def test_unnamed_function_is_named_after_the_line_that_compiled_it_as_theano():
    x = T.dvector("x")
    line = __import__("inspect").currentframe().f_lineno + 1
    f = function([x], x + 1.0)
    assert f.name == f"{__file__}:{line}"
    assert function([x], x + 1.0, name="step").name == "step"
    # The messages still call an unnamed function "the function", a named one by its name.
    with pytest.raises(ArgumentError, match="the function has no input"):
        f(y=1)
    assert f.copy().name == f"{__file__}:{line} copy"


def test_maker_mode_is_the_mode_compiled_with():
    from graphlens.compile.mode import Mode, get_mode
    x = T.dvector("x")
    assert function([x], x * 2).maker.mode == get_mode(None)
    fast = Mode(optimizer="fast_compile")
    assert function([x], x * 3, mode=fast).maker.mode is fast
    assert function([x], x * 4, mode="FAST_COMPILE").maker.mode.name == "FAST_COMPILE"
