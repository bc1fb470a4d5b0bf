"""Folding big pictures (render/fold.py): a box per scope with its counts and shapes, repeats
once with a count, expand, user fold rules, the scene contract for viewers, the default by
size, and the time budget's fallback to the folded summary (render/guard.py)."""

import time

import numpy as np
import pytest

from graphlens import config, function
from graphlens.errors import LayoutTimeoutError
from graphlens.render import guard
from graphlens.render.dot import to_dot
from graphlens.render.framing import scene_of
from graphlens.render.layout import render_dot
from tests.models import deep_mlp_source, run_model

# The output layer and the training step on the tutorial's hidden layers (tests/models.py).
TRAIN = """
def output_layer(h):
    V = shared(np.full((4, 2), 0.1), name="V")
    return T.nnet.softmax(T.dot(h, V)), V

p, V = output_layer(h)
cost = -T.log(p).sum()
params = [p for layer in layers for p in (layer.W, layer.b)] + [V]
grads = grad(cost, params)
updates = [(p, p - 0.1 * g) for p, g in zip(params, grads)]
"""


def deep_model(count):
    """The compiled training step of `count` hidden layers, run as a model file is run."""
    namespace = run_model(deep_mlp_source(count, tail=TRAIN), "deep_model.py")
    return function([namespace["x"]], namespace["cost"], updates=namespace["updates"],
                    name="train")


def folds_of(scene):
    return [cluster for cluster in scene.clusters if cluster.folded]


def fold_nodes(scene):
    return {node.info["title"]: node for node in scene.nodes if node.kind == "fold"}


def test_identical_layers_fold_into_one_box_with_a_count_and_the_first_apart():
    scene = scene_of(deep_model(6), stage="before", fold=True)
    boxes = fold_nodes(scene)
    # The first layer's gradient has no term for x: its structure differs from the others.
    assert sorted(boxes) == ["HiddenLayer", "HiddenLayer ×5", "output_layer"]
    repeat = boxes["HiddenLayer ×5"]
    assert repeat.info["count"] == 5
    assert repeat.info["scopes"] == [f"HiddenLayer_{k}" for k in range(2, 7)]
    # Per layer: Dot, DimShuffle(b), Add, Tanh forward; their gradient backward; the two
    # update steps (Mul, Sub per parameter) with them.
    backward = repeat.info["backward_ops"] // 5
    assert repeat.label.splitlines()[:3] == [
        "HiddenLayer ×5", "HiddenLayer_2, ..., HiddenLayer_6",
        f"4 ops + {backward} backward + 4 update each"]
    assert repeat.info["ops"] == 5 * (4 + backward + 4)
    assert repeat.info["update_ops"] == 5 * 4
    # Known lengths (the weights' current values) show, as in every other label.
    assert "in: float64[?, 4]" in repeat.label and "params: W, b" in repeat.label


def test_a_scopes_gradient_and_update_step_fold_inside_its_box():
    train = deep_model(3)
    scene = scene_of(train, stage="before", fold=True)
    ops = sum(len(cluster.members) for cluster in folds_of(scene))
    drawn = sum(1 for node in scene.nodes if node.kind == "op")
    # Every op is in some box except the module-level cost (Log, Sum, Neg) and its gradient.
    assert ops + drawn == len(train.fgraph_before.apply_nodes)
    assert sorted(node.info["title"] for node in scene.nodes if node.kind == "op") == [
        "DimShuffle{x,x}", "Log", "Neg", "Neg", "Second", "Sum{axis=(0, 1)}", "TrueDiv"]
    # No update edge is drawn from a layer to itself: its step is inside its box.
    assert not [edge for edge in scene.edges if edge.tail == edge.head]


def test_fold_is_a_scene_cluster_with_a_stable_key_and_its_members_walk_keys():
    train = deep_model(3)
    folded = scene_of(train, stage="before", fold=True)
    whole = scene_of(train, stage="before", fold=False, max_nodes=None)
    whole_keys = {node.key for node in whole.nodes}
    for cluster in folds_of(folded):
        assert cluster.kind == "fold" and cluster.key.startswith("cluster_b_fold")
        assert cluster.node in {node.key for node in folded.nodes}
        assert cluster.members and set(cluster.members) <= whole_keys
    again = scene_of(train, stage="before", fold=True)
    assert [(c.key, c.members) for c in folds_of(again)] == [
        (c.key, c.members) for c in folds_of(folded)]
    # DOT writes the box, not an empty cluster.
    dot = to_dot(train, stage="before", fold=True)
    assert "subgraph cluster_b_fold" not in dot and 'class="fold"' in dot


