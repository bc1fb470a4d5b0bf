"""`SparseType(format, dtype)`: a 2-d scipy.sparse matrix in 'csr' or 'csc' format, its
variables and constants, and the constructors Theano users type.

>>> x = csr_matrix('x'); x.type
SparseType(csr, float64)
>>> str(x.type), x.ndim, x.format
('csr(float64)', 2, 'csr')
"""

from __future__ import annotations

import numpy as np
import scipy.sparse

from graphlens.compile.function import function
from graphlens.config import config
from graphlens.errors import GraphlensTypeError, ShapeError, describe
from graphlens.graph.basic import Constant, Variable
from graphlens.graph.types import Type
from graphlens.tensor.type import checked_dtype
from graphlens.tensor.variable import as_tensor_variable
# The operators build ops from modules that import this one: read from the package when called.
import graphlens.sparse as S

# The scipy class of each format: values a function returns are scipy *matrices*, as Theano's.
FORMAT_CLASSES = {"csr": scipy.sparse.csr_matrix, "csc": scipy.sparse.csc_matrix}
SPARSE_FORMATS = tuple(FORMAT_CLASSES)
# Theano's sparse.all_dtypes: the dtypes scipy.sparse computes in.
ALL_DTYPES = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
              "float32", "float64", "complex64", "complex128")


