"""Theano's "Making the double type" and "Defining an Op: mul" tutorials, run unchanged: a type
written on `gof.Type` (values are Python floats), and a bare `gof.Op()` given its methods one by
one. The values are the ones Theano's documentation prints."""

import numpy as np
import pytest

import graphlens as theano
from graphlens import gof
from graphlens.printing import debugprint, pp


class Double(gof.Type):
    def filter(self, x, strict=False, allow_downcast=None):
        if strict:
            if isinstance(x, float):
                return x
            raise TypeError("Expected a float!")
        if allow_downcast:
            return float(x)
        x_float = float(x)
        if x_float == x:
            return x_float
        raise TypeError(f"The double type cannot accurately represent value {x}")

    def values_eq_approx(self, x, y, tolerance=1e-4):
        return abs(x - y) / (abs(x) + abs(y)) < tolerance

    def __eq__(self, other):
        return type(other) is Double

    def __hash__(self):
        return hash(Double)

    def __str__(self):
        return "double"


double = Double()


def _mul():
    mul = gof.Op()

    def make_node(x, y):
        if isinstance(x, (int, float)):
            x = gof.Constant(double, x)
        if isinstance(y, (int, float)):
            y = gof.Constant(double, y)
        if x.type != double or y.type != double:
            raise TypeError("mul only works on doubles")
        return gof.Apply(mul, [x, y], [double()])

    def perform(node, inputs, output_storage):
        output_storage[0][0] = inputs[0] * inputs[1]

    mul.make_node = make_node
    mul.perform = perform
    return mul


def test_the_tutorial_s_mul_of_doubles_computes_python_floats():
    mul = _mul()
    x, y = double("x"), double("y")
    f = theano.function([x, y], mul(x, y))
    assert f(5, 6) == 30.0 and type(f(5, 6)) is float
    assert f(5.6, 6.7) == 37.519999999999996
    g = theano.function([x], mul(x, 2))
    assert g(10) == 20.0 and np.allclose(g(3.4), 6.8)


def test_a_bad_value_is_the_type_s_own_type_error_naming_the_argument():
    mul = _mul()
    x, y = double("x"), double("y")
    f = theano.function([x, y], mul(x, y))
    with pytest.raises(TypeError, match=r"argument 0 for 'x'.*cannot accurately represent "
                                        r"value 1152921504606846977"):
        f(2 ** 60 + 1, 1)
    # Theano's allow_input_downcast reaches the type's filter.
    g = theano.function([x, y], mul(x, y), allow_input_downcast=True)
    assert g(2 ** 60 + 1, 1) == float(2 ** 60)


def test_types_compare_as_their_class_says_and_print_their_values():
    class Plain(gof.Type):
        def filter(self, x, strict=False, allow_downcast=None):
            return float(x)
    assert Plain() != Plain()                      # no __eq__: Theano compared by identity
    assert double == Double() and str(double("d").type) == "double"
    mul = _mul()
    x = double("x")
    assert pp(mul(x, 2)) == "Op(x, 2)"
    text = debugprint(mul(x, 2), file="str")
    assert "x [id B] double" in text and "2 [id C] double" in text


def test_a_bare_gof_type_given_a_filter_works_like_the_tutorial_s_first_double():
    bare = gof.Type()
    bare.filter = lambda x, strict=False, allow_downcast=None: float(x)
    v = bare("v")
    op = gof.Op()
    op.make_node = lambda a: gof.Apply(op, [a], [bare()])
    op.perform = lambda node, inputs, out: out[0].__setitem__(0, inputs[0] + 1)
    assert theano.function([v], op(v))(2) == 3.0
