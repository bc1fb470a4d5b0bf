"""Stable display names and compact labels, shared by every printer (pp, debugprint, DOT, SVG).

Names come from a deterministic walk, never from `id()` or set order, so the same graph prints
the same way in every run and every process:
- a variable the user named keeps its name; a second, different variable with the same name
  becomes `x_2` (then `x_3`, ...), so two things never print alike;
- an unnamed input is `v1`, `v2`, ... and an unnamed shared variable `s1`, `s2`, ... in the
  order the walk meets them, skipping every name the user gave;
- a constant prints its value: `2.0`, `[1, 2, 3]`, or its type `float32[3, 4]` when large.

>>> names = NameTable(reserved={'x'})
>>> x, nameless = T.dvector('x'), T.dvector()         # doctest: +SKIP
>>> names.name(x), names.name(nameless)               # doctest: +SKIP
('x', 'v1')
"""

from __future__ import annotations

import dataclasses
import functools

import numpy as np

from graphlens.graph.basic import Constant, Variable, toposort

# Constants with at most this many elements print in full; larger ones print as their type.
MAX_CONSTANT_ELEMENTS = 8


def is_shared(var) -> bool:
    """True for a shared variable (state kept between calls of compiled functions)."""
    return getattr(var, "is_shared", False) and var.owner is None


def reserved_names(outputs) -> set:
    """Every name the user gave to a variable that `outputs` depend on."""
    outputs = list(outputs)
    return reserved_names_of(toposort(outputs), outputs)


def reserved_names_of(nodes, roots=()) -> set:
    """`reserved_names` read off an already walked list of `nodes` (and `roots`, the targets
    and inputs), so a printer that walks the graph anyway does not walk it twice."""
    names = {var.name for var in roots if var.name}
    for node in nodes:
        for var in node.inputs:
            if var.name:
                names.add(var.name)
        for var in node.outputs:
            if var.name:
                names.add(var.name)
    return names


def graph_names(outputs, inputs=(), nodes=None) -> "NameTable":
    """The names of a graph's roots, the same in every view (pp, debugprint, pictures, trace):
    `inputs` first, in order, then every other input and shared variable in the order pp meets
    it (the toposort of `outputs`, each node's inputs left to right). A user's name stays; a
    name met a second time becomes `W_2`; an unnamed input is `v1`, an unnamed shared variable
    `s1`. `nodes`: the toposort of `outputs`, when the caller has it.

    >>> [graph_names([W @ x + b]).name(v) for v in (W, b)]         # doctest: +SKIP
    ['W', 's1']
    """
    outputs, inputs = list(outputs), list(inputs)
    if nodes is None:
        nodes = toposort(outputs)
    # One pass finds both the user's names (reserved) and the roots in the order they are met.
    reserved = {var.name for var in outputs + inputs if var.name}
    roots = []
    for node in nodes:
        for var in node.inputs:
            if var.name:
                reserved.add(var.name)
            if var.owner is None and not isinstance(var, Constant):
                roots.append(var)
        for var in node.outputs:
            if var.name:
                reserved.add(var.name)
    table = NameTable(reserved)
    for var in inputs + roots + [var for var in outputs if var.owner is None]:
        if var not in table._by_var and _named_root(var):
            table.name(var)
    return table


def _named_root(var) -> bool:
    # What printers name (constants print their value, a typeless root its type).
    return not isinstance(var, Constant) and bool(var.name or hasattr(var.type, "dtype"))


class NameTable:
    """Unique display names for one printout, handed out in the order they are first asked for.

    `reserved` holds the user's names found in the graph, so that a generated name (`v1`) never
    takes one a user chose for a variable printed later. It may be a function returning them:
    it is then called only when a first name is generated (a graph whose roots all have names
    is never walked for them).
    """

    def __init__(self, reserved=()):
        self._reserved = set(reserved) if not callable(reserved) else None
        self._find_reserved = reserved if callable(reserved) else None
        self._by_var = {}
        self._taken = set()
        self._counters = {}

    def name(self, var) -> str:
        """The display name of `var`: its own name made unique, or a generated one."""
        known = self._by_var.get(var)
        if known is not None:
            return known
        if var.name:
            base = printable(var.name)
            name = base if base not in self._taken else self._next(base + "_", 2)
        else:
            name = self._next("s" if is_shared(var) else "v", 1)
        self._by_var[var] = name
        self._taken.add(name)
        return name

    def has_name(self, var) -> bool:
        """True if `var` was already given a name in this table."""
        return var in self._by_var

    def fresh(self, prefix: str) -> str:
        """A new name `prefix1`, `prefix2`, ... that no user name and no earlier name uses."""
        name = self._next(prefix, 1)
        self._taken.add(name)
        return name

    def _next(self, prefix, start):
        if self._reserved is None:
            self._reserved = set(self._find_reserved())
        number = self._counters.get(prefix, start)
        while f"{prefix}{number}" in self._taken or f"{prefix}{number}" in self._reserved:
            number += 1
        self._counters[prefix] = number + 1
        return f"{prefix}{number}"


