"""Theano's printer objects (graphlens/render/pprinter.py): `pprint.assign(op, printer)` prints
the user's op as the user says, everything else as pp does; and `min_informative_str`,
`var_descriptor` (graphlens/render/descriptors.py)."""

import numpy as np
import pytest

import graphlens
import graphlens.tensor as T
from graphlens import printing
from graphlens.render.pp import pp as plain_pp


class DoubleOp(graphlens.Op):
    """The Theano tutorial's op, written as Theano code writes it."""
    __props__ = ()

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return graphlens.Apply(self, [x], [x.type()])

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = inputs[0] * 2


class Pair(graphlens.Op):
    __props__ = ()

    def make_node(self, a, b):
        a, b = T.as_tensor_variable(a), T.as_tensor_variable(b)
        return graphlens.Apply(self, [a, b], [a.type()])

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = inputs[0] + inputs[1]


class Split(graphlens.Op):
    """Two outputs: the negative and the positive part."""
    __props__ = ()

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return graphlens.Apply(self, [x], [x.type(), x.type()])

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = np.minimum(inputs[0], 0)
        output_storage[1][0] = np.maximum(inputs[0], 0)


@pytest.fixture
def pprint(monkeypatch):
    """The global pprint, its assignments undone after the test."""
    monkeypatch.setattr(printing.pprint, "printers", list(printing.pprint.printers))
    return printing.pprint


def test_pp_and_pprint_are_one_pprinter_at_theanos_paths():
    assert printing.pp is printing.pprint is graphlens.pp is graphlens.pprint
    assert isinstance(printing.pprint, printing.PPrinter)
    x, y = T.dvectors("x", "y")
    expr = T.exp(x) * 2 + y[None, :].sum()
    # Nothing assigned: pp's own text, keywords and all.
    assert printing.pp(expr) == plain_pp(expr) == "exp(x) * 2.0 + sum(y[None, :])"
    assert printing.pp(expr, latex=True) == plain_pp(expr, latex=True)


def test_an_assigned_function_printer_prints_the_users_op(pprint):
    x, y = T.dvectors("x", "y")
    double = DoubleOp()
    expr = double(x + y) * 3
    before = pprint(expr)
    assert "DoubleOp" in before
    pprint.assign(double, printing.FunctionPrinter("double"))
    assert pprint(expr) == "double(x + y) * 3.0"
    # Another instance equal by __props__ is the same op to Theano's `==`.
    assert pprint(DoubleOp()(y)) == "double(y)"
    # Everything the assignment does not claim is unchanged.
    assert pprint(T.exp(x) - y) == "exp(x) - y"


def test_operator_and_pattern_printers_parenthesize_as_theanos(pprint):
    x, y, z = T.dvectors("x", "y", "z")
    pair = Pair()
    pprint.assign(pair, printing.OperatorPrinter("<+>", -2, "left"))
    assert pprint(pair(x, y)) == "(x <+> y)"
    # A compound input in an operand's place is wrapped; the whole is an atom to pp.
    assert pprint(pair(x + y, z) * 2) == "((x + y) <+> z) * 2.0"
    pprint.assign(pair, printing.PatternPrinter(("%(1)s ~ %(0)s", 0, 0)))
    assert pprint(pair(x, T.exp(y))) == "exp(y) ~ x"            # the latest assignment wins
    pprint.assign(DoubleOp, printing.IgnorePrinter())           # by class
    assert pprint(DoubleOp()(x) + 1) == "x + 1.0"
    pprint.assign(DoubleOp, printing.MemberPrinter("doubled"))
    assert pprint(DoubleOp()(x)) == "x.doubled"


def test_a_condition_function_and_clones(pprint):
    x, y = T.dvectors("x", "y")
    mine = pprint.clone_assign(lambda pstate, r: r.owner is not None and r.name == "loss",
                               printing.LeafPrinter())
    loss = T.sqr(x - y).sum()
    loss.name = "loss"
    assert mine(loss * 2) == "loss * 2.0"
    assert pprint(loss * 2) != "loss * 2.0"                     # the global one unchanged
    assert printing.LeafPrinter().process(T.dscalar("alpha"), None) == "\\alpha"
    with pytest.raises(TypeError, match="process"):
        pprint.assign(DoubleOp(), "double")
    with pytest.raises(TypeError, match="condition"):
        pprint.assign(3, printing.FunctionPrinter("f"))


