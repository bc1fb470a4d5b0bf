"""Elementwise ops' common base: broadcasting, dtype upcasting, static shapes, unbroadcasting.

A new elementwise op is a few facts (its numpy function, notation and gradient); this base does
the rest once. Inputs of lower rank are padded on the left with broadcastable axes (DimShuffle),
so every input of an Elemwise node has the output's rank and gradients only ever sum over axes
that the input had with static length 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from types import MappingProxyType

import numpy as np

from graphlens.errors import ComplexError, GraphlensTypeError, ShapeError, describe, where
from graphlens.graph.basic import Apply, creation_site, short_path
from graphlens.graph.op import Op
from graphlens.graph.types import ALL_DTYPES, upcast_names
from graphlens.tensor.kernels import same_dtypes, ufunc_kernel
from graphlens.tensor.type import TensorType, tensor_type
from graphlens.tensor.literals import padded_data, retyped_data
from graphlens.tensor.plain_node import plain_node
from graphlens.tensor.variable import (TensorConstant, TensorVariable, as_tensor_variable,
                                       constant)
# reduce.py builds on this module, so unbroadcast reads T.sum from the package when called.
import graphlens.tensor as T

# Theano's rule for functions that need a float result of integer inputs (exp, log, /, ...).
_FLOAT_OF = {"bool": "float32", "int8": "float32", "uint8": "float32", "int16": "float32",
             "uint16": "float32", "int32": "float64", "uint32": "float64", "int64": "float64",
             "uint64": "float64"}


# numpy's kind letter of every dtype name (b, i, u, f, c), looked up once: np.dtype() is slow.
DTYPE_KINDS = {name: np.dtype(name).kind for name in ALL_DTYPES}


def float_dtype(dtype: str) -> str:
    """The float dtype an integer input is computed in: int8/int16 -> float32, wider -> float64."""
    return _FLOAT_OF.get(dtype, dtype)


def broadcast_shapes(op, variables) -> tuple:
    """The static output shape of broadcasting `variables` (all of one rank), or a ShapeError."""
    shape = []
    for axis in range(variables[0].ndim):
        dims = {v.type.shape[axis] for v in variables} - {1}
        known = dims - {None}
        if len(known) > 1:
            detail = ", ".join(describe(v) for v in variables)
            raise ShapeError(f"{op.label} at {call_site()}: the inputs cannot broadcast, axis "
                             f"{axis} has lengths {sorted(known)}. Inputs: {detail}")
        if known:
            shape.append(known.pop())
        elif None in dims:
            shape.append(None)
        else:
            shape.append(1)
    return tuple(shape)


def call_site() -> str:
    """The user's line that is building a node right now, as `model.py:14`."""
    site = creation_site()
    return f"{short_path(site[0])}:{site[1]}" if site else "<unknown>"


class _TheanoConstructor(type):
    """`Elemwise(scalar_op, inplace_pattern=None, name=None)` is Theano's way to make an
    elementwise op of a scalar op (tensor/scalar_elemwise.py answers it); subclasses are
    made as any class is."""

    def __call__(cls, *args, **kwargs):
        if cls is Elemwise:
            return cls.of_scalar_op(*args, **kwargs)
        return super().__call__(*args, **kwargs)


