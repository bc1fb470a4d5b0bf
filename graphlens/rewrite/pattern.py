"""The rewrite language: patterns over the graph, and named rules that replace what they match.

A rule is a pattern, a function that builds the replacement (or returns None to decline) and a
phase. The decorator records the rule's file and line, so every replacement in a RewriteLog points
at the code that made it. Rules never edit the graph: they return a replacement and the driver in
`rewrite/db.py` applies it and records it.

>>> @rewrite("stabilize", Pat(Log, Pat(Sigmoid, Var("x"))))
... def log_sigmoid_to_softplus(x):
...     '''log(sigmoid(x)) underflows to -inf for x << 0; -softplus(-x) does not.'''
...     return -softplus(-x)
"""

from __future__ import annotations

import inspect
import os
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from graphlens.graph.basic import Constant, Variable
from graphlens.tensor.basic import cast
from graphlens.tensor.elemwise import DimShuffle
from graphlens.tensor.variable import as_tensor_variable


@dataclass(frozen=True)
class Var:
    """Matches any variable and binds it to `name`; a name used twice must bind one variable.

    `where` is an optional test of the variable: `Var("y", where=is_integer)`.
    """

    name: str
    where: object = None


@dataclass(frozen=True)
class Const:
    """Matches a constant (also one broadcast by DimShuffle) and binds that variable to `name`
    (read its value with `constant_value`).

    With `value`, every element must equal it: `Const(value=1)` matches 1, [1, 1], [[1.0]].
    """

    name: str | None = None
    value: object = None


@dataclass(frozen=True)
class Pat:
    """Matches the output of a node whose op is an instance of `op` (a class or a tuple of them).

    The input patterns match the node's inputs in order; `rest` binds the remaining inputs as a
    tuple (for n-ary ops), and without input patterns or `rest` any inputs match. `name` binds the
    matched variable, `op_name` the op itself (to read its props); `where` tests the node.

    >>> Pat(Mul, rest="factors", name="product")            # any product
    >>> Pat(Sub, Pat(Exp, Var("x")), Const(value=1))          # exp(x) - 1
    """

    op: object
    inputs: tuple = ()
    rest: str | None = None
    name: str | None = None
    op_name: str | None = None
    where: object = None

    def __init__(self, op, *inputs, rest=None, name=None, op_name=None, where=None):
        object.__setattr__(self, "op", op)
        object.__setattr__(self, "inputs", tuple(inputs))
        object.__setattr__(self, "rest", rest)
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "op_name", op_name)
        object.__setattr__(self, "where", where)

    def root_classes(self) -> tuple:
        """The op classes a matching node's op must be an instance of."""
        return self.op if isinstance(self.op, tuple) else (self.op,)


def constant_value(var):
    """The value of `var` if it is a constant, or a DimShuffle of one; otherwise None.

    >>> constant_value(T.constant(2.0))
    array(2.)
    """
    while var.owner is not None and isinstance(var.owner.op, DimShuffle):
        var = var.owner.inputs[0]
    if isinstance(var, Constant):
        return np.asarray(var.data)
    return None


def is_constant_equal(var, value) -> bool:
    """True when `var` is a constant whose every element equals `value`.

    >>> is_constant_equal(T.constant(1.0), 1), is_constant_equal(T.constant([1, 2]), 1)
    (True, False)
    """
    data = constant_value(var)
    return data is not None and _every_element_equals(data, value)


def _every_element_equals(data, value) -> bool:
    """`data.size and np.all(data == value)`, where a constant of one element (almost every
    constant a rule asks about: the 1 of x * 1, the 0 of 0 - x) is compared as a numpy scalar
    (the same comparison, element by element), not through np.all's reduction machinery:
    the rules ask this thousands of times a pass on a big gradient."""
    if data.size == 1 and type(value) in _SCALARS and data.dtype.kind in "biufc":
        return bool(data.reshape(())[()] == value)
    return data.size > 0 and bool(np.all(data == value))


_SCALARS = (int, float, bool)


def pattern_depth(pattern) -> int:
    """How many nodes deep `pattern` looks below the node it matches (1 for `Pat(Op)`)."""
    if not isinstance(pattern, Pat):
        return 0
    depth, stack = 0, [(pattern, 1)]
    while stack:
        pat, level = stack.pop()
        depth = max(depth, level)
        stack.extend((sub, level + 1) for sub in pat.inputs if isinstance(sub, Pat))
    return depth