class SparseType(Type):
    """The type of a sparse matrix variable: format ('csr' or 'csc'), dtype and the static
    lengths of its two axes (None where unknown, as a TensorType's); compares by value.
    A sparse matrix is always 2-d and never broadcasts.

    >>> SparseType('csc', 'float32') == SparseType('csc', 'float32')
    True
    >>> str(SparseType('csr', 'float64', (5, None)))
    'csr(float64)[5, ?]'
    """

    __slots__ = ("format", "dtype", "shape", "numpy_dtype", "_hash")

    ndim = 2
    broadcastable = (False, False)
    # A compiled function checks such an argument with `filter` on every call (no inline test).
    _fixed_lengths = True
    # Values are scipy matrices, copied with `copy_value` (graph/types.py).
    array_values = False
    # The class of this type's variables; SparseVariable is defined below.
    variable_class = None

    def __init__(self, format, dtype=None, shape=(None, None)):
        if format not in FORMAT_CLASSES:
            raise GraphlensTypeError(f"SparseType: format must be one of {SPARSE_FORMATS}, got "
                                     f"{format!r:.40}")
        dtype = config.floatX if dtype is None or dtype == "floatX" else checked_dtype(dtype)
        if dtype not in ALL_DTYPES:
            raise GraphlensTypeError(f"SparseType: scipy.sparse does not compute in {dtype}; "
                                     f"use one of {ALL_DTYPES}")
        shape = tuple(shape)
        if len(shape) != 2 or not all(n is None or isinstance(n, (int, np.integer)) and n >= 0
                                      for n in shape):
            raise GraphlensTypeError(f"SparseType: shape must be two lengths (int or None), got "
                                     f"{shape!r:.40}")
        self.format = format
        self.dtype = dtype
        self.shape = tuple(None if n is None else int(n) for n in shape)
        self.numpy_dtype = np.dtype(dtype)
        self._hash = hash(("sparse", format, dtype, self.shape))

    def __call__(self, name=None):
        """A new symbolic variable of this type: `SparseType('csr', 'float64')('x')`."""
        if name is not None and not isinstance(name, str):
            raise GraphlensTypeError(f"a variable's name must be a string, got {name!r:.40}")
        return self.variable_class(self, name=name)

    def clone(self, format=None, dtype=None, shape=None):
        """This type with another format, dtype or static lengths."""
        return SparseType(format or self.format, dtype or self.dtype,
                          self.shape if shape is None else shape)

    def fits(self, other) -> bool:
        """True when a variable of type `other` may stand where this type is expected (an
        update, a givens value): same format and dtype, no static length contradicting ours."""
        return (type(other) is SparseType and other.format == self.format
                and other.dtype == self.dtype and self.is_compatible_shape(other.shape))

    def __eq__(self, other):
        return (type(other) is SparseType and self.format == other.format
                and self.dtype == other.dtype and self.shape == other.shape)

    def __hash__(self):
        return self._hash

    def __str__(self):
        if self.shape == (None, None):
            return f"{self.format}({self.dtype})"
        dims = ", ".join("?" if n is None else str(n) for n in self.shape)
        return f"{self.format}({self.dtype})[{dims}]"

    def __repr__(self):
        if self.shape == (None, None):
            return f"SparseType({self.format}, {self.dtype})"
        dims = ", ".join("?" if n is None else str(n) for n in self.shape)
        return f"SparseType({self.format}, {self.dtype}, ({dims}))"

    def is_compatible_shape(self, shape) -> bool:
        """True when a concrete (or static) `shape` fits this type's two lengths."""
        return len(shape) == 2 and all(
            mine is None or n is None or mine == n for mine, n in zip(self.shape, shape))

    def filter(self, value, *, allow_downcast=False, what="value", strict=False):
        """`value` as a scipy matrix of this format and dtype, or a GraphlensTypeError naming
        `what` and saying why not. Another sparse format is converted (not with `strict`), a
        dtype only by a safe cast unless `allow_downcast`; a dense array is refused, as Theano
        refused it (the caller meant a dense input, or forgot `csr_matrix(array)`).

        >>> SparseType('csr', 'float64').filter(scipy.sparse.eye(2, format='csc')).format
        'csr'
        """
        cls = FORMAT_CLASSES[self.format]
        if type(value) is cls and value.dtype == self.numpy_dtype \
                and self.is_compatible_shape(value.shape):
            return value
        if not scipy.sparse.issparse(value):
            raise GraphlensTypeError(
                f"{what} is a {type(value).__name__}, but the variable is sparse {self}: pass "
                f"a scipy.sparse matrix (scipy.sparse.{self.format}_matrix(value))")
        if strict:
            raise GraphlensTypeError(f"{what} is a {value.format} {value.dtype} sparse matrix, "
                                     f"but the variable is {self} (strict)")
        if value.ndim != 2:
            raise GraphlensTypeError(f"{what} has rank {value.ndim}; sparse matrices are 2-d")
        if not self.is_compatible_shape(value.shape):
            raise ShapeError(f"{what} has shape {value.shape}, which does not fit {self}")
        if value.dtype != self.numpy_dtype and not allow_downcast \
                and not np.can_cast(value.dtype, self.numpy_dtype, "safe"):
            raise GraphlensTypeError(
                f"{what} has dtype {value.dtype} but the variable is {self}: the cast could "
                f"lose information. Pass `value.astype('{self.dtype}')`, or compile with "
                f"allow_input_downcast=True")
        return cls(value, dtype=self.numpy_dtype)

    def value_zeros(self, shape):
        """An all-zero matrix of this type and `shape` (no stored entries)."""
        return FORMAT_CLASSES[self.format](shape, dtype=self.numpy_dtype)

    @staticmethod
    def copy_value(value):
        """A copy of a value of this type: what a function returns for an output that would
        otherwise alias an input or a shared variable's value."""
        return value.copy()

    def values_eq(self, a, b, eps=1e-6):
        """True when two sparse matrices of one shape hold the same values: exactly for
        integers, within `eps` (the largest absolute difference) for floats, as Theano's.

        >>> m = scipy.sparse.eye(2, format='csr'); SparseType('csr').values_eq(m, m * 1.0)
        True
        """
        if not (scipy.sparse.issparse(a) and scipy.sparse.issparse(b)) or a.shape != b.shape:
            return False
        difference = abs(a - b)
        if difference.nnz == 0:
            return True
        return bool(self.dtype.startswith(("float", "complex")) and difference.max() < eps)

    def values_eq_approx(self, a, b, eps=1e-6):
        """values_eq within `eps`, Theano's name for the approximate comparison."""
        return self.values_eq(a, b, eps)

    @staticmethod
    def may_share_memory(a, b):
        """True when a and b (sparse matrices or arrays) may share storage: one of a sparse
        matrix's arrays (data, indices, indptr) may be the other or one of its arrays.

        >>> m = scipy.sparse.eye(2, format='csr'); SparseType.may_share_memory(m, m.data)
        True
        """
        def arrays(value):
            if scipy.sparse.issparse(value):
                return [value.data, value.indices, value.indptr]
            return [value] if isinstance(value, np.ndarray) else []
        return any(np.may_share_memory(p, q) for p in arrays(a) for q in arrays(b))


