"""The k largest (or smallest) elements along an axis: Theano 1.0's `TopKOp` and its functions
`topk`, `argtopk` and `topk_and_argtopk`, found at Theano's path `theano.tensor.sort`.

A positive kth takes the kth largest, a negative one the |kth| smallest. With `sorted=True`
(the default) the result runs from the most extreme element: largest first for kth > 0,
smallest first for kth < 0, ties in the order they stand in x. With `sorted=False` the order is
numpy's partition order, as Theano's CPU op gave it. The gradient sends each output gradient
back to the position its element came from.

>>> top3 = T.topk(x, 3)                   # [1, 9, 4, 7] -> [9, 7, 4]         # doctest: +SKIP
>>> where2 = T.argtopk(x, -2)             # the 2 smallest: positions [0, 2]  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphlens.errors import (GraphlensTypeError, InvalidArgumentError, ShapeError,
                              describe)
from graphlens.graph.basic import Apply, Constant
from graphlens.graph.markers import undefined
from graphlens.graph.notation import Func
from graphlens.graph.op import Op
from graphlens.graph.types import INTEGER_DTYPES, is_discrete
from graphlens.tensor.elemwise import call_site
from graphlens.tensor.extra_ops import single_axis
from graphlens.tensor.fill import zeros_like
from graphlens.tensor.math import abs as abs_
from graphlens.tensor.shape import flatten
from graphlens.tensor.sort import ScatterAlongAxis
from graphlens.tensor.type import TensorType
from graphlens.tensor.variable import as_tensor_variable


@dataclass(frozen=True)
class TopKOp(Op):
    """The |kth| largest (kth > 0) or smallest (kth < 0) elements of x along `axis` and their
    positions, as Theano 1.0's TopKOp: outputs (values, positions), or one of them when
    `return_values` or `return_indices` is False.

    >>> values, positions = TopKOp(axis=0)(x, 2)                 # doctest: +SKIP
    """

    axis: int = -1
    sorted: bool = True
    idx_dtype: str = "int64"
    return_values: bool = True
    return_indices: bool = True
    notation = Func("topk", params=("axis", "sorted", "idx_dtype", "return_values",
                                    "return_indices"))
    gradient_remedy = ("take the values too (T.topk, or T.topk_and_argtopk): the gradient "
                       "flows through the values to the elements chosen")

    @property
    def title(self):
        if not self.return_indices:
            return "topk"
        return "topk_and_argtopk" if self.return_values else "argtopk"

    @property
    def zero_gradient_reason(self):
        if self.return_values:
            return None
        return ("argtopk returns positions, piecewise constant in x: its derivative is 0")

    def make_node(self, x, kth):
        x, kth = as_tensor_variable(x), as_tensor_variable(kth)
        name = self.title
        self._check_props(name)
        if x.ndim == 0:
            raise ShapeError(f"{name} at {call_site()}: x must have at least one axis, got "
                             f"{describe(x)}")
        axis = single_axis(self.axis, x, name)
        if axis != self.axis:
            return TopKOp(axis, self.sorted, self.idx_dtype, self.return_values,
                          self.return_indices).make_node(x, kth)
        if x.dtype.startswith("complex"):
            raise GraphlensTypeError(f"{name} at {call_site()}: complex numbers have no order "
                                     f"to take the largest by, got {describe(x)}; take "
                                     f"abs(x) or x.real first")
        if kth.ndim != 0 or not is_discrete(kth.dtype) or kth.dtype == "bool":
            raise GraphlensTypeError(f"{name} at {call_site()}: kth must be an integer "
                                     f"scalar, got {describe(kth)}")
        length = None
        if isinstance(kth, Constant):
            length = abs(int(kth.data))
            _check_kth(name, int(kth.data), x.type.shape[axis], axis, f"at {call_site()}")
        shape = tuple(length if i == axis else d for i, d in enumerate(x.type.shape))
        outputs = []
        if self.return_values:
            outputs.append(TensorType(x.dtype, shape)())
        if self.return_indices:
            outputs.append(TensorType(self.idx_dtype, shape)())
        return Apply(self, [x, kth], outputs)

    def _check_props(self, name):
        # Theano's constructor refused these; here the node's building does, at the user's line.
        if not isinstance(self.axis, (int, np.integer)) or isinstance(self.axis, bool):
            raise GraphlensTypeError(f"{name} at {call_site()}: axis must be an int, got "
                                     f"{self.axis!r}")
        if self.idx_dtype not in INTEGER_DTYPES:
            raise GraphlensTypeError(f"{name} at {call_site()}: idx_dtype must be an integer "
                                     f"dtype {INTEGER_DTYPES}, got {self.idx_dtype!r}")
        if not (self.return_values or self.return_indices):
            raise InvalidArgumentError(f"TopKOp at {call_site()}: return_values and "
                                       f"return_indices are both False: no output")

    def infer_shape(self, node, input_shapes):
        x_shape, kth = input_shapes[0], node.inputs[1]
        length = abs(int(kth.data)) if isinstance(kth, Constant) else abs_(kth)
        shape = tuple(length if i == self.axis else d for i, d in enumerate(x_shape))
        return [shape] * len(node.outputs)

    def perform(self, node, inputs):
        x, kth = inputs
        kth = int(kth)
        _check_kth(self.title, kth, x.shape[self.axis], self.axis, f"for x of shape {x.shape}")
        positions = top_positions(x, kth, self.axis, self.sorted)
        results = []
        if self.return_values:
            results.append(np.take_along_axis(x, positions, axis=self.axis))
        if self.return_indices:
            results.append(positions.astype(self.idx_dtype, copy=False))
        return results

    def L_op(self, inputs, outputs, output_grads):
        x, kth = inputs
        kth_grad = undefined(kth, "kth counts the elements to take: an integer, with no "
                                  "derivative")
        if not self.return_values:
            return [zeros_like(x), kth_grad]
        if self.return_indices:
            positions = outputs[1]
        else:
            # The same selection as the values (same op props): the positions they came from.
            positions = TopKOp(self.axis, self.sorted, self.idx_dtype, return_values=False)(
                x, kth)
        return [ScatterAlongAxis(self.axis)(zeros_like(x), positions, output_grads[0]),
                kth_grad]


def _check_kth(name, kth, length, axis, where):
    """kth must be non-zero and at most the axis's length (when known) in size."""
    if kth == 0:
        raise InvalidArgumentError(f"{name} {where}: kth must not be 0 (a positive kth takes "
                                   f"the largest elements, a negative one the smallest)")
    if length is not None and abs(kth) > length:
        raise ShapeError(f"{name} {where}: kth={kth} asks for {abs(kth)} elements, but axis "
                         f"{axis} of x has only {length}")


