"""`scan(fn, sequences, outputs_info, non_sequences, n_steps, ...)`: Theano's loop, as one node.

`fn` is called once, on symbolic stand-ins for one step's values; what it returns becomes the
inner graph of a `Scan` node. Arguments reach `fn` in Theano's order: every sequence's taps,
then every fed-back output's taps, then the non-sequences (as given, not copies).

>>> k = T.iscalar('k'); A = T.dvector('A')
>>> result, updates = scan(lambda prior, A: prior * A, outputs_info=T.ones_like(A),
...                        non_sequences=A, n_steps=k)            # A**1, A**2, ..., A**k
"""

from __future__ import annotations

import contextvars
import warnings

from graphlens.config import config
from graphlens.errors import (GraphlensTypeError, GraphlensWarning, ScanStateTypeError,
                              StrictScanError, describe)
from graphlens.graph.basic import Constant, Variable, clone_graph, graph_inputs
from graphlens.graph.default_updates import default_update_pairs
from graphlens.graph.test_value import test_value_of
from graphlens.scan.op import Scan, step_name
from graphlens.scan.returns import OrderedUpdates, split_returns
from graphlens.tensor.basic import cast
from graphlens.tensor.broadcast import unbroadcast
from graphlens.tensor.compare import minimum
from graphlens.tensor.shape import shape_padleft
from graphlens.tensor.type import TensorType
from graphlens.tensor.variable import as_tensor_variable, constant


# How many loops' step functions are being called right now. A loop built inside a step only
# learns its depth from the call it is built in (its sequences may be the enclosing loop's
# elements, or any outer variable), so the depth is scoped to the call: set while `fn` runs,
# restored afterwards, and per thread and task, as a context variable is.
_ENCLOSING_STEPS = contextvars.ContextVar("graphlens_enclosing_steps", default=0)


def index_name(depth: int) -> str:
    """The step counter of a loop `depth` loops deep (1: not inside any step): `t`, then `t2`,
    `t3`. Not `u` or `s`, which printers already use for bindings (`u1`) and shared variables.

    >>> [index_name(d) for d in (1, 2, 3)]
    ['t', 't2', 't3']
    """
    return "t" if depth == 1 else f"t{depth}"


