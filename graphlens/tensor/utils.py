"""Theano's `theano.tensor.utils`: a hash of an array's contents and layout, and the numeric
shape of every variable of a graph given its inputs' shapes.

>>> x = T.matrix('x'); y = x[512:]
>>> fgraph = FunctionGraph([x], [y], clone=False)
>>> shape_of_variables(fgraph, {x: (1024, 1024)})[y]
(array(512), array(1024))
"""

from __future__ import annotations

import hashlib

import numpy as np

from graphlens.errors import NotAnInputError, describe
from graphlens.graph.basic import graph_inputs
from graphlens.tensor.join import concatenate
from graphlens.tensor.static_shape import static_shapes


def hash_from_ndarray(data) -> str:
    """A hex digest of `data`'s values, shape, strides and dtype: arrays that differ in any of
    them (zeros of (1, 0) and (2, 0), int32 and uint32 zeros, a transposed view) hash apart.

    >>> hash_from_ndarray(np.zeros(3)) == hash_from_ndarray(np.zeros(3))
    True
    """
    data = np.asarray(data)
    digest = hashlib.sha256()
    for part in (np.ascontiguousarray(data).tobytes(), str(data.shape), str(data.strides),
                 str(data.dtype)):
        digest.update(hashlib.sha256(part if isinstance(part, bytes) else part.encode())
                      .digest())
    return digest.hexdigest()


def shape_of_variables(fgraph, input_shapes) -> dict:
    """{variable: shape as a tuple of 0-d int64 arrays} for every tensor variable of `fgraph`,
    given `input_shapes` ({input: shape}) of its inputs, as Theano's. Lengths the graph's ops
    fix from their inputs' lengths are worked out without data (each op's own shape rule);
    what depends on more than the inputs' shapes is computed once on zero arrays of them.

    A key that is not an input of `fgraph` raises ValueError, as in Theano.
    """
    inputs = list(fgraph.inputs)
    for var in input_shapes:
        if var not in inputs:
            raise NotAnInputError(
                f"shape_of_variables: {describe(var)} is not an input of the FunctionGraph "
                f"(its inputs: {', '.join(describe(v) for v in inputs)}); a FunctionGraph "
                f"clones its graph unless given clone=False")
    known = {var: tuple(int(d) for d in shape) for var, shape in input_shapes.items()}
    shapes = static_shapes(list(fgraph.outputs), known_shapes=known).shapes
    variables = [var for var in fgraph.variables if getattr(var.type, "ndim", None) is not None]
    unknown = [var for var in variables
               if shapes.get(var) is None or None in shapes[var]]
    if unknown:
        # Lengths that depend on the values as well: evaluated once (x.eval(), as Theano's
        # users do) on zeros of the inputs' shapes, every unknown shape in one vector.
        lengths = concatenate([var.shape for var in unknown])
        read = set(graph_inputs([lengths]))
        values = lengths.eval({var: np.zeros(known[var], dtype=var.type.dtype)
                               for var in inputs if var in read})
        start = 0
        for var in unknown:
            shapes[var] = tuple(int(d) for d in values[start:start + var.ndim])
            start += var.ndim
    return {var: tuple(np.asarray(d, dtype="int64") for d in shapes[var]) for var in variables}
