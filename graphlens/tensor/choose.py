"""`T.choose`, as Theano's (numpy.choose): for every position, the entry of the choice that
the int array `a` names there. The gradient goes to the chosen entries, and stays zero
elsewhere.

>>> picked = T.choose(T.imatrix('a'), [x0, x1, x2])            # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphlens.errors import GraphlensTypeError, InvalidArgumentError, ShapeError, describe
from graphlens.graph.basic import Apply
from graphlens.graph.markers import disconnected
from graphlens.graph.notation import Func
from graphlens.graph.op import Op
from graphlens.graph.types import is_discrete
from graphlens.tensor.basic import arange, cast
from graphlens.tensor.compare import clip, eq
from graphlens.tensor.elemwise import call_site, common_dtype, pad_left, unbroadcast
from graphlens.tensor.index_ops import broadcast_lengths, check_declared_broadcast
from graphlens.tensor.math import mod
from graphlens.tensor.type import TensorType
from graphlens.tensor.variable import as_tensor_variable


@dataclass(frozen=True)
class Choose(Op):
    """numpy.choose(a, choices, mode): inputs a (ints), then the choices, either one tensor
    whose first axis runs over the choices (`stacked`) or one input per choice; all padded to
    one rank, broadcasting as in elementwise ops."""

    mode: str = "raise"
    stacked: bool = False
    notation = Func("choose", params=("mode",))

    def _choice_shapes(self, choices):
        if self.stacked:
            return [choices[0].type.shape[1:]]
        return [c.type.shape for c in choices]

    def make_node(self, a, *choices):
        shapes = [a.type.shape] + self._choice_shapes(choices)
        out_shape = []
        for axis in range(a.ndim):
            lengths = {shape[axis] for shape in shapes} - {1}
            known = lengths - {None}
            if len(known) > 1:
                raise ShapeError(f"choose at {call_site()}: a and the choices cannot broadcast, "
                                 f"axis {axis} has lengths {sorted(known)}: a is {describe(a)}")
            out_shape.append(known.pop() if known else None if lengths else 1)
        dtype = common_dtype(choices)
        return Apply(self, [a, *choices], [TensorType(dtype, tuple(out_shape))()])

    def infer_shape(self, node, input_shapes):
        """Per axis, the length of an input not broadcast there (static 1 means broadcast)."""
        a, *choices = node.inputs
        declared = [a.type.shape] + self._choice_shapes(choices)
        given = [input_shapes[0]] + ([input_shapes[1][1:]] if self.stacked else input_shapes[1:])
        return [broadcast_lengths(node.outputs[0].type.shape, declared, given)]

    def perform(self, node, inputs):
        a, *choices = inputs
        try:
            picked = np.choose(a, choices[0] if self.stacked else choices, mode=self.mode)
        except ValueError as exc:
            raise ShapeError(f"choose: {exc} (a of shape {a.shape}, {self._count(choices)} "
                             f"choices, mode {self.mode!r}); a built at "
                             f"{describe(node.inputs[0])}") from exc
        declared = [node.inputs[0].type.shape] + self._choice_shapes(node.inputs[1:])
        actual = [a.shape] + ([choices[0].shape[1:]] if self.stacked else
                              [c.shape for c in choices])
        check_declared_broadcast("choose", declared, actual, picked.shape, node)
        return [np.asarray(picked, dtype=node.outputs[0].type.dtype)]

    def _count(self, choices):
        return len(choices[0]) if self.stacked else len(choices)

    def grad(self, inputs, output_grads):
        (a, *choices), (gz,) = inputs, output_grads
        count = choices[0].shape[0] if self.stacked else len(choices)
        # The choice each position really reads, after wrapping or clipping.
        index = {"raise": a, "wrap": mod(a, count), "clip": clip(a, 0, count - 1)}[self.mode]
        if self.stacked:
            # (choices, *out): 1 where the choice is picked; its broadcast axes summed back.
            which = arange(count).dimshuffle(0, *["x"] * a.ndim)
            picked = cast(eq(index.dimshuffle("x", *range(a.ndim)), which), gz.dtype)
            return [disconnected(a), unbroadcast(picked * gz.dimshuffle("x", *range(a.ndim)),
                                                 choices[0])]
        return [disconnected(a)] + [unbroadcast(cast(eq(index, i), gz.dtype) * gz, choice)
                                    for i, choice in enumerate(choices)]


def choose(a, choices, out=None, mode="raise"):
    """For each position, choices[a[...]] at that position (numpy.choose): `choices` is a list
    of tensors, or one tensor whose first axis runs over the choices; `mode` 'raise', 'wrap' or
    'clip' says what an index out of range does.

    >>> T.choose(T.ivector('a'), [T.vector('x'), T.vector('y')])       # doctest: +SKIP
    """
    if out is not None:
        # A symbolic graph computes new values; it has no array to write into.
        raise InvalidArgumentError(f"choose at {call_site()}: out= is not supported; use the "
                                   f"returned variable")
    if mode not in ("raise", "wrap", "clip"):
        raise InvalidArgumentError(f"choose at {call_site()}: mode must be 'raise', 'wrap' or "
                                   f"'clip', got {mode!r}")
    a = as_tensor_variable(a)
    if not is_discrete(a.dtype) or a.dtype == "bool":
        raise GraphlensTypeError(f"choose at {call_site()}: a must hold int indices, got "
                                 f"{describe(a)}")
    stacked = not isinstance(choices, (list, tuple))
    if stacked:
        choices = as_tensor_variable(choices)
        if choices.ndim == 0:
            raise ShapeError(f"choose at {call_site()}: choices must be a list or a tensor "
                             f"whose first axis runs over the choices, got {describe(choices)}")
        rank = max(a.ndim, choices.ndim - 1)
        pad = rank - (choices.ndim - 1)
        choices = [choices.dimshuffle(0, *["x"] * pad, *range(1, choices.ndim))
                   if pad else choices]
    else:
        choices = [as_tensor_variable(c) for c in choices]
        if not choices:
            raise ShapeError(f"choose at {call_site()}: choices is empty")
        rank = max([a.ndim] + [c.ndim for c in choices])
        choices = [pad_left(c, rank) for c in choices]
    return Choose(mode, stacked)(pad_left(a, rank), *choices)
