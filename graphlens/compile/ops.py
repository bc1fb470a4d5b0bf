"""Theano's `theano.compile.ops.as_op`: a Python function on numpy arrays made into an op.

>>> @as_op(itypes=[T.dmatrix], otypes=[T.dvector])
... def row_sums(a):
...     return a.sum(axis=1)
>>> function([m], row_sums(m))(np.ones((2, 3)))            # doctest: +SKIP
array([3., 3.])
"""

from __future__ import annotations

import importlib
import pickle

import numpy as np

from graphlens.errors import GraphlensTypeError
from graphlens.graph.basic import Apply
from graphlens.graph.markers import undefined
from graphlens.graph.op import Op
from graphlens.graph.types import Type
from graphlens.graph.theano_style import make_node_from_types
from graphlens.tensor.variable import as_tensor_variable


class FromFunctionOp(Op):
    """An op whose value is `fn(*input values)`; it has no gradient (as in Theano) unless
    the user subclasses it. Two are equal when they wrap the same function and types."""

    __props__ = ("fn", "itypes", "otypes")
    make_node = make_node_from_types

    def __init__(self, fn, itypes, otypes, infer_shape):
        self.fn, self.itypes, self.otypes = fn, tuple(itypes), tuple(otypes)
        # Theano's as_op infer_shape takes (node, input_shapes), without self: kept on the
        # instance, a function is not bound, so the shape rewrites call it just so.
        self.infer_shape = infer_shape
        self.__name__ = getattr(fn, "__name__", "as_op")

    @property
    def label(self):
        return f"FromFunctionOp{{{self.__name__}}}"

    def __reduce__(self):
        # Theano's rule: `@as_op` at module level replaces the function by this op under its
        # name, so the op pickles as that module attribute (the function itself cannot be
        # found by name any more).
        module, name = getattr(self.fn, "__module__", None), self.__name__
        found = _module_attribute(module, name)
        if found is not self:
            raise pickle.PicklingError(f"cannot pickle as_op {name}: {module}.{name} is not "
                                       f"this op (decorate a module-level function)")
        return _module_attribute, (module, name)

    def perform(self, node, inputs):
        results = self.fn(*inputs)
        if len(self.otypes) == 1:
            results = [results]
        if len(results) != len(self.otypes):
            raise GraphlensTypeError(f"as_op {self.__name__}: returned {len(results)} values "
                                     f"for {len(self.otypes)} otypes")
        return [np.asarray(value, dtype=out.type.dtype)
                for value, out in zip(results, node.outputs)]

    def grad(self, inputs, output_grads):
        # Undefined, not an error here: grad raises only if the user asks for one of these.
        reason = (f"as_op {self.__name__} is a Python function without a gradient (subclass "
                  f"its op and define grad)")
        return [undefined(var, reason) for var in inputs]


def _module_attribute(module, name):
    """`module.name`, or None when it cannot be found (what an as_op unpickles from)."""
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError, TypeError, ValueError):
        return None


def as_op(itypes, otypes, infer_shape=None):
    """A decorator: `fn` on numpy arrays becomes an op taking `itypes` and giving `otypes`
    (lists of types such as T.dmatrix); `infer_shape(node, input_shapes)` is optional.

    >>> @as_op(itypes=[T.fmatrix, T.fmatrix], otypes=[T.fmatrix])
    ... def numpy_dot(a, b):
    ...     return np.dot(a, b)
    """
    # Theano's: one type stands for a list of one (`@as_op(T.dmatrix, T.dvector)`).
    itypes = list(itypes) if isinstance(itypes, (list, tuple)) else [itypes]
    otypes = list(otypes) if isinstance(otypes, (list, tuple)) else [otypes]
    if not all(isinstance(kind, Type) for kind in itypes + otypes):
        raise GraphlensTypeError("as_op: itypes and otypes must be types or lists of types, "
                                 "e.g. itypes=[T.dmatrix], otypes=[T.dvector]")

    def wrap(fn):
        return FromFunctionOp(fn, itypes, otypes, infer_shape)
    return wrap


class DeepCopyOp(Op):
    """Theano's `DeepCopyOp`: its input's value, copied (so the output never shares memory with
    it). Theano put one where a function returned an input unchanged; graphlens's evaluator
    copies such outputs itself and never inserts this op, but it may be used as any op.

    >>> function([x], deep_copy_op(x))(np.ones(2))            # doctest: +SKIP
    array([1., 1.])
    """

    __props__ = ()

    def make_node(self, x):
        x = as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, outputs):
        outputs[0][0] = np.array(inputs[0], copy=True)

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def grad(self, inputs, output_grads):
        return [output_grads[0]]


deep_copy_op = DeepCopyOp()
