"""tensor/static_shape.py: each variable's known shape from declared lengths, test values,
shared values and example inputs, through each op's own make_node; types stay as declared."""

from dataclasses import dataclass

import numpy as np

import graphlens
import graphlens.tensor as T
from graphlens import config
from graphlens.tensor.static_shape import static_shapes
from graphlens.scan_module import until
from graphlens.graph.basic import Apply
from graphlens.graph.op import Op
from graphlens.tensor.type import TensorType


def test_shapes_flow_from_a_test_value_and_shared_values_through_every_layer():
    x = T.dmatrix("x", test_value=np.zeros((256, 784)))
    W = graphlens.shared(np.zeros((784, 100)), name="W")
    b = graphlens.shared(np.zeros(100), name="b")
    h = T.tanh(T.dot(x, W) + b)
    out = T.nnet.softmax(T.dot(h, graphlens.shared(np.zeros((100, 10)))))
    known = static_shapes(out)
    assert known.shape(x) == (256, 784) and known.shape(W) == (784, 100)
    assert known.shape(h) == (256, 100)
    assert known.type_text(out) == "float64[256, 10]"
    assert known.conflicts == {}
    # The types themselves keep only what was declared.
    assert x.type.shape == (None, None) and out.type.shape == (None, None)


def test_example_inputs_count_before_test_values():
    x = T.dmatrix("x", test_value=np.zeros((2, 3)))
    y = x.sum(axis=0)
    assert static_shapes(y).shape(y) == (3,)
    assert static_shapes(y, {x: np.zeros((9, 5))}).shape(y) == (5,)


def test_declared_lengths_are_kept_without_any_value():
    x = TensorType("float32", (None, 784))("x")
    y = T.exp(x).sum(axis=1)
    known = static_shapes([y])
    assert known.shape(y) == (None,) and known.type_text(x) == "float32[?, 784]"
    assert known.type_text(T.dscalar()) == "float64"


def test_shape_arithmetic_is_evaluated_so_a_reshape_keeps_its_lengths():
    x = T.dmatrix("x", test_value=np.zeros((6, 20)))
    r = T.reshape(x, (x.shape[0], 4, -1))
    flat = T.flatten(r, 2)
    known = static_shapes(flat)
    assert known.shape(r) == (6, 4, 5)
    assert known.shape(flat) == (6, 20)


def test_computed_test_values_give_their_exact_shapes():
    x = T.dvector("x", test_value=np.arange(5.0))
    with config.change_flags(compute_test_value="raise"):
        kept = x[x > 2]                     # a length no static rule knows
    assert static_shapes(kept).shape(kept) == (2,)


def test_a_node_whose_known_shapes_do_not_fit_is_a_conflict_naming_its_line():
    x = T.dmatrix("x", test_value=np.zeros((5, 20)))
    W2 = graphlens.shared(np.zeros((30, 10)), name="W2")
    h2 = T.dot(x, W2)  # CONFLICT
    after = T.tanh(h2)
    known = static_shapes(after)
    (node,) = known.conflicts
    assert node is h2.owner
    line = next(n for n, text in enumerate(open(__file__), 1)
                if text.rstrip().endswith("# CONFLICT"))
    message = known.conflicts[node]
    assert f"test_static_shape.py:{line}" in message
    assert "float64[5, 20], float64[30, 10]" in message and "Dot" in message
    # Downstream keeps its declared shape rather than a guess.
    assert known.shape(after) == (None, None)


def test_broadcastable_axes_stretch_and_unknown_lengths_stay_unknown():
    row = T.drow("row")                     # declared (1, ?)
    m = T.dmatrix("m", test_value=np.zeros((4, 3)))
    total = row + m
    known = static_shapes(total, {row: np.zeros((1, 3))})
    assert known.shape(total) == (4, 3)
    assert static_shapes(row + T.dmatrix()).shape(row + T.dmatrix()) == (None, None)


def test_a_hundred_thousand_node_chain_is_walked_without_recursion():
    x = T.dvector("x", test_value=np.zeros(3))
    y = x
    for _ in range(100_000):
        y = -y
    assert static_shapes(y).shape(y) == (3,)


