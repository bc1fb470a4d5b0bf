"""Theano's index bookkeeping from `theano.tensor.extra_ops`: `Unique` (numpy.unique of the
flattened input, with first indices, inverse and counts), `unravel_index` and
`ravel_multi_index` (flat index <-> one index per axis, as numpy's).

Their outputs are integers or values picked by position, so no gradient flows through them:
`Unique` says why (undefined), the index ops have integer inputs only.

>>> values, counts = unique(T.ivector('labels'), return_counts=True)     # doctest: +SKIP
>>> rows, cols = unravel_index(T.argmax(m), m.shape)                      # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphlens.errors import GraphlensTypeError, InvalidArgumentError, ShapeError, describe
from graphlens.graph.basic import Apply
from graphlens.graph.markers import disconnected, undefined
from graphlens.graph.notation import Func
from graphlens.graph.op import Op
from graphlens.graph.types import is_discrete
from graphlens.tensor.elemwise import call_site
from graphlens.tensor.reduce import prod
from graphlens.tensor.shape import _shape_vector
from graphlens.tensor.specify_shape import specify_shape
from graphlens.tensor.type import TensorType
from graphlens.tensor.variable import as_tensor_variable


def broadcast_lengths(out_shape, declared, given):
    """The lengths of a broadcast result for infer_shape: per axis, its static length, else
    the length of an input not declared broadcastable there (a static 1 is broadcast; a length
    1 found only at run time on another axis is refused when the op runs, as elementwise ops
    do). `declared` and `given` are each input's static shape and lengths, right-aligned."""
    lengths = []
    for axis, static in enumerate(out_shape):
        offset = len(out_shape) - axis
        if static is not None:
            lengths.append(static)
            continue
        lengths.append(next(lens[-offset] for shape, lens in zip(declared, given)
                            if len(shape) >= offset and shape[-offset] != 1))
    return tuple(lengths)


def check_declared_broadcast(name, declared, actual, out_shape, node):
    """Refuse numpy's silent broadcast of an axis not declared broadcastable (static 1): the
    inferred shapes and the gradients' sums rely on the declared pattern."""
    for shape, found in zip(declared, actual):
        for offset in range(1, len(shape) + 1):
            if found[-offset] == 1 and shape[-offset] != 1 and out_shape[-offset] != 1:
                raise ShapeError(f"{name}: an input has length 1 on axis "
                                 f"{len(out_shape) - offset} at run time, but that axis was "
                                 f"not declared broadcastable (shapes {list(actual)}); declare "
                                 f"it (T.row(), x.dimshuffle('x', 0)); built at "
                                 f"{describe(node.outputs[0])}")


@dataclass(frozen=True)
class Unique(Op):
    """numpy.unique of x flattened (or, with `axis`, of its slices along that axis): the sorted
    distinct values, then, as asked, the index of each value's first occurrence, the inverse
    (for every element of x, or slice, the position of its value) and the counts; the index
    outputs are int64.

    >>> Unique(True, True, False)(T.vector('x'))     # [values, first index, inverse]  # doctest: +SKIP
    """

    return_index: bool = False
    return_inverse: bool = False
    return_counts: bool = False
    axis: int | None = None
    notation = Func("unique", params=("return_index", "return_inverse", "return_counts",
                                      "axis"))

    def make_node(self, x):
        x = as_tensor_variable(x)
        if self.axis is not None:
            if not -x.ndim <= self.axis < x.ndim:
                raise InvalidArgumentError(f"unique at {call_site()}: axis {self.axis} is out "
                                           f"of range for {describe(x)}")
            if self.axis < 0:
                return Unique(self.return_index, self.return_inverse, self.return_counts,
                              self.axis % x.ndim).make_node(x)
            values_shape = tuple(None if i == self.axis else n
                                 for i, n in enumerate(x.type.shape))
            size = x.type.shape[self.axis]
        else:
            values_shape = (None,)
            size = int(np.prod(x.type.shape)) if None not in x.type.shape else None
        outputs = [TensorType(x.dtype, values_shape)()]
        outputs += [TensorType("int64", (None,))() for flag in
                    (self.return_index, self.return_counts) if flag]
        if self.return_inverse:
            outputs.insert(1 + self.return_index, TensorType("int64", (size,))())
        return Apply(self, [x], outputs)

    def infer_shape(self, node, input_shapes):
        """Only the inverse's length is known without computing: one entry per element of x
        (per slice along `axis`). The other lengths are the number of distinct values (None:
        not inferable)."""
        lengths = [None] * len(node.outputs)
        if self.return_inverse:
            lengths[1 + self.return_index] = (
                (input_shapes[0][self.axis],) if self.axis is not None
                else (prod(_shape_vector(list(input_shapes[0]))),))
        return lengths

    def perform(self, node, inputs):
        (x,) = inputs
        found = np.unique(x, return_index=self.return_index, return_inverse=self.return_inverse,
                          return_counts=self.return_counts, axis=self.axis)
        found = found if isinstance(found, tuple) else (found,)
        # numpy 2 shapes the inverse like x; Theano's is flat, one entry per element.
        return [np.asarray(value, dtype=out.type.dtype).reshape(
                    value.shape if position == 0 and self.axis is not None else -1)
                for position, (value, out) in enumerate(zip(found, node.outputs))]

    def grad(self, inputs, output_grads):
        return [undefined(inputs[0], "unique sorts and merges equal values: a small change "
                                     "of x splits or reorders them, so unique(x) has no "
                                     "derivative")]


