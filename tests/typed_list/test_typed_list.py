"""Theano's typed_list: its documentation's two examples, each op's values, and the errors."""

import pickle

import numpy as np
import pytest

import graphlens
import graphlens.tensor as T
import graphlens.typed_list as tlist
from graphlens import function, pp
from graphlens.errors import EvaluationError, GraphlensTypeError
from graphlens.typed_list import TypedListType


def _arrays(*rows, dtype="float32"):
    return [np.asarray(row, dtype=dtype) for row in rows]


def _equal(got, want):
    return len(got) == len(want) and all(
        a.dtype == b.dtype and np.array_equal(a, b) for a, b in zip(got, want))


def test_the_documentation_s_append_and_scan_examples():
    tl, v = TypedListType(T.fvector)(), T.fvector()
    f = function([tl, v], tlist.append(tl, v))
    assert _equal(f([[1, 2, 3], [4, 5]], [2]), _arrays([1, 2, 3], [4, 5], [2]))
    a = TypedListType(T.fvector)()
    steps = T.arange(tlist.length(a), dtype="int64")
    sums, _ = graphlens.scan(fn=lambda i, tl: tl[i].sum(), non_sequences=[a], sequences=[steps])
    assert function([a], sums)([[1, 2, 3], [4, 5]]).tolist() == [6.0, 9.0]


def test_each_op_computes_a_new_list_and_leaves_its_input_alone():
    tl, other = TypedListType(T.dvector)("tl"), TypedListType(T.dvector)("other")
    x, i = T.dvector("x"), T.lscalar("i")
    f = function([tl, other, x, i],
                 [tl.extend(other), tl.insert(i, x), tl.reverse(), tl.count(x), tlist.index_(tl, x),
                  tlist.length(tl), tl[i], tl[1:], tl.remove(x)])
    items = _arrays([1.0], [2.0, 3.0], [1.0], [4.0], dtype="float64")
    extended, inserted, reversed_, count, index, length, item, tail, removed = f(
        items, _arrays([9.0], dtype="float64"), np.array([1.0]), 1)
    assert _equal(extended, items + _arrays([9.0], dtype="float64"))
    assert _equal(inserted, [items[0], np.array([1.0]), items[1], items[2], items[3]])
    assert _equal(reversed_, items[::-1]) and _equal(tail, items[1:])
    assert (int(count), int(index), int(length)) == (2, 0, 4)
    assert item.tolist() == [2.0, 3.0] and _equal(removed, items[1:])
    assert len(items) == 4                 # the input list is never changed


def test_make_list_lists_of_lists_and_filtering():
    a, b = T.dvector("a"), T.dvector("b")
    f = function([a, b], tlist.make_list([a, b]))
    assert _equal(f([1.0], [2.0, 3.0]), _arrays([1.0], [2.0, 3.0], dtype="float64"))
    nested = TypedListType(T.ivector, depth=1)
    assert nested.get_depth() == 1 and str(nested) == "TypedList <TypedList <int32[?]>>"
    assert nested.filter([[[1, 2]], []])[0][0].dtype == np.int32
    with pytest.raises(GraphlensTypeError, match="takes a list"):
        TypedListType(T.fvector).filter(np.ones(3))
    with pytest.raises(GraphlensTypeError, match="takes a list"):
        TypedListType(T.fvector).filter((np.ones(3, "float32"),), strict=True)
    assert TypedListType(T.fvector) == TypedListType(T.fvector) != TypedListType(T.dvector)


def test_wrong_elements_and_missing_values_are_named():
    tl = TypedListType(T.fvector)("tl")
    with pytest.raises(GraphlensTypeError, match="is not an element of TypedList <float32"):
        tlist.append(tl, T.dmatrix("m"))
    with pytest.raises(GraphlensTypeError, match="index must be an integer scalar"):
        tl[T.dscalar("s")]
    x = T.fvector("x")
    f = function([tl, x], tlist.index_(tl, x))
    with pytest.raises(EvaluationError, match="index: the value is not in the list"):
        f(_arrays([1.0]), np.array([5.0], "float32"))


def test_views_and_pickling():
    tl, v = TypedListType(T.fvector)("tl"), T.fvector("v")
    out = tlist.append(tl, v)
    assert pp(out) == "append(tl, v)"
    f = pickle.loads(pickle.dumps(function([tl, v], out)))
    assert _equal(f([[1.0]], [2.0]), _arrays([1.0], [2.0]))
