"""The dtype table and upcasting rules, and the `Type` base of variable types.

Upcasting follows numpy's promotion of array dtypes (Theano's rule), and Python number literals
take Theano 1.0's dtypes first (`autocast_float`, `autocast_int`), so `fvector + 2.0` stays
float32 and `bvector + 1` int8: docs/upcasting.md has the rules and the table.
"""

from __future__ import annotations

import copy
import functools
import struct

import numpy as np

from graphlens.errors import GraphlensTypeError, NotATensorError
from graphlens.graph.basic import Variable

# Theano's type prefixes, as in T.dscalar, T.ivector, T.fmatrix.
PREFIX_DTYPES = {
    "b": "int8", "w": "int16", "i": "int32", "l": "int64",
    "f": "float32", "d": "float64", "c": "complex64", "z": "complex128",
}

ALL_DTYPES = (
    "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float16", "float32", "float64", "complex64", "complex128",
)
INTEGER_DTYPES = tuple(d for d in ALL_DTYPES if d.startswith(("int", "uint")))
DISCRETE_DTYPES = ("bool",) + INTEGER_DTYPES
FLOAT_DTYPES = ("float16", "float32", "float64")
COMPLEX_DTYPES = ("complex64", "complex128")


def is_discrete(dtype: str) -> bool:
    """True for bool and integer dtypes: no gradient flows into them."""
    return dtype in DISCRETE_DTYPES


def is_float(dtype: str) -> bool:
    """True for real floating dtypes."""
    return dtype in FLOAT_DTYPES


def upcast(*dtypes: str) -> str:
    """The dtype of an arithmetic result of arrays of `dtypes` (numpy's promotion).

    >>> upcast('int8', 'float32'), upcast('int32', 'float32'), upcast('int8', 'int16')
    ('float32', 'float64', 'int16')
    """
    return _upcast(tuple(str(d) for d in dtypes))


def upcast_names(dtypes: list) -> str:
    """`upcast` of a list of dtype names (str), as graph builders have them: without a
    conversion per name, and the common case of one dtype without a look-up.

    >>> upcast_names(['float32', 'float32']), upcast_names(['int8', 'float32'])
    ('float32', 'float32')
    """
    first = dtypes[0]
    for dtype in dtypes:
        if dtype != first:
            return _upcast(tuple(dtypes))
    return first


@functools.lru_cache(maxsize=4096)
def _upcast(dtypes):
    return str(np.result_type(*[np.dtype(d) for d in dtypes]))


def autocast_float(value: float, float_x: str) -> str:
    """The dtype of a Python float literal, as Theano 1.0's `autocast_float`.

    With floatX float32 (or float16) a literal is floatX. With floatX float64 it is float32
    when float32 holds it exactly and float64 otherwise, so `fvector * 2.5` stays float32
    while `fvector * 0.1` is float64 (0.1 is not exact in float32).

    >>> autocast_float(2.5, 'float64'), autocast_float(0.1, 'float64')
    ('float32', 'float64')
    >>> autocast_float(0.1, 'float32')
    'float32'
    """
    if AUTOCAST_FLOAT.dtypes != AUTOCAST_FLOAT.default:
        # Set by autocast_float_as: the first of the dtypes that holds the value, else the last.
        for dtype in AUTOCAST_FLOAT.dtypes:
            with np.errstate(over="ignore"):
                if np.asarray(value, dtype=dtype) == value:
                    return dtype
        return AUTOCAST_FLOAT.dtypes[-1]
    if float_x != "float64":
        return float_x
    # Rounded to float32 as C (and numpy) round, compared as Python floats: numpy would compare
    # a float32 with a Python float in float32. Beyond float32's range `pack` refuses (numpy
    # gives inf), and NaN is never equal to itself: both are float64, as in Theano.
    try:
        exact = _FLOAT32.unpack(_FLOAT32.pack(value))[0] == value
    except OverflowError:
        exact = False
    return "float32" if exact else "float64"


_FLOAT32 = struct.Struct("f")


class _AutocastFloat:
    """Theano's `scalar.autocast_float`: the dtypes Python float literals are tried in
    (`.dtypes`); Theano's default, ('float16', 'float32', 'float64'), means the rule of
    `autocast_float` above. `scalar.autocast_float_as('float32')` changes them for a while.

    >>> AUTOCAST_FLOAT(0.1)
    'float64'
    """

    default = ("float16", "float32", "float64")

    def __init__(self):
        self.dtypes = self.default

    def __call__(self, value, float_x="float64"):
        return autocast_float(value, float_x)


