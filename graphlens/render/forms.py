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

from graphlens.graph.basic import Constant
from graphlens.graph.inner import inner_graphs
from graphlens.graph.notation import Func, Infix, Prefix, Special
from graphlens.render.formula import Shown, TextSyntax
from graphlens.render.naming import (index_entries, op_label, prop_defaults, scalar_text,
                                     value_text)
from graphlens.render.styled import Rope, join_ropes


def show_apply(printer, node, args: list[Shown]) -> Shown:
    """The formula of `node` given its inputs' Shown pieces."""
    op = node.op
    form, elementwise, may_fuse = _dispatch(type(op))
    graph = inner_graph(op) if may_fuse else None
    if graph is not None:
        if not graph.substitutable:
            return show_closed_inner_graph(printer, node, args, graph)
        return show_inner_graph(printer, node, args)
    if elementwise:
        args = [_as_scalar(printer, var, shown) if isinstance(var, Constant) else shown
                for var, shown in zip(node.inputs, args)]
    shown = form(printer, node, args) if form is not None else None
    return shown if shown is not None else show_fallback(printer, node, args)


@functools.lru_cache(maxsize=None)
def _dispatch(op_class):
    # Once per op class: its printing function, whether it is elementwise, and whether its
    # instances may carry an inner graph (asking every op for a missing attribute is slow).
    return (find_form(op_class), issubclass(op_class, _class_forms()["elemwise"]),
            may_have_inner_graph(op_class))


@functools.lru_cache(maxsize=None)
def may_have_inner_graph(op_class) -> bool:
    """True if ops of `op_class` may expose inner graphs (`inner_graphs` defined below Op)."""
    from graphlens.graph.op import Op
    return any("inner_graphs" in vars(cls) for cls in op_class.__mro__ if cls is not Op)


def find_form(op_class):
    """The printing function for `op_class`: most specific class first, None for the fallback."""
    class_forms = _class_forms()
    for cls in op_class.__mro__:
        if cls in class_forms:
            return class_forms[cls]
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
    return printer.syntax.call(op_label(node.op), args)


def show_infix(notation, printer, node, args):
    """`a + b + c`; an infix op with fewer than two inputs falls back to call syntax."""
    return printer.syntax.infix(notation, args) if len(args) >= 2 else None


def show_prefix(notation, printer, node, args):
    """`-x`."""
    return printer.syntax.prefix(notation, args[0]) if len(args) == 1 else None


def show_func(notation, printer, node, args):
    """`exp(x)`, `sum(x, axis=1)`: params print as keywords; an axis covering every axis of
    the input is left out (`sum(x)`)."""
    keywords = []
    defaults = prop_defaults(type(node.op))
    for param in notation.params:
        value = getattr(node.op, param, None)
        if value is None or (param in defaults and value == defaults[param]):
            continue
        if param == "axis" and node.inputs and _all_axes(value, node.inputs[0]):
            continue
        keywords.append((param, repr(value) if isinstance(value, str) else value_text(value)))
    return printer.syntax.call(notation.name, args, keywords)


def _all_axes(axis, var):
    ndim = getattr(var.type, "ndim", None)
    return isinstance(axis, tuple) and ndim is not None and axis == tuple(range(ndim))


def _as_scalar(printer, var, shown):
    """A one-element constant in an elementwise op prints as its number: `1.0 - x`, not
    `[[1.0]] - x`; elementwise broadcasting treats both alike."""
    if not var.name and var.data.ndim and var.data.size == 1:
        return printer.syntax.leaf(scalar_text(var.data.reshape(())), "const")
    return shown


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


