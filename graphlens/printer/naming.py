"""Stable display names of variables, shared by every printer (pp, debugprint, DOT, SVG); an
op's name is its `label` (graph/label.py).

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

import numpy as np

from graphlens.graph.basic import Constant, toposort

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


def is_constant(var) -> bool:
    """True for a constant (a fixed value in the graph)."""
    return isinstance(var, Constant)
