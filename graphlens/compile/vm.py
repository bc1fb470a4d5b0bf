"""The evaluator: thunks in topological order over one storage list, no graph walk per call.

Everything about the graph is worked out once, when the function is built: the schedule, where
each value lives, and after which thunk an intermediate is last used (it is dropped there).
"""

from __future__ import annotations

import numpy as np

from graphlens.errors import EvaluationError, where
from graphlens.compile import lazy
from graphlens.compile.straight import MAX_STEPS, straight_run
from graphlens.graph.basic import Constant
from graphlens.graph.schedule import conditional_nodes
from graphlens.rewrite.composite_plans import shared_plans


class VM:
    """Runs `fgraph` on values of `input_vars` (explicit inputs, then shared variables).

    `wrap_perform(node)`, when given, returns what runs instead of `node.op.perform`.
    """

    def __init__(self, fgraph, input_vars, output_vars, wrap_perform=None):
        self.wrap_perform = wrap_perform
        nodes = fgraph.schedule()
        self.nodes = nodes
        # Plans are made while compiling (the collector is paused then), not on the first call;
        # fused nodes of one structure share theirs.
        with shared_plans():
            for node in nodes:
                node.op.prepare()
        position = {}
        for var in input_vars:
            position.setdefault(var, len(position))
        constants = []
        # {slot: the last step reading it}, made in the same walk (a lazy program, below,
        # decides its own).
        last_use = {}
        for step, node in enumerate(nodes):
            for var in node.inputs:
                slot = position.get(var)
                if slot is None:
                    slot = position[var] = len(position)
                    if isinstance(var, Constant):
                        constants.append(var)
                last_use[slot] = step
            # A node's outputs are first met here: the schedule runs a node before its readers.
            for var in node.outputs:
                if var not in position:
                    position[var] = len(position)
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
        conditional = conditional_nodes(nodes, output_vars)
        if conditional:
            self._build_lazy(nodes, conditional, position, keep, wrap_perform)
            return
        frees = [[] for _ in nodes]
        for slot, step in last_use.items():
            if slot not in keep:
                frees[step].append(slot)
        # A step is (perform, node, input slots, output slot, frees).
        self.program = [(node.op.perform, node, tuple([position[v] for v in node.inputs]),
                         position[node.outputs[0]], tuple(frees[step]))
                        for step, node in enumerate(nodes)]
        if wrap_perform is not None:
            # A hook from a room above (the NaN guard of trace/nan.py, via compile/hooks.py)
            # runs instead of each perform; the VM itself never imports trace/.
            self.program = [(wrap_perform(step[1]),) + step[1:] for step in self.program]
        if any(len(node.outputs) > 1 for node in nodes):
            self.program = several_output_steps(self.program, position, self.template)
        self.set_program(self.program)

    # A program without lazy steps may be written out as straight-line code (compile/straight.py).
    inline = True

    def set_program(self, program):
        """Run `program` from now on (a profiler's timed steps, say): the straight-line `run`
        is written for it, or the loop kept when it is long."""
        self.program = program
        if len(program) <= MAX_STEPS:
            # Written on the first call of `run` (a function's own call inlines the program
            # and never needs it; a loop's step function does, many times).
            self.run = self._write_run
        else:
            self.__dict__.pop("run", None)

    def _write_run(self, input_values):
        return self.ready_run()(input_values)

    def ready_run(self):
        """`run`, written out now if it is still to be written: what a caller that keeps the
        function (a loop runs its step hundreds of times) must hold. Holding `vm.run` before the
        first call kept this writer, and every step wrote and compiled the program again.

        >>> step = vm.ready_run(); step(values)          # doctest: +SKIP
        """
        run = self.run          # the loop of the class when the program is long or lazy
        if getattr(run, "__func__", None) is VM._write_run:
            run = self.run = straight_run(self.program, self.input_positions,
                                          self.output_positions, self.template,
                                          self.step_failure_of)
        return run

    def __getstate__(self):
        # The straight-line `run` is code made in this process; it is written again on load.
        state = dict(self.__dict__)
        if self.inline:
            state.pop("run", None)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        if self.inline:
            self.set_program(self.program)

    def keep_outputs(self, count):
        """Return only the first `count` outputs from now on (a copy without updates)."""
        self.output_positions = self.output_positions[:count]
        if self.inline:
            self.set_program(self.program)

    def step_failure_of(self, step, local_values, exc) -> EvaluationError:
        """The error of step number `step` failing with `exc` in straight-line code, whose
        locals `s<slot>` hold the storage."""
        _, node, input_slots, _, _ = self.program[step]
        storage = {slot: local_values.get(f"s{slot}") for slot in input_slots}
        return step_failure(node, storage, input_slots, exc)

    def _build_lazy(self, nodes, conditional, position, keep, wrap_perform):
        """The program of a graph with lazy ops: eager nodes in order, the rest on demand
        (compile/lazy.py)."""
        perform_of = {node: node.op.perform if wrap_perform is None else wrap_perform(node)
                      for node in nodes}
        # A step: (perform, node, input slots, first output's slot, frees, lazy, output
        # slots); a node of several outputs (an ifelse of pairs, a loop) stores each.
        steps = {node: (perform_of[node], node, tuple(position[v] for v in node.inputs),
                        position[node.outputs[0]], [], bool(node.op.lazy_inputs),
                        tuple(position[v] for v in node.outputs))
                 for node in nodes}
        main = [node for node in nodes if node not in conditional]
        main_step = {node: i for i, node in enumerate(main)}
        deadline = lazy.deadlines(nodes, conditional, main_step)
        last_use = {}
        for node in nodes:
            at = main_step[node] if node not in conditional else deadline[node]
            for slot in steps[node][2] + steps[node][6]:
                last_use[slot] = max(last_use.get(slot, -1), at)
        for slot, at in last_use.items():
            if slot not in keep:
                steps[main[at]][4].append(slot)
        self.nodes = main
        self.program = [steps[node] for node in main]
        self.branches = lazy.Branches(nodes, conditional, steps, position)
        self.run = self._run_lazy
        self.inline = False

    def _run_lazy(self, input_values):
        """`run` for graphs with lazy ops: a lazy op's step evaluates its demanded branches."""
        storage = self.template.copy()
        for slot, value in zip(self.input_positions, input_values):
            storage[slot] = value
        step = None
        try:
            for step in self.program:
                perform, node, inputs, output, frees, is_lazy, outputs = step
                if is_lazy:
                    lazy.run_conditional(step, storage, self.branches, step_failure)
                elif len(outputs) == 1:     # inline: the common step, on every call
                    storage[output] = perform(node, [storage[i] for i in inputs])[0]
                else:
                    lazy.store_results(storage, step, perform(node, [storage[i] for i in inputs]))
                for slot in frees:
                    storage[slot] = None
        except EvaluationError:
            raise
        except Exception as exc:
            raise step_failure(step[1], storage, step[2], exc) from exc
        return [storage[slot] for slot in self.output_positions]

    def run(self, input_values):
        """The output values, given values for the input variables in order (the loop; a
        program of at most MAX_STEPS steps runs as straight-line code instead)."""
        storage = self.template.copy()
        for slot, value in zip(self.input_positions, input_values):
            storage[slot] = value
        step = None
        try:
            # The hot loop: per step one call, one store and the frees; nothing else.
            for step in self.program:
                perform, node, inputs, output, frees = step
                storage[output] = perform(node, [storage[i] for i in inputs])[0]
                for slot in frees:
                    storage[slot] = None
        except EvaluationError:
            raise
        except Exception as exc:
            raise step_failure(step[1], storage, step[2], exc) from exc
        return [storage[slot] for slot in self.output_positions]


