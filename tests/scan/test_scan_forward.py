"""scan's forward semantics (graphlens/scan/build.py, loop.py) against hand-written numpy loops:
taps on sequences and outputs, None in outputs_info, n_steps, until, updates, map/reduce/fold."""

from collections import OrderedDict

import numpy as np
import pytest

import graphlens
import graphlens.tensor as T
from graphlens import function, scan, shared
from graphlens.errors import EvaluationError, GraphlensTypeError, MissingInputError, ShapeError
from graphlens.graph.basic import Apply
from graphlens.scan_module import until
from graphlens.tensor.math import Tanh
from graphlens.tensor.variable import TensorVariable


def test_power_of_a_vector_with_symbolic_n_steps_matches_numpy():
    k = T.iscalar("k")
    A = T.dvector("A")
    result, updates = scan(lambda prior, A: prior * A, outputs_info=T.ones_like(A),
                           non_sequences=A, n_steps=k)
    power = function([A, k], result[-1], updates=updates)
    a = np.arange(10.0)
    np.testing.assert_allclose(power(a, 2), a ** 2)
    np.testing.assert_allclose(power(a, 4), a ** 4)
    assert result.type.shape == (None, None)


def test_polynomial_from_coefficients_uses_a_sequence_shorter_than_arange():
    coefficients = T.dvector("coefficients")
    x = T.dscalar("x")
    components, updates = scan(lambda c, power, free: c * (free ** power), outputs_info=None,
                               sequences=[coefficients, T.arange(10000)], non_sequences=x)
    assert updates == {}
    f = function([coefficients, x], components.sum())
    assert f(np.array([1.0, 0.0, 2.0]), 3.0) == pytest.approx(19.0)
    np.testing.assert_allclose(function([coefficients, x], components)(
        np.array([1.0, 0.0, 2.0]), 3.0), [1.0, 0.0, 18.0])


def test_sequence_taps_read_neighbours_and_shorten_the_loop():
    x = T.dvector("x")
    out, _ = scan(lambda a, b, c: a + 10 * b + 100 * c,
                  sequences=dict(input=x, taps=[-2, 0, 1]))
    value = np.arange(8.0)
    expected = [value[t - 2] + 10 * value[t] + 100 * value[t + 1] for t in range(2, 7)]
    np.testing.assert_allclose(function([x], out)(value), expected)


def test_output_taps_read_earlier_steps_from_the_initial_buffer():
    h0 = T.dvector("h0")
    # Fibonacci-like with taps -1 and -3: h[t] = h[t-1] + 2 * h[t-3]
    out, _ = scan(lambda h1, h3: h1 + 2 * h3, outputs_info=dict(initial=h0, taps=[-1, -3]),
                  n_steps=6)
    start = [1.0, 2.0, 3.0]
    history = list(start)
    for _ in range(6):
        history.append(history[-1] + 2 * history[-3])
    np.testing.assert_allclose(function([h0], out)(np.array(start)), history[3:])


def test_several_outputs_with_none_and_a_state_in_theano_argument_order():
    x = T.dvector("x")
    w = T.dscalar("w")
    seen = []

    def step(x_t, h_prev, w):
        seen.append((x_t.name, h_prev.name, w.name))
        h = h_prev * w + x_t
        return [h * 2, h]

    doubled, h = scan(step, sequences=x, outputs_info=[None, T.constant(0.0, dtype="float64")],
                      non_sequences=w)[0]
    assert seen == [("x[t]", "out1[t-1]", "w")]
    f = function([x, w], [doubled, h])
    value = np.array([1.0, 2.0, 3.0])
    got_doubled, got_h = f(value, 0.5)
    hs, acc = [], 0.0
    for item in value:
        acc = acc * 0.5 + item
        hs.append(acc)
    np.testing.assert_allclose(got_h, hs)
    np.testing.assert_allclose(got_doubled, 2 * np.array(hs))


