"""scan with n_steps=1 runs fn once on the first step's values, with no loop node (Theano's scan
did the same): the results must equal the first row of a real loop's results."""

import warnings

import numpy as np
import pytest

import graphlens
import graphlens.tensor as T
from graphlens.errors import GraphlensWarning
from graphlens.scan.op import Scan


def _loop_nodes(f):
    return [node for node in f.maker.fgraph.toposort() if isinstance(node.op, Scan)]


def test_narrower_literal_initial_state_takes_the_step_dtype():
    # Theano's test_mintap_onestep: outputs_info=0 (int8) with an int32 step.
    seq = T.ivector("seq")
    sums, _ = graphlens.scan(lambda s, prev: prev + s, sequences=dict(input=seq, taps=[2]),
                             outputs_info=0, n_steps=1)
    f = graphlens.function([seq], sums)
    out = f(np.arange(20).astype("int32"))
    assert out.dtype == np.int32
    assert out.tolist() == [2]


def test_a_real_loop_still_refuses_the_upcast_with_theanos_value_error():
    seq = T.ivector("seq")
    with pytest.raises(ValueError, match="int8.*int32"):
        graphlens.scan(lambda s, prev: prev + s, sequences=seq, outputs_info=0, n_steps=3)
    with pytest.raises(TypeError):        # graphlens's own class is kept for its users
        graphlens.scan(lambda s, prev: prev + s, sequences=seq, outputs_info=0, n_steps=3)


@pytest.mark.parametrize("go_backwards", [False, True])
def test_one_step_equals_the_first_row_of_a_longer_loop(go_backwards):
    x = T.dmatrix("x")
    h0 = T.dvector("h0")
    past = T.dmatrix("past")
    W = T.dmatrix("W")

    def step(x_prev, x_next, h, p3, p1, W):
        new_h = T.tanh(T.dot(h, W) + x_next - x_prev)
        return new_h, p3 * 0.5 + p1, (new_h * 2).sum()

    def run(n):
        outs, _ = graphlens.scan(
            step, sequences=dict(input=x, taps=[-1, 1]),
            outputs_info=[h0, dict(initial=past, taps=[-3, -1]), None],
            non_sequences=W, n_steps=n, go_backwards=go_backwards)
        return graphlens.function([x, h0, past, W], outs)

    rng = np.random.default_rng(0)
    values = (rng.normal(size=(6, 3)), rng.normal(size=3), rng.normal(size=(3, 3)),
              rng.normal(size=(3, 3)))
    one, three = run(1), run(3)
    assert not _loop_nodes(one) and _loop_nodes(three)
    for got, want in zip(one(*values), three(*values)):
        assert got.shape == (1,) + want.shape[1:]
        np.testing.assert_allclose(got, want[:1], rtol=1e-12)


def test_one_step_output_axis_is_not_broadcastable():
    h0 = T.dvector("h0")
    out, _ = graphlens.scan(lambda h: h * 2, outputs_info=h0, n_steps=1)
    assert out.broadcastable == (False, False)
    assert graphlens.function([h0], out)(np.array([1.0, 2.0])).tolist() == [[2.0, 4.0]]


def test_one_step_gradient_matches_a_longer_loops_first_step():
    h0 = T.dvector("h0")
    W = T.dmatrix("W")

    def cost(n):
        hs, _ = graphlens.scan(lambda h, W: T.tanh(T.dot(h, W)), outputs_info=h0,
                               non_sequences=W, n_steps=n)
        return (hs[0] ** 2).sum()

    grads = [graphlens.function([h0, W], T.grad(cost(n), W)) for n in (1, 4)]
    rng = np.random.default_rng(1)
    h, w = rng.normal(size=3), rng.normal(size=(3, 3))
    np.testing.assert_allclose(grads[0](h, w), grads[1](h, w), rtol=1e-12)


def test_one_step_returns_fn_updates_and_ignores_until_with_a_warning():
    counter = graphlens.shared(np.int64(5), name="counter")
    h0 = T.dscalar("h0")

    def step(h):
        return h + 1, {counter: counter + 10}, graphlens.scan_module.until(h > -100)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out, updates = graphlens.scan(step, outputs_info=h0, n_steps=1)
    assert any(issubclass(w.category, GraphlensWarning) and "until" in str(w.message)
               for w in caught)
    f = graphlens.function([h0], out, updates=updates)
    assert f(1.5).tolist() == [2.5]
    assert int(counter.get_value()) == 15
