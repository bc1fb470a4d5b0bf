"""Theano's `theano.compile.monitormode`: a mode whose functions call the user's own functions
before and after every node, with the node and its values. Theano's "how do I print every
node's inputs and outputs" and "where does the NaN come from" recipes use it.

`pre_func(i, node, fn)` and `post_func(i, node, fn)`: `i` the node's position in the program,
`node` the (rewritten) Apply node, `fn.inputs` and `fn.outputs` one-element lists holding the
values (`[input[0] for input in fn.inputs]`); before the node runs, its outputs hold None.

>>> def inspect_outputs(i, node, fn):
...     print(i, node, [output[0] for output in fn.outputs])
>>> f = function([x], 5 * x, mode=MonitorMode(post_func=inspect_outputs))   # doctest: +SKIP
>>> f(3.0)                                                              # doctest: +SKIP
0 Mul(5.0, x) [array(15.)]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphlens.compile.mode import Mode
from graphlens.compile.profiling import apply_name
from graphlens.errors import where


class NodeCall:
    """What a monitor function receives as `fn`: the node's values, each in a one-element list
    (Theano's storage cells), `inputs` and `outputs`."""

    __slots__ = ("inputs", "outputs")

    def __init__(self, inputs, outputs):
        self.inputs = inputs
        self.outputs = outputs


@dataclass(frozen=True, init=False)
class MonitorMode(Mode):
    """Theano's MonitorMode(pre_func=None, post_func=None, optimizer='default', linker=None):
    FAST_RUN's rewrites (or `optimizer`'s), the user's functions around every node.

    >>> mode = MonitorMode(post_func=detect_nan)                       # doctest: +SKIP
    """

    pre_func: object = None
    post_func: object = None

    def __init__(self, pre_func=None, post_func=None, optimizer="default", linker=None):
        Mode.__init__(self, linker=linker, optimizer=optimizer)
        object.__setattr__(self, "pre_func", pre_func)
        object.__setattr__(self, "post_func", post_func)

    def monitored(self, inner=None):
        """A perform wrapper (compile/vm.py `wrap_perform`) calling pre_func and post_func
        around each node, numbered in the order the evaluator sets them up (its program's);
        `inner(node)`, when given (the NaN guard), is what runs in between."""
        pre, post, positions = self.pre_func, self.post_func, {}

        def wrap(node):
            perform = node.op.perform if inner is None else inner(node)
            i = positions.setdefault(node, len(positions))

            def monitored_perform(node, inputs):
                call = NodeCall([[value] for value in inputs], [[None] for _ in node.outputs])
                if pre is not None:
                    pre(i, node, call)
                results = perform(node, inputs)
                call.outputs = [[value] for value in results]
                if post is not None:
                    post(i, node, call)
                return results
            return monitored_perform
        return wrap


def detect_nan(i, node, fn):
    """Theano's ready-made post_func: when a node's output holds NaN, print the node (with
    the line that built it), its inputs and its outputs; the run goes on.

    >>> f = function([x], T.log(x) * x, mode=MonitorMode(post_func=detect_nan))  # doctest: +SKIP
    """
    for output in fn.outputs:
        value = output[0]
        if isinstance(value, np.ndarray) and value.dtype.kind in "fc" and np.isnan(value).any():
            print(f"*** NaN detected *** node {i}: {apply_name(node)}, built at "
                  f"{where(node.outputs[0])}")
            print(f"Inputs : {[input[0] for input in fn.inputs]}")
            print(f"Outputs: {[output[0] for output in fn.outputs]}")
            break
