"""`function(inputs, outputs, givens=..., updates=...)`: a symbolic graph made callable.

>>> x = T.dscalar('x'); y = T.dscalar('y')
>>> f = function([x, y], x + y); float(f(2, 3))
5.0
"""

from __future__ import annotations

import dataclasses
import time

from graphlens.errors import (ArgumentError, DuplicateInputError, DuplicateUpdateError,
                              GraphlensTypeError, MissingInputError, UndefinedGradientError,
                              UnusedInputError, UpdateShapeError, describe)
from graphlens.errors import check_policy, creation_site, raise_or_warn
from graphlens.graph.basic import (Constant, Variable, ancestors, clone_graph, graph_inputs,
                                   toposort, toposort_and_roots)
from graphlens.graph.collector import paused_collector
from graphlens.graph.markers import is_undefined
from graphlens.graph.fg import FunctionGraph
from graphlens.graph.gradient_costs import costs_read_by
from graphlens.compile import cache as compile_cache
from graphlens.compile.destroy import check_destroyers
from graphlens.rewrite import registered
from graphlens.compile.mode import DebugMode, get_mode
from graphlens.compile.monitormode import MonitorMode
from graphlens.compile.profiling import profile_stats
from graphlens.graph.default_updates import default_update_pairs
from graphlens.compile.compiled import Function
from graphlens.compile.pickling import function_dump  # noqa: F401  (Theano's path, beside function)
from graphlens.compile.io import In, Out, argument_filter, as_input, keyed_outputs
from graphlens.compile.shared import SharedVariable
from graphlens.tensor.basic import cast
from graphlens.tensor.variable import as_tensor_variable
from graphlens.config import config


def function(inputs, outputs=None, mode=None, updates=None, givens=None,
             no_default_updates=False, accept_inplace=False, name=None, rebuild_strict=True,
             allow_input_downcast=None, profile=None, on_unused_input=None, *,
             nan_guard=False):
    """Compile `outputs` as a function of `inputs`.

    outputs: a variable (the call returns its value), a list, or a dict {name: variable}, as
    Theano's: the call returns a dict of the values, the outputs kept in the keys' order.

    givens: {variable: expression} substituted before compiling (shared variables included).
    updates: [(shared, expression)] computed from the values before the call and stored only
    after the whole call succeeded.
    nan_guard: stop at the first node producing NaN or Inf with a NaNError naming the op, its
    inputs' values and the line that built it (graphlens.trace.nan).
    no_default_updates: True skips the default updates of shared variables (a random stream's
    state, say: the same draws on every call); a list skips those variables' only.

    accept_inplace: compile a graph holding the user's own ops that overwrite an input
    (`destroy_map`); without it such a graph is refused, as in Theano (compile/destroy.py).

    profile: True (or a message, or a `ProfileStats`) times each call and each node;
    `f.profile.summary()` prints where the time went (compile/profiling.py). With
    `config.profile` on, every function is profiled and prints its summary at exit.

    The positional order and the other keywords are Theano's: with `rebuild_strict=False`
    givens may replace a variable by one of another dtype or rank, and the graph is rebuilt
    on it (by default they keep both).

    >>> state = shared(0); inc = T.lscalar('inc')
    >>> acc = function([inc], state, updates=[(state, state + inc)])
    """
    keys = None
    if isinstance(outputs, dict):
        keys, outputs = keyed_outputs(outputs)
    compiled = _compile(inputs, outputs, mode, updates, givens, no_default_updates,
                        accept_inplace, name, rebuild_strict, allow_input_downcast, profile,
                        on_unused_input, nan_guard=nan_guard)
    # Theano named an unnamed function after the line that compiled it (`f.name`).
    site = creation_site()
    compiled.compiled_at = f"{site[0]}:{site[1]}" if site else None
    # A function from the compile cache may be a twin of one returning another kind.
    if compiled.__dict__.get("output_keys") != keys:
        compiled.output_keys = keys
        compiled._build_call()
    return compiled


