"""`TensorType(dtype, shape)`: an n-dimensional array type with static shape information.

A static dimension is an int (known length; 1 means broadcastable) or None (unknown). Theano's
`broadcastable` tuples are accepted too: True means length 1, False means unknown.

>>> TensorType('float32', (None, 784))
TensorType(float32, (?, 784))
>>> TensorType('float64', (True, False)).shape
(1, None)
"""

from __future__ import annotations

import numpy as np

from graphlens.errors import GraphlensTypeError, NotNumbersError, ShapeError
from graphlens.graph.types import ALL_DTYPES, Type
from graphlens.config import config


class TensorType(Type):
    """The type of a tensor variable: dtype and static shape; compares by value."""

    __slots__ = ("dtype", "shape", "_hash", "numpy_dtype", "_fixed_lengths", "name")

    # The class of this type's variables. tensor/variable.py sets it to TensorVariable when it
    # defines it: a variable's operators build ops, and ops build variables of this type, so
    # this module cannot import that one (Theano's arrangement too).
    variable_class = None

    def __init__(self, dtype, shape=(), name=None, *, broadcastable=None):
        # Theano's signature too: TensorType(dtype, broadcastable, name), broadcastable= by
        # keyword. `name` only labels the type (Theano's too); it takes no part in equality.
        if broadcastable is not None:
            shape = tuple(bool(b) for b in broadcastable)
        self.name = name
        # numpy's own name lookup is slow and graphs make many types; a list is no dtype at all.
        name = _DTYPE_NAMES.get(dtype) if getattr(type(dtype), "__hash__", None) else None
        if name is None and isinstance(dtype, str) and dtype == "floatX":
            name = config.floatX          # Theano's spelling: TensorType('floatX', (False,))
        if name is None:
            name = checked_dtype(dtype)
        self.dtype = name
        self.numpy_dtype = _NUMPY_DTYPES[name]
        if isinstance(shape, (str, bytes)) or not hasattr(shape, "__iter__"):
            raise GraphlensTypeError(
                f"a tensor's shape must be a tuple of lengths (int or None) or of booleans "
                f"(Theano's broadcastable), got {shape!r:.60}")
        self.shape = tuple(_static_dim(d) for d in shape)
        self._fixed_lengths = any(d is not None for d in self.shape)
        self._hash = hash((self.dtype, self.shape))

    @property
    def ndim(self) -> int:
        """Number of dimensions."""
        return len(self.shape)

    @property
    def broadcastable(self) -> tuple[bool, ...]:
        """Theano's view of the static shape: True where a dimension has length 1."""
        return tuple(d == 1 for d in self.shape)

    def __call__(self, name=None, test_value=None):
        """A new symbolic variable of this type: `TensorType('float64', ())('x')`; with
        `test_value`, that is its `tag.test_value` (checked against this type).

        >>> x = T.dmatrix('x', test_value=np.zeros((2, 3)))      # doctest: +SKIP
        """
        if name is not None and not isinstance(name, str):
            raise GraphlensTypeError(f"a variable's name must be a string, got {name!r:.40}")
        variable = self.variable_class(self, name=name)
        if test_value is not None:
            variable.tag.test_value = test_value
        return variable

    def clone(self, dtype=None, shape=None, *, broadcastable=None):
        """This type with another dtype or shape (or Theano's `broadcastable` pattern)."""
        if broadcastable is not None:
            shape = tuple(bool(b) for b in broadcastable)
        return TensorType(self.dtype if dtype is None else dtype,
                          self.shape if shape is None else shape)

    def __eq__(self, other):
        return (type(other) is TensorType and self.dtype == other.dtype
                and self.shape == other.shape)

    def __hash__(self):
        return self._hash

    def __str__(self):
        if not self.shape:
            return self.dtype
        dims = ", ".join("?" if d is None else str(d) for d in self.shape)
        return f"{self.dtype}[{dims}]"

    def __repr__(self):
        dims = ", ".join("?" if d is None else str(d) for d in self.shape)
        comma = "," if len(self.shape) == 1 else ""
        return f"TensorType({self.dtype}, ({dims}{comma}))"

    def is_compatible_shape(self, shape) -> bool:
        """True when a concrete `shape` fits this type's rank and static dimensions."""
        return len(shape) == len(self.shape) and all(
            s is None or s == d for s, d in zip(self.shape, shape))

    @staticmethod
    def values_eq(a, b, force_same_dtype=True):
        """True when arrays a and b hold the same values (NaN equal to NaN in the same place),
        shape and, with force_same_dtype, dtype: Theano's TensorType.values_eq (a static
        method, as Theano's: `T.TensorType.values_eq(a, b)`).

        >>> T.dvector().type.values_eq(np.array([1.0, np.nan]), np.array([1.0, np.nan]))
        True
        """
        a, b = np.asarray(a), np.asarray(b)
        if a.shape != b.shape or (force_same_dtype and a.dtype != b.dtype):
            return False
        return bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fc" and b.dtype.kind in "fc"))

    @staticmethod
    def values_eq_approx(a, b, allow_remove_inf=False, allow_remove_nan=False, rtol=None,
                         atol=None):
        """True when a and b have one shape and close values, with the tolerances of their
        narrower float dtype (`tensor.basic._allclose`); NaNs and infinities must match in place
        unless allowed to be removed. Theano's TensorType.values_eq_approx.

        >>> T.fvector().type.values_eq_approx(np.float32([1.0]), np.float32([1.000001]))
        True
        """
        a, b = np.asarray(a), np.asarray(b)
        if a.shape != b.shape:
            return False
        if a.dtype.kind not in "fc" or b.dtype.kind not in "fc":
            return TensorType.values_eq(a, b, force_same_dtype=False)
        nan_a, nan_b = np.isnan(a), np.isnan(b)
        inf_a, inf_b = np.isinf(a), np.isinf(b)
        skip = np.zeros(a.shape, dtype=bool)
        if allow_remove_nan:
            skip |= nan_a | nan_b
        elif not np.array_equal(nan_a, nan_b):
            return False
        else:
            skip |= nan_a
        if allow_remove_inf:
            skip |= inf_a | inf_b
        elif not (np.array_equal(inf_a, inf_b) and np.array_equal(a[inf_a], b[inf_b])):
            return False
        else:
            skip |= inf_a
        keep = ~skip
        return _allclose(a[keep], b[keep], rtol, atol)

    def value_zeros(self, shape):
        """Theano's: an array of zeros of this type's dtype, for an op's perform to fill.

        >>> T.fmatrix.value_zeros((1, 2)).dtype
        dtype('float32')
        """
        return np.zeros(shape, dtype=self.dtype)

    def filter(self, value, strict=False, allow_downcast=False, *, what="value"):
        """`value` as an ndarray of this type, or a clear error saying what does not fit.

        Python numbers and lists are converted when the conversion keeps their values; arrays
        are cast only when the cast is safe, unless `allow_downcast`. `strict=True` (Theano's
        Type.filter signature) takes only an ndarray of this dtype and rank, as it is.

        >>> T.dvector().type.filter([1, 2]).dtype
        dtype('float64')
        """
        if strict:
            return self._strictly(value, what)
        # The common case first, cheaply: an array of the right dtype and rank, every length
        # free (a compiled function checks each argument on every call).
        kind = type(value)
        if kind is np.ndarray and value.dtype is self.numpy_dtype \
                and value.ndim == len(self.shape) and not self._fixed_lengths:
            return value
        if kind is self.numpy_dtype.type and not self.shape:       # np.float64(1.5) for a dscalar
            return np.asarray(value)
        if kind is int and not self.shape:
            # A Python int for an integer scalar (the tutorials' `train_model(minibatch_index)`):
            # in range, its value is kept exactly, with no array comparison (13 us a call).
            bounds = _INT_BOUNDS.get(self.numpy_dtype)
            if bounds is not None and bounds[0] <= value <= bounds[1]:
                return np.asarray(value, dtype=self.numpy_dtype)
        array = _convert(value, self.dtype, allow_downcast, what)
        if array.ndim != self.ndim:
            raise GraphlensTypeError(
                f"{what} has rank {array.ndim} (shape {array.shape}) but the variable is "
                f"{self}, of rank {self.ndim}")
        if not self.is_compatible_shape(array.shape):
            raise ShapeError(f"{what} has shape {array.shape}, which does not fit {self}")
        return array

    def _strictly(self, value, what):
        # Theano's strict filter: no conversion at all, so a wrong array is a TypeError.
        if not isinstance(value, np.ndarray) or value.dtype != self.numpy_dtype \
                or value.ndim != self.ndim:
            shown = (f"a {value.dtype} array of rank {value.ndim}"
                     if isinstance(value, np.ndarray) else f"{type(value).__name__} {value!r:.40}")
            raise GraphlensTypeError(f"{what} must be a {self.dtype} array of rank {self.ndim} "
                                     f"(strict), got {shown}")
        if not self.is_compatible_shape(value.shape):
            raise ShapeError(f"{what} has shape {value.shape}, which does not fit {self}")
        return value