def printable(text: str) -> str:
    """`text` on one line: newlines, tabs and other control characters as Python escapes.

    >>> printable('a\\nb')
    'a\\\\nb'
    """
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


def scalar_text(value) -> str:
    """A numpy scalar as a plain number: `2.0`, `0.1` (float32's shortest form), `3`, `True`."""
    value = np.asarray(value)
    if value.dtype == bool:
        return "True" if value else "False"
    return str(value[()])


def array_text(data) -> str:
    """A small array in full, as nested lists: `[[1, 2], [3, 4]]`."""
    data = np.asarray(data)
    if data.ndim == 0:
        return scalar_text(data)
    # Recursion here is over the array's rank, never over the graph.
    return "[" + ", ".join(array_text(row) for row in data) + "]"


# numpy dtype characters whose scalars print exactly as the Python float or int they convert to:
# float64 and the integers (a float32's shortest text is its own, not its float64's).
_PYTHON_REPR_CHARS = frozenset("dbhilqpBHILQP")


# Values of a Theano-style type that print as themselves (a `double` constant's 2.0).
_PLAIN_VALUES = (bool, int, float, complex, str)


def constant_text(const) -> str:
    """A constant as printed in formulas: its name, its value if small, else its type.

    >>> constant_text(T.constant(2.0)), constant_text(T.constant(np.zeros((3, 4), 'float32')))
    ('2.0', 'float32[3, 4]')                                   # doctest: +SKIP
    """
    if const.name:
        return printable(const.name)
    if not getattr(const.type, "array_values", True):
        if isinstance(const.data, _PLAIN_VALUES):
            return repr(const.data)         # a Theano-style type's number: `2`
        return str(const.type)              # a scipy.sparse matrix: `csr(float64)`
    data = const.data
    if type(data) is np.ndarray and data.size == 1 and data.dtype.kind != "b":
        # The common case, `1.0`, without the detour. A float64 or an integer prints as the
        # Python number does (numpy's scalar str is Python's repr for these; a third of the
        # cost): pp and debugprint of a 100,000-op chain each print 100,000 constants.
        if data.dtype.char in _PYTHON_REPR_CHARS:
            return repr(data.item())
        return str(data.reshape(())[()])
    data = np.asarray(data)
    if data.size == 1:
        # Broadcasting pads constants with length-1 axes (`x * 2` holds a [[2.0]] for a matrix
        # x); the value is what a reader wants, the type printed beside it keeps the rank.
        return scalar_text(data.reshape(()))
    if data.size <= MAX_CONSTANT_ELEMENTS:
        return array_text(data)
    return str(const.type)


def is_large_constant(const) -> bool:
    """True when `constant_text` prints the constant's type, not its value (unnamed, large)."""
    data = const.data
    if not getattr(const.type, "array_values", True):     # a scipy.sparse matrix: its type
        return not const.name and not isinstance(data, _PLAIN_VALUES)
    size = data.size if isinstance(data, np.ndarray) else np.size(data)
    return not const.name and size > MAX_CONSTANT_ELEMENTS


def type_text(var) -> str:
    """The type with its static shape: `float32[?, 784]`, `int64` for a scalar."""
    return str(var.type)


def index_entries(idx, symbolic) -> list[list]:
    """The entries of an index (a Subtensor's `idx` prop), each a list of pieces: strings, and
    the items of `symbolic` (texts or ropes of symbolic bounds and index arrays) in order.

    >>> index_entries((("slice", 1, 3, None), ("slice", None, None, 2)), [])
    [['1', ':', '3'], [':', '', ':', '2']]
    """
    parts = iter(symbolic)
    entries = []
    for entry in idx:
        kind = entry[0]
        if kind == "int":
            entries.append([str(entry[1])])
        elif kind in ("sym", "adv"):
            entries.append([next(parts)])
        elif kind == "new":
            entries.append(["None"])
        else:
            start, stop, step = (("" if b is None else next(parts) if b == "sym" else str(b))
                                 for b in entry[1:])
            pieces = [start, ":", stop]
            if step != "":
                pieces += [":", step]
            entries.append(pieces)
    return entries