@paused_collector
def _compile(inputs, outputs=None, mode=None, updates=None, givens=None,
             no_default_updates=False, accept_inplace=False, name=None, rebuild_strict=True,
             allow_input_downcast=None, profile=None, on_unused_input=None, *,
             nan_guard=False):
    """`function` for outputs given as a variable or a list."""
    if on_unused_input is None:
        on_unused_input = config.on_unused_input
    stats = profile_stats(profile, name)
    started = time.perf_counter()
    check_policy("function", "on_unused_input", on_unused_input)
    ins = _normalize_inputs(inputs)
    single = outputs is not None and not isinstance(outputs, (list, tuple))
    output_items = [] if outputs is None else [
        o if isinstance(o, Out) else Out(o) for o in ([outputs] if single else outputs)]
    # Theano's In(x, value=..., update=...): the updates' values are computed as extra
    # outputs after the user's, and each call stores them as the inputs' defaults (io.py).
    output_items += [Out(item.update) for item in ins if item.update is not None]
    output_vars = [_as_output(o.variable) for o in output_items]
    update_pairs = _normalize_updates(updates)
    # The graph's roots, walked once for the default updates and for the check of the roots.
    given = output_vars + [expr for _, expr in update_pairs]
    # One walk gives the roots and, when nothing below changes the targets, the order.
    order, roots = toposort_and_roots(given)
    # As Theano, only the shared variables the function reads have their default updates
    # applied: the walk stops at an input computed from others (f = function([b], b) with
    # b = 2 * a does not read a) and at a variable replaced by givens (read its replacement).
    replace = _normalize_givens(givens, rebuild_strict)
    cut = [item.variable for item in ins if item.variable.owner is not None] + list(replace)
    read = roots
    if cut or replace:
        blocked = set(cut)
        read = [var for var in ancestors(given, blockers=blocked)
                if var.owner is None and var not in blocked]
        read += graph_inputs(list(replace.values()))
    defaults = _normalize_updates(default_update_pairs(given, update_pairs, no_default_updates,
                                                       read))
    if defaults:
        # What the default updates read comes after, as a walk of all the targets meets it.
        known = set(roots)
        roots += [var for var in graph_inputs([expr for _, expr in defaults])
                  if var not in known]
        update_pairs += defaults
        order = None
    for item in ins:
        if item.variable.owner is not None:
            # An input computed from other variables: cut the graph there.
            fresh = item.variable.clone()
            replace[item.variable] = fresh
            item.variable = fresh
    targets = output_vars + [expr for _, expr in update_pairs]
    if replace:
        order = None
        cloned_givens, _ = clone_graph(list(replace.values()))
        replace = dict(zip(replace.keys(), cloned_givens))
        before_outputs, _ = clone_graph(targets, replace=replace)
    else:
        # The graph as given is the "before" graph: a FunctionGraph never edits its nodes (only
        # the rewritten clone below is edited), so a copy would only double the objects the
        # garbage collector scans (a third of the compile time of a 10,000-node graph).
        before_outputs = list(targets)
    explicit = [item.variable for item in ins]
    if replace:
        roots = graph_inputs(before_outputs)
    shared_inputs = _check_roots(roots, explicit, on_unused_input,
                                 lambda: _read_by_gradient_costs(before_outputs, order))
    graph_ins = explicit + shared_inputs
    mode = get_mode(mode)
    nan_guard = nan_guard or mode.nan_guard
    options = dict(mode=mode, single=single, allow_input_downcast=allow_input_downcast,
                   name=name, nan_guard=nan_guard, registered_rules=registered.version)
    # The compile cache (compile/cache.py): the very same variables, then the same structure.
    # A profiled function is compiled afresh: its compile time is measured, and its timed
    # program is its own.
    # A function with In updates keeps its own In items (their defaults are its state): it is
    # compiled afresh, as a profiled one is.
    fresh = stats or any(item.update is not None for item in ins)
    same = None if replace or fresh else compile_cache.identity_key(
        targets, ins, output_items, update_pairs, **options)
    cached = compile_cache.lookup(same)
    if cached is not None:
        return compile_cache.reuse(cached, ins, output_items, update_pairs,
                                   (graph_ins, before_outputs), None, name)
    if order is None:
        order = toposort(before_outputs)
    given_up = check_destroyers(order, ins, shared_inputs, accept_inplace,
                                {var for var, _ in update_pairs})
    if given_up:
        # The user's own op overwrites these arguments: their arrays are its to write into.
        ins = [dataclasses.replace(item, mutable=True) if item.variable in given_up else item
               for item in ins]
    # The structure (compile/cache.py): its key is built only when a live function has a
    # graph of the same outline (node count, inputs, options); most compiles never build it.
    shape = None
    if not fresh:
        outline = compile_cache.outline_key(len(order), ins, output_items, update_pairs,
                                            shared_inputs, **options)
        cached, shape = compile_cache.find(outline, order, ins, output_items, update_pairs,
                                           shared_inputs)
    if cached is not None:
        reused = compile_cache.reuse(cached, ins, output_items, update_pairs,
                                     (graph_ins, before_outputs), order, name)
        # Compiling these very variables again shares its graph, as after a first compile.
        compile_cache.store(same, reused)
        return reused
    origins = {}
    optimized_outputs, _ = clone_graph(before_outputs, order=order, origins=origins)
    # The clone has the same structure, so its nodes, made in `order`, are its toposort.
    fgraph = FunctionGraph(graph_ins, optimized_outputs, order=list(origins))
    # In(x, mutable=True): the in-place rewrite may write into that argument's array, as
    # Theano's did (the caller gave the array up; rewrite/inplace.py).
    fgraph.mutable_inputs = frozenset(item.variable for item in ins if item.mutable)
    # The shared variables it updates: Theano's pfunc made them In(..., mutable=True), as their
    # old values are dead once the call ends. A sparse update (inc_subtensor(W[idx], g)) then
    # writes its rows into W's array instead of copying all of W every step; the rows are
    # kept until the call succeeds (graph/overwrites.py), and an argument or another shared
    # variable sharing W's memory is copied first (compile/io.py).
    fgraph.updated_shared = frozenset(var for var, _ in update_pairs)
    # Rewrites run on this clone; the map to the original nodes makes provenance exact.
    rewriting = time.perf_counter()
    log = mode.rewrite(fgraph, origins)
    linking = time.perf_counter()
    compiled = Function(ins, output_items, single, update_pairs, (graph_ins, before_outputs),
                        fgraph, log, shared_inputs, allow_input_downcast, name, nan_guard,
                        debug_mode=mode if isinstance(mode, DebugMode) else None, profile=stats,
                        monitor=mode if isinstance(mode, MonitorMode) else None)
    compiled.maker.mode = mode
    if stats:
        done = time.perf_counter()
        stats.optimizer_time += linking - rewriting
        stats.linker_time += done - linking
        stats.compile_time += done - started
        stats.nb_nodes = len(fgraph.apply_nodes)
    compile_cache.remember(shape, compiled)
    compile_cache.store(same, compiled)
    return compiled


