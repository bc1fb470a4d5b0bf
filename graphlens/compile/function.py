"""`function(inputs, outputs, givens=..., updates=...)`: a symbolic graph made callable.

>>> x = T.dscalar('x'); y = T.dscalar('y')
>>> f = function([x, y], x + y); float(f(2, 3))
5.0
"""

from __future__ import annotations

import dataclasses
import operator
import time
from dataclasses import dataclass

import numpy as np

from graphlens.errors import (ArgumentError, DuplicateInputError, DuplicateUpdateError,
                              GraphlensTypeError, MissingInputError, UndefinedGradientError,
                              UnusedInputError, UpdateShapeError, describe)
from graphlens.errors import check_policy, raise_or_warn
from graphlens.graph.basic import (Constant, Variable, ancestors, clone_graph, graph_inputs,
                                   toposort, toposort_and_roots)
from graphlens.graph.collector import paused_collector
from graphlens.graph.markers import is_undefined
from graphlens.graph.fg import FunctionGraph
from graphlens.graph.provenance import origin_of
from graphlens.compile import cache as compile_cache
from graphlens.compile.destroy import check_destroyers
from graphlens.rewrite import registered
from graphlens.compile.hooks import call_wrapper, perform_wrapper
from graphlens.compile.mode import DebugMode, get_mode
from graphlens.compile.monitormode import MonitorMode
from graphlens.compile.profiling import profile_stats
from graphlens.graph.default_updates import default_update_pairs
from graphlens.compile.function_copy import copy_function
from graphlens.compile.input_access import InputContainers, InputValues
from graphlens.compile.pickling import function_dump  # noqa: F401  (Theano's path, beside function)
from graphlens.compile.io import (In, Out, argument_filter, as_input, lending_states,
                                  storing_input_updates, unaliasing_mutable_arguments)
from graphlens.compile.shared import SharedVariable, update_locks
from graphlens.compile.straight import straight_call
from graphlens.compile.vm import VM
from graphlens.tensor.basic import cast
from graphlens.tensor.variable import as_tensor_variable
from graphlens.config import config


_NO_DEFAULT = object()



