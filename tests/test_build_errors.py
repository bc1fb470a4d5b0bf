"""Errors while building graphs are graphlens errors, of the built-in class Theano code catches,
naming the bad argument or op and the user's own line (issue 19, item 6)."""

import sys

import numpy as np
import pytest

import graphlens
import graphlens.tensor as T
from graphlens import function, shared
from graphlens.errors import (AsTensorError, AxisError, GraphlensError, GraphlensTypeError,
                              InvalidArgumentError, NotATensorError, ShapeError, short_path,
                              with_user_line)

x = T.dmatrix("x")

# (build, error class, built-in class, words the message must hold). Each build is one line:
# that line is the user's line the message must name.
ROWS = [
    (lambda: T.sum(x, axis=1.5), GraphlensTypeError, TypeError, "sum: axis must be an int"),
    (lambda: T.mean(x, axis="a"), GraphlensTypeError, TypeError, "mean: axis must be an int"),
    (lambda: T.max(x, axis=5), AxisError, ValueError, "max: axis 5 is out of range for 'x'"),
    (lambda: T.constant(2**100), GraphlensTypeError, TypeError,
     "constant: cannot make a uint64 tensor of 1267650600228229401496703205376"),
    (lambda: T.tensor("float64", 3.5), GraphlensTypeError, TypeError,
     "a tensor's shape must be a tuple of lengths (int or None) or of booleans"),
    (lambda: T.tensor("float64", [1.5]), GraphlensTypeError, TypeError,
     "a static length must be an int, None or a boolean, got 1.5"),
    (lambda: T.TensorType("float64", "ab"), GraphlensTypeError, TypeError,
     "a tensor's shape must be a tuple"),
    (lambda: function([x], x, on_unused_input="nope"), InvalidArgumentError, ValueError,
     "function: on_unused_input must be 'raise', 'warn' or 'ignore', got 'nope'"),
    (lambda: T.cast(x, "float128x"), GraphlensTypeError, TypeError,
     "cast of 'x' (float64[?, ?]"),
    (lambda: T.scalar(dtype="foo"), GraphlensTypeError, TypeError, "unsupported dtype 'foo'"),
    (lambda: T.fmatrix(5), GraphlensTypeError, TypeError,
     "a variable's name must be a string, got 5"),
    (lambda: T.as_tensor_variable("abc"), AsTensorError, TypeError,
     "cannot make a tensor of 'abc'"),
    (lambda: T.alloc(0.0, -3), ShapeError, ValueError,
     "alloc: the length on axis 0 is -3; lengths must be >= 0"),
    (lambda: T.concatenate([]), ShapeError, ValueError, "concatenate needs at least one tensor"),
    (lambda: shared(object()) + 1, NotATensorError, TypeError, "generic holds a Python"),
    (lambda: function(["x"], x), GraphlensTypeError, TypeError,
     "function: input 0 must be a symbolic variable, got 'x'"),
    (lambda: x + "a", AsTensorError, TypeError, "cannot make a tensor of 'a'"),
    (lambda: x.flatten(1.5), GraphlensTypeError, TypeError, "flatten: ndim must be an int"),
    (lambda: x.transpose("ab"), GraphlensTypeError, TypeError, "transpose: axes must be an int"),
    (lambda: T.shape_padleft(x, 1.5), GraphlensTypeError, TypeError,
     "shape_padleft: n_ones must be an int, got 1.5"),
    (lambda: T.shape_padright(x, 2**100), ShapeError, ValueError,
     "shape_padright: n_ones must be between 0 and 64"),
    (lambda: T.addbroadcast(x, "a"), GraphlensTypeError, TypeError, "each axis must be an int"),
    (lambda: T.reshape(x, 6.0), GraphlensTypeError, TypeError,
     "reshape: the shape must be a tuple or a vector, got 6.0"),
    (lambda: T.reshape(x, (2**100,)), ShapeError, ValueError, "does not fit int64"),
    (lambda: shared(2**100), GraphlensTypeError, TypeError, "shared: cannot hold"),
    (lambda: T.tensor([1.5], (None,)), GraphlensTypeError, TypeError, "unsupported dtype"),
    (lambda: T.arange(np.nan), ShapeError, ValueError, "arange: start, stop and step must be"),
    (lambda: graphlens.grad(None, x), InvalidArgumentError, ValueError,
     "grad needs a cost or known_grads"),
]


@pytest.mark.parametrize("build, error, builtin, words", ROWS,
                         ids=[f"row{i}" for i in range(len(ROWS))])
def test_a_bad_argument_is_a_clear_error_at_the_users_line(build, error, builtin, words):
    with pytest.raises(GraphlensError) as caught:
        build()
    assert type(caught.value) is error and isinstance(caught.value, builtin)
    message = str(caught.value)
    assert words in message
    user_line = f"{short_path(__file__)}:{build.__code__.co_firstlineno}"
    assert user_line in message
    assert message.count(user_line) == 1, "the line is added once, not on top of itself"


