"""Three small functions of Theano's `theano.tensor.extra_ops`: `bartlett(M)` (the triangular
window), `compress(condition, x, axis)` (numpy's compress) and `cpu_contiguous(x)` (a C-ordered
copy when x is not one already).

>>> from graphlens.tensor.extra_ops import bartlett, compress
>>> bartlett(5).eval()
array([0. , 0.5, 1. , 0.5, 0. ])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphlens.errors import GraphlensTypeError, describe
from graphlens.graph.basic import Apply, Constant
from graphlens.graph.markers import disconnected
from graphlens.graph.notation import Func
from graphlens.graph.op import Op
from graphlens.graph.types import is_discrete
from graphlens.tensor.elemwise import call_site
from graphlens.tensor.compare import lt
from graphlens.tensor.nonzero import flatnonzero
from graphlens.tensor.rearrange import take
from graphlens.tensor.scalar_logic import switch
from graphlens.tensor.type import TensorType
from graphlens.tensor.variable import as_tensor_variable


@dataclass(frozen=True)
class Bartlett(Op):
    """The Bartlett window of M points, float64, as numpy.bartlett (empty for M <= 0)."""

    notation = Func("bartlett")

    def make_node(self, M):
        M = as_tensor_variable(M)
        if M.ndim != 0 or not is_discrete(M.dtype) or M.dtype == "bool":
            raise GraphlensTypeError(f"bartlett at {call_site()} takes an integer scalar M, got "
                                     f"{describe(M)}")
        length = max(int(M.data), 0) if isinstance(M, Constant) else None
        return Apply(self, [M], [TensorType("float64", (length,))()])

    def perform(self, node, inputs):
        return [np.bartlett(inputs[0]).astype("float64", copy=False)]

    def infer_shape(self, node, input_shapes):
        """M points, none when M is negative."""
        M = node.inputs[0]
        return [(switch(lt(M, 0), 0, M),)]

    def grad(self, inputs, output_grads):
        return [disconnected(inputs[0])]


def bartlett(M):
    """The Bartlett (triangular) window of `M` points, zero at both ends: a float64 vector,
    as numpy.bartlett.

    >>> bartlett(3).eval()
    array([0., 1., 0.])
    """
    return Bartlett()(M)


@dataclass(frozen=True)
class CpuContiguous(Op):
    """x itself when C-contiguous, else a C-ordered copy (numpy.ascontiguousarray)."""

    notation = Func("cpu_contiguous")
    view_map = {0: [0]}

    def make_node(self, x):
        x = as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs):
        return [np.ascontiguousarray(inputs[0])]

    def infer_shape(self, node, input_shapes):
        """The input's lengths."""
        return [input_shapes[0]]

    def grad(self, inputs, output_grads):
        return [output_grads[0]]


def cpu_contiguous(x):
    """x with its values in C order in memory (a copy only when they are not already): for
    code handing arrays to C libraries. The gradient passes through.

    >>> cpu_contiguous(T.dmatrix().T)                           # doctest: +SKIP
    """
    return CpuContiguous()(x)


def compress(condition, x, axis=None):
    """The slices of `x` along `axis` (elements of the flattened x for None) where
    `condition` (a vector) is nonzero, as numpy.compress. Differentiable in x.

    >>> compress([1, 0, 1], T.dvector()).eval({...})           # doctest: +SKIP
    """
    return take(x, flatnonzero(as_tensor_variable(condition)), axis=axis)


__all__ = ["Bartlett", "bartlett", "CpuContiguous", "cpu_contiguous", "compress"]