def scan(fn, sequences=None, outputs_info=None, non_sequences=None, n_steps=None,
         truncate_gradient=-1, go_backwards=False, mode=None, name=None, profile=False,
         allow_gc=None, strict=False, return_list=False):
    """Repeat `fn` over steps; returns `(outputs, updates)` as Theano's scan does.

    sequences: variables (or `dict(input=x, taps=[-1, 0, 1])`) iterated over their first axis.
    outputs_info: per output of `fn`, its initial value (fed back at tap -1), a
    `dict(initial=h0, taps=[-1, -3])`, or None for an output that is not fed back.
    non_sequences: variables every step reads whole. n_steps: the number of steps (an int or a
    symbolic integer; at most the length of the shortest sequence). truncate_gradient: the
    number of steps gradients flow back through (-1: all). go_backwards: iterate the sequences
    from their end. `fn` may also return updates of shared variables (a dict or pairs) and a
    stop condition (`until(cond)`). With `n_steps=1` there is no loop node, as in Theano: fn
    runs once on the first step's values.

    outputs: one variable per output of `fn`, with the steps on the first axis (one variable,
    not a list, when there is one output, unless `return_list`). updates: an OrderedDict for
    `function(..., updates=updates)`.
    """
    sequences = _as_list(sequences)
    non_sequences = [v if isinstance(v, Variable) else as_tensor_variable(v)
                     for v in _as_list(non_sequences)]
    n_steps, go_backwards = _steps_argument(n_steps, go_backwards)
    depth = _ENCLOSING_STEPS.get() + 1
    index = index_name(depth)
    seq_specs = [_sequence_spec(item, position, go_backwards)
                 for position, item in enumerate(sequences)]
    no_info = outputs_info is None or (isinstance(outputs_info, (list, tuple))
                                       and not outputs_info)
    out_specs = None if no_info else [
        _output_spec(item, position) for position, item in enumerate(_as_list(outputs_info))]
    if out_specs is not None and name:
        # Unnamed states take the loop's name: `rnn[t-1]`, or `lstm0[t-1]`, `lstm1[t-1]`.
        for position, spec in enumerate(out_specs):
            if spec["initial"] is not None and not spec["initial"].name:
                spec["name"] = name if len(out_specs) == 1 else f"{name}{position}"

    if n_steps == 1:
        return _one_step(fn, seq_specs, out_specs, non_sequences, return_list)
    # Stand-ins for one step's values, in the order fn receives them.
    seq_args = [_seeded(_element(spec["input"], tap, spec["name"], index), spec["input"],
                        tap - min(spec["taps"]))
                for spec in seq_specs for tap in spec["taps"]]
    state_args = [_seeded(_state_element(spec, tap, index), spec["initial"],
                          _state_index(spec, tap))
                  for spec in (out_specs or []) if spec["initial"] is not None
                  for tap in spec["taps"]]
    token = _ENCLOSING_STEPS.set(depth)
    try:
        returned = fn(*(seq_args + state_args + non_sequences))
    finally:
        _ENCLOSING_STEPS.reset(token)
    outputs, updates, condition = split_returns(returned)
    # Shared variables the step reads that have a default update (a random stream's state) move
    # on every step, as in Theano: each step draws new numbers, and the loop returns the update.
    step_graph = list(outputs) + list(updates.values()) + ([condition] if condition is not None
                                                          else [])
    defaults = default_update_pairs(step_graph, list(updates.items()), False,
                                    roots=_step_roots(step_graph, non_sequences))
    for var, update in defaults:
        updates[var] = update
    if out_specs is None:
        out_specs = [_output_spec(None, position) for position in range(len(outputs))]
    _check_output_count(outputs, out_specs)
    states = [(spec, out) for spec, out in zip(out_specs, outputs) if spec["initial"] is not None]
    per_step = [out for spec, out in zip(out_specs, outputs) if spec["initial"] is None]
    state_outputs = [_fit_state_output(out, spec, args)
                     for (spec, out), args in zip(states, _group(state_args, states))]

    # Updated shared variables become states of their own, kept only at their final value.
    updated = list(updates.keys())
    update_args = [var.type(step_name(var.name or "shared", index, -1)) for var in updated]
    update_outputs = [_fit_update(var, expr) for var, expr in updates.items()]

    inner_outputs = state_outputs + update_outputs + per_step
    if condition is not None:
        inner_outputs.append(condition)
    replace = dict(zip(updated, update_args))
    ns_outer, ns_inner = [], []
    for var in non_sequences:
        if isinstance(var, Constant) or var in replace or var in ns_outer:
            continue
        ns_outer.append(var)
        ns_inner.append(_copy(var))
        replace[var] = ns_inner[-1]
    inner_outputs, _ = clone_graph(inner_outputs, replace=replace)
    own = set(seq_args) | set(state_args) | set(update_args) | set(ns_inner)
    for var in graph_inputs(inner_outputs):
        if var in own or isinstance(var, Constant):
            continue
        if strict and getattr(var, "is_shared", False):
            raise StrictScanError(
                f"scan(strict=True): fn uses the shared variable {describe(var)} without it "
                f"being given in non_sequences")
        # A free variable (a shared weight, an outer input) is read by every step.
        ns_outer.append(var)
        ns_inner.append(_copy(var))
    implicit = {outer: inner for outer, inner in zip(ns_outer, ns_inner) if outer not in replace}
    if implicit:
        inner_outputs, _ = clone_graph(inner_outputs, replace=implicit)
    used = set(graph_inputs(inner_outputs))
    # Per-step outputs print as `out2[t]`, numbered as fn returned them.
    first_per_step = len(state_outputs) + len(update_outputs)
    per_step_positions = [p for p, spec in enumerate(out_specs) if spec["initial"] is None]
    for position, var in zip(per_step_positions, inner_outputs[first_per_step:]):
        if var.owner is not None and var.name is None:
            var.name = f"out{position}"
    kept = [(outer, inner) for outer, inner in zip(ns_outer, ns_inner) if inner in used]

    op = Scan(inner_inputs=tuple(seq_args + state_args + update_args + [i for _, i in kept]),
              inner_outputs=tuple(inner_outputs),
              n_sequences=len(seq_args),
              taps=tuple(tuple(spec["taps"]) for spec, _ in states) + ((-1,),) * len(updated),
              finals=(False,) * len(states) + (True,) * len(updated),
              n_per_step=len(per_step), has_condition=condition is not None, name=name,
              truncate_gradient=int(truncate_gradient), mode=mode, index=index)
    outer_sequences = [_tap_slice(spec, tap) for spec in seq_specs for tap in spec["taps"]]
    steps = _number_of_steps(n_steps, outer_sequences)
    initials = [_initial_buffer(spec) for spec, _ in states]
    initials += updated              # final-only states start from the value itself
    # Called, not make_node: the loop node gets its test values like any other node.
    results = op(steps, *(outer_sequences + initials + [o for o, _ in kept]), return_list=True)
    n_states = len(states)
    user_outputs, state_iter = [], iter(results[:n_states])
    per_step_iter = iter(results[n_states + len(updated):])
    for spec in out_specs:
        out = next(state_iter) if spec["initial"] is not None else next(per_step_iter)
        if name:
            out.name = name if len(out_specs) == 1 else f"{name}[{len(user_outputs)}]"
        user_outputs.append(out)
    scan_updates = OrderedUpdates(zip(updated, results[n_states:n_states + len(updated)]))
    # A stream the step draws from with per-step parameters (a Gibbs step's binomial of
    # p=mean_h) moves on as the loop moved it, also in a function given none of the loop's
    # updates: its default update, an expression of the step's stand-ins (which Theano left in
    # place, failing such a function with MissingInputError), becomes the loop's final state.
    stand_ins = set(seq_args) | set(state_args)
    for var, update in defaults:
        if any(root in stand_ins for root in graph_inputs([update])):
            var.default_update = scan_updates[var]
    return _returned(user_outputs, scan_updates, return_list)


