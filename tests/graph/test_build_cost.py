"""What building a graph costs per node (issue #23): slots instead of per-variable dicts, one
stack walk per op call, shared literal data; and that the walks used by compiling keep their
order on DAGs with shared and several-output nodes."""

import gc
import pickle
import random
import sys

import numpy as np

import graphlens.tensor as T
from graphlens import config, function
from graphlens.graph.basic import Apply, ancestors, graph_inputs, toposort
from graphlens.graph.op import Op
from graphlens.graph.scopes import scope_of

HERE = __file__


class Split(Op):
    """(x + 1, x - 1): a test op with two outputs, defined outside graphlens (a user's op)."""

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return Apply(self, [x], [x.type(), x.type()])

    def perform(self, node, inputs):
        return [inputs[0] + 1, inputs[0] - 1]

    def __eq__(self, other):
        return type(other) is Split

    def __hash__(self):
        return hash(Split)


def test_variables_and_applies_keep_their_fields_in_slots_not_a_dict():
    x = T.dscalar("x")
    y = x + 1.0
    node = y.owner
    # Slots, not an instance dict: the full collector passes over a big graph touch one block
    # of memory per object (vars() makes the dict on demand: it holds only what is not a slot).
    assert vars(y) == {} and vars(node) == {} and vars(node.inputs[1]) == {}
    # Theano code still sets what it likes on a variable, and its tag.
    y.my_note = "kept"
    y.tag.test_value = np.float64(2.0)
    assert vars(y) == {"my_note": "kept"} and float(y.tag.test_value) == 2.0
    copy = pickle.loads(pickle.dumps(y))
    assert (copy.name, copy.my_note, copy.creation_site, float(copy.tag.test_value)) == (
        None, "kept", y.creation_site, 2.0)
    assert copy.owner.inputs[1].weak is False and copy.owner.op == node.op


def test_a_chain_of_additions_holds_five_tracked_objects_per_node_and_shares_literals():
    x = T.dscalar("x")
    y = x
    gc.collect()
    before = len(gc.get_objects())
    for _ in range(2000):
        y = y + 1.0
    gc.collect()
    per_node = (len(gc.get_objects()) - before) / 2000
    # The output, the node, its input and output lists, and the constant 1.0.
    assert per_node < 5.1, per_node
    constants = [node.inputs[1] for node in toposort([y])]
    assert len({id(c) for c in constants}) == 2000          # one constant per use, as Theano
    assert len({id(c.data) for c in constants}) == 1        # ... sharing one read-only array
    assert constants[0].data.dtype == np.float64 and not constants[0].data.flags.writeable
    assert function([x], y)(0.5) == 2000.5


def test_literals_keep_their_sign_and_follow_floatx():
    zero, minus_zero = T.constant(0.0), T.constant(-0.0)
    assert np.signbit(minus_zero.data) and not np.signbit(zero.data)
    assert zero.dtype == "float32" and T.constant(0.1).dtype == "float64"
    with config.change_flags(floatX="float32"):
        assert T.constant(0.1).dtype == "float32"
    assert T.constant(300).dtype == "int16" and T.constant(2 ** 40).dtype == "int64"
    f = T.fscalar("f")
    assert (f + 0.1).dtype == "float64" and (f + 2.5).dtype == "float32"
    # A literal the user holds is copied, never retyped under them, when it meets a float64.
    two = T.constant(2.0)
    d = T.dscalar("d") * two
    assert two.dtype == "float32" and two.weak and d.owner.inputs[1].dtype == "float64"


def test_one_op_call_sites_all_its_variables_once_at_the_users_line():
    x = T.dvector("x")
    y = x + 1.0; line = sys._getframe().f_lineno  # noqa: E702 (the line of y, on purpose)
    constant = y.owner.inputs[1]
    assert y.creation_site == (HERE, line)
    assert constant.creation_site is y.creation_site          # one tuple for the call
    # A user's op (its make_node in the user's file) is sited where it is used, too.
    a, b = Split()(x); line = sys._getframe().f_lineno  # noqa: E702
    assert a.creation_site == b.creation_site == (HERE, line)
    # A variable made after an op call walks again: nothing is left over from the call.
    z = T.dscalar("z"); line = sys._getframe().f_lineno  # noqa: E702
    assert z.creation_site == (HERE, line)


def test_scopes_are_still_inferred_per_call_of_the_users_function():
    class Layer:
        def __init__(self, inp):
            self.out = T.tanh(inp * 2.0) + 1.0

    x = T.dvector("x")
    first, second = Layer(x), Layer(x)
    assert (scope_of(first.out), scope_of(second.out)) == ("Layer", "Layer_2")
    assert scope_of(second.out.owner.inputs[1]) == scope_of(second.out)


def _random_dag(seed, size=60):
    rng = random.Random(seed)
    x, w = T.dvector("x"), T.dvector("w")
    pool = [x, w, T.constant(np.ones(3))]
    for _ in range(size):
        kind = rng.random()
        if kind < 0.2:
            pool.extend(Split()(rng.choice(pool)))
        elif kind < 0.5:
            pool.append(T.exp(rng.choice(pool[-8:])))
        else:
            pool.append(rng.choice(pool) + rng.choice(pool))
    return rng.sample(pool[3:], 4)


def _reference_toposort(outputs):
    order, done = [], set()

    def visit(node):                     # the definition: depth first, inputs in order
        if node in done:
            return
        done.add(node)
        for var in node.inputs:
            if var.owner is not None:
                visit(var.owner)
        order.append(node)
    for out in outputs:
        if out.owner is not None:
            visit(out.owner)
    return order


def test_toposort_and_graph_inputs_keep_their_order_on_dags_with_two_output_nodes():
    for seed in range(30):
        outputs = _random_dag(seed)
        assert toposort(outputs) == _reference_toposort(outputs)
        assert graph_inputs(outputs) == [v for v in ancestors(outputs) if v.owner is None]


def test_compiling_does_not_warn_again_for_float64_variables_it_copies():
    x = T.dvector("x")
    y = T.exp(x) * 2.0
    with config.change_flags(warn_float64="raise"):
        # Compiling copies the graph: nothing the user made is made anew. (Rewrites do make
        # float64 variables of their own, a fused kernel's inner inputs: mode NONE runs none.)
        f = function([x], y, mode="NONE")
    np.testing.assert_allclose(f([0.0, 1.0]), 2 * np.exp([0.0, 1.0]))


def test_common_ops_give_their_outputs_one_shared_type_object():
    x, W = T.dmatrix("x"), T.dmatrix("W")
    made = [(T.dot(x, W), T.dot(W, x)), (x.dimshuffle(1, 0), W.T), (T.sum(x, axis=0), W.sum(0)),
            (T.argmax(x, axis=1), T.argmax(W, axis=1)), (x + 1.0, W * 2.0)]
    for a, b in made:
        # Types compare by value; sharing one object spares the collector one per node.
        assert a.type == b.type and a.type is b.type, (a, b)
    assert str(made[0][0].type) == "float64[?, ?]"
