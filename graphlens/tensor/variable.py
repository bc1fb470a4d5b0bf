"""`TensorVariable` (operators, indexing, methods) and `TensorConstant`; `as_tensor_variable`.

`==` is identity, as in Theano, so variables stay usable as dict keys: use `T.eq(a, b)` for the
elementwise comparison. `<`, `<=`, `>`, `>=` build comparisons.
"""

from __future__ import annotations

import warnings

import numpy as np

from graphlens.errors import (AsTensorError, GraphlensTypeError, GraphlensWarning,
                              NotATensorError, RankError, describe)
from graphlens.graph.basic import Apply, Constant, Variable
from graphlens.tensor.literals import default_dtype as _default_dtype, literal
from graphlens.tensor.type import TensorType, tensor_type
from graphlens.config import config
# The op modules import this one, so the operators read them from the package when called
# (`x + y` is `T.add(x, y)`); the package is partly built while this module loads.
import graphlens.tensor as T


class TensorVariable(Variable):
    """A symbolic tensor: `x = T.dmatrix('x'); (x * 2).sum(axis=1)`."""

    __slots__ = ()

    @property
    def dtype(self) -> str:
        """The dtype, like numpy's: 'float64'."""
        return self.type.dtype

    @property
    def ndim(self) -> int:
        """The rank."""
        return self.type.ndim

    @property
    def broadcastable(self):
        """Theano's broadcast pattern: True where the static length is 1."""
        return self.type.broadcastable

    @property
    def shape(self):
        """The symbolic shape, an int64 vector; `x.shape[0]` is the symbolic length."""
        return T.shape(self)

    @property
    def size(self):
        """The symbolic number of elements."""
        return T.prod(self.shape)

    @property
    def T(self):
        """The transpose (axes reversed)."""
        return T.transpose(self)

    # With a variable of another kind (a sparse matrix), `+`, `-`, `*` and `@` hand over to
    # its reflected operator, as Theano's did: `W + x_sparse` is x_sparse's `__radd__`.
    def __add__(self, other):
        return T.add(self, other) if not _foreign(other) else NotImplemented

    def __radd__(self, other): return T.add(other, self)

    def __sub__(self, other):
        return T.sub(self, other) if not _foreign(other) else NotImplemented

    def __rsub__(self, other): return T.sub(other, self)

    def __mul__(self, other):
        return T.mul(self, other) if not _foreign(other) else NotImplemented

    def __rmul__(self, other): return T.mul(other, self)
    def __truediv__(self, other): return T.true_div(self, other)
    def __rtruediv__(self, other): return T.true_div(other, self)
    def __floordiv__(self, other): return T.int_div(self, other)
    def __rfloordiv__(self, other): return T.int_div(other, self)
    def __mod__(self, other): return T.mod(self, other)
    def __rmod__(self, other): return T.mod(other, self)
    def __divmod__(self, other): return T.divmod(self, other)
    def __rdivmod__(self, other): return T.divmod(other, self)
    def __pow__(self, other): return T.pow(self, other)
    def __rpow__(self, other): return T.pow(other, self)
    def __matmul__(self, other):
        return T.dot(self, other) if not _foreign(other) else NotImplemented

    def __rmatmul__(self, other): return T.dot(other, self)
    def __neg__(self): return T.neg(self)
    def __pos__(self): return self
    def __abs__(self): return T.abs(self)
    def __lt__(self, other): return T.lt(self, other)
    def __le__(self, other): return T.le(self, other)
    def __gt__(self, other): return T.gt(self, other)
    def __ge__(self, other): return T.ge(self, other)
    def __and__(self, other): return T.and_(self, other)
    def __rand__(self, other): return T.and_(other, self)
    def __or__(self, other): return T.or_(self, other)
    def __ror__(self, other): return T.or_(other, self)
    def __xor__(self, other): return T.xor(self, other)
    def __invert__(self): return T.invert(self)

    __hash__ = Variable.__hash__

    # numpy on the left of an operator (`np.ones(3) * x`, `TARGET * T.log(p)`) gives the
    # variable's reflected operator, so the result is a graph, not an object array of variables;
    # numpy's own functions on a variable build its graph too (`np.exp(x)` is `T.exp(x)`, as
    # Theano's variables allowed: PyMC3 users write this).
    __array_priority__ = 1000

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if method != "__call__" or kwargs:
            return NotImplemented
        name = ufunc.__name__
        if name in _OPERATORS and len(inputs) == 2:
            forward, reflected = _OPERATORS[name]
            left, right = inputs
            result = (getattr(self, forward)(right) if left is self
                      else getattr(self, reflected)(left))
            if result is NotImplemented and name in ("equal", "not_equal"):
                # Python's fallback for `array == x`: identity, so False (True for !=).
                return name == "not_equal"
            return result
        function = getattr(T, _UFUNC_NAMES.get(name, name), None)
        if function is None or not callable(function):
            return NotImplemented
        return function(*inputs)

    def __bool__(self):
        # As in Theano, a variable is truthy (`if not W: W = shared(...)` works), except the
        # result of a comparison or a logical op: `a < b < c` means `(a < b) and (b < c)` in
        # Python, which would silently drop the first comparison.
        if self.owner is not None and self.dtype == "bool":
            raise GraphlensTypeError(
                f"a symbolic comparison has no truth value ({self!r}): `a < b < c` and "
                f"`if a < b:` cannot be decided when the graph is built. Use "
                f"(a < b) & (b < c) for a chain, T.switch(cond, a, b) for a choice inside the "
                f"graph, or evaluate it first")
        return True

    def __iter__(self):
        # As in Theano, a vector whose length the graph knows can be unpacked: `n, m = x.shape`,
        # `list(x.shape)`, `tuple(T.stack([a, b]))`. Anything else stays an error, which also
        # stops Python's builtin sum() or max() from looping over a symbol.
        length = self.type.shape[0] if self.type.ndim == 1 else None
        if length is None:
            known = ("" if self.type.ndim != 1 else
                     ": its length is not known when the graph is built")
            raise GraphlensTypeError(
                f"a symbolic variable cannot be iterated ({self!r}){known}; index it, e.g. "
                f"x[0] (builtin sum/max over a symbol: use T.sum/T.max)")
        return (self[i] for i in range(length))

    def __len__(self):
        raise GraphlensTypeError(f"len() of a symbolic variable is unknown; use {self!r}.shape[0]")

    def __getitem__(self, index):
        return T.getitem(self, index)

    # Theano's (and numpy's) positional order: x.sum(axis, dtype, keepdims, acc_dtype).
    def sum(self, axis=None, dtype=None, keepdims=False, acc_dtype=None):
        """`T.sum(self, axis, dtype, keepdims, acc_dtype)`."""
        return T.sum(self, axis=axis, keepdims=keepdims, dtype=dtype, acc_dtype=acc_dtype)

    def prod(self, axis=None, dtype=None, keepdims=False, acc_dtype=None):
        """`T.prod(self, axis, dtype, keepdims, acc_dtype)`."""
        return T.prod(self, axis=axis, keepdims=keepdims, dtype=dtype, acc_dtype=acc_dtype)

    def mean(self, axis=None, dtype=None, keepdims=False, acc_dtype=None):
        """`T.mean(self, axis, dtype, keepdims, acc_dtype)`."""
        return T.mean(self, axis=axis, keepdims=keepdims, dtype=dtype, acc_dtype=acc_dtype)

    def copy(self, name=None):
        """A copy of this value (Theano's `tensor_copy`), a node of its own: `x.copy('x2')`."""
        result = T.tensor_copy(self)
        result.name = name
        return result

    def var(self, axis=None, ddof=0, keepdims=False, corrected=False):
        """`T.var(self, axis, keepdims, ddof, corrected)` (Theano's order: ddof second)."""
        return T.var(self, axis=axis, keepdims=keepdims, ddof=ddof, corrected=corrected)

    def std(self, axis=None, ddof=0, keepdims=False, corrected=False):
        """`T.std(self, axis, keepdims, ddof, corrected)` (Theano's order: ddof second)."""
        return T.std(self, axis=axis, keepdims=keepdims, ddof=ddof, corrected=corrected)

    def max(self, axis=None, keepdims=False):
        """`T.max(self, axis, keepdims)`."""
        return T.max(self, axis=axis, keepdims=keepdims)

    def min(self, axis=None, keepdims=False):
        """`T.min(self, axis, keepdims)`."""
        return T.min(self, axis=axis, keepdims=keepdims)

    def argmax(self, axis=None, keepdims=False):
        """`T.argmax(self, axis, keepdims)`."""
        return T.argmax(self, axis=axis, keepdims=keepdims)

    def argmin(self, axis=None, keepdims=False):
        """`T.argmin(self, axis, keepdims)`."""
        return T.argmin(self, axis=axis, keepdims=keepdims)

    def all(self, axis=None, keepdims=False):
        """`T.all(self, axis, keepdims)`."""
        return T.all(self, axis=axis, keepdims=keepdims)

    def any(self, axis=None, keepdims=False):
        """`T.any(self, axis, keepdims)`."""
        return T.any(self, axis=axis, keepdims=keepdims)

    def reshape(self, *args, ndim=None, shape=None):
        """`T.reshape(self, shape, ndim)`: Theano's `x.reshape((2, -1))`, `x.reshape(shp, 2)`
        (a shape vector, then ndim) and `x.reshape(shape=...)`; numpy's `x.reshape(2, -1)`."""
        if shape is None:
            first = args[0] if args else None
            whole = isinstance(first, (list, tuple)) or \
                (isinstance(first, Variable) and getattr(first, "ndim", 0) == 1)
            if whole and len(args) <= 2:
                shape = first
                ndim = args[1] if len(args) == 2 else ndim      # Theano's positional ndim
            else:
                shape = args                                    # numpy's x.reshape(2, -1)
        elif args:
            raise GraphlensTypeError("reshape: the shape was given twice (positionally and as "
                                     "shape=)")
        return T.reshape(self, shape, ndim=ndim)

    def dimshuffle(self, *pattern):
        """Reorder axes and insert broadcastable ones: `x.dimshuffle(0, 'x', 1)`."""
        if len(pattern) == 1 and isinstance(pattern[0], (list, tuple)):
            pattern = pattern[0]
        return T.dimshuffle(self, pattern)

    def transpose(self, *axes):
        """`T.transpose(self, axes)`."""
        if len(axes) == 1 and isinstance(axes[0], (list, tuple)):
            axes = axes[0]
        return T.transpose(self, axes or None)

    def flatten(self, ndim=1):
        """`T.flatten(self, ndim)`."""
        return T.flatten(self, ndim)

    def squeeze(self, axis=None):
        """`T.squeeze(self, axis)`."""
        return T.squeeze(self, axis)

    def astype(self, dtype):
        """`T.cast(self, dtype)`."""
        return T.cast(self, dtype)

    def clip(self, low, high):
        """`T.clip(self, low, high)`."""
        return T.clip(self, low, high)

    def dot(self, other):
        """`T.dot(self, other)`."""
        return T.dot(self, other)

    def round(self, mode=None):
        """`T.round(self, mode)`: halves to even unless mode='half_away_from_zero'."""
        return T.round(self, mode)

    def choose(self, choices, out=None, mode="raise"):
        """`T.choose(self, choices, out, mode)`: self indexes into the choices."""
        return T.choose(self, choices, out=out, mode=mode)

    def sort(self, axis=-1, kind="quicksort", order=None):
        """`T.sort(self, axis, kind, order)`: a sorted copy."""
        return T.sort(self, axis, kind, order)

    def argsort(self, axis=-1, kind="quicksort", order=None):
        """`T.argsort(self, axis, kind, order)`: the positions that sort self."""
        return T.argsort(self, axis, kind, order)

    def nonzero(self, return_matrix=False):
        """`T.nonzero(self, return_matrix)`: one int64 vector of positions per axis."""
        return T.nonzero(self, return_matrix)

    def nonzero_values(self):
        """`T.nonzero_values(self)`: the non-zero elements, flattened."""
        return T.nonzero_values(self)

    def repeat(self, repeats, axis=None):
        """`T.repeat(self, repeats, axis)`."""
        return T.repeat(self, repeats, axis)

    def cumsum(self, axis=None):
        """`T.cumsum(self, axis)`."""
        return T.cumsum(self, axis)

    def cumprod(self, axis=None):
        """`T.cumprod(self, axis)`."""
        return T.cumprod(self, axis)

    def diagonal(self, offset=0, axis1=0, axis2=1):
        """`T.diagonal(self, offset, axis1, axis2)`."""
        return T.diagonal(self, offset, axis1, axis2)

    def norm(self, L, axis=None, keepdims=False):
        """The L-norm over `axis` (all axes for None): (sum |x| ** L) ** (1 / L), as Theano's.

        L=inf gives max |x|, L=-inf min |x|, and L=0 the number of non-zero elements.
        >>> v.norm(2)       # sqrt(sum(v ** 2))          # doctest: +SKIP
        """
        return T.norm.norm(self, L, axis=axis, keepdims=keepdims)

    def zeros_like(self, dtype=None):
        """`T.zeros_like(self, dtype)`."""
        return T.zeros_like(self, dtype)

    def ones_like(self, dtype=None):
        """`T.ones_like(self, dtype)`."""
        return T.ones_like(self, dtype)

    def fill(self, value):
        """`T.fill(self, value)`: `value` broadcast to this variable's shape (Theano's method).

        >>> T.dvector('x').fill(2.0).eval({'x': [1.0, 5.0]})          # doctest: +SKIP
        array([2., 2.])
        """
        return T.fill(self, value)

    def ravel(self):
        """`T.flatten(self)`: a vector."""
        return T.flatten(self)

    def swapaxes(self, axis1, axis2):
        """`T.swapaxes(self, axis1, axis2)`."""
        return T.swapaxes(self, axis1, axis2)

    def trace(self):
        """The sum of the main diagonal: `T.diagonal(self).sum()`."""
        return T.diagonal(self).sum()

    def ptp(self, axis=None, keepdims=False):
        """`T.ptp(self, axis)`: max - min."""
        return T.ptp(self, axis, keepdims)

    def searchsorted(self, v, side="left", sorter=None):
        """`T.extra_ops.searchsorted(self, v, side, sorter)`."""
        return T.extra_ops.searchsorted(self, v, side, sorter)

    def take(self, indices, axis=None, mode="raise"):
        """`T.take(self, indices, axis, mode)`."""
        return T.take(self, indices, axis, mode)

    @property
    def real(self):
        """The real part, elementwise: `z.real` is `T.real(z)`."""
        return T.real(self)

    @property
    def imag(self):
        """The imaginary part, elementwise: `z.imag` is `T.imag(z)`."""
        return T.imag(self)

    def conj(self):
        """The complex conjugate, elementwise: `z.conj()` is `T.conj(z)`."""
        return T.conj(self)

    conjugate = conj

    def transfer(self, target):
        """Theano's `x.transfer(target)`: this value on device `target` ('cpu', 'dev0', ...).
        graphlens has one device, the CPU: the variable itself (`transfer`).

        >>> x.transfer('cpu') is x                                       # doctest: +SKIP
        True
        """
        return transfer(self, target)

    def eval(self, inputs_to_values=None):
        """Evaluate with `{variable: value}` for the inputs: `(x * 2).eval({x: 3.0})`."""
        from graphlens.compile.function import function
        inputs_to_values = inputs_to_values or {}
        inputs = list(inputs_to_values)
        return function(inputs, self, on_unused_input="ignore")(
            *[inputs_to_values[var] for var in inputs])

    def _repr_mimebundle_(self, include=None, exclude=None):
        """Jupyter: the graph laid out once, as the interactive viewer (text/html), a static
        SVG (image/svg+xml) and the `pp` formula (text/plain)."""
        from graphlens.render.jupyter import mimebundle
        return mimebundle(self, include, exclude)


