"""Name scopes: explicit tagging and nesting, inference from the user's code, gradients and
rewrites keeping the scope of what they stand for (graphlens/graph/scopes.py)."""

import pickle

import numpy as np
import pytest

import graphlens
import graphlens.tensor as T
from graphlens import function, grad, name_scope, scope_of, shared
from graphlens.graph.basic import toposort
from graphlens.graph.scopes import current_scope, is_backward
from tests.models import deep_mlp_source, run_model


def build_layers(count):
    """Run the model source as `graphlens show` runs a model file: its code is new each time,
    so its calls are numbered from 1 (a class imported from a library keeps counting, as
    Keras's layer names do)."""
    namespace = run_model(deep_mlp_source(count, width=3), "model_under_test.py")
    return namespace["x"], namespace["layers"]


def test_name_scope_tags_every_variable_and_apply_built_inside_and_nests():
    x = T.dvector("x")
    with name_scope("encoder"):
        a = T.exp(x)
        with name_scope("layer1"):
            b = T.tanh(a) * 2.0
            assert current_scope() == "encoder/layer1"
        c = b + 1.0
    d = c - 1.0
    assert scope_of(a) == "encoder"
    assert [scope_of(node) for node in toposort([b])] == ["encoder", "encoder/layer1",
                                                          "encoder/layer1"]
    assert scope_of(c) == "encoder"
    # Outside the scopes, the scope is inferred: this test function built them.
    assert scope_of(d) == scope_of(x) == (
        "test_name_scope_tags_every_variable_and_apply_built_inside_and_nests")


def test_a_bad_scope_name_is_refused():
    with pytest.raises(ValueError, match="a scope name"):
        name_scope("a b")


def test_a_method_called_several_times_gives_one_numbered_scope_per_call():
    x, layers = build_layers(4)
    assert [scope_of(layer.output) for layer in layers] == [
        "HiddenLayer", "HiddenLayer_2", "HiddenLayer_3", "HiddenLayer_4"]
    assert [scope_of(layer.W) for layer in layers] == [scope_of(layer.output) for layer in layers]
    # Every op of a layer is in its call's scope: Dot, the bias's DimShuffle, Add, Tanh.
    second = [node for node in toposort([layers[1].output]) if scope_of(node) == "HiddenLayer_2"]
    assert sorted(type(node.op).__name__ for node in second) == ["Add", "DimShuffle", "Dot",
                                                                 "Tanh"]


def test_name_with_a_slash_is_its_scope_and_explicit_scope_prefixes_it():
    W = shared(np.zeros(2), name="layer1/W")
    assert scope_of(W) == "layer1"
    with name_scope("enc"):
        V = shared(np.zeros(2), name="layer2/V")
    assert scope_of(V) == "enc/layer2"


def test_gradient_ops_take_the_scope_of_the_forward_node_marked_backward():
    x, layers = build_layers(3)
    cost = layers[-1].output.sum()
    grads = grad(cost, [layer.W for layer in layers])
    assert [scope_of(g) for g in grads] == ["HiddenLayer", "HiddenLayer_2", "HiddenLayer_3"]
    assert all(is_backward(g) for g in grads)
    backward = [node for node in toposort(grads) if is_backward(node)]
    # The sum's gradient is in the scope of the code that built the sum: this test.
    assert {scope_of(node) for node in backward} == {"HiddenLayer", "HiddenLayer_2",
                                                     "HiddenLayer_3", scope_of(cost)}
    assert not any(is_backward(node) for node in toposort([cost]))


def test_compiled_graph_keeps_scopes_through_cloning_and_rewrites():
    x, layers = build_layers(2)
    f = function([x], layers[-1].output)
    scopes = {scope_of(node) for node in f.fgraph.apply_nodes}
    assert scopes == {"HiddenLayer", "HiddenLayer_2"}


def test_scope_tags_survive_pickling():
    x, layers = build_layers(2)
    copy = pickle.loads(pickle.dumps(layers[1].output))
    assert scope_of(copy) == "HiddenLayer_2"


def test_name_scope_is_exported_at_top_level():
    assert graphlens.name_scope is name_scope and graphlens.scope_of is scope_of


def test_nodes_of_one_call_share_one_tag_object():
    # Recording is one look-up per variable: no per-variable tag objects to build or keep.
    y = T.dscalar("y")
    for _ in range(2_000):
        y = y + 1.0
    tags = {id(node.outputs[0].scope) for node in toposort([y])}
    assert len(tags) == 1
    assert scope_of(y) == "test_nodes_of_one_call_share_one_tag_object"
