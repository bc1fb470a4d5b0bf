"""The evaluator: thunks in topological order over one storage list, no graph walk per call.

Everything about the graph is worked out once, when the function is built: the schedule, where
each value lives, and after which thunk an intermediate is last used (it is dropped there).
"""

from __future__ import annotations

import numpy as np

from graphlens.errors import EvaluationError, GraphlensError, where
from graphlens.graph.basic import Constant


class VM:
    """Runs `fgraph` on values of `input_vars` (explicit inputs, then shared variables)."""

    def __init__(self, fgraph, input_vars, output_vars, nan_guard=False):
        nodes = fgraph.toposort()
        self.nodes = nodes
        position = {}
        for var in input_vars:
            position.setdefault(var, len(position))
        constants = []
        for node in nodes:
            for var in node.inputs + node.outputs:
                if var not in position:
                    position[var] = len(position)
                    if isinstance(var, Constant):
                        constants.append(var)
        for var in output_vars:
            if var not in position:
                position[var] = len(position)
                if isinstance(var, Constant):
                    constants.append(var)
        self.template = [None] * len(position)
        for var in constants:
            self.template[position[var]] = var.data
        self.input_positions = [position[var] for var in input_vars]
        self.output_positions = [position[var] for var in output_vars]
        keep = set(self.output_positions) | {position[var] for var in constants}
        last_use = {}
        for step, node in enumerate(nodes):
            for var in node.inputs:
                last_use[position[var]] = step
        frees = [[] for _ in nodes]
        for slot, step in last_use.items():
            if slot not in keep:
                frees[step].append(slot)
        self.program = [(node.op.perform, node, tuple(position[v] for v in node.inputs),
                         tuple(position[v] for v in node.outputs), tuple(frees[step]))
                        for step, node in enumerate(nodes)]
        if nan_guard:
            # Each perform checks its outputs and stops at the first NaN or Inf (trace/nan.py).
            from graphlens.trace.nan import guarded_perform
            self.program = [(guarded_perform(step[1]),) + step[1:] for step in self.program]

    def run(self, input_values):
        """The output values, given values for the input variables in order."""
        storage = self.template.copy()
        for slot, value in zip(self.input_positions, input_values):
            storage[slot] = value
        step = 0
        try:
            for step, (perform, node, inputs, outputs, frees) in enumerate(self.program):
                results = perform(node, [storage[i] for i in inputs])
                for slot, value in zip(outputs, results):
                    storage[slot] = value
                for slot in frees:
                    storage[slot] = None
        except EvaluationError:
            raise
        except Exception as exc:
            _, node, inputs, _, _ = self.program[step]
            raise EvaluationError(describe_failure(node, [storage[i] for i in inputs], exc)) \
                from exc
        return [storage[slot] for slot in self.output_positions]


def describe_failure(node, values, exc) -> str:
    """What failed, with the node, its inputs' types and run-time shapes, and the user's line."""
    kind = type(exc).__name__ if not isinstance(exc, GraphlensError) else type(exc).__name__
    lines = [f"{node.op.label} failed at {where(node.outputs[0])}: {kind}: {exc}"]
    for i, (var, value) in enumerate(zip(node.inputs, values)):
        shown = f"shape {np.shape(value)}, dtype {getattr(value, 'dtype', type(value).__name__)}"
        label = var.name or (var.owner.op.label if var.owner is not None else "input")
        lines.append(f"  input {i}: {label} ({var.type}, built at {where(var)}): {shown}")
    lines.append(f"  output: {node.outputs[0].type}")
    return "\n".join(lines)
