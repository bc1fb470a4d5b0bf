"""DebugMode's checks (`function(..., mode='DebugMode')`; the mode is compile/mode.py's).

Each call of a DebugMode function is checked twice over:

- Before the call, every variable the rewrites touched is computed on the call's inputs by a
  careful evaluator (`Reference`: each node once, on copies of its inputs), and each
  rewrite's replacement is compared with what it replaced. The first that differs raises
  BadOptimization naming the rule, where it is written, both expressions and the user's line.
- During the call, each node runs through `checked_perform`: an input it changed without
  declaring it (BadDestroyMap), an output sharing memory with an input it did not declare
  (BadViewMap), a value that does not fit its type or is not finite (InvalidValueError), and a
  value different from the careful evaluator's (BadThunkOutput) are raised at that node.

Values are compared as Theano's DebugMode did, within the dtype's tolerance (float64: rtol
1e-5, atol 1e-8). Where the replaced expression gave NaN or Inf and its replacement a finite
number, the replacement is accepted: that is what stability rewrites are for.

>>> f = function([x], T.log(1 + T.exp(x)), mode='DebugMode')          # doctest: +SKIP
>>> f(np.array([800.0]))                    # softplus replaced log(1 + exp(x)): accepted
array([800.])
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass

import numpy as np

from graphlens.compile.debugmode import (BadDestroyMap, BadOptimization, BadThunkOutput,
                                         BadViewMap, InvalidValueError)
from graphlens.compile.hooks import plug_call_wrapper, plug_perform_wrapper
from graphlens.errors import where
from graphlens.graph.basic import Constant
from graphlens.graph.fg import OUTPUT
from graphlens.tensor.elemwise import DimShuffle, Elemwise
from graphlens.trace.naming import short_expression
from graphlens.trace.nan import is_finite, non_finite_origin

# (rtol, atol) per float dtype, as Theano's DebugMode compared values.
TOLERANCES = {"float16": (1e-2, 5e-3), "float32": (1e-3, 1e-5), "complex64": (1e-3, 1e-5)}
DEFAULT_TOLERANCE = (1e-5, 1e-8)


@dataclass
class _Run:
    """What the node checks of one call read: the careful values and the call's options."""

    reference: "Reference"
    nodes: frozenset           # the function's own nodes (an inner loop's are not compared)
    check_isfinite: bool
    clients: dict = None       # the function's graph's readers of each variable

    def only_returned(self, var) -> bool:
        """True when `var` is one of the function's results or read by no node: nothing can
        overwrite it in place, so another value may share its memory (Theano's rule)."""
        readers = self.clients.get(var, ()) if self.clients is not None else [None]
        return not readers or any(reader[0] == OUTPUT for reader in readers)


# The call being checked, for the node wrappers (set by the checked call around the program).
_CURRENT = contextvars.ContextVar("graphlens_debug_run", default=None)


class _Unknown(Exception):
    """A variable computed from a root that is not among the function's inputs (a loop's
    inner variable): it has no value on this call."""


class Reference:
    """Values of variables on one call's inputs, computed carefully: each node once, on
    copies of its inputs, nodes found by walking back from what is asked for.

    >>> Reference(f.fgraph, [np.ones(3)]).value(some_variable)        # doctest: +SKIP
    """

    def __init__(self, fgraph, input_values):
        self.values = dict(zip(fgraph.inputs, input_values))

    def value(self, var):
        """The value of `var`; _Unknown if a root it depends on has none."""
        values = self.values
        stack = [var]
        while stack:
            top = stack[-1]
            if top in values:
                stack.pop()
                continue
            if isinstance(top, Constant):
                values[top] = top.data
                stack.pop()
                continue
            node = top.owner
            if node is None:
                raise _Unknown(top)
            needed = self._needed(node)
            missing = [inp for inp in needed if inp not in values]
            if missing:
                stack.extend(missing)
                continue
            self._run(node, needed)
            stack.pop()
        return values[var]

    def _needed(self, node) -> list:
        """The inputs `node` reads on this call: all of them, but for a lazy op (ifelse) its
        eager inputs and then only the branch they pick, as the evaluator does."""
        lazy = getattr(node.op, "lazy_inputs", ())
        if not lazy:
            return node.inputs
        eager = [var for i, var in enumerate(node.inputs) if i not in lazy]
        if any(var not in self.values for var in eager):
            return eager
        demanded = set(node.op.demand(node, [None if i in lazy else self.values[var]
                                             for i, var in enumerate(node.inputs)]))
        return [var for i, var in enumerate(node.inputs) if i not in lazy or i in demanded]

    def _run(self, node, needed):
        # Every input is a copy: an op that overwrites one without declaring it must not spoil
        # the values kept here (the compiled run reports it, as BadDestroyMap).
        read = set(map(id, needed))
        inputs = [_copy(self.values[var]) if id(var) in read else None
                  for var in node.inputs]
        node.op.prepare()
        # What was replaced may overflow where its replacement does not (log(1 + exp(x)) by
        # softplus): that is for the comparison to judge, not a warning to the user.
        with np.errstate(all="ignore"):
            results = node.op.perform(node, inputs)
        for out, result in zip(node.outputs, results):
            self.values[out] = result


