"""What Theano programs read off a compiled loop: `Scan.fn` (the compiled step, whose
`maker.fgraph` lists the step's nodes as they run)."""

import numpy as np

import graphlens
import graphlens.tensor as T
from graphlens import function
from graphlens.scan_module.scan_op import Scan


def _scan_node(f):
    return next(node for node in f.maker.fgraph.toposort() if isinstance(node.op, Scan))


def test_scan_fn_is_the_compiled_step_the_loop_runs():
    h0 = T.dvector("h0")
    W = T.dmatrix("W")
    out, _ = graphlens.scan(lambda h, W: T.tanh(T.dot(h, W)), outputs_info=h0,
                            non_sequences=W, n_steps=3)
    f = function([h0, W], out)
    step = _scan_node(f).op.fn
    assert len(step.maker.fgraph.inputs) == 2 and len(step.maker.fgraph.outputs) == 1
    assert "Gemv" in {type(node.op).__name__ for node in step.maker.fgraph.toposort()}
    # the step function computes one step of the loop
    h, w = np.array([0.5, -1.0]), np.array([[1.0, 2.0], [0.5, -0.3]])
    np.testing.assert_allclose(step(h, w)[0], np.tanh(h @ w))
    np.testing.assert_allclose(f(h, w)[0], np.tanh(h @ w))