def unique(ar, return_index=False, return_inverse=False, return_counts=False, axis=None):
    """numpy.unique for a symbolic tensor (flattened, or its slices along `axis`): the values
    alone, or a list [values, index?, inverse?, counts?] as asked.

    >>> values, inverse = unique(T.ivector('y'), return_inverse=True)     # doctest: +SKIP
    """
    return Unique(bool(return_index), bool(return_inverse), bool(return_counts),
                  None if axis is None else int(axis))(ar)


def _integers(var, what, name):
    var = as_tensor_variable(var)
    if not is_discrete(var.dtype) or var.dtype == "bool":
        raise GraphlensTypeError(f"{name} at {call_site()}: {what} must be integers, got "
                                 f"{describe(var)}")
    return var


def _dims(dims, name, length=None):
    """dims as an int vector of static length (the number of outputs depends on it); `length`,
    when the caller knows it (Theano's ndim=), declares a symbolic vector's length."""
    if isinstance(dims, (tuple, list)):
        dims = _shape_vector(list(dims))
    dims = _integers(dims, "dims", name)
    if length is not None and dims.ndim == 1 and dims.type.shape[0] is None:
        dims = specify_shape(dims, (int(length),))
    if dims.ndim != 1 or dims.type.shape[0] is None:
        raise InvalidArgumentError(f"{name} at {call_site()}: dims must be a tuple or a vector "
                                   f"of known length, got {describe(dims)}")
    return dims


def _order(order, name):
    if order not in ("C", "F"):
        raise InvalidArgumentError(f"{name} at {call_site()}: order must be 'C' or 'F', got "
                                   f"{order!r}")
    return order


@dataclass(frozen=True)
class UnravelIndex(Op):
    """numpy.unravel_index: flat indices into a shape `dims` -> one int64 index per axis, each
    shaped like `indices`."""

    ndim: int
    order: str = "C"
    notation = Func("unravel_index", params=("order",))

    def make_node(self, indices, dims):
        indices = _integers(indices, "indices", "unravel_index")
        dims = _dims(dims, "unravel_index")
        outputs = [TensorType("int64", indices.type.shape)() for _ in range(self.ndim)]
        return Apply(self, [indices, dims], outputs)

    def infer_shape(self, node, input_shapes):
        """Every output has the shape of the indices."""
        return [input_shapes[0]] * self.ndim

    def perform(self, node, inputs):
        indices, dims = inputs
        try:
            found = np.unravel_index(indices, tuple(int(d) for d in dims), order=self.order)
        except ValueError as exc:
            raise ShapeError(f"unravel_index: {exc} (dims {tuple(dims)}); indices built at "
                             f"{describe(node.inputs[0])}") from exc
        return [np.asarray(axis_index, dtype="int64") for axis_index in found]

    def grad(self, inputs, output_grads):
        return [disconnected(var) for var in inputs]


