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
    try:
        parameters = list(inspect.signature(perform).parameters.values())
    except (TypeError, ValueError):
        return False
    positional = [p for p in parameters
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return len(positional) >= 4


def returning_perform(theano_perform):
    """Theano's storage-writing perform as graphlens's list-returning one (the evaluator's one
    convention): each output gets a fresh cell, and what the op wrote there is the result."""

    @functools.wraps(theano_perform)
    def perform(self, node, inputs):
        storage = [[None] for _ in node.outputs]
        theano_perform(self, node, inputs, storage)
        results = []
        for cell, out in zip(storage, node.outputs):
            if cell[0] is None:
                raise GraphlensTypeError(f"{self}: perform wrote no value for output "
                                         f"{describe(out)} (set output_storage[i][0])")
            results.append(cell[0] if isinstance(cell[0], np.ndarray) else np.asarray(cell[0]))
        return results

    perform.writes_into_storage = True
    return perform


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
