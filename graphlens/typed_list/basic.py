"""Theano's `theano.typed_list`: symbolic Python lists whose elements all have one type.

`TypedListType(T.fvector)()` is a list of float32 vectors; its ops (`append`, `extend`, `insert`,
`remove`, `reverse`, `index_`, `count`, `length`, `getitem`, `make_list`) build new lists and
read them, as Theano's did (none has a gradient in Theano either). A function takes and returns
Python lists of arrays.

>>> tl = TypedListType(T.fvector)(); v = T.fvector()
>>> function([tl, v], append(tl, v))([[1, 2, 3], [4, 5]], [2])      # doctest: +SKIP
[array([1., 2., 3.], dtype=float32), array([4., 5.], dtype=float32), array([2.], dtype=float32)]
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

from graphlens.errors import GraphlensTypeError, describe, where
from graphlens.graph.basic import Apply, Constant, Variable
from graphlens.graph.notation import Func
from graphlens.graph.op import Op
from graphlens.graph.types import Type, is_discrete
from graphlens.tensor.type import TensorType
from graphlens.tensor.variable import as_tensor_variable, constant


class TypedListType(Type):
    """The type of lists whose elements are of type `ttype` (a tensor type, or with `depth`
    lists of lists: `TypedListType(T.dvector, depth=1)` holds lists of lists of vectors)."""

    # Values are Python lists of arrays, not arrays.
    array_values = False

    def __init__(self, ttype, depth=0):
        if depth < 0:
            raise GraphlensTypeError(f"TypedListType: depth must be >= 0, got {depth}")
        if not isinstance(ttype, Type):
            raise GraphlensTypeError(f"TypedListType: the element type must be a type "
                                     f"(T.fvector, ...), got {ttype!r:.60}")
        self.ttype = TypedListType(ttype, depth - 1) if depth else ttype

    def filter(self, x, strict=False, allow_downcast=None, **_):
        """`x` as a list of this type's elements, each checked (and converted unless
        `strict`) by the element type."""
        if strict and not isinstance(x, list):
            raise GraphlensTypeError(f"{self} takes a list, got {type(x).__name__}")
        if not isinstance(x, (list, tuple)):
            raise GraphlensTypeError(f"{self} takes a list (or tuple), got "
                                     f"{type(x).__name__} {x!r:.60}")
        if isinstance(self.ttype, TypedListType):
            return [self.ttype.filter(item, strict, allow_downcast) for item in x]
        return [self.ttype.filter(item, allow_downcast=bool(allow_downcast),
                                  what=f"element {i} of the list")
                for i, item in enumerate(x)]

    def __eq__(self, other):
        return type(other) is type(self) and other.ttype == self.ttype

    def __hash__(self):
        return hash((type(self), self.ttype))

    def __str__(self):
        return f"TypedList <{self.ttype}>"

    __repr__ = __str__

    def get_depth(self) -> int:
        """How many lists the elements sit in beyond the first (0 for a list of tensors)."""
        return self.ttype.get_depth() + 1 if isinstance(self.ttype, TypedListType) else 0

    def make_variable(self, name=None):
        return TypedListVariable(self, None, None, name)

    def values_eq(self, a, b) -> bool:
        if len(a) != len(b):
            return False
        if isinstance(self.ttype, TypedListType):
            return all(self.ttype.values_eq(x, y) for x, y in zip(a, b))
        return all(np.array_equal(x, y) for x, y in zip(a, b))

    def values_eq_approx(self, a, b) -> bool:
        if len(a) != len(b):
            return False
        if isinstance(self.ttype, TypedListType):
            return all(self.ttype.values_eq_approx(x, y) for x, y in zip(a, b))
        return all(x.shape == y.shape and np.allclose(x, y) for x, y in zip(a, b))

    def copy_value(self, value):
        return copy.deepcopy(value)


class _ListOperators:
    """Theano's list methods on a symbolic list (`tl.append(x)`, `tl[i]`), each building its op
    below. (`tl.index` is the variable's output position, as in Theano: use `index_(tl, x)`.)"""

    @property
    def ttype(self):
        return self.type.ttype

    def __getitem__(self, index):
        return getitem(self, index)

    def append(self, item):
        return append(self, item)

    def extend(self, other):
        return extend(self, other)

    def insert(self, index, item):
        return insert(self, index, item)

    def remove(self, item):
        return remove(self, item)

    def reverse(self):
        return reverse(self)

    def count(self, item):
        return count(self, item)



class TypedListVariable(_ListOperators, Variable):
    """A symbolic list (Theano's class)."""

    __hash__ = Variable.__hash__


class TypedListConstant(_ListOperators, Constant):
    """A list known when the graph is built (Theano's class)."""

    __hash__ = Constant.__hash__


def _as_list(op_name, value):
    if not isinstance(getattr(value, "type", None), TypedListType):
        raise GraphlensTypeError(f"{op_name}: the first input must be a typed list "
                                 f"(TypedListType(...)()), got {describe_value(value)}")
    return value


def describe_value(value) -> str:
    return describe(value) if isinstance(value, Variable) else f"{value!r:.60}"


def _element(op_name, lst, value):
    """`value` as an element of `lst` (converted to its element type), or an error."""
    wanted = lst.ttype
    var = value if isinstance(value, Variable) else as_tensor_variable(value)
    if isinstance(var, Constant) and isinstance(wanted, TensorType):
        var = constant(np.asarray(var.data, dtype=wanted.dtype))
    if var.type != wanted and not (isinstance(wanted, TensorType) and var.ndim == wanted.ndim
                                   and var.dtype == wanted.dtype):
        raise GraphlensTypeError(f"{op_name}: {describe(var)} is not an element of {lst.type}")
    return var


def _list_and_element(op_name, lst, item):
    """(lst, item) checked: a typed list, and an element of its type."""
    lst = _as_list(op_name, lst)
    return lst, _element(op_name, lst, item)


def _equal_values(ttype):
    """How two elements of a list of `ttype` compare (Theano's values_eq)."""
    return ttype.values_eq if isinstance(ttype, TypedListType) else np.array_equal


def _index(op_name, value):
    index = as_tensor_variable(value)
    if index.ndim != 0 or not is_discrete(index.dtype):
        raise GraphlensTypeError(f"{op_name}: the index must be an integer scalar, got "
                                 f"{describe_value(value)}")
    return index


@dataclass(frozen=True)
class GetItem(Op):
    """`tl[i]`: the element at integer index i; with `slice` (start, stop, step), the sub-list."""

    slice: tuple | None = None
    notation = Func("getitem", params=("slice",))

    def make_node(self, lst, *index):
        lst = _as_list("getitem", lst)
        if self.slice is not None:
            return Apply(self, [lst], [lst.type()])
        return Apply(self, [lst, _index("getitem", index[0])], [lst.ttype()])

    def perform(self, node, inputs):
        if self.slice is not None:
            return [list(inputs[0][slice(*self.slice)])]
        lst, i = inputs
        return [lst[int(i)]]


@dataclass(frozen=True)
class Append(Op):
    """`tl.append(x)`: a new list, tl with x at its end (tl itself unchanged)."""

    notation = Func("append")

    def make_node(self, lst, item):
        lst, item = _list_and_element("append", lst, item)
        return Apply(self, [lst, item], [lst.type()])

    def perform(self, node, inputs):
        lst, item = inputs
        return [list(lst) + [item]]


@dataclass(frozen=True)
class Extend(Op):
    """`tl.extend(other)`: a new list, tl then the elements of other."""

    notation = Func("extend")

    def make_node(self, lst, other):
        lst, other = _as_list("extend", lst), _as_list("extend", other)
        if other.type != lst.type:
            raise GraphlensTypeError(f"extend: {describe(other)} is not a {lst.type}")
        return Apply(self, [lst, other], [lst.type()])

    def perform(self, node, inputs):
        lst, other = inputs
        return [list(lst) + list(other)]


@dataclass(frozen=True)
class Insert(Op):
    """`tl.insert(i, x)`: a new list with x before position i."""

    notation = Func("insert")

    def make_node(self, lst, index, item):
        lst = _as_list("insert", lst)
        return Apply(self, [lst, _index("insert", index), _element("insert", lst, item)],
                     [lst.type()])

    def perform(self, node, inputs):
        lst, index, item = inputs
        out = list(lst)
        out.insert(int(index), item)
        return [out]


def _position(op_name, lst, item, node) -> int:
    """Where `item` first is in `lst` (equal values), or a ValueError naming the node."""
    same = _equal_values(node.inputs[0].type.ttype)
    for i, element in enumerate(lst):
        if same(element, item):
            return i
    raise ValueError(f"{op_name}: the value is not in the list (built at "
                     f"{where(node.outputs[0])})")


@dataclass(frozen=True)
class Remove(Op):
    """`tl.remove(x)`: a new list without the first element equal to x (ValueError if none)."""

    notation = Func("remove")

    def make_node(self, lst, item):
        lst, item = _list_and_element("remove", lst, item)
        return Apply(self, [lst, item], [lst.type()])

    def perform(self, node, inputs):
        lst, item = inputs
        out = list(lst)
        del out[_position("remove", lst, item, node)]
        return [out]


@dataclass(frozen=True)
class Reverse(Op):
    """`tl.reverse()`: a new list, tl's elements in reverse order."""

    notation = Func("reverse")

    def make_node(self, lst):
        lst = _as_list("reverse", lst)
        return Apply(self, [lst], [lst.type()])

    def perform(self, node, inputs):
        return [list(reversed(inputs[0]))]


@dataclass(frozen=True)
class Index(Op):
    """`tl.index(x)`: the position of the first element equal to x (int64; ValueError if none)."""

    notation = Func("index")

    def make_node(self, lst, item):
        lst, item = _list_and_element("index", lst, item)
        return Apply(self, [lst, item], [TensorType("int64", ())()])

    def perform(self, node, inputs):
        lst, item = inputs
        return [np.asarray(_position("index", lst, item, node), dtype="int64")]


@dataclass(frozen=True)
class Count(Op):
    """`tl.count(x)`: how many elements equal x (int64)."""

    notation = Func("count")

    def make_node(self, lst, item):
        lst, item = _list_and_element("count", lst, item)
        return Apply(self, [lst, item], [TensorType("int64", ())()])

    def perform(self, node, inputs):
        lst, item = inputs
        same = _equal_values(node.inputs[0].type.ttype)
        return [np.asarray(sum(1 for element in lst if same(element, item)), dtype="int64")]


@dataclass(frozen=True)
class Length(Op):
    """`length(tl)`: how many elements tl has (int64)."""

    notation = Func("length")

    def make_node(self, lst):
        lst = _as_list("length", lst)
        return Apply(self, [lst], [TensorType("int64", ())()])

    def perform(self, node, inputs):
        return [np.asarray(len(inputs[0]), dtype="int64")]


@dataclass(frozen=True)
class MakeList(Op):
    """`make_list([a, b])`: a typed list of the given variables, which share one type."""

    notation = Func("make_list")

    def make_node(self, *items):
        items = [item if isinstance(item, Variable) else as_tensor_variable(item)
                 for item in items]
        if not items:
            raise GraphlensTypeError("make_list: give at least one element (its type is the "
                                     "list's)")
        first = items[0].type
        for item in items[1:]:
            if item.type != first and not (isinstance(first, TensorType) and isinstance(
                    item.type, TensorType) and (item.dtype, item.ndim) == (first.dtype,
                                                                           first.ndim)):
                raise GraphlensTypeError(f"make_list: {describe(item)} is not of the type of "
                                         f"{describe(items[0])} ({first})")
        ttype = TensorType(first.dtype, (None,) * first.ndim) \
            if isinstance(first, TensorType) else first
        return Apply(self, items, [TypedListType(ttype)()])

    def perform(self, node, inputs):
        return [list(inputs)]


def getitem(lst, index):
    """`tl[index]`: an element for an integer index, a sub-list for a slice of ints."""
    if isinstance(index, slice):
        parts = tuple(None if v is None else int(v)
                      for v in (index.start, index.stop, index.step))
        return GetItem(parts)(lst)
    return GetItem()(lst, index)


append, extend, insert, remove = Append(), Extend(), Insert(), Remove()
reverse, index_, count, length, make_list_op = Reverse(), Index(), Count(), Length(), MakeList()


def make_list(items):
    """A typed list of `items` (variables of one type, or arrays): `make_list([a, b])`."""
    return make_list_op(*items)
