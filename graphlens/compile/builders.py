"""Theano's `OpFromGraph`: a graph packaged as one op, used like any other op.

    >>> x, y, z = T.dscalars('x', 'y', 'z')
    >>> op = OpFromGraph([x, y, z], [x + y * z])
    >>> f = function([x, y, z], op(x, y, z) - op(y, z, x))

The op computes its graph with a compiled function of its own (compiled once, when a function
using it is compiled), its gradient is the gradient of that graph on the node's inputs, and
pictures, pp and debugprint show the graph inside (`inner_graphs`). With `inline=True` the
rewrites put the graph itself in place of the op (rewrite/inline.py), so it is optimized with
its surroundings. Shared variables the graph reads become implicit inputs of every node, so a
change of their value is seen by the next call.
"""

from __future__ import annotations

from graphlens.backprop import grad
from graphlens.compile.function import function
from graphlens.compile.inline import InlinableOp
from graphlens.errors import GraphlensTypeError, describe
from graphlens.graph.basic import (Apply, Constant, Variable, clone_graph, graph_inputs,
                                   toposort)
from graphlens.directional import in_rop_pass, rop_pass
from graphlens.graph.markers import DisconnectedType, UndefinedType, disconnected
from graphlens.graph.inner import InnerGraph
from graphlens.graph.types import Type
from graphlens.printer.expression import formula_label
from graphlens.tensor.extra_ops import length_of
from graphlens.tensor.fill import zeros_like
from graphlens.tensor.variable import as_tensor_variable


def _is_marker(value):
    """A NullType()() / DisconnectedType()() variable, as Theano's grad_overrides lists hold."""
    return isinstance(value, Variable) and isinstance(value.type, (UndefinedType,
                                                                    DisconnectedType))


def _listed(values):
    return list(values) if isinstance(values, (list, tuple)) else [values]


