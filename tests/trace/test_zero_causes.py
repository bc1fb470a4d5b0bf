"""A zero gradient: an op that blocks it (structural) or the batch's values (trace/zeros.py),
each with its own remedy, and no hint that sends the user to a tool that reports clean."""

import numpy as np

from graphlens.trace.stats import gradient_stats
from graphlens.trace.vanishing import vanishing

from tests.cli.conftest import SGN, run_cli, write_model  # noqa: F401 (fixtures)

ZERO_OUTPUT_MLP = """\
    import numpy as np
    import graphlens.tensor as T
    from graphlens import shared

    rng = np.random.default_rng(0)
    x = T.dmatrix("x")
    y = T.ivector("y")
    W = shared(rng.normal(0, 0.5, (4, 5)), name="W")
    b = shared(np.zeros(5), name="b")
    V = shared(np.zeros((5, 3)), name="V")       # the output layer starts at zero
    c = shared(np.zeros(3), name="c")
    params = [W, b, V, c]
    hidden = T.tanh(T.dot(x, W) + b)
    p_y = T.nnet.softmax(T.dot(hidden, V) + c)
    cost = -T.mean(T.log(p_y)[T.arange(y.shape[0]), y])
    example_inputs = {x: rng.normal(size=(8, 4)), y: np.arange(8, dtype="int32") % 3}
"""


def test_zero_output_weights_are_named_as_the_value_cause(write_model, run_cli):
    result = run_cli("trace", "--stats", write_model(ZERO_OUTPUT_MLP))
    assert result.exit_code == 0, result.stderr
    flat = " ".join(result.stdout.split())
    # The static tracer is clean: the hint must not send the user there.
    assert "graphlens.trace.vanishing names the op" not in flat
    for name in ("W", "b"):
        assert (f"zero gradient: {name} at model.py:" in flat), flat
    assert ("its gradient is exactly 0: value zero: V is all zeros, so `... @ V` passes no "
            "gradient back to tanh(x @ W + b[None, :])") in flat
    assert "fix: initialise V with small random values" in flat


def test_the_static_tracer_is_clean_on_that_model(write_model):
    namespace = {}
    exec(compile(open(write_model(ZERO_OUTPUT_MLP)).read(), "model.py", "exec"), namespace)
    assert vanishing(namespace["cost"], namespace["params"]).findings == []


def test_a_blocking_op_is_named_as_the_structural_cause(write_model):
    namespace = {}
    exec(compile(open(write_model(SGN)).read(), "model.py", "exec"), namespace)
    x = [var for var in namespace.values() if getattr(var, "name", None) == "X"][0]
    stats = gradient_stats(namespace["cost"], namespace["params"],
                           {x: np.random.default_rng(1).normal(size=(5, 3))})
    zero = [s for s in stats.suspects if s.kind == "zero_gradient"]
    assert [s.subject for s in zero] == ["W_enc"]
    assert zero[0].message.startswith("its gradient is exactly 0: structural zero: sgn at "
                                      "model.py:9 blocks it for every input")
    assert "straight_through" in zero[0].message


def test_dead_relu_units_are_named_as_the_value_cause():
    import graphlens.tensor as T
    from graphlens import shared
    x = T.dmatrix("x")
    W = shared(np.ones((3, 2)), name="W")
    b = shared(np.full(2, -100.0), name="b")
    v = shared(np.ones(2), name="v")
    cost = T.sum(T.dot(T.nnet.relu(T.dot(x, W) + b), v))
    stats = gradient_stats(cost, [W, b, v], {x: np.ones((4, 3))})
    messages = {s.subject: s.message for s in stats.suspects if s.kind == "zero_gradient"}
    assert set(messages) == {"W", "b", "v"}
    assert "value zero: every unit of relu(" in messages["W"]
    assert "leaky relu" in messages["b"]
    # v reads the dead units: the same cause, not "initialise relu(...)".
    assert "value zero: every unit of relu(" in messages["v"]