def match(pattern, var, bindings, nodes) -> bool:
    """Try `pattern` on `var`, filling `bindings` and the list of matched `nodes`.

    Iterative (an explicit stack), so deep patterns cost no recursion. On failure the caller
    discards `bindings` and `nodes`.
    """
    stack = [(pattern, var)]
    while stack:
        pat, current = stack.pop()
        if isinstance(pat, Var):
            if not _bind(bindings, pat.name, current):
                return False
            if pat.where is not None and not pat.where(current):
                return False
            continue
        if isinstance(pat, Const):
            data = constant_value(current)
            if data is None:
                return False
            if pat.value is not None and not _every_element_equals(data, pat.value):
                return False
            if pat.name is not None and not _bind(bindings, pat.name, current):
                return False
            continue
        node = current.owner
        if node is None or not isinstance(node.op, pat.root_classes()):
            return False
        inputs = node.inputs
        if pat.rest is None and pat.inputs and len(inputs) != len(pat.inputs):
            return False
        if pat.rest is not None and len(inputs) < len(pat.inputs):
            return False
        if pat.where is not None and not pat.where(node):
            return False
        if pat.name is not None and not _bind(bindings, pat.name, current):
            return False
        if pat.op_name is not None and not _bind(bindings, pat.op_name, node.op):
            return False
        if pat.rest is not None:
            if not _bind(bindings, pat.rest, tuple(inputs[len(pat.inputs):])):
                return False
        nodes.append(node)
        for sub, inp in zip(reversed(pat.inputs), reversed(inputs[:len(pat.inputs)])):
            stack.append((sub, inp))
    return True


def _bound_names(pattern) -> set:
    """Every name `pattern` can bind (variables, constants, nodes, ops and rests)."""
    names, stack = set(), [pattern]
    while stack:
        pat = stack.pop()
        if isinstance(pat, Pat):
            names.update(n for n in (pat.name, pat.op_name, pat.rest) if n is not None)
            stack.extend(pat.inputs)
        elif getattr(pat, "name", None) is not None:
            names.add(pat.name)
    return names


def _bind(bindings, name, value) -> bool:
    if name in bindings:
        bound = bindings[name]
        if isinstance(bound, tuple):
            return isinstance(value, tuple) and len(bound) == len(value) and all(
                a is b for a, b in zip(bound, value))
        return bound is value
    bindings[name] = value
    return True


@dataclass(frozen=True, init=False)
class Replacement:
    """A rule's answer: `old` (a variable of the graph) is to become `new`; `matched` lists the
    nodes of the graph the rule read to decide (they are what the new nodes came from).

    `order`, "merge", tells the graph its topological order survives the replacement
    (`FunctionGraph.replace`), so a whole-graph rule's many replacements cost no walk each.

    `op`, when given, says `old`'s node is to run `op` from now on, on the same inputs and
    outputs (its in-place variant; `new` is `old`): the node stays, nothing is imported or
    removed (`FunctionGraph.change_op`)."""

    old: Variable
    new: Variable
    matched: tuple = ()
    order: str | None = None
    op: object = None

    def __init__(self, old, new, matched=(), order=None, op=None):
        # The fields set at once, not by one checked call each (the dataclass's __init__): a
        # compile of a big graph makes 17,000 (fusion, merge, in-place marks).
        object.__setattr__(self, "__dict__", {"old": old, "new": new, "matched": matched,
                                              "order": order, "op": op})


