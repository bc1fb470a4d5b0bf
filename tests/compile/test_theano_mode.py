"""Theano's Mode(linker=..., optimizer=...), graphlens.Param, graphlens.clone and
graphlens.printing: the names Theano programs use, with Theano's behaviour."""

import numpy as np
import pytest

import graphlens
import graphlens.tensor as T
from graphlens import Mode, Param, clone, function
from graphlens.errors import ConfigError, GraphlensTypeError


def _labels(f):
    return [node.op.label for node in f.fgraph.toposort()]


@pytest.mark.parametrize("optimizer, name", [
    (None, "NONE"), ("None", "NONE"), ("fast_compile", "FAST_COMPILE"), ("o1", "FAST_COMPILE"),
    ("fast_run", "FAST_RUN"), ("default", "FAST_RUN"), ("fast_run_stable", "FAST_RUN"),
])
def test_theano_optimizer_names_map_onto_graphlens_modes(optimizer, name):
    mode = Mode(linker="py", optimizer=optimizer)
    assert (mode.name, mode.linker) == (name, "py")


def test_optimizer_none_keeps_the_graph_and_fast_run_rewrites_it():
    x = T.dscalar("x")
    expr = T.log(T.nnet.sigmoid(x))
    plain = function([x], expr, mode=Mode(linker="c|py", optimizer=None))
    assert _labels(plain) == ["Sigmoid", "Log"]
    fast = function([x], expr, mode=graphlens.Mode(optimizer="fast_run"))
    assert "log_sigmoid_to_softplus" in fast.rewrite_log.counts()
    with np.errstate(divide="ignore"):
        assert float(plain(-800.0)) == -np.inf
    assert float(fast(-800.0)) == -800.0


def test_stabilize_optimizer_runs_the_stabilizing_phases_only():
    x = T.dvector("x")
    f = function([x], T.log(T.nnet.sigmoid(x)) + T.exp(x), mode=Mode(optimizer="stabilize"))
    assert "log_sigmoid_to_softplus" in f.rewrite_log.counts()
    assert not any(label.startswith("Composite") for label in _labels(f))   # no fusion


def test_theano_positional_mode_and_linker_only():
    assert Mode("c|py", "fast_compile") == Mode("FAST_COMPILE", linker="c|py")
    assert Mode(linker="cvm").name == "FAST_RUN"     # Theano's default optimizer
    x = T.dvector("x")
    f = function([x], x * 2, mode=Mode(linker="vm"))
    np.testing.assert_array_equal(f([1.0, 2.0]), [2.0, 4.0])


def test_unknown_linker_or_optimizer_names_the_known_ones():
    with pytest.raises(ConfigError, match=r"unknown linker 'gpu'.*cvm"):
        Mode(linker="gpu")
    with pytest.raises(ConfigError, match=r"unknown optimizer 'fastest'.*'fast_run'"):
        Mode(optimizer="fastest")


def test_param_is_theanos_in_with_a_default():
    x, y = T.dscalars("x", "y")
    f = function([x, Param(y, default=10.0)], x + y)
    assert f(1.0) == 11.0 and f(1.0, 2.0) == 3.0
    g = function([x, Param(y, default=1.0, name="offset")], x - y)
    assert g(5.0, offset=2.0) == 3.0


def test_clone_replaces_and_leaves_the_original_graph_alone():
    x, y = T.dscalars("x", "y")
    z = T.exp(x) * 2 + x
    swapped = clone(z, replace={x: y})
    assert float(function([y], swapped)(0.5)) == pytest.approx(np.exp(0.5) * 2 + 0.5)
    assert float(function([x], z)(0.0)) == 2.0
    pair = clone([z, x * 3], replace=[(x, y * 2)])
    assert [float(v) for v in function([y], pair)(1.0)] == pytest.approx([np.exp(2) * 2 + 2, 6])


def test_clone_shares_or_copies_the_inputs_and_checks_types():
    x = T.dvector("x")
    z = x * 2
    assert clone(z).owner.inputs[0] is x
    copied = clone(z, share_inputs=False)
    root = copied.owner.inputs[0]
    assert root is not x and root.type == x.type and root.name == "x"
    with pytest.raises(GraphlensTypeError, match="strict=True"):
        clone(z, replace={x: T.fvector("f")})
    loose = clone(x + x, replace={x: T.fvector("f")}, strict=False)
    assert loose.dtype == "float32"       # rebuilt by the op for the new type
    # Theano's types were dtype and broadcastable: a constant of known lengths replaces a
    # vector under strict=True (rnnrbm.py fixes a Gibbs sample so); a length-1 one does not.
    fixed = clone(z, replace={x: T.constant(np.array([1.0, 2.0, 3.0]))})
    assert fixed.type.shape == (3,) and list(fixed.eval()) == [2.0, 4.0, 6.0]
    with pytest.raises(GraphlensTypeError, match="strict=True"):
        clone(z, replace={x: T.constant(np.array([1.0]))})
    with pytest.raises(GraphlensTypeError, match="strict=True"):
        clone(z, replace={x: T.dmatrix("m")})


def test_printing_module_is_theanos_path_to_the_printers():
    import graphlens.printing as printing
    from graphlens.render.debugprint import debugprint
    from graphlens.render.picture import pydotprint
    assert printing.pp is graphlens.pp and printing.pprint is printing.pp
    assert printing.debugprint is debugprint and printing.pydotprint is pydotprint
    x = T.dscalar("x")
    assert printing.pp(x * 2) == "x * 2.0"


def test_an_optdb_query_rewrites_a_function_graph_in_place():
    # Theano's optdb.query(OPT_FAST_RUN).optimize(fgraph), used to optimize a graph by hand.
    import graphlens.tensor as T
    from graphlens.compile import mode as compile_mode
    from graphlens.gof import FunctionGraph
    from graphlens.gof.optdb import Query
    from graphlens.tensor.nnet import Softmax
    x = T.dmatrix("x")
    fgraph = FunctionGraph([x], [T.exp(x) / T.exp(x).sum(axis=1).dimshuffle(0, "x")])
    compile_mode.optdb.query(compile_mode.OPT_FAST_RUN).optimize(fgraph)
    assert [type(node.op) for node in fgraph.toposort()] == [Softmax]
    assert Query(include=["fast_run"]).excluding("inplace").exclude == ("inplace",)
    simplified = FunctionGraph([x], [x * 1 + 0])
    compile_mode.optdb.query("+canonicalize").optimize(simplified)
    assert simplified.toposort() == [] and simplified.outputs == [x]
