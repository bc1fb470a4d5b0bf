"""Theano's `theano.gof.opt`: graph rewrites written by the user, as Theano code writes them.

A local optimizer looks at one node and returns what its outputs become (a list, one per
output, or a dict {old variable: new one}), or False to leave it; `local_optimizer(tracks)`
makes one from a function, `OpSub`, `OpRemove` and `PatternSub` from a description. Global
optimizers (`Optimizer.apply(fgraph)`) edit a FunctionGraph through
`fgraph.replace_validate`. `TopoOptimizer`/`in2out`/`out2in` run a local optimizer over a graph,
`EquilibriumOptimizer` runs several until none changes anything.

Run them on a FunctionGraph (`optimizer.optimize(fgraph)`, which edits it in place), or have
every compiled function run them: `graphlens.tensor.opt.register_canonicalize(lopt)` (and
`register_stabilize`, `register_specialize`, `graphlens.compile.optdb.register`). A registered
local optimizer's replacements are in the function's rewrite log, named after it and its line,
so pictures trace what it made.

Tracks are op classes (`[MyOp]`, `[graphlens.tensor.math.TrueDiv]`) or op instances, compared
with ==. graphlens's `T.mul`, `T.exp`, ... are functions, not op instances as in Theano: track
their classes (graphlens.tensor.math.Mul) instead.

>>> @local_optimizer([MyOp])
... def local_my_op_to_add(node):
...     return [node.inputs[0] + node.inputs[0]]
>>> register_canonicalize(local_my_op_to_add)                         # doctest: +SKIP
"""

from __future__ import annotations

import inspect
import warnings
from types import FunctionType

from graphlens.errors import GraphlensTypeError, short_path
from graphlens.gof.utils import MethodNotDefined
from graphlens.graph.basic import Variable
from graphlens.graph.op import Op
from graphlens.graph.provenance import RewriteLog
from graphlens.rewrite import registered
from graphlens.rewrite.db import Driver
from graphlens.rewrite.merge import merge as merge_rule
from graphlens.rewrite.pattern import Replacement, Rule

# How many passes EquilibriumOptimizer makes at most before it stops looking for a fixed point.
MAX_PASSES = 20


class Optimizer:
    """A rewrite of a whole FunctionGraph: subclass it and write `apply(fgraph)`, which edits
    the graph with `fgraph.replace_validate(old, new, reason=...)`."""

    def apply(self, fgraph):
        """Edit `fgraph` in place (subclasses write this)."""
        raise MethodNotDefined("apply", type(self), type(self).__name__)

    def optimize(self, fgraph, *args, **kwargs):
        """Attach what the optimizer needs, then apply it: what Theano code calls."""
        self.add_requirements(fgraph)
        return self.apply(fgraph, *args, **kwargs)

    def __call__(self, fgraph):
        return self.optimize(fgraph)

    def add_requirements(self, fgraph):
        """Attach the features this optimizer relies on (none are needed here)."""


class LocalOptimizer:
    """A rewrite of one node: subclass it and write `transform(node)` (and `tracks()`)."""

    def tracks(self):
        """The op classes or instances this optimizer looks at; None: every node."""
        return None

    def transform(self, node):
        """A list of replacements for node's outputs, a dict {old: new}, or False."""
        raise MethodNotDefined("transform", type(self), type(self).__name__)

    def transform_in(self, node, fgraph):
        """`transform(node)` for a node of `fgraph`: what the drivers call. Optimizers that
        read the graph around the node (clients) override this one; Theano's read none."""
        return self.transform(node)

    def add_requirements(self, fgraph):
        """Attach the features this optimizer relies on (none are needed here)."""

    @property
    def name(self) -> str:
        return getattr(self, "_name", None) or type(self).__name__


class FromFunctionLocalOptimizer(LocalOptimizer):
    """A local optimizer made by `local_optimizer` from a function of the node (Theano 1.0's
    `transform(node)`; PyTensor's `(fgraph, node)` is taken too)."""

    def __init__(self, fn, tracks=None, requirements=()):
        self.fn = fn
        self._tracks = list(tracks) if tracks is not None else None
        self.requirements = tuple(requirements)
        self._name = fn.__name__
        self._with_graph = len(inspect.signature(fn).parameters) >= 2
        self.__name__ = fn.__name__
        self.__doc__ = fn.__doc__

    def tracks(self):
        return self._tracks

    def transform(self, node):
        return self.transform_in(node, None)

    def transform_in(self, node, fgraph):
        return self.fn(fgraph, node) if self._with_graph else self.fn(node)

    def __call__(self, node):
        return self.transform(node)

    def __repr__(self):
        return f"<local_optimizer {self._name}>"