def test_go_backwards_reads_sequences_from_the_end():
    x = T.dvector("x")
    out, _ = scan(lambda x_t, acc: acc * 10 + x_t, sequences=x,
                  outputs_info=T.constant(0.0, dtype="float64"), go_backwards=True)
    np.testing.assert_allclose(function([x], out)(np.array([1.0, 2.0, 3.0])),
                               [3.0, 32.0, 321.0])


def test_until_stops_after_the_first_step_whose_condition_holds():
    def step(prev):
        new = prev * 2
        return new, until(T.gt(new, 40))
    out, _ = scan(step, outputs_info=T.constant(1.0), n_steps=100)
    np.testing.assert_allclose(function([], out)(), [2.0, 4.0, 8.0, 16.0, 32.0, 64.0])


def test_updates_returned_by_fn_count_steps_in_a_shared_variable():
    count = shared(np.int64(0), name="count")
    x = T.dvector("x")
    values, updates = scan(lambda x_t: (x_t * 2, OrderedDict([(count, count + 1)])),
                           sequences=x)
    assert list(updates.keys()) == [count]
    f = function([x], values, updates=updates)
    np.testing.assert_allclose(f(np.array([1.0, 2.0, 3.0])), [2.0, 4.0, 6.0])
    assert count.get_value() == 3
    f(np.array([1.0, 2.0]))
    assert count.get_value() == 5


def test_updates_only_as_a_list_of_pairs_and_shared_weights_read_implicitly():
    acc = shared(np.zeros(2), name="acc")
    w = shared(np.array([1.0, 2.0]), name="w")
    nothing, updates = scan(lambda: [(acc, acc + w)], n_steps=4)
    assert nothing is None
    f = function([], [], updates=updates)
    f()
    np.testing.assert_allclose(acc.get_value(), [4.0, 8.0])
    # w is a non-sequence the user never listed: it is an input of the Scan node.
    node = updates[acc].owner
    assert w in node.inputs


def test_map_reduce_foldl_foldr_values():
    v = T.dvector("v")
    squares, _ = graphlens.map(lambda x: x ** 2, sequences=v)
    total, _ = graphlens.reduce(lambda x, acc: acc + x, sequences=v,
                                outputs_info=T.constant(0.0, dtype="float64"))
    left, _ = graphlens.foldl(lambda x, acc: acc * 10 + x, sequences=v,
                              outputs_info=T.constant(0.0, dtype="float64"))
    right, _ = graphlens.foldr(lambda x, acc: acc * 10 + x, sequences=v,
                               outputs_info=T.constant(0.0, dtype="float64"))
    f = function([v], [squares, total, left, right])
    got = f(np.array([1.0, 2.0, 3.0]))
    np.testing.assert_allclose(got[0], [1.0, 4.0, 9.0])
    assert float(got[1]) == 6.0 and float(got[2]) == 123.0 and float(got[3]) == 321.0


def test_zero_steps_give_empty_outputs_of_the_state_shape():
    h0 = T.dvector("h0")
    n = T.lscalar("n")
    out, _ = scan(lambda h: h + 1, outputs_info=h0, n_steps=n)
    value = function([h0, n], out)(np.zeros(3), 0)
    assert value.shape == (0, 3) and value.dtype == np.float64


def test_scan_inside_scan_computes_a_nested_sum():
    m = T.dmatrix("m")

    def row_total(row):
        inner, _ = scan(lambda x, acc: acc + x, sequences=row,
                        outputs_info=T.constant(0.0, dtype="float64"))
        return inner[-1]
    totals, _ = scan(row_total, sequences=m)
    value = np.arange(12.0).reshape(3, 4)
    np.testing.assert_allclose(function([m], totals)(value), value.sum(axis=1))


def test_fn_changing_the_state_dtype_is_a_clear_error():
    h0 = T.fscalar("h0")
    with pytest.raises(GraphlensTypeError, match="initial state.*h0.*same dtype"):
        scan(lambda h: h * T.dscalar("big"), outputs_info=h0, n_steps=2)