def several_output_steps(program, position, template) -> list:
    """`program` with each several-output node (a loop) run as one step that keeps its list of
    results in a slot of its own, then one step per output taking its value from that list.
    The hot loop stays one call and one store per step."""
    result = []
    for perform, node, inputs, output, frees in program:
        if len(node.outputs) == 1:
            result.append((perform, node, inputs, output, frees))
            continue
        results_slot = len(template)
        template.append(None)
        result.append((_keep_all(perform), node, inputs, results_slot, frees))
        last = len(node.outputs) - 1
        for index, var in enumerate(node.outputs):
            result.append((_take(index), node, (results_slot,), position[var],
                           (results_slot,) if index == last else ()))
    return result


class _keep_all:
    """perform(node, inputs) -> [its list of results], one slot for them all. A class, not a
    closure, so a function holding a several-output node pickles (a logistic regression's
    train: sigmoid_bce_parts)."""

    __slots__ = ("keeps_all",)

    def __init__(self, perform):
        # What straight-line code calls instead, storing the list itself (compile/straight.py).
        self.keeps_all = perform

    def __call__(self, node, inputs):
        return [self.keeps_all(node, inputs)]


class _take:
    """One output's entry of a several-output step's list of results."""

    __slots__ = ("takes",)

    def __init__(self, index):
        self.takes = index      # straight-line code reads the list's entry, with no call

    def __call__(self, node, inputs):
        return [inputs[0][self.takes]]



def step_failure(node, storage, input_slots, exc) -> EvaluationError:
    """The error for `node` failing with `exc`, its inputs read from `storage`: graphlens's
    message, and the built-in class of the cause (`except ValueError:` still catches it)."""
    values = [storage[slot] for slot in input_slots]
    return EvaluationError.caused_by(describe_failure(node, values, exc), exc)


def describe_failure(node, values, exc) -> str:
    """What failed, with the node, its inputs' types and run-time shapes, and the user's line."""
    lines = [f"{node.op.label} failed at {where(node.outputs[0])}: "
             f"{type(exc).__name__}: {exc}"]
    for i, (var, value) in enumerate(zip(node.inputs, values)):
        shown = f"shape {np.shape(value)}, dtype {getattr(value, 'dtype', type(value).__name__)}"
        label = var.name or (var.owner.op.label if var.owner is not None else "input")
        lines.append(f"  input {i}: {label} ({var.type}, built at {where(var)}): {shown}")
    lines.append(f"  output: {node.outputs[0].type}")
    return "\n".join(lines)
