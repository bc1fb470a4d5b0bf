"""Every variable's known shape, for the views: declared lengths refined by example values.

A `TensorType` holds only what is *declared* (`T.TensorType('float64', (None, 784))`, a
broadcastable axis): a function must accept every input that fits its types, so nothing learned
from an example may go into a type. The views want more: `float64[256, 784]` where an input has a
test value, a model has `example_inputs`, or a shared variable holds a (256, 784) array now.
`static_shapes(outputs)` works that out in one walk over the graph, inputs first:

- a leaf's shape is its declared one, refined by the value given in `inputs`, else its test
  value, else a shared variable's current value or a constant's data;
- a node whose outputs carry test values takes their shapes (already computed, and exact);
- any other node whose inputs are known better than declared is made again by its own op's
  `make_node` on stand-ins of those shapes, so each op's static-shape rule, written once in
  `make_node`, is the only rule: nothing here knows an op. A node whose inputs have known small
  values (constants, `x.shape` of a known shape, arithmetic on these) is evaluated by its
  `perform`, so `reshape(x, (x.shape[0], -1))` keeps its lengths.
- when the stand-ins do not fit (`make_node` refuses them: a shared weight of the wrong shape),
  the node goes into `conflicts` with the op's message; its outputs keep their declared shapes.

>>> x = T.dmatrix('x', test_value=np.zeros((256, 784)))                 # doctest: +SKIP
>>> static_shapes([T.tanh(x)]).type_text(x)                              # doctest: +SKIP
'float64[256, 784]'
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from graphlens.config import config
from graphlens.errors import where
from graphlens.graph.basic import Constant, toposort
from graphlens.graph.test_value import tagged_test_value, test_value_of
from graphlens.tensor.type import TensorType
from graphlens.tensor.variable import TensorVariable, constant

# `_Walk.remade` holds None for an op that refused its stand-ins: this marks "not made yet".
_NOT_MADE = object()
# Values at most this many elements are carried along to evaluate shape arithmetic (a shape
# vector, an axis length); larger ones would cost what the graph itself costs.
SMALL_VALUE = 32


@dataclass
class StaticShapes:
    """The result of `static_shapes`: `shapes` {variable: shape tuple with None where unknown}
    and `conflicts` {Apply: why its inputs' known shapes do not fit the op}."""

    shapes: dict = field(default_factory=dict)
    conflicts: dict = field(default_factory=dict)

    def shape(self, var):
        """The known shape of `var` (its declared one when the walk did not reach it), or None
        for a variable that is not a tensor."""
        found = self.shapes.get(var)
        if found is not None:
            return found
        return getattr(var.type, "shape", None)

    def type_text(self, var) -> str:
        """`var`'s type with its known shape: `float64[256, 784]` (`float64` for a scalar).

        >>> StaticShapes().type_text(T.dmatrix())                        # doctest: +SKIP
        'float64[?, ?]'
        """
        shape = self.shape(var)
        if shape is None or not shape:
            return str(var.type)
        dims = ", ".join("?" if d is None else str(d) for d in shape)
        if type(var.type) is not TensorType:
            # Another kind of value (a sparse matrix: `csr(float64)[5, ?]`): its type, with
            # the lengths known here.
            return str(var.type.clone(shape=shape))
        return f"{var.type.dtype}[{dims}]"


def static_shapes(outputs, inputs=None, *, known_shapes=None, nodes=None) -> StaticShapes:
    """The known shape of every tensor variable in the graph of `outputs` (a variable or a list).

    `inputs` ({variable: value}, e.g. a model's `example_inputs`) gives example values that
    count before test values; `known_shapes` ({variable: shape}) gives lengths without values
    (a fused op's inner inputs, from the outer ones); `nodes`, the toposort of `outputs` when the
    caller has it. Linear in the graph's size; evaluates only tiny shape arithmetic.

    >>> x = T.dmatrix('x'); W = shared(np.zeros((784, 10)))                 # doctest: +SKIP
    >>> static_shapes(T.dot(x, W), {x: np.zeros((5, 784))}).shape(T.dot(x, W))  # doctest: +SKIP
    (5, 10)
    """
    if not isinstance(outputs, (list, tuple)):
        outputs = [outputs]
    walk = _Walk(dict(inputs or {}), StaticShapes(shapes=dict(known_shapes or {})))
    # Stand-ins are built by make_node: nothing may be evaluated on test values meanwhile.
    with config.change_flags(compute_test_value="off"):
        walk.add_nodes(toposort(list(outputs)) if nodes is None else nodes)
        for var in outputs:
            walk.add_leaf(var)
    return walk.result


def _refined(declared, concrete):
    """`declared` with its unknown lengths taken from `concrete` (when the ranks agree)."""
    if len(concrete) != len(declared):
        return declared
    return tuple(c if d is None else d for d, c in zip(declared, concrete))


class _Walk:
    """One pass of `static_shapes`: the result, the small values known so far, and the
    output shapes of each (op, input shapes) already remade: the layers of a deep network
    repeat, so most nodes cost a dictionary look-up."""

    def __init__(self, given, result):
        self.given, self.result = given, result
        self.values = {}
        self.remade = {}

    def add_nodes(self, nodes):
        """Walk `nodes` (in topological order) and their roots.

        Most nodes of a large graph learn nothing: no input is known better than declared and
        no output carries a test value. Those take their declared shapes after a few look-ups
        and no call into their op (a 100,000-op chain of unknown lengths walks in ~0.1 s)."""
        shapes, values = self.result.shapes, self.values
        add_leaf, add_node, evaluate_small = self.add_leaf, self.add_node, self.evaluate_small
        for node in nodes:
            plain = True
            for var in node.inputs:
                if var.owner is None and var not in shapes:
                    add_leaf(var)
                known = shapes.get(var)
                if var in values or (known is not None and known is not var.type.shape
                                     and known != var.type.shape):
                    plain = False
            outputs = node.outputs
            for out in outputs:
                if getattr(out, "_tag", None) is not None:      # may hold a test value
                    plain = False
            if not plain:
                add_node(node)
                continue
            for out in outputs:
                declared = getattr(out.type, "shape", None)
                if declared is not None:
                    shapes[out] = declared
            evaluate_small(node)

    def add_leaf(self, var):
        result, values = self.result, self.values
        if var.owner is not None or var in result.shapes:
            return
        declared = getattr(var.type, "shape", None)
        if declared is None:
            return
        if isinstance(var, Constant) and var not in self.given:
            # A constant's type holds its lengths; its data is read where a value counts
            # (evaluate_small), so 100,000 constants cost no array calls here.
            result.shapes[var] = (declared if None not in declared
                                  else _refined(declared, np.shape(var.data)))
            return
        value = self.given[var] if var in self.given else test_value_of(var)
        if value is None:
            result.shapes[var] = declared
            return
        result.shapes[var] = _refined(declared, np.shape(value))
        # Only arrays are carried (a scipy.sparse value's np.size is its count of entries).
        if np.size(value) <= SMALL_VALUE and var in self.given and type(var.type) is TensorType:
            values[var] = np.asarray(value)

    def add_node(self, node):
        result, values = self.result, self.values
        declared = [getattr(out.type, "shape", None) for out in node.outputs]
        tagged = [tagged_test_value(out) for out in node.outputs]
        if all(value is not None for value in tagged):
            for out, shape, value in zip(node.outputs, declared, tagged):
                if shape is not None:
                    result.shapes[out] = _refined(shape, np.shape(value))
                if np.size(value) <= SMALL_VALUE and type(out.type) is TensorType:
                    values[out] = np.asarray(value)
            return
        known = [result.shape(var) for var in node.inputs]
        # A constant is seen by make_node as it is; anything else known better needs a remake.
        better = [(var in values and not isinstance(var, Constant))
                  or (shape is not None and shape != var.type.shape)
                  for var, shape in zip(node.inputs, known)]
        found = self.remake(node, known) if any(better) else None
        if any(better) and found is not None:
            found = self.through_inner_graph(node, known, found)
        for position, (out, shape) in enumerate(zip(node.outputs, declared)):
            if shape is not None:
                result.shapes[out] = _refined(shape, found[position] if found else shape)
        if node not in result.conflicts:
            self.evaluate_small(node)

    def remake(self, node, known):
        """The output shapes the op's make_node gives for stand-ins of the inputs as known;
        None (and a conflict noted) when the op refuses them."""
        key = self.remake_key(node, known)
        found = _NOT_MADE
        if key is not None:
            # One look-up: hashing the key hashes the op's props and every input's type.
            try:
                found = self.remade.get(key, _NOT_MADE)
            except TypeError:         # an op holding an unhashable field: remake every time
                key = None
        if found is _NOT_MADE:
            found = self.make(node, known)
            if key is not None:
                self.remade[key] = found
        if found is None:
            # The op's own message would name the line calling this walk, not the node's:
            # say it with the node's line and the shapes that do not fit.
            shown = ", ".join(self.result.type_text(var) for var in node.inputs)
            self.result.conflicts[node] = (
                f"{node.op.label} built at {where(node.outputs[0])}: its inputs' known shapes "
                f"do not fit it ({shown})")
        return found

    def through_inner_graph(self, node, known, found):
        """`found` refined by the op's inner graph when the outer arguments stand in for its
        inputs (a fused kernel declares its inner output's type: its lengths follow its
        arguments'). Loops are left alone: their inner inputs are one step's values."""
        graphs = node.op.inner_graphs
        if len(graphs) != 1 or not graphs[0].substitutable \
                or len(graphs[0].outputs) != len(node.outputs):
            return found
        graph = graphs[0]
        outer = {var: known[position] for var, position in zip(graph.inputs, graph.sources)
                 if known[position] is not None
                 and len(known[position]) == len(getattr(var.type, "shape", ()) or ())}
        inner = static_shapes(list(graph.outputs), known_shapes=outer)
        return tuple(shape if shape is None or inner.shape(out) is None
                     or len(inner.shape(out)) != len(shape) else _refined(shape, inner.shape(out))
                     for shape, out in zip(found, graph.outputs))

    def remake_key(self, node, known):
        """What make_node's answer depends on: the op, each input's type and known shape (a
        constant by its type and data, which may count: the 100,000 `1.0`s of `y = y + 1.0`
        share one entry; a large one by itself); None when a value is known (not cached)."""
        parts = [node.op]
        for var, shape in zip(node.inputs, known):
            if isinstance(var, Constant):
                parts.append(var.signature() if np.size(var.data) <= SMALL_VALUE else var)
            elif var in self.values:
                return None
            else:
                parts.append((var.type, shape))
        return tuple(parts)

    def make(self, node, known):
        stand_ins = []
        for var, shape in zip(node.inputs, known):
            if var in self.values and not isinstance(var, Constant):
                stand_ins.append(constant(self.values[var], dtype=var.type.dtype))
            elif shape is not None and shape != var.type.shape:
                # Named and placed as the original, so a message names the user's variable;
                # a variable of another type (a sparse matrix) by its own type's clone.
                known_type = (TensorType(var.type.dtype, shape) if type(var.type) is TensorType
                              else var.type.clone(shape=shape))
                stand_ins.append(known_type.variable_class(known_type, None, None, var.name,
                                                           var.creation_site))
            else:
                stand_ins.append(var)
        try:
            made = node.op.make_node(*stand_ins)
        except Exception:  # noqa: BLE001 — any refusal is the finding the views show
            return None
        if len(made.outputs) != len(node.outputs):
            return None
        return tuple(getattr(out.type, "shape", None) for out in made.outputs)

    def evaluate_small(self, node):
        """Evaluate a node computing a small value from known ones (shape arithmetic)."""
        # Lengths are integers: float values never decide a shape, so they are not computed.
        if len(node.outputs) != 1 \
                or getattr(node.outputs[0].type, "dtype", "float")[0] not in "biu":
            return
        op = node.op
        if op.draws_random or op.lazy_inputs:
            return
        shape = self.result.shapes.get(node.outputs[0])
        if shape is None or None in shape or math.prod(shape) > SMALL_VALUE:
            return
        arguments = []
        for var in node.inputs:
            if var in self.values:
                arguments.append(self.values[var])
                continue
            if isinstance(var, Constant) and type(var.type) is TensorType \
                    and np.size(var.data) <= SMALL_VALUE:
                arguments.append(np.asarray(var.data))
                continue
            known = self.result.shape(var)
            if not op.reads_only_shape or known is None or None in known:
                return
            # x.shape of a known shape: a zero-strided array of that shape costs nothing.
            arguments.append(np.broadcast_to(np.zeros((), var.type.dtype), known))
        try:
            with np.errstate(all="ignore"):
                (value,) = op.perform(node, arguments)
        except Exception:  # noqa: BLE001 — a value we cannot compute is simply not known
            return
        self.values[node.outputs[0]] = np.asarray(value)