def test_outputs_info_of_the_wrong_length_names_the_remedy():
    with pytest.raises(ValueError, match="Please provide None as outputs_info"):
        scan(lambda x: [x, x * 2], sequences=T.dvector("x"), outputs_info=[None])


def test_a_step_changing_its_output_shape_names_the_output_and_step():
    x = T.dmatrix("x")
    out, _ = scan(lambda row: row[:T.cast(row[0], "int64")], sequences=x)
    f = function([x], out)
    with pytest.raises(EvaluationError, match="output 0 has shape .* at step 1") as info:
        f(np.array([[2.0, 1.0, 1.0], [3.0, 1.0, 1.0]]))
    assert isinstance(info.value.__cause__, ShapeError)
    assert "test_scan_forward.py" in str(info.value)


def test_without_sequences_and_n_steps_scan_asks_for_n_steps():
    with pytest.raises(ValueError, match="n_steps is needed"):
        scan(lambda h: h + 1, outputs_info=T.constant(0.0))


def test_a_negative_constant_n_steps_runs_backwards_as_theano_does():
    x = T.dvector("x")
    out, _ = scan(lambda x_t: x_t * 1.0, sequences=x, n_steps=-2)
    np.testing.assert_allclose(function([x], out)(np.array([1.0, 2.0, 3.0])), [3.0, 2.0])


def test_taps_none_mean_the_defaults():
    x = T.dvector("x")
    out, _ = scan(lambda x_t, h: h + x_t, sequences=dict(input=x, taps=None),
                  outputs_info=dict(initial=T.constant(0.0, dtype="float64"), taps=None))
    np.testing.assert_allclose(function([x], out)(np.array([1.0, 2.0])), [1.0, 3.0])


def test_strict_asks_for_shared_variables_in_non_sequences():
    w = shared(np.array(2.0), name="w")
    x = T.dvector("x")
    with pytest.raises(GraphlensTypeError, match="strict=True.*'w'"):
        scan(lambda x_t: x_t * w, sequences=x, strict=True)
    # Theano raised MissingInputError here (its scan documentation shows it).
    with pytest.raises(MissingInputError):
        scan(lambda x_t: x_t * w, sequences=x, strict=True)
    out, _ = scan(lambda x_t, w: x_t * w, sequences=x, non_sequences=w, strict=True)
    np.testing.assert_allclose(function([x], out)(np.array([1.0, 2.0])), [2.0, 4.0])


def test_static_shapes_of_the_outputs_agree_with_their_values():
    x = T.dmatrix("x")
    h0 = T.zeros((3,), dtype="float64")
    (h, y), _ = scan(lambda x_t, h: [h + x_t.sum(), T.stack([x_t.sum(), x_t.max()])],
                     sequences=x, outputs_info=[h0, None])
    assert h.type.shape == (None, 3) and y.type.shape == (None, 2)
    got_h, got_y = function([x], [h, y])(np.ones((4, 5)))
    assert h.type.is_compatible_shape(got_h.shape) and got_h.shape == (4, 3)
    assert y.type.is_compatible_shape(got_y.shape) and got_y.shape == (4, 2)


def test_a_step_of_100000_nodes_builds_and_plans_its_rewrites():
    # The chain is made as Apply nodes directly, with one creation site (looking up the user's
    # line for each of 100,000 variables is what makes building them slow); scan's own walks
    # (the step's free variables, the rewrite plans) read it.
    site, op = None, Tanh()

    def long_step(h):
        for _ in range(100_000):
            h = Apply(op, [h], [TensorVariable(h.type, creation_site_=site or ("m.py", 1))])
            h = h.outputs[0]
        return h
    out, _ = scan(long_step, outputs_info=T.constant(0.5), n_steps=2)
    loop = out.owner.op
    assert loop.hoist_plan is None and len(loop.inner_graphs[0].outputs) == 1
    assert loop.inner_inputs[0].name == "out0[t-1]" and loop.n_non_sequences == 0