TensorType.variable_class = TensorVariable


class TensorConstant(Constant, TensorVariable):
    """A constant tensor. `weak` marks a Python number, whose dtype yields to arrays' dtypes."""

    __slots__ = ("weak",)

    def __init__(self, type, data, name=None, creation_site_=None, weak=False):
        # Constant.__init__ only sets `data`: one call fewer for each literal a build makes.
        Variable.__init__(self, type, None, None, name, creation_site_)
        self.data = data
        self.weak = weak

    def clone(self):
        """The same constant (data shared: constants are never mutated)."""
        copy = TensorConstant(self.type, self.data, self.name, self.creation_site, self.weak)
        copy.scope = self.scope
        return copy

    def signature(self):
        """Hashable key for merging equal constants."""
        return super().signature() + (self.weak,)

    __hash__ = Variable.__hash__


def constant(value, dtype=None, name=None) -> TensorConstant:
    """A constant tensor. Unless a `dtype` ('floatX' too) is given, a Python number takes
    Theano's literal dtype (see graph/types.py: `autocast_float`, `autocast_int`).

    >>> constant(2.5).dtype, constant(0.1).dtype, constant(2).dtype    # doctest: +SKIP
    ('float32', 'float64', 'int8')
    >>> constant([1, 2], dtype='int8').type    # doctest: +SKIP
    TensorType(int8, (2,))
    """
    if dtype is None and name is None and (value.__class__ is float or value.__class__ is int):
        # A Python number literal (`y + 1.0`): its data and type are made once and shared.
        found = literal(value)
        if found is not None:
            return TensorConstant(found[1], found[0], weak=True)
    weak = dtype is None and isinstance(value, (int, float, complex)) and not isinstance(
        value, (bool, np.generic))
    if dtype is None:
        dtype = _default_dtype(value)
    elif isinstance(dtype, str) and dtype == "floatX":
        dtype = config.floatX
    # A copy: the constant must not change when the caller's array does, and marking the
    # caller's own array read-only would break their code.
    try:
        data = np.array(value, dtype=dtype)
    except (OverflowError, ValueError, TypeError) as exc:
        # 2**100, '1.5x' for a float, a ragged list: say which value, not numpy's internals.
        raise GraphlensTypeError(f"constant: cannot make a {dtype} tensor of {value!r:.60}: "
                                 f"{exc}") from exc
    data.setflags(write=False)  # a constant is shared by every call: nothing may write to it
    return TensorConstant(tensor_type(data.dtype, data.shape), data, name=name, weak=weak)