def test_expand_opens_one_scope_and_all_draws_every_op():
    train = deep_model(4)
    opened = scene_of(train, stage="before", expand=["HiddenLayer_3"])
    titles = sorted(fold_nodes(opened))
    assert titles == ["HiddenLayer", "HiddenLayer ×2", "output_layer"]
    scope_boxes = [c for c in opened.clusters if c.kind == "scope"]
    assert [c.label for c in scope_boxes] == ["HiddenLayer_3"]
    inside = [n for n in opened.nodes if n.cluster == scope_boxes[0].key and n.kind == "op"]
    repeat = fold_nodes(opened)["HiddenLayer ×2"]
    assert len(inside) == repeat.info["ops"] // 2
    assert {"Dot", "Tanh", "Add", "DimShuffle{x,0}"} <= {n.info["title"] for n in inside}
    everything = scene_of(train, stage="before", expand=["all"], max_nodes=None)
    assert not folds_of(everything)
    assert sum(1 for n in everything.nodes if n.kind == "op") == len(
        train.fgraph_before.apply_nodes)


def test_small_graphs_are_drawn_whole_and_big_ones_folded_by_the_threshold_flag():
    train = deep_model(2)
    count = len(train.fgraph_before.apply_nodes)
    with config.change_flags(fold_threshold=count):
        assert not folds_of(scene_of(train, stage="before"))
    with config.change_flags(fold_threshold=count - 1):
        scene = scene_of(train, stage="before")
        folded = sum(len(cluster.members) for cluster in folds_of(scene))
        assert folded > count - 8
        assert scene.notes == [f"folded: {folded} ops in 3 boxes; open one with --expand "
                               f"HiddenLayer (expand=['HiddenLayer']), all with --expand all"]
        assert scene.notes[0] in scene.title


def test_a_fold_rule_folds_each_matching_chain_into_a_labelled_block():
    forward = run_model(deep_mlp_source(3, tail=TRAIN), "deep_model.py")["h"]
    scene = scene_of(forward, fold_rules=[("Dense", ["Dot", "Add", "Tanh"])])
    blocks = [n for n in scene.nodes if n.kind == "fold"]
    assert [n.info["title"] for n in blocks] == ["Dense"] * 3
    # Each block holds Dot, Add, Tanh and the bias's DimShuffle, and nothing else is drawn.
    assert [n.info["ops"] for n in blocks] == [4, 4, 4]
    assert blocks[0].label.splitlines()[1] == "Dot -> DimShuffle -> Add -> Tanh"
    assert not [n for n in scene.nodes if n.kind == "op"]
    with pytest.raises(ValueError, match="has no op names"):
        scene_of(forward, fold_rules=[("Empty", [])])


def test_layout_over_its_budget_falls_back_to_the_folded_summary(monkeypatch):
    train = deep_model(4)
    laid_out = []

    def slow_for_big_pictures(dot_text, format="svg", backend=None, time_budget=None):
        laid_out.append(dot_text.count("class=\"op\""))
        if dot_text.count("class=\"op\"") > 20:
            raise LayoutTimeoutError(f"stopped after {time_budget} s")
        return b"<svg/>"

    monkeypatch.setattr(guard, "render_dot", slow_for_big_pictures)
    messages = []
    picture, scene = guard.draw(train, stage="before", expand=["all"], max_nodes=None,
                                time_budget=0.5, report=messages.append)
    assert picture == b"<svg/>"
    assert laid_out[0] == len(train.fgraph_before.apply_nodes) and laid_out[1] <= 20
    assert folds_of(scene)
    assert "did not lay out within 0.5 s: this is the folded summary" in scene.title
    assert "the full picture did not lay out within 0.5 s: drawing the folded summary " \
        "instead" in messages


def test_a_folded_picture_past_its_budget_falls_back_to_a_smaller_one(monkeypatch):
    # A picture that folding does not shrink (one scope of 600 ops here; a model of loops,
    # whose steps are drawn open, in life) must not be laid out again near its size: the
    # summary draws a quarter of its ops at most.
    import graphlens.tensor as T
    x = T.dvector("x")
    y = x
    for step in range(300):
        y = T.tanh(y) * (1.0 + step)
    train = function([x], y)
    laid_out = []

    def first_one_too_slow(dot_text, format="svg", backend=None, time_budget=None):
        laid_out.append(dot_text.count("class=\"op\""))
        if len(laid_out) == 1:
            raise LayoutTimeoutError(f"stopped after {time_budget} s")
        return b"<svg/>"

    monkeypatch.setattr(guard, "render_dot", first_one_too_slow)
    messages = []
    guard.draw(train, stage="before", max_nodes=1000, time_budget=0.5, report=messages.append)
    assert laid_out[0] == 600
    assert laid_out[1] == 600 // 4 < guard.FALLBACK_MAX_NODES