def top_positions(x, kth, axis, ordered):
    """int64 positions along `axis` of the |kth| largest (kth > 0) or smallest (kth < 0) of x
    (NaN counts as the largest, as in numpy's sort).

    `ordered`: most extreme first, and of equal values the first ones in x, in x's order.
    Otherwise Theano 1.0's CPU result: numpy's partition order, which chooses among equal
    values arbitrarily; x's own order when |kth| is the axis's length; numpy's argmax or
    argmin for |kth| = 1 (which, unlike partition, stop at the first NaN).

    >>> top_positions(np.array([1.0, 9.0, 4.0, 7.0]), 2, 0, True)
    array([1, 3])
    """
    length, count = x.shape[axis], abs(kth)
    if ordered:
        return _extreme_first(x, _first_chosen(x, kth, axis), axis, kth > 0)
    if count == 1:
        pick = np.argmax if kth > 0 else np.argmin
        return np.expand_dims(pick(x, axis=axis), axis).astype("int64", copy=False)
    if count == length:
        lane = np.arange(length, dtype="int64").reshape((length,) + (1,) * (x.ndim - axis - 1))
        return np.ascontiguousarray(np.broadcast_to(lane, x.shape))
    if kth > 0:
        chosen = _along(np.argpartition(x, length - count, axis=axis), axis,
                        slice(length - count, None))
    else:
        chosen = _along(np.argpartition(x, count, axis=axis), axis, slice(None, count))
    return np.ascontiguousarray(chosen, dtype="int64")


