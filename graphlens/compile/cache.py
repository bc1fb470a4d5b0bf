"""The compile cache: compiling a graph of the same structure again reuses the rewritten graph.

The key is the graph's structure, read in topological order: each node's op (ops compare by
their props) and where each input comes from (an earlier node's output, an explicit input by
position, a shared variable by identity, a constant by value), every variable's type, name and
the user's line that built it (so error messages and pictures name the same lines), then the
outputs, the updates, the inputs' options, the mode and the flags compiling reads. Rebuilding
a model with the same code, or compiling the same variables twice, gives the same key.
The key is built only when it can find something: a function is remembered under its graph's
outline (the number of nodes, the inputs, outputs, updates and options: no walk), and a graph's
nodes are walked for its key only when a live function has the same outline (that function's
key is then built too, once). Most compiles meet no such function and never walk for a key.

A hit on the very same variables shares what never changes after compiling: the rewritten
graph and its evaluator's program (the evaluator keeps no values between calls). A hit on a
graph rebuilt alike (a model file run again) copies the rewritten graph onto the new inputs
instead: no rule runs, and the function's graphs hold the variables it was given, so names
and pictures match a first compile. Each function gets its own inputs,
outputs, updates, "before" graph (the one it was given) and its own RewriteLog (a copy whose
provenance leads to the nodes it was given). Shared variables are keyed by identity: two
functions on two different shared variables never share a graph. Entries are weak: the cache
holds a graph only while a function compiled from it is alive.

>>> f1 = function([x], T.exp(x)); f2 = function([x], T.exp(x))    # doctest: +SKIP
>>> f2.fgraph is f1.fgraph, f2.rewrite_log is f1.rewrite_log       # doctest: +SKIP
(True, False)
>>> y = T.dvector('x'); f3 = function([y], T.exp(y))                # doctest: +SKIP
>>> f3.fgraph.inputs == [y]                                        # doctest: +SKIP
True
"""

from __future__ import annotations

import copy
import dataclasses
import weakref

import numpy as np

from graphlens.config import config
from graphlens.graph.basic import Constant, clone_graph, toposort
from graphlens.graph.fg import FunctionGraph
from graphlens.graph.provenance import RewriteLog
from graphlens.compile.function_copy import shallow_copy

_ENTRIES = weakref.WeakValueDictionary()


def clear() -> None:
    """Forget every cached graph (functions already compiled keep working).

    >>> clear()
    """
    _ENTRIES.clear()


def identity_key(targets, ins, output_items, updates, **options):
    """A key for compiling the very same variables again, read without walking the graph: the
    identities of the outputs, update expressions and inputs, with every option. Graph nodes
    never change once built, so the same variables are the same graph. (The identities stay
    valid while the entry lives: its function holds every variable named here.)"""
    try:
        return _Key(("same", tuple(map(id, targets)),
                     tuple((id(item.variable), item.name, item.borrow, item.mutable,
                            _value_key(item.value))
                           for item in ins),
                     tuple(item.borrow for item in output_items),
                     tuple(id(var) for var, _ in updates), tuple(sorted(options.items())),
                     config.floatX))
    except TypeError:
        return None


def structure_key(order, ins, output_items, updates, shared_inputs, **options):
    """A hashable key of everything compiling reads, or None when something in the graph cannot
    be keyed (an op that cannot be hashed, a root of an unknown kind).

    `order` is the topological order of the nodes of the graph as given; `options` are the
    mode and flags (all hashable).

    >>> structure_key(toposort([y]), [In(x)], [Out(y)], [], [], mode=mode)   # doctest: +SKIP
    """
    outline = outline_key(len(order), ins, output_items, updates, shared_inputs, **options)
    return _Shape(outline, order, ins, output_items, updates, shared_inputs).key()


def outline_key(size, ins, output_items, updates, shared_inputs, **options):
    """The part of a structure key read without walking the graph, or None when it cannot be
    keyed: the number of nodes (`size`), the inputs (type, name, line, options, value), the
    outputs' borrow flags, the updated and shared variables (by identity), the mode and flags.

    Graphs of two structures may share an outline; a graph whose outline no live function has
    is compiled without building its structure key (`find`), which on a 44,000-node graph is
    a walk of 0.06 s.

    >>> outline_key(2, [In(x)], [Out(y)], [], [], mode=mode)                 # doctest: +SKIP
    """
    try:
        roots = tuple((item.variable.type, item.variable.name, item.variable.creation_site,
                       item.name, item.borrow, item.mutable, _value_key(item.value))
                      for item in ins)
        return _Key(("outline", size, roots, tuple(item.borrow for item in output_items),
                     tuple(id(var) for var, _ in updates), tuple(map(id, shared_inputs)),
                     tuple(sorted(options.items())), config.floatX))
    except TypeError:
        return None


