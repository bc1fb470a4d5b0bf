"""Theano's scalar variables (`theano.scalar.float64('x')`), as graphlens holds them.

A scalar variable is a rank-0 tensor variable whose type is `Scalar(dtype)`, a `TensorType` of
shape () (docs/architecture.md, "Scalar variables"). It therefore flows through every tensor
op, the evaluator, the printers and the pictures unchanged. What sets it apart is Theano's:
its operators build scalar ops (`x + y` is `scalar.add(x, y)`), its type is not equal to the
0-d TensorType (`T.tensor_from_scalar` / `T.scalar_from_tensor` convert, as in Theano's
graphs), and a compiled function returns its value as a numpy scalar (np.float64), not a 0-d
array. Python numbers become constants of Theano's literal dtypes (`autocast_float`).

>>> x = float64('x'); (x * 2).type
Scalar(float64)
"""

from __future__ import annotations

import numpy as np

from graphlens.errors import GraphlensTypeError, describe
from graphlens.graph.basic import Apply, Variable
from graphlens.graph.op import Op
from graphlens.tensor.elemwise import call_site
from graphlens.tensor.type import TensorType, checked_dtype, tensor_type
from graphlens.tensor.variable import TensorConstant, TensorVariable, constant as _tconstant


class Scalar(TensorType):
    """Theano's scalar type: `Scalar('float64')`, called to make a variable.

    >>> Scalar('int32')('n').type == int32, Scalar('int32') == TensorType('int32', ())
    (True, False)
    """

    def __init__(self, dtype):
        super().__init__(checked_dtype(dtype) if dtype != "floatX" else dtype, ())
        self._hash = hash(("Scalar", self.dtype))

    def __eq__(self, other):
        return type(other) is Scalar and other.dtype == self.dtype

    def __hash__(self):
        return self._hash

    def __repr__(self):
        return f"Scalar({self.dtype})"

    def clone(self, dtype=None, shape=None, *, broadcastable=None):
        """This type with another dtype (a scalar has no shape to change)."""
        return get_scalar_type(dtype or self.dtype)

    def make_variable(self, name=None):
        """Theano's name for calling the type: a new variable of it."""
        return self(name)

    def dtype_specs(self):
        """(numpy scalar class, C type name, C type code), as Theano's Scalar gives them."""
        return (self.numpy_dtype.type, f"npy_{self.dtype}", f"NPY_{self.dtype.upper()}")

    @property
    def ndim(self) -> int:
        """0: a scalar has no axes."""
        return 0


_SCALAR_TYPES = {}


def get_scalar_type(dtype) -> Scalar:
    """The shared `Scalar` of `dtype`: `get_scalar_type('float32') is float32`."""
    name = checked_dtype(dtype)
    found = _SCALAR_TYPES.get(name)
    if found is None:
        found = _SCALAR_TYPES[name] = Scalar(name)
    return found


# Filled by tensor/scalar_basic.py with the scalar ops the operators build (that module builds
# on this one): {'add': scalar add op, ...}.
OPERATORS = {}


def _apply(name, *args):
    return OPERATORS[name](*args)


