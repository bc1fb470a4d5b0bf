"""Variables (with their `tag` scratchpad), constants and applies, the user's creation site, and
iterative graph walks.

Every walk here uses an explicit stack: graphs of 100,000 nodes must not hit the recursion limit.
"""

from __future__ import annotations

import warnings
import weakref

import numpy as np

# Where a path is shortened for display: errors.py, which reports the user's lines (rooms that
# show those lines import short_path from here too).
from graphlens.errors import describe, short_path  # noqa: F401
# The user's line that built a variable: errors.py walks the stack the same way for messages.
from graphlens.errors import creation_frame, creation_site  # noqa: F401
from graphlens.errors import BULK, GraphlensTypeError, GraphlensWarning, with_user_line
from graphlens.config import config
from graphlens.graph.scopes import tag_at

# The client maps of the FunctionGraphs alive, by serial number, oldest first (graph/fg.py adds
# each graph's): Theano's `var.clients` reads the newest holding the variable. Weak, so a
# graph nobody keeps leaves it.
CLIENT_MAPS = weakref.WeakValueDictionary()


class Variable:
    """A symbolic value of a `type`: a graph input (`owner` None) or output `index` of an Apply."""

    __slots__ = ("type", "owner", "index", "name", "creation_site", "scope", "_tag",
                 "__dict__", "__weakref__")

    def __init__(self, type, owner=None, index=None, name=None, creation_site_=None):
        self.type = type
        self.owner = owner
        self.index = index
        self.name = name
        if creation_site_ is not None:
            self.creation_site = creation_site_
            self.scope = tag_at(None)
        elif (made := getattr(BULK, "made", None)) is not None:
            # Made by an op call from the user's code: its site and scope, found once.
            self.creation_site, self.scope = made
        elif (site := getattr(BULK, "site", None)) is not None:
            # Made in a bulk build (grad): its one site; the scope is the one pushed for the
            # part being built (graph/scopes.py).
            self.creation_site = site
            self.scope = tag_at(BULK.frame)
        else:
            # One stack walk gives both the user's line and the scope (graph/scopes.py).
            frame = creation_frame()
            self.creation_site = (None if frame is None
                                  else (frame.f_code.co_filename, frame.f_lineno))
            self.scope = tag_at(frame)
        # Theano's warn_float64 (a float32 model gone float64), checked here where every
        # variable is made: building pays one flag read, not an extra call. Constants are
        # exempt, as in Theano.
        if config.warn_float64 != "ignore" and getattr(type, "dtype", None) == "float64" \
                and not isinstance(self, Constant):
            _float64_made()

    def __getstate__(self):
        # Slots and the optional __dict__ as one dict (Python 3.10's pickle knows no slots
        # without __getstate__); a slot never set is left out.
        state = dict(self.__dict__)
        for name in _slot_names(type(self)):
            value = getattr(self, name, _UNSET)
            if value is not _UNSET:
                state[name] = value
        return state

    def __setstate__(self, state):
        for name, value in state.items():
            object.__setattr__(self, name, value)

    def clone(self):
        """A new variable of the same type, name, creation site and scope, with no owner."""
        cls = type(self)
        if cls.__init__ is not Variable.__init__:
            copy = cls(self.type, None, None, self.name, self.creation_site)
            copy.scope = self.scope
            return copy
        # Variable's own __init__ would only fill these slots (compiling clones every variable
        # of a graph) and check warn_float64, already checked when this one was made.
        copy = _new_object(cls)
        copy.type, copy.owner, copy.index = self.type, None, None
        copy.name, copy.creation_site, copy.scope = self.name, self.creation_site, self.scope
        return copy

    @property
    def tag(self):
        """Theano's scratchpad: notes, and `tag.test_value` (graph/test_value.py). Made on
        first use, so building a graph without test values costs nothing for it."""
        tag = getattr(self, "_tag", None)     # not __dict__: see test_value.tagged_test_value
        if tag is None:
            tag = self._tag = Tag(self)
        return tag

    def implicit_test_value(self):
        """The value that serves as this variable's test value without a tag: None for a
        symbolic variable; a constant's data, a shared variable's current value."""
        return None

    @property
    def clients(self) -> list:
        """Theano's `var.clients`: the (node, position) pairs that read this variable in the
        newest FunctionGraph holding it ('output' and the position for a graph output), such
        as a compiled function's `f.maker.fgraph`. As in Theano, a variable in no
        FunctionGraph has none: AttributeError.

        >>> f = function([x], x + 1)                                # doctest: +SKIP
        >>> [node.op.label for node, _ in f.maker.fgraph.inputs[0].clients]  # doctest: +SKIP
        ['Add']
        """
        for serial in reversed(list(CLIENT_MAPS)):
            found = CLIENT_MAPS.get(serial)
            if found is not None and self in found:
                return list(found[self])
        raise AttributeError(f"{describe(self)} has no clients: it is in no FunctionGraph "
                             f"(clients exist inside one, as in Theano: f.maker.fgraph)")

    def __repr__(self):
        text = self._repr_text()
        if config.print_test_value:
            # Theano's flag: the test value on the line after the name, when there is one.
            value = getattr(self.tag, "test_value", None)
            if value is not None:
                return f"{text}\n{value!r}"
        return text

    def _repr_text(self) -> str:
        """The variable as views name it: its name, its op's output, or its type."""
        if self.name:
            return self.name
        if self.owner is not None:
            return f"{self.owner.op.label}.out"
        return f"<{self.type}>"