def values_eq_approx_remove_inf(a, b):
    """Theano's: `values_eq_approx` with infinities ignored where either has one."""
    return TensorType.values_eq_approx(a, b, allow_remove_inf=True)


def values_eq_approx_remove_nan(a, b):
    """Theano's: `values_eq_approx` with NaNs ignored where either has one (what a rewrite
    that turns a NaN into a number is checked with).

    >>> values_eq_approx_remove_nan(np.array([np.nan, 1.0]), np.array([0.0, 1.0]))
    True
    """
    return TensorType.values_eq_approx(a, b, allow_remove_nan=True)


def values_eq_approx_remove_inf_nan(a, b):
    """Theano's: `values_eq_approx` with infinities and NaNs ignored."""
    return TensorType.values_eq_approx(a, b, allow_remove_inf=True, allow_remove_nan=True)


# Theano's module-level name of the method, for code that swaps it in and out.
values_eq_approx = TensorType.values_eq_approx


# Each dtype by its name, its numpy dtype and its scalar class, all mapped to the name.
_DTYPE_NAMES = {key: name for name in ALL_DTYPES
                for key in (name, np.dtype(name), np.dtype(name).type)}


_NUMPY_DTYPES = {name: np.dtype(name) for name in ALL_DTYPES}


def checked_dtype(dtype) -> str:
    """The name of `dtype` when graphlens supports it, else a clear GraphlensTypeError.

    >>> checked_dtype(np.float32), checked_dtype('int8')
    ('float32', 'int8')
    """
    try:
        name = str(np.dtype(dtype))
    except (TypeError, ValueError):
        name = None
    if name not in ALL_DTYPES:
        shown = dtype if isinstance(dtype, str) else name or dtype
        raise GraphlensTypeError(f"unsupported dtype {shown!r:.40}; use one of {ALL_DTYPES}")
    return name


