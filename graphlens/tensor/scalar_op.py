"""Theano's `ScalarOp`, `UnaryScalarOp`, `BinaryScalarOp` and the output-type rules, for ops
users write the Theano way and wrap in `T.Elemwise`.

A scalar op is a plain class as in Theano: `nin`/`nout`, `output_types_preference` (a rule
below: `upgrade_to_float`, `same_out`, ...), `impl` on numbers, `grad` on scalar variables;
`c_code` and its relatives are never called. Applied to scalar variables it makes a scalar
node; `T.Elemwise(op)` (tensor/scalar_elemwise.py) applies it elementwise to tensors.

>>> class Softsign(UnaryScalarOp):
...     def impl(self, x): return x / (1.0 + abs(x))
...     def grad(self, inputs, output_grads):
...         (x,), (gz,) = inputs, output_grads
...         return [gz / (1.0 + abs(x)) ** 2]
>>> softsign = Softsign(upgrade_to_float, name='softsign')
>>> softsign(scalar.int32('n')).type                                  # doctest: +SKIP
Scalar(float64)
"""

from __future__ import annotations

import numpy as np

from graphlens.errors import ComplexError, GraphlensTypeError
from graphlens.graph.basic import Apply, Variable
from graphlens.graph.markers import is_disconnected, is_undefined
from graphlens.graph.op import Op
from graphlens.graph.types import upcast
from graphlens.tensor.elemwise import DTYPE_KINDS, call_site, float_dtype
from graphlens.tensor.scalar_type import (Scalar, ScalarVariable, as_scalar, get_scalar_type,
                                          scalar_from_tensor)
from graphlens.tensor.variable import TensorVariable


# Theano's output-type rules: each takes the input types and returns the output types.

def upcast_out(*types):
    """One output of the inputs' common dtype: `upcast_out(int8, float32) == (float32,)`."""
    return (get_scalar_type(upcast(*[t.dtype for t in types])),)


def upcast_out_nobool(*types):
    """upcast_out, refusing bool inputs (arithmetic that numpy refuses on bools)."""
    if any(t.dtype == "bool" for t in types):
        raise GraphlensTypeError(f"at {call_site()}: this operation is not defined for bool")
    return upcast_out(*types)


def upcast_out_no_complex(*types):
    """upcast_out, refusing complex inputs."""
    if any(DTYPE_KINDS[t.dtype] == "c" for t in types):
        raise ComplexError(f"at {call_site()}: this operation is not defined for complex")
    return upcast_out(*types)


def same_out(type_):
    """The output has the input's type: `same_out(int8) == (int8,)`."""
    return (type_,)


def same_out_nocomplex(type_):
    """same_out, refusing a complex input."""
    if DTYPE_KINDS[type_.dtype] == "c":
        raise ComplexError(f"at {call_site()}: this operation is not defined for complex")
    return (type_,)


def same_out_float_only(type_):
    """same_out, for a float input only."""
    if DTYPE_KINDS[type_.dtype] != "f":
        raise GraphlensTypeError(f"at {call_site()}: this operation needs a float input, got "
                                 f"{type_.dtype}")
    return (type_,)


def upgrade_to_float(*types):
    """The common dtype made float the Theano way (int8, int16, uint8, bool -> float32; wider
    integers -> float64): `upgrade_to_float(int32) == (float64,)`."""
    return (get_scalar_type(upcast(*[float_dtype(t.dtype) for t in types])),)


def upgrade_to_float64(*types):
    """Always float64: `upgrade_to_float64(int8) == (float64,)`."""
    return (get_scalar_type("float64"),)


def upgrade_to_float_no_complex(*types):
    """upgrade_to_float, refusing complex inputs."""
    if any(DTYPE_KINDS[t.dtype] == "c" for t in types):
        raise ComplexError(f"at {call_site()}: this operation is not defined for complex")
    return upgrade_to_float(*types)


def float_out(*types):
    """One float64 output."""
    return (get_scalar_type("float64"),)


def int_out(*types):
    """One int64 output."""
    return (get_scalar_type("int64"),)


def bool_out(*types):
    """One bool output (comparisons)."""
    return (get_scalar_type("bool"),)


def transfer_type(*transfer):
    """A rule giving output i the type of input `transfer[i]` (or the type itself when a type
    is given): `transfer_type(1)(int8, float32) == (float32,)`."""
    def rule(*types):
        return tuple(types[i] if isinstance(i, int) else get_scalar_type(i.dtype)
                     for i in transfer)
    return rule


def specific_out(*spec):
    """A rule giving these types whatever the inputs: `specific_out(int64)(float32)`."""
    def rule(*types):
        return tuple(spec)
    return rule


def convert_rule(dtype):
    """A rule converting the one input to `dtype` (Theano's `convert_to_float32`, ...)."""
    return specific_out(get_scalar_type(dtype))


