"""The dtype table and upcasting rules, and the `Type` base of variable types.

Upcasting follows numpy's promotion of array dtypes (Theano's rule for arrays), with two
refinements users of Theano rely on, written down in docs/upcasting.md:
- Python numbers are *weak*: `fvector + 2.0` stays float32, `bvector + 1` stays int8.
- True division of integers gives floatX, not always float64.
"""

from __future__ import annotations

import functools

import numpy as np

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


@functools.lru_cache(maxsize=4096)
def _upcast(dtypes):
    return str(np.result_type(*[np.dtype(d) for d in dtypes]))


def upcast_with_weak(strong: list[str], weak: list[str], float_x: str) -> str:
    """Result dtype when some operands are Python numbers (`weak`: their dtypes as constants).

    A weak operand only decides the *kind*: an int array with a Python float becomes floatX,
    a bool array with a Python int becomes int64; otherwise the arrays' dtype wins.

    >>> upcast_with_weak(['float32'], ['float64'], 'float64')
    'float32'
    >>> upcast_with_weak(['int8'], ['float64'], 'float32')
    'float32'
    """
    if not strong:
        return upcast(*weak)
    result = upcast(*strong)
    kinds = {np.dtype(d).kind for d in weak}
    kind = np.dtype(result).kind
    if "c" in kinds and kind != "c":
        return upcast(result, "complex64") if kind == "f" else "complex128"
    if "f" in kinds and kind in "biu":
        return float_x
    if kinds & set("iu") and kind == "b":
        return "int64"
    return result


class Type:
    """Base of variable types: a type is immutable and compares by value."""

    def filter(self, value, *, strict=False, allow_downcast=False):
        """`value` converted to this type, or a GraphlensTypeError saying why it cannot be."""
        raise NotImplementedError

    def __call__(self, name=None):
        raise NotImplementedError