# Interned types by (dtype, lengths): at most this many kinds are kept.
_INTERNED = {}
MAX_INTERNED = 4096


def tensor_type(dtype, lengths: tuple) -> TensorType:
    """The shared TensorType of `dtype` and `lengths` (a tuple of ints and None, as a type's own
    `shape` is; not Theano's booleans). Types compare by value and never change, so the nodes
    the graph builders make share them: one object fewer per variable to allocate and for the
    garbage collector to scan.

    >>> tensor_type('float64', (None,)) is tensor_type('float64', (None,))
    True
    """
    key = (dtype, lengths)
    found = _INTERNED.get(key)
    if found is None:
        found = TensorType(dtype, lengths)
        if len(_INTERNED) < MAX_INTERNED:
            _INTERNED[key] = found
    return found


# The values each integer dtype holds: a Python int in range converts without loss.
_INT_BOUNDS = {np.dtype(name): (int(np.iinfo(name).min), int(np.iinfo(name).max))
               for name in ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
                            "uint64")}


def _static_dim(dim):
    if isinstance(dim, (bool, np.bool_)):
        return 1 if dim else None
    if dim is None:
        return None
    if not isinstance(dim, (int, np.integer)):
        raise GraphlensTypeError(f"a static length must be an int, None or a boolean, got "
                                 f"{dim!r:.40}")
    dim = int(dim)
    if dim < 0:
        raise ShapeError(f"a static dimension must be >= 0 or None, got {dim}")
    return dim


