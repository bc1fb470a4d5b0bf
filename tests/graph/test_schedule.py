"""The evaluation schedule: topological, short branches before long ones, deterministic."""

import numpy as np

import graphlens.tensor as T
from graphlens import function, grad, shared
from graphlens.graph.basic import toposort
from graphlens.graph.schedule import schedule


def _is_topological(order):
    seen = set()
    for node in order:
        if any(var.owner is not None and var.owner not in seen for var in node.inputs):
            return False
        seen.add(node)
    return True


def test_a_short_branch_runs_before_a_long_one():
    x = T.dvector("x")
    a = T.exp(x)
    long_branch = T.tanh(T.tanh(T.tanh(a)))
    short_branch = T.sum(a)
    depth_first = toposort([long_branch, short_branch])
    assert [n.op.label for n in depth_first] == ["Exp", "Tanh", "Tanh", "Tanh", "Sum{axis=0}"]
    order = schedule(depth_first)
    assert [n.op.label for n in order] == ["Exp", "Sum{axis=0}", "Tanh", "Tanh", "Tanh"]
    assert _is_topological(order)


def test_consumers_run_right_after_their_producer():
    x = T.dvector("x")
    left = T.exp(T.sin(x))          # depth first would compute both sines first
    right = T.log(T.cos(x))
    order = schedule(toposort([left + right]))
    assert [n.op.label for n in order] == ["Sin", "Exp", "Cos", "Log", "Add"]


def _training_step():
    rng = np.random.default_rng(0)
    x, y = T.dmatrix("x"), T.lvector("y")
    params = [shared(rng.standard_normal((4, 5)), name="W0"),
              shared(rng.standard_normal((5, 3)), name="W1")]
    cost = T.nnet.categorical_crossentropy(
        T.nnet.softmax(T.dot(T.tanh(T.dot(x, params[0])), params[1])), y).mean()
    updates = [(p, p - 0.1 * g) for p, g in zip(params, grad(cost, params))]
    return function([x, y], cost, updates=updates), params


def test_a_training_step_updates_each_layer_before_back_propagating_further():
    step, _ = _training_step()
    order = step.fgraph.schedule()
    assert _is_topological(order)
    labels = [n.op.label for n in order]
    # W1's update comes right after its gradient, before the delta of the layer below.
    w1_update = next(i for i, n in enumerate(order) if n.outputs[0] is step.fgraph.outputs[2])
    delta = labels.index("Dot22{transpose_b=True}")
    assert labels[w1_update - 1] == "Dot22{transpose_a=True}"
    assert w1_update < delta


def test_the_schedule_is_the_same_on_every_build_and_gives_numpy_values():
    first, params = _training_step()
    second, _ = _training_step()
    assert [n.op.label for n in first.fgraph.schedule()] == \
        [n.op.label for n in second.fgraph.schedule()]
    data = np.random.default_rng(1).standard_normal((6, 4))
    labels = np.array([0, 1, 2, 0, 1, 2])
    w0, w1 = (p.get_value() for p in params)
    hidden = np.tanh(data @ w0)
    scores = hidden @ w1
    probs = np.exp(scores - scores.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    expected = -np.log(probs[np.arange(6), labels]).mean()
    np.testing.assert_allclose(first(data, labels), expected, rtol=1e-12)
    delta = probs.copy()
    delta[np.arange(6), labels] -= 1
    delta /= 6
    np.testing.assert_allclose(params[1].get_value(), w1 - 0.1 * hidden.T @ delta, rtol=1e-12)
    back = (delta @ w1.T) * (1 - hidden ** 2)
    np.testing.assert_allclose(params[0].get_value(), w0 - 0.1 * data.T @ back, rtol=1e-12)



def test_a_value_of_the_inputs_alone_is_computed_when_needed_not_first():
    x, w = T.dvectors("x", "w")
    late = T.exp(w)                 # read only by the last node of a long chain
    chain = T.tanh(T.tanh(T.tanh(x)))
    order = schedule(toposort([chain * late]))
    assert [n.op.label for n in order] == ["Tanh", "Tanh", "Tanh", "Exp", "Mul"]
