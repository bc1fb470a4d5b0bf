"""Indexing: basic (`x[1:3, ::2]`, `x[i]`), advanced (`x[idx]`, `p[arange(n), y]`), and the
functional updates `set_subtensor` / `inc_subtensor`.

An op keeps the index's structure as plain data in its `idx` prop; literal ints and slice bounds
stay in the prop (so `pp` prints `x[1:3]`), symbolic ones become inputs after x.
Entries: ("int", k), ("sym",), ("slice", start, stop, step) with bounds None, an int or "sym",
("new",) for None/newaxis, and ("adv",) for an index array.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

import numpy as np

from graphlens.errors import (GraphlensTypeError, RankError, ShapeError, TooManyIndicesError,
                              describe, where)
from graphlens.graph.basic import Apply, Constant, Variable
from graphlens.graph.markers import disconnected
from graphlens.graph.notation import Special
from graphlens.graph.op import Op
from graphlens.graph.overwrites import remember_overwrite
from graphlens.tensor.scatter import add_rows
from graphlens.graph.types import is_discrete
from graphlens.tensor.elemwise import pad_left, unbroadcast
from graphlens.tensor.type import TensorType
from graphlens.tensor.variable import TensorVariable, as_tensor_variable
from graphlens.tensor.basic import cast, int_scalar
from graphlens.tensor.fill import zeros_like


def parse_index(x, index):
    """(idx, inputs, advanced) for `x[index]`: the index structure and its symbolic parts."""
    if isinstance(index, list) and any(e is None or e is Ellipsis or isinstance(e, slice)
                                       for e in index):
        # Theano (like numpy before 1.23) reads a list holding a slice, None or ... as a tuple
        # of indices: Keras' `x[[slice(None, None, -1), slice(None)]]` reverses an axis.
        index = tuple(index)
    entries = index if isinstance(index, tuple) else (index,)
    used = sum(1 for e in entries if e is not None and e is not Ellipsis and not (
        isinstance(e, Variable) and e.dtype == "bool" and e.ndim > 1))
    used += sum(e.ndim - 1 for e in entries if isinstance(e, Variable) and e.dtype == "bool"
                and e.ndim > 1)
    if used > x.ndim:
        raise TooManyIndicesError(f"too many indices ({used}) for {describe(x)}")
    idx, inputs, advanced = [], [], False
    for entry in entries:
        if entry is Ellipsis:
            idx.extend([("slice", None, None, None)] * (x.ndim - used))
            used = x.ndim
        elif entry is None:
            idx.append(("new",))
        elif isinstance(entry, slice):
            parts = []
            for bound in (entry.start, entry.stop, entry.step):
                if bound is None or isinstance(bound, (int, np.integer)):
                    parts.append(None if bound is None else int(bound))
                else:
                    inputs.append(int_scalar(bound, "an index"))
                    parts.append("sym")
            idx.append(("slice", *parts))
        elif isinstance(entry, (int, np.integer)) and not isinstance(entry, bool):
            idx.append(("int", int(entry)))
        else:
            if isinstance(entry, (list, tuple)) and len(entry) == 0:
                entry = np.zeros(0, dtype="int64")      # numpy reads [] as no positions
            var = as_tensor_variable(entry)
            if var.ndim == 0 and var.dtype != "bool":
                inputs.append(int_scalar(var, "an index"))
                idx.append(("sym",))
            else:
                if not is_discrete(var.dtype):
                    raise GraphlensTypeError(f"an index array must be int or bool, got "
                                             f"{describe(var)}")
                inputs.append(var)
                idx.append(("adv",))
                advanced = True
    return tuple(idx), inputs, advanced




def build_index(idx, values):
    """The numpy index for `idx`, taking symbolic parts from `values` in order."""
    values = iter(values)
    index = []
    for entry in idx:
        kind = entry[0]
        if kind == "int":
            index.append(entry[1])
        elif kind == "sym":
            index.append(int(next(values)))
        elif kind == "slice":
            index.append(slice(*[int(next(values)) if b == "sym" else b for b in entry[1:]]))
        elif kind == "new":
            index.append(None)
        else:
            index.append(next(values))
    return tuple(index)


def _basic_shape(x, idx):
    x_shape = x.type.shape
    shape, axis = [], 0
    for entry in idx:
        kind = entry[0]
        if kind == "new":
            shape.append(1)
            continue
        dim = x_shape[axis]
        axis += 1
        if kind == "int":
            if dim is not None and not -dim <= entry[1] < dim:
                raise ShapeError(f"index {entry[1]} is out of bounds for axis {axis - 1} of "
                                 f"{describe(x)}")
        elif kind == "slice":
            shape.append(_slice_length(dim, entry))
    return tuple(shape) + tuple(x_shape[axis:])


def _constant_bounds(idx, inputs):
    """idx with each symbolic slice bound that is an integer constant written as its value
    (an int or a symbolic index itself stays as it is: only lengths are read from this)."""
    values = iter(inputs)
    resolved = []
    for entry in idx:
        if entry[0] == "sym":
            next(values, None)
        elif entry[0] == "slice" and "sym" in entry[1:]:
            bounds = []
            for bound in entry[1:]:
                if bound == "sym":
                    var = next(values, None)
                    data = getattr(var, "data", None)
                    bound = int(data) if data is not None and np.ndim(data) == 0 \
                        and np.asarray(data).dtype.kind in "iu" else "sym"
                bounds.append(bound)
            entry = ("slice", *bounds)
        resolved.append(entry)
    return tuple(resolved)


def _slice_length(dim, entry):
    bounds = entry[1:]
    if bounds == (None, None, None):
        return dim
    if bounds[2] == 0:
        raise ShapeError("slice step cannot be zero")
    if dim is None or "sym" in bounds:
        return None
    return len(range(*slice(*bounds).indices(dim)))


def _broadcast_static(op_name, shapes):
    """The static broadcast of index-array shapes (numpy's rule), None where unknown."""
    ndim = max((len(s) for s in shapes), default=0)
    padded = [(1,) * (ndim - len(s)) + tuple(s) for s in shapes]
    result = []
    for dims in zip(*padded):
        known = {d for d in dims if d is not None and d != 1}
        if len(known) > 1:
            raise ShapeError(f"{op_name}: the index arrays cannot broadcast together, lengths "
                             f"{sorted(known)}")
        result.append(known.pop() if known else (None if None in dims else 1))
    return tuple(result)


def _advanced_shape(x, idx, inputs):
    """The static shape of x[idx] under numpy's rule for advanced indexing.

    The index arrays (and ints, which count as 0-d arrays here) broadcast to one shape B. If they
    sit next to each other in the index, B replaces them in place; otherwise B comes first.
    """
    inputs = iter(inputs)
    parts, axis = [], 0           # ("basic", dim) or ("adv", static shape), in index order
    for entry in idx:
        kind = entry[0]
        if kind == "new":
            parts.append(("basic", 1))
            continue
        if axis >= x.ndim:
            raise TooManyIndicesError(f"too many indices for {describe(x)}")
        dim = x.type.shape[axis]
        if kind == "slice":
            for bound in entry[1:]:
                if bound == "sym":
                    next(inputs)
            parts.append(("basic", _slice_length(dim, entry)))
            axis += 1
        elif kind in ("int", "sym"):
            if kind == "sym":
                next(inputs)
            elif dim is not None and not -dim <= entry[1] < dim:
                raise ShapeError(f"index {entry[1]} is out of bounds for axis {axis} of "
                                 f"{describe(x)}")
            parts.append(("adv", ()))
            axis += 1
        else:
            var = next(inputs)
            if var.dtype == "bool":
                axes = x.type.shape[axis:axis + var.ndim]
                for offset, (m, d) in enumerate(zip(var.type.shape, axes)):
                    if m is not None and d is not None and m != d:
                        raise ShapeError(f"boolean index {describe(var)} does not fit axis "
                                         f"{axis + offset} of {describe(x)} (length {d})")
                count = None
                if isinstance(var, Constant):
                    count = int(np.count_nonzero(var.data))
                parts.append(("adv", (count,)))
                axis += var.ndim
            else:
                parts.append(("adv", var.type.shape))
                axis += 1
    positions = [i for i, (kind, _) in enumerate(parts) if kind == "adv"]
    broadcast = _broadcast_static("index", [shape for kind, shape in parts if kind == "adv"])
    basic = [dim for kind, dim in parts if kind == "basic"]
    if positions == list(range(positions[0], positions[-1] + 1)):
        before = sum(1 for kind, _ in parts[:positions[0]] if kind == "basic")
        shape = basic[:before] + list(broadcast) + basic[before:]
    else:
        shape = list(broadcast) + basic
    return tuple(shape) + tuple(x.type.shape[axis:])


def index_gradients(op, values):
    """Disconnected markers for the symbolic indices and slice bounds of an indexing op: as in
    Theano, the value read does not vary with its position, so `grad(cost, i,
    disconnected_inputs='ignore')` is zero and 'raise' raises DisconnectedInputError."""
    return [disconnected(v) for v in values]


@dataclass(frozen=True)
class Indexing(Op):
    """Base of x[idx]: the index structure as data, symbolic parts as inputs after x."""

    idx: tuple
    notation = Special("index")

    def make_node(self, x, *inputs):
        x = as_tensor_variable(x)
        shape = self.static_shape(x, inputs)
        return Apply(self, [x, *inputs], [TensorType(x.dtype, shape)()])

    def perform(self, node, inputs):
        x, *values = inputs
        return [np.asarray(x[build_index(self.idx, values)])]

    def grad(self, inputs, output_grads):
        (x, *values), (gz,) = inputs, output_grads
        region = self.increment_op()(self.idx, False)(zeros_like(x), gz, *values)
        return [region] + index_gradients(self, values)


@dataclass(frozen=True)
class Subtensor(Indexing):
    """x[idx] with ints, slices and None: a view of x."""

    view_map = {0: [0]}

    def static_shape(self, x, inputs):
        """Known lengths of x[idx] from x's static shape, the literal parts of idx, and the
        symbolic slice bounds that are constants (`x[:n]` once n's value is known)."""
        return _basic_shape(x, _constant_bounds(self.idx, inputs))

    def increment_op(self):
        """The op that adds into x[idx] (the gradient's shape)."""
        return IncSubtensor


@dataclass(frozen=True)
class AdvancedSubtensor(Indexing):
    """x[idx] where idx holds integer or bool arrays: a copy (numpy's advanced indexing)."""

    def static_shape(self, x, inputs):
        """Known lengths of x[idx], by numpy's rule for where indexed axes land."""
        return _advanced_shape(x, self.idx, inputs)

    def increment_op(self):
        """The op that adds into x[idx], accumulating repeated indices."""
        return AdvancedIncSubtensor


@dataclass(frozen=True)
class IncSubtensor(Op):
    """A copy of x with x[idx] set to y (`set_instead_of_inc`) or increased by y.

    `inplace`: write into x's own array instead of a copy. Only the in-place rewrite sets it,
    once it has proved that nothing reads x afterwards (rewrite/inplace.py).
    """

    idx: tuple
    set_instead_of_inc: bool
    inplace: bool = False
    notation = Special("set_subtensor")
    region_op = Subtensor

    @property
    def destroy_map(self):
        return {0: [0]} if self.inplace else {}

    def make_node(self, x, y, *inputs):
        x = as_tensor_variable(x)
        y = as_tensor_variable(y)
        region = self.region_op(self.idx).make_node(x, *inputs).outputs[0]
        if y.ndim > region.ndim:
            raise RankError(f"{self.label}: {describe(y)} has more axes than the region "
                             f"{region.type} it goes into")
        if y.dtype != x.dtype:
            if not (getattr(y, "weak", False) or np.can_cast(y.dtype, x.dtype, "same_kind")):
                raise GraphlensTypeError(f"{self.label}: cannot put {describe(y)} into "
                                         f"{describe(x)}: cast it first")
            y = cast(y, x.dtype)
        y = pad_left(y, region.ndim)
        for axis, (dy, dr) in enumerate(zip(y.type.shape, region.type.shape)):
            if dy is not None and dr is not None and dy not in (1, dr):
                raise ShapeError(f"{self.label}: {describe(y)} does not fit the region "
                                 f"{region.type} on axis {axis} ({dy} vs {dr})")
        return Apply(self, [x, y, *inputs], [TensorType(x.dtype, x.type.shape)()])

    def perform(self, node, inputs):
        x, y, *values = inputs
        # A read-only x (a broadcast, a borrowed constant) is copied even when in place.
        out = x if self.inplace and x.flags.writeable else x.copy()
        index = build_index(self.idx, values)
        self._check_runtime_broadcast(node, x, y, index)
        if out is x:
            # x may be a shared variable's array (an update written in place): a call that
            # fails later puts the region back (graph/overwrites.py).
            remember_overwrite(out, index)
        if self.set_instead_of_inc:
            out[index] = y
        else:
            self.increment(out, index, y)
        return [out]

    def _check_runtime_broadcast(self, node, x, y, index):
        # Like Elemwise: y may only broadcast along axes declared length 1, or its gradient
        # (the region of the output gradient) could not be summed back to y's shape.
        static = node.inputs[1].type.shape
        if not any(d == 1 and s != 1 for d, s in zip(y.shape, static)):
            return
        region = np.broadcast_to(np.empty((), x.dtype), x.shape)[index].shape
        for axis, (d, s, r) in enumerate(zip(y.shape, static, region)):
            if d == 1 and s != 1 and r != 1:
                raise ShapeError(
                    f"{self.label}: the value {describe(node.inputs[1])} has length 1 on axis "
                    f"{axis} at run time but the region has {r}, and that axis was not declared "
                    f"broadcastable. Declare it (T.row(), x.dimshuffle('x', 0)), built at "
                    f"{where(node.outputs[0])}")

    def increment(self, out, index, y):
        """Add y into out[index]; basic indices never repeat an element."""
        out[index] += y

    def grad(self, inputs, output_grads):
        (x, y, *values), (gz,) = inputs, output_grads
        region = self.region_op(self.idx)(gz, *values)
        gx = type(self)(self.idx, True)(gz, zeros_like(y), *values) \
            if self.set_instead_of_inc else gz
        return [gx, unbroadcast(region, y)] + index_gradients(self, values)


@dataclass(frozen=True)
class AdvancedIncSubtensor(IncSubtensor):
    """IncSubtensor with index arrays; repeated indices accumulate (numpy's add.at).

    When setting with a repeated index, numpy keeps the last value; the gradient with respect
    to y still reaches every repeated entry of y (as in Theano).
    """

    region_op = AdvancedSubtensor

    def increment(self, out, index, y):
        rows = index[0] if len(index) == 1 else None
        if getattr(rows, "ndim", None) == 1 and rows.dtype.kind in "iu":
            # Rows of a matrix by one integer vector (an embedding's update): in rounds of
            # distinct rows, the same numbers as np.add.at, 6-9x faster (tensor/scatter.py).
            add_rows(out, rows, y)
        else:
            np.add.at(out, index, y)


def getitem(x, index):
    """`x[index]`: basic or advanced indexing, chosen by the index."""
    x = as_tensor_variable(x)
    idx, inputs, advanced = parse_index(x, index)
    op = AdvancedSubtensor(idx) if advanced else Subtensor(idx)
    return op(x, *inputs)


def _region_parts(region):
    if not isinstance(region, TensorVariable) or region.owner is None or not isinstance(
            region.owner.op, (Subtensor, AdvancedSubtensor)):
        raise GraphlensTypeError(
            f"set_subtensor/inc_subtensor take an indexed variable such as x[1:3], got "
            f"{describe(region) if isinstance(region, Variable) else repr(region)}")
    op = region.owner.op
    x, *values = region.owner.inputs
    inc_class = AdvancedIncSubtensor if isinstance(op, AdvancedSubtensor) else IncSubtensor
    return inc_class, op.idx, x, values


def set_subtensor(region, y, inplace=False, tolerate_inplace_aliasing=False):
    """A copy of x with x[idx] = y: `T.set_subtensor(x[1:3], 0.0)`. Theano's `inplace` and
    `tolerate_inplace_aliasing` are accepted ("don't use", Theano said): graphlens's in-place
    rewrite decides where the copy is saved."""
    inc_class, idx, x, values = _region_parts(region)
    return inc_class(idx, True)(x, y, *values)


def inc_subtensor(region, y, inplace=False, set_instead_of_inc=False,
                  tolerate_inplace_aliasing=False):
    """A copy of x with x[idx] += y: `T.inc_subtensor(x[idx], 1.0)`; with Theano's
    `set_instead_of_inc=True`, x[idx] = y. `inplace` is accepted as in set_subtensor."""
    inc_class, idx, x, values = _region_parts(region)
    return inc_class(idx, bool(set_instead_of_inc))(x, y, *values)


# Theano's class names: graphlens has one class for every advanced index (a vector of rows
# included, Theano's AdvancedSubtensor1; a boolean mask, Theano 1.0.5's AdvancedBoolean*).
AdvancedSubtensor1 = AdvancedBooleanSubtensor = AdvancedSubtensor
AdvancedIncSubtensor1 = AdvancedBooleanIncSubtensor = AdvancedIncSubtensor
_THEANO_FUNCTIONS = ("advanced_subtensor1", "advanced_subtensor", "advanced_inc_subtensor1",
                     "advanced_set_subtensor1", "advanced_inc_subtensor",
                     "advanced_set_subtensor", "get_canonical_form_slice")


def __getattr__(name):
    # Theano's functions of this module live in theano_indexing.py, which imports this one.
    if name in _THEANO_FUNCTIONS:
        return getattr(import_module("graphlens.tensor.theano_indexing"), name)
    raise AttributeError(f"module 'graphlens.tensor.subtensor' has no attribute {name!r}")