def unravel_index(indices, dims, order="C", ndim=None):
    """The index on each axis of an array of shape `dims` of the flat `indices`, as
    numpy.unravel_index: a tuple of int64 tensors shaped like indices. `ndim` (Theano's) gives
    the length of a symbolic `dims` whose length the graph does not know.

    >>> row, col = unravel_index(T.argmax(m), m.shape)     # doctest: +SKIP
    """
    dims = _dims(dims, "unravel_index", ndim)
    found = UnravelIndex(dims.type.shape[0], _order(order, "unravel_index"))(indices, dims)
    return tuple(found) if isinstance(found, list) else (found,)


@dataclass(frozen=True)
class RavelMultiIndex(Op):
    """numpy.ravel_multi_index: one int index per axis (inputs 0..n-1, broadcast together) and
    the shape `dims` (last input) -> the flat int64 index."""

    mode: str = "raise"
    order: str = "C"
    notation = Func("ravel_multi_index", params=("mode", "order"))

    def make_node(self, *inputs):
        *multi_index, dims = inputs
        multi_index = [_integers(i, "multi_index", "ravel_multi_index") for i in multi_index]
        dims = _dims(dims, "ravel_multi_index")
        if len(multi_index) != dims.type.shape[0]:
            raise ShapeError(f"ravel_multi_index at {call_site()}: {len(multi_index)} index "
                             f"arrays for {dims.type.shape[0]} dims")
        ndim = max(i.ndim for i in multi_index)
        shape = []
        for axis in range(ndim):
            lengths = {i.type.shape[axis - ndim + i.ndim] for i in multi_index
                       if axis - ndim + i.ndim >= 0} - {1}
            known = lengths - {None}
            shape.append(known.pop() if len(known) == 1 else None if lengths else 1)
        return Apply(self, [*multi_index, dims], [TensorType("int64", tuple(shape))()])

    def infer_shape(self, node, input_shapes):
        """The broadcast shape of the index arrays."""
        indices = node.inputs[:-1]
        return [broadcast_lengths(node.outputs[0].type.shape, [i.type.shape for i in indices],
                                  input_shapes[:-1])]

    def perform(self, node, inputs):
        *multi_index, dims = inputs
        try:
            flat = np.ravel_multi_index(tuple(multi_index), tuple(int(d) for d in dims),
                                        mode=self.mode, order=self.order)
        except ValueError as exc:
            raise ShapeError(f"ravel_multi_index: {exc} (dims {tuple(dims)}, mode "
                             f"{self.mode!r}); built at {describe(node.outputs[0])}") from exc
        check_declared_broadcast("ravel_multi_index", [i.type.shape for i in node.inputs[:-1]],
                                 [i.shape for i in multi_index], np.shape(flat), node)
        return [np.asarray(flat, dtype="int64")]

    def grad(self, inputs, output_grads):
        return [disconnected(var) for var in inputs]


def ravel_multi_index(multi_index, dims, mode="raise", order="C"):
    """The flat index into an array of shape `dims` of one index per axis (`multi_index`, a
    tuple of int tensors), as numpy.ravel_multi_index; mode 'raise', 'wrap' or 'clip'.

    >>> flat = ravel_multi_index((rows, cols), (4, 5))     # doctest: +SKIP
    """
    if not isinstance(multi_index, (tuple, list)):
        raise GraphlensTypeError(f"ravel_multi_index at {call_site()}: multi_index must be a "
                                 f"tuple or a list, got {multi_index!r:.60}")
    if mode not in ("raise", "wrap", "clip"):
        raise InvalidArgumentError(f"ravel_multi_index at {call_site()}: mode must be 'raise', "
                                   f"'wrap' or 'clip', got {mode!r}")
    op = RavelMultiIndex(mode, _order(order, "ravel_multi_index"))
    # One index per axis: a symbolic dims has that many entries.
    return op(*multi_index, _dims(dims, "ravel_multi_index", len(multi_index)))