class _SparseOperators:
    """What a sparse variable answers to, as Theano's `_sparse_py_operators`: arithmetic builds
    the sparse ops, `x.T` transposes, `x.toarray()` is dense_from_sparse, `x.shape` is the
    symbolic shape. The op modules import this one, so the operators read them from the
    package `graphlens.sparse` when called (tensor/variable.py's arrangement)."""

    __slots__ = ()

    @property
    def dtype(self) -> str:
        """The dtype, like scipy's: 'float64'."""
        return self.type.dtype

    @property
    def format(self) -> str:
        """'csr' or 'csc'."""
        return self.type.format

    ndim = 2
    broadcastable = (False, False)

    @property
    def shape(self):
        """The symbolic shape, an int64 vector of two lengths."""
        return S.sparse_shape(self)

    @property
    def T(self):
        """The transpose (csr becomes csc and back, sharing the arrays, as scipy)."""
        return S.transpose(self)

    def toarray(self):
        """The dense matrix: `dense_from_sparse(x)`."""
        return S.dense_from_sparse(self)

    def astype(self, dtype):
        """The stored values in `dtype`, as scipy's `astype`: `sparse.cast(x, dtype)`."""
        return S.cast(self, dtype)

    @property
    def size(self):
        """The number of stored values, as scipy's `size` (Theano's: csm_data(x).size)."""
        return S.csm_data(self).shape[0]

    def __add__(self, other): return S.add(self, other)
    def __radd__(self, other): return S.add(other, self)
    def __sub__(self, other): return S.sub(self, other)
    def __rsub__(self, other): return S.sub(other, self)
    def __mul__(self, other): return S.mul(self, other)
    def __rmul__(self, other): return S.mul(other, self)
    def __neg__(self): return S.neg(self)
    # Theano's comparison operators on sparse variables (sparse/compare.py); `==` stays identity.
    def __lt__(self, other): return S.lt(self, other)
    def __le__(self, other): return S.le(self, other)
    def __gt__(self, other): return S.gt(self, other)
    def __ge__(self, other): return S.ge(self, other)
    def __dot__(self, other): return S.dot(self, other)
    def __rdot__(self, other): return S.dot(other, self)
    def __matmul__(self, other): return S.dot(self, other)
    def __rmatmul__(self, other): return S.dot(other, self)

    def __getitem__(self, index):
        return S.getitem(self, index)

    def sum(self, axis=None, sparse_grad=False):
        """`sp_sum(x, axis, sparse_grad)`: a dense sum."""
        return S.sp_sum(self, axis, sparse_grad)

    def eval(self, inputs_to_values=None):
        """Evaluate with `{variable: value}` for the inputs: `(x * 2).eval({x: csr})`."""
        inputs_to_values = inputs_to_values or {}
        inputs = list(inputs_to_values)
        return function(inputs, self, on_unused_input="ignore")(
            *[inputs_to_values[var] for var in inputs])

    def zeros_like(self):
        """A sparse matrix of x's shape with no stored entries."""
        return S.zeros_like(self)

    # `==` is identity, as for tensor variables, so variables stay usable as dict keys.
    __eq__ = object.__eq__
    __hash__ = object.__hash__


class SparseVariable(_SparseOperators, Variable):
    """A symbolic sparse matrix: `x = sparse.csr_matrix('x'); sparse.dot(x, W)`."""

    __slots__ = ()