class Function:
    """A compiled function; call it with values for its inputs, positionally or by name."""

    profile = None      # a ProfileStats when compiled with profile=... (compile/profiling.py)
    _hook = None        # the evaluator hook's name: 'nan_guard', 'debug_mode' (compile/hooks.py)
    monitor = None      # a MonitorMode whose functions run around every node
    _shape = None       # what the compile cache reads of the graph given (compile/cache.py)

    def __init__(self, inputs, outputs, single_output, updates, fgraph_before, fgraph, log,
                 shared_inputs, allow_input_downcast, name, nan_guard=False, debug_mode=None,
                 profile=None, monitor=None):
        self.inputs = inputs
        # The user gets one value, not a list (the written call may still return a list:
        # `single_output`).
        self.single_result = single_output
        self.updates = updates
        # The graph as given: a FunctionGraph, or (inputs, outputs) to make one from when first
        # asked (pictures, provenance); compiling itself never needs its client map.
        self._fgraph_before = fgraph_before
        self.fgraph = fgraph
        self.rewrite_log = log
        self.shared_inputs = shared_inputs
        self.allow_input_downcast = allow_input_downcast
        self.name = name
        self.maker = _Maker(fgraph, inputs, shared_inputs)
        self.outputs = outputs
        # A DebugMode (trace/debugmode.py) checks each node as it runs and each call as a whole.
        self.debug_mode = debug_mode
        self._hook = "debug_mode" if debug_mode is not None else "nan_guard" if nan_guard else None
        # Theano's `f.profile`: the ProfileStats timing this function's calls and nodes.
        self.profile = profile
        # A MonitorMode (compile/monitormode.py): the user's functions around every node.
        self.monitor = monitor
        self.vm = self._make_vm([i.variable for i in inputs] + shared_inputs)
        self._set_interface()

    @property
    def input_updates(self) -> list:
        """The inputs given In(..., update=...): their updates are the last outputs, and a
        call stores them as the inputs' defaults (compile/io.py); the user sees the others."""
        return [item for item in self.inputs if item.update is not None]

    @property
    def single_output(self) -> bool:
        """True when the written call returns one value: one output and no In updates."""
        return self.single_result and not self.input_updates

    def _make_vm(self, input_vars):
        """The evaluator of this function's graph, each perform wrapped by its hook (the NaN
        guard, DebugMode) and timed by its profile, when it has them."""
        wrap = perform_wrapper(self._hook) if self._hook else None
        if self.monitor is not None:
            wrap = self.monitor.monitored(wrap)
        if self.profile is not None:
            wrap = self.profile.timed(wrap)
        return VM(self.fgraph, input_vars, self.fgraph.outputs, wrap_perform=wrap)

    def _set_interface(self):
        """What a call reads besides the program, from this function's own inputs, outputs and
        updates; then the call itself. Run again by the compile cache on a function that
        shares another's program (compile/cache.py)."""
        inputs, outputs = self.inputs, self.outputs
        n_outputs = len(outputs)
        self._n_outputs = n_outputs
        # A call with updates is atomic for the variables it updates: concurrent calls (threads)
        # never lose an update. Calls without updates take no lock and run side by side.
        self._update_locks = update_locks(self.updates)
        aliased = [_may_alias_root(var) for var in self.fgraph.outputs]
        # Results that may share one computed array (an output that is also an update's new
        # value, updates from x[:1] and x) are copied but the first, as Theano's deep copies:
        # the caller may write into a returned array, and shared variables never alias.
        first_of_base = {}
        for k, var in enumerate(self.fgraph.outputs):
            if first_of_base.setdefault(_view_base(var), k) != k:
                aliased[k] = True
        self._copy_output = [alias and not (k < n_outputs and outputs[k].borrow)
                             for k, alias in enumerate(aliased)]
        # Descriptions for argument errors, made once: a call must not pay for its error text.
        self._arg_labels = [f"argument {position} for {describe(item.variable)}"
                            for position, item in enumerate(inputs)]

        self._by_name = {}
        for position, item in enumerate(inputs):
            if item.name and not item.implicit:
                self._by_name.setdefault(item.name, position)
        # Implicit inputs come last (function() puts them there) and are never arguments.
        self._n_arguments = sum(1 for item in inputs if not item.implicit)
        self._build_call()

    # Everything a call does is one function written for this graph (compile/straight.py):
    # argument checks, the program, copies of aliased outputs and the updates, under the
    # updated variables' locks. `f(...)` calls it with no frame of its own in between: Python
    # finds `__call__` on the class, and this property hands over the instance's function.
    __call__ = property(operator.attrgetter("_call"),
                        doc="Call the function: `f(x_value, y_value)` or by input name.")

    @property
    def fgraph_before(self) -> FunctionGraph:
        """The graph as given to `function` (givens applied), before any rewrite."""
        if not isinstance(self._fgraph_before, FunctionGraph):
            self._fgraph_before = FunctionGraph(*self._fgraph_before)
        return self._fgraph_before

    def _before_outputs(self) -> list:
        before = self._fgraph_before
        return before.outputs if isinstance(before, FunctionGraph) else before[1]

    def _build_call(self):
        """Write the call for the current evaluator, shared variables and updates; run again
        after changing any of them (`copy`, a profiler's timed program)."""
        # Each argument's check, as its In's options say (closures: made again on unpickling).
        self._filters = [argument_filter(item, self.allow_input_downcast, label)
                         for item, label in zip(self.inputs, self._arg_labels)]
        self._call = straight_call(self)
        if self.debug_mode is not None:
            self._call = call_wrapper("debug_mode")(self, self._call)
        if self.profile is not None:
            self._call = self.profile.timed_call(self._call)
        if self.input_updates:
            self._call = storing_input_updates(self, self._call)
        if self.__dict__.get("_lent_states"):
            self._call = lending_states(self, self._call)
        if len(self.inputs) > 1 and any(item.mutable for item in self.inputs):
            self._call = unaliasing_mutable_arguments(self, self._call)

    def __getstate__(self):
        # The written-out call is code made in this process: a pickle (or deepcopy) carries
        # the graph and evaluator, and the call is written again where it is loaded.
        # Locks do not pickle either: the updated variables' own (new) locks are taken again.
        state = dict(self.__dict__)
        del state["_call"]
        del state["_filters"]
        state.pop("_update_locks", None)
        # What the compile cache reads of the graph (compile/cache.py): a loaded function is
        # in no cache.
        state.pop("_shape", None)
        if self.vm.wrap_perform is not None:
            # Wrapped performs are closures made here: the evaluator is made again on load
            # (how many outputs it returns kept: a copy without updates returns fewer).
            state["vm"] = len(self.vm.output_positions)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        if isinstance(self.vm, int):
            count, self.vm = self.vm, self._make_vm(list(self.fgraph.inputs))
            if count < len(self.vm.output_positions):
                self.vm.keep_outputs(count)
        self._update_locks = update_locks(self.updates)
        self._build_call()

    def _bind(self, args, kwargs):
        if not kwargs and len(args) == len(self.inputs) == self._n_arguments:
            # every argument, by position
            return [check(value) for check, value in zip(self._filters, args)]
        if len(args) > self._n_arguments:
            raise ArgumentError(f"{self._title()} takes {self._n_arguments} arguments "
                                f"({self._signature()}), got {len(args)}")
        values = list(args) + [_NO_DEFAULT] * (len(self.inputs) - len(args))
        for key, value in kwargs.items():
            if key not in self._by_name:
                raise ArgumentError(f"{self._title()} has no input named {key!r}; inputs: "
                                    f"{self._signature()}")
            position = self._by_name[key]
            if values[position] is not _NO_DEFAULT:
                raise ArgumentError(f"{self._title()} got two values for input {key!r}")
            values[position] = value
        converted = []
        for position, (item, value) in enumerate(zip(self.inputs, values)):
            if value is _NO_DEFAULT:
                if item.value is None:
                    raise ArgumentError(f"{self._title()} is missing a value for input "
                                        f"{position} ({describe(item.variable)}); it takes "
                                        f"({self._signature()})")
                value = item.value
            converted.append(self._filters[position](value))
        return converted

    def __getitem__(self, key):
        """Theano's `f[x]`: the value input `x` (a variable or its name) takes when a call gives
        none (its In's `value`, the state an In update keeps).

        >>> inc = function([u, In(s, value=10.0, update=s + u)], [])    # doctest: +SKIP
        >>> inc(5); inc[s]                                               # doctest: +SKIP
        array(15.)
        """
        position = self._input_position(key)
        item = self.inputs[position]
        kind = item.variable.type
        if hasattr(kind, "follow") and item.value is not None:
            # A RandomState input's state (random/raw.py), lent as one RandomState object, as
            # Theano's container held it: `f[rng].seed(5)` reseeds what the next call draws
            # from, and each call moves that object on.
            lent = self.__dict__.setdefault("_lent_states", {})
            if position not in lent:
                lent[position] = kind.user_value(kind.filter(item.value))
                self._build_call()
            return lent[position]
        return item.value

    @property
    def value(self):
        """Theano's `f.value[x]`, the same as `f[x]` (and `f.value[x] = v`)."""
        return InputValues(self)

    @property
    def container(self):
        """Theano's `f.container[x]`: `.value` (and `.storage[0]`) is `f[x]`; a shared variable
        gives its own container."""
        return InputContainers(self)

    def __setitem__(self, key, value):
        """Theano's `f[x] = value`: the value input `x` takes from now on when a call gives none."""
        position = self._input_position(key)
        self.inputs[position].value = self._filters[position](value)
        lent = self.__dict__.get("_lent_states", {})
        if hasattr(self.inputs[position].variable.type, "follow") and \
                isinstance(value, np.random.RandomState):
            lent[position] = value          # the function now draws from the user's object
            self._build_call()
        else:
            lent.pop(position, None)

    def _input_position(self, key):
        for position, item in enumerate(self.inputs):
            if item.variable is key or (isinstance(key, str) and item.name == key):
                return position
        shown = describe(key) if isinstance(key, Variable) else repr(key)
        raise ArgumentError(f"{self._title()} has no input {shown}; inputs: "
                            f"{self._signature()}")

    def _title(self):
        return f"function {self.name!r}" if self.name else "the function"

    def _signature(self):
        return ", ".join(f"{item.name or '<unnamed>'}: {item.variable.type}"
                         for item in self.inputs)

    def fn(self, n_calls=1):
        """Theano's `f.fn()`: a call with no arguments (each input takes its default, shared
        variables their values), updates included; `f.fn(n_calls=N)` makes N calls and returns
        the last one's results (Theano's fast loop for a function of shared variables).

        >>> step = function([], cost, updates=updates); step.fn(n_calls=100)  # doctest: +SKIP
        """
        if not isinstance(n_calls, (int, np.integer)) or n_calls < 1:
            raise ArgumentError(f"{self._title()}.fn: n_calls must be a positive int, got "
                                f"{n_calls!r}")
        for _ in range(n_calls - 1):
            self()
        return self()

    def copy(self, share_memory=False, swap=None, delete_updates=False, name=None,
             profile=None):
        """A copy of this function: `swap` ({old shared: new shared}) reads and updates other
        shared variables, `delete_updates=True` drops the updates (graphlens.compile.
        function_copy). `profile` is accepted for Theano's signature and ignored. As in
        Theano 1.0, the copy returns its outputs as a list, even of one.

        >>> f_eval = f_train.copy(delete_updates=True)                 # doctest: +SKIP
        """
        return copy_function(self, share_memory=share_memory, swap=swap,
                             delete_updates=delete_updates, name=name)

    def provenance(self, node):
        """Where a node (or variable) of the optimized graph `f.fgraph` came from: the rewrites
        that made it and the nodes of `f.fgraph_before` it descends from.

        >>> f = function([x], T.log(T.nnet.sigmoid(x)))
        >>> f.provenance(f.fgraph.outputs[0]).rules          # doctest: +SKIP
        ('log_sigmoid_to_softplus',)
        """
        return origin_of(node, self.rewrite_log)

    def __repr__(self):
        outs = ", ".join(repr(o) for o in self.fgraph_before.outputs[:self._n_outputs])
        return f"<graphlens function ({self._signature()}) -> {outs}>"

    def _repr_mimebundle_(self, include=None, exclude=None):
        """Jupyter: the optimized graph, coloured by the rewrites that made it, laid out once as
        the interactive viewer (text/html), a static SVG (image/svg+xml) and the `pp` formula."""
        from graphlens.render.jupyter import mimebundle
        return mimebundle(self, include, exclude)


