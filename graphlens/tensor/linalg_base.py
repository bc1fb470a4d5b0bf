"""What the linear-algebra ops share: the dtype they compute in, the matrix checks (at build
and at run time) and the gradient fold for ops that read one triangle of a symmetric input.
Used by nlinalg.py, decompositions.py and slinalg.py.
"""

from __future__ import annotations



from graphlens.config import config
from graphlens.errors import ShapeError, describe
from graphlens.tensor.diagonal import AllocDiag, ExtractDiag, tril, triu
from graphlens.tensor.elemwise import call_site
from graphlens.tensor.variable import as_tensor_variable

extract_diag = ExtractDiag()        # Theano's names for the diagonal ops (tensor/diagonal.py)
alloc_diag = AllocDiag()


def float_dtype(x):
    """The dtype a decomposition of x computes in: x's for floats and complex, floatX for ints
    (numpy would give float64 there; graphlens keeps floatX, as for int / int)."""
    return x.dtype if x.dtype.startswith(("float", "complex")) else config.floatX


def matrix_input(x, name, square=True):
    """x as a matrix variable, refused (naming `name`, x and the user's line) when it is not a
    matrix or, with `square`, when its static lengths differ."""
    x = as_tensor_variable(x)
    if x.ndim != 2:
        raise ShapeError(f"{name} at {call_site()} takes a matrix, got {describe(x)}")
    rows, cols = x.type.shape
    if square and rows is not None and cols is not None and rows != cols:
        raise ShapeError(f"{name} at {call_site()} takes a square matrix, got {describe(x)}")
    return x


def check_square(array, name):
    """The run-time half of matrix_input's check, for lengths unknown when the graph was built."""
    if array.ndim != 2 or array.shape[0] != array.shape[1]:
        raise ShapeError(f"{name} takes a square matrix, got one of shape {array.shape}")


def fold_onto_triangle(g, lower):
    """The gradient for an op that reads only one triangle of its symmetric input: the entry
    (i, j) stands for both (i, j) and (j, i), so it gets both gradients; the other triangle 0."""
    if lower:
        return tril(g) + triu(g, 1).T
    return triu(g) + tril(g, -1).T