@dataclass(frozen=True)
class Elemwise(Op, metaclass=_TheanoConstructor):
    """Base of elementwise ops: `nfunc` applied to broadcast inputs. `op.scalar_op` is the
    matching scalar op (`T.exp(x).owner.op.scalar_op` is `scalar.exp`), set by
    tensor/scalar_basic.py on each class it names; `Elemwise(scalar_op)` makes one of a
    scalar op, as in Theano.

    >>> isinstance(T.exp(x).owner.op.scalar_op, scalar.Exp)          # doctest: +SKIP
    True
    """

    nfunc = None
    scalar_op = None
    # Theano's {output: input} of outputs written over an input: graphlens's own elementwise
    # ops declare none (its in-place pass makes fused twins instead).
    inplace_pattern = MappingProxyType({})
    # Set by tensor/scalar_elemwise.py, which builds on this module.
    of_scalar_op = None
    nin = 1
    # The numpy kinds (b bool, i/u integer, f float, c complex) of the common input dtype the op
    # is defined for; others are refused when the graph is built, with `dtype_hint` as advice.
    kinds = "biufc"
    dtype_hint = ""
    # The function is complex-differentiable (+, exp, *, /, ...): on complex values, where
    # gradients follow Theano's convention (d cost/d Re + i d cost/d Im), each input's
    # gradient is gz times the conjugate of the derivative, which L_op gets from `grad` by
    # conjugating around it, so `grad` is written once, for real and complex alike; a real
    # input's gradient is the real part.
    holomorphic = False

    def output_dtype(self, dtype: str) -> str:
        """The result dtype, given the common (upcast) dtype of the inputs."""
        return dtype

    def grad_given_outputs(self, inputs, outputs, output_grads):
        """The gradients, given the node's outputs too. An op whose derivative reads its own
        result (tanh: 1 - y**2) overrides this, so that backpropagation reads the forward
        node's result instead of building it a second time; the others define `grad`.

        >>> Tanh().grad_given_outputs([x], [y], [g])        # g * (1 - sqr(y))  # doctest: +SKIP
        """
        return self.grad(inputs, output_grads)

    def L_op(self, inputs, outputs, output_grads):
        if not self.holomorphic or DTYPE_KINDS[outputs[0].dtype] != "c":
            return self.grad_given_outputs(inputs, outputs, output_grads)
        grads = self.grad_given_outputs(inputs, outputs, [T.conj(g) for g in output_grads])
        return [(T.conj(g) if DTYPE_KINDS[x.dtype] == "c" else T.real(g))
                if isinstance(g.type, TensorType) and DTYPE_KINDS[g.dtype] == "c" else g
                for x, g in zip(inputs, grads)]

    def make_node(self, *inputs):
        # The common case first (most nodes a gradient or a rewrite builds): tensor variables
        # of one type (equal types), none a weak literal. Then the dtype is that type's,
        # nothing is padded, and the broadcast shape is the type's own (each axis one length).
        if inputs and (len(inputs) == self.nin or self.nin == -1):
            first = inputs[0]
            type_ = getattr(first, "type", None)
            for x in inputs:
                # Plain variables of the one interned type pass the first test alone.
                if x.__class__ is not TensorVariable or x.type is not type_:
                    if not isinstance(x, TensorVariable) or x.type != type_ or \
                            isinstance(x, TensorConstant) and x.weak:
                        break
            else:
                if DTYPE_KINDS[type_.dtype] in self.kinds:
                    out_type = tensor_type(self.output_dtype(type_.dtype), type_.shape)
                    return Apply(self, list(inputs), [out_type.variable_class(out_type)])
            # Next: Python number literals, and shapes all ones beside one other shape.
            node = plain_node(self, inputs, DTYPE_KINDS)
            if node is not None:
                return node
        if len(inputs) != self.nin and self.nin != -1 or not inputs:
            wanted = self.nin if self.nin != -1 else "at least 1"
            raise GraphlensTypeError(f"{self.label} at {call_site()} takes {wanted} inputs, got "
                                     f"{len(inputs)}")
        # One pass over the inputs (this runs once per node a user builds): each as a tensor,
        # its dtype and rank, and whether it is a weak literal (a Python number's constant).
        variables, dtypes, ndims = [], [], []
        weak = False
        for x in inputs:
            if not isinstance(x, TensorVariable):
                x = as_tensor_variable(x)
            type_ = x.type
            variables.append(x)
            dtypes.append(type_.dtype)
            ndims.append(len(type_.shape))
            weak = weak or isinstance(x, TensorConstant) and x.weak
        common = upcast_names(dtypes)
        if DTYPE_KINDS[common] not in self.kinds:
            detail = ", ".join(describe(v) for v in variables)
            refusal = ComplexError if DTYPE_KINDS[common] == "c" else GraphlensTypeError
            raise refusal(f"{self.label} at {call_site()} is not defined for {common} "
                                     f"inputs ({detail}){self.dtype_hint}")
        if weak:
            # A literal made just now (`v is not x`) is retyped in place; one the user made is
            # copied.
            variables = [_adapt_weak(v, common, v is not x) for v, x in zip(variables, inputs)]
        ndim = max(ndims)
        if ndim:
            if min(ndims) != ndim:
                variables = [pad_left(v, ndim) for v in variables]
            shape = broadcast_shapes(self, variables)
        else:
            shape = ()
        out_type = tensor_type(self.output_dtype(common), shape)
        return Apply(self, variables, [out_type.variable_class(out_type)])

    def impl(self, *arrays):
        """The numpy computation; `nfunc` unless an op overrides it."""
        return self.nfunc(*arrays)

    def kernel(self, node):
        """run(arrays, out) computing `node` into a given array (tensor/kernels.py), or None
        when only `perform` can: `nfunc` itself when it is a ufunc the op does not wrap."""
        if not same_dtypes(node) or not isinstance(self.nfunc, np.ufunc):
            return None
        if type(self).impl not in (Elemwise.impl, FloatUnaryElemwise.impl):
            return None
        return ufunc_kernel(self.nfunc)

    def direct_perform(self, node):
        """Where nothing can broadcast undeclared: on scalars (rank 0), of one input, or when
        every input but one is declared of length 1 on every axis (p > 0.5, x * 2.0): the
        numpy function and the cast to the output's dtype, without perform's broadcast check."""
        shaped = [v for v in node.inputs if any(length != 1 for length in v.type.shape)]
        if type(self).perform is not Elemwise.perform or len(shaped) > 1:
            return None
        compute = self.numpy_function(node)
        dtype = node.outputs[0].type.numpy_dtype
        asarray = np.asarray

        def perform_on_scalars(*scalars):
            return asarray(compute(*scalars), dtype=dtype)
        return perform_on_scalars

    def numpy_function(self, node):
        """What computes `node` from its inputs' arrays: `nfunc` itself where `impl` would only
        call it (the plain impl always; a float op's where every input already has the output's
        dtype, so nothing is cast first: p > 0.5 of floats too), else `impl`."""
        impl = type(self).impl
        if impl is Elemwise.impl or (impl is FloatUnaryElemwise.impl and same_dtypes(node)):
            return self.nfunc
        return self.impl

    def perform(self, node, inputs):
        result = np.asarray(self.impl(*inputs), dtype=node.outputs[0].type.numpy_dtype)
        shape = result.shape
        for array in inputs:
            if array.shape != shape:        # someone broadcast: was it declared?
                check_runtime_broadcast(node, inputs, shape)
                break
        return [result]


