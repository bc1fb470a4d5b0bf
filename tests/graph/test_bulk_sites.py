"""Variables built in bulk (grad, rewriting) keep the user's line without a stack walk each
(errors.BulkBuild), and an op's gradient written by the user is still sited in the user's code."""

import threading

import numpy as np

import graphlens.tensor as T
from graphlens import errors, function, grad
from graphlens.graph.basic import Apply, toposort
from graphlens.graph.op import Op

HERE = __file__


def _line_of(marker):
    with open(HERE) as source:
        for number, text in enumerate(source, start=1):
            if marker in text and "_line_of" not in text:
                return number
    raise AssertionError(marker)


class Twice(Op):
    """2 * x, with the user's own gradient (a test op)."""

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs):
        return [2 * inputs[0]]

    def grad(self, inputs, output_grads):
        return [output_grads[0] * 2.0]        # USER-GRAD-LINE


def test_gradient_nodes_name_the_grad_line_and_a_user_op_its_own_line():
    x = T.dvector("x")
    cost = T.sum(Twice()(T.tanh(x)))
    gx = grad(cost, x)                        # GRAD-LINE
    sites = {node.op.label: node.outputs[0].creation_site for node in toposort([gx])
             if node.outputs[0].creation_site is not None}
    grad_line = (HERE, _line_of("# GRAD-LINE"))
    user_line = (HERE, _line_of("# USER-GRAD-LINE"))
    # The user's op's gradient (a Mul) is built in the user's grad method ...
    muls = [node for node in toposort([gx]) if node.op.label == "Mul"]
    assert [node.outputs[0].creation_site for node in muls].count(user_line) == 1
    # ... while graphlens's own gradient ops stand for the line that called grad.
    assert any(site == grad_line for site in sites.values())
    tanh_grads = [node for node in toposort([gx]) if node.outputs[0].creation_site == grad_line]
    assert tanh_grads, sites
    # Nothing is left behind once grad returns: the next variable walks the stack again.
    y = T.exp(x)                              # AFTER-LINE
    assert y.creation_site == (HERE, _line_of("# AFTER-LINE"))
    np.testing.assert_allclose(function([x], gx)(np.array([0.0, 1.0])),
                               2 * (1 - np.tanh([0.0, 1.0]) ** 2))


def test_bulk_build_restores_the_previous_frame_on_error_and_is_per_thread():
    marker = object()
    seen = []
    try:
        with errors.BulkBuild(marker):
            thread = threading.Thread(target=lambda: seen.append(errors.creation_frame()))
            thread.start()
            thread.join()
            assert errors.creation_frame() is marker
            raise ValueError("inside")
    except ValueError:
        pass
    assert seen and seen[0] is not marker      # another thread walks its own stack
    x = T.dscalar("x")                        # RESTORED-LINE
    assert x.creation_site == (HERE, _line_of("# RESTORED-LINE"))
