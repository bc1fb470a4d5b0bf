"""Theano's In options: update (a state kept by the function), implicit, strict, allow_downcast,
and Theano's rule for Python float literals, checked against the behaviour Theano's own tests
(theano/compile/tests/test_function.py) asserted."""

import copy

import numpy as np
import pytest

import graphlens
import graphlens.tensor as T
from graphlens import In, config, function, shared
from graphlens.errors import ArgumentError


def test_an_update_makes_the_input_a_state_counting_the_calls():
    a = T.dscalar("a")
    counter = function([In(a, value=0.0, update=a + 1)], a)
    assert [float(counter()) for _ in range(3)] == [0.0, 1.0, 2.0]
    assert float(counter(10.0)) == 10.0 and float(counter()) == 11.0   # an explicit value
    assert float(counter(a=5.0)) == 5.0 and float(counter()) == 6.0


def test_input_and_shared_updates_happen_together():
    # Theano's test_in_update_shared: after N calls the two have swapped N times.
    s = shared(1.0)
    a = T.dscalar("a")
    f = function([In(a, value=0.0, update=s)], [], updates={s: a})
    for i in range(5):
        assert f() == []
        assert float(s.get_value()) == i % 2


def test_an_implicit_input_is_never_an_argument():
    total, x = T.dscalar("total"), T.dscalar("x")
    add = function([In(total, value=0.0, update=total + x, implicit=True), x], total + x)
    assert [float(add(v)) for v in (1.0, 2.0, 3.0)] == [1.0, 3.0, 6.0]
    with pytest.raises(ArgumentError, match="takes 1 arguments"):
        add(1.0, 2.0)
    with pytest.raises(ArgumentError, match="no input named 'total'"):
        add(1.0, total=0.0)
    with pytest.raises(TypeError, match="implicit input 'total'.*default value"):
        In(total, implicit=True)


def test_updates_of_another_type_and_in_around_a_shared_variable_are_type_errors():
    a, b = T.dscalar("a"), T.dvector("b")
    with pytest.raises(TypeError, match="'a'.*update.*float64\\[\\?\\]"):
        In(a, update=b)
    w = shared(1.0)
    with pytest.raises(TypeError, match="shared variable"):
        function([In(w, update=w + 1)], [])


def test_strict_takes_only_an_array_of_the_input_s_dtype():
    a = T.dvector("a")
    loose = function([In(a, strict=False)], a * 2)
    assert loose(np.array([1, 2], dtype="int32")).tolist() == [2.0, 4.0]
    strict = function([In(a, strict=True)], a * 2)
    assert strict(np.array([1.0, 2.0])).tolist() == [2.0, 4.0]
    for value in (np.array([1, 2], dtype="int32"), [1.0, 2.0]):
        with pytest.raises(TypeError, match="argument 0 for 'a'.*strict"):
            strict(value)


def test_allow_downcast_per_input_for_integers():
    a, b, c = T.wvector("a"), T.bvector("b"), T.bscalar("c")
    f = function([In(a, allow_downcast=True), In(b, allow_downcast=False),
                  In(c, allow_downcast=None)], a + b + c)
    assert f([3], [6], 1).tolist() == [10]
    assert f([2 ** 20], np.ones(1, dtype="int8"), 1).tolist() == [2]   # a: wrapped, silently
    for args in (([3], np.array([6], dtype="int16"), 1), ([3], [312], 1), ([3], [6], 806)):
        with pytest.raises(TypeError):
            f(*args)


@pytest.mark.parametrize("floatx", ["float64", "float32"])
def test_python_floats_round_unless_the_input_says_allow_downcast_false(floatx):
    # Theano: allow_downcast=False keeps values exactly (0.1 is no float32). Left undecided
    # (None), Theano rounded only a lone float literal of floatX; graphlens rounds lists and
    # other float dtypes too (they were a TypeError in Theano: no Theano program relies on it).
    with config.change_flags(floatX=floatx):
        a, b, c = T.fscalar("a"), T.fscalar("b"), T.fscalar("c")
        f = function([In(a, allow_downcast=True), In(b, allow_downcast=False),
                      In(c, allow_downcast=None)], a + b + c)
        assert float(f(0, 0, 0)) == 0.0 and np.isclose(f(0.1, 0, 0), 0.1)
        assert np.isclose(f(0, 0, 0.1), 0.1)
        with pytest.raises(TypeError, match="argument 1 for 'b'.*without rounding"):
            f(0, 0.1, 0)
        vectors = [T.fvector(n) for n in "abc"]
        g = function([In(vectors[0], allow_downcast=True), In(vectors[1], allow_downcast=False),
                      In(vectors[2], allow_downcast=None)], sum(vectors))
        assert np.isclose(g([0.1], [0], [0]), 0.1).all()
        assert np.isclose(g([0], [0], [0.1]), 0.1).all()
        with pytest.raises(TypeError, match="without rounding"):
            g([0], [0.1], [0])


