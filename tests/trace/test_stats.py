"""graphlens.trace.gradient_stats: per-node statistics on a real batch, and ranked suspects."""

import warnings

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import function, grad, shared
from graphlens.trace.stats import array_stats, gradient_stats
from gallery_models import line_of, load


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def test_deep_sigmoid_saturation_is_flagged_layer_by_layer_with_numpy_fractions():
    model = load("deep_sigmoid")
    report = gradient_stats(model.cost, model.params, model.example_inputs)
    layer, expected = model.data_x, []
    for index in range(model.depth):
        layer = _sigmoid(layer @ model.params[2 * index].get_value()
                         + model.params[2 * index + 1].get_value())
        expected.append(np.mean(np.abs(2 * layer - 1) >= 0.99))
    saturated = [node.saturated for node in report.nodes if node.op == "Sigmoid"]
    np.testing.assert_allclose(saturated, expected, rtol=0, atol=1e-12)
    assert min(expected) > 0.5
    kinds = [s.kind for s in report.suspects]
    assert kinds == ["saturated"] * model.depth
    line = line_of("deep_sigmoid", "layer = T.nnet.sigmoid(")
    assert all(s.where.endswith(f"deep_sigmoid.py:{line}") for s in report.suspects)
    assert report.suspects[0].score == max(expected)       # most saturated first


def test_saturation_thresholds_are_parameters():
    model = load("deep_sigmoid")
    strict = gradient_stats(model.cost, model.params, model.example_inputs,
                            saturated_fraction=0.95)
    assert [s.kind for s in strict.suspects] == []
    loose = gradient_stats(model.cost, model.params, model.example_inputs, saturation=0.5)
    assert all(a.saturated > b.saturated for a, b in zip(
        [n for n in loose.nodes if n.op == "Sigmoid"],
        [n for n in strict.nodes if n.op == "Sigmoid"]))


def test_dead_relu_units_are_counted_over_the_batch():
    model = load("dead_relu")
    report = gradient_stats(model.cost, model.params, model.example_inputs)
    pre = model.data_x @ model.W1.get_value() + model.b1.get_value()
    dead = int(np.sum(np.all(pre <= 0, axis=0)))
    (relu,) = [node for node in report.nodes if node.op == "Relu"]
    assert (relu.dead_units, relu.units) == (dead, 64) and dead > 40
    (suspect,) = report.suspects
    assert suspect.kind == "dead_units" and suspect.score == dead / 64
    assert suspect.where.endswith(f"dead_relu.py:{line_of('dead_relu', 'hidden = T.nnet.relu(')}")
    assert f"{dead} of 64 units" in suspect.message


def test_parameter_gradient_statistics_match_the_compiled_gradient():
    model = load("dead_relu")
    report = gradient_stats(model.cost, model.params, model.example_inputs)
    gradients = function([model.x, model.y], grad(model.cost, model.params))(
        model.data_x, model.data_y)
    for stats, value in zip(report.parameters, gradients):
        assert stats.gradient.norm == pytest.approx(np.linalg.norm(value), rel=1e-12)
        assert stats.gradient.max_abs == pytest.approx(np.abs(value).max(), rel=1e-12)
        assert stats.gradient.zero_fraction == np.mean(value == 0)
    assert report.cost_value == pytest.approx(float(function(
        [model.x, model.y], model.cost)(model.data_x, model.data_y)), rel=1e-12)


def test_sgn_autoencoder_encoder_gradient_is_exactly_zero_and_ranked_first():
    model = load("sgn_autoencoder")
    report = gradient_stats(model.cost, model.params, model.example_inputs)
    first = report.suspects[0]
    assert (first.kind, first.subject) == ("zero_gradient", "W1")
    assert report.node(model.W1).gradient.zero_fraction == 1.0
    assert report.node(model.W2).gradient.norm > 0