_UNSET = object()
_new_object = object.__new__


def _slot_names(cls) -> tuple:
    """The data slots of `cls` and its bases (not __dict__ or __weakref__)."""
    names = _SLOT_NAMES.get(cls)
    if names is None:
        names = _SLOT_NAMES[cls] = tuple(
            name for klass in cls.__mro__ for name in klass.__dict__.get("__slots__", ())
            if name not in ("__dict__", "__weakref__"))
    return names


_SLOT_NAMES = {}


class Tag:
    """Theano's scratchpad on every variable (`var.tag`): user notes, and `test_value`.

    Assigning `test_value` checks it against the variable's type and converts it, so a wrong
    shape or dtype is reported where it is assigned, naming the variable and its line. Reading
    it on a variable without one raises AttributeError (`hasattr(x.tag, 'test_value')` is
    False), except on shared variables and constants, whose value is their test value.

    >>> x = T.dvector('x'); x.tag.test_value = [1, 2]; x.tag.test_value    # doctest: +SKIP
    array([1., 2.])
    """

    def __init__(self, variable):
        object.__setattr__(self, "_variable", variable)

    def __setattr__(self, name, value):
        if name == "test_value":
            value = _checked(self._variable, value)
        object.__setattr__(self, name, value)

    def __getattr__(self, name):
        # Only called for attributes never set; pickle asks a tag not yet filled in for
        # `__setstate__`, so the message must not need `_variable` (see _describe).
        if name == "test_value":
            value = self._variable.implicit_test_value()
            if value is not None:
                return value
        raise AttributeError(f"{self._describe()} has no tag.{name}")

    def _describe(self):
        variable = self.__dict__.get("_variable")
        return "a variable" if variable is None else describe(variable)

    def __repr__(self):
        # A test value may be a large array: its shape says enough.
        notes = [f"test_value=<shape {np.shape(v)}>" if k == "test_value" else f"{k}={v!r}"
                 for k, v in self.__dict__.items() if not k.startswith("_")]
        return f"Tag({', '.join(notes)})"


def _checked(variable, value):
    """`value` converted to `variable`'s type, or an error naming the variable and its line."""
    try:
        return variable.type.filter(value, what=f"the test value of {describe(variable)}")
    except Exception as exc:
        # The same class (GraphlensTypeError, ShapeError), with the line of the assignment.
        site = creation_site()
        assigned = "" if site is None else f" (assigned at {short_path(site[0])}:{site[1]})"
        raise type(exc)(f"{exc}{assigned}") from exc


class Constant(Variable):
    """A variable with a fixed value `data`, a numpy array of the type's dtype."""

    __slots__ = ("data",)

    def __init__(self, type, data, name=None, creation_site_=None):
        super().__init__(type, None, None, name, creation_site_)
        self.data = data

    @property
    def value(self):
        """The constant's data (Theano's read-only name for it)."""
        return self.data

    def clone(self):
        """A constant with the same data (shared, never copied: constants are immutable)."""
        copy = type(self)(self.type, self.data, self.name, self.creation_site)
        copy.scope = self.scope
        return copy

    def implicit_test_value(self):
        """A constant's test value is its data."""
        return self.data

    def signature(self):
        """A hashable key: two constants with equal signatures are interchangeable."""
        data = np.asarray(self.data)
        return (self.type, data.shape, data.tobytes())

    def __repr__(self):
        if self.name:
            return self.name
        data = np.asarray(self.data)
        if data.size <= 8:
            return np.array2string(data, separator=", ")
        return f"{self.type}"


