"""Ops written as Theano's "Making your own Op" tutorial writes them, run by graphlens unchanged.

A Theano op is a plain class (no dataclass) that says what makes two instances equal in
`__props__`, writes its results into `output_storage` instead of returning them, and may give
`itypes`/`otypes` instead of a `make_node`. `graphlens.graph.op.Op` calls `adapt_subclass` for
each subclass; graphlens's own ops (frozen dataclasses returning a list) pass through untouched.

>>> class Double(Op):
...     __props__ = ()
...     itypes, otypes = [T.dmatrix], [T.dmatrix]
...     def perform(self, node, inputs, output_storage):
...         output_storage[0][0] = inputs[0] * 2
"""

from __future__ import annotations

import functools
import inspect

import numpy as np

from graphlens.errors import GraphlensTypeError, describe
from graphlens.graph.basic import Apply


def writes_into_storage(perform) -> bool:
    """True for Theano's `perform(self, node, inputs, output_storage[, params])`."""
    return _positional_count(perform) >= 4


def returning_perform(theano_perform):
    """Theano's storage-writing perform as graphlens's list-returning one (the evaluator's one
    convention): each output gets a fresh cell, and what the op wrote there is the result."""

    # Theano's params: an op with `get_params(node)` (its `params_type = Generic()`, say) whose
    # perform takes a fifth argument gets them on each call, as Theano's linker gave them.
    takes_params = _positional_count(theano_perform) >= 5

    @functools.wraps(theano_perform)
    def perform(self, node, inputs):
        storage = [[None] for _ in node.outputs]
        get_params = getattr(self, "get_params", None) if takes_params else None
        if get_params is not None:
            theano_perform(self, node, inputs, storage, get_params(node))
        else:
            theano_perform(self, node, inputs, storage)
        return _results(self, node, storage)

    perform.writes_into_storage = True
    return perform


def returning_instance_perform(op, theano_perform):
    """`returning_perform` for a perform given to one op (`mul.perform = perform` in Theano's
    tutorial): a plain function of (node, inputs, output_storage), no `self`."""

    @functools.wraps(theano_perform)
    def perform(node, inputs):
        storage = [[None] for _ in node.outputs]
        theano_perform(node, inputs, storage)
        return _results(op, node, storage)

    perform.writes_into_storage = True
    return perform


def _results(op, node, storage) -> list:
    """What a Theano-style perform wrote into `storage`: arrays for tensor outputs, the value
    itself for a type whose values are not arrays (a Theano-style `double` holds floats)."""
    results = []
    for cell, out in zip(storage, node.outputs):
        value = cell[0]
        if value is None:
            raise GraphlensTypeError(f"{op}: perform wrote no value for output "
                                     f"{describe(out)} (set output_storage[i][0])")
        if not isinstance(value, np.ndarray) and getattr(out.type, "array_values", True):
            value = np.asarray(value)
        results.append(value)
    return results


def set_on_a_bare_op(op, name, value) -> None:
    """Theano's tutorial makes an op as `mul = gof.Op()` and gives it its methods one by one
    (`mul.make_node = make_node`, `mul.perform = perform`, `myop.view_map = {0: [0]}`): a bare
    Op takes them, a perform writing into output_storage made to return its results."""
    if name == "perform" and callable(value) and _positional_count(value) >= 3:
        value = returning_instance_perform(op, value)
    object.__setattr__(op, name, value)


def _positional_count(function) -> int:
    try:
        parameters = list(inspect.signature(function).parameters.values())
    except (TypeError, ValueError):
        return 0
    return sum(1 for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD))


def make_node_from_types(self, *inputs):
    """Theano's make_node for an op that gives `itypes` and `otypes`: the inputs must have
    exactly those types; the outputs are fresh variables of `otypes`."""
    name = type(self).__name__
    if len(inputs) != len(self.itypes):
        raise GraphlensTypeError(f"{name} expects {len(self.itypes)} inputs but got "
                                 f"{len(inputs)}")
    for position, (inp, wanted) in enumerate(zip(inputs, self.itypes)):
        if getattr(inp, "type", None) != wanted:
            raise GraphlensTypeError(f"{name}: input {position} must be of type {wanted}, got "
                                     f"{describe(inp)}")
    return Apply(self, list(inputs), [out_type() for out_type in self.otypes])


def adapt_subclass(cls) -> None:
    """Give a Theano-style Op subclass graphlens's conventions, in place; others untouched."""
    perform = cls.__dict__.get("perform")
    if perform is not None and writes_into_storage(perform):
        cls.perform = returning_perform(perform)
    if "itypes" in cls.__dict__ and "make_node" not in cls.__dict__ \
            and cls.__dict__.get("otypes") is not None:
        cls.make_node = make_node_from_types


def props_of(op) -> tuple:
    """The names that make two instances of a Theano-style op equal (`__props__`), or None
    when the class gives none (instances are then equal only to themselves, as in Theano)."""
    return getattr(type(op), "__props__", None)