def _foreign(other) -> bool:
    """True for a variable that is not a tensor (a sparse matrix): its operators decide."""
    return isinstance(other, Variable) and not isinstance(other, TensorVariable)


_WARNED_TARGETS = set()


def transfer(var, target):
    """Theano's `T.transfer(var, target)`: `var` on device `target`. graphlens computes on the
    CPU only, so every target gets `var` itself; a target other than 'cpu' (a GPU context of a
    program written for one) is said once, as `config.device` is.

    >>> T.transfer(x, 'cpu') is x                                     # doctest: +SKIP
    True
    """
    var = as_tensor_variable(var)
    if target != "cpu" and target not in _WARNED_TARGETS:
        _WARNED_TARGETS.add(target)
        warnings.warn(f"transfer to {target!r}: graphlens computes with numpy on the CPU; "
                      f"{describe(var)} stays there", GraphlensWarning, stacklevel=3)
    return var


def as_tensor_variable(value, name=None, ndim=None) -> TensorVariable:
    """`value` as a tensor variable: variables pass through, numbers and arrays become constants.

    >>> as_tensor_variable(3).dtype
    'int64'

    A node stands for its default output (Theano's); with `ndim`, leading axes of length 1
    are dropped, or added, to reach that rank.
    """
    if isinstance(value, Apply):
        value = _default_output(value)
    if isinstance(value, TensorVariable):
        if not isinstance(value.type, TensorType):     # a shared sparse matrix, say
            raise AsTensorError(f"{describe(value)} is a {value.type}, not a tensor")
        result = value
        if value.type.__class__ is not TensorType and hasattr(value, "as_tensor"):
            # A Theano scalar variable (tensor/scalar_type.py): its rank-0 tensor, as Theano's
            # as_tensor_variable inserts tensor_from_scalar. (A RandomStateType variable is a
            # tensor as it is.)
            result = value.as_tensor()
    elif isinstance(value, Variable):
        raise AsTensorError(f"{value!r} is a {value.type}, not a tensor")
    elif isinstance(value, (list, tuple)) and any(isinstance(v, Variable) for v in value):
        result = T.stack(list(value))
    else:
        try:
            result = constant(value, name=name)
        except (TypeError, ValueError, OverflowError) as exc:
            raise AsTensorError(f"cannot make a tensor of {value!r:.80}: {exc}") from exc
    if ndim is not None and result.ndim != ndim:
        result = _to_rank(result, ndim)
    return result