@dataclass(frozen=True, eq=False)
class Rule:
    """A named rewrite: `phase`, `pattern` (None for a rule over the whole graph), the function
    `fn`, its `location` ('graphlens/rewrite/stabilize.py:31') and `tags` for modes."""

    name: str
    phase: str
    pattern: Pat | None
    fn: object
    location: str
    tags: frozenset = field(default_factory=frozenset)
    params: tuple = ()       # the names the function takes; it is given only those
    # A whole-graph rule's cheaper form, near(fgraph, nodes, state): the Replacements the whole
    # rule would yield on a graph it already ran on, where only `nodes` changed since (new
    # nodes, and nodes whose inputs were replaced); `state` is the driver's dict for the rule,
    # kept from its last run; nodes None: the whole graph. None: the whole rule runs again.
    near: object = None
    # A whole-graph rule that finds nothing on a graph it just rewrote (fusion: what it fused
    # is no longer elementwise, and what it left alone stays alone): the driver runs it again
    # in a phase only when another rule has changed the graph since.
    idempotent: bool = False
    # Op classes one of which must be in the graph for this local rule to match anything: the
    # rule declines at once otherwise (a quotient rule on a graph without a division).
    needs: tuple = ()

    @cached_property
    def _input_ops(self) -> tuple:
        """(position, op classes, constant, value) of the pattern's inputs that are node
        patterns or constants: a node whose input there has another op cannot match, told
        without starting `match`. A `Const` input is a constant or a DimShuffle of one
        (`constant_value`), so its classes are (DimShuffle,) and `constant` says a Constant
        itself fits too: x - y is passed over by `x - 0` at once, as `x - exp(y)` is by
        `x - log(y)`. `value` is the Const's value (else None), which a Constant there must
        have: 1 - x is passed over by `0 - x` (a gradient holds thousands of 1 - x)."""
        gates = []
        for position, sub in enumerate(self.pattern.inputs):
            if isinstance(sub, Pat):
                gates.append((position, sub.root_classes(), False, None))
            elif isinstance(sub, Const):
                gates.append((position, (DimShuffle,), True, sub.value))
        return tuple(gates)

    @cached_property
    def pattern_classes(self) -> tuple:
        """The op classes (a class or a tuple, per node pattern) of the pattern's nodes below
        its root: a graph without a node of one of them has no match, whatever its roots."""
        classes, stack = [], list(self.pattern.inputs)
        while stack:
            sub = stack.pop()
            if isinstance(sub, Pat):
                classes.append(sub.root_classes())
                stack.extend(sub.inputs)
        return tuple(classes)

    @cached_property
    def _flat(self) -> bool:
        """True when every input pattern is a plain `Var` (no `where`): `fire` binds them
        straight from the node's inputs, in `match`'s order, without its stack (x - x,
        fill(x, y), sum(x): thousands of tries a pass on a big graph)."""
        inputs = self.pattern.inputs
        return bool(inputs) and all(type(sub) is Var and sub.where is None for sub in inputs)

    @cached_property
    def _shallow(self) -> bool:
        """True when the pattern reads only the node itself (no input patterns): the bindings
        are then taken straight from the node, without `match`'s stack (most rules over
        n-ary sums and products, and constant folding, are of this kind)."""
        return not self.pattern.inputs

    @cached_property
    def _wants(self) -> tuple:
        """(the function's parameters the pattern binds, those the driver gives: fgraph, node,
        old); a binding wins over the driver's value of the same name, as `match` binds it."""
        bound = _bound_names(self.pattern)
        return (tuple(name for name in self.params if name in bound),
                tuple(name for name in self.params if name not in bound))

    @cached_property
    def gate(self) -> tuple:
        """(needs, where, input_ops): the checks that decline most nodes before any binding,
        for a caller that has already checked the pattern's root (the driver, which tries a
        rule only on nodes of its root classes) and runs them inline: `where` is the root's
        condition for a pattern without input patterns (else None), `input_ops` the
        (position, op classes, constant, value) of input patterns (else ()), see `_input_ops`.
        Then `fire` does the rest.

        A shallow pattern's `where` may declare input gates it implies, as its attribute
        `input_gate` ((position, op classes, constant) triples, or with a value): the driver
        checks them first, without calling it (constant folding's `where` holds only for a
        node whose first input is a constant: (0, (), True); it was called on every node of
        two phases).

        >>> needs, where, input_ops = constant_fold.gate      # doctest: +SKIP
        """
        if self._shallow:
            where = self.pattern.where
            gates = tuple((*gate, None)[:4] for gate in getattr(where, "input_gate", ()))
            return self.needs, where, gates
        return self.needs, None, self._input_ops

    def apply(self, var, fgraph):
        """The Replacement this local rule proposes for `var`, or None."""
        node = var.owner
        if node is None:
            return None
        needs, where, input_ops = self.gate
        if needs and fgraph is not None and not fgraph.holds(needs):
            return None
        if self._shallow:
            if not isinstance(node.op, self.pattern.root_classes()):
                return None
            if where is not None and not where(node):
                return None
        else:
            if not passes_input_gates(node.inputs, input_ops):
                return None
        return self.fire(var, node, fgraph)

    def fire(self, var, node, fgraph):
        """The Replacement for `var` (output of `node`) once the root and `gate` checks passed:
        the pattern is bound and the function called; None if it declines."""
        pattern = self.pattern
        if self._shallow:
            bindings, nodes = {}, [node]
            # The same bindings as `match`, in its order (a name used twice binds one value).
            if pattern.name is not None:
                bindings[pattern.name] = var
            if pattern.op_name is not None and not _bind(bindings, pattern.op_name, node.op):
                return None
            if pattern.rest is not None and not _bind(bindings, pattern.rest, tuple(node.inputs)):
                return None
        elif self._flat:
            # `match` on a pattern of plain variables, inline and in its order: the root's
            # checks and names, then each input bound in turn (a name used twice: one value).
            inputs = node.inputs
            if len(inputs) != len(pattern.inputs) if pattern.rest is None \
                    else len(inputs) < len(pattern.inputs):
                return None
            if pattern.where is not None and not pattern.where(node):
                return None
            bindings, nodes = {}, [node]
            if pattern.name is not None:
                bindings[pattern.name] = var
            if pattern.op_name is not None and not _bind(bindings, pattern.op_name, node.op):
                return None
            if pattern.rest is not None and not _bind(
                    bindings, pattern.rest, tuple(inputs[len(pattern.inputs):])):
                return None
            for sub, inp in zip(pattern.inputs, inputs):
                if not _bind(bindings, sub.name, inp):
                    return None
        else:
            bindings, nodes = {}, []
            if not match(pattern, var, bindings, nodes):
                return None
        bound, given = self._wants
        arguments = {name: bindings[name] for name in bound}
        if given:
            extra = {"fgraph": fgraph, "node": node, "old": var}
            for name in given:
                arguments[name] = bindings[name] if name in bindings else extra[name]
        new = self.fn(**arguments)
        if new is None:
            return None
        if isinstance(new, Replacement):
            return new
        return Replacement(var, new, tuple(nodes))

    def run(self, fgraph):
        """The Replacements this whole-graph rule proposes, one at a time (a generator)."""
        return self.fn(fgraph)

    def __repr__(self):
        return f"<rewrite {self.name} ({self.phase}) at {self.location}>"


