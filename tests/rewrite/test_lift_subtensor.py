"""f(a, b)[idx] -> f(a[idx], b[idx]) for an elementwise f read only through the index (Theano's
local_subtensor_lift): the cast of a whole label vector for each minibatch becomes a cast of
the minibatch's labels."""

import numpy as np

import graphlens.tensor as T
from graphlens import function, shared
from graphlens.compile.mode import Mode

NO_FUSION = Mode("FAST_RUN", exclude=("fusion",))


def _compiled(inputs, outputs, values):
    """The function without fusion (its nodes as the rules left them), checked against NONE."""
    f = function(inputs, outputs, mode=NO_FUSION)
    for got, want in zip(f(*values), function(inputs, outputs, mode="NONE")(*values)):
        np.testing.assert_allclose(got, want, rtol=1e-12)
    return f


def _kinds(f):
    return [type(node.op).__name__ for node in f.fgraph.toposort()]


def test_a_minibatch_of_cast_labels_casts_the_minibatch_only():
    labels = shared(np.arange(50_000, dtype="float64") % 10, name="labels")
    i = T.lscalar("i")
    train_y = T.cast(labels, "int32")
    y = T.ivector("y")
    f = function([i], y * 2, givens={y: train_y[i * 600:(i + 1) * 600]}, mode=NO_FUSION)
    np.testing.assert_array_equal(f(3), (np.arange(1800, 2400) % 10) * 2)
    (cast,) = [node for node in f.fgraph.toposort() if type(node.op).__name__ == "Cast"]
    # The cast reads the slice, not the 50,000 labels.
    assert type(cast.inputs[0].owner.op).__name__ == "Subtensor"
    assert cast.inputs[0].owner.inputs[0] is labels
    assert f.rewrite_log.counts()["lift_subtensor"] == 1


def test_inputs_of_the_result_shape_are_indexed_and_a_broadcast_constant_kept():
    x, z = T.dmatrices("x", "z")
    t = T.lscalar("t")
    data = [np.arange(12.0).reshape(3, 4), np.ones((3, 4)) * 0.5, 1]
    f = _compiled([x, z, t], [(T.tanh(x) * z + 2.0)[t, 1:]], data)
    assert _kinds(f).count("Subtensor") == 2        # x[t, 1:] and z[t, 1:]
    assert f.fgraph.outputs[0].owner.op.__class__.__name__ != "Subtensor"
    np.testing.assert_allclose(f(*data)[0], np.tanh(data[0][1, 1:]) * 0.5 + 2.0)


def test_a_value_read_elsewhere_or_broadcast_on_some_axes_is_not_lifted():
    x = T.dmatrix("x")
    v = T.dvector("v")
    h = T.exp(x)
    values = [np.arange(6.0).reshape(2, 3), np.array([1.0, 2.0, 3.0])]
    # exp(x) is an output too: computing it twice (whole and indexed) would cost more.
    f = _compiled([x], [h[0], h], values[:1])
    assert "lift_subtensor" not in f.rewrite_log.counts()
    # x + v broadcasts v along the rows: v[1:, :2] would be wrong (v has one row).
    g = _compiled([x, v], [(x + v)[1:, :2]], values)
    assert "lift_subtensor" not in g.rewrite_log.counts()
    np.testing.assert_allclose(g(*values)[0], (values[0] + values[1])[1:, :2])