def difference(a, b, dtype):
    """None when `a` and `b` agree within `dtype`'s tolerance (a non-finite `a` accepts any
    `b`), else a sentence saying where and by how much they differ."""
    # A sparse matrix (scipy's) is compared as its dense array.
    a, b = (np.asarray(v.toarray() if hasattr(v, "toarray") else v) for v in (a, b))
    if a.shape != b.shape:
        return f"the shapes differ: {a.shape} and {b.shape}"
    if a.dtype.kind in "fc" or b.dtype.kind in "fc":
        rtol, atol = TOLERANCES.get(str(dtype), DEFAULT_TOLERANCE)
        agree = np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=True)
        if a.dtype.kind in "fc":
            agree |= ~np.isfinite(a)
    else:
        agree = a == b
    if agree.all():
        return None
    bad = np.argwhere(~agree)
    index = tuple(int(i) for i in bad[0])
    gap = np.abs(a.astype(complex) - b.astype(complex))[~agree] if a.dtype.kind in "fc" else None
    largest = f", largest difference {float(np.nanmax(gap)):.6g}" if gap is not None else ""
    return (f"{len(bad)} of {a.size} values differ{largest}; at index {index} the first gives "
            f"{a[index]!r} and the second {b[index]!r}")


def check_rewrites(log, reference):
    """Raise BadOptimization at the first rewrite of `log` whose replacement computes other
    values than what it replaced, on the inputs `reference` was made with."""
    for record in log:
        old, new = record.replaced, record.by
        try:
            old_value = reference.value(old)
        except Exception:
            # Computed from a loop's inner inputs (_Unknown), or not computable on these
            # inputs (an ifelse branch not taken, x[n] past the end): the call never computes
            # it either, so there is nothing to compare.
            continue
        try:
            new_value = reference.value(new)
        except _Unknown:
            continue
        except Exception as exc:
            raise BadOptimization(
                f"{_rewrite_text(record)}\nwhich fails on this call's inputs where the "
                f"original computes: {type(exc).__name__}: {exc}",
                old_r=old, new_r=new, old_r_val=old_value, reason=record.rule) from exc
        gap = difference(old_value, new_value, getattr(old.type, "dtype", None))
        if gap is not None and not _nearer_exact(record, reference, old_value, new_value):
            raise BadOptimization(
                f"{_rewrite_text(record)}\nand they differ on this call: {gap}",
                old_r=old, new_r=new, old_r_val=old_value, new_r_val=new_value,
                reason=record.rule)


def _nearer_exact(record, reference, old_value, new_value) -> bool:
    """True when the replacement is at least as near the exact value as the original wherever
    the two disagree: a stability rewrite where the original rounds badly (log(1 - sigmoid(z))
    at z = 30 computes 1 - p as 9.4e-14 with a 0.1 % error; -softplus(z) is exact). The exact
    value is the replaced expression recomputed in extended precision (numpy's longdouble)
    from the values of what the rule read; False when that cannot be done."""
    precise = _precise_value(record, reference)
    if precise is None:
        return False
    old_array, new_array = np.asarray(old_value), np.asarray(new_value)
    if old_array.dtype.kind != "f" or old_array.shape != precise.shape:
        return False
    rtol, atol = TOLERANCES.get(str(old_array.dtype), DEFAULT_TOLERANCE)
    disagree = ~np.isclose(old_array, new_array, rtol=rtol, atol=atol, equal_nan=True)
    old_error = np.abs(old_array.astype(np.longdouble) - precise)[disagree]
    new_error = np.abs(new_array.astype(np.longdouble) - precise)[disagree]
    return bool(np.all(new_error <= old_error))