def passes_input_gates(inputs, input_ops) -> bool:
    """True when the node `inputs` pass a rule's input gates (`Rule.gate`): each gated input
    has an op of the gate's classes, or is a Constant where the pattern takes a constant (of
    the gate's value, when it names one, as `match` reads it).

    >>> passes_input_gates(node.inputs, sub_zero.gate[2])      # doctest: +SKIP
    False
    """
    for position, classes, constant, value in input_ops:
        if position >= len(inputs):
            return False
        var = inputs[position]
        owner = var.owner
        if owner is None:
            # A Const input: a constant fits (with the value asked); a Pat input: nothing.
            if not (constant and isinstance(var, Constant)):
                return False
            if value is not None and not _every_element_equals(np.asarray(var.data), value):
                return False
        elif not isinstance(owner.op, classes):
            return False
    return True


def _location(fn) -> str:
    code = fn.__code__
    filename = code.co_filename
    package = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    if filename.startswith(package + os.sep):
        filename = os.path.relpath(filename, package)
    return f"{filename.replace(os.sep, '/')}:{code.co_firstlineno}"


def _params(fn) -> tuple:
    return tuple(inspect.signature(fn).parameters)


def rewrite(phase, pattern, *, name=None, tags=(), needs=()):
    """Decorator: a local rule of `phase` that replaces what `pattern` matches.

    The function receives, by name, the pattern's bindings it asks for (and `fgraph`, `node`,
    `old`: the graph, the matched node and its output) and returns the replacement variable,
    or None to decline. `needs`: op classes the rule can only fire with one of in the graph
    (checked in constant time; the rule is not called on a graph without them).
    """
    def decorate(fn):
        return Rule(name or fn.__name__, phase, pattern, fn, _location(fn),
                    frozenset(tags) | {phase}, _params(fn), needs=tuple(needs))
    return decorate


def graph_rewrite(phase, *, name=None, tags=(), near=None, idempotent=False):
    """Decorator: a rule of `phase` over the whole graph; the function takes the FunctionGraph
    and yields Replacements, which the driver applies one by one (the graph changes between).

    `near(fgraph, nodes, state)`, when given, yields what the rule would on a graph it already
    ran on where only `nodes` changed (None: all), keeping what it needs in `state`; the driver
    calls it instead of the whole rule. `idempotent`: run again on the graph it leaves, the
    rule would find nothing (the driver then skips that run)."""
    def decorate(fn):
        return Rule(name or fn.__name__, phase, None, fn, _location(fn),
                    frozenset(tags) | {phase}, near=near, idempotent=idempotent)
    return decorate


def fits(new, old):
    """`new`, cast to `old`'s dtype if needed, or None if it cannot stand for `old`.

    A replacement must keep the rank, and keep every axis that `old` declares broadcastable
    (length 1) broadcastable, or the ops reading it would broadcast differently.
    """
    new = as_tensor_variable(new)
    if new.ndim != old.ndim:
        return None
    if not compatible_shapes(old.type.shape, new.type.shape):
        return None
    if new.dtype != old.dtype:
        new = cast(new, old.dtype)
    return new


def compatible_shapes(old_shape, new_shape) -> bool:
    """True when a value of static shape `new_shape` may stand where `old_shape` was declared."""
    for before, after in zip(old_shape, new_shape):
        if before == 1 and after != 1:
            return False
        if before is not None and after is not None and before != after:
            return False
    return True


def module_rules(module) -> list:
    """The Rule objects defined in `module`, in the order of their source lines."""
    rules = [value for value in vars(module).values() if isinstance(value, Rule)]
    return sorted(rules, key=lambda rule: int(rule.location.rsplit(":", 1)[1]))
