"""On real models, every length static_shapes claims is the length one evaluation gives, and
with the model's example_inputs no length is left unknown (mlp, an RNN trained by BPTT)."""

import pytest

from graphlens.tensor.static_shape import static_shapes
from graphlens.trace.values import value_summaries

from tests.trace.gallery_models import load


@pytest.mark.parametrize("name", ["mlp", "elman_rnn"])
def test_known_shapes_are_the_evaluated_ones_and_none_is_left_open(name):
    model = load(name)
    inputs = dict(model.example_inputs)
    if name == "elman_rnn":
        inputs[model.lr] = 0.1
    for graph in (model.train.fgraph_before, model.train.fgraph):
        outputs = list(graph.outputs)
        known = static_shapes(outputs, inputs)
        evaluated = value_summaries(outputs, inputs)
        assert known.conflicts == {}
        checked = 0
        for var, shape in known.shapes.items():
            if var in evaluated and shape is not None:
                assert shape == evaluated[var].shape, (var, shape, evaluated[var].shape)
                checked += 1
        assert checked >= 25
