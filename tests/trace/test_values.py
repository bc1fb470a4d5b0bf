"""trace/values.py and render/values_overlay.py: one evaluation, each node's value summarized."""

import numpy as np
import pytest

import graphlens
import graphlens.tensor as T
from graphlens.errors import MissingInputError
from graphlens.render.dot import to_dot
from graphlens.render.values_overlay import values_overlay
from graphlens.trace.values import value_summaries, value_summary


def test_a_summary_counts_min_max_mean_zeros_and_nans():
    summary = value_summary(np.array([[0.0, 2.0], [np.nan, 4.0], [0.0, -3.0]]))
    assert (summary.min, summary.max, summary.mean) == (-3.0, 4.0, 0.6)
    assert summary.zero_fraction == pytest.approx(2 / 6) and summary.nan_count == 1
    assert summary.shape == (3, 2) and summary.dtype == "float64"
    assert str(summary) == "min -3, max 4, mean 0.6, zeros 33%, NaN 1"
    assert str(value_summary(np.float32(0.5))) == "value 0.5"
    assert str(value_summary(np.full(3, np.nan))) == "all NaN (3)"
    assert str(value_summary(np.array([1, 0, 0, 3], "int32"))) == \
        "min 0, max 3, mean 1, zeros 50%, NaN 0"


def test_every_node_of_a_layer_is_summarized_from_example_inputs():
    x = T.dmatrix("x")
    W = graphlens.shared(np.array([[1.0, -1.0], [2.0, 0.0]]), name="W")
    pre = T.dot(x, W)
    out = T.maximum(pre, 0)
    summaries = value_summaries(out, {x: np.array([[1.0, 1.0], [-1.0, 0.0]])})
    # pre = [[3, -1], [-1, 1]]; relu = [[3, 0], [0, 1]]
    assert (summaries[pre].min, summaries[pre].max, summaries[pre].mean) == (-1, 3, 0.5)
    assert summaries[out].zero_fraction == 0.5 and summaries[out].mean == 1.0
    assert summaries[W].min == -1.0 and summaries[x].shape == (2, 2)


def test_test_values_serve_when_no_example_is_given_and_nans_are_counted():
    x = T.dvector("x", test_value=np.array([-1.0, 1.0, np.e]))
    y = T.log(x)
    summary = value_summaries(y)[y]
    assert summary.nan_count == 1 and (summary.min, summary.max) == (0.0, 1.0)


def test_a_compiled_function_is_summarized_before_and_after_its_rewrites():
    x = T.dmatrix("x")
    W = graphlens.shared(np.full((3, 2), 0.5), name="W")
    f = graphlens.function([x], T.tanh(T.dot(x, W)) * 2)
    summaries = value_summaries(f, {x: np.ones((4, 3))})
    expected = 2 * np.tanh(1.5)
    for out in (f.fgraph_before.outputs[0], f.fgraph.outputs[0]):
        assert summaries[out].mean == pytest.approx(expected)
        assert summaries[out].shape == (4, 2)
    # An op that overwrote its input worked on a copy: the input's summary is intact.
    dot = [n for n in f.fgraph.toposort() if "Dot" in type(n.op).__name__][0]
    assert summaries[dot.outputs[0]].max == pytest.approx(1.5)


def test_a_missing_input_names_the_input_and_the_remedy():
    x = T.dmatrix("x")
    with pytest.raises(MissingInputError, match="'x'.*example_inputs.*x.tag.test_value"):
        value_summaries(T.exp(x))


def test_the_picture_writes_the_numbers_under_each_node_and_marks_nan_red():
    x = T.dvector("x")
    y = T.log(x)
    dot_text = to_dot(y, overlay=values_overlay(y, {x: np.array([-1.0, 1.0])}),
                      example_inputs={x: np.array([-1.0, 1.0])})
    log_line = next(line for line in dot_text.splitlines() if 'label="Log' in line)
    assert "Log\\nfloat64[2]\\nmin 0 max 0 mean 0\\nzeros 50% NaN 1" in log_line
    assert 'color="#d62728"' in log_line
    assert "value on the example: min 0, max 0, mean 0, zeros 50%, NaN 1" in log_line
    x_line = next(line for line in dot_text.splitlines() if 'label="x' in line)
    assert "min -1 max 1 mean 0" in x_line


def test_an_op_that_overwrites_its_input_never_touches_the_users_example():
    import dataclasses
    x = T.dvector("x")
    written = T.set_subtensor(x[0], 5.0)
    inplace = dataclasses.replace(written.owner.op, inplace=True)
    assert inplace.destroy_map
    result = inplace(*written.owner.inputs)
    example = np.array([1.0, 2.0, 3.0])
    summaries = value_summaries([result, x * 1.0], {x: example})
    np.testing.assert_array_equal(example, [1.0, 2.0, 3.0])
    assert summaries[result].max == 5.0 and summaries[x].max == 3.0