def test_in_keeps_theano_s_positional_order_and_a_function_with_updates_pickles():
    import pickle
    a = T.dscalar("a")
    item = In(a, "count", 0.0, a + 1)
    assert (item.name, float(item.value), item.update.owner is not None) == ("count", 0.0, True)
    counter = function([item], a)
    counter(), counter()
    again = pickle.loads(pickle.dumps(counter))
    assert float(again()) == 2.0 and float(again()) == 3.0
    assert graphlens.compile.io.In is In


def test_theano_s_io_documentation_example_reads_and_sets_an_input_s_value():
    u, x, s = T.scalars("u", "x", "s")
    inc = function([u, In(x, value=3), In(s, update=(s + x * u), value=10.0)], [])
    assert inc(5) == [] and float(inc[s]) == 25.0
    assert inc(3, 4) == [] and float(inc[s]) == 37.0 and float(inc[x]) == 3.0
    assert inc(1, 2, 6) == [] and float(inc["s"]) == 8.0
    inc[s] = 10
    assert float(inc[s]) == 10.0 and inc(1) == [] and float(inc[s]) == 13.0
    with pytest.raises(ArgumentError, match="no input 'u2'"):
        inc["u2"]


def test_a_copy_keeps_its_own_input_state():
    a = T.dscalar("a")
    counter = function([In(a, value=0.0, update=a + 1)], a)
    counter(), counter()
    twin = counter.copy()
    assert float(twin()[0]) == 2.0 and float(twin()[0]) == 3.0
    assert float(counter()) == 2.0 and float(counter[a]) == 3.0     # untouched by the copy


def test_an_input_given_another_functions_container_shares_its_state():
    # Theano's In(s, value=f.container[s]): both functions keep s in one cell.
    a, x, s = T.dscalar("a"), T.dscalar("x"), T.dscalar("s")
    f = function([x, In(a, value=1.0, name="a"), In(s, value=0.0, update=s + a * x)], s + a * x)
    g = function([x, In(a, value=1.0, name="a"),
                  In(s, value=f.container[s], update=s - a * x)], s + a * x)
    f(1, 2)
    assert float(f[s]) == 2.0 and float(g[s]) == 2.0
    g(1, 2)
    assert float(f[s]) == 0.0 and float(g[s]) == 0.0
    g[s] = 5.0
    assert float(f[s]) == 5.0
    assert g.container[s].storage is f.container[s].storage
    twin = f.copy()                          # a copy keeps its own state
    twin(3, 1)
    assert float(twin[s]) == 8.0 and float(f[s]) == 5.0
    other = copy.copy(f)                     # Theano's __copy__ is f.copy()
    assert other.container[s].storage is not f.container[s].storage
    other(1, 1)
    assert float(other[s]) == 6.0 and float(f[s]) == 5.0


def test_a_mutable_argument_may_be_overwritten_by_the_in_place_rewrite():
    # Theano's In(x, mutable=True): the caller gives the array up, so `x * 2` may be computed
    # in x's own array; without it the argument is never touched.
    x = T.dvector("x")
    given = np.arange(4.0)
    result = function([In(x, mutable=True)], x * 2, mode="FAST_RUN")(given)
    np.testing.assert_array_equal(result, [0.0, 2.0, 4.0, 6.0])
    np.testing.assert_array_equal(given, [0.0, 2.0, 4.0, 6.0])      # written in place
    kept = np.arange(4.0)
    result = function([In(x, mutable=False)], x * 2, mode="FAST_RUN")(kept)
    np.testing.assert_array_equal(result, [0.0, 2.0, 4.0, 6.0])
    np.testing.assert_array_equal(kept, [0.0, 1.0, 2.0, 3.0])


def test_a_mutable_argument_read_again_later_is_not_overwritten_early():
    # x feeds exp and, after it, the sum: exp may not write into x while the sum still reads it.
    x = T.dvector("x")
    f = function([In(x, mutable=True)], [T.exp(x), x.sum()], mode="FAST_RUN")
    given = np.array([0.0, 1.0])
    ex, total = f(given)
    np.testing.assert_allclose(ex, np.exp([0.0, 1.0]))
    assert float(total) == 1.0


def test_one_array_given_for_two_mutable_arguments_is_copied_first():
    # f(v, v): writing x * 2 into v must not change what y reads (Theano copied such an alias).
    x, y = T.dvector("x"), T.dvector("y")
    m = T.dmatrix("m")
    f = function([In(x, mutable=True), In(y, mutable=True), In(m, mutable=True)],
                 T.dot(x * 2, m) + T.dot(y * 3, m), mode="FAST_RUN")
    v = np.array([1.0, 2.0])
    np.testing.assert_allclose(f(v, v, np.eye(2)), [5.0, 10.0])
    w = np.array([1.0, 2.0, 7.0])
    np.testing.assert_allclose(f(w[:2], w[:2], np.eye(2)), [5.0, 10.0])    # views alias too