class ScalarVariable(TensorVariable):
    """A Theano scalar variable: `x = scalar.float64('x'); y = x * 2 + 1`. Its arithmetic
    builds scalar ops; anything a tensor does (T.exp(x), x.sum()) sees a rank-0 tensor."""

    __slots__ = ()

    def __add__(self, other): return _apply("add", self, other)
    def __radd__(self, other): return _apply("add", other, self)
    def __sub__(self, other): return _apply("sub", self, other)
    def __rsub__(self, other): return _apply("sub", other, self)
    def __mul__(self, other): return _apply("mul", self, other)
    def __rmul__(self, other): return _apply("mul", other, self)
    def __truediv__(self, other): return _apply("true_div", self, other)
    def __rtruediv__(self, other): return _apply("true_div", other, self)
    def __floordiv__(self, other): return _apply("int_div", self, other)
    def __rfloordiv__(self, other): return _apply("int_div", other, self)
    def __mod__(self, other): return _apply("mod", self, other)
    def __rmod__(self, other): return _apply("mod", other, self)
    def __pow__(self, other): return _apply("pow", self, other)
    def __rpow__(self, other): return _apply("pow", other, self)
    def __neg__(self): return _apply("neg", self)
    def __abs__(self): return _apply("abs_", self)
    def __lt__(self, other): return _apply("lt", self, other)
    def __le__(self, other): return _apply("le", self, other)
    def __gt__(self, other): return _apply("gt", self, other)
    def __ge__(self, other): return _apply("ge", self, other)
    def __and__(self, other): return _apply("and_", self, other)
    def __rand__(self, other): return _apply("and_", other, self)
    def __or__(self, other): return _apply("or_", self, other)
    def __ror__(self, other): return _apply("or_", other, self)
    def __xor__(self, other): return _apply("xor", self, other)
    def __rxor__(self, other): return _apply("xor", other, self)
    def __invert__(self): return _apply("invert", self)
    __hash__ = Variable.__hash__

    def zeros_like(self, dtype=None):
        """A scalar 0 of this variable's dtype (or `dtype`), as Theano's scalar zeros_like."""
        return _apply("cast", constant(0), dtype or self.dtype)

    def ones_like(self, dtype=None):
        """A scalar 1 of this variable's dtype (or `dtype`)."""
        return _apply("cast", constant(1), dtype or self.dtype)

    def as_tensor(self):
        """This value as a rank-0 tensor (TensorType, not Scalar): what T.as_tensor_variable
        gives, as Theano's tensor_from_scalar; a constant stays a constant."""
        if isinstance(self, ScalarConstant):
            return TensorConstant(tensor_type(self.dtype, ()), self.data, self.name)
        return tensor_from_scalar(self)

    def astype(self, dtype):
        """This value cast to `dtype`, a scalar: `x.astype('int32')`."""
        return _apply("cast", self, dtype)


Scalar.variable_class = ScalarVariable


class ScalarConstant(TensorConstant, ScalarVariable):
    """A scalar constant: `scalar.constant(2.5)` (float32, Theano's literal dtype)."""

    __slots__ = ()

    def clone(self):
        """The same constant (data shared: constants are never mutated)."""
        copy = ScalarConstant(self.type, self.data, self.name, self.creation_site)
        copy.scope = self.scope
        return copy

    __hash__ = Variable.__hash__


def constant(value, name=None, dtype=None) -> ScalarConstant:
    """A scalar constant; Python numbers take Theano's literal dtypes.

    >>> constant(2).dtype, constant(0.5).dtype, constant(0.1).dtype
    ('int8', 'float32', 'float64')
    >>> constant(1, dtype='int64').dtype
    'int64'
    """
    made = _tconstant(value, dtype=dtype)
    if made.ndim != 0:
        raise GraphlensTypeError(f"scalar.constant at {call_site()}: {value!r:.60} is not a "
                                 f"single number (shape {made.data.shape})")
    return ScalarConstant(get_scalar_type(made.dtype), made.data, name=name)


def as_scalar(value, name=None) -> ScalarVariable:
    """`value` as a scalar variable: scalars pass, a rank-0 tensor is converted
    (scalar_from_tensor), numbers become constants; anything else is a TypeError.

    >>> as_scalar(2.5).type, as_scalar(T.dscalar()).type         # doctest: +SKIP
    (Scalar(float32), Scalar(float64))
    """
    if isinstance(value, Apply):
        if len(value.outputs) != 1:
            raise GraphlensTypeError(f"as_scalar at {call_site()}: which output of "
                                     f"{value.op} is meant? It has {len(value.outputs)}")
        value = value.outputs[0]
    if isinstance(value, ScalarVariable):
        return value
    if isinstance(value, TensorVariable):
        if value.ndim != 0:
            raise GraphlensTypeError(f"as_scalar at {call_site()}: {describe(value)} has rank "
                                     f"{value.ndim}; a scalar op takes rank-0 values (wrap the "
                                     f"op in T.Elemwise to apply it elementwise)")
        return scalar_from_tensor(value)
    if isinstance(value, Variable):
        raise GraphlensTypeError(f"as_scalar at {call_site()}: {describe(value)} is not a "
                                 f"number")
    try:
        return constant(value, name=name)
    except GraphlensTypeError:
        raise
    except Exception as exc:
        raise GraphlensTypeError(f"as_scalar at {call_site()}: cannot make a scalar of "
                                 f"{value!r:.60}: {exc}") from exc


