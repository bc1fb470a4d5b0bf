"""What Theano's function (and pfunc) did with default updates, givens and wrong arguments, and
the exception classes Theano code catches: found by running Theano 1.0's own test_pfunc."""

import numpy as np
import pytest

import graphlens
import graphlens.tensor as T
from graphlens.compile import UnusedInputError, pfunc
from graphlens import function


def test_a_default_update_applies_only_to_shared_variables_the_function_reads():
    a = graphlens.shared(0)
    a.default_update = a + 1
    b = 2 * a
    f = graphlens.function([b], b)            # b is an input: a is not read
    assert f(21) == 21
    assert a.get_value() == 0
    g = graphlens.function([], b)             # here it is read, and counts
    g(), g()
    assert a.get_value() == 2


def test_givens_that_replace_a_shared_variable_drop_its_default_update():
    a = graphlens.shared(1.0, "a")
    a.default_update = a + 3.0
    b = T.dscalar("b")
    f = graphlens.function([b], a + 10, givens={a: b})
    assert f(5.0) == 15.0
    assert a.get_value() == 1.0
    assert len(f.maker.fgraph.inputs) == 1
    # ... but a replacement that reads the variable keeps it, the givens applied to the
    # update too (a becomes (a + 10) + 3), as in Theano
    g = graphlens.function([], a + 10, givens={a: a + 10})
    assert [float(g()), float(g())] == [21.0, 34.0]


def test_wrong_updates_and_inputs_raise_the_classes_theano_raised():
    z = graphlens.shared(np.ones((2, 3)))
    x = T.dmatrix("x")
    with pytest.raises(ValueError, match="two updates"):
        graphlens.function([x], [], updates=[(z, z + x), (z, z - x)])
    output = graphlens.shared(np.random.rand(10, 10))
    with pytest.raises(TypeError, match="static shape"):
        graphlens.function([], [], updates={output: output.sum().dimshuffle("x", "x")})
    i = T.lscalar("i")
    with pytest.raises(UnusedInputError, match="listed twice"):
        graphlens.function([i, i, i], i)


def test_pfunc_is_function_in_theanos_order():
    a, b = T.lscalar("a"), graphlens.shared(1)
    f = pfunc([graphlens.In(a, value=44)], a + b, None, {b: b + 1})
    assert [int(f()), int(f(2)), int(b.get_value())] == [45, 4, 3]


def test_container_reads_and_sets_the_value_without_copies():
    value = np.zeros(3)
    s = graphlens.shared(value)
    held = s.get_value(borrow=True)
    assert s.container.storage[0] is held and s.container.value is held
    s.container.value[0] = 5.0               # the held array itself
    assert s.get_value()[0] == 5.0
    s.container.storage[0] = np.ones(3)
    np.testing.assert_array_equal(s.get_value(), np.ones(3))


def test_expanded_inputs_list_the_arguments_then_each_shared_variables_container():
    # Theano's scan tests reset a stream through f.maker.expanded_inputs[i].value.data.
    from graphlens.tensor.shared_randomstreams import RandomStreams
    x = T.dvector("x")
    w = graphlens.shared(np.ones(2), "w")
    draw = RandomStreams(3).uniform((2,))
    f = function([x], x * w + draw, no_default_updates=True)
    expanded = f.maker.expanded_inputs
    assert [item.variable for item in expanded[:1]] == [x] and expanded[0].value is None
    assert [item.implicit for item in expanded] == [False, True, True]
    assert {item.variable for item in expanded[1:]} == {w, draw.rng}
    (rng,) = [item.value for item in expanded[1:] if item.variable is draw.rng]
    assert isinstance(rng.data, np.random.RandomState)      # Theano's container.data
    rng.data = np.random.RandomState(123)
    first = f([0.0, 0.0])
    rng.data = np.random.RandomState(123)
    np.testing.assert_array_equal(f([0.0, 0.0]), first)
    np.testing.assert_array_equal(first, np.random.RandomState(123).uniform(size=(2,)))


def test_rebuild_collect_shared_copies_the_graph_as_theano():
    from graphlens.compile.pfunc import rebuild_collect_shared
    x = T.dvector("x")
    s = graphlens.shared(np.ones(2), "s")
    y = (x + s) * 2
    inputs, outputs, (clone_d, update_d, update_expr, shared_inputs) = rebuild_collect_shared(
        [y], [x], updates=[(s, s + x)], copy_inputs_over=False)
    assert inputs[0] is not x and clone_d[x] is inputs[0]
    assert shared_inputs == [s] and list(update_d) == [s]
    f = graphlens.function(inputs, outputs)
    np.testing.assert_allclose(f(np.array([0.0, 1.0]))[0], [2.0, 4.0])
    kept, _, _ = rebuild_collect_shared([y], [x], copy_inputs_over=True)
    assert kept[0] is x


def test_compiling_an_undefined_gradient_is_a_type_error_as_theano():
    from graphlens.errors import UndefinedGradientError
    a = T.dvector("a")
    undefined = graphlens.gradient.grad_undefined(T.add, 0, a, "no such thing")
    with pytest.raises(UndefinedGradientError, match="undefined gradient.*no such thing"):
        graphlens.function([a], undefined, on_unused_input="ignore")
    assert issubclass(UndefinedGradientError, TypeError)


def test_rebuild_strict_false_rebuilds_the_graph_on_a_given_of_another_rank():
    w = T.imatrix("w")
    x, y = T.ivectors("x", "y")
    f = function([w, y], x * y, givens=[(x, w)], rebuild_strict=False)
    np.testing.assert_array_equal(f(np.ones((3, 5), dtype="int32"), np.arange(5, dtype="int32")),
                                  np.ones((3, 5)) * np.arange(5))
    with pytest.raises(TypeError, match="dtype and rank must be the same"):
        function([w, y], x * y, givens=[(x, w)])


def test_a_value_that_is_not_numbers_is_a_value_error_as_in_theano():
    # Theano's conversion raised numpy's ValueError (test_shared: u.set_value('adsf')).
    from graphlens.errors import GraphlensTypeError
    x = T.dvector("x")
    f = function([x], x.sum())
    s = graphlens.shared(np.ones(2), "s")
    for attempt in (lambda: f("adsf"), lambda: f([[1.0, 2.0], [3.0]]),
                    lambda: s.set_value("adsf")):
        with pytest.raises(ValueError, match="cannot be read as an array"):
            attempt()
        with pytest.raises(GraphlensTypeError):     # still the TypeError it was
            attempt()
    np.testing.assert_array_equal(s.get_value(), np.ones(2))


def test_an_output_and_updates_of_one_array_never_alias_one_another():
    # Theano's test_potential_output_aliasing_induced_by_updates: writing into the returned
    # array changed both shared variables, which also held one array between them.
    A = graphlens.shared(np.zeros((2, 2)), "A")
    B = graphlens.shared(np.zeros((2, 2)), "B")
    D = T.dmatrix("D")
    DD = D + 5
    f = function([D], DD, updates=[(A, DD[:1]), (B, DD)])
    result = f(np.zeros((2, 2)))
    a, b = A.get_value(borrow=True), B.get_value(borrow=True)
    assert not np.may_share_memory(a, b)
    assert not np.may_share_memory(result, a) and not np.may_share_memory(result, b)
    result[:] = -1
    np.testing.assert_array_equal(A.get_value(), np.full((1, 2), 5.0))
    np.testing.assert_array_equal(B.get_value(), np.full((2, 2), 5.0))
    twice = function([D], [DD, DD])(np.ones((1, 1)))
    assert twice[0] is not twice[1] and not np.may_share_memory(twice[0], twice[1])