def _step_roots(step_graph, non_sequences) -> list:
    """The roots of the step's graph, walked no further up than a non-sequence (not a shared
    variable): fn receives those as they are, computed outside the loop, so a draw given as a
    non-sequence is drawn once, before the loop, and its stream is not a state of the loop
    (as Theano, which compiled the step with the non-sequences as its inputs)."""
    stops = {var for var in non_sequences if not getattr(var, "is_shared", False)}
    seen, roots, stack = set(), [], list(reversed(step_graph))
    while stack:
        var = stack.pop()
        if var in seen:
            continue
        seen.add(var)
        if var.owner is None or var in stops:
            roots.append(var)
        else:
            stack.extend(reversed(var.owner.inputs))
    return roots


def _one_step(fn, seq_specs, out_specs, non_sequences, return_list):
    """A loop of exactly one step is no loop: fn runs once on the first step's own values and
    each output gains its axis of steps (length 1), as Theano's scan did for `n_steps=1`. No
    stand-ins means no state-type matching either: `outputs_info=0` with an int32 step gives
    int32 steps, where a real loop must keep one dtype from step to step."""
    seq_values = [_tap_slice(spec, tap)[0] for spec in seq_specs for tap in spec["taps"]]
    state_values = [spec["initial"][_state_index(spec, tap)] if spec["buffered"]
                    else spec["initial"]
                    for spec in (out_specs or []) if spec["initial"] is not None
                    for tap in spec["taps"]]
    outputs, updates, condition = split_returns(fn(*(seq_values + state_values + non_sequences)))
    if condition is not None:
        warnings.warn("scan: with n_steps=1 the loop runs its one step whatever the stop "
                      "condition (until) says; the condition is ignored", GraphlensWarning,
                      stacklevel=3)
    if out_specs is not None:
        _check_output_count(outputs, out_specs)
    # The axis of steps is a length like any loop's, not a broadcastable 1 (Theano's too).
    steps = [unbroadcast(shape_padleft(as_tensor_variable(out)), 0) for out in outputs]
    updates = OrderedUpdates((var, _fit_update(var, expr)) for var, expr in updates.items())
    return _returned(steps, updates, return_list)


