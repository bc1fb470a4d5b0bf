"""graphlens/tensor/plain_node.py: Elemwise.make_node's common case (literals, all-ones shapes)
builds exactly the node the general path builds, and inside a shared build reuses constants."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens.errors import GraphlensTypeError
from graphlens.graph.op import SharedBuild, shared_op
from graphlens.tensor.compare import Maximum
from graphlens.tensor.math import Mul, Sub
from graphlens.tensor.plain_node import plain_node
from graphlens.tensor.elemwise import DTYPE_KINDS


def typed(dtype, *shape):
    return T.TensorType(dtype, shape)()


# (op, inputs, output type, [(constant's dtype, shape, weak, value)] of the literal inputs)
CASES = [
    # An int literal meeting float64 takes float64 and is no longer weak.
    (Sub, lambda: (1, typed("float64", None)), ("float64", (None,)),
     [("float64", (1,), False, 1.0)]),
    # 0.5 is a float32 literal: meeting float32 it keeps its dtype and stays weak.
    (Mul, lambda: (typed("float32", None, 3), 0.5), ("float32", (None, 3)),
     [("float32", (1, 1), True, 0.5)]),
    # An int tensor times 0.5: the upcast is float64, the int input is left as it is.
    (Mul, lambda: (typed("int64", None), 0.5), ("float64", (None,)),
     [("float64", (1,), False, 0.5)]),
    # Rank 0: nothing to pad.
    (Sub, lambda: (2, typed("float64")), ("float64", ()), [("float64", (), False, 2.0)]),
    # All ones beside another shape of the same rank: that shape, in either order.
    (Mul, lambda: (typed("float64", 1, 1), typed("float64", None, 4)), ("float64", (None, 4)),
     []),
    (Mul, lambda: (typed("float64", None, 4), typed("float64", 1, 1)), ("float64", (None, 4)),
     []),
]


@pytest.mark.parametrize("op_class, make_inputs, out_type, literals", CASES)
def test_plain_node_builds_the_general_paths_node(op_class, make_inputs, out_type, literals):
    inputs = make_inputs()
    node = plain_node(shared_op(op_class), inputs, DTYPE_KINDS)
    out = node.outputs[0]
    assert (out.dtype, out.type.shape) == out_type
    made = [v for v, given in zip(node.inputs, inputs) if not isinstance(given, T.TensorVariable)]
    assert [(v.dtype, v.data.shape, v.weak, float(v.data.ravel()[0])) for v in made] == literals
    # The general path (the same op called on the same inputs) agrees on every type.
    general = shared_op(op_class)(*inputs).owner
    assert [v.type for v in general.inputs] == [v.type for v in node.inputs]
    assert [getattr(v, "weak", None) for v in general.inputs] == \
        [getattr(v, "weak", None) for v in node.inputs]
    assert general.outputs[0].type == out.type


@pytest.mark.parametrize("inputs", [
    lambda: (typed("float64", None), typed("float64", None, None)),      # ranks differ
    lambda: (typed("float64", 3, 1), typed("float64", 1, 4)),           # a real broadcast
    lambda: (typed("float64", None), T.constant(2)),                    # a weak constant
    lambda: (typed("float64", None), 2 ** 70),                          # fits no dtype
    lambda: (3, 4),                                                     # no tensor at all
])
def test_plain_node_leaves_the_rest_to_the_general_path(inputs):
    assert plain_node(shared_op(Mul), inputs(), DTYPE_KINDS) is None


def test_a_real_broadcast_still_broadcasts_through_make_node():
    x, y = T.TensorType("float64", (3, 1))(), T.TensorType("float64", (1, 4))()
    assert (x * y).type.shape == (3, 4)
    np.testing.assert_array_equal((x * y).eval({x: np.ones((3, 1)), y: np.full((1, 4), 2.0)}),
                                  np.full((3, 4), 2.0))


def test_plain_node_refuses_a_dtype_the_op_is_not_defined_for():
    # Sub refuses bools: the general path raises, naming the op.
    x, y = typed("bool", None), typed("bool", 1)
    assert plain_node(shared_op(Sub), (x, y), DTYPE_KINDS) is None
    with pytest.raises(GraphlensTypeError, match="Sub at .* is not defined for bool"):
        x - y


def test_inside_a_shared_build_a_literal_reuses_the_kept_constant():
    y, z = T.dvector("y"), T.dvector("z")
    with SharedBuild():
        first, second = (1 - y).owner.inputs[0], (1 - z).owner.inputs[0]
    assert first is second and first.dtype == "float64" and first.data.shape == (1,)
    # Outside one, each use is its own constant (as in Theano), sharing only the data.
    third, fourth = (1 - y).owner.inputs[0], (1 - z).owner.inputs[0]
    assert third is not fourth and third.data is fourth.data


def test_switch_of_a_literal_branch_pads_it_once_and_computes():
    x = T.dvector("x")
    chosen = T.switch(x > 0, 0, x)
    zero = chosen.owner.inputs[1]
    assert (zero.dtype, zero.data.shape, zero.weak) == ("float64", (1,), False)
    assert zero.owner is None
    np.testing.assert_array_equal(chosen.eval({x: np.array([-1.0, 2.0])}), [-1.0, 0.0])
    assert Maximum()(x, x).owner.inputs == [x, x]


def test_switch_of_python_values_only_pads_its_literals_like_the_condition():
    # No input is a tensor until make_node converts them: the literals take the list's rank.
    chosen = T.switch([True, False], 1, 0)
    one = chosen.owner.inputs[1]
    assert (chosen.dtype, one.dtype, one.data.shape, one.weak) == ("int8", "int8", (1,), False)
    np.testing.assert_array_equal(chosen.eval(), [1, 0])
    np.testing.assert_array_equal(T.switch(False, 2.5, 0).eval(), 0.0)
