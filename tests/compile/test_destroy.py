"""The user's own in-place ops (Theano's accept_inplace): refused by default, and when
accepted, run after every other reader of the value they overwrite."""

import numpy as np
import pytest

import graphlens
import graphlens.tensor as T
from graphlens import In, function
from graphlens.errors import InconsistencyError


class DoubleInPlace(graphlens.Op):
    """Doubles its input's array and returns it (Theano-style, with a destroy_map)."""

    __props__ = ()
    destroy_map = {0: [0]}

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return graphlens.Apply(self, [x], [x.type()])

    def perform(self, node, inputs, output_storage):
        (x,) = inputs
        x *= 2
        output_storage[0][0] = x


def test_an_in_place_op_is_refused_without_accept_inplace():
    x = T.dvector("x")
    with pytest.raises(TypeError, match="must not contain in-place operations: DoubleInPlace "
                                        r"\(built at tests/compile/test_destroy.py:\d+\)"):
        function([x], DoubleInPlace()(T.exp(x)))


@pytest.mark.parametrize("reader_first", [True, False])
def test_other_readers_run_before_the_overwrite(reader_first):
    x = T.dvector("x")
    h = T.exp(x)
    doubled, total = DoubleInPlace()(h) * 3, T.sum(h) * 5
    outputs = [total, doubled] if reader_first else [doubled, total]
    f = function([x], outputs, accept_inplace=True)
    values = dict(zip(["total", "doubled"] if reader_first else ["doubled", "total"],
                      f(np.zeros(2))))
    # sum(exp(0)) read before the doubling: 2 * 5, not 4 * 5.
    assert float(values["total"]) == 10.0
    np.testing.assert_array_equal(values["doubled"], [6.0, 6.0])
    labels = [node.op.label for node in f.vm.nodes]
    assert labels.index("Sum{axis=0}") < labels.index("DoubleInPlace")


def test_an_input_the_users_op_overwrites_is_given_up_to_it_as_in_theano():
    # Theano's Supervisor left an input the user's own in-place op destroys unprotected: the
    # argument's array is written into, as with In(x, mutable=True).
    x, y = T.dvectors("x", "y")
    value = np.ones(2)
    result = function([x], DoubleInPlace()(x), accept_inplace=True)(value)
    np.testing.assert_array_equal(value, [2.0, 2.0])
    assert np.shares_memory(result, value)
    value = np.ones(2)
    function([In(x, mutable=True)], DoubleInPlace()(x), accept_inplace=True)(value)
    np.testing.assert_array_equal(value, [2.0, 2.0])
    # One array for two arguments, one of them overwritten: that one is copied first, so the
    # other argument's value is the caller's.
    both = function([x, y], [DoubleInPlace()(x), y * 1.0], accept_inplace=True)
    value = np.ones(2)
    doubled, other = both(value, value)
    np.testing.assert_array_equal(doubled, [2.0, 2.0])
    np.testing.assert_array_equal(other, [1.0, 1.0])
    np.testing.assert_array_equal(value, [1.0, 1.0])


def test_what_no_order_makes_safe_is_refused():
    x = T.dvector("x")
    w = graphlens.shared(np.ones(2), name="w")
    with pytest.raises(InconsistencyError, match="would overwrite 'w'.*a shared variable"):
        function([], DoubleInPlace()(w), accept_inplace=True)
    h = T.exp(x)
    with pytest.raises(InconsistencyError, match="overwrites a value that Add .* reads, and "
                                                 "that reader needs the overwriting op's"):
        function([x], DoubleInPlace()(h) + h, accept_inplace=True)