class OpFromGraph(InlinableOp):
    """`outputs` as a function of `inputs`, one op. An op equals only itself (Theano's too).

    inline: replace the op by its graph when compiling. grad_overrides: a function
    (inputs, output_grads) -> input gradients, used instead of differentiating the graph.
    name: how pictures and pp call it.

    >>> op = OpFromGraph([x, y], [T.exp(x) * y], name="scaled_exp")
    """

    def __init__(self, inputs, outputs, inline=False, grad_overrides="default",
                 rop_overrides="default", connection_pattern=None, name=None, **kwargs):
        inputs, outputs = _listed(inputs), _listed(outputs)
        for var in inputs:
            if not isinstance(var, Variable) or isinstance(var, Constant):
                raise GraphlensTypeError(f"OpFromGraph: inputs must be symbolic variables, "
                                         f"got {var!r:.60}")
            if var.owner is not None:
                raise GraphlensTypeError(f"OpFromGraph: input {describe(var)} is computed by "
                                         f"another op; give the graph's own input variables")
        lop_overrides = kwargs.pop("lop_overrides", "default")
        if lop_overrides != "default":
            if grad_overrides != "default":
                raise GraphlensTypeError("OpFromGraph: give grad_overrides or lop_overrides, "
                                         "not both")
            grad_overrides, self._lop = lop_overrides, True
        else:
            self._lop = False
        for override in (grad_overrides if isinstance(grad_overrides, list)
                         else [grad_overrides]):
            if not (override == "default" if isinstance(override, str) else
                    callable(override) or isinstance(override, Type) or _is_marker(override)):
                raise GraphlensTypeError(
                    "OpFromGraph: grad_overrides must be 'default', a function (inputs, "
                    "output_grads) -> input gradients, an OpFromGraph, or a list of those "
                    "(or of NullType / DisconnectedType instances), one per input")
        # The graph's roots that are shared variables become implicit inputs of each node.
        roots = graph_inputs(outputs)
        self.shared_inputs = [var for var in roots if getattr(var, "is_shared", False)
                              and var not in inputs]
        missing = [var for var in roots if var.owner is None and var not in inputs
                   and not isinstance(var, Constant) and var not in self.shared_inputs]
        if missing:
            raise GraphlensTypeError(f"OpFromGraph: the outputs read {describe(missing[0])}, "
                                     f"which is not among the inputs")
        # The op keeps its own copy of the graph, on fresh inputs: the user's graph may change.
        own_inputs = [var.type(var.name) for var in inputs + self.shared_inputs]
        own_outputs, _ = clone_graph(outputs, replace=dict(zip(inputs + self.shared_inputs,
                                                                own_inputs)))
        self.inner_inputs, self.inner_outputs = tuple(own_inputs), tuple(own_outputs)
        self._connection_pattern = (None if connection_pattern is None else
                                    [[bool(c) for c in row] for row in connection_pattern])
        self.is_inline = bool(inline)
        self.grad_overrides = grad_overrides
        # Theano's R_op of the op: a function (inputs, eval_points) -> one product per output,
        # or an OpFromGraph of those variables; Rop reads it (_transposed_rop).
        if not (isinstance(rop_overrides, str) and rop_overrides == "default"
                or callable(rop_overrides)):
            raise GraphlensTypeError("OpFromGraph: rop_overrides must be 'default', a function "
                                     "(inputs, eval_points) -> one product per output, or an "
                                     "OpFromGraph of those variables")
        self.rop_overrides = rop_overrides
        self.name = name
        self._compiled = None

    @property
    def label(self):
        """`axpy{i0 * i1 + i2}`: the user's name (or OpFromGraph) and the packaged formula."""
        return formula_label(self, self.name or "OpFromGraph")

    def __repr__(self):
        return self.label

    @property
    def inner_graphs(self) -> tuple:
        """The packaged graph for printers and pictures: inner input i stands for input i."""
        return (InnerGraph(self.inner_inputs, self.inner_outputs,
                           tuple(range(len(self.inner_inputs))),
                           title=self.name or "OpFromGraph", name=self.name or "OpFromGraph",
                           relation="inside"),)

    def make_node(self, *inputs):
        explicit = len(self.inner_inputs) - len(self.shared_inputs)
        if len(inputs) == len(self.inner_inputs) and self.shared_inputs:
            inputs = inputs[:explicit]      # a node remade with its implicit inputs given
        if len(inputs) != explicit:
            raise GraphlensTypeError(f"{self.label} takes {explicit} inputs, got {len(inputs)}")
        given = []
        for position, (var, inner) in enumerate(zip(inputs, self.inner_inputs)):
            var = as_tensor_variable(var)
            if var.type != inner.type:
                if getattr(var, "dtype", None) != inner.type.dtype or var.ndim != inner.ndim:
                    raise GraphlensTypeError(f"{self.label}: input {position} must be "
                                             f"{inner.type}, got {describe(var)}")
            given.append(var)
        return Apply(self, given + list(self.shared_inputs),
                     [out.type() for out in self.inner_outputs])

    def prepare(self) -> None:
        """Compile the packaged graph when a function using the op is compiled."""
        if self._compiled is None:
            self._compiled = function(list(self.inner_inputs), list(self.inner_outputs),
                                      on_unused_input="ignore")

    def perform(self, node, inputs):
        self.prepare()
        results = self._compiled(*inputs)
        # An output that is one of the inputs is copied: ops after this one may write into
        # their inputs' arrays, and must not write into the caller's.
        return [value.copy() if any(value is inp for inp in inputs) else value
                for value in results]

    def connection_pattern(self, node):
        """Theano's [input][output] booleans: which outputs the graph computes from which
        inputs (the one given to the constructor, if any). `grad` follows it.

        >>> OpFromGraph([x, y, z], [x * y, y * z]).connection_pattern(None)
        [[True, False], [True, True], [False, True]]
        """
        if self._connection_pattern is not None:
            return [list(row) for row in self._connection_pattern]
        # Which inner inputs each variable is computed from, as a bit mask, passed through
        # each inner node by its own connection pattern (an inner OpFromGraph's, say).
        masks = {var: 1 << position for position, var in enumerate(self.inner_inputs)}
        for inner_node in toposort(list(self.inner_outputs)):
            found = [masks.get(var, 0) for var in inner_node.inputs]
            pattern = getattr(inner_node.op, "connection_pattern", None)
            pattern = pattern(inner_node) if pattern is not None else None
            for j, out in enumerate(inner_node.outputs):
                masks[out] = 0
                for i, mask in enumerate(found):
                    if pattern is None or pattern[i][j]:
                        masks[out] |= mask
        reached = [masks.get(out, 0) for out in self.inner_outputs]
        return [[bool(mask >> position & 1) for mask in reached]
                for position in range(len(self.inner_inputs))]

    def infer_shape(self, node, input_shapes):
        """The outputs' lengths from the inputs' lengths, through the inner ops' own
        `infer_shape` (Theano's ShapeFeature on the inner graph), so a shape never runs the
        op; an inner op without one reads its result's shape."""
        shapes = {inner: tuple(shape) for inner, shape in zip(self.inner_inputs, input_shapes)}

        def lengths(var):
            known = shapes.get(var)
            return known if known is not None else tuple(length_of(var, axis)
                                                         for axis in range(var.ndim))
        for inner_node in toposort(list(self.inner_outputs)):
            infer = getattr(inner_node.op, "infer_shape", None)
            if infer is None or not all(hasattr(v, "ndim") for v in inner_node.inputs):
                continue
            for var, shape in zip(inner_node.outputs,
                                  infer(inner_node, [lengths(v) for v in inner_node.inputs])):
                shapes[var] = tuple(shape)
        results = [lengths(out) for out in self.inner_outputs]
        # Lengths computed from inner variables are moved onto the node's own inputs.
        symbolic = [length for shape in results for length in shape
                    if isinstance(length, Variable)]
        if not symbolic:
            return results
        moved, _ = clone_graph(symbolic, replace=dict(zip(self.inner_inputs, node.inputs)))
        moved = iter(moved)
        return [tuple(next(moved) if isinstance(length, Variable) else length
                      for length in shape) for shape in results]

    def inline_outputs(self, node):
        """The node's outputs as the packaged graph on the node's inputs, with inline=True
        (compile/inline.py asks)."""
        if not self.is_inline:
            return None
        outputs, _ = clone_graph(list(self.inner_outputs),
                                 replace=dict(zip(self.inner_inputs, node.inputs)))
        return outputs

    def grad(self, inputs, output_grads):
        explicit = inputs[:len(inputs) - len(self.shared_inputs)]
        if not isinstance(self.rop_overrides, str) and in_rop_pass():
            return self._transposed_rop(explicit, output_grads) + [
                None for _ in self.shared_inputs]
        if not (isinstance(self.grad_overrides, str) and self.grad_overrides == "default"):
            return self._overridden(inputs, explicit, output_grads) + [
                None for _ in self.shared_inputs]
        # The graph again, on the node's inputs, differentiated: what flows into each input.
        outputs, _ = clone_graph(list(self.inner_outputs),
                                 replace=dict(zip(self.inner_inputs, inputs)))
        return grad(None, list(inputs), known_grads=dict(zip(outputs, output_grads)),
                    disconnected_inputs="ignore", return_disconnected="disconnected")

    def _transposed_rop(self, explicit, output_grads):
        """u^T J from the user's J v (`rop_overrides`), for Rop's first pass: the gradient of
        sum(u * R(x, v)) with respect to stand-ins v. R is linear in v, so the result does not
        depend on v; a v left in its graph is multiplied by nothing and set to zero."""
        points = [var.type(f"d{var.name}" if var.name else None) for var in explicit]
        override = self.rop_overrides
        if isinstance(override, OpFromGraph):
            made = override(*explicit, *points)
        else:
            made = override(list(explicit), points)
        products = list(made) if isinstance(made, (list, tuple)) else [made]
        if len(products) != len(output_grads):
            raise GraphlensTypeError(f"{self.label}: rop_overrides gave {len(products)} "
                                     f"results for {len(output_grads)} outputs")
        with rop_pass(False):
            pulled = grad(None, points, known_grads=dict(zip(products, output_grads)),
                          disconnected_inputs="ignore", return_disconnected="None")
        present = [g for g in pulled if g is not None]
        present, _ = clone_graph(present, replace={v: zeros_like(x)
                                                   for v, x in zip(points, explicit)})
        values = iter(present)
        return [next(values) if g is not None else disconnected(x)
                for g, x in zip(pulled, explicit)]

    def _overridden(self, inputs, explicit, output_grads):
        """The input gradients the user gave, in Theano's forms: a function of (inputs,
        output_grads) (with lop_overrides, of (inputs, outputs, output_grads)), an OpFromGraph
        taking those lists' variables, or a list with one entry per input: 'default' (the
        graph's own gradient), such a function or OpFromGraph giving that input's gradient,
        or a NullType / DisconnectedType instance (undefined, disconnected)."""
        outputs = None
        if self._lop:
            outputs, _ = clone_graph(list(self.inner_outputs),
                                     replace=dict(zip(self.inner_inputs, inputs)))
        arguments = [list(explicit)] + ([outputs] if self._lop else []) + [list(output_grads)]

        def apply(override):
            if isinstance(override, OpFromGraph):
                made = override(*[v for group in arguments for v in group])
                return made if isinstance(made, list) else [made]
            made = override(*arguments)
            return list(made) if isinstance(made, (list, tuple)) else [made]

        if not isinstance(self.grad_overrides, list):
            return apply(self.grad_overrides)
        default = None
        result = []
        for position, override in enumerate(self.grad_overrides):
            if isinstance(override, str):
                if default is None:
                    replaced, _ = clone_graph(list(self.inner_outputs),
                                              replace=dict(zip(self.inner_inputs, inputs)))
                    default = grad(None, list(inputs),
                                   known_grads=dict(zip(replaced, output_grads)),
                                   disconnected_inputs="ignore",
                                   return_disconnected="disconnected")
                result.append(default[position])
            elif isinstance(override, Type):
                result.append(override())        # NullType(...)() or DisconnectedType()()
            elif _is_marker(override):
                result.append(override)          # the marker variable itself
            else:
                result.append(apply(override)[0])
        return result