def test_sequence_work_of_a_lower_rank_than_the_step_keeps_its_broadcasting():
    x = T.dmatrix("x")             # steps of (3,)
    m = T.dmatrix("m")             # (2, 3), read whole
    out, _ = scan(lambda x_t, m: T.exp(x_t) + m, sequences=x, non_sequences=m)
    value, whole = np.arange(12.0).reshape(4, 3) / 10, np.ones((2, 3))
    np.testing.assert_allclose(function([x, m], out)(value, whole),
                               [np.exp(row) + whole for row in value])


def test_scan_updates_add_up_as_theanos_ordered_updates():
    a, b = shared(np.int64(0), name="a"), shared(np.int64(0), name="b")
    _, first = scan(lambda: {a: a + 1}, n_steps=2)
    _, second = scan(lambda: {b: b + 2}, n_steps=3)
    both = first + second
    assert list(both.keys()) == [a, b]
    function([], [], updates=both)()
    assert (int(a.get_value()), int(b.get_value())) == (2, 6)
    with pytest.raises(KeyError, match="two different updates"):
        first + {a: a * 2}


def test_test_values_flow_into_the_step_and_a_bad_step_raises_at_its_line():
    import graphlens
    from graphlens.errors import ShapeError
    x = T.dmatrix("x")
    x.tag.test_value = np.ones((4, 3))
    W = graphlens.shared(np.ones((3, 2)), name="W")
    h0 = T.dvector("h0")
    h0.tag.test_value = np.zeros(2)
    with graphlens.config.change_flags(compute_test_value="raise"):
        h, _ = scan(lambda x_t, h_prev: T.tanh(T.dot(x_t, W) + h_prev), sequences=x,
                    outputs_info=h0)
        assert h.tag.test_value.shape == (4, 2)
        bad = graphlens.shared(np.ones((5, 2)), name="bad")
        with pytest.raises(ShapeError, match=r"test_scan_forward.py:\d+") as caught:
            scan(lambda x_t, h_prev: T.dot(x_t, bad) + h_prev, sequences=x, outputs_info=h0)
        assert "(3,)" in str(caught.value) and "(5, 2)" in str(caught.value)


def test_a_list_of_outputs_returned_with_until_is_several_outputs():
    # Theano's test_condition_hidden_inp: fn returns ([value, step], until(...)).
    max_value, n_steps = T.dscalar("max_value"), T.iscalar("n_steps")

    def accum(prev_value, step):
        new_value = prev_value + step
        return [new_value, step + 1], until(new_value > max_value)

    (values, steps), _ = scan(accum, outputs_info=[np.int64(0), np.int64(0)],
                              n_steps=n_steps)
    total, count = function([max_value, n_steps], [values, steps])(100, 100)
    assert total.tolist() == [0, 1, 3, 6, 10, 15, 21, 28, 36, 45, 55, 66, 78, 91, 105]
    assert count.tolist() == list(range(1, 16))


def test_outputs_empty_updates_and_until_as_theanos_three_part_return():
    # Theano's test_savemem_does_not_duplicate_number_of_scan_nodes: ([x], (), until(x)).
    start = T.dscalar("start")
    values, updates = scan(lambda x: ([x - 1], (), until(T.le(x - 1, 0))),
                           outputs_info=[start], n_steps=10)
    assert not updates
    assert function([start], values)(3.0).tolist() == [2.0, 1.0, 0.0]


def test_output_taps_must_be_earlier_steps_each_given_once():
    import graphlens
    x, y = T.fvector("x"), T.fvector("y")
    with pytest.raises(ValueError, match="must be negative"):
        graphlens.scan(lambda a, b: [a], x, {"initial": y, "taps": [0]})
    with pytest.raises(ValueError, match="repeat a step"):
        graphlens.scan(lambda a, b, c: [a], x, {"initial": y, "taps": [-1, -1]})
