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
from graphlens.errors import GraphlensTypeError, describe
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
    """The type of a sparse matrix variable: format ('csr' or 'csc') and dtype; compares by
    value. Its static shape is two unknown lengths (a sparse matrix is always 2-d).

    >>> SparseType('csc', 'float32') == SparseType('csc', 'float32')
    True
    """

    __slots__ = ("format", "dtype", "numpy_dtype", "_hash")

    ndim = 2
    shape = (None, None)
    broadcastable = (False, False)
    # A compiled function checks such an argument with `filter` on every call (no inline test).
    _fixed_lengths = True
    # Values are scipy matrices, copied with `copy_value` (graph/types.py).
    array_values = False
    # The class of this type's variables; SparseVariable is defined below.
    variable_class = None

    def __init__(self, format, dtype=None):
        if format not in FORMAT_CLASSES:
            raise GraphlensTypeError(f"SparseType: format must be one of {SPARSE_FORMATS}, got "
                                     f"{format!r:.40}")
        dtype = config.floatX if dtype is None or dtype == "floatX" else checked_dtype(dtype)
        if dtype not in ALL_DTYPES:
            raise GraphlensTypeError(f"SparseType: scipy.sparse does not compute in {dtype}; "
                                     f"use one of {ALL_DTYPES}")
        self.format = format
        self.dtype = dtype
        self.numpy_dtype = np.dtype(dtype)
        self._hash = hash(("sparse", format, dtype))

    def __call__(self, name=None):
        """A new symbolic variable of this type: `SparseType('csr', 'float64')('x')`."""
        if name is not None and not isinstance(name, str):
            raise GraphlensTypeError(f"a variable's name must be a string, got {name!r:.40}")
        return self.variable_class(self, name=name)

    def clone(self, format=None, dtype=None):
        """This type with another format or dtype."""
        return SparseType(format or self.format, dtype or self.dtype)

    def __eq__(self, other):
        return (type(other) is SparseType and self.format == other.format
                and self.dtype == other.dtype)

    def __hash__(self):
        return self._hash

    def __str__(self):
        return f"{self.format}({self.dtype})"

    def __repr__(self):
        return f"SparseType({self.format}, {self.dtype})"

    def is_compatible_shape(self, shape) -> bool:
        """True for any 2-d shape: both lengths are free."""
        return len(shape) == 2

    def filter(self, value, *, allow_downcast=False, what="value", strict=False):
        """`value` as a scipy matrix of this format and dtype, or a GraphlensTypeError naming
        `what` and saying why not. Another sparse format is converted (not with `strict`), a
        dtype only by a safe cast unless `allow_downcast`; a dense array is refused, as Theano
        refused it (the caller meant a dense input, or forgot `csr_matrix(array)`).

        >>> SparseType('csr', 'float64').filter(scipy.sparse.eye(2, format='csc')).format
        'csr'
        """
        cls = FORMAT_CLASSES[self.format]
        if type(value) is cls and value.dtype == self.numpy_dtype:
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

    def __add__(self, other): return S.add(self, other)
    def __radd__(self, other): return S.add(other, self)
    def __sub__(self, other): return S.sub(self, other)
    def __rsub__(self, other): return S.sub(other, self)
    def __mul__(self, other): return S.mul(self, other)
    def __rmul__(self, other): return S.mul(other, self)
    def __neg__(self): return S.neg(self)
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
        return self.name or f"{self.type}{{{self.data.shape[0]}x{self.data.shape[1]}, " \
                            f"nnz={self.data.nnz}}}"


SparseType.variable_class = SparseVariable


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
    sparse_type = SparseType(format, str(x.dtype))
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
