"""Theano's old input shortcuts ((x, value), ((s, update), value), a name first) and its
`f.value[x]` / `f.container[x]` views of the inputs' defaults, as its library/compile/io
documentation shows them; and the error for a spec that is none of these."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens import In, function, shared
from graphlens.compile.io import as_input
from graphlens.errors import GraphlensTypeError


def test_a_state_written_as_a_tuple_is_kept_and_updated():
    a, b, c = T.dscalars("a", "b", "s")
    fn = function([a, b, ((c, c + a + b), 10.0)], [])
    assert fn["s"] == 10.0 and fn["s"] is fn.value[c] and fn["s"] is fn.container[c].value
    fn(1, 2)
    assert fn["s"] == 13.0
    fn["s"] = 99.0
    fn(1, 0)
    assert fn["s"] == 100.0
    fn.value[c] = 99.0
    fn(1, 0)
    assert fn["s"] == 100.0 and fn.container[c].storage[0] == 100.0
    fn.container[c].value = 5.0
    fn(0, 0)
    assert fn.value["s"] == 5.0 and "s" in fn.value and c in fn.container


def test_every_shortcut_gives_its_in():
    x, s = T.dscalar("x"), T.dscalar("s")
    plain = as_input(x)
    assert isinstance(plain, In) and plain.variable is x and plain.value is None
    assert as_input((x, 2.0)).value == 2.0
    named = as_input(("rate", x, 2.0))
    assert (named.name, named.value) == ("rate", 2.0)
    state = as_input(("total", (s, s + x), 0.0))
    assert (state.name, state.value, state.update.owner.op.label) == ("total", 0.0, "Add")
    given = In(x)
    assert as_input((given, 3.0)) is given and given.value == 3.0


def test_defaults_keywords_and_a_state_in_one_function():
    # The io documentation's example: z has a default, w counts up by x on every call.
    x, y, z, w = T.dscalars("x", "y", "z", "w")
    fn = function([x, y, In(z, value=42), ((w, w + x), 0)], x + y + z)
    assert float(fn(1, 2)) == 45 and float(fn["w"]) == 1
    assert float(fn(1, y=2)) == 45 and float(fn["w"]) == 2
    assert float(fn(1, 2, 3)) == 6 and float(fn["w"]) == 3
    assert float(fn(1, z=3, y=2)) == 6 and float(fn["w"]) == 4
    assert float(fn(1, 2, w=400)) == 45 and float(fn["w"]) == 401
    assert float(fn(1, 2)) == 45 and float(fn["w"]) == 402


def test_a_shared_variable_gives_its_own_container():
    x = T.dvector("x")
    W = shared(np.ones(2), name="W")
    f = function([x], x * W)
    f.container[W].value = np.array([2.0, 3.0])
    np.testing.assert_allclose(f(np.ones(2)), [2.0, 3.0])
    assert f.container["W"].storage[0] is W.get_value(borrow=True)


@pytest.mark.parametrize("spec, words", [
    ((), "which is not an input"),
    ((1.0, 2.0), "which is not an input"),
    (("only a name",), "which is not an input"),
    ("x_as_text", "must be a symbolic variable"),
])
def test_a_spec_of_no_known_shape_names_the_input(spec, words):
    x = T.dscalar("x")
    with pytest.raises(GraphlensTypeError, match=words) as info:
        function([x, spec], x)
    assert "input 1" in str(info.value)


def test_a_symbolic_value_is_refused():
    x, y = T.dscalars("x", "y")
    with pytest.raises(GraphlensTypeError, match="must be a number or array"):
        function([(x, y)], x)


def test_an_unknown_input_in_the_views_is_named():
    x = T.dscalar("x")
    f = function([x], x)
    with pytest.raises(Exception, match="has no input 'nope'"):
        f.container["nope"]


def test_fn_calls_without_arguments_n_times_with_the_updates():
    # Theano's faq: f.fn() and f.fn(n_calls=N) for a function of shared variables only.
    s = shared(np.float64(1.0), name="s")
    f = function([], s * 2, updates=[(s, s + 1)])
    assert float(f.fn()) == 2.0 and float(s.get_value()) == 2.0
    assert float(f.fn(n_calls=3)) == 8.0 and float(s.get_value()) == 5.0
    with pytest.raises(Exception, match="n_calls must be a positive int"):
        f.fn(n_calls=0)


def test_storage_holds_one_value_at_index_zero():
    x, s = T.dscalars("x", "s")
    fn = function([x, ((s, s + x), 1.0)], [])
    storage = fn.container[s].storage
    assert len(storage) == 1 and storage[-1] == 1.0
    storage[0] = 4.0
    assert fn["s"] == 4.0
    with pytest.raises(IndexError):         # a one-element list, as Theano's
        storage[1]