def local_optimizer(tracks, inplace=False, requirements=()):
    """Decorator: a LocalOptimizer from `fn(node)`, tried on nodes whose op is one of `tracks`
    (classes or instances; None: every node).

    >>> @local_optimizer([Neg])
    ... def local_neg_neg(node):
    ...     inner = node.inputs[0].owner
    ...     return [inner.inputs[0]] if inner is not None and isinstance(inner.op, Neg) else False
    """
    if tracks is not None and not isinstance(tracks, (list, tuple)):
        raise GraphlensTypeError(f"local_optimizer: tracks must be a list of op classes or "
                                 f"ops, or None; got {tracks!r:.60}")
    if tracks is not None:
        tracks = [_check_track(track, "local_optimizer") for track in tracks]

    def decorate(fn):
        return FromFunctionLocalOptimizer(fn, tracks, requirements)
    return decorate


def _check_track(track, where):
    """`track` as an op class or op: T.add and T.mul, functions here, name their op (`.op`),
    as Theano's were Elemwise ops; anything else that is neither is refused."""
    track = getattr(track, "op", track) if isinstance(track, FunctionType) else track
    if isinstance(track, Op) or (isinstance(track, type) and issubclass(track, Op)):
        return track
    hint = (f"; graphlens's {track.__name__} is a function building an op, not an op: track "
            f"the op's class (e.g. graphlens.tensor.math.{track.__name__.capitalize()})"
            if callable(track) and hasattr(track, "__name__") else "")
    raise GraphlensTypeError(f"{where}: {track!r:.60} is not an op class or an op{hint}")


def _tracked(tracks, op) -> bool:
    # None or [] (Theano's "Extending" tutorial returns [] from tracks()): every node, as
    # Theano's TopoOptimizer tried a local optimizer on every node.
    if not tracks:
        return True
    for track in tracks:
        if isinstance(track, FunctionType):
            track = getattr(track, "op", track)      # T.add in a pattern: its op
        if isinstance(track, type):
            if isinstance(op, track):
                return True
        elif op == track:
            return True
    return False


def replacements_of(lopt, node, fgraph):
    """[(old, new)] that local optimizer `lopt` proposes for `node` of `fgraph`, or []."""
    if not _tracked(lopt.tracks(), node.op):
        return []
    result = lopt.transform_in(node, fgraph)
    if not result:
        return []
    if isinstance(result, dict):
        return [(old, new) for old, new in result.items() if isinstance(old, Variable)]
    result = list(result)
    if len(result) != len(node.outputs):
        raise GraphlensTypeError(f"local optimizer {lopt.name} returned {len(result)} "
                                 f"replacements for {node.op.label}, which has "
                                 f"{len(node.outputs)} outputs")
    return [(old, new) for old, new in zip(node.outputs, result) if new is not old]


class LocalOptGroup(LocalOptimizer):
    """Several local optimizers tried in turn on each node; the first that answers wins."""

    def __init__(self, *optimizers):
        self.optimizers = optimizers
        self._name = "+".join(opt.name for opt in optimizers)

    def tracks(self):
        tracks = []
        for opt in self.optimizers:
            if opt.tracks() is None:
                return None
            tracks.extend(opt.tracks())
        return tracks

    def transform_in(self, node, fgraph):
        for opt in self.optimizers:
            found = replacements_of(opt, node, fgraph)
            if found:
                return dict(found)
        return False


class TopoOptimizer(Optimizer):
    """Applies a local optimizer to every node of a graph once, inputs first ('in_to_out')
    or outputs first ('out_to_in')."""

    def __init__(self, local_opt, order="in_to_out", ignore_newtrees=False,
                 failure_callback=None):
        if order not in ("in_to_out", "out_to_in"):
            raise GraphlensTypeError(f"TopoOptimizer: order must be 'in_to_out' or "
                                     f"'out_to_in', got {order!r}")
        self.local_opt = local_opt
        self.order = order
        self.failure_callback = failure_callback

    def apply(self, fgraph):
        """One pass over `fgraph`; the number of replacements made."""
        nodes = fgraph.toposort()
        if self.order == "out_to_in":
            nodes = nodes[::-1]
        changes = 0
        for node in list(nodes):
            if node not in fgraph.apply_nodes:
                continue
            try:
                pairs = replacements_of(self.local_opt, node, fgraph)
            except Exception as exc:       # Theano's failure_callback(exc, optimizer, ...)
                if self.failure_callback is None:
                    raise
                self.failure_callback(exc, self, [(node.outputs[0], None)], self.local_opt,
                                      node)
                continue
            if pairs:
                fgraph.replace_all_validate(pairs, reason=self.local_opt.name)
                changes += len(pairs)
        return changes


