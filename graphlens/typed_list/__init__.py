"""Theano's `theano.typed_list`: symbolic lists of arrays (graphlens/typed_list/basic.py).

>>> tl = TypedListType(T.fvector)()
"""

from graphlens.typed_list.basic import (  # noqa: F401
    Append, Count, Extend, GetItem, Index, Insert, Length, MakeList, Remove, Reverse,
    TypedListConstant, TypedListType, TypedListVariable, append, count, extend, getitem, index_,
    insert, length, make_list, remove, reverse)
from graphlens.typed_list import basic, type  # noqa: F401,A004
