"""`Scan`: a loop as one op that holds its step function as an inner graph.

The node's inputs are `[n_steps, *sequences, *initial states, *non-sequences]`; its outputs
`[*states, *per-step outputs]`. Each step reads one element of every sequence, the earlier values
of every state at its taps, and the non-sequences; it computes the new value of every state and
every per-step output, and optionally a stop condition (`until`). The inner graph is compiled
once, the first time the node runs; each step is then one run of that compiled program.

A state is kept in full (`(n_steps, ...)`, what `scan` returns for `outputs_info`) or, for the
updates of shared variables and the accumulators of a gradient, only its final value.

>>> out, updates = scan(lambda x, h: h + x, sequences=v, outputs_info=T.zeros(()))  # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from functools import cached_property


from graphlens.config import config
from graphlens.errors import GraphlensTypeError, ShapeError, describe
from graphlens.graph.basic import Apply, Constant, Variable
from graphlens.graph.inner import InnerGraph
from graphlens.graph.notation import Func
from graphlens.graph.op import Op
from graphlens.tensor.static_shape import static_shapes
from graphlens.tensor.type import TensorType
from graphlens.tensor.variable import as_tensor_variable


@dataclass(frozen=True)
class Scan(Op):
    """A loop over `n_steps` steps of the step graph `inner_inputs` -> `inner_outputs`.

    inner_inputs: one per sequence, then one per (state, tap), then one per non-sequence.
    inner_outputs: one per state (its new value), one per per-step output, then the stop
    condition if `has_condition`.
    taps: per state, the (negative) offsets of the earlier values a step reads.
    finals: per state, True when only its last value is kept (shared-variable updates); such a
    state reads tap -1 only and starts from its value itself, not from a buffer of steps.
    """

    inner_inputs: tuple
    inner_outputs: tuple
    n_sequences: int
    taps: tuple
    finals: tuple
    n_per_step: int
    has_condition: bool = False
    name: str | None = None
    truncate_gradient: int = -1
    mode: object = None
    rewritten: bool = False          # the inner graph went through the rewrites already
    # The step counter's name in the stand-ins' names (`x[t]`, `h[t-1]`): `t` for a loop, `t2`
    # for a loop inside a loop's step, so `X[t][t2]` says which loop picks which element.
    index: str = "t"

    notation = Func("scan")
    # The inner graph and its layout are drawn (inner_graphs), not spelled in the label
    # (`Scan{name=rnn}`, graph/label.py).
    hidden_props = ("inner_inputs", "inner_outputs", "n_sequences", "taps", "finals",
                    "n_per_step", "has_condition", "mode", "rewritten", "index")

    # -- layout ---------------------------------------------------------------------------
    @property
    def n_states(self) -> int:
        """The number of states (recurrent outputs)."""
        return len(self.taps)

    @property
    def n_tap_inputs(self) -> int:
        """The number of inner inputs that read earlier values of states."""
        return sum(len(taps) for taps in self.taps)

    @property
    def n_non_sequences(self) -> int:
        """The number of non-sequences (inputs read whole by every step)."""
        return len(self.inner_inputs) - self.n_sequences - self.n_tap_inputs

    def lags(self) -> list:
        """Per state, how many earlier values its initial buffer holds (-min(taps))."""
        return [-min(taps) for taps in self.taps]

    def outer_slices(self, inputs):
        """(n_steps, sequences, initial buffers, non-sequences) of a node's inputs."""
        n_seq, n_state = self.n_sequences, self.n_states
        return (inputs[0], list(inputs[1:1 + n_seq]),
                list(inputs[1 + n_seq:1 + n_seq + n_state]),
                list(inputs[1 + n_seq + n_state:]))

    @property
    def inner_graphs(self):
        """The step function, for printers and pictures: each inner input stands for the node
        input it reads (a sequence's element, a state's earlier value, a non-sequence)."""
        n_seq = self.n_sequences
        sources = [1 + i for i in range(n_seq)]
        for state, taps in enumerate(self.taps):
            sources += [1 + n_seq + state] * len(taps)
        first = 1 + n_seq + self.n_states
        sources += [first + i for i in range(self.n_non_sequences)]
        return (InnerGraph(self.inner_inputs, self.inner_outputs, tuple(sources),
                           title=f"scan {self.name}" if self.name else "scan",
                           substitutable=False, name="scan", keywords=(("steps", 0),),
                           output_names=self.output_names(),
                           function=self.__dict__.get("step_function")),)

    def output_names(self) -> tuple:
        """How the step's outputs print: `h[t]` for a state read as `h[t-1]`, `out1[t]`."""
        names, position = [], self.n_sequences
        for taps in self.taps:
            base = step_base(self.inner_inputs[position].name or "", self.index)
            names.append(step_name(base or f"out{len(names)}", self.index))
            position += len(taps)
        for p in range(self.n_per_step):
            out = self.inner_outputs[self.n_states + p]
            names.append(step_name(f"out{len(names)}", self.index)
                         if not out.name or "[" in out.name
                         else step_name(out.name, self.index))
        if self.has_condition:
            names.append("until")
        return tuple(names)

    # -- the op ---------------------------------------------------------------------------
    def make_node(self, n_steps, *inputs):
        n_steps = as_tensor_variable(n_steps)
        if n_steps.ndim != 0 or n_steps.dtype[:3] not in ("int", "uin"):
            raise GraphlensTypeError(f"scan: n_steps must be an integer scalar, got "
                                     f"{describe(n_steps)}")
        # Tensors, or any variable for a final-only state (a random generator's state, say).
        inputs = [v if isinstance(v, Variable) else as_tensor_variable(v) for v in inputs]
        _, sequences, initials, non_sequences = self.outer_slices([n_steps] + inputs)
        n_inner = self.n_sequences + self.n_states + self.n_non_sequences
        if len(inputs) != n_inner:
            raise GraphlensTypeError(f"{self.label} takes {n_inner} inputs after n_steps, "
                                     f"got {len(inputs)}")
        inner = list(self.inner_inputs)
        for outer, element in zip(sequences, inner[:self.n_sequences]):
            _check_matches(outer, element, "sequence", leading=True)
        position = self.n_sequences
        for outer, taps, final in zip(initials, self.taps, self.finals):
            # A final-only state starts from its value itself, a traced one from a buffer of
            # its earlier steps.
            _check_matches(outer, inner[position], "initial state", leading=not final)
            position += len(taps)
        for outer, element in zip(non_sequences, inner[position:]):
            _check_matches(outer, element, "non-sequence", leading=False)
        steps = self.step_shapes(sequences, initials, non_sequences)
        # A loop with a stop condition may run fewer steps than n_steps: its length is open.
        length = int(n_steps.data) if isinstance(n_steps, Constant) \
            and not self.has_condition else None
        outputs = []
        for state, (out, final) in enumerate(zip(self.inner_outputs, self.finals)):
            if not hasattr(out.type, "shape"):
                outputs.append(out.type())
            else:
                shape = steps.shape(out) if final else (length,) + steps.shape(out)
                outputs.append(TensorType(out.dtype, shape)())
        for out in self.inner_outputs[self.n_states:self.n_states + self.n_per_step]:
            outputs.append(TensorType(out.dtype, (length,) + steps.shape(out))())
        return Apply(self, [n_steps] + inputs, outputs)

    def step_shapes(self, sequences, initials, non_sequences):
        """The step's inner graph's known lengths when its inputs have those of the outer ones
        (a sequence's and a traced state's buffer's without their leading steps axis), so a
        loop over declared or example lengths (tensor/static_shape.py) knows its outputs'."""
        inner = list(self.inner_inputs)
        pairs = [(outer.type, element, 1) for outer, element in zip(sequences, inner)]
        position = self.n_sequences
        for outer, taps, final in zip(initials, self.taps, self.finals):
            pairs += [(outer.type, element, 0 if final else 1)
                      for element in inner[position:position + len(taps)]]
            position += len(taps)
        pairs += [(outer.type, element, 0) for outer, element in zip(non_sequences,
                                                                     inner[position:])]
        known = {element: getattr(outer, "shape", ())[leading:] for outer, element, leading
                 in pairs if hasattr(element.type, "shape") and hasattr(outer, "shape")
                 and len(outer.shape) == element.ndim + leading}
        return static_shapes(list(self.inner_outputs), known_shapes=known)

    @cached_property
    def program(self):
        """The compiled step: a function of the inner inputs' values returning the inner
        outputs' values. Built once per op, the first time a node of it runs."""
        return self.fn.vm.ready_run()

    @cached_property
    def fn(self):
        """Theano's `Scan.fn`: the step compiled as a function of the inner inputs, as the
        loop runs it (`op.fn.maker.fgraph.toposort()` lists the step's nodes; on a loop in a
        compiled function, the rewritten step)."""
        return self._compiled_step("NONE" if self.rewritten else self.mode)

    @cached_property
    def rewrite_cache(self) -> dict:
        """What rewrites derived from this op, kept so every function compiled from the same
        loop gets the same new op (and so the same compiled step)."""
        return {}

    @cached_property
    def hoist_plan(self):
        """How `scan_hoist_invariants` moves this loop's invariant work out, worked out once
        per op (scan/rewrites.py), so every function compiled from it gets the same new op."""
        from graphlens.scan.rewrites import hoist_plan
        return hoist_plan(self)

    @cached_property
    def rewritten_twin(self) -> "Scan":
        """This loop with its step graph rewritten and compiled, once: what the rewrite
        `scan_rewrite_inner_graph` puts in compiled functions. `step_function` on the twin is
        the compiled step (its `fgraph_before`, `fgraph` and `rewrite_log`)."""
        compiled = self._compiled_step(self.mode)
        twin = dataclasses.replace(self, inner_inputs=tuple(compiled.fgraph.inputs),
                                   inner_outputs=tuple(compiled.fgraph.outputs), rewritten=True)
        twin.__dict__["program"] = compiled.vm.ready_run()
        twin.__dict__["step_function"] = twin.__dict__["fn"] = compiled
        return twin

    @cached_property
    def stabilized_twin(self) -> "Scan":
        """This loop with its step graph through the phases that write formulas stably
        (canonicalize, stabilize, cancel; once per op; the step function compiled on the way
        is not kept): what the hoisting of sequence work reads (scan/rewrites.py), so that it
        never splits a formula the stabilizing rules read whole. Hoisted from the raw step,
        `log(1 - sigmoid(z))`'s gradient left the loop as `exp(-z)` and `(1 + exp(-z))**2`,
        and the step divided one by the other: NaN at z = 40."""
        from graphlens.compile.function import get_mode
        # The later phases are left to the loop's own rewrite: the rules that read the loop
        # (a running sum of products) look for the forms before specialize. `excluding` keeps
        # the mode's class (a DebugMode loop stays one).
        mode = get_mode(self.mode).excluding("specialize", "share", "fusion", "inplace")
        compiled = self._compiled_step(mode)
        return dataclasses.replace(self, inner_inputs=tuple(compiled.fgraph.inputs),
                                   inner_outputs=tuple(compiled.fgraph.outputs))

    def _compiled_step(self, mode):
        """The step graph compiled as a function of its inner inputs, in `mode`."""
        from graphlens.compile.function import function
        return function(list(self.inner_inputs), list(self.inner_outputs), mode=mode,
                        on_unused_input="ignore", name=self.name)

    def perform(self, node, inputs):
        from graphlens.scan.loop import run_loop
        return run_loop(self, node, inputs)

    def L_op(self, inputs, outputs, output_grads):
        from graphlens.scan.backward import scan_grad
        # The backward step's stand-ins have no test values: with compute_test_value on, its
        # nodes are built unchecked, and the outer results get theirs when first asked for
        # (graph/test_value.py computes an unchecked node's value from its inputs').
        with config.change_flags(compute_test_value="off"):
            return scan_grad(self, inputs, outputs, output_grads)

    def grad(self, inputs, output_grads):
        return self.L_op(inputs, self.make_node(*inputs).outputs, output_grads)