def in2out(*local_opts, **kwargs):
    """A TopoOptimizer running `local_opts` (grouped) from the inputs to the outputs."""
    opt = local_opts[0] if len(local_opts) == 1 else LocalOptGroup(*local_opts)
    kwargs.pop("name", None)
    return TopoOptimizer(opt, order="in_to_out", **kwargs)


def out2in(*local_opts, **kwargs):
    """A TopoOptimizer running `local_opts` (grouped) from the outputs to the inputs."""
    opt = local_opts[0] if len(local_opts) == 1 else LocalOptGroup(*local_opts)
    kwargs.pop("name", None)
    return TopoOptimizer(opt, order="out_to_in", **kwargs)


class SeqOptimizer(Optimizer):
    """Several optimizers applied one after the other."""

    def __init__(self, *optimizers, **kwargs):
        if len(optimizers) == 1 and isinstance(optimizers[0], (list, tuple)):
            optimizers = tuple(optimizers[0])
        self.optimizers = optimizers

    def apply(self, fgraph):
        return [opt.optimize(fgraph) for opt in self.optimizers]


class MergeOptimizer(Optimizer):
    """Theano's MergeOptimizer: equal constants become one, and equal computations (the same
    op on the same inputs) one node; graphlens's `merge` rule, run on the graph. Returns the
    number of replacements.

    >>> MergeOptimizer().optimize(fgraph)          # doctest: +SKIP
    2
    """

    def apply(self, fgraph):
        return Driver(fgraph, RewriteLog()).run_whole(merge_rule, "merge")


class EquilibriumOptimizer(Optimizer):
    """Local (and global) optimizers applied over and over until a pass changes nothing, at
    most MAX_PASSES passes (Theano's max_use_ratio bounded it by the graph's size)."""

    def __init__(self, optimizers, failure_callback=None, max_use_ratio=None, **kwargs):
        self.local = [opt for opt in optimizers if isinstance(opt, LocalOptimizer)]
        self.global_ = [opt for opt in optimizers if isinstance(opt, Optimizer)]
        self.failure_callback = failure_callback

    def apply(self, fgraph):
        total = 0
        for _ in range(MAX_PASSES):
            changes = 0
            for opt in self.global_:
                before = fgraph.replacement_count
                opt.optimize(fgraph)
                changes += fgraph.replacement_count - before
            if self.local:
                group = self.local[0] if len(self.local) == 1 else LocalOptGroup(*self.local)
                changes += TopoOptimizer(group, failure_callback=self.failure_callback
                                         ).apply(fgraph)
            total += changes
            if not changes:
                break
        return total


class OpSub(LocalOptimizer):
    """Replaces every node of op `op1` by op `op2` on the same inputs: OpSub(add, mul)."""

    def __init__(self, op1, op2, transfer_tags=True):
        self.op1, self.op2 = _check_track(op1, "OpSub"), op2
        self._name = f"OpSub({op1}, {op2})"

    def tracks(self):
        return [self.op1]

    def transform(self, node):
        new = self.op2(*node.inputs)
        return list(new) if isinstance(new, (list, tuple)) else [new]


class OpRemove(LocalOptimizer):
    """Removes every node of op `op`, its one output replaced by its first input."""

    def __init__(self, op):
        self.op = _check_track(op, "OpRemove")
        self._name = f"OpRemove({op})"

    def tracks(self):
        return [self.op]

    def transform(self, node):
        return [node.inputs[0]]