class SparseConstant(_SparseOperators, Constant):
    """A sparse matrix fixed in the graph (`as_sparse_variable(scipy_matrix)`)."""

    __slots__ = ()

    def signature(self):
        """Two constants of the same type, shape and entries are interchangeable."""
        data = self.data
        return (self.type, data.shape, data.indices.tobytes(), data.indptr.tobytes(),
                data.data.tobytes())

    def __repr__(self):
        return self.name or f"{self.type}{{nnz={self.data.nnz}}}"


SparseType.variable_class = SparseVariable


def refuse_mismatch(op, x, y, axes=((0, 0), (1, 1)), broadcast=False) -> None:
    """A ShapeError naming `op` and both operands when a pair of static lengths (`axes`: pairs
    of x's axis and y's) are known and differ; a length of 1 in y broadcasts if `broadcast`.
    Products pass ((1, 0),): x's columns against y's rows."""
    for i, j in axes:
        a, b = x.type.shape[i], y.type.shape[j]
        if a is not None and b is not None and a != b and not (broadcast and b == 1):
            raise ShapeError(f"{op.label}: the lengths differ ({a} and {b}): {describe(x)} and "
                             f"{describe(y)}")


def merged_lengths(a, b) -> tuple:
    """Two static shapes of operands that must agree, as one: a known length wins.

    >>> merged_lengths((5, None), (None, 3))
    (5, 3)
    """
    return tuple(p if p is not None else q for p, q in zip(a, b))


def is_sparse_variable(x) -> bool:
    """True for a variable of a SparseType.

    >>> is_sparse_variable(csr_matrix('x')), is_sparse_variable(T.dmatrix('y'))
    (True, False)
    """
    return isinstance(x, Variable) and isinstance(x.type, SparseType)


def as_sparse_variable(x, name=None):
    """`x` as a sparse variable: sparse variables pass through, a scipy matrix in csr or csc
    format becomes a constant (another format is stored as csr); anything else is refused.

    >>> as_sparse_variable(scipy.sparse.eye(3, format='csc')).type
    SparseType(csc, float64)
    """
    if is_sparse_variable(x):
        return x
    if isinstance(x, Variable):
        raise GraphlensTypeError(f"expected a sparse variable, got {describe(x)}; use "
                                 f"csr_from_dense or csc_from_dense")
    if not scipy.sparse.issparse(x):
        raise GraphlensTypeError(f"expected a sparse variable or a scipy.sparse matrix, got "
                                 f"{type(x).__name__} {x!r:.60}")
    format = x.format if x.format in FORMAT_CLASSES else "csr"
    # A constant's type holds its lengths, as a tensor constant's does.
    sparse_type = SparseType(format, str(x.dtype), x.shape)
    return SparseConstant(sparse_type, sparse_type.filter(x).copy(), name=name)


as_sparse = as_sparse_variable


def as_sparse_or_tensor_variable(x, name=None):
    """`x` as a sparse variable if it is sparse (a variable or a scipy matrix), else as a tensor.

    >>> as_sparse_or_tensor_variable(np.ones(2)).type
    TensorType(float64, (2,))
    """
    from_scipy = not isinstance(x, Variable) and scipy.sparse.issparse(x)
    if is_sparse_variable(x) or from_scipy:
        return as_sparse_variable(x, name)
    return as_tensor_variable(x, name)


def matrix(format, name=None, dtype=None):
    """A sparse matrix variable of `format` ('csr' or 'csc'): `sparse.matrix('csr', 'x')`."""
    return SparseType(format, dtype)(name)


def csr_matrix(name=None, dtype=None):
    """A csr sparse matrix variable, dtype floatX by default: `sparse.csr_matrix('x')`."""
    return matrix("csr", name, dtype)


def csc_matrix(name=None, dtype=None):
    """A csc sparse matrix variable, dtype floatX by default: `sparse.csc_matrix('x')`."""
    return matrix("csc", name, dtype)
