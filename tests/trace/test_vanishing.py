"""graphlens.trace.vanishing: blocked, partly blocked and disconnected parameters, with reasons."""

import time

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function, grad, shared
from graphlens.errors import ShapeError
from graphlens.gradient import disconnected_grad, straight_through, zero_grad
from graphlens.trace import Blocker, Finding, vanishing
from gallery_models import line_of, load


def test_sgn_autoencoder_report_names_sgn_its_line_and_the_straight_through_fix():
    model = load("sgn_autoencoder")
    report = vanishing(model.cost, model.params)
    line = line_of("sgn_autoencoder", "code = T.sgn(")
    (finding,) = report.findings
    assert finding.parameter == "W1" and finding.status == "blocked"
    (blocker,) = finding.blockers
    assert (blocker.title, blocker.op, blocker.kind) == ("sgn", "Sgn", "zero_gradient")
    assert blocker.where.endswith(f"sgn_autoencoder.py:{line}")
    assert blocker.expression == "sgn(X @ W1)"
    assert "straight_through(T.sgn(h), h)" in blocker.remedy
    assert report.flowing == ["W2"] and not report.clean


def test_sgn_autoencoder_report_text_is_exact():
    model = load("sgn_autoencoder")
    report = vanishing(model.cost, model.params)
    path = report.findings[0].where.rsplit(":", 1)[0]
    sgn_line = line_of("sgn_autoencoder", "code = T.sgn(")
    cost_line = line_of("sgn_autoencoder", "cost = ")
    w1_line = line_of("sgn_autoencoder", "W1 = shared(")
    expected = f"""\
Vanishing gradients of mean(sum(sqr(...), axis=1)) (cost built at {path}:{cost_line})
2 parameters: 1 blocked, 1 clean

W1 (float64[?, ?], built at {path}:{w1_line})
  BLOCKED: its gradient is identically zero. Every path from the cost is blocked by:
  1. sgn at {path}:{sgn_line}, in sgn(X @ W1)
     why: sgn is piecewise constant: its derivative is 0 wherever it exists
     fix: use the straight-through estimator: straight_through(T.sgn(h), h) (from
          graphlens.gradient) keeps sgn's value in the forward pass and passes the gradient of h
          backward; or a smooth surrogate such as T.tanh(k * h) with k around 5

Gradient flows on every path to: W2"""
    assert str(report) == expected
    assert str(vanishing(model.cost, model.params)) == expected     # deterministic


def test_fixed_autoencoder_is_clean_and_training_lowers_the_loss_and_moves_the_encoder():
    model = load("sgn_autoencoder_fixed")
    report = vanishing(model.cost, model.params)
    assert report.clean and report.findings == []
    assert str(report).endswith("clean: the gradient reaches all 2 parameters along every path "
                                "(W1, W2).")
    w1_before = model.W1.get_value()
    losses = [float(model.train(model.data_x)) for _ in range(100)]
    # A code bit near its threshold may flip back for a step (the estimator is biased), so the
    # typical loss of the last ten steps is compared, not the last one.
    settled = np.median(losses[-10:])
    assert settled < 0.01 * losses[0]
    assert np.abs(model.W1.get_value() - w1_before).max() > 1e-3
    # The decoder alone (the broken model, same data and initial weights) stalls far higher.
    broken = load("sgn_autoencoder")
    broken_losses = [float(broken.train(broken.data_x)) for _ in range(100)]
    assert broken_losses[0] == pytest.approx(losses[0], rel=1e-12)
    assert settled < 0.1 * np.median(broken_losses[-10:])


def test_broken_autoencoder_never_moves_its_encoder():
    model = load("sgn_autoencoder")
    w1_before = model.W1.get_value()
    for _ in range(20):
        model.train(model.data_x)
    np.testing.assert_array_equal(model.W1.get_value(), w1_before)


def test_int_labels_model_is_blocked_by_the_cast_to_int32_on_its_line():
    model = load("int_labels")
    report = vanishing(model.cost, model.params)
    assert [f.parameter for f in report.findings] == ["w", "b"]
    line = line_of("int_labels", "predicted = T.cast(")
    for finding in report.findings:
        (blocker,) = finding.blockers
        assert finding.status == "blocked"
        assert (blocker.title, blocker.kind) == ("cast to int32", "zero_gradient")
        assert blocker.where.endswith(f"int_labels.py:{line}")
        assert "keep a float dtype" in blocker.remedy
    # Both parameters share the blocker: the text lists them together, the cast once.
    assert str(report).count("1. cast to int32") == 1


def test_findings_are_dataclasses_with_data_fields():
    model = load("sgn_autoencoder")
    finding = vanishing(model.cost, model.params).findings[0]
    assert isinstance(finding, Finding) and isinstance(finding.blockers[0], Blocker)
    assert finding.variable is model.W1
    assert finding.blockers[0].node.op.label == "Sgn"


def test_rich_rendering_shows_the_blocker_and_fix():
    from rich.console import Console
    model = load("sgn_autoencoder")
    console = Console(record=True, width=100, color_system=None)
    console.print(vanishing(model.cost, model.params))
    text = console.export_text()
    assert "BLOCKED" in text and "sgn at " in text and "straight_through(T.sgn(h), h)" in text


def _param(name, shape=(3,)):
    return shared(np.linspace(-1, 1, int(np.prod(shape))).reshape(shape), name=name)