@dataclass
class _Maker:
    """Theano's `f.maker`: `f.maker.fgraph` is the optimized graph, `inputs` the `In` of each
    argument, `expanded_inputs` those and then one implicit `In` per shared variable read."""

    fgraph: FunctionGraph
    inputs: list
    shared_inputs: list = dataclasses.field(default_factory=list)

    @property
    def expanded_inputs(self) -> list:
        """Theano's: the arguments' `In`, then each shared variable's, whose `value` is the
        variable's container (`value.data` reads and sets the held value, as Theano's).

        >>> [i.implicit for i in f.maker.expanded_inputs]    # doctest: +SKIP
        [False, True]
        """
        return list(self.inputs) + [In(var, value=var.container, implicit=True, shared=True)
                                    for var in self.shared_inputs]


def _view_base(var):
    """The variable whose array `var`'s value is, or is a view of (following view_map)."""
    while var.owner is not None:
        sources = getattr(var.owner.op, "view_map", {}).get(var.index)
        if not sources:
            return var
        var = var.owner.inputs[sources[0]]
    return var


def _may_alias_root(var) -> bool:
    """True if `var`'s value may be a root's storage (input, shared, constant) or a view of it."""
    while var.owner is not None:
        view_map = getattr(var.owner.op, "view_map", {})
        sources = view_map.get(var.index)
        if not sources:
            return False
        var = var.owner.inputs[sources[0]]
    return True