# How many elementwise nodes under a replaced variable are recomputed in extended precision.
MAX_PRECISE_NODES = 500


def _precise_value(record, reference):
    """The replaced variable recomputed in longdouble through the elementwise nodes under it
    (broadcasts included), from the float values of what they read (products, reductions,
    inputs); None when the cone is too big, a node has several outputs, or a value is not
    computable here."""
    owner = getattr(record.replaced, "owner", None)
    if owner is None or not _elementwise(owner):
        return None
    order, stack, seen = [], [(owner, False)], set()
    while stack:                          # the elementwise cone under the replaced variable
        node, done = stack.pop()
        if done:
            order.append(node)
            continue
        if node in seen:
            continue
        seen.add(node)
        if len(seen) > MAX_PRECISE_NODES:
            return None
        stack.append((node, True))
        stack.extend((var.owner, False) for var in node.inputs
                     if var.owner is not None and var.owner not in seen
                     and _elementwise(var.owner))
    values = {}
    try:
        with np.errstate(all="ignore"):
            for node in order:
                if len(node.outputs) != 1:
                    return None
                arguments = [values[var] if var in values else _extended(reference.value(var))
                             for var in node.inputs]
                result = node.op.impl(*arguments) if isinstance(node.op, Elemwise) else \
                    node.op.perform(node, arguments)[0]
                values[node.outputs[0]] = np.asarray(result)
    except Exception:
        return None
    return values[record.replaced]


def _elementwise(node) -> bool:
    """An elementwise op (its numpy function applies to longdouble) or a broadcast view."""
    return isinstance(node.op, (Elemwise, DimShuffle))


def _extended(value):
    """A float array as longdouble (exactly: every float64 is a longdouble); others as given."""
    array = np.asarray(value)
    return array.astype(np.longdouble) if array.dtype.kind == "f" else array


def _rewrite_text(record) -> str:
    """'DebugMode: rewrite R (file:line, phase P) replaced <old> by <new>', on three lines."""
    old, new = record.replaced, record.by
    return (f"DebugMode: rewrite {record.rule} ({record.location}, phase {record.phase}) "
            f"replaced\n  {short_expression(old)}   (built at {where(old)})\nby\n  "
            f"{short_expression(new)}")


def _copy(value):
    if isinstance(value, np.ndarray):
        return np.array(value, copy=True)
    return value.copy() if hasattr(value, "toarray") else value      # a scipy.sparse matrix


def _unchanged(before, after) -> bool:
    if not isinstance(before, np.ndarray):
        return True
    return before.shape == after.shape and bool(
        np.array_equal(before, after, equal_nan=before.dtype.kind in "fc"))


def _shares(a, b) -> bool:
    if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)) or not a.size:
        return False
    if not np.may_share_memory(a, b):
        return False
    try:
        return bool(np.shares_memory(a, b, max_work=100_000))
    except np.exceptions.TooHardError:
        return True


def _misfit(var, value):
    """What about `value` does not fit `var`'s tensor type, or None."""
    kind = var.type
    if not hasattr(kind, "dtype") or not isinstance(value, (np.ndarray, np.generic)):
        return None
    value = np.asarray(value)
    if str(value.dtype) != kind.dtype:
        return f"its dtype is {value.dtype}, the variable's {kind.dtype}"
    if value.ndim != kind.ndim:
        return f"it has {value.ndim} axes, the variable {kind.ndim}"
    declared = getattr(kind, "shape", None) or ()
    for axis, (length, want) in enumerate(zip(value.shape, declared)):
        if want is not None and length != want:
            return f"axis {axis} has length {length}, declared {want}"
    return None