_UNBUILT = object()    # a _Shape's key before it is built


class _Shape:
    """What a structure key reads besides its outline, held by a compiled function so that its
    key is built only when a graph of the same outline is compiled (then once)."""

    __slots__ = ("outline", "order", "inputs", "outputs", "updates", "shared_inputs", "_key")

    def __init__(self, outline, order, ins, output_items, updates, shared_inputs):
        self.outline, self.order = outline, order
        # The variables, not the In/Out items: an item may be edited after compiling (an
        # input's value); the outline already holds what the key reads of those.
        self.inputs = [item.variable for item in ins]
        self.outputs = [item.variable for item in output_items]
        self.updates, self.shared_inputs = list(updates), list(shared_inputs)
        self._key = _UNBUILT     # (None: the graph has no key)

    def key(self):
        """The structure key (built once), or None."""
        if self._key is _UNBUILT:
            self._key = None if self.outline is None else _nodes_key(self)
        return self._key


def _nodes_key(shape):
    """The structure key of `shape`: its outline, then its nodes in topological order."""
    slot = {}
    for position, var in enumerate(shape.inputs):
        slot[var] = ("input", position)
    for var in shape.shared_inputs:
        slot[var] = ("shared", id(var))
    # One flat list, not a tuple per node: [op, number of inputs, their refs..., then per
    # output its type, name and site]. A node's output is referred to by the node's number
    # (with its index when the node has several): a 100,000-node key is built in one pass.
    parts = []
    append, extend = parts.append, parts.extend
    signatures = {}
    get = slot.get
    try:
        for number, node in enumerate(shape.order):
            inputs = node.inputs
            append(node.op)
            append(len(inputs))
            for var in inputs:
                ref = get(var)
                if ref is None:
                    if var.owner is not None or not isinstance(var, Constant):
                        return None
                    ref = slot[var] = ("constant", _signature(var, signatures), var.name)
                append(ref)
            outputs = node.outputs
            if len(outputs) == 1:
                out = outputs[0]
                slot[out] = number
                extend((out.type, out.name, out.creation_site))
            else:
                append(-len(outputs))
                for out in outputs:
                    slot[out] = (number, out.index)
                    extend((out.type, out.name, out.creation_site))
        outputs = tuple(_ref(slot, var) for var in shape.outputs)
        update_refs = tuple(_ref(slot, expression) for _, expression in shape.updates)
        return _Key((shape.outline.parts, tuple(parts), outputs, update_refs))
    except (TypeError, _Unkeyed):
        return None     # an op with unhashable props, an output of an unknown kind


def find(outline, order, ins, output_items, updates, shared_inputs):
    """(the live function compiled from a graph of this structure or None, the new graph's
    `_Shape`). The graph's nodes are walked for its key only when a live function has the
    same outline (its own key is then built too, once, and it is remembered under it).

    >>> cached, shape = find(outline, order, ins, outs, [], [])          # doctest: +SKIP
    """
    shape = _Shape(outline, order, ins, output_items, updates, shared_inputs)
    candidate = lookup(outline)
    if candidate is None:
        return None, shape
    known = getattr(candidate, "_shape", None)
    if known is not None:
        # Under its own key too, before another function of this outline takes the slot.
        store(known.key(), candidate)
    return lookup(shape.key()), shape


def remember(shape, function) -> None:
    """Remember `function`, compiled from the graph `shape` describes, under its outline (and
    its structure key when that was built): `find` meets it there.

    >>> remember(shape, f); find(outline, order, ins, outs, [], [])[0] is f   # doctest: +SKIP
    True
    """
    if shape is None or shape.outline is None:
        return
    function._shape = shape
    store(shape.outline, function)
    if shape._key is not _UNBUILT:
        store(shape._key, function)


def _signature(constant, signatures):
    """`constant.signature()`, computed once per data array (literals share theirs)."""
    key = (id(constant.data), type(constant), getattr(constant, "weak", None), constant.type)
    found = signatures.get(key)
    if found is None:
        found = signatures[key] = constant.signature()
    return found