def test_partly_blocked_parameter_names_the_blocked_path_only():
    w = _param("w")
    cost = T.sum(w ** 2) + T.sum(T.round(w * 3))
    (finding,) = vanishing(cost, [w]).findings
    assert finding.status == "partly_blocked"
    assert [b.title for b in finding.blockers] == ["round"]
    assert "straight_through(T.round(x), x)" in finding.blockers[0].remedy


def test_switch_condition_blocks_a_parameter_that_only_chooses_a_branch():
    w = _param("w")
    cost = T.sum(T.switch(w, 1.0, -1.0))
    (finding,) = vanishing(cost, [w]).findings
    assert finding.status == "blocked"
    (blocker,) = finding.blockers
    assert (blocker.title, blocker.kind, blocker.input_index) == (
        "the condition of switch", "switch_condition", 0)


def test_relu_built_from_switch_and_comparison_masks_is_clean():
    w = _param("w")
    masked = T.switch(w > 0, w, 0) + w * (w > 0)
    assert vanishing(T.sum(masked), [w]).clean


def test_comparison_that_feeds_the_cost_blocks_it():
    w = _param("w")
    cost = T.mean(T.cast(w > 0, "float64"))
    (blocker,) = vanishing(cost, [w]).findings[0].blockers
    assert (blocker.title, blocker.op) == ("'>'", "Gt")
    assert "sigmoid(k * (a - b))" in blocker.remedy


def test_argmax_used_as_a_value_blocks():
    w = _param("w")
    cost = T.cast(T.argmax(w), "float64") * 1.0
    finding = vanishing(cost, [w]).findings[0]
    assert finding.status == "blocked" and finding.blockers[0].title == "argmax"


def test_zero_grad_disconnected_grad_and_consider_constant_are_blocks():
    a, b, c = _param("a"), _param("b"), _param("c")
    cost = T.sum(zero_grad(a)) + T.sum(disconnected_grad(b)) + T.sum(c * 2)
    report = vanishing(cost, [a, b, c], consider_constant=[c])
    kinds = {f.parameter: [(x.title, x.kind) for x in f.blockers] for f in report.findings}
    assert kinds == {"a": [("zero_grad", "gradient_stop")],
                     "b": [("disconnected_grad", "gradient_stop")],
                     "c": [("'*'", "constant")]}


def test_straight_through_forward_path_is_not_reported_when_the_surrogate_carries_it():
    w = _param("w")
    assert vanishing(T.sum(straight_through(T.sgn(w), w)), [w]).clean
    other = _param("other")
    finding = vanishing(T.sum(straight_through(T.sgn(w), other)), [w]).findings[0]
    assert (finding.status, finding.blockers[0].kind) == ("blocked", "straight_through")


def test_product_with_constant_zero_blocks():
    w = _param("w")
    (blocker,) = vanishing(T.sum(w * 0), [w]).findings[0].blockers
    assert blocker.kind == "constant_zero"


def test_shape_only_use_is_reported_when_it_is_the_only_use():
    w = _param("w")
    finding = vanishing(T.cast(w.shape[0], "float64") * 1.0, [w]).findings[0]
    assert finding.status == "blocked" and finding.blockers[0].kind == "shape"
    assert vanishing(T.sum(w) / T.cast(w.shape[0], "float64"), [w]).clean


def test_disconnected_and_integer_parameters():
    w, unused = _param("w"), _param("unused")
    counts = shared(np.arange(3), name="counts")
    report = vanishing(T.sum(w * counts), [w, unused, counts])
    statuses = {f.parameter: f.status for f in report.findings}
    assert statuses == {"unused": "disconnected", "counts": "integer"}
    assert "DISCONNECTED" in str(report) and "INTEGER" in str(report)


def test_cost_must_be_a_scalar():
    w = _param("w")
    with pytest.raises(ShapeError, match="must be a scalar"):
        vanishing(w * 2, [w])


def test_report_agrees_with_the_evaluated_gradient():
    w, v = _param("w"), _param("v")
    cost = T.sum(T.sgn(w) * v) + T.sum(T.floor(v))
    report = vanishing(cost, [w, v])
    gw, gv = function([], grad(cost, [w, v]))()
    assert report.finding(w).status == "blocked" and not np.any(gw)
    assert report.finding(v).status == "partly_blocked" and np.any(gv)


def test_a_100000_node_chain_is_analysed_in_linear_time(long_chain):
    w, cost = long_chain
    start = time.perf_counter()
    report = vanishing(cost, [w])
    elapsed = time.perf_counter() - start
    (blocker,) = report.findings[0].blockers
    assert blocker.title == "sgn" and elapsed < 5


def test_switch_passes_the_gradient_into_its_branches():
    # The LSTM tutorial's dropout: switch(use_noise, h * mask, h * 0.5) with a float scalar
    # shared flag. Only the condition is blocked; W learns through both branches.
    W = shared(np.ones((3, 3)), name="W")
    x = T.dmatrix("x")
    use_noise = shared(np.asarray(0.0), name="use_noise")
    h = T.dot(x, W)
    cost = T.switch(use_noise, h * 2, h * 0.5).sum()
    report = vanishing(cost, [W])
    assert report.clean and report.flowing == ["W"]
    np.testing.assert_allclose(function([x], grad(cost, W))(np.ones((2, 3))),
                               np.full((3, 3), 1.0))
    # The condition itself, when it is what the cost depends on, is blocked, with its reason.
    c = shared(np.asarray(0.3), name="c")
    blocked = vanishing(T.switch(c > 0, x, -x).sum() + T.switch(c, 1.0, 2.0), [c])
    assert not blocked.clean
    assert any("condition of switch" in b.title for b in blocked.finding(c).blockers)
