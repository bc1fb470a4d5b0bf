"""Scope boxes in a focused picture of a training function: a layer's forward ops stay in its
box although the focus leaves out their other readers, scopes with nothing drawn get no box,
and "... read by N more ops" sits beside its op, not on a rank of its own."""

import numpy as np

import graphlens.tensor as T
from graphlens import function, grad, shared
from graphlens.render.dot import scene_to_dot
from graphlens.render.focus import Focus
from graphlens.render.framing import scene_of


class Layer:
    """tanh(x @ W + b), as the tutorials write a hidden layer (its scope: `Layer`, `Layer_2`)."""

    def __init__(self, x, n_in, n_out, rng):
        self.W = shared(rng.standard_normal((n_in, n_out)), name="W")
        self.b = shared(np.zeros(n_out), name="b")
        self.output = T.tanh(T.dot(x, self.W) + self.b)


def _train():
    """Two layers and their gradient step: the second layer's W is the focus."""
    rng = np.random.default_rng(0)
    x = T.dmatrix("x")
    first = Layer(x, 4, 3, rng)
    second = Layer(first.output, 3, 2, rng)
    cost = T.sum(second.output ** 2)
    params = [first.W, first.b, second.W, second.b]
    updates = [(p, p - 0.1 * g) for p, g in zip(params, grad(cost, params))]
    return function([x], cost, updates=updates, name="train")


def _boxes(scene):
    """{scope label: sorted labels' first lines of the nodes drawn directly in its box}."""
    label_of = {cluster.key: cluster.label for cluster in scene.clusters
                if cluster.kind == "scope"}
    boxes = {label: [] for label in label_of.values()}
    for node in scene.nodes:
        if node.cluster in label_of and node.kind != "stub":
            boxes[label_of[node.cluster]].append(node.label.split("\n")[0])
    return {label: sorted(members) for label, members in boxes.items()}


def scene_label(scene, key):
    return next(node.label.split("\n")[0] for node in scene.nodes if node.key == key)


def test_a_focused_layer_box_holds_its_forward_ops_whose_other_readers_are_left_out():
    scene = scene_of(_train(), stage="before", focus=Focus.around("W_2", hops=2))
    # The second layer's forward Dot and Add are in its box with W_2 (their other readers,
    # the Tanh and the gradient, are left out); the first layer's Tanh, read by that Dot, in
    # its own. No box for the scopes the focus draws nothing of (the first layer's W, b).
    # Scopes are numbered per call of Layer.__init__ in this process: compare their contents.
    assert sorted(_boxes(scene).values()) == [["Add", "Dot", "W_2"], ["Tanh"]]
    boxed = {cluster.key for cluster in scene.clusters if cluster.kind == "scope"}
    outside = sorted(node.label.split("\n")[0] for node in scene.nodes
                     if node.kind == "op" and node.cluster not in boxed)
    assert outside == ["DimShuffle{1,0}", "Dot", "Mul", "Sub"]
    # One hop: the step's Mul and the gradient are left out too; the Dot still is forward.
    near = scene_of(_train(), stage="before", focus=Focus.around("W_2", hops=1))
    assert sorted(_boxes(near).values()) == [["Dot", "W_2"]]


def test_a_picture_drawn_whole_keeps_each_layers_forward_ops_in_its_box():
    boxes = sorted(_boxes(scene_of(_train(), stage="before")).values())
    layer = ["Add", "DimShuffle{x,0}", "Dot", "Tanh"]
    # The two layers, and the builder's own box (the cost).
    assert boxes == [["2.0", "Pow", "Sum{axis=(0, 1)}", "x"], layer + ["W", "b"],
                     layer + ["W_2", "b_2"]]


def test_a_read_by_box_sits_on_its_ops_rank_in_its_ops_box():
    scene = scene_of(_train(), stage="after", focus=Focus.around("W_2", hops=2))
    cluster = {node.key: node.cluster for node in scene.nodes}
    kinds = {c.key: c.kind for c in scene.clusters}
    stubs = [edge for edge in scene.edges if edge.kind == "stub"]
    # Graphviz keeps a same-rank neighbour beside its op only inside one box: each box beside
    # a fused op's result (the tanh in place, the two gradient steps) is in that fused box.
    labels = sorted((scene_label(scene, edge.tail), scene_label(scene, edge.head))
                    for edge in stubs)
    assert labels == [("Mul", "... read by 1 more op"), ("Mul", "... read by 2 more ops"),
                      ("Tanh", "... read by 1 more op")]
    assert [kinds[cluster[edge.head]] for edge in stubs] == ["fused"] * 3
    assert all(cluster[edge.head] == cluster[edge.tail] for edge in stubs)
    dot = scene_to_dot(scene)
    for edge in stubs:
        line = next(line for line in dot.splitlines()
                    if line.strip().startswith(f"{edge.tail} -> {edge.head} "))
        assert 'minlen="0"' in line


def test_a_scope_box_says_whether_the_user_named_it_or_the_code_that_built_it():
    from graphlens.graph.scopes import name_scope
    with name_scope("enc"):
        x = T.dvector("x")
        h = T.tanh(x)
    rng = np.random.default_rng(1)
    layer = Layer(h.dimshuffle("x", 0), 3, 2, rng)
    scene = scene_of(T.sum(layer.output) + T.sum(h), stage="before")
    tooltips = {cluster.label: cluster.tooltip for cluster in scene.clusters
                if cluster.kind == "scope"}
    assert tooltips.pop("enc") == "name scope enc"
    # The layer's box, and this test's own (it built the sums): scopes of the code.
    assert len(tooltips) == 2 and any(label.startswith("Layer") for label in tooltips)
    for label, tooltip in tooltips.items():
        assert tooltip == (f"ops built by the code {label} (no name_scope): the forward ones "
                           f"(gradients and update steps stand outside the boxes)")