def checked_perform(node):
    """`node.op.perform` run with DebugMode's checks around it (the evaluator's hook)."""
    perform = node.op.perform
    op = node.op
    destroyed = {i for positions in op.destroy_map.values() for i in positions}
    may_alias = {out: set(op.view_map.get(out, ())) | set(op.destroy_map.get(out, ()))
                 for out in range(len(node.outputs))}
    label = op.label

    def run(node, inputs):
        # What the op read, kept: compared after it ran (an undeclared overwrite) and given to
        # the non-finite report (the values it computed from).
        read = [_copy(value) for value in inputs]
        results = perform(node, inputs)
        for position, (before, after) in enumerate(zip(read, inputs)):
            if position not in destroyed and not _unchanged(before, after):
                raise BadDestroyMap(
                    f"DebugMode: {label} (built at {where(node.outputs[0])}) changed its input "
                    f"{position}, {short_expression(node.inputs[position])}, which its "
                    f"destroy_map does not declare: other ops reading that value would see "
                    f"the change", node=node, idx=position, old_val=before, new_val=after)
        for out, result in enumerate(results):
            for position, value in enumerate(inputs):
                if position not in may_alias[out] and _shares(result, value):
                    raise BadViewMap(
                        f"DebugMode: output {out} of {label} (built at "
                        f"{where(node.outputs[0])}) shares memory with its input {position}, "
                        f"{short_expression(node.inputs[position])}, which its view_map does "
                        f"not declare", node=node, output_idx=out, in_alias_idx=position)
        # Two outputs of one array (r[:-1] and r[1:]) are views of each other: a later op
        # overwriting one in place would change the other. Views of one declared input may
        # share memory, and so may an output nothing reads further, or a function result.
        state = _CURRENT.get()
        for out, result in enumerate(results):
            for other in range(out):
                if not (may_alias[out] & may_alias[other]) and _shares(result, results[other]) \
                        and not (state is not None and (
                            state.only_returned(node.outputs[out])
                            or state.only_returned(node.outputs[other]))):
                    raise BadViewMap(
                        f"DebugMode: outputs {other} and {out} of {label} (built at "
                        f"{where(node.outputs[0])}) share memory, which its view_map does not "
                        f"declare", node=node, output_idx=out, out_alias_idx=other)
        for var, result in zip(node.outputs, results):
            _check_value(var, result, state, label)
        if (state is None or state.check_isfinite) and not all(map(is_finite, results)):
            # The NaN guard's report: the op that made them (the one inside a fused node),
            # its inputs' values and the line that built it.
            origin = non_finite_origin(node, read, results)
            raise InvalidValueError(f"DebugMode: {str(origin).removeprefix('NaN guard: ')}",
                                    r=node.outputs[0], v=results[0], hint="non-finite")
        if state is not None and node in state.nodes:
            for var, result in zip(node.outputs, results):
                _check_against_reference(var, result, state, label)
        return results
    return run


def _check_value(var, result, state, label):
    misfit = _misfit(var, result)
    if misfit is not None:
        raise InvalidValueError(
            f"DebugMode: {label} computed a value for {short_expression(var)} (built at "
            f"{where(var)}) that does not fit: {misfit}", r=var, v=result, hint=misfit)


def _check_against_reference(var, result, state, label):
    try:
        careful = state.reference.value(var)
    except _Unknown:
        return
    gap = difference(careful, result, getattr(var.type, "dtype", None))
    if gap is not None:
        raise BadThunkOutput(
            f"DebugMode: {label} computed {short_expression(var)} (built at {where(var)}) "
            f"differently in the compiled program than on intact inputs: an op before it "
            f"overwrote a value it reads ({gap})", r=var, val1=result, val2=careful)


def checked_call(function, call):
    """`call` of `function` (a DebugMode function) with every check of this module."""
    mode = function.debug_mode

    def checked(*args, **kwargs):
        values = function._bind(args, kwargs)
        shared = [var.get_value(borrow=True, return_internal_type=True)
                  for var in function.shared_inputs]
        reference = Reference(function.fgraph, values + shared)
        check_rewrites(function.rewrite_log, reference)
        token = _CURRENT.set(_Run(reference, frozenset(function.fgraph.apply_nodes),
                                  mode.check_isfinite, function.fgraph.clients))
        try:
            return call(*values)
        finally:
            _CURRENT.reset(token)
    return checked


# A DebugMode function's evaluator and call run these (compile/hooks.py).
plug_perform_wrapper("debug_mode", checked_perform)
plug_call_wrapper("debug_mode", checked_call)
