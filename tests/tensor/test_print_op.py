"""theano.printing.Print: identity in value and gradient, printing when the function runs."""

import numpy as np
import pytest

import graphlens
import graphlens.tensor as T
from graphlens import function, grad
from graphlens.errors import GraphlensTypeError
from graphlens.gradient import verify_grad
from graphlens.printing import Print, debugprint, pp


def test_print_prints_theano_lines_when_the_function_runs(capsys):
    x = T.dvector("x")
    f = function([x], Print("h", attrs=("shape", "sum"))(x * 2) + 1)
    assert capsys.readouterr().out == ""                   # nothing at compile time
    out = f(np.array([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(out, [3.0, 5.0, 7.0])
    assert capsys.readouterr().out == "h shape = (3,)\nh sum = 12.0\n"
    f(np.array([0.5]))
    assert capsys.readouterr().out == "h shape = (1,)\nh sum = 1.0\n"


def test_default_attrs_print_the_value(capsys):
    x = T.dvector("x")
    function([x], Print("value of x")(x))(np.array([1.0, 2.0]))
    assert capsys.readouterr().out == "value of x __str__ = [1. 2.]\n"


def test_a_print_of_a_constant_prints_at_run_time_not_when_compiling(capsys):
    c = Print("c")(T.constant(np.array([4.0, 5.0])))
    x = T.dvector("x")
    f = function([x], x + c)
    assert capsys.readouterr().out == ""
    np.testing.assert_array_equal(f(np.array([1.0, 1.0])), [5.0, 6.0])
    assert capsys.readouterr().out == "c __str__ = [4. 5.]\n"


def test_an_unused_print_prints_nothing(capsys):
    x = T.dvector("x")
    Print("unused")(x)
    function([x], x * 3)(np.array([1.0]))
    assert capsys.readouterr().out == ""


def test_global_fn_replaces_the_printing():
    seen = []
    x = T.dmatrix("x")
    f = function([x], Print("m", global_fn=lambda op, v: seen.append((op.message, v.shape)))(x).sum())
    assert f(np.ones((2, 3))) == 6.0
    assert seen == [("m", (2, 3))]


def test_gradient_passes_through_unchanged(capsys):
    x = T.dvector("x")
    g = grad((Print("x")(x) ** 2).sum(), x)
    np.testing.assert_allclose(function([x], g)(np.array([1.0, -2.0])), [2.0, -4.0])
    verify_grad(lambda v: T.tanh(Print("v", global_fn=lambda op, value: None)(v)),
                [np.array([0.3, -0.7, 1.2])], rng=np.random.default_rng(0))


def test_print_does_not_let_a_later_in_place_op_overwrite_the_input():
    # Print returns its input itself (a view), as Theano's: an in-place op after it must not
    # write into the caller's array.
    x = T.dvector("x")
    quiet = Print("q", global_fn=lambda op, value: None)
    f = function([x], T.exp(quiet(x)) * 2)
    data = np.array([0.0, 1.0])
    np.testing.assert_allclose(f(data), 2 * np.exp([0.0, 1.0]))
    np.testing.assert_array_equal(data, [0.0, 1.0])


def _quiet(op, value):
    """A global_fn that prints nothing."""


def test_label_and_formula_are_stable_and_readable():
    x = T.dvector("x")
    p = Print("h", attrs=["shape"])(x)
    assert p.owner.op.label == "Print{message=h, attrs=shape}"
    assert Print("h").label == "Print{message=h}"
    assert Print("h", global_fn=_quiet).label == "Print{message=h, global_fn=_quiet}"
    assert "0x" not in debugprint(p, file="str")
    assert pp(p).startswith("Print(x")
    assert Print("a", ["shape"]) == Print("a", ("shape",))          # hashable and comparable


def test_bad_arguments_are_named():
    with pytest.raises(GraphlensTypeError, match="attrs must be attribute names"):
        Print("x", attrs=(1,))
    with pytest.raises(GraphlensTypeError, match="global_fn must be callable"):
        Print("x", global_fn="print")


def test_infer_shape_agrees_with_perform():
    x = T.dmatrix("x")
    quiet = Print("q", global_fn=lambda op, value: None)(x)
    shape = function([x], quiet.shape)(np.zeros((4, 2)))
    np.testing.assert_array_equal(shape, [4, 2])
    assert graphlens.printing.Print is Print
