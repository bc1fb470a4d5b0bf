"""The raise-or-warn options (errors.check_policy, errors.raise_or_warn): grad's
`disconnected_inputs` and function's `on_unused_input` refuse the same bad values in the same
words, raise their own error, and warn at the user's line."""

import warnings

import pytest

import graphlens.tensor as T
from graphlens import function, grad
from graphlens.errors import DisconnectedInputError, InvalidArgumentError, UnusedInputError


def _disconnected(policy):
    x, w = T.dvector("x"), T.dvector("w")
    return grad((x ** 2).sum(), w, disconnected_inputs=policy)


def _unused(policy):
    x, y = T.dvector("x"), T.dvector("y")
    return function([x, y], x * 2, on_unused_input=policy)


@pytest.mark.parametrize("call, where, option", [
    (_disconnected, "grad", "disconnected_inputs"),
    (_unused, "function", "on_unused_input"),
])
def test_a_bad_value_is_refused_in_one_wording(call, where, option):
    with pytest.raises(InvalidArgumentError) as caught:
        call("silently")
    assert isinstance(caught.value, ValueError)      # what Theano raised
    assert str(caught.value).startswith(
        f"{where}: {option} must be 'raise', 'warn' or 'ignore', got 'silently'")


@pytest.mark.parametrize("call, error, words", [
    (_disconnected, DisconnectedInputError, "does not depend on 'w'"),
    (_unused, UnusedInputError, "is not used by any output"),
])
def test_raise_warn_and_ignore(call, error, words):
    with pytest.raises(error, match=words):
        call("raise")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call("warn")
        call("ignore")
    assert [type(w.message) for w in caught] == [UserWarning]
    assert words in str(caught[0].message)
    # Pointed at the user's call (here, the helper above), not at graphlens's own code.
    assert caught[0].filename == __file__