def check_runtime_broadcast(node, inputs, out_shape):
    """Refuse numpy's silent broadcast of an axis that was not declared broadcastable.

    The gradient of a broadcast input must sum over the broadcast axis; it can only do so for
    axes whose length 1 is known when the graph is built.
    """
    for var, array in zip(node.inputs, inputs):
        if array.shape == out_shape:
            continue
        for axis, (length, static) in enumerate(zip(array.shape, var.type.shape)):
            if length == 1 and static != 1 and out_shape[axis] != 1:
                shapes = ", ".join(str(np.shape(a)) for a in inputs)
                raise ShapeError(
                    f"{node.op.label}: input {describe(var)} has length 1 on axis {axis} at run "
                    f"time, but that axis was not declared broadcastable (input shapes {shapes}). "
                    f"Declare it, e.g. T.row()/T.col() or x.dimshuffle('x', 0), built at "
                    f"{where(node.outputs[0])}")


def common_dtype(variables) -> str:
    """numpy's promotion of the dtypes of `variables`, as Theano's `upcast`.

    Python number literals already carry Theano's literal dtype (`fvector + 2.5`: 2.5 is a
    float32 constant, so float32; `bvector + 300`: 300 is int16, so int16): see
    docs/upcasting.md.
    """
    return upcast_names([v.type.dtype for v in variables])