def _to_rank(var, ndim):
    """var with leading length-1 axes dropped or added to reach rank `ndim` (Theano's)."""
    if var.ndim < ndim:
        return var.dimshuffle(["x"] * (ndim - var.ndim) + list(range(var.ndim)))
    drop = 0
    while drop < var.ndim - ndim and var.type.shape[drop] == 1:
        drop += 1
    if var.ndim - drop != ndim:
        # Theano raised ValueError here; RankError is that and the TypeError of a bad type.
        raise RankError(f"expected a tensor of rank {ndim}, got {var.type}: only leading "
                            f"axes declared of length 1 can be dropped")
    return var.dimshuffle(list(range(drop, var.ndim)))


def _default_output(node):
    """The output of `node` a variable stands for: its op's `default_output`, or its only one."""
    position = getattr(node.op, "default_output", None)
    if position is None:
        if len(node.outputs) == 1:
            return node.outputs[0]
        raise NotATensorError(f"{node.op} has {len(node.outputs)} outputs and no "
                              f"default_output: pick one of node.outputs")
    if not isinstance(position, (int, np.integer)) or not 0 <= position < len(node.outputs):
        raise NotATensorError(f"{node.op}.default_output is {position!r}, not the position of "
                              f"one of its {len(node.outputs)} outputs")
    return node.outputs[position]