def test_an_error_whose_message_names_the_line_already_is_left_alone():
    message, again = with_user_line("dot: failed"), with_user_line(with_user_line("dot: failed"))
    line = f"{short_path(__file__)}:{sys._getframe().f_lineno - 1}"
    assert message == again == f"dot: failed (at {line})"


def test_errors_that_carry_their_own_site_do_not_get_the_callers_line():
    from graphlens.errors import EvaluationError, LayoutError, ModelError
    for error in (EvaluationError, LayoutError, ModelError):
        assert str(error("x failed")) == "x failed"


def test_python_floats_that_fit_float32_still_convert():
    fx = T.fvector("fx")
    f = function([fx], fx * 1)
    result = f([0.1, -3.0, 1e-40, 3e38])
    assert result.dtype == np.float32
    np.testing.assert_array_equal(result, np.array([0.1, -3.0, 1e-40, 3e38], dtype=np.float32))


@pytest.mark.parametrize("values, bad, verb", [
    ([1e300, 1e-50], "1e+300", "overflows to inf"),
    ([1.0, 1e-50], "1e-50", "underflows to 0"),
    ([-1e39], "-1e+39", "overflows to inf"),
])
def test_python_floats_that_do_not_fit_float32_are_refused(values, bad, verb):
    fx = T.fvector("fx")
    f = function([fx], fx * 1)
    with pytest.raises(GraphlensTypeError) as caught:
        f(values)
    message = str(caught.value)
    assert isinstance(caught.value, TypeError)
    assert message.startswith(f"argument 0 for 'fx' (float32[?], built at {short_path(__file__)}:")
    assert f"the number {bad} does not fit float32, the variable's dtype (it {verb})" in message
    # As a float64 array the same values are refused too: the two ways now agree.
    with pytest.raises(GraphlensTypeError, match="has dtype float64 but the variable is float32"):
        f(np.array(values))


def test_a_python_float_too_big_for_a_float32_shared_variable_keeps_the_old_value():
    s = shared(np.float32(2.0), name="s")
    with pytest.raises(GraphlensTypeError, match="does not fit float32"):
        s.set_value(1e300)
    assert s.get_value() == np.float32(2.0)


def test_allow_input_downcast_still_lets_the_user_choose_overflow():
    fx = T.fvector("fx")
    f = function([fx], fx * 1, allow_input_downcast=True)
    with np.errstate(over="ignore"):
        assert np.isinf(f([1e300])[0])


def test_zeros_and_ones_take_one_length_as_theano_did():
    np.testing.assert_array_equal(T.zeros(3).eval(), np.zeros(3, dtype=T.zeros(3).dtype))
    np.testing.assert_array_equal(T.ones(2, dtype="int32").eval(), np.ones(2, dtype="int32"))


def _line_of(offset=0):
    """`test_build_errors.py:N` for the caller's line plus `offset`."""
    return f"{short_path(__file__)}:{sys._getframe(1).f_lineno + offset}"


def test_an_ops_post_init_error_names_the_users_line_not_the_generated_init():
    # Print's dataclass __init__ is generated code (file "<string>"): it calls __post_init__,
    # which refuses the attrs; the line is the user's call, one frame further out.
    from graphlens.tensor.print_op import Print
    with pytest.raises(GraphlensTypeError) as caught:
        Print("message", attrs=(1,))
    message = str(caught.value)
    assert message.endswith(f"(at {_line_of(-2)})") and "<string>" not in message


def test_an_op_checked_in_post_init_names_the_users_line_in_its_own_words():
    from graphlens.tensor.nnet.abstract_conv import AbstractConv2d
    with pytest.raises(ValueError) as caught:
        AbstractConv2d(border_mode="diagonal")
    assert str(caught.value).startswith(f"conv2d at {_line_of(-1)}: border_mode must be")


def test_a_users_dataclass_op_built_on_a_checked_op_names_the_users_line():
    # The subclass's generated __init__ runs with the user's module as its globals: still
    # generated code, still not the user's line.
    from dataclasses import dataclass

    from graphlens.backprop import GradClip

    @dataclass(frozen=True)
    class NarrowClip(GradClip):
        lower: float = -0.5

    with pytest.raises(InvalidArgumentError) as caught:
        NarrowClip(upper=-1.0)
    assert str(caught.value) == ("grad_clip: lower bound -0.5 is above the upper bound -1.0 "
                                 f"(at {_line_of(-2)})")


def test_the_users_own_code_run_from_a_string_is_still_the_users_line():
    # `python -c` and exec'd code are named "<string>" too: only generated methods are skipped.
    from graphlens.tensor.print_op import Print
    code = compile("\n\nPrint('message', attrs=(1,))\n", "<string>", "exec")
    with pytest.raises(GraphlensTypeError, match=r"got \(1,\) \(at <string>:3\)$"):
        exec(code, {"Print": Print})
