"""`T.Elemwise(scalar_op)`: a scalar op applied elementwise to tensors, as Theano builds them.

`Elemwise(op)` gives graphlens's own elementwise op where the scalar op is a standard one
(`T.Elemwise(scalar.exp) == T.exp`), and otherwise a `ScalarElemwise` node op: broadcasting
and dtype upcasting from the `Elemwise` base, output dtypes from the scalar op's
`output_types_preference`, values from its `impl` (vectorised), and its gradient the scalar
op's `grad`, written on scalar variables, lifted to tensors node by node.

>>> softsign = T.Elemwise(scalar_softsign, name='softsign')             # doctest: +SKIP
>>> T.grad(softsign(x).sum(), x)                                         # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphlens.errors import GraphlensTypeError
from graphlens.graph.basic import Constant, Variable, toposort
from graphlens.graph.markers import is_disconnected, is_undefined
from graphlens.graph.notation import Special
from graphlens.tensor.elemwise import (Elemwise, call_site, check_runtime_broadcast, pad_left,
                                       unbroadcast)
from graphlens.tensor.fill import fill
from graphlens.tensor.scalar_op import ScalarOp
from graphlens.tensor.scalar_type import ScalarFromTensor, TensorFromScalar, get_scalar_type
from graphlens.tensor.type import tensor_type
from graphlens.tensor.variable import constant


@dataclass(frozen=True)
class ScalarElemwise(Elemwise):
    """A user's scalar op applied elementwise: `T.Elemwise(op, inplace_pattern={}, name=None)`.

    `inplace_pattern` is kept (it prints as Theano's `[(0, 0)]`), but the result is always a new
    array: graphlens's own in-place pass decides where outputs reuse their inputs' memory.
    """

    scalar_op: object
    inplace_pattern: dict = None
    name: str | None = None
    # Theano's: a numpy function ('name', nin, nout) computing the op on arrays.
    nfunc_spec: tuple | None = None
    # pp writes the scalar op's own notation, or `name(x, y)` (printer/forms.py).
    notation = Special("scalar_op")

    def __post_init__(self):
        _check_scalar_op(self.scalar_op)
        # Theano's dict {output: input}, kept hashable (ops are dict keys and compared).
        object.__setattr__(self, "inplace_pattern", Pattern(self.inplace_pattern or {}))
        if self.nfunc_spec is not None:
            object.__setattr__(self, "nfunc_spec", tuple(self.nfunc_spec))

    @property
    def nin(self):
        return self.scalar_op.nin

    @property
    def nout(self):
        """Outputs per node: the scalar op's."""
        return self.scalar_op.nout

    @property
    def label(self) -> str:
        """Theano's `Elemwise{softsign}`, `Elemwise{softsign}[(0, 0)]`, or the given name."""
        if self.name:
            return self.name
        inplace = f"[{', '.join(map(str, sorted(self.inplace_pattern.items())))}]" \
            if self.inplace_pattern else ""
        return f"Elemwise{{{self.scalar_op}}}{inplace}"

    def __str__(self):
        return self.label

    def make_node(self, *inputs):
        node = super().make_node(*inputs)       # broadcasting, literals, the output's shape
        shape = node.outputs[0].type.shape
        types = self.scalar_op.output_types([get_scalar_type(v.dtype) for v in node.inputs])
        outputs = [tensor_type(t.dtype, shape)() for t in types]
        for index, out in enumerate(outputs):
            out.owner, out.index = node, index
        node.outputs = outputs
        return node

    def infer_shape(self, node, input_shapes):
        """Every output has the broadcast shape of the inputs."""
        lengths = []
        for axis, length in enumerate(node.outputs[0].type.shape):
            known = [shape[axis] for var, shape in zip(node.inputs, input_shapes)
                     if var.type.shape[axis] != 1]
            lengths.append(length if length is not None else (known[0] if known else 1))
        return [tuple(lengths)] * len(node.outputs)

    def perform(self, node, inputs):
        if self.nfunc_spec is not None:
            computed = getattr(np, self.nfunc_spec[0])(*inputs)
            computed = computed if isinstance(computed, tuple) else [computed]
            results = [np.asarray(r, dtype=out.type.numpy_dtype)
                       for r, out in zip(computed, node.outputs)]
        else:
            results = self.scalar_op.vectorized(node, inputs)
        shape = results[0].shape
        if any(array.shape != shape for array in inputs):
            check_runtime_broadcast(node, inputs, shape)
        return results

    def L_op(self, inputs, outputs, output_grads):
        return lift_gradients(self.scalar_op, inputs, outputs, output_grads)


def lift_gradients(scalar_op, inputs, outputs, output_grads):
    """The scalar op's gradients, built on scalar stand-ins for one element, rebuilt on the
    tensors: each scalar node becomes its elementwise op, then each gradient is summed over
    the axes its input was broadcast along."""
    s_inputs = [get_scalar_type(x.dtype)() for x in inputs]
    s_node = scalar_op.make_node(*s_inputs)
    s_grads_in = [get_scalar_type(g.dtype)() for g in output_grads]
    grads = scalar_op.L_op(s_inputs, s_node.outputs, s_grads_in)
    if len(grads) != len(inputs):
        raise GraphlensTypeError(f"{scalar_op}.grad returned {len(grads)} gradients for "
                                 f"{len(inputs)} inputs")
    memo = dict(zip(s_inputs, inputs))
    memo.update(zip(s_node.outputs, outputs))
    memo.update(zip(s_grads_in, output_grads))
    result = []
    for x, g in zip(inputs, grads):
        if g is None or isinstance(g, Variable) and (is_disconnected(g) or is_undefined(g)):
            result.append(g)
            continue
        lifted = _lift(scalar_op, g, memo)
        # A gradient that reads no per-element value (a constant) has the output's shape.
        if lifted.ndim < outputs[0].ndim:
            lifted = pad_left(lifted, outputs[0].ndim)
        if any(g_len == 1 and o_len != 1 for g_len, o_len in
               zip(lifted.type.shape, outputs[0].type.shape)):
            lifted = fill(outputs[0], lifted)
        result.append(unbroadcast(lifted, x))
    return result


def _lift(scalar_op, s_var, memo):
    """The tensor graph computing scalar variable `s_var` elementwise (iterative walk)."""
    if s_var in memo:
        return memo[s_var]
    for node in toposort([s_var]):
        if node.outputs[0] in memo:
            continue
        args = []
        for var in node.inputs:
            if var not in memo:
                if not isinstance(var, Constant):
                    raise GraphlensTypeError(f"{scalar_op}.grad reads {var}, which is none of "
                                             f"the op's inputs, outputs or output gradients")
                memo[var] = constant(var.data, dtype=var.dtype)
            args.append(memo[var])
        op = node.op
        if isinstance(op, (ScalarFromTensor, TensorFromScalar)):
            made = [args[0]]
        elif isinstance(op, ScalarOp):
            made = Elemwise(op)(*args)
        elif isinstance(op, Elemwise):
            made = op(*args)
        else:
            raise GraphlensTypeError(f"{scalar_op}.grad uses {op}, which is not elementwise: "
                                     f"a scalar op's gradient is built of scalar ops")
        made = made if isinstance(made, list) else [made]
        memo.update(zip(node.outputs, made))
    if s_var not in memo:      # a constant gradient: no node computes it
        memo[s_var] = constant(s_var.data, dtype=s_var.dtype)
    return memo[s_var]


class Pattern(dict):
    """Theano's inplace_pattern {output: input}, hashable: `Pattern({0: 0})`."""

    def __hash__(self):
        return hash(tuple(sorted(self.items())))


def elemwise_of(scalar_op, inplace_pattern=None, name=None, nfunc_spec=None, openmp=None):
    """`T.Elemwise(scalar_op, ...)`: graphlens's own op for a standard scalar op (the shared
    instance, so `T.Elemwise(scalar.exp) == T.exp`), else a ScalarElemwise.

    >>> T.Elemwise(scalar.exp) == T.exp                                 # doctest: +SKIP
    True
    """
    _check_scalar_op(scalar_op)
    native = getattr(scalar_op, "tensor_op", None)
    if native is not None and type(scalar_op).__dict__.get("tensor_op") is native \
            and not inplace_pattern and name is None:
        return scalar_op.tensor_instance()
    # `openmp` chose C threads in Theano; graphlens runs numpy, so it has nothing to choose.
    return ScalarElemwise(scalar_op, inplace_pattern, name, nfunc_spec)


def _check_scalar_op(scalar_op):
    if not isinstance(scalar_op, ScalarOp):
        raise GraphlensTypeError(f"T.Elemwise at {call_site()} takes a scalar op "
                                 f"(theano.scalar.ScalarOp), got {scalar_op!r:.60}; a tensor "
                                 f"op such as T.exp is elementwise already")


# `Elemwise(scalar_op)` is Theano's constructor; the base class hands it to elemwise_of (this
# module builds on that one, so the hook is set here, as TensorType.variable_class is).
Elemwise.of_scalar_op = staticmethod(elemwise_of)
