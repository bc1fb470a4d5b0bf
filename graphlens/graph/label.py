"""How an op is named, in every view and message: errors, debugprint, pp, pictures, the profiler.

The one rule: the class name, then the props that say something, compactly: a prop left at its
default is left out, a tuple of one prints as its item, a string unquoted, an index as it is
written. `Sum{axis=1}`, `Dot22{transpose_b=True}`, `Subtensor{1:3, ::2}`, `Cast{dtype=float32}`,
`AdvancedIncSubtensor{adv, inc}`. An op whose name is more than its props (a scalar op's
Theano name `add`, a fused kernel's formula, a graph the user named) overrides `Op.label` on
its class; every view reads `op.label`, so the two never differ.

>>> default_label(Sum(axis=(1,)))        # doctest: +SKIP
'Sum{axis=1}'
"""

from __future__ import annotations

import dataclasses
import functools

import numpy as np

from graphlens.graph.basic import Variable


def default_label(op) -> str:
    """`op`'s name by the one rule: its class name and its non-default props, compactly.

    >>> default_label(Dot22(transpose_b=True)), default_label(Dot22())   # doctest: +SKIP
    ('Dot22{transpose_b=True}', 'Dot22')
    """
    props = op.props
    defaults = prop_defaults(type(op))
    if getattr(type(op), "labelled_as_call", False):
        # The op reads as the call that built it: conv2d(border_mode='half'); with every
        # option at its default, the bare name (conv2d), as the user wrote no options.
        notation = op.notation
        # A None prop is left out, as pp leaves it out (a pool whose window is an input).
        parts = [f"{key}={_call_value(props[key])}" for key in notation.params
                 if props[key] is not None
                 and not (key in defaults and props[key] == defaults[key])]
        return f"{notation.name}({', '.join(parts)})" if parts else notation.name
    # An op may name props that are drawn rather than spelled (a loop's inner graph).
    hidden = getattr(type(op), "hidden_props", ())
    parts = [_prop_text(key, value) for key, value in props.items()
             if key not in hidden and _shown_prop(value)
             and not (key in defaults and _equal(value, defaults[key]))]
    name = type(op).__name__
    return f"{name}{{{', '.join(parts)}}}" if parts else name


def _equal(value, default) -> bool:
    # Compared only within a type: a prop holding an array (whose == is elementwise) next to a
    # None default is simply not the default.
    return value is default or (type(value) is type(default) and value == default)


@functools.lru_cache(maxsize=None)
def prop_defaults(op_class) -> dict:
    """{prop: default value} of an op class's dataclass fields that have a default: a param
    left at its default says nothing (`Dot22`, not `Dot22{transpose_a=False, ...}`)."""
    fields = getattr(op_class, "__dataclass_fields__", {})
    return {name: field.default for name, field in fields.items()
            if field.default is not dataclasses.MISSING}


def value_text(value) -> str:
    """A prop value, compact and deterministic: `1` for the axis tuple `(1,)`, `float32` for a
    dtype string, a function's name, the class name for another object without a plain-data
    form (its repr would print its id()).

    >>> value_text((1,)), value_text('float32'), value_text((0, 2))
    ('1', 'float32', '(0, 2)')
    """
    if isinstance(value, tuple):
        if len(value) == 1:
            return value_text(value[0])
        return "(" + ", ".join(value_text(v) for v in value) + ")"
    if isinstance(value, list):         # an op written for Theano may keep a list
        return "[" + ", ".join(value_text(v) for v in value) + "]"
    if isinstance(value, str):
        return value
    if value is None or isinstance(value, (bool, int, float, np.integer, np.floating)):
        return str(value)
    if callable(value) and hasattr(value, "__name__"):
        return value.__name__
    return type(value).__name__


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
        # Symbolic parts are inputs, not props: `?` for a bound, `adv` for an index array.
        return ", ".join("".join(pieces) for pieces in index_entries(value, _symbolic_marks(value)))
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
