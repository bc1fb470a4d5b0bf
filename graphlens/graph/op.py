"""The `Op` base: a frozen dataclass whose fields are its props (equality, hashing, label).

An op is one small class with everything about it side by side: `make_node` (inputs, output
type and static shape), `perform` (vectorised numpy), `grad`, its `notation`, and, where its
gradient is zero, the `zero_gradient_reason` that `trace/` reports.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass


@dataclass(frozen=True)
class Op:
    """Base of all ops; a subclass is `@dataclass(frozen=True)` with its parameters as fields."""

    # Class-level facts (not dataclass fields): how the op prints and why its gradient may be 0.
    notation = None
    zero_gradient_reason = None
    # {output index: [input indices]} of inputs the op overwrites; empty for almost every op.
    destroy_map = {}
    # Positions of inputs evaluated only on demand (ifelse's two branches): the evaluator first
    # computes the other inputs, asks `demand` which lazy ones this call needs, and computes only
    # those (docs/architecture.md, "Lazy inputs"). Empty for almost every op.
    lazy_inputs = ()

    def make_node(self, *inputs):
        """An Apply of this op to `inputs`, with output types; checks inputs, naming the user's line."""
        raise NotImplementedError(f"{type(self).__name__} must define make_node")

    def perform(self, node, inputs):
        """The op's value: a list with one numpy array per output of `node`."""
        raise NotImplementedError(f"{type(self).__name__} must define perform")

    def grad(self, inputs, output_grads):
        """Symbolic gradients with respect to each input, given the gradients of the outputs."""
        raise NotImplementedError(f"{type(self).__name__} must define grad")

    def demand(self, node, values) -> tuple:
        """The lazy input positions this call needs, given the values of the eager inputs
        (`values` has None at every lazy position). Only ops with `lazy_inputs` are asked."""
        return tuple(self.lazy_inputs)

    def __call__(self, *inputs):
        node = self.make_node(*inputs)
        return node.outputs[0] if len(node.outputs) == 1 else node.outputs

    @property
    def props(self) -> dict:
        """The op's parameters by name: `Sum(axis=(1,)).props == {'axis': (1,)}`."""
        return {field.name: getattr(self, field.name) for field in dataclasses.fields(self)}

    @property
    def label(self) -> str:
        """`Sum{axis=(1,)}`: the class name and its parameters, stable across runs."""
        props = self.props
        if not props:
            return type(self).__name__
        inner = ", ".join(f"{key}={value!r}" for key, value in props.items())
        return f"{type(self).__name__}{{{inner}}}"

    def __str__(self):
        return self.label