def test_a_shared_user_op_is_bound_once(pprint):
    x = T.dmatrix("x")
    pprint.assign(DoubleOp, printing.FunctionPrinter("doubled_matrix_of"))
    h = DoubleOp()(T.tanh(T.dot(x, x.T) + 1.0))
    text = pprint(h + T.exp(h) + T.log(h))
    assert text.splitlines()[0] == "%1 = doubled_matrix_of(tanh(x @ x.T + 1.0))"
    assert text.splitlines()[1] == "%1 + exp(%1) + log(%1)"


def test_process_graph_and_calls_with_a_state(pprint):
    x = T.dvector("x")
    W = graphlens.shared(np.zeros(2), name="W")
    pprint.assign(DoubleOp, printing.FunctionPrinter("double"))
    text = pprint([x], [DoubleOp()(x)], {W: W - 1}, True)
    assert text.splitlines() == ["inputs: x, W", "W <- W - 1.0", "return double(x)"]
    assert pprint(DoubleOp()(x), {}) == "double(x)"
    assert pprint.process(DoubleOp()(x)) == "double(x)"


def test_min_informative_str_stops_at_names_and_tags_repeats():
    x, y = T.dvectors("x", "y")
    e = T.exp(x)
    h = e + y
    h.name = "hidden"
    out = (h + e) * T.constant(np.ones(2))
    lines = printing.min_informative_str(out).splitlines()
    mul, add, exp = str(out.owner.op), str((h + e).owner.op), str(e.owner.op)
    assert lines == [f"A. {mul}", f" B. {add}", "  C. hidden", f"  D. {exp}", "   E. x",
                     f" F. {out.owner.inputs[1]}"]
    assert printing.min_informative_str(x, indent_level=2) == "  A. x"
    assert printing.min_informative_str(np.zeros(2)) == "A. <ndarray>"
    # A shared _prev_obs continues the tags and refers back to what it has seen.
    seen = {}
    printing.min_informative_str(e, _prev_obs=seen)
    assert printing.min_informative_str(e + 1, _prev_obs=seen).splitlines()[1] == " <A>"


def test_var_descriptor_is_one_line_equal_for_equal_graphs():
    def build():
        x, y = T.dvectors("x", "y")
        e = T.exp(x)
        named = e * y
        named.name = "ignored"          # a name on a result does not hide its graph
        return named + e
    one, two = printing.var_descriptor(build()), printing.var_descriptor(build())
    assert one == two and "\n" not in one and " at 0x" not in one
    out = build()
    add, mul, exp = (str(out.owner.op), str(out.owner.inputs[0].owner.op),
                     str(out.owner.inputs[1].owner.op))
    assert one == f"A={add}(B={mul}(C={exp}(D=x),E=y),<C>)"
    value = np.arange(3.0)
    import hashlib
    assert printing.var_descriptor(value) == (
        f"A=<ndarray:strides=[8],digest={hashlib.md5(value.tobytes()).hexdigest()}>")
    assert printing.var_descriptor(np.arange(3.0)[::-1]) != printing.var_descriptor(value)


def test_descriptors_walk_deep_graphs_without_recursion():
    x = T.dscalar("x")
    y = x
    for _ in range(3000):
        y = T.exp(y)
    assert printing.var_descriptor(y).count("(") == 3000
    assert len(printing.min_informative_str(y).splitlines()) == 3001


def test_hex_digest_and_position_independent_str():
    value = np.arange(6.0).reshape(2, 3)
    import hashlib
    assert printing.hex_digest(value) == (
        f"{hashlib.md5(value.tobytes()).hexdigest()}|strides=[24,8]|shape=[2,3]")
    assert printing.hex_digest(value.T) != printing.hex_digest(value)
    with pytest.raises(TypeError, match="numpy array"):
        printing.hex_digest([1, 2])
    assert printing.position_independent_str(T.dvector()) == "<float64[?]>"

    class Addressed(graphlens.Variable):
        def __str__(self):
            return f"<Addressed at 0x{id(self):x}>"
    odd = Addressed(T.dvector().type)
    assert printing.position_independent_str(odd) == "graphlens_var{type=float64[?]}"
    # Unnamed inputs and constants describe the same in two builds of one graph.
    assert printing.var_descriptor(T.dvector() + 1) == printing.var_descriptor(T.dvector() + 1)


def test_each_output_of_a_two_output_op_prints_by_its_own_name(pprint):
    x = T.dvector("x")
    low, high = Split()(x)
    assert pprint(high - low).splitlines()[0].startswith("%1, %2 = Split")   # unassigned
    pprint.assign(Split, printing.FunctionPrinter("negative_part", "positive_part"))
    assert pprint(high - low) == "positive_part(x) - negative_part(x)"