class PatternSub(LocalOptimizer):
    """Replaces what `in_pattern` matches by `out_pattern` (Theano's pattern language).

    A pattern is a tuple (op, sub-pattern, ...): an op class or instance first, then one
    sub-pattern per input; a string names a variable (the same name twice must be the same
    variable); a dict {'pattern': p, 'constraint': fn} adds a test. `out_pattern` is built with
    the same names: its heads are callables (ops, or functions such as T.add).

    >>> PatternSub((TrueDiv, (Mul, 'x', 'y'), 'y'), 'x')                 # doctest: +SKIP
    """

    def __init__(self, in_pattern, out_pattern, allow_multiple_clients=False, name=None,
                 pdb=False, tracks=(), get_nodes=None, values_eq_approx=None):
        head = in_pattern["pattern"][0] if isinstance(in_pattern, dict) else in_pattern[0]
        head = _check_track(head, "PatternSub")
        self.in_pattern, self.out_pattern = in_pattern, out_pattern
        self.allow_multiple_clients = allow_multiple_clients
        self.head = head
        self._name = name or f"PatternSub({_pattern_text(in_pattern)} -> " \
                             f"{_pattern_text(out_pattern)})"

    def tracks(self):
        return [self.head]

    def transform_in(self, node, fgraph):
        # The graph tells whether a matched inner value has other readers
        # (allow_multiple_clients); without one (transform(node)) that is not checked.
        bindings = {}
        if not self._match(self.in_pattern, node.outputs[0], bindings, fgraph, top=True):
            return False
        return [self._build(self.out_pattern, bindings)]

    def _match(self, pattern, var, bindings, fgraph, top=False):
        if isinstance(pattern, dict):
            constraint = pattern.get("constraint", lambda v: True)
            return self._match(pattern["pattern"], var, bindings, fgraph, top) and \
                bool(constraint(var))
        if isinstance(pattern, str):
            if pattern in bindings:
                return bindings[pattern] is var
            bindings[pattern] = var
            return True
        if isinstance(pattern, (list, tuple)):
            node = var.owner
            if node is None or not _tracked([pattern[0]], node.op) or \
                    len(node.inputs) != len(pattern) - 1:
                return False
            if not top and not self.allow_multiple_clients and fgraph is not None and \
                    len(fgraph.clients.get(var, ())) > 1:
                return False
            return all(self._match(sub, inp, bindings, fgraph)
                       for sub, inp in zip(pattern[1:], node.inputs))
        # A constant in the pattern matches an equal constant.
        data = getattr(var, "data", None)
        return data is not None and bool((data == pattern).all() if hasattr(data, "all")
                                         else data == pattern)

    def _build(self, pattern, bindings):
        if isinstance(pattern, str):
            return bindings[pattern]
        if isinstance(pattern, (list, tuple)):
            return pattern[0](*[self._build(sub, bindings) for sub in pattern[1:]])
        return pattern


def _pattern_text(pattern) -> str:
    if isinstance(pattern, dict):
        return _pattern_text(pattern["pattern"])
    if isinstance(pattern, (list, tuple)):
        head = getattr(pattern[0], "__name__", None) or str(pattern[0])
        return f"{head}({', '.join(_pattern_text(p) for p in pattern[1:])})"
    return str(pattern)




# Theano's optdb positions, by the graphlens phase that runs at that point of the pipeline.
_PHASE_AT = ((0.5, "merge"), (1.0, "canonicalize"), (1.5, "stabilize"), (48.9, "specialize"),
             (74.9, "fusion"))


def _phase_at(position) -> str:
    for limit, phase in _PHASE_AT:
        if position <= limit:
            return phase
    return "inplace"


def _rule_location(optimizer) -> str:
    code_of = getattr(optimizer, "fn", None) or type(optimizer)
    try:
        filename = inspect.getsourcefile(code_of) or "<unknown>"
        line = inspect.getsourcelines(code_of)[1]
    except (OSError, TypeError):
        filename, line = "<unknown>", 0
    return f"{short_path(filename)}:{line}"


def register_in_phase(phase, optimizer, name=None, tags=()):
    """Run `optimizer` (a LocalOptimizer or an Optimizer) in `phase` of every compile.

    A local optimizer's replacements go through the rewrite driver: each is checked (same
    dtype and rank), logged under the optimizer's name and line, and the nodes it builds
    stand for the user's line, as graphlens's own rules do. A global optimizer edits the
    graph itself (its changes are not in the log).
    """
    name = name or getattr(optimizer, "name", None) or type(optimizer).__name__
    if isinstance(optimizer, LocalOptimizer):
        def run(fgraph):
            for node in list(fgraph.toposort()):
                if node not in fgraph.apply_nodes:
                    continue
                for old, new in replacements_of(optimizer, node, fgraph):
                    if old in fgraph.clients:
                        yield Replacement(old, new, matched=(node,))
    elif isinstance(optimizer, Optimizer):
        def run(fgraph):
            optimizer.optimize(fgraph)
            return iter(())
    else:
        raise GraphlensTypeError(f"register: {optimizer!r:.60} is neither a LocalOptimizer "
                                 f"(gof.local_optimizer) nor an Optimizer")
    registered.register(Rule(name, phase, None, run, _rule_location(optimizer),
                             frozenset(tags) | {phase, "registered"}))
    return optimizer


def _registrar(phase):
    def register_it(lopt, *tags, **kwargs):
        # Theano's two spellings: register_canonicalize(lopt, 'tag') and, as a decorator
        # factory, register_canonicalize('tag')(lopt).
        if isinstance(lopt, str):
            return lambda inner: register_it(inner, lopt, *tags, **kwargs)
        return register_in_phase(phase, lopt, kwargs.get("name"), tags)
    register_it.__name__ = f"register_{phase}"
    register_it.__doc__ = (f"Theano's register_{phase}: run a local optimizer in the "
                           f"{phase} phase of every compiled function; returns it.")
    return register_it


