"""Checks of plain Python arguments (an axis, a count of axes) before a graph is built with them.

A float or a string where an int belongs would otherwise fail deep inside as a raw TypeError
("'<=' not supported between instances of 'int' and 'str'"); here it is a GraphlensTypeError
naming the function and the argument (and, through errors.py, the user's line).

>>> int_argument(2, "flatten", "ndim")
2
"""

from __future__ import annotations

import numpy as np

from graphlens.errors import GraphlensTypeError


def int_argument(value, function: str, argument: str) -> int:
    """`value` as an int when it is one (a Python or numpy integer, not a bool), else a clear
    GraphlensTypeError: `flatten: ndim must be an int, got 1.5`."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise GraphlensTypeError(f"{function}: {argument} must be an int, got {value!r:.40}")
    return int(value)


def int_arguments(values, function: str, argument: str) -> list[int]:
    """Each of `values` (a sequence) checked by `int_argument`."""
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise GraphlensTypeError(f"{function}: {argument} must be a sequence of ints, got "
                                 f"{values!r:.40}")
    return [int_argument(value, function, argument) for value in values]