@paused_collector
def function(inputs, outputs=None, mode=None, updates=None, givens=None,
             no_default_updates=False, accept_inplace=False, name=None, rebuild_strict=True,
             allow_input_downcast=None, profile=None, on_unused_input=None, *,
             nan_guard=False):
    """Compile `outputs` as a function of `inputs`.

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
    shared_inputs = _check_roots(roots, explicit, on_unused_input)
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
    check_destroyers(order, ins, shared_inputs, accept_inplace)
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
    # Rewrites run on this clone; the map to the original nodes makes provenance exact.
    rewriting = time.perf_counter()
    log = mode.rewrite(fgraph, origins)
    linking = time.perf_counter()
    compiled = Function(ins, output_items, single, update_pairs, (graph_ins, before_outputs),
                        fgraph, log, shared_inputs, allow_input_downcast, name, nan_guard,
                        debug_mode=mode if isinstance(mode, DebugMode) else None, profile=stats,
                        monitor=mode if isinstance(mode, MonitorMode) else None)
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
        if not isinstance(var, Variable):
            raise GraphlensTypeError(f"function: input {position} must be a symbolic variable, "
                                     f"got {var!r:.60}")
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


def _check_roots(roots, explicit, on_unused_input):
    """The shared variables among `roots` (the graph's, in `graph_inputs` order); an error
    for a root that is none of an input, a shared variable or a constant."""
    explicit_set = set(explicit)
    shared, missing = [], []
    for var in roots:
        if isinstance(var, SharedVariable):
            shared.append(var)
        elif not isinstance(var, Constant) and var not in explicit_set:
            missing.append(var)
    if missing:
        var = missing[0]
        undefined = [v for v in missing if is_undefined(v)]
        if undefined:
            # A gradient that does not exist, compiled: a TypeError, as Theano's NullType.
            raise UndefinedGradientError(
                f"function: an output is an undefined gradient, which has no value: "
                f"{undefined[0].type.reason or 'an op said its gradient does not exist'}")
        raise MissingInputError(
            f"function: an output depends on {describe(var)}, which is not among the inputs. "
            f"Add it to the inputs list, or replace it with givens"
            + (f" ({len(missing) - 1} more missing)" if len(missing) > 1 else ""))
    used = set(roots)
    for var in explicit:
        if var not in used:
            message = (f"function: input {describe(var)} is not used by any output. Pass "
                       f"on_unused_input='ignore' (or 'warn') if that is intended")
            raise_or_warn(on_unused_input, UnusedInputError, message)
    return shared




def Param(variable, default=None, name=None, borrow=False):
    """Theano's older name for an input with options: `Param(x, default=1.0)` is
    `In(x, value=1.0)`.

    >>> f = function([x, Param(y, default=1.0)], x + y)      # doctest: +SKIP
    """
    return In(variable, value=default, name=name, borrow=borrow)