def test_a_fused_op_takes_its_lengths_from_its_arguments():
    x = T.dmatrix("x")
    W = graphlens.shared(np.ones((4, 3)), name="W")
    f = graphlens.function([x], T.tanh(T.dot(x, W)) * 2)
    (fused,) = [n for n in f.fgraph.toposort() if n.op.inner_graphs]
    assert fused.outputs[0].type.shape == (None, None)
    known = static_shapes(f.fgraph.outputs, {x: np.ones((5, 4))})
    assert known.shape(fused.outputs[0]) == (5, 3)


def test_a_loop_knows_its_steps_and_each_steps_lengths_from_its_inputs():
    x = T.dmatrix("x", test_value=np.zeros((12, 4)))
    U = graphlens.shared(np.zeros((4, 3)), name="U")
    W = graphlens.shared(np.zeros((3, 3)), name="W")
    h, _ = graphlens.scan(lambda x_t, h: T.tanh(T.dot(x_t, U) + T.dot(h, W)),
                          sequences=x, outputs_info=T.zeros(3))
    assert static_shapes(h).shape(h) == (12, 3)
    assert static_shapes(h, {x: np.zeros((7, 4))}).shape(h) == (7, 3)


def test_a_loop_that_may_stop_early_keeps_its_length_open():
    h0 = T.dscalar("h0")
    out, _ = graphlens.scan(lambda h: (h * 1.5, until(T.gt(h, 5.0))),
                            outputs_info=h0, n_steps=50)
    assert static_shapes(out, {h0: 1.0}).shape(out) == (None,)


def test_a_slice_up_to_a_known_length_keeps_it():
    x = T.dmatrix("x", test_value=np.zeros((12, 5)))
    head = x[:x.shape[0] - 2]
    assert static_shapes(head).shape(head) == (10, 5)
    assert head.type.shape == (None, None)


def test_a_test_value_set_on_an_intermediate_counts_though_its_inputs_are_unknown():
    x = T.dvector("x")                      # no value: every input of `kept` is as declared
    kept = x[x > 2]
    kept.tag.test_value = np.zeros(2)
    after = T.exp(kept) + 1.0
    known = static_shapes(after)
    assert known.shape(x) == (None,)
    assert known.shape(kept) == (2,) and known.shape(after) == (2,)


def test_a_chain_with_nothing_known_keeps_every_declared_shape():
    x = TensorType("float64", (None, 3))("x")
    y = x
    for _ in range(50):
        y = T.tanh(y) + 1.0
    known = static_shapes(y)
    assert known.conflicts == {}
    assert known.type_text(y) == "float64[?, 3]"
    # Every variable of the walk is recorded, with its declared shape.
    assert len(known.shapes) == 1 + 50 * 3
    assert all(shape == var.type.shape for var, shape in known.shapes.items())


def test_only_nodes_whose_inputs_are_known_better_are_made_again(monkeypatch):
    from graphlens.tensor import static_shape
    made = []
    original = static_shape._Walk.make
    monkeypatch.setattr(static_shape._Walk, "make",
                        lambda walk, node, known: made.append(node) or original(walk, node, known))
    x = T.dvector("x")
    y = x
    for _ in range(200):
        y = T.tanh(y) * 2.0
    assert static_shapes(y).shape(y) == (None,) and made == []
    # With a value for x every node is known better: each distinct (op, shapes) is made once,
    # the 200 constants 2.0 (distinct objects, one value) included.
    assert static_shapes(y, {x: np.zeros(70)}).shape(y) == (70,)
    assert sorted(type(node.op).__name__ for node in made) == ["Mul", "Tanh"]


def test_constants_of_different_values_are_never_mistaken_for_one_another():
    x = T.dmatrix("x", test_value=np.zeros((10, 6)))
    halves, fifths = T.reshape(x, (2, -1)), T.reshape(x, (5, -1))
    known = static_shapes([halves, fifths])
    assert known.shape(halves) == (2, 30) and known.shape(fifths) == (5, 12)


@dataclass(frozen=True)
class Gather(Op):
    """An op holding a list (unhashable): its outputs' lengths come from it."""

    rows: list

    def make_node(self, v):
        v = T.as_tensor_variable(v)
        return Apply(self, [v], [TensorType(v.dtype, (len(self.rows),) + v.type.shape[1:])()])


def test_an_op_that_cannot_be_hashed_is_made_again_each_time():
    x = T.dmatrix("x", test_value=np.zeros((9, 4)))
    first, second = Gather([0, 2])(x), Gather([1, 2, 3])(x)
    known = static_shapes([first, second])
    assert known.shape(first) == (2, 4) and known.shape(second) == (3, 4)
    assert known.conflicts == {}