class _Key:
    """A structure key with its hash computed once: a tuple's hash is not cached, and a
    100,000-node key hashed at every dictionary lookup would cost a walk each time."""

    __slots__ = ("parts", "_hash")

    def __init__(self, parts):
        self.parts = parts
        self._hash = hash(parts)

    def __hash__(self):
        return self._hash

    def __eq__(self, other):
        return (isinstance(other, _Key) and self._hash == other._hash
                and self.parts == other.parts)


class _Unkeyed(Exception):
    """Something of the graph has no key."""


def _ref(slot, var):
    ref = slot.get(var)
    if ref is None:
        if not isinstance(var, Constant):
            raise _Unkeyed
        ref = ("constant", var.signature(), var.name)
    return ref


def _value_key(value):
    if value is None:
        return None
    array = np.asarray(value)
    return (array.dtype.str, array.shape, array.tobytes())


def lookup(key):
    """The live function compiled under `key`, or None: `lookup(None)` is None."""
    return None if key is None else _ENTRIES.get(key)


def store(key, function) -> None:
    """Remember `function` under `key` (weakly); a None key is not stored.

    >>> store(key, f); lookup(key) is f                       # doctest: +SKIP
    True
    """
    if key is not None:
        _ENTRIES[key] = function


def reuse(cached, ins, output_items, updates, before, order, name):
    """A function like `cached` for a graph of the same structure: its own inputs, outputs,
    updates, before graph and RewriteLog. `order` is the new graph's topological order, or
    None when it is the very graph `cached` was given: then the rewritten graph and program
    are shared; else the rewritten graph is copied onto the new inputs (no rule runs again),
    so the function's graphs, names and pictures read the variables it was given.

    >>> reuse(f1, ins, outs, [], (inputs, outputs), toposort(outputs), None)   # doctest: +SKIP
    """
    function = shallow_copy(cached)
    # The cached function's graph outline is its own (the copy is stored under no key).
    function.__dict__.pop("_shape", None)
    function.inputs = ins
    function.outputs = output_items
    function.updates = updates
    function.name = name
    function._fgraph_before = before
    log = cached.rewrite_log
    initial = dict(log.initial)
    records = list(log.records)
    if order is not None:
        # Provenance leads to the nodes this function was given, at the same positions.
        # (The cached function's own order of its graph as given, kept by `remember`.)
        given = cached._shape.order if cached._shape is not None else \
            toposort(cached._before_outputs())
        now = dict(zip(given, order))
        initial = {clone: now.get(original, original) for clone, original in initial.items()}
        fgraph, nodes, variables = _copied_onto(cached.fgraph, before[0])
        initial = {nodes.get(clone, clone): original for clone, original in initial.items()}
        records = [_remapped(record, nodes, variables) for record in records]
        function.fgraph = fgraph
        # Made as every function makes its evaluator, with the hooks and monitor it has.
        function.vm = function._make_vm([item.variable for item in ins] + cached.shared_inputs)
    else:
        function.vm = copy.copy(cached.vm)
    function.maker = type(cached.maker)(function.fgraph, ins, cached.maker.shared_inputs)
    function.rewrite_log = RewriteLog(records=records, initial=initial)
    # Its own argument labels, names, borrow flags, update locks and written call: the copy's
    # came from the function it shares a program with.
    function._set_interface()
    return function


def _copied_onto(fgraph, inputs):
    """The rewritten graph `fgraph` copied onto `inputs` (the new graph's, position by
    position): (the copy, {old node: new node}, {old variable: new variable})."""
    replace = dict(zip(fgraph.inputs, inputs))
    outputs, memo = clone_graph(fgraph.outputs, replace=replace)
    nodes = {old.owner: new.owner for old, new in memo.items()
             if old.owner is not None and new.owner is not None}
    # The same structure: the same order and schedule, node for node (not walked or
    # scheduled again: a third of a cache hit's time on a 10,000-node graph).
    copy = FunctionGraph(list(inputs), outputs, order=[nodes[node] for node in fgraph.toposort()],
                         schedule=[nodes[node] for node in fgraph.schedule()])
    return copy, nodes, memo


def _remapped(record, nodes, variables):
    """`record` naming the copied graph's nodes where it named the cached one's (nodes the
    rewrites removed on the way stay as they were: provenance only walks through them)."""
    def node(item):
        return nodes.get(item, item)
    return dataclasses.replace(
        record, removed=tuple(map(node, record.removed)), added=tuple(map(node, record.added)),
        matched=tuple(map(node, record.matched)),
        replaced=variables.get(record.replaced, record.replaced),
        by=variables.get(record.by, record.by))
