"""How each op prints, looked up by its class, most specific first: at each class of the op's
MRO, a form registered here (DimShuffle, ARange) or the class's own `notation`; when none
matches, `OpName{props}(a, b)`.

A new op declares `notation = Func("name", params=(...))`, `Infix(...)` or `Prefix(...)` in its
class and never touches this file. `Special(form)` names one of the forms in `SPECIAL_FORMS`
(indexing, `x.shape`, ...). An op with an inner graph (`op.inner_graphs`, see graph/inner.py)
prints its inner formula: with the outer arguments substituted for a fused kernel, as
`scan(fn={h[t] = ...}, steps=n)(x, h0, W)` for a loop, whose inner inputs are per-step values.
"""

from __future__ import annotations

import functools

import numpy as np

from graphlens.graph.basic import Constant
from graphlens.graph.inner import inner_graphs
from graphlens.graph.label import index_entries, prop_defaults, value_text
from graphlens.graph.notation import ADD, MUL, Func, Infix, Prefix, Special
from graphlens.graph.op import Op
from graphlens.printer.formula import Shown
from graphlens.printer.styled import Rope
from graphlens.tensor.basic import ARange
from graphlens.tensor.elemwise import DimShuffle


def show_apply(printer, node, args: list[Shown]) -> Shown:
    """The formula of `node` given its inputs' Shown pieces."""
    op = node.op
    form, may_fuse = _dispatch(type(op))
    graph = inner_graph(op) if may_fuse else None
    if graph is not None:       # the printer knows inner scopes
        if not graph.substitutable:
            return printer.show_closed_inner_graph(node, args, graph)
        return printer.show_inner_graph(node, args)
    shown = form(printer, node, args) if form is not None else None
    return shown if shown is not None else show_fallback(printer, node, args)


@functools.lru_cache(maxsize=None)
def _dispatch(op_class):
    # Once per op class: its printing function, and whether its instances may carry an inner
    # graph (asking every op for a missing attribute is slow). A one-element constant needs no
    # case here: `constant_text` prints it as its number (`1.0 - x`, not `[[1.0]] - x`).
    return find_form(op_class), may_have_inner_graph(op_class)


@functools.lru_cache(maxsize=None)
def may_have_inner_graph(op_class) -> bool:
    """True if ops of `op_class` may expose inner graphs (`inner_graphs` defined below Op)."""
    return any("inner_graphs" in vars(cls) for cls in op_class.__mro__ if cls is not Op)


def find_form(op_class):
    """The printing function for `op_class`: most specific class first, None for the fallback."""
    for cls in op_class.__mro__:
        if cls in CLASS_FORMS:
            return CLASS_FORMS[cls]
        notation = cls.__dict__.get("notation")
        if notation is not None:
            return _notation_form(notation)
    return None


def _notation_form(notation):
    if isinstance(notation, Infix):
        return functools.partial(show_infix, notation)
    if isinstance(notation, Prefix):
        return functools.partial(show_prefix, notation)
    if isinstance(notation, Func):
        return functools.partial(show_func, notation)
    if isinstance(notation, Special):
        return SPECIAL_FORMS.get(notation.form)
    return None


def show_fallback(printer, node, args):
    """`OpName{props}(a, b)`: nothing is ever unprintable."""
    return printer.syntax.call(node.op.label, args)


def show_infix(notation, printer, node, args):
    """`a + b + c`; an infix op with fewer than two inputs falls back to call syntax."""
    return printer.syntax.infix(notation, args) if len(args) >= 2 else None


def show_prefix(notation, printer, node, args):
    """`-x`."""
    return printer.syntax.prefix(notation, args[0]) if len(args) == 1 else None


def show_func(notation, printer, node, args):
    """`exp(x)`, `sum(x, axis=1)`: params print as keywords; an axis covering every axis of
    the input is left out (`sum(x)`)."""
    if notation.keywords:
        args = _keyword_inputs(notation, printer, node, args)
    keywords = []
    defaults = prop_defaults(type(node.op))
    for param in notation.params:
        value = getattr(node.op, param, None)
        if value is None or (param in defaults and value == defaults[param]):
            continue
        if param == "axis" and node.inputs and _all_axes(value, node.inputs[0]):
            continue
        keywords.append((param, repr(value) if isinstance(value, str) else value_text(value)))
    if notation.leading:
        args = [printer.syntax.leaf(value_text(getattr(node.op, param)), "const")
                for param in notation.leading] + list(args)
    return printer.syntax.call(notation.name, args, keywords)


def _keyword_inputs(notation, printer, node, args):
    """Inputs named by `notation.keywords` as `name=value`, hidden ones (None) and constants
    equal to their default left out: `binomial(size=x.shape, p=0.7)`."""
    defaults = dict(notation.defaults)
    shown = []
    for position, (var, piece) in enumerate(zip(node.inputs, args)):
        if position >= len(notation.keywords):
            shown.append(piece)
            continue
        name = notation.keywords[position]
        if name is None:
            continue
        if name in defaults and isinstance(var, Constant) and np.shape(var.data) == np.shape(
                defaults[name]) and np.array_equal(var.data, defaults[name]):
            continue
        shown.append(printer.syntax.keyword(name, piece))
    return shown