class Apply:
    """One application of an `op` to `inputs`, producing `outputs` (whose owner is this node)."""

    __slots__ = ("op", "inputs", "outputs", "__dict__", "__weakref__")

    def __init__(self, op, inputs, outputs):
        self.op = op
        self.inputs = list(inputs)
        self.outputs = list(outputs)
        for index, output in enumerate(self.outputs):
            output.owner = self
            output.index = index

    def __getstate__(self):
        return {"op": self.op, "inputs": self.inputs, "outputs": self.outputs, **self.__dict__}

    def __setstate__(self, state):
        for name, value in state.items():
            object.__setattr__(self, name, value)

    @property
    def out(self):
        """The single output of a one-output node."""
        return self.outputs[0]

    def clone_with_new_inputs(self, inputs):
        """The same op on `inputs` (of the same types), outputs cloned with their names and sites."""
        return Apply(self.op, inputs, [output.clone() for output in self.outputs])

    def __repr__(self):
        return f"{self.op.label}({', '.join(map(repr, self.inputs))})"


def _as_list(outputs):
    return list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]


def toposort(outputs) -> list[Apply]:
    """The Apply nodes that `outputs` depend on, each after all of its inputs' owners.

    Deterministic: inputs are visited in order, so the same graph gives the same list every run.

    >>> x = T.dscalar('x'); [n.op.label for n in toposort([T.exp(x) + 1])]   # doctest: +SKIP
    ['Exp', 'Add']
    """
    order = []
    seen = set()
    for output in _as_list(outputs):
        root = output.owner
        if root is None or root in seen:
            continue
        # Depth first, inputs in order: each stack entry is a node and the iterator over its
        # inputs; a node is emitted when its iterator runs out (all its input owners emitted).
        # A graph has no cycles, so a node is marked when first reached.
        seen.add(root)
        stack = [(root, iter(root.inputs))]
        while stack:
            node, inputs = stack[-1]
            for var in inputs:
                owner = var.owner
                if owner is not None and owner not in seen:
                    seen.add(owner)
                    stack.append((owner, iter(owner.inputs)))
                    break
            else:
                stack.pop()
                order.append(node)
    return order


def toposort_and_roots(outputs) -> tuple[list[Apply], list[Variable]]:
    """(`toposort(outputs)`, `graph_inputs(outputs)`) from one walk: both lists are the
    order a depth-first walk over inputs in order first meets nodes and roots.

    >>> x = T.dscalar('x'); order, roots = toposort_and_roots([T.exp(x) + 1])  # doctest: +SKIP
    >>> roots                                                                 # doctest: +SKIP
    [x, 1]
    """
    order, roots = [], []
    seen, rooted = set(), set()
    for output in _as_list(outputs):
        root = output.owner
        if root is None:
            if output not in rooted:
                rooted.add(output)
                roots.append(output)
            continue
        if root in seen:
            continue
        seen.add(root)
        stack = [(root, iter(root.inputs))]
        while stack:
            node, inputs = stack[-1]
            for var in inputs:
                owner = var.owner
                if owner is None:
                    if var not in rooted:
                        rooted.add(var)
                        roots.append(var)
                elif owner not in seen:
                    seen.add(owner)
                    stack.append((owner, iter(owner.inputs)))
                    break
            else:
                stack.pop()
                order.append(node)
    return order, roots


def ancestors(outputs, blockers=()) -> list[Variable]:
    """Every variable `outputs` depend on, themselves included, in a stable order; the walk
    does not go past `blockers` (which are included when reached)."""
    seen = set()
    result = []
    stop = set(blockers) if blockers else ()
    stack = list(reversed(_as_list(outputs)))
    while stack:
        var = stack.pop()
        if var in seen:
            continue
        seen.add(var)
        result.append(var)
        if var.owner is not None and var not in stop:
            stack.extend(reversed(var.owner.inputs))
    return result


def readers(nodes) -> dict:
    """{variable: the nodes of `nodes` that read it, in order}; a node reading a variable at
    two inputs is listed twice (as its (node, position) clients would be).

    >>> x = T.dvector('x'); y = x * x
    >>> len(readers([y.owner])[x])
    2
    """
    found = {}
    for node in nodes:
        for var in node.inputs:
            found.setdefault(var, []).append(node)
    return found