AUTOCAST_FLOAT = _AutocastFloat()


def autocast_int(value: int) -> str:
    """The dtype of a Python int literal, as Theano 1.0's `autocast_int`: the narrowest of int8,
    int16, int32, int64 that holds it (uint64 beyond int64).

    >>> autocast_int(1), autocast_int(300), autocast_int(2**40)
    ('int8', 'int16', 'int64')
    """
    for dtype in ("int8", "int16", "int32", "int64"):
        limits = np.iinfo(dtype)
        if limits.min <= value <= limits.max:
            return dtype
    return "uint64"


class Type:
    """Base of variable types: a type is immutable and compares by value.

    A type written as Theano's "Making the double type" tutorial writes it (a subclass of
    `gof.Type` giving `filter`, maybe `values_eq_approx`) works as it did in Theano: its values
    are whatever `filter` returns (Python floats for `double`), `double('x')` makes a variable,
    and two instances are equal only when the class says so.

    >>> class Double(Type):
    ...     def filter(self, x, strict=False, allow_downcast=None):
    ...         return float(x)
    >>> Double()('x').type.filter(3)
    3.0
    """

    # Values of this type are numpy arrays. A type whose values are not (a scipy.sparse
    # matrix, a Theano-style type's Python objects) says False and offers `copy_value(value)`:
    # compiled functions copy such an output with it, printers show such a constant by its
    # type, updates and givens of such a variable take only a variable of the same type.
    array_values = True

    def __init__(self):
        if type(self) is Type:
            # Theano's tutorial also makes `double = gof.Type()` and gives it a filter.
            self.array_values = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # A type written for Theano directly on gof.Type holds Python objects, not arrays,
        # unless it says otherwise (graphlens's own types, TensorType, SparseType, say so).
        if Type in cls.__bases__ and not cls.__module__.startswith("graphlens.") \
                and "array_values" not in cls.__dict__:
            cls.array_values = False

    def filter(self, value, *, strict=False, allow_downcast=False):
        """`value` converted to this type, or a GraphlensTypeError saying why it cannot be."""
        raise GraphlensTypeError(f"{self} gives no filter: values cannot be checked or "
                                 f"converted to it (define filter(self, x, strict=False, "
                                 f"allow_downcast=None))")

    def make_variable(self, name=None):
        """A new symbolic variable of this type (Theano's name; `type(name)` calls it)."""
        return Variable(self, None, None, name)

    def __call__(self, name=None):
        return self.make_variable(name)

    def fits(self, other) -> bool:
        """True when a variable of type `other` can stand where this type is expected."""
        return self == other

    def copy_value(self, value):
        """A copy of a value of this type, for a function's output that must not alias it."""
        return copy.deepcopy(value)

    def values_eq(self, a, b) -> bool:
        """True when two values of this type are equal (Theano's name)."""
        return bool(a == b)

    def values_eq_approx(self, a, b) -> bool:
        """True when two values of this type are equal up to rounding (Theano's name)."""
        return self.values_eq(a, b)


class Generic(Type):
    """The type of any Python object (Theano's `gof.type.Generic`, its instance `generic`):
    what `shared` holds when the value is no array of numbers (a string, a dict). Its filter
    takes every value as it is.

    >>> generic.filter({'epoch': 3})
    {'epoch': 3}
    """

    array_values = False

    def filter(self, value, *, strict=False, allow_downcast=False, what="value"):
        """Any object, unchanged."""
        return value

    def __eq__(self, other):
        return type(self) is type(other)

    def __hash__(self):
        return hash(type(self))

    def __str__(self):
        return "generic"

    __repr__ = __str__

    # A tensor's attributes asked of a Python object's type (arithmetic on a shared dict, say):
    # a TypeError saying so, which is also the AttributeError `getattr(t, 'dtype', None)` expects.
    def _not_a_tensor(self, what):
        raise NotATensorError(f"a variable of type generic holds a Python object, not an array: "
                              f"it has no {what}, and tensor operations cannot use it")

    dtype = property(lambda self: self._not_a_tensor("dtype"))
    ndim = property(lambda self: self._not_a_tensor("rank"))
    shape = property(lambda self: self._not_a_tensor("shape"))
    broadcastable = property(lambda self: self._not_a_tensor("broadcastable pattern"))


generic = Generic()
