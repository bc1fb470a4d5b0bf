"""`Composite`: several elementwise ops fused into one node that holds their graph.

It evaluates its inner graph with numpy ufuncs writing into arrays it owns (`out=`), so a chain of
200 operations needs one or two arrays, not 200; `destroyed` lets it reuse an input's array once the
in-place rewrite has proved nothing else reads it. Every step is one vectorised numpy call over the
whole array: there is never a Python loop over elements. The inner graph is public
(`inner_inputs`, `inner_output`, `inner_nodes()`) so printers and pictures can show it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

import numpy as np

from graphlens.backprop import grad
from graphlens.errors import GraphlensTypeError
from graphlens.graph.basic import Apply, Constant, clone_graph, toposort
from graphlens.graph.inner import InnerGraph
from graphlens.graph.notation import Func
from graphlens.graph.op import Op
from graphlens.printer.expression import formula_label
from graphlens.rewrite.composite_code import written_direct
from graphlens.rewrite.composite_plans import (DTYPES, kernel_of, reading, same_lengths,
                                               static_lengths, without_fills, active_plans,
                                               plan_key)
from graphlens.tensor.elemwise import check_runtime_broadcast
from graphlens.tensor.variable import as_tensor_variable


class _Step(NamedTuple):
    # A named tuple, not a frozen dataclass: a plan makes one per fused op, tens of thousands
    # for a big graph, and a tuple is made at a fraction of the cost.
    node: object            # the inner Apply (its op, and its types for perform)
    kernel: object          # run(arrays, out), or None: the op's perform computes the step
    inputs: tuple           # value slots read
    output: int             # value slot written
    dtype: object
    dying: tuple            # slots last read by this step
    full: bool              # the result has the Composite's shape (known from static shapes)
    single: bool            # the result is one element whatever the inputs' lengths


@dataclass(frozen=True)
class _Plan:
    template: list          # slot values before a call: constants filled in
    steps: tuple
    output: int
    constant_shapes: list   # the inner constants broadcast with the inputs too
    # When every step has a kernel and gives the result's shape or one element, arrays are
    # assigned once, here: (run(values, out), output slot, array number, dtype, full) per step,
    # full False for a one-element result; None otherwise.
    fixed: tuple | None
    n_arrays: int
    # `template` for the fixed path: one-element constants as numpy scalars, which ufuncs
    # take faster than one-element arrays (the output array gives the shape there).
    fixed_template: list


@dataclass(frozen=True)
class Composite(Op):
    """Elementwise ops fused into one node: `inner_output` computed from `inner_inputs`.

    `destroyed`: positions of inputs whose arrays it may overwrite (set by the in-place rewrite).
    """

    inner_inputs: tuple
    inner_output: object
    destroyed: tuple = ()
    notation = Func("composite")

    @property
    def destroy_map(self):
        return {0: list(self.destroyed)} if self.destroyed else {}

    @classmethod
    def of_nodes(cls, inner_inputs, inner_nodes, destroyed=()):
        """The Composite of `inner_nodes` (in topological order, the last one's output the
        value) on `inner_inputs`: the order is kept, not found again by a walk.

        >>> x = T.dscalar("x"); node = T.exp(x).owner               # doctest: +SKIP
        >>> Composite.of_nodes((x,), [node]).inner_nodes() == [node] # doctest: +SKIP
        True
        """
        op = cls(tuple(inner_inputs), inner_nodes[-1].outputs[0], destroyed)
        # Not a field: the order is a fact about the inner graph (the same graph, the same
        # order), so it takes no part in equality, hashing, props or labels.
        object.__setattr__(op, "_inner_order", list(inner_nodes))
        return op

    def inner_nodes(self) -> list:
        """The fused nodes, inputs first."""
        order = self.__dict__.get("_inner_order")
        if order is None:
            order = toposort([self.inner_output])
            object.__setattr__(self, "_inner_order", order)
        return list(order)

    @property
    def inner_outputs(self) -> tuple:
        """The inner graph's outputs (one)."""
        return (self.inner_output,)

    @property
    def inner_graphs(self) -> tuple:
        """The fused graph for printers and pictures: inner input i stands for input i."""
        return (InnerGraph(self.inner_inputs, (self.inner_output,),
                           tuple(range(len(self.inner_inputs))), title="Composite"),)

    @cached_property
    def label(self):
        # The one printer's text (printer/expression.py): the label reads as pp and debugprint
        # write the same inner graph, `Composite{i0 * exp(i1)}`.
        return formula_label(self, type(self).__name__)

    def make_node(self, *inputs):
        inputs = [as_tensor_variable(v) for v in inputs]
        # Fusion and the in-place twin call this with inputs of the very types of the inner
        # inputs (made from them): those pass on the identity of their types.
        if len(inputs) != len(self.inner_inputs) or any(
                a.type is not b.type and (a.dtype != b.dtype or a.ndim != b.ndim)
                for a, b in zip(inputs, self.inner_inputs)):
            raise GraphlensTypeError(f"{self.label} takes {len(self.inner_inputs)} inputs of "
                                     f"types {[str(v.type) for v in self.inner_inputs]}")
        return Apply(self, inputs, [self.inner_output.type()])

    def node_on(self, inputs, like=None):
        """The Apply of this op on `inputs` of the very types of the inner inputs (fusion and
        the in-place twin make them so): `make_node` without converting and checking each.
        `like`, the variable the node's output will replace, when of the output's type: the
        output is its copy (name, site and scope, which a rewrite's output takes from it).

        >>> op.node_on([x, y]).outputs[0].type is op.inner_output.type   # doctest: +SKIP
        True
        """
        out_type = self.inner_output.type
        out = like.clone() if like is not None and like.type is out_type else out_type()
        return Apply(self, inputs, [out])

    def prepare(self) -> None:
        """Plan the arrays now (compile time), not on the first call."""
        self._plan

    def __getstate__(self):
        # The plan holds kernels written in this process (closures): a pickle carries the
        # fused graph, and the plan is made again where it is loaded, when first needed.
        state = dict(self.__dict__)
        state.pop("_plan", None)
        return state

    def direct_perform(self, node):
        """`perform` for `node` as one written function of the input arrays (the evaluator's
        direct call), when every step has a kernel; None otherwise."""
        plan = self._plan
        if plan.fixed is None:
            return None
        return written_direct(plan, self, node, broadcast_shape, check_runtime_broadcast)

    @cached_property
    def _plan(self):
        # While a graph is prepared, fused nodes of one structure (a big graph holds hundreds
        # of `tanh(i0 + i1)`) share one plan: it reads only the structure (ops, types,
        # constants, destroyed inputs). rewrite/composite_plans.py.
        plans = active_plans()
        key = plan_key(self) if plans is not None else None
        try:
            plan = plans.get(key) if key is not None else None
        except TypeError:       # an op with unhashable props
            key = plan = None
        if plan is None:
            plan = self._make_plan()
            if key is not None:
                plans[key] = plan
        return plan

    def _make_plan(self):
        """The plan of this fused node's arrays and steps (`_plan` shares it by structure).

        A big graph plans thousands of fused nodes at compile time (20,000 steps on the 10k
        DAG): each step is read in one loop per fact below, with locals, not attributes."""
        inner_inputs, inner_output = self.inner_inputs, self.inner_output
        slot = {var: i for i, var in enumerate(inner_inputs)}
        template = [None] * len(slot)
        final = inner_output.type.shape
        kernels = {}            # each inner node's kernel, made once
        nodes, alias = without_fills(self.inner_nodes(), inner_output, kernels)
        lengths = static_lengths(inner_inputs, nodes, alias)
        if alias and not same_lengths(lengths[inner_output], final):
            # Without its fills the result would come out shorter than the node's shape.
            nodes, alias = self.inner_nodes(), {}
            lengths = static_lengths(inner_inputs, nodes, alias)
        # Slots: the inputs, then the constants in the order first read, then each step's value.
        get = alias.get
        for node in nodes:
            for var in node.inputs:
                if alias:
                    var = get(var, var)
                if var not in slot and isinstance(var, Constant):
                    slot[var] = len(template)
                    template.append(var.data)
        first_value = len(template)
        for index, node in enumerate(nodes, first_value):
            slot[node.outputs[0]] = index
        template.extend([None] * len(nodes))
        for filled, value in alias.items():
            slot[filled] = slot[value]
        last_read = {}
        reads = []
        for step, node in enumerate(nodes):
            slots = tuple([slot[var] for var in node.inputs])
            reads.append(slots)
            for index in slots:
                last_read[index] = step
        output = slot[inner_output]
        dying = [[] for _ in nodes]
        for index, step in last_read.items():
            if index != output and not isinstance(template[index], np.ndarray):
                dying[step].append(index)
        steps = []
        final_length = len(final)
        for i, node in enumerate(nodes):
            out = node.outputs[0]
            shape = lengths[out]
            name = out.type.dtype
            dtype = DTYPES.get(name) or DTYPES.setdefault(name, np.dtype(name))
            kernel = kernels[node] if node in kernels else kernel_of(node, kernels)
            full = shape == final or (len(shape) == final_length and all(
                dim != 1 or last == 1 for dim, last in zip(shape, final)))  # same_lengths
            steps.append(_Step(node, kernel, reads[i], first_value + i, dtype,
                               tuple(dying[i]), full, shape.count(1) == len(shape)))
        steps = tuple(steps)
        # Only a constant longer than 1 on some axis can make the result longer than the inputs.
        shapes = [np.shape(value) for value in template[len(inner_inputs):first_value]
                  if value is not None and any(length != 1 for length in np.shape(value))]
        fixed, n_arrays = self._assign_arrays(steps)
        fixed_template = [value.reshape(())[()] if isinstance(value, np.ndarray)
                          and value.size == 1 else value for value in template]
        return _Plan(template, steps, output, shapes, fixed, n_arrays, fixed_template)

    def _assign_arrays(self, steps):
        """Which array each step writes, decided once: the array of an input read for the last
        time (a destroyed input, or an earlier result), else a free one, else a new one.

        An array's kind is its dtype and whether it holds the result's shape or one element (a
        step on single-value inputs, like the count a mean divides by); arrays are reused only
        within a kind."""
        for step in steps:
            if step[1] is None or not (step[6] or step[7]):     # kernel, full, single
                return None, 0
        holder = {position: i for i, position in enumerate(self.destroyed)}
        kind_of = {i: (np.dtype(self.inner_inputs[p].type.dtype), False)
                   for p, i in holder.items()}
        free, fixed = {}, []
        for _, kernel, inputs, output, dtype, dying, full, _ in steps:
            kind = (dtype, not full)
            chosen = None
            if holder:
                for index in dying:
                    array = holder.get(index)
                    if array is not None and kind_of[array] == kind:
                        chosen = holder.pop(index)
                        break
            if chosen is None:
                spare = free.get(kind)
                chosen = spare.pop() if spare else len(kind_of)
                kind_of[chosen] = kind
            if holder:
                for index in dying:
                    array = holder.pop(index, None)
                    if array is not None:
                        released = kind_of[array]
                        if released in free:
                            free[released].append(array)
                        else:
                            free[released] = [array]
            holder[output] = chosen
            fixed.append((reading(kernel, inputs), output, chosen, dtype, full))
        return tuple(fixed), len(kind_of)

    def perform(self, node, inputs):
        plan = self._plan
        shapes = [array.shape for array in inputs]
        final = broadcast_shape(shapes + plan.constant_shapes if plan.constant_shapes else shapes)
        for shape in shapes:
            if shape != final:
                check_runtime_broadcast(node, inputs, final)
                break
        if plan.fixed is not None:
            result = self._perform_fixed(plan, inputs, final)
            if result is not None:
                return [result]
        values = plan.template.copy()
        values[:len(inputs)] = inputs
        usable = [type(inputs[p]) is np.ndarray and inputs[p].flags.writeable
                  and inputs[p].shape == final for p in self.destroyed]
        owned = [False] * len(values)
        for position, ok in zip(self.destroyed, usable):
            owned[position] = ok
        spare = {}          # (shape, dtype) -> arrays no longer read, ready for reuse
        for step in plan.steps:
            arrays = [values[i] for i in step.inputs]
            shape = final if step.full else broadcast_shape([a.shape for a in arrays])
            if step.kernel is not None:
                result = None
                for index in step.dying:      # reuse an array this step reads for the last time
                    if owned[index]:
                        array = values[index]
                        if array.shape == shape and array.dtype == step.dtype:
                            owned[index] = False
                            result = array
                            break
                if result is None:
                    result = _spare(spare, shape, step.dtype)
                step.kernel(arrays, result)
                owned[step.output] = True
            else:
                result = np.asarray(step.node.op.perform(step.node, arrays)[0])
                owned[step.output] = not any(np.may_share_memory(result, a) for a in arrays)
            values[step.output] = result
            for index in step.dying:
                if owned[index]:
                    array = values[index]
                    spare.setdefault((array.shape, array.dtype), []).append(array)
                    owned[index] = False
                values[index] = None
        return [values[plan.output]]

    def _perform_fixed(self, plan, inputs, final):
        """The result computed along the arrays fixed at compile time, or None when a
        destroyed input cannot be overwritten (not an ndarray of the result's shape, or
        read-only): the general path then decides array by array."""
        arrays = [None] * plan.n_arrays
        for number, position in enumerate(self.destroyed):
            array = inputs[position]
            if type(array) is not np.ndarray or array.shape != final \
                    or not array.flags.writeable:
                return None
            arrays[number] = array
        values = plan.fixed_template.copy()
        values[:len(inputs)] = inputs
        for run, write, number, dtype, full in plan.fixed:
            out = arrays[number]
            if out is None:
                out = arrays[number] = np.empty(final if full else (1,) * len(final), dtype)
            run(values, out)
            values[write] = out
        return values[plan.output]

    def grad(self, inputs, output_grads):
        (output,), _ = clone_graph([self.inner_output],
                                   replace=dict(zip(self.inner_inputs, inputs)))
        return grad(None, list(inputs), known_grads={output: output_grads[0]},
                    disconnected_inputs="ignore", return_disconnected="disconnected")


def broadcast_shape(shapes):
    """numpy's broadcast of `shapes` (all of one rank here, as Elemwise pads them), fast for the
    common case of equal shapes; a mismatch raises numpy's own error."""
    first = shapes[0]
    result = None
    for shape in shapes:
        if shape == first:
            continue
        if len(shape) != len(first):
            return np.broadcast_shapes(*shapes)
        if result is None:
            result = list(first)
        for axis, length in enumerate(shape):
            current = result[axis]
            if length != current:
                if current == 1:
                    result[axis] = length
                elif length != 1:
                    return np.broadcast_shapes(*shapes)     # raises, naming the shapes
    return first if result is None else tuple(result)


def _spare(spare, shape, dtype):
    arrays = spare.get((shape, dtype))
    return arrays.pop() if arrays else np.empty(shape, dtype=dtype)