class ScalarOp(Op):
    """Base of scalar ops, as Theano's: `ScalarOp(output_types_preference=None, name=None)`.

    A subclass gives `nin`, `nout`, `impl(*numbers)` and `grad(inputs, output_grads)` (on
    scalar variables); equality is by class and output-type rule unless it sets `__props__`
    or its own `__eq__`/`__hash__`. `nfunc_spec = ('name', nin, nout)` names a numpy function
    computing `impl` on whole arrays: `T.Elemwise(op)` then runs it vectorised; without it,
    impl is called per element through np.frompyfunc (as Theano's Python fallback does).
    """

    nin = -1
    nout = 1
    output_types_preference = None
    nfunc_spec = None
    name = None

    def __init__(self, output_types_preference=None, name=None):
        if output_types_preference is not None:
            if not callable(output_types_preference):
                raise GraphlensTypeError(f"{type(self).__name__}: output_types_preference "
                                         f"must be a function of the input types, got "
                                         f"{output_types_preference!r:.60}")
            self.output_types_preference = output_types_preference
        if name is not None:
            self.name = name

    def __eq__(self, other):
        if getattr(type(self), "__props__", None) is not None:
            return Op.__eq__(self, other)
        return type(self) is type(other) and (self.output_types_preference
                                              == other.output_types_preference)

    def __hash__(self):
        if getattr(type(self), "__props__", None) is not None:
            return Op.__hash__(self)
        return hash(type(self).__name__) ^ hash(self.output_types_preference)

    def __str__(self):
        if self.name:
            return self.name
        props = getattr(type(self), "__props__", None) or ()
        if props:
            inner = ", ".join(f"{p}={getattr(self, p)!r}" for p in props)
            return f"{type(self).__name__}{{{inner}}}"
        return type(self).__name__

    __repr__ = __str__

    @property
    def label(self) -> str:
        """How every view names a scalar node, as Theano does: its name, or class and props."""
        return str(self)

    @property
    def props(self) -> dict:
        """The op's parameters by name (Theano's __props__), for equality and labels."""
        return {name: getattr(self, name) for name in getattr(type(self), "__props__", ())}

    def output_types(self, types):
        """The output types for input `types`, by `output_types_preference`."""
        rule = self.output_types_preference
        if rule is None:
            raise GraphlensTypeError(f"{self} at {call_site()} has no output_types_preference:"
                                     f" give one (e.g. scalar.upgrade_to_float) or define "
                                     f"output_types")
        result = rule(*types)
        if not isinstance(result, (list, tuple)) or len(result) != self.nout:
            raise GraphlensTypeError(f"{self}: output_types_preference returned {result!r:.80}"
                                     f", not a list of {self.nout} types")
        return [get_scalar_type(t.dtype if hasattr(t, "dtype") else t) for t in result]

    def make_node(self, *inputs):
        if self.nin >= 0 and len(inputs) != self.nin:
            raise GraphlensTypeError(f"{self} at {call_site()} takes {self.nin} inputs, got "
                                     f"{len(inputs)}")
        inputs = [as_scalar(x) for x in inputs]
        outputs = [t() for t in self.output_types([x.type for x in inputs])]
        return Apply(self, inputs, outputs)

    def impl(self, *numbers):
        """The op's value on numbers; a subclass defines it."""
        raise GraphlensTypeError(f"{self} defines no impl: a ScalarOp subclass computes its "
                                 f"value in impl(self, *inputs)")

    def perform(self, node, inputs):
        numbers = [x[()] if isinstance(x, np.ndarray) else x for x in inputs]
        results = self.impl(*numbers)
        if self.nout == 1:
            results = [results]
        return [np.asarray(r, dtype=out.type.numpy_dtype) for r, out in zip(results,
                                                                             node.outputs)]

    def infer_shape(self, node, input_shapes):
        """Scalars: no lengths."""
        return [() for _ in node.outputs]

    def vectorized(self, node, arrays):
        """The op on whole arrays (broadcast by numpy), one array per output of `node`, used
        by T.Elemwise(op): `nfunc_spec`'s numpy function when given, else impl per element."""
        if self.nfunc_spec is not None:
            results = getattr(np, self.nfunc_spec[0])(*arrays)
        else:
            results = np.frompyfunc(self.impl, len(arrays), self.nout)(*arrays)
        if self.nout == 1:
            results = [results]
        return [np.asarray(r, dtype=out.type.numpy_dtype) for r, out in zip(results,
                                                                            node.outputs)]

    def grad(self, inputs, output_grads):
        """The gradients on scalar variables; a differentiable subclass defines it."""
        raise GraphlensTypeError(f"{self} defines no grad: a differentiable ScalarOp returns "
                                 f"one gradient per input from grad(self, inputs, "
                                 f"output_grads)")

    def L_op(self, inputs, outputs, output_grads):
        """The subclass's grad, each gradient of a scalar input made a scalar variable."""
        grads = self.grad(inputs, output_grads)
        if grads is NotImplemented:
            raise GraphlensTypeError(f"{self}.grad returned NotImplemented for inputs "
                                     f"{[x.type for x in inputs]}")
        return [as_scalar_grad(g, x) for g, x in zip(grads, inputs)]


def as_scalar_grad(g, x):
    """The gradient `g` for the scalar input `x`: a scalar variable of any dtype (the
    gradient driver casts), a number a constant; markers and None pass."""
    if g is None or not isinstance(x, ScalarVariable):
        return g
    if isinstance(g, Variable) and (is_disconnected(g) or is_undefined(g)):
        return g
    if isinstance(g, TensorVariable) and not isinstance(g, ScalarVariable):
        return scalar_from_tensor(g)
    return as_scalar(g)


class UnaryScalarOp(ScalarOp):
    """A scalar op of one input."""

    nin = 1


class BinaryScalarOp(ScalarOp):
    """A scalar op of two inputs."""

    nin = 2


__all__ = ["Scalar", "ScalarOp", "UnaryScalarOp", "BinaryScalarOp", "upcast_out",
           "upcast_out_nobool", "upcast_out_no_complex", "same_out", "same_out_nocomplex",
           "same_out_float_only", "upgrade_to_float", "upgrade_to_float64",
           "upgrade_to_float_no_complex", "float_out", "int_out", "bool_out", "transfer_type",
           "specific_out", "convert_rule"]
