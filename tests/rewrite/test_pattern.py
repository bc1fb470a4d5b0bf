"""The rewrite language: patterns, bindings, the rule decorator and `fits`."""

import numpy as np

import graphlens.tensor as T
from graphlens.rewrite.pattern import (Const, Pat, Var, constant_value, fits, match,
                                       pattern_depth, rewrite)
from graphlens.tensor.math import Add, Exp, Log, Mul, Sub
from graphlens.tensor.nnet import Sigmoid


def _match(pattern, var):
    bindings, nodes = {}, []
    return match(pattern, var, bindings, nodes), bindings, nodes


def test_nested_pattern_binds_variables_and_lists_the_matched_nodes():
    x = T.dvector("x")
    out = T.log(T.nnet.sigmoid(x))
    ok, bindings, nodes = _match(Pat(Log, Pat(Sigmoid, Var("x")), name="old"), out)
    assert ok and bindings["x"] is x and bindings["old"] is out
    assert [type(node.op).__name__ for node in nodes] == ["Log", "Sigmoid"]


def test_pattern_rejects_another_op_and_another_arity():
    x = T.dvector("x")
    assert not _match(Pat(Log, Pat(Exp, Var("x"))), T.log(T.nnet.sigmoid(x)))[0]
    assert not _match(Pat(Add, Var("a"), Var("b")), T.add(x, x, x))[0]


def test_a_name_used_twice_must_bind_the_same_variable():
    x, y = T.dvectors("x", "y")
    pattern = Pat(Sub, Var("a"), Var("a"))
    assert _match(pattern, x - x)[0]
    assert not _match(pattern, x - y)[0]


def test_rest_binds_the_remaining_inputs_of_an_nary_op():
    x, y, z = T.dvectors("x", "y", "z")
    ok, bindings, _ = _match(Pat(Mul, rest="factors"), T.mul(x, y, z))
    assert ok and bindings["factors"] == (x, y, z)


def test_const_matches_a_broadcast_constant_by_value():
    x = T.dmatrix("x")
    product = x * 1                      # the 1 is broadcast to [[1.0]]
    ok, bindings, _ = _match(Pat(Mul, Var("x"), Const("one", value=1)), product)
    assert ok and constant_value(bindings["one"]).item() == 1.0
    assert not _match(Pat(Mul, Var("x"), Const(value=2)), product)[0]


def test_rule_decorator_records_name_phase_location_and_tags():
    @rewrite("stabilize", Pat(Log, Pat(Sigmoid, Var("x"))), tags=("stability",))
    def my_rule(x):
        """Doc."""
        return -T.nnet.softplus(-x)

    assert my_rule.name == "my_rule" and my_rule.phase == "stabilize"
    assert my_rule.location.startswith("tests/rewrite/test_pattern.py:")
    assert {"stabilize", "stability"} <= my_rule.tags
    x = T.dvector("x")
    replacement = my_rule.apply(T.log(T.nnet.sigmoid(x)), fgraph=None)
    assert replacement.new.owner.op.label == "Neg"
    assert [type(n.op).__name__ for n in replacement.matched] == ["Log", "Sigmoid"]


def test_rule_function_receives_only_the_names_it_asks_for():
    @rewrite("canonicalize", Pat(Exp, Var("x"), name="old", op_name="op"))
    def wants_x_only(x):
        return x * 2

    x = T.dvector("x")
    assert wants_x_only.apply(T.exp(x), fgraph=None).new.owner.inputs[0] is x


def test_fits_casts_the_dtype_and_refuses_to_lose_broadcastability():
    row = T.row("row")
    matrix = T.dmatrix("m")
    assert fits(T.cast(matrix, "float32"), matrix).dtype == "float64"
    assert fits(matrix, row) is None                 # (?, ?) cannot stand for (1, ?)
    assert fits(row, matrix) is row                  # (1, ?) may stand for (?, ?)
    assert fits(T.dvector(), matrix) is None


def test_pattern_depth_counts_nested_patterns():
    assert pattern_depth(Pat(Log, Pat(Sigmoid, Var("x")))) == 2
    assert pattern_depth(Pat(Add, rest="terms")) == 1


def test_constant_value_looks_through_dimshuffles_only():
    x = T.dvector("x")
    assert constant_value(T.constant(np.array([1.5, 2.0]))).tolist() == [1.5, 2.0]
    assert constant_value(x) is None and constant_value(T.exp(x)) is None


def test_a_one_element_constant_compares_as_np_all_does():
    # is_constant_equal and Const(value=...) compare one-element constants as numpy scalars
    # (no np.all): the answer must be np.all's for every dtype, shape and value a rule uses.
    import itertools
    import warnings
    from graphlens.rewrite.pattern import _every_element_equals
    datas = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for x, dtype in itertools.product(
                (0, 1, -1, 0.1, 0.5, 2, np.nan, np.inf, 255),
                ("float64", "float32", "float16", "int8", "int64", "uint8", "bool",
                 "complex128")):
            datas.append(np.array(x).astype(dtype))
    datas += [a.reshape((1,)) for a in datas] + [a.reshape((1, 1)) for a in datas]
    datas += [np.zeros(0), np.ones(3), np.array([1.0, 2.0])]
    agree = 0
    for data, value in itertools.product(datas, (0, 1, -1, 2, 0.5, 0.1, True, 300)):
        expected = bool(data.size and np.all(data == value))
        assert _every_element_equals(data, value) == expected, (data.dtype, data, value)
        agree += expected
    assert agree > 50
