"""Test values (Theano's `compute_test_value`): shape errors at the line that wrote them.

Give the inputs example values (`x.tag.test_value = np.zeros((5, 784))`) and set
`graphlens.config.compute_test_value` to 'ignore', 'warn' or 'raise': every node built from
then on is evaluated on its inputs' test values as it is built, its outputs get
`tag.test_value`, and an op that fails (a `dot` of mismatched shapes) raises at once, naming the
op, its inputs' shapes and the user's line, instead of failing later inside a compiled function.

`Tag` itself, with the check of an assigned test value, lives on the variable (graph/basic.py).
Shared variables and constants need no tag: their value is their test value. The modes differ
only in what a *missing* test value on an input does: 'ignore' skips the node silently, 'warn'
warns once per node naming the input, 'raise' raises naming the input and its line.

>>> x = T.dmatrix('x'); x.tag.test_value = np.ones((2, 3))        # doctest: +SKIP
>>> with config.change_flags(compute_test_value='raise'):         # doctest: +SKIP
...     (x * 2).tag.test_value.shape
(2, 3)
"""

from __future__ import annotations

import warnings

import numpy as np

from graphlens.errors import (MissingTestValueError, TestValueError, TestValueWarning,
                              describe, where)

# Marks a variable whose test value could not be computed (an input upstream had none), so a
# later node finds that out in one look-up instead of walking its ancestors again.
_MISSING_BELOW = "_test_value_missing_input"


def test_value_of(variable):
    """The test value of `variable` (its tag's, or a shared variable's or constant's value), or
    None when it has none.

    >>> test_value_of(T.constant(2.0))                                     # doctest: +SKIP
    array(2.)
    """
    tag = getattr(variable, "_tag", None)     # see tagged_test_value
    if tag is not None:
        value = tag.__dict__.get("test_value")
        if value is not None:
            return value
    return variable.implicit_test_value()


test_value_of.__test__ = False  # pytest: a function, not a test


def tagged_test_value(variable):
    """The test value set or computed on `variable`'s tag, or None: a shared variable's or a
    constant's own value does not count (printers show these only where one was given)."""
    # getattr, not `variable.__dict__`: reading __dict__ makes Python build a dict for every
    # variable asked (2 us each; a debugprint of 100,000 nodes asks every one).
    tag = getattr(variable, "_tag", None)
    return None if tag is None else tag.__dict__.get("test_value")


def compute_test_values(node, mode):
    """Evaluate `node` on its inputs' test values and store each output's `tag.test_value`.

    `mode` is the flag's value ('ignore', 'warn' or 'raise'). An op that fails raises a
    TestValueError (also of its cause's built-in class) naming the op, its inputs' shapes and
    the line that built the node, whatever the mode.
    """
    values = []
    for index, var in enumerate(node.inputs):
        value = test_value_of(var)
        if value is None and var.owner is not None and _MISSING_BELOW not in var.__dict__:
            # An intermediate some op built with make_node directly: evaluate its producers.
            _compute_upstream(var, mode)
            value = test_value_of(var)
        if value is None:
            _missing(node, index, var, mode)
            return
        values.append(value)
    # An op that overwrites an input gets a copy: the test value belongs to its variable.
    for positions in node.op.destroy_map.values():
        for position in positions:
            values[position] = np.array(values[position], copy=True)
    try:
        results = node.op.perform(node, values)
    except Exception as exc:
        raise TestValueError.caused_by(_failure_message(node, values, exc), exc) from exc
    for output, result in zip(node.outputs, results):
        output.tag.__dict__["test_value"] = result


def _compute_upstream(var, mode):
    """Compute the test values of the nodes `var` depends on that have none yet, inputs first
    (an explicit stack: the chain may be long); each node is tried once."""
    stack, tried = [var.owner], set()
    while stack:
        node = stack[-1]
        if node in tried:
            stack.pop()
            continue
        waiting = [inp.owner for inp in node.inputs
                   if inp.owner is not None and inp.owner not in tried
                   and test_value_of(inp) is None and _MISSING_BELOW not in inp.__dict__]
        if waiting:
            stack.extend(waiting)
            continue
        stack.pop()
        tried.add(node)
        compute_test_values(node, mode)


def _missing(node, index, var, mode):
    """An input of `node` has no test value: mark the outputs, then skip, warn or raise."""
    root = var.__dict__.get(_MISSING_BELOW, var)
    for output in node.outputs:
        output.__dict__[_MISSING_BELOW] = root
    if mode == "ignore":
        return
    cause = "" if root is var else f"; it depends on {describe(root)}, which has none"
    message = (f"cannot compute the test value of {node.op.label} built at "
               f"{where(node.outputs[0])}: input {index}, {describe(var)}, has no test value"
               f"{cause}. Set `{_name(root)}.tag.test_value`, or compute_test_value='off'")
    if mode == "warn":
        site = node.outputs[0].creation_site or ("<unknown>", 0)
        warnings.warn_explicit(message, TestValueWarning, site[0], site[1])
        return
    raise MissingTestValueError(message)


def _name(var):
    return var.name or "var"


def _failure_message(node, values, exc) -> str:
    """What failed: the op, the user's line, each input's type, line, and test value's shape."""
    lines = [f"{node.op.label} failed on the test values at {where(node.outputs[0])} "
             f"(compute_test_value is on): {type(exc).__name__}: {exc}"]
    for i, (var, value) in enumerate(zip(node.inputs, values)):
        shown = f"shape {np.shape(value)}, dtype {getattr(value, 'dtype', type(value).__name__)}"
        lines.append(f"  input {i}: {describe(var)}: test value of {shown}")
    return "\n".join(lines)