def _all_axes(axis, var):
    ndim = getattr(var.type, "ndim", None)
    return isinstance(axis, tuple) and ndim is not None and axis == tuple(range(ndim))


def _index_ropes(idx, symbolic: list[Shown]) -> list[Rope]:
    ropes = []
    for pieces in index_entries(idx, [s.rope for s in symbolic]):
        rope = Rope()
        for piece in pieces:
            if isinstance(piece, Rope):
                rope.add_rope(piece)
            else:
                rope.add(piece, "const" if piece not in (":", "None") else None)
        ropes.append(rope)
    return ropes


def show_index(printer, node, args):
    """`x[1:3, ::2]`, `x[i]`, `p[arange(n), y]`: the `idx` prop, symbolic parts from inputs."""
    return printer.syntax.index(args[0], _index_ropes(node.op.idx, args[1:]))


def show_set_subtensor(printer, node, args):
    """`set_subtensor(x[1:3], y)` or `inc_subtensor(x[idx], y)`."""
    region = printer.syntax.index(args[0], _index_ropes(node.op.idx, args[2:]))
    name = "set_subtensor" if getattr(node.op, "set_instead_of_inc", True) else "inc_subtensor"
    return printer.syntax.call(name, [region, args[1]])


def show_shape(printer, node, args):
    """`x.shape`."""
    return printer.syntax.attribute(args[0], "shape")


def show_make_vector(printer, node, args):
    """`[n, 3]`."""
    return printer.syntax.vector(args)


def show_scalar_op(printer, node, args):
    """T.Elemwise(scalar_op): the scalar op's own notation where it has one, else the op's
    name as a call, `softsign(x)`."""
    op = node.op
    notation = getattr(type(op.scalar_op), "notation", None)
    form = _notation_form(notation) if notation is not None else None
    shown = form(printer, node, args) if form is not None else None
    return shown if shown is not None else printer.syntax.call(op.name or str(op.scalar_op),
                                                               args)


def show_product(printer, node, args):
    """A BLAS form of a product as the product it computes: `x @ W`, `x.T @ g`, `x @ W + b`
    (Dot22, Gemv): the class names the BLAS call, the formula keeps reading as the math."""
    op = node.op
    a, b, *bias = args
    if getattr(op, "transpose_a", False):
        a = printer.syntax.attribute(a, "T")
    if getattr(op, "transpose_b", False):
        b = printer.syntax.attribute(b, "T")
    product = printer.syntax.infix(Infix("@", MUL), [a, b])
    return printer.syntax.infix(Infix("+", ADD), [product, *bias]) if bias else product


SPECIAL_FORMS = {
    "product": show_product,
    "scalar_op": show_scalar_op,
    "index": show_index,
    "set_subtensor": show_set_subtensor,
    "shape": show_shape,
    "make_vector": show_make_vector,
}


def show_dimshuffle(printer, node, args):
    """`x.T`; `b[None, :]` for broadcasting; `x.transpose(1, 0, 2)`; else `x.dimshuffle(...)`.

    A scalar given broadcastable axes prints as itself: numpy broadcasts it the same way.
    """
    op, (x,) = node.op, args
    order, ndim = tuple(op.new_order), op.input_ndim
    kept = [axis for axis in order if axis != "x"]
    if ndim == 0:
        return x
    if kept == sorted(kept):
        entries, next_axis = [], 0
        for axis in order:
            if axis == "x":
                entries.append("None")
                continue
            entries.extend("0" for _ in range(next_axis, axis))  # dropped length-1 axes
            entries.append(":")
            next_axis = axis + 1
        entries.extend("0" for _ in range(next_axis, ndim))
        return printer.syntax.broadcast(x, [Rope(entry) for entry in entries])
    if len(kept) == ndim and "x" not in order:
        if kept == list(reversed(range(ndim))):
            return printer.syntax.attribute(x, "T")
        return printer.syntax.method(x, "transpose", [str(axis) for axis in kept])
    return printer.syntax.method(x, "dimshuffle", [repr(axis) for axis in order])


def show_arange(printer, node, args):
    """`arange(n)` when it starts at 0 with step 1, else `arange(start, stop, step)`."""
    start, _, step = node.inputs
    if _is_value(start, 0) and _is_value(step, 1):
        return printer.syntax.call("arange", [args[1]])
    return printer.syntax.call("arange", args)


def _is_value(var, value):
    return isinstance(var, Constant) and var.data.ndim == 0 and var.data == value


# Forms registered by op class (most specific class first), for ops whose printing depends on
# their props beyond what a `notation` says.
CLASS_FORMS = {DimShuffle: show_dimshuffle, ARange: show_arange}


def inner_graph(op):
    """The first InnerGraph `op` exposes (graph/inner.py), else None."""
    if not may_have_inner_graph(type(op)):
        return None
    graphs = inner_graphs(op)
    return graphs[0] if graphs else None
