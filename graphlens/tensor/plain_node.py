"""The node of an elementwise op whose inputs need no broadcasting work: Elemwise.make_node's
common case, taken without its general machinery.

Most nodes a gradient builds (and many a user builds) read tensors of one rank whose static
shapes agree, or are all ones (`fill(x, [1.0])`), and Python number literals (`1 - sqr(y)`,
`gz * 2`). Their result is known without padding or a broadcast check: the shape is the one
that is not all ones, the dtype the inputs' upcast; a literal becomes its final constant at
once (its data cast and padded once per literal, dtype and rank: tensor/literals.py), instead
of a rank-0 constant retyped, then padded into a second one. Anything else (ranks that differ,
shapes to broadcast, a weak constant of the user's, a type that is not a plain TensorType)
answers None, and the general path (which also words the errors) builds the node.

>>> plain_node(shared_op(Sub), (1, y)).inputs[0].type       # doctest: +SKIP
TensorType(float64, (1,))
"""

from __future__ import annotations

from graphlens.graph.basic import Apply
from graphlens.graph.op import kept_constant
from graphlens.graph.types import upcast_names
from graphlens.tensor.literals import literal, padded_data, retyped_data
from graphlens.tensor.type import TensorType, tensor_type
from graphlens.tensor.variable import TensorConstant, TensorVariable


def plain_node(op, inputs, kinds_of):
    """The Apply of elementwise `op` on `inputs` when they need no broadcasting work (see the
    module's docstring), else None. `kinds_of` maps a dtype name to numpy's kind letter."""
    shape = None
    dtypes = []
    literals = False
    for x in inputs:
        cls = x.__class__
        if cls is float or cls is int:
            found = literal(x)
            if found is None:           # an int too large for any dtype: the general path says
                return None
            dtypes.append(found[1].dtype)
            literals = True
            continue
        if not isinstance(x, TensorVariable):
            return None
        type_ = x.type
        if type_.__class__ is not TensorType or isinstance(x, TensorConstant) and x.weak:
            return None
        lengths = type_.shape
        if shape is None:
            shape = lengths
        elif lengths is not shape and lengths != shape:
            # Only all-ones against another shape of the same rank broadcasts by itself.
            if len(lengths) != len(shape):
                return None
            if _all_ones(lengths):
                pass
            elif _all_ones(shape):
                shape = lengths
            else:
                return None
        dtypes.append(type_.dtype)
    if shape is None:
        return None
    common = upcast_names(dtypes)
    if kinds_of[common] not in op.kinds:
        return None
    if literals:
        # As the general path: a literal of another dtype takes `common` and is no longer weak.
        inputs = [_of_number(x, common, len(shape))
                  if x.__class__ is float or x.__class__ is int else x for x in inputs]
    else:
        inputs = list(inputs)
    out_type = tensor_type(op.output_dtype(common), shape)
    return Apply(op, inputs, [out_type.variable_class(out_type)])


def _all_ones(lengths) -> bool:
    for length in lengths:
        if length != 1:
            return False
    return True


def _of_number(value, dtype, ndim):
    data, type_ = literal(value)
    return literal_constant(data, type_, dtype, ndim, type_.dtype == dtype)


def literal_constant(data, type_, dtype, ndim, weak):
    """The constant of a literal's read-only `data` (of `type_`) cast to `dtype` and padded to
    rank `ndim`, marked `weak` or not, its data shared with every other use (tensor/literals.py).
    Inside a shared build (grad) the constant kept for that data is reused, not made again
    (graph/op.py).

    >>> literal_constant(*literal(0), 'float64', 1, False).type    # doctest: +SKIP
    TensorType(float64, (1,))
    """
    if type_.dtype != dtype:
        data, type_ = retyped_data(data, dtype)
    if ndim:
        data, type_ = padded_data(data, ndim)
    kept = kept_constant(data, type_, weak)
    return kept if kept is not None else TensorConstant(type_, data, weak=weak)
