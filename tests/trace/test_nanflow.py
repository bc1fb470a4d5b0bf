"""The NaN flow: the birthplace (finite inputs, non-finite output) told apart from the nodes
that carry the value on, forward and backward (trace/nanflow.py), and drawn apart
(render/nan_overlay.py)."""

import re

import numpy as np

import graphlens.tensor as T
from graphlens import shared
from graphlens.render.nan_overlay import BIRTH_STYLE, CARRIED_STYLE, GRADIENT_BIRTH_STYLE
from graphlens.render.trace_overlay import SUSPECT_BORDER, trace_dot
from graphlens.trace.nanflow import nan_flow
from graphlens.trace.stats import gradient_stats


def _entropy_model():
    x = T.dmatrix("x")
    w = shared(np.ones(3), name="w")
    p = T.sqr(x * w)
    p.name = "p"
    logp = T.log(p)
    cost = (p * logp).sum()
    # Two of the six entries are 0: log(0) = -inf forward; backward d(p log p)/dp = log p + 1
    # is -inf there, and sqr's gradient 2 u g = 0 * -inf = NaN carries it on to w.
    batch = np.array([[1.0, 0.0, 0.5], [0.0, 2.0, 3.0]])
    return x, w, p, logp, cost, {x: batch}


def test_forward_birth_is_the_log_and_the_rest_only_carry_it():
    x, w, p, logp, cost, inputs = _entropy_model()
    with np.errstate(all="ignore"):
        flow = nan_flow(cost, inputs)
    forward = [birth for birth in flow.births if birth.direction == "forward"]
    assert [birth.variable for birth in forward] == [logp]
    assert forward[0].op == "Log"
    assert forward[0].counts == "2 -inf (of 6 values)"
    assert forward[0].where.endswith("test_nanflow.py:" + str(_line_of("logp = T.log(p)")))
    # p * log(p) (0 * -inf = NaN) and the sum only pass it on.
    assert [var.owner.op.label for var in flow.carried] == ["Mul", "Sum{axis=(0, 1)}"]
    assert logp not in flow.carried and p not in flow.carried


def test_backward_birth_is_p_whose_readers_gradients_are_finite():
    x, w, p, logp, cost, inputs = _entropy_model()
    with np.errstate(all="ignore"):
        stats = gradient_stats(cost, [w], inputs)
        flow = nan_flow(cost, inputs, stats)
    backward = [birth for birth in flow.births if birth.direction == "backward"]
    assert [birth.variable for birth in backward] == [p]
    assert set(backward[0].op.split(", ")) == {"Mul", "Log"}
    # Upstream of p the gradient only carries it: x * w, the broadcast w and w itself.
    assert w in flow.carried_gradient
    assert [var.owner.op.label for var in flow.carried_gradient if var.owner] == [
        "DimShuffle{x,0}", "Mul"]
    assert p not in flow.carried_gradient


def test_finite_run_has_no_flow():
    x, w, p, logp, cost, _ = _entropy_model()
    flow = nan_flow(cost, {x: np.ones((2, 3))})
    assert not flow and flow.births == []


def test_the_picture_draws_the_birthplace_apart_from_its_propagation():
    x, w, p, logp, cost, inputs = _entropy_model()
    with np.errstate(all="ignore"):
        text = trace_dot(cost, [w], inputs=inputs)
    ops = {match[0]: match[1] for match in
           re.findall(r'^\s*\w+ \[(?=.*class="op")(.*label="(\w+)[^"]*".*)\];$', text, re.M)}
    by_op = {label: attrs for attrs, label in ((a, ops[a]) for a in ops)}
    log, mul = by_op["Log"], by_op["Mul"]
    assert f'fillcolor="{BIRTH_STYLE["fillcolor"]}"' in log
    assert "NaN/Inf born here:\\n2 -inf (of 6 values)\\nat " in log
    assert f'fillcolor="{CARRIED_STYLE["fillcolor"]}"' in mul
    assert BIRTH_STYLE["fillcolor"] not in mul
    # Carriers are not outlined as suspects in the birthplace's red.
    assert f'color="{SUSPECT_BORDER["color"]}", penwidth="{SUSPECT_BORDER["penwidth"]}"' \
        not in mul
    assert f'color="{GRADIENT_BIRTH_STYLE["color"]}"' in by_op["Sqr"]
    assert "NaN/Inf born here (forward)" in text and "carries the NaN/Inf on" in text


def _line_of(text):
    with open(__file__, encoding="utf-8") as handle:
        return next(number for number, line in enumerate(handle, 1) if text in line)