class TensorFromScalar(Op):
    """A scalar variable as a rank-0 tensor of its dtype (Theano's tensor_from_scalar)."""

    __props__ = ()

    def make_node(self, s):
        s = as_scalar(s)
        return Apply(self, [s], [tensor_type(s.dtype, ())()])

    def perform(self, node, inputs):
        return [np.asarray(inputs[0], dtype=node.outputs[0].type.numpy_dtype)]

    def infer_shape(self, node, input_shapes):
        """A rank-0 tensor: no lengths."""
        return [()]

    def grad(self, inputs, output_grads):
        return [scalar_from_tensor(output_grads[0])]


class ScalarFromTensor(Op):
    """A rank-0 tensor as a scalar variable of its dtype (Theano's scalar_from_tensor)."""

    __props__ = ()

    def make_node(self, t):
        if not isinstance(t, TensorVariable) or t.ndim != 0:
            shown = describe(t) if isinstance(t, Variable) else repr(t)
            raise GraphlensTypeError(f"scalar_from_tensor at {call_site()} takes a rank-0 "
                                     f"tensor, got {shown}")
        return Apply(self, [t], [get_scalar_type(t.dtype)()])

    def perform(self, node, inputs):
        return [np.asarray(inputs[0], dtype=node.outputs[0].type.numpy_dtype)]

    def infer_shape(self, node, input_shapes):
        """A scalar: no lengths."""
        return [()]

    def grad(self, inputs, output_grads):
        return [tensor_from_scalar(output_grads[0])]


_TENSOR_FROM_SCALAR = TensorFromScalar()
_SCALAR_FROM_TENSOR = ScalarFromTensor()


def tensor_from_scalar(s):
    """`T.tensor_from_scalar(s)`: the scalar variable `s` as a rank-0 tensor.

    >>> T.tensor_from_scalar(scalar.float64('s')).type           # doctest: +SKIP
    TensorType(float64, ())
    """
    return _TENSOR_FROM_SCALAR(s)


def scalar_from_tensor(t):
    """`T.scalar_from_tensor(t)`: the rank-0 tensor `t` as a scalar variable.

    >>> T.scalar_from_tensor(T.dscalar('t')).type                # doctest: +SKIP
    Scalar(float64)
    """
    if isinstance(t, ScalarVariable):
        return t
    return _SCALAR_FROM_TENSOR(t)


# Theano's type instances, by dtype name: `scalar.float64('x')`, `x.type == scalar.float64`.
bool = get_scalar_type("bool")  # noqa: A001  (Theano's name)
int8, int16, int32, int64 = (get_scalar_type(d) for d in ("int8", "int16", "int32", "int64"))
uint8, uint16, uint32, uint64 = (get_scalar_type(d)
                                 for d in ("uint8", "uint16", "uint32", "uint64"))
float16, float32, float64 = (get_scalar_type(d) for d in ("float16", "float32", "float64"))
complex64, complex128 = get_scalar_type("complex64"), get_scalar_type("complex128")

int_types = (int8, int16, int32, int64)
uint_types = (uint8, uint16, uint32, uint64)
float_types = (float16, float32, float64)
complex_types = (complex64, complex128)
discrete_types = (bool,) + int_types + uint_types
continuous_types = float_types + complex_types
all_types = discrete_types + continuous_types