def _normalize_inputs(inputs):
    if not isinstance(inputs, (list, tuple)):
        raise ArgumentError(f"function: inputs must be a list (even for one input), got "
                            f"{inputs!r:.60}: write function([x], ...)")
    items, seen = [], set()
    for position, item in enumerate(inputs):
        # Theano's shortcuts ((x, value), ((s, update), value), names first) become In's.
        item = as_input(item, position)
        var = item.variable
        if isinstance(var, Constant):
            raise GraphlensTypeError(f"function: input {position} is a constant ({var!r}); "
                                     f"constants cannot be inputs")
        if isinstance(var, SharedVariable):
            # Theano's words first: its users (and its tests) look for them.
            raise GraphlensTypeError(f"Cannot use a shared variable ({var.name}) as explicit "
                                     f"input: function input {position} is {describe(var)}; "
                                     f"shared variables are implicit inputs, leave it out (or "
                                     f"replace it with givens)")
        if var in seen:
            raise DuplicateInputError(f"function: input {describe(var)} is listed twice")
        seen.add(var)
        if item.value is not None:
            # Checked and converted once, as an argument would be (never strictly: a default
            # of 0.0 stands for a float64 scalar).
            check = argument_filter(dataclasses.replace(item, strict=False), None,
                                    f"the default value of {describe(var)}")
            item.value = check(item.value)
        items.append(item)
    # Implicit inputs are never arguments: they go last, so the arguments keep their positions.
    return [item for item in items if not item.implicit] + \
        [item for item in items if item.implicit]


def _as_output(value):
    # A variable of another type (a sparse matrix) is an output as it is.
    if isinstance(value, Variable) and hasattr(value.type, "filter"):
        return value
    try:
        return as_tensor_variable(value)
    except GraphlensTypeError as exc:
        raise GraphlensTypeError(f"function: an output must be a symbolic tensor: {exc}") from exc


def _pairs(mapping, what):
    if mapping is None:
        return []
    if isinstance(mapping, dict):
        return list(mapping.items())
    try:
        pairs = [tuple(pair) for pair in mapping]
    except TypeError as exc:
        raise GraphlensTypeError(f"function: {what} must be a dict or a list of pairs") from exc
    if any(len(pair) != 2 for pair in pairs):
        raise GraphlensTypeError(f"function: {what} must be (variable, expression) pairs")
    return pairs