def _along(a, axis, piece):
    return a[(slice(None),) * axis + (piece,)]


def _first_chosen(x, kth, axis):
    """Rising positions of the |kth| most extreme values in each lane along `axis`: those
    beyond the |kth|-th value, then the first of those equal to it, as many as still fit.
    Linear in x's size but for one partition (no full sort)."""
    length, count = x.shape[axis], abs(kth)
    at = length - count if kth > 0 else count - 1
    bound = _along(np.partition(x, at, axis=axis), axis, slice(at, at + 1))
    floating = x.dtype.kind in "fc"
    if kth > 0:
        beyond = x > bound
        if floating:                          # NaN is the largest, as partition placed it
            beyond |= np.isnan(x) & ~np.isnan(bound)
    else:
        beyond = x < bound
        if floating:                          # every number is below a NaN bound
            beyond |= ~np.isnan(x) & np.isnan(bound)
    equal = x == bound
    if floating:
        equal |= np.isnan(x) & np.isnan(bound)
    missing = count - beyond.sum(axis=axis, keepdims=True)
    chosen = beyond | (equal & (np.cumsum(equal, axis=axis) <= missing))
    # A stable sort of the mask (a linear counting sort for booleans) lists each lane's
    # chosen positions first, in rising order.
    return _along(np.argsort(~chosen, axis=axis, kind="stable"), axis, slice(None, count))


def _extreme_first(x, positions, axis, largest):
    """`positions` (rising along `axis`) reordered so their values run from the most extreme,
    equal values keeping their positions' order."""
    values = np.take_along_axis(x, positions, axis=axis)
    if largest:
        # A stable rising sort of the reversed run leaves equal values in falling position
        # order; read backwards, the values fall and equal ones are in rising position order.
        reversed_order = np.argsort(np.flip(values, axis), axis=axis, kind="stable")
        order = values.shape[axis] - 1 - np.flip(reversed_order, axis)
    else:
        order = np.argsort(values, axis=axis, kind="stable")
    return np.take_along_axis(positions, order, axis=axis).astype("int64", copy=False)


def _flat_or_axis(x, axis):
    x = as_tensor_variable(x)
    if axis is None:           # Theano's: the flattened x, along its one axis
        return (flatten(x) if x.ndim != 1 else x), 0
    return x, axis


def topk(x, kth, axis=-1, sorted=True, idx_dtype="int64"):
    """The kth largest elements of x along `axis` (the |kth| smallest for kth < 0; the
    flattened x for axis None), as Theano's theano.tensor.sort.topk; x's dtype.

    >>> T.topk(T.dvector('v'), 2)            # [1, 9, 4, 7] -> [9, 7]        # doctest: +SKIP
    """
    x, axis = _flat_or_axis(x, axis)
    return TopKOp(axis, sorted, idx_dtype, return_indices=False)(x, kth)


def argtopk(x, kth, axis=-1, sorted=True, idx_dtype="int64"):
    """The positions along `axis` of topk(x, kth, ...), in `idx_dtype`.

    >>> T.argtopk(T.dvector('v'), -2)        # [1, 9, 4, 7] -> [0, 2]        # doctest: +SKIP
    """
    x, axis = _flat_or_axis(x, axis)
    return TopKOp(axis, sorted, idx_dtype, return_values=False)(x, kth)


def topk_and_argtopk(x, kth, axis=-1, sorted=True, idx_dtype="int64"):
    """(topk(x, kth, ...), argtopk(x, kth, ...)) from one op, as Theano's.

    >>> values, positions = T.topk_and_argtopk(T.dmatrix('m'), 3, axis=0)  # doctest: +SKIP
    """
    x, axis = _flat_or_axis(x, axis)
    values, positions = TopKOp(axis, sorted, idx_dtype)(x, kth)
    return values, positions
