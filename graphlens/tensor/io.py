"""Theano's `theano.tensor.io`: `load`, a tensor read from a `.npy` file when the function runs.

The path is a graph input (usually of the `Generic` type, so each call may name another file);
the array's dtype and broadcast pattern are declared when the graph is built, as they must be
for any tensor, and checked against the file at run time.

>>> path = Variable(Generic())
>>> x = T.load(path, 'int32', (False,))
>>> function([path], x * 2)('weights.npy')              # doctest: +SKIP
array([0, 2, 4, 6, 8], dtype=int32)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphlens.errors import GraphlensTypeError, InvalidArgumentError, ShapeError
from graphlens.graph.basic import Apply, Constant, Variable
from graphlens.graph.notation import Func
from graphlens.graph.op import Op
from graphlens.graph.types import Generic
from graphlens.tensor.elemwise import call_site
from graphlens.tensor.type import TensorType

# numpy's memory-mapping modes a graph may use: None reads the file into memory, 'c' maps it
# copy-on-write. 'r' would hand read-only memory to ops that may write in place, and 'r+' or
# 'w+' would let them write into the user's file, so Theano refused those, as graphlens does.
MMAP_MODES = (None, "c")


@dataclass(frozen=True)
class LoadFromDisk(Op):
    """The array in the `.npy` file at the input path, of `dtype` and `broadcastable` pattern
    (Theano's `LoadFromDisk(dtype, broadcastable, mmap_mode)`)."""

    dtype: str
    broadcastable: tuple
    mmap_mode: str = None
    notation = Func("load", params=("dtype", "mmap_mode"))

    def __post_init__(self):
        if self.mmap_mode not in MMAP_MODES:
            raise InvalidArgumentError(
                f"load at {call_site()}: mmap_mode must be None or 'c' (copy-on-write), got "
                f"{self.mmap_mode!r}: the graph's in-place ops would write into the file")
        object.__setattr__(self, "dtype", str(np.dtype(self.dtype)))
        object.__setattr__(self, "broadcastable", tuple(bool(b) for b in self.broadcastable))

    def make_node(self, path):
        if not isinstance(path, Variable):
            path = Constant(Generic(), path)
        shape = tuple(1 if b else None for b in self.broadcastable)
        return Apply(self, [path], [TensorType(self.dtype, shape)()])

    def perform(self, node, inputs):
        (path,) = inputs
        array = np.load(path, mmap_mode=self.mmap_mode)
        # The file must hold what the graph was built for: its dtype, rank and length-1 axes.
        if array.dtype != np.dtype(self.dtype):
            raise GraphlensTypeError(f"load: {path!r} holds {array.dtype} values, but the "
                                     f"graph was built for {self.dtype}")
        if array.ndim != len(self.broadcastable) or any(
                b and n != 1 for b, n in zip(self.broadcastable, array.shape)):
            raise ShapeError(f"load: {path!r} holds an array of shape {array.shape}, which "
                             f"does not fit the broadcast pattern {self.broadcastable}")
        return [array]


def load(path, dtype, broadcastable, mmap_mode=None):
    """A tensor read from the `.npy` file at `path` (a variable, or a fixed path) each call.

    `dtype` and `broadcastable` (one bool per axis, True for an axis of length 1) describe
    the array the file holds; `mmap_mode='c'` maps the file copy-on-write instead of reading
    it (None). Theano's `theano.tensor.load`.

    >>> path = Variable(Generic())
    >>> load(path, 'float32', (False, False)).type
    TensorType(float32, matrix)
    """
    return LoadFromDisk(dtype, tuple(broadcastable), mmap_mode)(path)


__all__ = ["LoadFromDisk", "load"]