def _check_output_count(outputs, out_specs):
    if len(outputs) != len(out_specs):
        raise ValueError(
            f"scan: fn returned {len(outputs)} outputs but outputs_info has {len(out_specs)} "
            f"entries. Please provide None as outputs_info for any output that does not feed "
            f"back into scan (i.e. it behaves like a map)")


def _returned(outputs, updates, return_list):
    """scan's answer, as Theano's: (None, updates) for no output, (the one output, updates) for
    one, (the list, updates) otherwise or when `return_list`."""
    if not outputs:
        return (outputs if return_list else None), updates
    if len(outputs) == 1 and not return_list:
        return outputs[0], updates
    return outputs, updates


def _as_list(value):
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def _steps_argument(n_steps, go_backwards):
    """n_steps as None, an int or a variable; a negative constant runs backwards (Theano)."""
    if n_steps is None:
        return None, go_backwards
    if isinstance(n_steps, Variable):
        if isinstance(n_steps, Constant) and n_steps.data.ndim == 0:
            n_steps = int(n_steps.data)
        else:
            if n_steps.ndim != 0 or n_steps.dtype[:3] not in ("int", "uin"):
                raise GraphlensTypeError(f"scan: n_steps must be an integer scalar, got "
                                         f"{describe(n_steps)}")
            return n_steps, go_backwards
    if int(n_steps) != n_steps:
        raise GraphlensTypeError(f"scan: n_steps must be an integer, got {n_steps!r}")
    n_steps = int(n_steps)
    if n_steps < 0:
        return -n_steps, not go_backwards
    return n_steps, go_backwards


def _sequence_spec(item, position, go_backwards):
    if isinstance(item, dict):
        if "input" not in item:
            raise GraphlensTypeError(f"scan: sequence {position} is a dict without 'input'")
        var, taps = item["input"], item.get("taps")
        taps = [0] if taps is None else taps
    else:
        var, taps = item, [0]
    var = as_tensor_variable(var)
    taps = [int(t) for t in (taps if isinstance(taps, (list, tuple)) else [taps])]
    if var.ndim == 0:
        raise GraphlensTypeError(f"scan: sequence {position}, {describe(var)}, is a scalar; a "
                                 f"sequence needs an axis to iterate over")
    name = var.name or f"seq{position}"
    if go_backwards:
        var = var[::-1]
    return {"input": var, "taps": taps, "name": name}


def _output_spec(item, position):
    if item is None:
        return {"initial": None, "taps": [], "name": f"out{position}"}
    if isinstance(item, dict):
        initial = item.get("initial")
        if initial is None:
            return {"initial": None, "taps": [], "name": f"out{position}"}
        taps = item.get("taps")
        taps = [-1] if taps is None else taps
        taps = [int(t) for t in (taps if isinstance(taps, (list, tuple)) else [taps])]
    else:
        initial, taps = item, [-1]
    initial = as_tensor_variable(initial)
    if not taps:
        return {"initial": None, "taps": [], "name": f"out{position}"}
    if any(t >= 0 for t in taps):
        raise ValueError(f"scan: the taps of output {position} must be negative (earlier "
                         f"steps), got {taps}")
    if len(set(taps)) != len(taps):
        raise ValueError(f"scan: the taps of output {position} repeat a step: {taps}; give "
                         f"each earlier step once")
    if len(taps) > 1 or taps[0] != -1:
        if initial.ndim == 0:
            raise GraphlensTypeError(
                f"scan: output {position} has taps {taps}, so its initial value needs the "
                f"{-min(taps)} earlier values on its first axis; got the scalar "
                f"{describe(initial)}")
    return {"initial": initial, "taps": taps, "name": _state_name(initial.name) or f"out{position}",
            "buffered": taps != [-1]}