def graph_inputs(outputs) -> list[Variable]:
    """The variables without an owner that `outputs` depend on (inputs, shared, constants), in
    the order `ancestors` meets them.

    >>> x = T.dscalar('x'); graph_inputs([T.exp(x) + 1])      # doctest: +SKIP
    [x, 1]
    """
    # Walked by nodes, each expanded once (a variable walk would also visit every output): a
    # node's inputs are all met before anything pushed under it, so the order is ancestors'.
    nodes, roots, result = set(), set(), []
    stack = list(reversed(_as_list(outputs)))
    while stack:
        var = stack.pop()
        owner = var.owner
        if owner is None:
            if var not in roots:
                roots.add(var)
                result.append(var)
        elif owner not in nodes:
            nodes.add(owner)
            stack.extend(reversed(owner.inputs))
    return result


def clone_graph(outputs, replace=None, order=None, origins=None) -> tuple[list[Variable], dict]:
    """Copies of `outputs` with fresh Apply nodes; variables in `replace` are swapped first.

    Root variables (inputs, shared variables, constants) are kept, not copied, so a clone reads
    the same inputs. Returns the new outputs and the old-to-new map of every variable walked.
    `order`, when the caller has it, is `toposort(outputs)` (not walked again). `origins`, a
    dict when given, receives {new node: the node it copies}, in the order the copies are made
    (a topological order of the copy).
    """
    memo = dict(replace or {})
    get = memo.get
    # Without replacements every input of a copy is a root or a copy of the same type: no
    # node needs its make_node again, and none is replaced already.
    retyped = bool(memo)
    for node in toposort(outputs) if order is None else order:
        outputs_ = node.outputs
        if retyped and outputs_[0] in memo:
            continue
        inputs = node.inputs
        new_inputs = [get(var, var) for var in inputs]
        if retyped and any(new is not old and new.type is not old.type and new.type != old.type
                           for new, old in zip(new_inputs, inputs)):
            new_node = _rebuild(node, new_inputs)
        else:
            # The same types: the same op on the new inputs, outputs cloned (the common case),
            # the node's slots filled here (new_inputs is already a fresh list).
            new_node = _new_object(Apply)
            new_node.op, new_node.inputs = node.op, new_inputs
            out = outputs_[0]
            cls = type(out)
            if len(outputs_) == 1 and cls.clone is _VARIABLE_CLONE and \
                    cls.__init__ is _VARIABLE_INIT:
                # Variable.clone, inline (the common case: one output, a plain variable).
                copy = _new_object(cls)
                copy.type, copy.owner, copy.index = out.type, new_node, 0
                copy.name, copy.creation_site, copy.scope = out.name, out.creation_site, \
                    out.scope
                new_node.outputs = [copy]
            else:
                new_outputs = new_node.outputs = [out.clone() for out in outputs_]
                for index, out in enumerate(new_outputs):
                    out.owner, out.index = new_node, index
        if len(outputs_) == 1:
            memo[outputs_[0]] = new_node.outputs[0]
        else:
            for old, new in zip(outputs_, new_node.outputs):
                memo[old] = new
        if origins is not None:
            origins[new_node] = node
    return [memo.get(var, var) for var in _as_list(outputs)], memo


_VARIABLE_CLONE, _VARIABLE_INIT = Variable.clone, Variable.__init__


def _rebuild(node, new_inputs):
    """Node on new inputs of other types: the op's make_node, the outputs keeping their names,
    sites and scopes."""
    rebuilt = node.op.make_node(*new_inputs)
    for old, new in zip(node.outputs, rebuilt.outputs):
        new.name = old.name
        new.creation_site = old.creation_site
        new.scope = old.scope
    return rebuilt


def _float64_made():
    """Theano's warn_float64: say (or raise) that a float64 tensor was made, at the user's line."""
    message = with_user_line(f"a float64 tensor was made while config.warn_float64 is "
                             f"{config.warn_float64!r}; cast it (T.cast(x, 'float32')) or "
                             f"write float32 constants (np.float32(0.5)) to keep the model "
                             f"float32")
    if config.warn_float64 == "raise":
        raise GraphlensTypeError(message)
    warnings.warn(message, GraphlensWarning, stacklevel=3)