def index_text(idx, symbolic_texts) -> list[str]:
    """The entries of an index as texts: `['1:3', '::2']`; symbolic parts from `symbolic_texts`."""
    return ["".join(pieces) for pieces in index_entries(idx, symbolic_texts)]


def _call_value(value) -> str:
    # As pp's call form prints a keyword: strings quoted, everything else compact.
    return repr(value) if isinstance(value, str) else value_text(value)


def _shown_prop(value) -> bool:
    # An empty tuple says nothing; variables (a fused op's inner graph) are drawn, not labelled.
    if isinstance(value, tuple):
        return bool(value) and not any(isinstance(v, Variable) for v in value)
    return not isinstance(value, Variable)


def _prop_text(key, value) -> str:
    if key == "idx":
        return ", ".join(index_text(value, _symbolic_marks(value)))
    if key == "set_instead_of_inc":
        return "set" if value else "inc"
    return f"{key}={value_text(value)}"


def _symbolic_marks(idx):
    marks = []
    for entry in idx:
        if entry[0] == "sym":
            marks.append("?")
        elif entry[0] == "adv":
            marks.append("adv")
        elif entry[0] == "slice":
            marks.extend("?" for b in entry[1:] if b == "sym")
    return marks


def value_text(value) -> str:
    """A prop value, compact and deterministic: `1` for the axis tuple `(1,)`, `float32` for a
    dtype string, the class name for an object without a plain-data form."""
    if isinstance(value, tuple):
        if len(value) == 1:
            return value_text(value[0])
        return "(" + ", ".join(value_text(v) for v in value) + ")"
    if isinstance(value, str):
        return value
    if value is None or isinstance(value, (bool, int, float, np.integer, np.floating)):
        return str(value)
    # Objects (an inner graph, say) would print their id(): name their kind instead.
    return type(value).__name__


def op_label(op) -> str:
    """A short label for an op in trees and pictures: `Sum{axis=1}`, `Subtensor{1:3, ::2}`,
    `Cast{dtype=float32}`, `DimShuffle{x,0}`.

    >>> op_label(Sum(axis=(1,)))        # doctest: +SKIP
    'Sum{axis=1}'
    """
    if getattr(type(op), "labels_itself", False):
        # Theano's scalar ops and T.Elemwise(scalar_op) are named by their own label:
        # `softsign`, `Elemwise{softsign}`.
        return op.label
    new_order = getattr(op, "new_order", None)
    if new_order is not None and hasattr(op, "input_ndim"):
        return f"{type(op).__name__}{{{','.join(str(i) for i in new_order)}}}"
    props = getattr(op, "props", {})
    defaults = prop_defaults(type(op))
    # An op may name props that are drawn rather than spelled (a loop's inner graph).
    hidden = getattr(type(op), "hidden_props", ())
    if getattr(type(op), "labelled_as_call", False):
        # The op reads as the call that built it: conv2d(border_mode='half'); with every
        # option at its default, the bare name (conv2d), as the user wrote no options.
        notation = op.notation
        # A None prop is left out, as pp leaves it out (a pool whose window is an input).
        parts = [f"{key}={_call_value(props[key])}" for key in notation.params
                 if props[key] is not None
                 and not (key in defaults and props[key] == defaults[key])]
        return f"{notation.name}({', '.join(parts)})" if parts else notation.name
    parts = [_prop_text(key, value) for key, value in props.items()
             if key not in hidden and _shown_prop(value)
             and not (key in defaults and value == defaults[key])]
    name = type(op).__name__
    return f"{name}{{{', '.join(parts)}}}" if parts else name


@functools.lru_cache(maxsize=None)
def prop_defaults(op_class) -> dict:
    """{prop: default value} of an op class's dataclass fields that have a default: a param
    left at its default says nothing (`Dot22`, not `Dot22{transpose_a=False, ...}`)."""
    fields = getattr(op_class, "__dataclass_fields__", {})
    return {name: field.default for name, field in fields.items()
            if field.default is not dataclasses.MISSING}


def is_constant(var) -> bool:
    """True for a constant (a fixed value in the graph)."""
    return isinstance(var, Constant)
