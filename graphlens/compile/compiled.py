"""`Function`: what `function(...)` returns, a compiled graph called with values.

It binds arguments (positionally or by name, defaults and kept states), runs the evaluator,
returns the results (copies where they would alias each other or a root's storage), and gives
Theano's views of itself: `f[x]`, `f.value`, `f.container`, `f.maker`, `f.copy()`, `f.fn()`.
`compile/function.py` builds it.

>>> f = function([x], x * 2); f(3.0)                              # doctest: +SKIP
array(6.)
"""

from __future__ import annotations

import dataclasses
import operator
from dataclasses import dataclass

import numpy as np

from graphlens.errors import ArgumentError, describe
from graphlens.graph.basic import Variable
from graphlens.graph.fg import FunctionGraph
from graphlens.graph.provenance import origin_of
from graphlens.compile.hooks import call_wrapper, perform_wrapper
from graphlens.compile.function_copy import copy_function
from graphlens.compile.input_access import InputContainers, InputValues, is_key_of
from graphlens.compile.destroy import overwritten_inputs
from graphlens.compile.io import (In, argument_filter, lending_states, returning_dict,
                                  storing_input_updates, unaliasing_mutable_arguments,
                                  unaliasing_overwritten_shared)
from graphlens.compile.shared import update_locks
from graphlens.compile.straight import straight_call
from graphlens.compile.vm import VM


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
        # The shared variables the program writes into (updated ones, in place; their graph
        # inputs follow the function's own, in order). A copy without updates runs the same
        # program: it reads those values as copies (compile/straight.py), changing none.
        overwritten = overwritten_inputs(self.fgraph)
        own, updated = len(self.inputs), {var for var, _ in self.updates}
        written = {var for k, var in enumerate(self.shared_inputs)
                   if self.fgraph.inputs[own + k] in overwritten}
        self._updated_in_place = written & updated
        self._read_as_copies = written - updated
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
        if self._updated_in_place:
            self._call = unaliasing_overwritten_shared(self, self._updated_in_place, self._call)
        if self.__dict__.get("output_keys"):           # function(inputs, {key: output})
            self._call = returning_dict(self, self._call)

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
        if "name" in state:             # pickled before `name` became a property
            state["_name"] = state.pop("name")
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
            if is_key_of(key, item.variable, item.name):
                return position
        shown = describe(key) if isinstance(key, Variable) else repr(key)
        raise ArgumentError(f"{self._title()} has no input {shown}; inputs: "
                            f"{self._signature()}")

    # Theano's default name: the file:line that compiled the function (`function` sets it);
    # graphlens's messages still say "the function" for an unnamed one.
    _name = None
    compiled_at = None

    @property
    def name(self):
        """The name given to `function`, else Theano's default: `'/path/model.py:14'`, the
        line that compiled it.

        >>> function([x], x + 1).name                  # doctest: +SKIP
        '/home/me/model.py:14'
        """
        return self._name if self._name is not None else self.compiled_at

    @name.setter
    def name(self, value):
        self._name = value

    @property
    def given_name(self):
        """The name the user gave (`function(name=...)`, `f.name = ...`), or None: what
        graphlens's pictures and messages call the function (Theano's default name aside)."""
        return self._name

    def _title(self):
        return f"function {self.given_name!r}" if self.given_name else "the function"

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

    def __copy__(self):
        # Theano's: copy.copy(f) is f.copy(), a function with input state of its own.
        return self.copy()

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
    argument, `expanded_inputs` those and then one implicit `In` per shared variable read,
    `mode` the Mode compiled with."""

    fgraph: FunctionGraph
    inputs: list
    shared_inputs: list = dataclasses.field(default_factory=list)
    # The Mode it was compiled with (Theano's `f.maker.mode`): `function` sets it.
    mode: object = None

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