def test_nan_values_are_the_most_serious_suspects():
    model = load("nan_log")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        report = gradient_stats(model.cost, model.params, model.example_inputs)
    assert report.suspects[0].kind == "nonfinite"
    assert "where it is born: trace.nan_flow" in report.suspects[0].message


def test_exploding_gradient_and_its_threshold():
    x = T.dvector("x")
    w = shared(np.full(3, 50.0), name="w")
    cost = T.sum(T.exp(x * w))
    inputs = {x: np.array([0.1, 0.2, 0.3])}
    report = gradient_stats(cost, [w], inputs)
    assert {(s.kind, s.subject) for s in report.suspects} == {("exploding", "w"),
                                                              ("exploding", "x * w")}
    assert report.node(w).gradient.max_abs == pytest.approx(0.3 * np.exp(15), rel=1e-12)
    assert not gradient_stats(cost, [w], inputs, exploding=1e9).suspects


def test_vanishing_parameter_gradient_relative_to_the_largest():
    x = T.dvector("x")
    big, tiny = shared(1.0, name="big"), shared(1.0, name="tiny")
    cost = T.sum(x * big) + 1e-9 * T.sum(x * tiny)
    report = gradient_stats(cost, [big, tiny], {x: np.ones(4)})
    (suspect,) = report.suspects
    assert (suspect.kind, suspect.subject) == ("vanishing", "tiny")


def test_a_shared_variable_in_inputs_is_replaced_for_this_evaluation_only():
    x = T.dvector("x")
    w = shared(np.ones(2), name="w")
    cost = T.sum(T.tanh(x * w))
    report = gradient_stats(cost, [w], {x: np.array([1.0, 2.0]), w: np.array([0.0, 0.0])})
    assert report.cost_value == 0.0
    assert report.node(w).gradient.norm == pytest.approx(np.sqrt(5), rel=1e-12)
    np.testing.assert_array_equal(w.get_value(), [1.0, 1.0])


def test_healthy_model_has_no_suspects_and_the_text_has_its_tables():
    x = T.dmatrix("x")
    w = shared(np.array([[0.3, -0.2], [0.1, 0.4]]), name="w")
    cost = T.sqr(T.tanh(T.dot(x, w))).mean()
    report = gradient_stats(cost, [w], {x: np.array([[0.5, -1.0], [1.0, 0.2]])})
    assert report.suspects == []
    text = str(report)
    assert text.splitlines()[0].startswith("Gradient statistics of mean(sqr(tanh(...))) = ")
    assert "No suspects" in text
    assert "  parameter  grad norm  max |grad|  grad zeros  value norm" in text
    assert "tanh(x @ w)" in text and "saturated" in text


def test_rich_rendering_lists_suspects():
    from rich.console import Console
    model = load("dead_relu")
    console = Console(record=True, width=120, color_system=None)
    console.print(gradient_stats(model.cost, model.params, model.example_inputs))
    text = console.export_text()
    assert "dead units" in text and "grad norm" in text


def test_array_stats_ignores_non_finite_entries_in_norms():
    stats = array_stats(np.array([3.0, 0.0, np.nan, -4.0]))
    assert (stats.norm, stats.max_abs, stats.zero_fraction, stats.nonfinite) == (5.0, 4.0,
                                                                                   0.25, 1)


def test_watched_variables_walks_a_100000_node_chain(long_chain):
    from graphlens.trace.stats import watched_variables
    w, cost = long_chain
    watched = watched_variables(cost, [w])
    # sgn, the 100,000 tanh and the sum, in graph order.
    assert len(watched) == 100_002
    assert watched[0].owner.op.label == "Sgn" and watched[-1] is cost


def test_a_missing_input_is_named():
    from graphlens.errors import MissingInputError
    model = load("dead_relu")
    with pytest.raises(MissingInputError, match=r"gradient_stats: the cost depends on 'y' "
                                                 r"\(float64\[\?, \?\], built at .*dead_relu.py:"):
        gradient_stats(model.cost, model.params, {model.x: model.data_x})