# numpy's ufuncs that are Python operators: (the variable's operator when it is on the left,
# its reflected one when on the right), so `array + x` behaves as `x.__radd__(array)`.
_OPERATORS = {
    "add": ("__add__", "__radd__"), "subtract": ("__sub__", "__rsub__"),
    "multiply": ("__mul__", "__rmul__"), "true_divide": ("__truediv__", "__rtruediv__"),
    "divide": ("__truediv__", "__rtruediv__"),
    "floor_divide": ("__floordiv__", "__rfloordiv__"), "remainder": ("__mod__", "__rmod__"),
    "power": ("__pow__", "__rpow__"), "matmul": ("__matmul__", "__rmatmul__"),
    "less": ("__lt__", "__gt__"), "less_equal": ("__le__", "__ge__"),
    "greater": ("__gt__", "__lt__"), "greater_equal": ("__ge__", "__le__"),
    "bitwise_and": ("__and__", "__rand__"), "bitwise_or": ("__or__", "__ror__"),
    "bitwise_xor": ("__xor__", "__xor__"), "equal": ("__eq__", "__eq__"),
    "not_equal": ("__ne__", "__ne__"),
}
# numpy's names of ufuncs whose graphlens function is named otherwise; the rest share names
# (np.exp is T.exp, np.arctanh is T.arctanh).
_UFUNC_NAMES = {"negative": "neg", "absolute": "abs", "fabs": "abs", "square": "sqr",
                "sign": "sgn", "conjugate": "conj", "rint": "round_half_to_even",
                "reciprocal": "inv", "invert": "invert", "logical_not": "invert"}
