"""The base of random draws: an op of (state, size, *parameters) giving (samples, next state).

A draw reads its stream's state (an array, `random/state.py`), draws from a copy of it and
returns the samples and the state after them, as Theano's RandomFunction returned a new
RandomState with the samples: how far a draw moves the generator depends on the distribution
and the size (rejection sampling, a cached normal), so the next state is known only after the
draw. The input state is never written (DebugMode re-runs nodes). The stream's shared variable
has the draw's second output as its default update, applied after a call succeeded, so a call
that fails advances nothing. Views show the samples only (`hidden_outputs = 1`).

A draw declares `draws_random = True`, which constant folding and merge read: two draws with
equal inputs are two independent samples, never one, and a draw of constant inputs is computed
on every call, never once at compile time. Pictures draw such nodes in their own shape.

>>> from graphlens.random.distributions import Uniform           # doctest: +SKIP
>>> u = Uniform('float64')(state, T.as_tensor([2, 3]), 0.0, 1.0)  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphlens.errors import GraphlensTypeError, ShapeError, describe
from graphlens.graph.basic import Apply
from graphlens.graph.markers import disconnected
from graphlens.graph.notation import Func
from graphlens.graph.op import Op
from graphlens.graph.types import is_discrete
from graphlens.random.state import STATE_DTYPE, STATE_LENGTH, pack, random_state
from graphlens.tensor.fill import zeros_like
from graphlens.tensor.shape import _static_vector
from graphlens.tensor.type import TensorType
from graphlens.tensor.variable import as_tensor_variable
from graphlens.tensor.basic import cast

SAMPLED = "sampled, not differentiable"


def check_state_variable(state):
    """`state` as a tensor, or a GraphlensTypeError naming it when it is no stream state."""
    state = as_tensor_variable(state)
    if state.dtype != STATE_DTYPE or state.ndim != 1:
        raise GraphlensTypeError(f"a random draw needs a stream state (a uint32 vector of "
                                 f"length {STATE_LENGTH}: a RandomState's words), got "
                                 f"{describe(state)}")
    return state


@dataclass(frozen=True)
class RandomDraw(Op):
    """Base of the draws: inputs (state, size, *params), outputs (samples of `dtype`, the
    stream's state after them), as Theano's RandomFunction (which put the state first).

    `size` is an int64 vector; an empty size with parameters of rank > 0 means the parameters'
    broadcast shape (Theano's `size=None`). A subclass names its parameters in its `notation`,
    adds the axes it appends to `size` (`extra_axes`) and makes the samples (`sample`, from a
    numpy RandomState). The views show the samples only: the next state (`hidden_outputs`) is
    what the stream's default update reads.
    """

    dtype: str
    ndim: int | None = None      # rank of a symbolic size whose length is not known (Theano's)
    draws_random = True
    hidden_outputs = 1
    notation = Func("draw")
    zero_gradient_reason = SAMPLED
    gradient_remedy = ("a draw is a constant to grad: to learn a distribution's "
                            "parameters, write the sample as a differentiable function of them")

    def make_node(self, state, size, *params):
        state = self.check_state_variable(state)
        size = as_tensor_variable(size)
        if size.ndim != 1 or not is_discrete(size.dtype):
            raise ShapeError(f"{self.notation.name}: size must be a vector of ints, got "
                             f"{describe(size)}")
        if size.dtype != "int64":
            size = cast(size, "int64")
        params = [as_tensor_variable(p) for p in params]
        shape = self.output_shape(size, params)
        return Apply(self, [state, size] + params,
                     [TensorType(self.dtype, shape)(), state.type()])

    check_state_variable = staticmethod(check_state_variable)

    def output_shape(self, size, params) -> tuple:
        """The static shape of the samples: size's known entries, then `extra_axes`."""
        if size.type.shape[0] is None:
            if self.ndim is None:
                raise ShapeError(f"{self.notation.name}: the length of the symbolic size "
                                 f"{describe(size)} is unknown; pass ndim")
            return (None,) * self.ndim + self.extra_axes(params)
        dims = _static_vector(size)
        if not dims:
            dims = _broadcast_static([p.type.shape for p in params[:self.broadcast_params]])
        return tuple(dims) + self.extra_axes(params)

    # How many leading parameters broadcast into the shape when size is empty.
    broadcast_params = 2

    def extra_axes(self, params) -> tuple:
        """Static lengths of the axes a draw appends to `size` (a multinomial's categories)."""
        return ()

    def perform(self, node, inputs):
        state, size, *params = inputs
        shape = tuple(int(d) for d in size)
        rank = node.outputs[0].ndim - len(self.extra_axes(node.inputs[2:]))
        if len(shape) != rank:
            if shape:
                raise ShapeError(f"{self.notation.name}: size {shape} has {len(shape)} entries; "
                                 f"the draw was built for {rank}")
            shape = None      # size omitted: the parameters' broadcast shape
        samples, following = self.draw(state, shape, params)
        samples = np.asarray(samples, dtype=self.dtype)
        if shape is None and samples.ndim == 0 and node.outputs[0].ndim:
            # numpy gives a scalar for one sample of rank-0 parameters drawn to a shape (1,).
            samples = samples.reshape((1,) * node.outputs[0].ndim)
        return [samples, following]

    def draw(self, state, shape, params):
        """(samples, the state after them): one RandomState, positioned at a copy of `state`,
        makes the samples as Theano's RandomFunction did."""
        generator = random_state(state)
        samples = self.sample(generator, shape, *params)
        return samples, pack(generator)

    def sample(self, generator, shape, *params):
        """The samples, drawn from `generator` (a numpy RandomState) exactly as Theano drew
        them (shape None: the parameters' shape)."""
        raise NotImplementedError(f"{type(self).__name__} must define sample")

    def grad(self, inputs, output_grads):
        # The state and the size carry no gradient; each parameter an honest zero, whose
        # reason (`zero_gradient_reason`) the gradient tracer reports.
        state, size, *params = inputs
        return [disconnected(state), disconnected(size)] + [
            disconnected(p) if is_discrete(p.dtype) else zeros_like(p) for p in params]


def _broadcast_static(shapes) -> list:
    """The broadcast of static shapes: lengths where known, None where not."""
    rank = max((len(s) for s in shapes), default=0)
    result = []
    for axis in range(rank):
        lengths = {s[axis - rank + len(s)] for s in shapes if axis - rank + len(s) >= 0}
        known = lengths - {1, None}
        if len(known) == 1 and None not in lengths:
            result.append(known.pop())
        elif lengths == {1}:
            result.append(1)
        else:
            result.append(None)
    return result