def _adapt_weak(var, dtype, fresh=False):
    """`var` as a constant of `dtype` when it is a weak literal of another dtype, no longer
    weak; a literal made by this make_node (`fresh`) is changed itself, else it is copied."""
    if isinstance(var, TensorConstant) and var.weak and var.type.dtype != dtype:
        # The literal's data cast once and shared (tensor/variable.py), and its site and scope
        # kept: no second constant nor walk of the stack per `x + 1.0` (issue #23).
        data, type_ = retyped_data(var.data, dtype)
        if fresh:
            var.type, var.data, var.weak = type_, data, False
            return var
        adapted = TensorConstant(type_, data, var.name, var.creation_site)
        adapted.scope = var.scope
        return adapted
    return var


def pad_left(var, ndim):
    """`var` with broadcastable axes added in front up to rank `ndim`."""
    if var.ndim == ndim:
        return var
    if isinstance(var, TensorConstant):
        # A constant is padded in place: `x * 2` stays two inputs, not a DimShuffle node.
        data = var.data
        if isinstance(data, np.ndarray) and not data.flags.writeable:
            # Read-only (as constant() makes it): a view will do, shared for a literal's data.
            data, type_ = padded_data(data, ndim)
            return TensorConstant(type_, data, var.name, weak=var.weak)
        padded = constant(data.reshape((1,) * (ndim - var.ndim) + data.shape), name=var.name)
        padded.weak = var.weak
        return padded
    return DimShuffle(var.ndim, ("x",) * (ndim - var.ndim) + tuple(range(var.ndim)))(var)


@dataclass(frozen=True)
class UnaryElemwise(Elemwise):
    """An elementwise op of one input."""

    nin = 1


@dataclass(frozen=True)
class FloatUnaryElemwise(UnaryElemwise):
    """A unary function with a float result: integer inputs compute in float32 or float64."""

    def output_dtype(self, dtype):
        return float_dtype(dtype)

    def impl(self, x):
        return self.nfunc(x) if x.dtype.kind in "fc" else self.nfunc(x, dtype=float_dtype(
            str(x.dtype)))


@dataclass(frozen=True)
class BinaryElemwise(Elemwise):
    """An elementwise op of two inputs."""

    nin = 2


def unbroadcast(grad, var):
    """`grad` (of an elementwise output) summed over the axes that `var` broadcast along."""
    if grad.type.shape is var.type.shape:      # interned shapes: nothing was broadcast
        return grad
    axes = tuple(axis for axis, (g, v) in enumerate(zip(grad.type.shape, var.type.shape))
                 if v == 1 and g != 1)
    if axes:
        grad = T.sum(grad, axis=axes, keepdims=True)
    return grad