def _convert(value, dtype, allow_downcast, what):
    if isinstance(value, np.ndarray) or np.isscalar(value) and isinstance(value, np.generic):
        array = np.asarray(value)
        if array.dtype == dtype:
            return array
        if array.dtype.kind not in "biufc":
            raise GraphlensTypeError(f"{what} has dtype {array.dtype}, not numbers; the "
                                     f"variable is {dtype}")
        if allow_downcast or np.can_cast(array.dtype, dtype, "safe"):
            return array.astype(dtype)
        raise GraphlensTypeError(
            f"{what} has dtype {array.dtype} but the variable is {dtype}: the cast could lose "
            f"information. Pass `value.astype('{dtype}')`, or compile with "
            f"allow_input_downcast=True")
    try:
        source = np.asarray(value)
    except Exception as exc:  # ragged lists and the like: numpy's message is the useful part
        raise NotNumbersError(f"{what} cannot be read as an array: {exc}") from exc
    if source.dtype.kind not in "biufc":
        raise NotNumbersError(f"{what} cannot be read as an array of numbers: {value!r:.80}")
    if not allow_downcast and source.dtype.kind == "c" and np.dtype(dtype).kind != "c":
        raise GraphlensTypeError(f"{what} holds complex numbers but the variable is {dtype}")
    with np.errstate(over="ignore", under="ignore"):   # overflow is refused below, not warned
        array = source.astype(dtype)
    if not allow_downcast and source.dtype.kind in "biu" and dtype != str(source.dtype):
        if not np.array_equal(array, source):
            raise GraphlensTypeError(
                f"{what} {value!r:.80} does not fit dtype {dtype} without changing its values")
    # An empty list holds no float (numpy reads [] as float64): any dtype takes it, as Theano.
    if (not allow_downcast and source.dtype.kind == "f" and np.dtype(dtype).kind in "biu"
            and source.size):
        raise GraphlensTypeError(f"{what} holds floats but the variable is {dtype}")
    if not allow_downcast and source.dtype.kind in "fc" and array.dtype.kind in "fc" \
            and array.dtype.itemsize < source.dtype.itemsize:
        _refuse_lost_floats(source, array, what)
        # Python floats may round to a narrower float when the caller did not decide
        # (allow_downcast None, the default: Theano allowed only a lone literal of floatX and
        # made users cast lists; graphlens rounds both). Asked not to downcast (False, as
        # In(x, allow_downcast=False)), the values must fit exactly, as in Theano.
        if allow_downcast is False and not np.array_equal(array, source, equal_nan=True):
            raise GraphlensTypeError(
                f"{what} {value!r:.80} does not fit dtype {dtype} without rounding; pass a "
                f"{dtype} array, or compile with allow_input_downcast=True")
    return array


def _refuse_lost_floats(source, array, what):
    """Python floats narrowed to float32 (say) may round, as Theano allows, but not overflow
    to inf nor underflow to 0: that would silently compute with different numbers."""
    overflow = np.isfinite(source) & ~np.isfinite(array)
    underflow = (source != 0) & (array == 0)
    for lost, verb in ((overflow, "overflows to inf"), (underflow, "underflows to 0")):
        if lost.any():
            bad = source[lost].ravel()[0].item() if source.ndim else source.item()
            raise GraphlensTypeError(
                f"{what}: the number {bad!r} does not fit {array.dtype}, the variable's dtype "
                f"(it {verb}). Use a float64 variable, or scale the value")


# The tolerances Theano's tests compare values with, by the narrowest float dtype of the two
# (numpy's allclose defaults for float64). Module globals, as in Theano, so a test may loosen them.
float16_atol, float16_rtol = 1e-3, 1e-3
float32_atol, float32_rtol = 1e-5, 1e-5
float64_atol, float64_rtol = 1e-8, 1e-5


def _get_atol_rtol(a, b):
    """(atol, rtol) for comparing arrays `a` and `b`: float16's if either is float16, else
    float32's if either is float32 or complex64, else float64's.

    >>> _get_atol_rtol(np.float32(1), np.float64(1))
    (1e-05, 1e-05)
    """
    dtypes = {str(np.asarray(a).dtype), str(np.asarray(b).dtype)}
    if "float16" in dtypes:
        return float16_atol, float16_rtol
    if dtypes & {"float32", "complex64"}:
        return float32_atol, float32_rtol
    return float64_atol, float64_rtol


def _allclose(a, b, rtol=None, atol=None):
    """numpy.allclose with the tolerances of `_get_atol_rtol` unless given (Theano's tests
    compare computed values this way).

    >>> _allclose(np.float32(1), np.float32(1 + 1e-6))
    True
    """
    a, b = np.asarray(a), np.asarray(b)
    atol_, rtol_ = _get_atol_rtol(a, b)
    return bool(np.allclose(a, b, rtol=rtol_ if rtol is None else rtol,
                            atol=atol_ if atol is None else atol))