def step_name(base: str, index: str = "t", tap: int = 0) -> str:
    """The name of a step's stand-in: `x[t]`, `h[t-1]`; inside a loop's step, `X[t][t2]`.

    >>> step_name("h", "t", -1), step_name("X[t]", "t2", -1)
    ('h[t-1]', 'X[t][t2-1]')
    """
    return f"{base}[{index}]" if tap == 0 else f"{base}[{index}{tap:+d}]"


def step_base(name: str, index: str = "t") -> str:
    """`name` without its last `[index...]`: `h` for `h[t-1]`, `X[t]` for `X[t][t2]`; a name
    that is not a step's stand-in stays as it is.

    >>> step_base("h[t-1]"), step_base("X[t][t2]", "t2"), step_base("W")
    ('h', 'X[t]', 'W')
    """
    base, bracket, rest = name.rpartition("[")
    if bracket and rest.endswith("]") and re.fullmatch(
            rf"{re.escape(index)}([+-][0-9]+)?", rest[:-1]):
        return base
    return name


def _check_matches(outer, element, what, leading):
    """An outer input must carry the inner input's dtype, with one more axis for a sequence
    or an initial buffer (its steps)."""
    if not hasattr(element.type, "dtype"):
        if outer.type != element.type:
            raise GraphlensTypeError(f"scan: the {what} {describe(outer)} does not fit the "
                                     f"step function's input {describe(element)}")
        return
    ndim = element.ndim + (1 if leading else 0)
    if outer.dtype != element.dtype or outer.ndim != ndim:
        raise GraphlensTypeError(
            f"scan: the {what} {describe(outer)} does not fit the step function's input "
            f"{describe(element)}: expected dtype {element.dtype} and rank {ndim}")


def check_step_shape(value, expected, what, step):
    """A step's output keeps one shape over the loop; say which output and step if not."""
    if value.shape != expected:
        raise ShapeError(f"scan: {what} has shape {value.shape} at step {step}, but "
                         f"{expected} before: every step must give the same shape")