SPECIAL_FORMS = {
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


@functools.lru_cache(maxsize=None)
def _class_forms():
    # Looked up on first use: the printers import no op module until they print.
    from graphlens.tensor.basic import ARange
    from graphlens.tensor.elemwise import DimShuffle, Elemwise
    return {DimShuffle: show_dimshuffle, ARange: show_arange, "elemwise": Elemwise}


def inner_graph(op):
    """The first InnerGraph `op` exposes (graph/inner.py), else None."""
    if not may_have_inner_graph(type(op)):
        return None
    graphs = inner_graphs(op)
    return graphs[0] if graphs else None


def show_inner_graph(printer, node, args):
    """A fused op's inner formula with the outer arguments substituted: `x * exp(y)`.

    When an inner sub-expression is used more than once, substituting would repeat it; the
    formula then prints as `Composite{u1 = exp(i0); u1 * u1}(x)`, its inputs named `i0, i1, ...`
    and its own bindings `u1, u2, ...` (a scope of its own, apart from the outer `%1, %2`).
    """
    from graphlens.render.pp import FormulaPrinter, inner_references
    graph = inner_graph(node.op)
    inputs, outputs = list(graph.inputs), list(graph.outputs)
    references = inner_references((inputs, outputs))
    repeated = any(count > 1 for var, count in references.items() if var.owner is not None)
    if len(outputs) == 1 and not repeated and len(inputs) == len(args):
        inner = FormulaPrinter(printer.syntax, printer.names, dict(zip(inputs, args)),
                               split=False)
        inner.print_targets([("expr", outputs[0])])
        return inner.show(outputs[0])
    return printer.syntax.inner_formula(type(node.op).__name__,
                                        inner_lines(node.op, printer.syntax), args)


def show_closed_inner_graph(printer, node, args, graph):
    """A loop: `scan(fn={h[t] = tanh(x[t] @ W + h[t-1])}, steps=n)(x, h0[None, :], W)`.

    The step's inputs print under their own names (`x[t]`, `h[t-1]`), its outputs as
    `name = formula`; node inputs that no inner input stands for are keywords (`steps=`)."""
    syntax = printer.syntax
    # The step's lines joined on one line, never aligned (LaTeX's `&=` would break the call).
    body = join_ropes([TextSyntax.line(syntax, target, arrow, rhs)
                       for target, arrow, rhs in inner_lines(node.op, syntax, graph)], "; ")
    parts = [Shown(Rope("fn=").add_rope(syntax.braces(body)))]
    keyword_positions = {position for _, position in graph.keywords}
    for key, position in graph.keywords:
        parts.append(Shown(Rope(f"{key}=").add_rope(args[position].rope)))
    head = syntax.call(graph.name or type(node.op).__name__.lower(), parts)
    rest = [shown.rope for position, shown in enumerate(args)
            if position not in keyword_positions]
    return Shown(Rope().add_rope(head.rope).add("(").add_rope(join_ropes(rest, ", ")).add(")"))


def inner_lines(op, syntax, graph=None) -> list:
    """The lines of an op's inner graph. A fused kernel's inputs print as `i0, i1, ...`, its
    bindings `u1, u2, ...`; a loop's inputs and outputs under their own names (`h[t-1]`)."""
    from graphlens.render.naming import NameTable
    from graphlens.render.pp import FormulaPrinter
    graph = graph or inner_graph(op)
    inputs, outputs = list(graph.inputs), list(graph.outputs)
    if graph.substitutable:
        placeholders = {var: syntax.name(f"i{position}") for position, var in enumerate(inputs)}
        names = NameTable(reserved={f"i{position}" for position in range(len(inputs))})
    else:
        names = NameTable(reserved={var.name for var in inputs if var.name})
        placeholders = {var: syntax.name(names.name(var)) for var in inputs}
    printer = FormulaPrinter(syntax, names, placeholders, bind_prefix="u")
    if not graph.substitutable and graph.output_names:
        lines, _ = printer.print_targets([("expr", out) for out in outputs])
        head, tail = lines[:-len(outputs)], lines[-len(outputs):]
        return head + [(syntax.name(name, "bind"), "=", rhs)
                       for name, (_, _, rhs) in zip(graph.output_names, tail)]
    kinds = [("expr", out) for out in outputs] if len(outputs) == 1 else [
        ("output", out) for out in outputs]
    lines, _ = printer.print_targets(kinds)
    return lines


def inner_formula_text(op) -> str:
    """The inner graph of a fused op as one line: `i0 * exp(i1)`, `u1 = exp(i0); u1 * u1`."""
    from graphlens.render.formula import TextSyntax
    syntax = TextSyntax()
    return "; ".join(rope.plain() for rope in syntax.lines(inner_lines(op, syntax)))