def _normalize_updates(updates):
    result, seen = [], set()
    for variable, expression in _pairs(updates, "updates"):
        if not isinstance(variable, SharedVariable):
            raise GraphlensTypeError(f"function: updates must be given to shared variables; "
                                     f"{variable!r:.60} is not one")
        if variable in seen:
            raise DuplicateUpdateError(f"function: two updates for {describe(variable)}")
        seen.add(variable)
        expression = _same_kind(variable, expression, "the update of")
        if not getattr(variable.type, "array_values", True):
            result.append((variable, expression))      # its type fits: checked just above
            continue
        if getattr(expression, "weak", False) and expression.dtype != variable.dtype:
            expression = cast(expression, variable.dtype)
        if expression.dtype != variable.dtype or expression.ndim != variable.ndim:
            raise GraphlensTypeError(
                f"function: the update of {describe(variable)} is {describe(expression)}; it "
                f"must keep dtype {variable.dtype} and rank {variable.ndim}"
                + (f". Cast it: ({expression!r}).astype('{variable.dtype}')"
                   if expression.ndim == variable.ndim else ""))
        current = variable.get_value(borrow=True, return_internal_type=True).shape
        static = expression.type.shape
        if any(s is not None and s != c for s, c in zip(static, current)):
            raise UpdateShapeError(f"function: the update of {describe(variable)} has static "
                                   f"shape {expression.type}, but the variable holds shape "
                                   f"{current}")
        result.append((variable, expression))
    return result


def _same_kind(variable, expression, what):
    """`expression` as a variable of `variable`'s kind: numbers and arrays become tensors for a
    tensor; a type whose values are not arrays (a sparse matrix: `array_values` False) takes
    only a variable its type `fits` (same format and dtype), else an error naming both."""
    if getattr(variable.type, "array_values", True):
        return as_tensor_variable(expression)
    if isinstance(expression, Variable) and variable.type.fits(expression.type):
        return expression
    shown = describe(expression) if isinstance(expression, Variable) else repr(expression)
    raise GraphlensTypeError(f"function: {what} {describe(variable)} is {shown:.200}; it must "
                             f"be a {variable.type} too")


def _normalize_givens(givens, rebuild_strict=True):
    """{old: new} of `givens`, each new of the old one's dtype and rank; with Theano's
    rebuild_strict=False, of any tensor type: the graph is rebuilt on it (an ivector given an
    imatrix makes `x * y` a matrix)."""
    replace = {}
    for old, new in _pairs(givens, "givens"):
        if not isinstance(old, Variable):
            raise GraphlensTypeError(f"function: givens keys must be variables, got {old!r:.60}")
        new = _same_kind(old, new, "givens replace")
        if getattr(new, "weak", False) and new.dtype != old.type.dtype:
            new = cast(new, old.type.dtype)
        if rebuild_strict and (new.type.dtype != old.type.dtype
                               or new.type.ndim != old.type.ndim):
            raise GraphlensTypeError(f"function: givens replace {describe(old)} by "
                                     f"{describe(new)}: dtype and rank must be the same")
        replace[old] = new
    return replace


def _read_by_gradient_costs(outputs, order) -> set:
    """The inputs of the costs of the gradients in the graph of `outputs` (`order`, its nodes,
    when known): Theano's gradients read them through their seed, so they count as used."""
    nodes = order if order is not None else toposort(outputs)
    costs = costs_read_by([*outputs, *(out for node in nodes for out in node.outputs)])
    return set(graph_inputs(costs)) if costs else set()


def _check_roots(roots, explicit, on_unused_input, also_read=set):
    """The shared variables among `roots` (the graph's, in `graph_inputs` order); an error
    for a root that is none of an input, a shared variable or a constant. `also_read()`: the
    inputs the outputs count as reading without a path to them (a gradient's cost's inputs),
    asked only when an input is not among the roots."""
    explicit_set = set(explicit)
    shared, missing = [], []
    for var in roots:
        if isinstance(var, SharedVariable):
            shared.append(var)
        elif not isinstance(var, Constant) and var not in explicit_set:
            missing.append(var)
    undefined = [v for v in missing if is_undefined(v)]
    if undefined:
        # A gradient that does not exist, compiled: a TypeError, as Theano's NullType.
        raise UndefinedGradientError(
            f"function: an output is an undefined gradient, which has no value: "
            f"{undefined[0].type.reason or 'an op said its gradient does not exist'}")
    # Unused inputs first, as Theano checked them: function([s], x) is an UnusedInputError.
    used = set(roots)
    if any(var not in used for var in explicit):
        used |= also_read()
    for var in explicit:
        if var not in used:
            message = (f"function: input {describe(var)} is not used by any output. Pass "
                       f"on_unused_input='ignore' (or 'warn') if that is intended")
            raise_or_warn(on_unused_input, UnusedInputError, message)
    if missing:
        raise MissingInputError(
            f"function: an output depends on {describe(missing[0])}, which is not among the "
            f"inputs. Add it to the inputs list, or replace it with givens"
            + (f" ({len(missing) - 1} more missing)" if len(missing) > 1 else ""))
    return shared




def Param(variable, default=None, name=None, borrow=False):
    """Theano's older name for an input with options: `Param(x, default=1.0)` is
    `In(x, value=1.0)`.

    >>> f = function([x, Param(y, default=1.0)], x + y)      # doctest: +SKIP
    """
    return In(variable, value=default, name=name, borrow=borrow)
