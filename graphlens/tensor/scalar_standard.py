"""The base of Theano's standard scalar ops (`scalar.exp`, `scalar.add`, ...): each is the
scalar face of one of graphlens's elementwise op classes, named by `tensor_op`.

The tensor class is the one home of the op's facts: a standard scalar op takes its output
dtypes, its values and its gradient from it (a scalar variable is a rank-0 tensor, so the
tensor op's `grad` builds on scalar variables as it is), and `T.Elemwise(scalar.exp)` is the
tensor op itself. Creating the first instance of a class makes it the tensor class's
`scalar_op`, so `T.exp(x).owner.op.scalar_op` is `scalar.exp`.

>>> scalar.exp(scalar.int8('b')).type, T.exp(x).owner.op.scalar_op is scalar.exp  # doctest: +SKIP
(Scalar(float32), True)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphlens.graph.op import shared_op
from graphlens.tensor import basic
from graphlens.tensor.scalar_op import ScalarOp, as_scalar_grad
from graphlens.tensor.scalar_type import get_scalar_type
from graphlens.tensor.type import checked_dtype, tensor_type


class StandardScalarOp(ScalarOp):
    """A scalar op whose facts are those of the elementwise op class `tensor_op`."""

    tensor_op = None

    def __init__(self, output_types_preference=None, name=None):
        super().__init__(output_types_preference, name)
        native = type(self).__dict__.get("tensor_op")
        # An op with parameters (Cast) has a scalar op per instance: see the end of the module.
        if native is not None and "scalar_op" not in native.__dict__ \
                and not getattr(type(self), "__props__", None):
            native.scalar_op = self          # the first instance is the canonical one

    def tensor_instance(self):
        """The elementwise tensor op this scalar op is: `scalar.exp.tensor_instance() == T.exp`
        as an op (Elemwise(scalar.exp) returns it)."""
        return shared_op(self.tensor_op)

    def output_types(self, types):
        if self.output_types_preference is not None:
            return super().output_types(types)
        # The tensor op's own dtype rule (and its refusals, naming the user's line).
        node = self.tensor_instance().make_node(*[tensor_type(t.dtype, ())() for t in types])
        return [get_scalar_type(out.dtype) for out in node.outputs]

    def impl(self, *numbers):
        """The value on numbers, as the tensor op computes it: `scalar.exp.impl(0.0) == 1.0`."""
        result = self.tensor_instance().impl(*[np.asarray(n) for n in numbers])
        return result[()] if isinstance(result, np.ndarray) else result

    def vectorized(self, node, arrays):
        """The tensor op's own numpy computation on whole arrays (a subclass with its own
        impl is computed by that impl, as any user's op)."""
        if type(self).impl is not StandardScalarOp.impl:
            return ScalarOp.vectorized(self, node, arrays)
        result = self.tensor_instance().impl(*arrays)
        return [np.asarray(result, dtype=node.outputs[0].type.numpy_dtype)]

    def grad(self, inputs, output_grads):
        return self.tensor_instance().grad(inputs, output_grads)

    def L_op(self, inputs, outputs, output_grads):
        if type(self).grad is not StandardScalarOp.grad:      # a subclass's own grad
            return ScalarOp.L_op(self, inputs, outputs, output_grads)
        grads = self.tensor_instance().L_op(inputs, outputs, output_grads)
        return [as_scalar_grad(g, x) for g, x in zip(grads, inputs)]

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # pp writes a scalar op as its tensor op (`exp(x)`, `x + 1`): the same notation.
        if "tensor_op" in cls.__dict__:
            cls.notation = cls.tensor_op.notation


class StandardUnary(StandardScalarOp):
    """A standard scalar op of one input."""

    nin = 1


class StandardBinary(StandardScalarOp):
    """A standard scalar op of two inputs."""

    nin = 2


class Cast(StandardUnary):
    """x converted to `o_type` (a Scalar type or dtype): `scalar.Cast(scalar.int32)`,
    `scalar.cast(x, 'int32')`, `scalar.convert_to_float32(x)`."""

    tensor_op = basic.Cast
    __props__ = ("o_type",)

    def __init__(self, o_type, name=None):
        self.o_type = get_scalar_type(getattr(o_type, "dtype", o_type))
        super().__init__(None, name)

    @property
    def dtype(self) -> str:
        """The dtype cast to (pp writes `cast(x, dtype='int32')`)."""
        return self.o_type.dtype

    def tensor_instance(self):
        """T.cast's op for this dtype."""
        return basic.Cast(self.o_type.dtype)

    def __str__(self):
        return self.name or f"convert_to_{self.o_type.dtype}"


_CASTS = {}


def cast(x, dtype):
    """`scalar.cast(x, 'int32')`: x as a scalar of `dtype` (x itself when it has it).

    >>> scalar.cast(scalar.float64('x'), 'float32').type               # doctest: +SKIP
    Scalar(float32)
    """
    dtype = checked_dtype(dtype if dtype != "floatX" else basic._float_x())
    if getattr(x, "dtype", None) == dtype and hasattr(x, "owner"):
        return x
    return _cast_op(dtype)(x)


@dataclass(frozen=True)
class _ConvertTo:
    """`scalar.convert_to_float32(x)` and the other fixed-dtype casts, as Theano names them."""

    dtype: str

    def __call__(self, x):
        return cast(x, self.dtype)


convert_to_bool = _ConvertTo("bool")
convert_to_int8, convert_to_int16 = _ConvertTo("int8"), _ConvertTo("int16")
convert_to_int32, convert_to_int64 = _ConvertTo("int32"), _ConvertTo("int64")
convert_to_uint8, convert_to_uint16 = _ConvertTo("uint8"), _ConvertTo("uint16")
convert_to_uint32, convert_to_uint64 = _ConvertTo("uint32"), _ConvertTo("uint64")
convert_to_float16, convert_to_float32 = _ConvertTo("float16"), _ConvertTo("float32")
convert_to_float64 = _ConvertTo("float64")
convert_to_complex64, convert_to_complex128 = _ConvertTo("complex64"), _ConvertTo("complex128")


# T.cast(x, 'int32').owner.op.scalar_op: the scalar Cast of that dtype.
basic.Cast.scalar_op = property(lambda op: _cast_op(op.dtype))


def _cast_op(dtype):
    op = _CASTS.get(dtype)
    if op is None:
        op = _CASTS[dtype] = Cast(get_scalar_type(dtype), name=f"convert_to_{dtype}")
    return op


def scalar_op_lookup(module_name, instances, classes=None):
    """A module `__getattr__` serving Theano's names for scalar ops at Theano's paths
    (`theano.tensor.nnet.sigm.scalar_sigmoid`, `.ScalarSigmoid`): `instances` and `classes`
    map each name to the elementwise op class whose `scalar_op` it is, or whose scalar op's
    class. Read when asked: the scalar ops are made after those modules load.

    >>> __getattr__ = scalar_op_lookup(__name__, {"scalar_xlogx": XlogX})  # doctest: +SKIP
    """
    classes = classes or {}

    def __getattr__(name):
        if name in instances:
            return instances[name].scalar_op
        if name in classes:
            return type(classes[name].scalar_op)
        raise AttributeError(f"module {module_name!r} has no attribute {name!r}")
    return __getattr__