register_canonicalize = _registrar("canonicalize")
register_stabilize = _registrar("stabilize")
register_specialize = _registrar("specialize")
# Theano ran these after specialization; here they run with it.
register_uncanonicalize = _registrar("specialize")
register_specialize_device = _registrar("specialize")


class OptimizationDatabase:
    """Theano's `theano.compile.optdb`: `optdb.register(name, optimizer, position, *tags)`
    runs an optimizer at `position` of Theano's pipeline (1 canonicalize, 1.5 stabilize, 2
    specialize, 49 fusion, 75 in-place), in the graphlens phase that runs there."""

    # The mode class, plugged in by compile/mode.py when it is imported (gof/ sits below
    # compile/): a query is run as the mode it describes.
    mode_of_query = None

    def register(self, name, obj, position, *tags, **kwargs):
        """Run `obj` in every compile at `position` of the pipeline; returns it."""
        return register_in_phase(_phase_at(float(position)), obj, name, tags)

    def query(self, *queries):
        """Theano's `optdb.query(Query(include=['fast_run']))` (or tags: 'fast_run',
        '+canonicalize', '-inplace'): an optimizer whose `optimize(fgraph)` rewrites that
        FunctionGraph in place with the rewrites the query names.

        >>> optdb.query(OPT_FAST_RUN).optimize(fgraph)        # doctest: +SKIP
        """
        include, exclude = [], []
        for query in queries:
            if isinstance(query, str):
                (exclude if query.startswith("-") else include).append(query.lstrip("+-"))
            else:
                include += list(query.include) + list(query.require)
                exclude += list(query.exclude)
        return QueriedOptimizer(self.mode_of_query(tuple(include), tuple(exclude)))


class QueriedOptimizer:
    """What `optdb.query(...)` returns: `optimize(fgraph)` (or calling it) rewrites the graph
    in place with a mode's rewrites; returns the RewriteLog of what changed."""

    def __init__(self, mode):
        self.mode = mode

    def optimize(self, fgraph, *args, **kwargs):
        """Rewrite `fgraph` in place."""
        return self.mode.rewrite(fgraph)

    __call__ = optimize

    def __repr__(self):
        return f"QueriedOptimizer({self.mode!r})"


optdb = OptimizationDatabase()


def check_stack_trace(f_or_fgraph, ops_to_check="last", bug_print="raise"):
    """Theano's test of rewrites: True when the outputs of the chosen nodes of a compiled
    function (or FunctionGraph) still say which line of the user's built them. graphlens keeps
    a creation site on every variable, rewrites included (errors and pictures name it).

    ops_to_check: 'last' (the nodes of the outputs), 'all', an op or op class, a list of them,
    or a function of an op. bug_print: what to do when no node matches ('raise' a ValueError,
    'warn', 'ignore'); then the answer is True.

    >>> check_stack_trace(f, ops_to_check=T.nnet.sigm.ScalarSigmoid)   # doctest: +SKIP
    True
    """
    fgraph = getattr(getattr(f_or_fgraph, "maker", None), "fgraph", f_or_fgraph)
    if not hasattr(fgraph, "toposort"):
        raise ValueError(f"check_stack_trace takes a compiled function or a FunctionGraph, "
                         f"got {f_or_fgraph!r:.60}")
    nodes = fgraph.toposort()
    if ops_to_check == "last":
        chosen = [out.owner for out in fgraph.outputs if out.owner is not None]
    elif ops_to_check == "all":
        chosen = nodes
    elif callable(ops_to_check) and not isinstance(ops_to_check, (type, Op)):
        chosen = [node for node in nodes if ops_to_check(node.op)]
    else:
        wanted = ops_to_check if isinstance(ops_to_check, (list, tuple)) else [ops_to_check]
        classes = tuple(w for w in wanted if isinstance(w, type))
        instances = [w for w in wanted if not isinstance(w, type)]
        chosen = [node for node in nodes
                  if node.op in instances or isinstance(node.op, classes)
                  or isinstance(getattr(node.op, "scalar_op", None), classes)]
    if not chosen:
        message = f"check_stack_trace: no node of {ops_to_check!r:.60} in the graph"
        if bug_print == "raise":
            raise ValueError(message)
        if bug_print == "warn":
            warnings.warn(message, stacklevel=2)
        return True
    return all(getattr(out, "creation_site", None) is not None
               for node in chosen for out in node.outputs)
