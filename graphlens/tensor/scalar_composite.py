"""Theano's `scalar.Composite(inputs, outputs)`: a graph of scalar ops as one scalar op, to wrap
in `T.Elemwise`. (graphlens's own fusion makes rewrite/composite.py's Composite, a tensor op.)

Values are computed node by node on whole arrays, each scalar op vectorised as it is alone
(the standard ones by their numpy functions); the gradient is the inner graph's, by reverse
accumulation over the inner nodes' own gradients.

>>> a, b = scalar.float64('a'), scalar.float64('b')                      # doctest: +SKIP
>>> axpb = scalar.Composite([a, b], [a * b + scalar.exp(a)])             # doctest: +SKIP
>>> T.Elemwise(axpb)(T.dvector('x'), T.dvector('y')).type                # doctest: +SKIP
TensorType(float64, (?,))
"""

from __future__ import annotations

import numpy as np

from graphlens.errors import GraphlensTypeError
from graphlens.graph.basic import Constant, Variable, toposort
from graphlens.graph.markers import is_disconnected, is_undefined
from graphlens.tensor.elemwise import Elemwise, call_site
from graphlens.tensor.scalar_logic import OPERATORS
from graphlens.tensor.scalar_op import ScalarOp
from graphlens.tensor.scalar_type import (ScalarFromTensor, ScalarVariable, TensorFromScalar,
                                          as_scalar, get_scalar_type)


class Composite(ScalarOp):
    """The scalar graph from `inputs` to `outputs` (scalar variables) as one scalar op."""

    def __init__(self, inputs, outputs, name=None):
        inputs, outputs = list(inputs), list(outputs)
        for var in inputs + outputs:
            if not isinstance(var, ScalarVariable):
                raise GraphlensTypeError(f"scalar.Composite at {call_site()}: {var!r:.60} is "
                                         f"not a scalar variable")
        self.inputs, self.outputs = inputs, [as_scalar(o) for o in outputs]
        self.nin, self.nout = len(inputs), len(outputs)
        self.nodes = toposort(self.outputs)
        known = set(inputs)
        for node in self.nodes:
            for var in node.inputs:
                if var not in known and var.owner is None and not isinstance(var, Constant):
                    raise GraphlensTypeError(f"scalar.Composite at {call_site()}: the outputs "
                                             f"read {var}, which is not among the inputs")
            known.update(node.outputs)
        self.formula = _formula(self.inputs, self.nodes, self.outputs)
        super().__init__(None, name)

    def __eq__(self, other):
        return type(other) is Composite and other.formula == self.formula and [
            v.type for v in other.inputs] == [v.type for v in self.inputs]

    def __hash__(self):
        return hash(("Composite", self.formula))

    def __str__(self):
        return self.name or f"Composite{{{self.formula}}}"

    __repr__ = __str__

    def output_types(self, types):
        """The inner outputs' types, for inputs of the inner inputs' types; other input
        dtypes rebuild the inner graph on them (as Theano's Composite does)."""
        if [get_scalar_type(t.dtype) for t in types] == [v.type for v in self.inputs]:
            return [o.type for o in self.outputs]
        fresh = [get_scalar_type(t.dtype)() for t in types]
        return [o.type for o in self.replay(fresh)]

    def replay(self, inputs) -> list:
        """The inner graph rebuilt on `inputs` (scalar variables), its outputs."""
        memo = dict(zip(self.inputs, inputs))
        for node in self.nodes:
            made = node.op(*[memo.get(var, var) for var in node.inputs])
            memo.update(zip(node.outputs, made if isinstance(made, list) else [made]))
        return [memo.get(o, o) for o in self.outputs]

    def vectorized(self, node, arrays):
        values = dict(zip(self.inputs, arrays))
        for inner in self.nodes:
            args = [values[var] if var in values else np.asarray(var.data)
                    for var in inner.inputs]
            op = inner.op
            if isinstance(op, (ScalarFromTensor, TensorFromScalar)):
                results = args[:1]
            elif isinstance(op, ScalarOp):
                results = op.vectorized(inner, args)
            elif isinstance(op, Elemwise):
                results = [np.asarray(op.impl(*args), dtype=inner.outputs[0].type.numpy_dtype)]
            else:
                raise GraphlensTypeError(f"{self}: {op} is not elementwise")
            values.update(zip(inner.outputs, results))
        return [np.asarray(values[o] if o in values else o.data, dtype=out.type.numpy_dtype)
                for o, out in zip(self.outputs, node.outputs)]

    def impl(self, *numbers):
        """The value on numbers: `Composite([a], [a * 2]).impl(3.0) == 6.0`."""
        node = self.make_node(*[as_scalar(np.asarray(n)) for n in numbers])
        results = [r[()] for r in self.vectorized(node, [np.asarray(n) for n in numbers])]
        return results[0] if self.nout == 1 else results

    def grad(self, inputs, output_grads):
        outputs = self.replay(list(inputs))
        return backpropagate(inputs, outputs, output_grads)


def backpropagate(inputs, outputs, output_grads) -> list:
    """d(sum of outputs * output_grads)/d inputs over a small scalar graph, by reverse
    accumulation over its nodes' L_op (iterative; None where nothing flows)."""
    terms = {}
    for out, g in zip(outputs, output_grads):
        if g is not None and not _is_marker(g):
            terms.setdefault(out, []).append(g)
    for node in reversed(toposort(outputs)):
        totals = [_total(terms.pop(out, [])) for out in node.outputs]
        if all(t is None for t in totals):
            continue
        totals = [t if t is not None else out.zeros_like() for t, out in zip(totals,
                                                                            node.outputs)]
        for var, g in zip(node.inputs, node.op.L_op(node.inputs, node.outputs, totals)):
            if g is not None and not _is_marker(g) and not isinstance(var, Constant):
                terms.setdefault(var, []).append(g)
    return [_total(terms.get(var, [])) for var in inputs]


def _is_marker(g):
    return isinstance(g, Variable) and (is_disconnected(g) or is_undefined(g))


def _total(grad_terms):
    if not grad_terms:
        return None
    return grad_terms[0] if len(grad_terms) == 1 else OPERATORS["add"](*grad_terms)


def _formula(inputs, nodes, outputs) -> str:
    """`i0 * i1 + exp(i0)`-like text naming the inner graph (Theano labels Composites so)."""
    text = {var: f"i{k}" for k, var in enumerate(inputs)}
    for node in nodes:
        args = [text.get(var) or (str(var.data) if isinstance(var, Constant) else "?")
                for var in node.inputs]
        for k, out in enumerate(node.outputs):
            suffix = f"[{k}]" if len(node.outputs) > 1 else ""
            text[out] = f"{node.op}({', '.join(args)}){suffix}"
    return ", ".join(text.get(o, str(getattr(o, "data", o))) for o in outputs)
