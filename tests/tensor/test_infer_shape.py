"""Each new op's `infer_shape` (read by rewrite/shapes.py) against the shape `perform` gives, and
the compiled `out.shape` never computing the op itself."""

import numpy as np
import pytest

import graphlens.tensor as T
from graphlens.tensor.blas import BatchedDot
from graphlens.tensor.diagonal import AllocDiag, ExtractDiag
from graphlens.tensor.elemwise import DimShuffle
from graphlens.tensor.extra_ops import CumProd, CumSum, Repeat
from graphlens.tensor.rearrange import Roll, Tile
from graphlens.tensor.sort import Argsort, ScatterAlongAxis, Searchsorted, Sort, TakeAlongAxis
from op_checks import check_infer_shape

MATRIX = np.arange(12.0).reshape(3, 4) - 4
CUBE = np.arange(24.0).reshape(2, 3, 4)
POSITIONS = np.array([[2, 0, 1, 1], [0, 0, 3, 2], [1, 2, 3, 0]])

# name: (build from variables, arrays, the op whose infer_shape answers)
CASES = {
    "sort": (lambda x: T.sort(x, axis=0), [MATRIX], Sort),
    "argsort": (lambda x: T.argsort(x), [MATRIX], Argsort),
    "cumsum": (lambda x: T.cumsum(x, axis=1), [MATRIX], CumSum),
    "cumprod": (lambda x: T.cumprod(x, axis=0), [MATRIX], CumProd),
    "repeat_scalar": (lambda x, n: T.repeat(x, n, axis=1), [MATRIX, np.array(3, "int32")],
                      Repeat),
    "repeat_vector": (lambda x, r: T.repeat(x, r, axis=0), [MATRIX, np.array([2, 0, 1])],
                      Repeat),
    "repeat_constant": (lambda x: T.repeat(x, [1, 2, 3, 0], axis=1), [MATRIX], Repeat),
    "tile": (lambda x, n: T.tile(x, (n, 1, 2)), [MATRIX, np.array(2, "int64")], Tile),
    "roll": (lambda x, k: T.roll(x, k, axis=1), [MATRIX, np.array(1, "int64")], Roll),
    "diagonal": (lambda x: T.diagonal(x, 1, 2, 0), [CUBE], ExtractDiag),
    "diagonal_short": (lambda x: T.diag(x, -2), [MATRIX], ExtractDiag),
    "diagonal_empty": (lambda x: T.diag(x, 9), [MATRIX], ExtractDiag),
    "alloc_diag": (lambda v: T.diag(v, -3), [np.arange(4.0)], AllocDiag),
    "batched_dot": (T.batched_dot, [CUBE, np.ones((2, 4, 5))], BatchedDot),
    "take_along_axis": (lambda x, p: TakeAlongAxis(1)(x, p), [MATRIX, POSITIONS],
                        TakeAlongAxis),
    "scatter_along_axis": (lambda x, p: ScatterAlongAxis(1)(x, p, x), [MATRIX, POSITIONS],
                           ScatterAlongAxis),
    "searchsorted": (lambda x, v: T.extra_ops.searchsorted(x, v), [np.arange(5.0), MATRIX],
                     Searchsorted),
    # A lone axis dropped, the rest swapped, one inserted (signal.conv2d's squeeze).
    "dimshuffle": (lambda x: T.addbroadcast(x, 1).dimshuffle(2, "x", 0),
                   [np.ones((2, 1, 3))], DimShuffle),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_infer_shape_agrees_with_perform_without_running_the_op(name):
    check_infer_shape(*CASES[name])