def _state_name(name):
    """The name a state's steps show: `h` for an initial value named `h0` or `h_0`."""
    if not name:
        return None
    for suffix in ("_0", "0"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[:-len(suffix)]
    return name


def _element(sequence, tap, name, index):
    """The stand-in for one element of `sequence` at `tap`: `x[t]`, `x[t-2]`."""
    element = TensorType(sequence.dtype, sequence.type.shape[1:])
    return element(step_name(name, index, tap))


def _state_element(spec, tap, index):
    """The stand-in for a fed-back output's value at `tap`: `h[t-1]`."""
    initial = spec["initial"]
    shape = initial.type.shape[1:] if spec["buffered"] else initial.type.shape
    return TensorType(initial.dtype, shape)(step_name(spec["name"], index, tap))


def _state_index(spec, tap):
    """Where the first step's value at `tap` sits in a fed-back output's initial value: a row
    counted from the end of the buffer of past values (taps -1, -3: tap -1 is the last row), or
    None for the whole value (a single tap -1)."""
    return tap if spec["buffered"] else None


def _seeded(placeholder, outer, index):
    """`placeholder` with the first step's test value, as Theano's scan gave its stand-ins, so
    that with `config.compute_test_value` on the step's nodes are checked as they are built."""
    if config.compute_test_value == "off":
        return placeholder
    value = test_value_of(outer)
    if value is not None and (index is None or -len(value) <= index < len(value)):
        placeholder.tag.test_value = value if index is None else value[index]
    return placeholder


def _group(state_args, states):
    groups, position = [], 0
    for spec, _ in states:
        groups.append(state_args[position:position + len(spec["taps"])])
        position += len(spec["taps"])
    return groups


def _fit_state_output(out, spec, args):
    """fn's new value for a fed-back output, checked against its initial value's type."""
    expected = args[0].type
    out = as_tensor_variable(out)
    if getattr(out, "weak", False) and out.dtype != expected.dtype:
        out = cast(out, expected.dtype)
    if out.dtype != expected.dtype or out.ndim != expected.ndim:
        raise ScanStateTypeError(
            f"scan: the initial state (outputs_info) {describe(spec['initial'])} gives the step "
            f"values of type {expected}, but fn returns {describe(out)} for it. They must have "
            f"the same dtype and rank; this can happen when fn upcasts (cast the result, or "
            f"the initial value, e.g. with T.cast(..., '{expected.dtype}'))")
    for got, want in zip(out.type.shape, expected.shape):
        if got is not None and want is not None and got != want:
            raise GraphlensTypeError(
                f"scan: fn returns {describe(out)} for the state started by "
                f"{describe(spec['initial'])}, of static shape {expected}: the lengths differ")
    return out


def _fit_update(var, expr):
    if not getattr(var, "is_shared", False):
        raise GraphlensTypeError(f"scan: fn returned an update of {var!r:.60}, which is not a "
                                 f"shared variable")
    expr = as_tensor_variable(expr)
    if expr.dtype != var.dtype and getattr(expr, "weak", False):
        expr = cast(expr, var.dtype)
    if expr.dtype != var.dtype or expr.ndim != var.ndim:
        raise GraphlensTypeError(f"scan: the update of {describe(var)} is {describe(expr)}; it "
                                 f"must keep dtype {var.dtype} and rank {var.ndim}")
    return expr


def _copy(var):
    """The step's own stand-in for an outer variable read whole (a non-sequence): a variable
    of its type (a sparse matrix stays sparse)."""
    return var.type(var.name)


def _tap_slice(spec, tap):
    """The outer sequence the step reads at `tap`, as Theano slices it."""
    var, taps = spec["input"], spec["taps"]
    low, high = min(min(taps), 0), max(max(taps), 0)
    start = tap - low
    if tap == high:
        return var[start:] if start else var
    return var[start:tap - high]


def _number_of_steps(n_steps, outer_sequences):
    lengths = [seq.shape[0] for seq in outer_sequences]
    if n_steps is not None:
        lengths.append(as_tensor_variable(n_steps) if isinstance(n_steps, Variable)
                       else constant(n_steps, dtype="int64"))
    if not lengths:
        raise ValueError("scan: without sequences, n_steps is needed to know how many steps "
                         "to run")
    steps = lengths[0]
    for length in lengths[1:]:
        steps = minimum(steps, length)
    if steps.dtype != "int64":
        steps = cast(steps, "int64")
    return steps


def _initial_buffer(spec):
    """The initial value as a buffer of earlier steps: h0 -> h0[None] for tap -1 only."""
    initial = spec["initial"]
    if not spec["buffered"]:
        return shape_padleft(initial)
    return initial[:-min(spec["taps"])]