def test_a_real_layout_past_its_budget_is_stopped_not_waited_for():
    rng = np.random.default_rng(0)
    edges = "\n".join(f"n{i} -> n{rng.integers(i)};" for i in range(1, 6000))
    # Loading Graphviz's module (compiled once per cache, seconds on a cold one) is not layout.
    render_dot("digraph { a }", backend="wasm")
    start = time.perf_counter()
    with pytest.raises(LayoutTimeoutError, match="time budget of 0.3 s"):
        render_dot(f"digraph {{\n{edges}\n}}", backend="wasm", time_budget=0.3)
    assert time.perf_counter() - start < 3
    # The next picture lays out normally.
    assert render_dot("digraph { a -> b }", backend="wasm").startswith(b"<?xml")


ODD_LAYER = """
import numpy as np
import graphlens.tensor as T
from graphlens import function, grad, shared

class SgnLayer:
    def __init__(self, inp):
        self.W = shared(np.full((4, 4), 0.1), name="W")
        self.output = T.sgn(T.dot(inp, self.W))

class TanhLayer:
    def __init__(self, inp):
        self.W = shared(np.full((4, 4), 0.1), name="W")
        self.output = T.tanh(T.dot(inp, self.W))

x = T.dmatrix("x")
h, layers = x, []
for k in range(12):
    layers.append((SgnLayer if k == 5 else TanhLayer)(h))
    h = layers[-1].output
cost = T.sqr(h).mean()
params = [layer.W for layer in layers]
train = function([x], cost, updates=[(p, p - 0.1 * g) for p, g in zip(params, grad(cost, params))])
"""


def odd_layer_model():
    return run_model(ODD_LAYER, "odd_layer.py")


def test_repeats_merge_only_in_runs_so_arrows_follow_the_data():
    scene = scene_of(odd_layer_model()["train"], stage="before", fold=True)
    boxes = [node for node in scene.nodes if node.kind == "fold"]
    assert [(n.info["title"], n.info["scopes"][0], n.info["scopes"][-1]) for n in boxes] == [
        ("TanhLayer", "TanhLayer", "TanhLayer"),
        ("TanhLayer ×4", "TanhLayer_2", "TanhLayer_5"),
        ("SgnLayer", "SgnLayer", "SgnLayer"),
        ("TanhLayer_6", "TanhLayer_6", "TanhLayer_6"),
        ("TanhLayer ×5", "TanhLayer_7", "TanhLayer_11")]


def test_a_blocking_op_inside_a_folded_layer_styles_the_layers_box():
    from graphlens.render.findings import function_findings_overlay
    from graphlens.trace.vanishing import vanishing

    model = odd_layer_model()
    overlay = function_findings_overlay(model["train"], vanishing(model["cost"],
                                                                  model["params"]))
    scene = scene_of(model["train"], stage="before", fold=True, overlay=overlay)
    styled = {node.info["title"]: node.attrs.get("color") for node in scene.nodes
              if node.kind == "fold"}
    assert styled["SgnLayer"] is not None
    assert [title for title, color in styled.items() if color] == ["SgnLayer"]


# Weights made by a helper function (char-rnn ports, lstm.py's init_params), updated by an
# optimiser function: the helper's calls are no layers.
HELPER_WEIGHTS = """
import numpy as np
import graphlens.tensor as T
from graphlens import function, grad, shared

def shared_normal(shape, name):
    return shared(np.full(shape, 0.1), name=name)

def rmsprop(params, grads):
    updates = []
    for p, g in zip(params, grads):
        acc = shared(np.zeros(p.get_value().shape))
        acc_new = 0.9 * acc + 0.1 * g ** 2
        updates += [(acc, acc_new), (p, p - 0.01 * g / T.sqrt(acc_new + 1e-6))]
    return updates

W_a = shared_normal((3, 3), "W_a")
W_b = shared_normal((3, 3), "W_b")
W_c = shared_normal((3, 3), "W_c")
x = T.dmatrix("x")
h = x
for _ in range(20):
    h = T.tanh(T.dot(T.tanh(T.dot(h, W_a)), W_b) + T.dot(h, W_c))
cost = (h ** 2).sum()
params = [W_a, W_b, W_c]
updates = rmsprop(params, grad(cost, params))
"""


def test_weights_made_by_a_helper_are_drawn_by_name_not_folded_as_a_layer():
    namespace = run_model(HELPER_WEIGHTS, "helper_weights.py")
    train = function([namespace["x"]], namespace["cost"], updates=namespace["updates"],
                     name="train")
    scene = scene_of(train, stage="before", fold=True)
    # The optimiser folds (its steps); the helper's three calls are neither one repeated box
    # ("shared_normal ×3") nor three boxes around one weight each.
    assert sorted(fold_nodes(scene)) == ["rmsprop"]
    assert not [c for c in scene.clusters if "shared_normal" in c.label]
    named = {node.info.get("title") for node in scene.nodes if node.kind != "op"}
    assert {"W_a", "W_b", "W_c"} <= named