@dataclass(frozen=True)
class DimShuffle(Op):
    """Reorder, drop (length-1) or insert ('x') axes: `DimShuffle(2, (1, 'x', 0))`. A view.
    Theano's form, the input's broadcastable pattern first, is accepted too:
    `DimShuffle(x.broadcastable, (1, 'x', 0))`."""

    input_ndim: int
    new_order: tuple
    view_map = {0: [0]}

    def __post_init__(self):
        # Theano code passes the input's broadcastable pattern; its length is the rank, and
        # (as Theano's constructor) a pattern that drops an axis not broadcastable is refused.
        pattern = self.input_ndim if isinstance(self.input_ndim, (tuple, list)) else None
        if pattern is not None:
            object.__setattr__(self, "input_ndim", len(pattern))
        object.__setattr__(self, "new_order", tuple(self.new_order))
        if pattern is None:
            return          # make_node checks the order against the variable, naming it
        kept = [i for i in self.new_order if i != "x"]
        if (any(not isinstance(i, (int, np.integer)) or not 0 <= i < self.input_ndim
                for i in kept) or len(set(kept)) != len(kept)):
            raise ShapeError(f"DimShuffle{{{','.join(map(str, self.new_order))}}}: invalid "
                             f"pattern for rank {self.input_ndim}; use each axis "
                             f"0..{self.input_ndim - 1} at most once, and 'x' for new axes")
        dropped = [axis for axis in range(self.input_ndim) if axis not in kept]
        if any(not pattern[axis] for axis in dropped):
            raise ShapeError(f"DimShuffle{{{','.join(map(str, self.new_order))}}} drops an axis "
                             f"of {tuple(pattern)} that is not broadcastable")

    @property
    def label(self):
        return f"DimShuffle{{{','.join(str(i) for i in self.new_order)}}}"

    def make_node(self, x):
        x = as_tensor_variable(x)
        if x.ndim != self.input_ndim:
            raise ShapeError(f"{self.label} at {call_site()} expects rank {self.input_ndim}, "
                             f"got {describe(x)}")
        kept = [i for i in self.new_order if i != "x"]
        # Only inserting axes (a gradient's expand_dims, a literal's padding) needs no checks.
        if kept != list(range(x.ndim)):
            self._check_order(x, kept)
        lengths = x.type.shape
        out_type = tensor_type(x.dtype, tuple(1 if i == "x" else lengths[i]
                                              for i in self.new_order))
        return Apply(self, [x], [out_type.variable_class(out_type)])

    def _check_order(self, x, kept):
        """Refuse an order that names an axis twice or out of range, or drops one of x's axes
        that is not known to have length 1."""
        if (any(not isinstance(i, (int, np.integer)) or not 0 <= i < x.ndim for i in kept)
                or len(set(kept)) != len(kept)):
            raise ShapeError(f"{self.label} at {call_site()}: invalid pattern for {describe(x)}; "
                             f"use each axis 0..{x.ndim - 1} at most once, and 'x' for new axes")
        for axis in sorted(set(range(x.ndim)) - set(kept)):
            if x.type.shape[axis] != 1:
                raise ShapeError(f"{self.label} at {call_site()} drops axis {axis} of "
                                 f"{describe(x)}, which is not known to have length 1")

    def infer_shape(self, node, input_shapes):
        """The input's lengths in the new order, 1 for each inserted axis."""
        (lengths,) = input_shapes
        return [tuple(1 if i == "x" else lengths[i] for i in self.new_order)]

    def direct_perform(self, node):
        """The two common shuffles with their indexing fixed in advance: only inserting
        broadcast axes (a view through one index tuple), or only permuting (a transpose)."""
        kept = [i for i in self.new_order if i != "x"]
        if kept != list(range(self.input_ndim)):
            if "x" in self.new_order or sorted(kept) != list(range(self.input_ndim)):
                return None
            permutation = tuple(kept)
            return lambda x: x.transpose(permutation)
        index = tuple(None if i == "x" else slice(None) for i in self.new_order)
        return lambda x: x[index]

    def perform(self, node, inputs):
        (x,) = inputs
        kept = [i for i in self.new_order if i != "x"]
        dropped = tuple(i for i in range(self.input_ndim) if i not in kept)
        if dropped:
            x = x.reshape([d for i, d in enumerate(x.shape) if i not in dropped])
            remaining = [i for i in range(self.input_ndim) if i not in dropped]
            kept = [remaining.index(i) for i in kept]
        if kept != sorted(kept):
            x = x.transpose(kept)
        if "x" in self.new_order:
            x = x[tuple(None if i == "x" else slice(None) for i in self.new_order)]
        return [np.asarray(x)]

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        kept = [i for i in self.new_order if i != "x"]
        # Drop the inserted axes, then undo the permutation, then re-insert dropped axes.
        without_new = DimShuffle(gz.ndim, tuple(
            position for position, i in enumerate(self.new_order) if i != "x"))(gz)
        order = []
        for axis in range(self.input_ndim):
            order.append(kept.index(axis) if axis in kept else "x")
        return [DimShuffle(len(kept), tuple(order))(without_new)]


def __getattr__(name):
    # Theano's tensor/elemwise.py also held its reductions (CAReduce, Prod, ...); they live in
    # tensor/reduce.py and tensor/careduce.py, which import this module: found when asked for.
    if name in ("CAReduce", "CAReduceDtype", "ProdWithoutZeros", "Prod", "Sum"):
        return getattr(import_module("graphlens.tensor.careduce"), name)
    raise AttributeError(f"module 'graphlens.tensor.elemwise' has no attribute {name!r}")
