"""Theano's `tensor.raw_random`: draws from a random-state variable the user holds, each giving
(the state after the draw, the samples), as Theano's functions did.

A `RandomStateType` variable takes a numpy `RandomState` as its value (an argument, an `In`'s
value, a shared variable's); a compiled function returns a state output as a new RandomState.
The draws are the RandomStreams ops (`random/distributions.py`), so the numbers are Theano's.
`RandomFunction(fn, outtype)` is Theano's op for any RandomState method.

>>> import numpy as np, graphlens
>>> rng = random_state_type(); new_rng, u = uniform(rng, (2,))
>>> f = graphlens.function([rng], [new_rng, u])
>>> after, values = f(np.random.RandomState(3))
>>> bool((values == np.random.RandomState(3).uniform(size=2)).all()), type(after).__name__
(True, 'RandomState')
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from graphlens.config import config
from graphlens.errors import GraphlensTypeError, ShapeError, describe
from graphlens.graph.basic import Apply, Variable
from graphlens.graph.markers import undefined
from graphlens.graph.notation import Func
from graphlens.graph.op import Op
from graphlens.graph.types import upcast
from graphlens.random.distributions import (  # noqa: F401  (Theano's helpers, re-exported)
    Binomial, Choice, Multinomial, Normal, Permutation, Poisson, RandomIntegers, Uniform,
    choice_helper, multinomial_helper, permutation_helper, random_integers_helper)
from graphlens.random.state import (STATE_DTYPE, STATE_LENGTH, as_words, new_random_state,
                                    pack, random_state, state_tuple)
from graphlens.tensor.basic import dtype_name
from graphlens.tensor.shape import _shape_vector, _static_vector
from graphlens.tensor.type import TensorType
from graphlens.tensor.variable import as_tensor_variable, constant


class RandomStateType(TensorType):
    """The type of a variable holding a numpy RandomState (Theano's): its values are given and
    returned as RandomStates; the engine carries them as the uint32[628] words of
    `random/state.py`, which every draw reads.

    >>> random_state_type.filter(np.random.RandomState(1)).shape
    (628,)
    """

    def __init__(self):
        super().__init__(STATE_DTYPE, (STATE_LENGTH,))

    def __eq__(self, other):
        return type(other) is RandomStateType

    def __hash__(self):
        return hash(RandomStateType)

    def __str__(self):
        return "RandomStateType"

    def __repr__(self):
        return "RandomStateType()"

    def clone(self, dtype=None, shape=None, *, broadcastable=None):
        return self

    def filter(self, value, *, allow_downcast=False, what="value", strict=False):
        """A RandomState (or its words) as the words a draw reads; anything else a TypeError."""
        try:
            return as_words(value, what)
        except ValueError as exc:
            raise GraphlensTypeError(str(exc)) from exc

    def is_valid_value(self, value) -> bool:
        """True for a numpy RandomState (Theano's test)."""
        return isinstance(value, np.random.RandomState)

    def values_eq(self, a, b, force_same_dtype=True) -> bool:
        """True when two RandomStates (or their words) are at the same point of one sequence."""
        return bool(np.array_equal(as_words(a, "a"), as_words(b, "b")))

    def user_value(self, words):
        """What a compiled function returns for an output of this type: a new RandomState."""
        return new_random_state(words)

    def follow(self, user_object, words):
        """Set a RandomState handed to the user (`f[rng]`) to `words`, in place: Theano's
        function moved that very object on, so the user's reference stays current."""
        user_object.set_state(state_tuple(as_words(words, "a random state")))


random_state_type = RandomStateType()


@dataclass(frozen=True)
class RandomFunction(Op):
    """Theano's op drawing with `fn`, a numpy RandomState method (or its name, 'uniform'),
    called as fn(state, *args, size): inputs (state, size, *args), outputs (the state after
    the draw, samples of `outtype`). `ndim_added`: axes fn appends to `size` (a multinomial's
    categories). `inplace=True` writes the new state over the input state's array.

    >>> rf = RandomFunction('uniform', T.dvector)
    >>> new_rng, u = rf(random_state_type(), (4,), 0.0, 1.0)
    """

    fn: object
    outtype: TensorType
    inplace: bool = False
    ndim_added: int = 0
    notation = Func("RandomFunction")
    zero_gradient_reason = "sampled, not differentiable"

    @property
    def destroy_map(self):
        return {0: [0]} if self.inplace else {}

    @property
    def exec_fn(self):
        """The RandomState method called (Theano's attribute)."""
        return getattr(np.random.RandomState, self.fn) if isinstance(self.fn, str) else self.fn

    @property
    def label(self):
        return f"RandomFunction{{{self.exec_fn.__name__}}}"

    def __str__(self):
        return self.label

    def make_node(self, r, shape, *args):
        r = as_tensor_variable(r)
        if r.dtype != STATE_DTYPE or r.type.shape != (STATE_LENGTH,):
            raise GraphlensTypeError(f"{self.label}: the first input must hold a RandomState "
                                     f"(random_state_type()), got {describe(r)}")
        shape = _shape_vector(shape) if shape != () else constant(np.zeros(0, dtype="int64"))
        if shape.ndim != 1 or shape.dtype not in ("int32", "int64"):
            raise ShapeError(f"{self.label}: shape must be a vector of ints, got "
                             f"{describe(shape)}")
        args = [as_tensor_variable(a) for a in args]
        return Apply(self, [r, shape] + args, [r.type(), self.outtype()])

    def perform(self, node, inputs):
        state, shape, *args = inputs
        shape = None if len(shape) == 0 else tuple(int(d) for d in shape)
        out_ndim = node.outputs[1].ndim
        if shape is not None and out_ndim != len(shape) + self.ndim_added:
            raise ShapeError(f"{self.label}: the output has rank {out_ndim} but shape {shape} "
                             f"has {len(shape)} entries (+ {self.ndim_added} added)")
        generator = random_state(state)
        samples = np.asarray(self.exec_fn(generator, *args, shape),
                             dtype=node.outputs[1].dtype)
        if shape is None and samples.ndim == 0 and out_ndim:
            samples = samples.reshape((1,) * out_ndim)
        if samples.ndim != out_ndim:
            raise ShapeError(f"{self.label}: {self.exec_fn.__name__} gave rank {samples.ndim}, "
                             f"the output has rank {out_ndim}")
        following = pack(generator)
        if self.inplace:
            state[...] = following        # declared in destroy_map: the caller's array moves
            following = state
        return [following, samples]

    def grad(self, inputs, output_grads):
        return [undefined(x, f"{self.label}: no gradient through raw random numbers")
                for x in inputs]


def uniform(random_state, size=None, low=0.0, high=1.0, ndim=None, dtype=None):
    """(new state, samples uniform in [low, high)) drawn from `random_state`.

    >>> new_rng, u = uniform(random_state_type(), (2, 3), low=-1.0)
    """
    low, high = as_tensor_variable(low), as_tensor_variable(high)
    dtype = _float_dtype(dtype, [low, high])
    return _draw(Uniform(dtype, ndim=_ndim(ndim)), random_state, _size(size, ndim, low, high), low, high)


def normal(random_state, size=None, avg=0.0, std=1.0, ndim=None, dtype=None):
    """(new state, normal samples of mean `avg` and standard deviation `std`)."""
    avg, std = as_tensor_variable(avg), as_tensor_variable(std)
    dtype = _float_dtype(dtype, [avg, std])
    return _draw(Normal(dtype, ndim=_ndim(ndim)), random_state, _size(size, ndim, avg, std), avg, std)


def binomial(random_state, size=None, n=1, p=0.5, ndim=None, dtype="int64", prob=None):
    """(new state, successes in `n` trials of probability `p`)."""
    if prob is not None:
        p = prob
    n, p = _int_param(n, "binomial", "n"), as_tensor_variable(p)
    return _draw(Binomial(dtype_name(dtype), ndim=_ndim(ndim)), random_state,
                 _size(size, ndim, n, p), n, p)


def poisson(random_state, size=None, lam=1.0, ndim=None, dtype="int64"):
    """(new state, counts of events at rate `lam`)."""
    lam = as_tensor_variable(lam)
    if size is None and ndim is not None and ndim != lam.ndim:
        # Theano refused any poisson without a size; a size taken from lam is graphlens's,
        # and then ndim must be lam's rank.
        raise GraphlensTypeError(f"poisson: ndim={ndim} but size is None, so the samples "
                                 f"take the shape of lam {describe(lam)}")
    return _draw(Poisson(dtype_name(dtype), ndim=_ndim(ndim)), random_state,
                 _size(size, ndim, lam), lam)


def random_integers(random_state, size=None, low=0, high=1, ndim=None, dtype="int64"):
    """(new state, integers uniform in [low, high], both included)."""
    low = _int_param(low, "random_integers", "low")
    high = _int_param(high, "random_integers", "high")
    return _draw(RandomIntegers(dtype_name(dtype), ndim=_ndim(ndim)), random_state,
                 _size(size, ndim, low, high), low, high)


def choice(random_state, size=None, a=2, replace=True, p=None, ndim=None, dtype="int64"):
    """(new state, entries of `a` (an int n: of arange(n)), with probabilities `p`)."""
    a = as_tensor_variable(a)
    if a.ndim > 1:
        raise ShapeError(f"choice: a must be an int or a vector, got {describe(a)}")
    params = [a] if _no_probabilities(p) else [a, as_tensor_variable(p)]
    return _draw(Choice(dtype_name(dtype), ndim=_ndim(ndim), replace=bool(replace)),
                 random_state, _size(size, ndim), *params)


def permutation(random_state, size=None, n=1, ndim=None, dtype="int64"):
    """(new state, permutations of 0 .. n-1, one per entry of `size`: shape size + (n,))."""
    if (size is None or size == ()) and ndim not in (None, 1):
        raise GraphlensTypeError(f"permutation: size None asks for one permutation (rank 1), "
                                 f"but ndim={ndim}")
    return _draw(Permutation(dtype_name(dtype), ndim=_ndim(ndim)), random_state,
                 _size(size, None if size is None else ndim), _int_param(n, "permutation", "n"))


def multinomial(random_state, size=None, n=1, pvals=(0.5, 0.5), ndim=None, dtype="int64"):
    """(new state, counts of `n` draws among the categories of `pvals`, its last axis)."""
    pvals = as_tensor_variable(pvals)
    if pvals.ndim == 0:
        raise ShapeError(f"multinomial: pvals must have an axis of categories, got "
                         f"{describe(pvals)}")
    n = _int_param(n, "multinomial", "n")
    # A -1 in size takes its length from n or from pvals without its axis of categories.
    rows = pvals.T[0].T
    return _draw(Multinomial(dtype_name(dtype), ndim=_ndim(ndim)), random_state,
                 _size(size, ndim, n, rows), n, pvals)


def _infer_ndim_bcast(ndim, shape, *args):
    """(ndim, the int64 size vector, Theano's broadcastable pattern) of draws of `shape` with
    parameters `args`: Theano's helper for writing a draw with `RandomFunction`.

    >>> _infer_ndim_bcast(None, (2, 1))[0::2]
    (2, (False, True))
    """
    args = [as_tensor_variable(a) for a in args]
    args_ndim = max((a.ndim for a in args), default=0)
    if shape is None:
        if not args:
            raise GraphlensTypeError("_infer_ndim_bcast: size None needs parameters to take "
                                     "the shape from")
        template = args[0]
        for a in args[1:]:
            template = template + a
        ndim, vector, bcast = template.ndim, template.shape, template.broadcastable
    else:
        if isinstance(shape, (tuple, list)) and ndim is not None and len(shape) != ndim:
            raise ShapeError(f"ndim should be equal to len(shape): ndim={ndim}, shape={shape}")
        vector = _size(shape, ndim, *args)
        if ndim is None:
            ndim = vector.type.shape[0]
            if ndim is None:
                raise ShapeError(f"the length of size {describe(vector)} is unknown; give ndim")
        known = _static_vector(vector) if isinstance(shape, (tuple, list)) else [None] * ndim
        bcast = tuple(length == 1 for length in known) or ()
    if args_ndim > ndim:
        raise ShapeError(f"ndim ({ndim}) should be at least the parameters' rank ({args_ndim})")
    return ndim, vector, tuple(bcast)


def _draw(op, random_state, size, *params):
    """Theano's order: (the state after the draw, the samples)."""
    samples, following = op(random_state, size, *params)
    return following, samples


def _ndim(ndim):
    return None if ndim is None else int(ndim)


def _size(size, ndim, *params):
    """`size` as an int64 vector: None (the parameters' shape), an int, a tuple of ints and
    symbolic scalars, or a symbolic vector (`x.shape`). In a tuple, -1 is Theano's "the length
    of this axis in the parameters" (right-aligned, from the first one not broadcast there)."""
    if size is None:
        # Theano's rule: the parameters' shape, whatever ndim says.
        return constant(np.zeros(0, dtype="int64"))
    if isinstance(size, (numbers.Integral, np.integer)):
        size = (int(size),)
    if isinstance(size, Variable) and size.ndim == 0:
        size = (size,)
    if isinstance(size, (tuple, list)) and any(
            not isinstance(d, Variable) and d == -1 for d in size):
        size = _auto_lengths(tuple(size), params)
    vector = _shape_vector(size)
    if ndim is not None and vector.type.shape[0] is not None and vector.type.shape[0] != ndim:
        raise ShapeError(f"random draw: ndim={ndim} but size {describe(vector)} has "
                         f"{vector.type.shape[0]} entries")
    return vector


def _auto_lengths(size, params) -> tuple:
    """`size` with each -1 replaced by the parameters' length on that axis (1 when every
    parameter reaching it broadcasts there), as Theano's `_infer_ndim_bcast`."""
    rank, lengths = len(size), []
    for axis, length in enumerate(size):
        if isinstance(length, Variable) or length != -1:
            lengths.append(length)
            continue
        reaching = [p for p in params if axis >= rank - p.ndim]
        if not reaching:
            raise ShapeError(f"random draw: size {size} has -1 at axis {axis}, where no "
                             f"parameter has an axis to take its length from")
        given = [p for p in reaching if p.type.shape[axis + p.ndim - rank] != 1]
        lengths.append(given[0].shape[axis + given[0].ndim - rank] if given else 1)
    return tuple(lengths)


def _no_probabilities(p) -> bool:
    """Theano's `p or []`: None, an empty list or a zero number mean no probabilities."""
    if p is None or isinstance(p, Variable):
        return p is None
    return np.size(p) == 0 or (np.ndim(p) == 0 and not p)


def _float_dtype(dtype, params) -> str:
    """Theano's rule: the given dtype, else floatX upcast with the parameters' own float
    dtypes (Python numbers do not count)."""
    if dtype is not None:
        return dtype_name(dtype)
    strong = [p.dtype for p in params if not getattr(p, "weak", False)]
    return upcast(config.floatX, *strong) if strong else config.floatX


def _int_param(value, draw, name):
    var = as_tensor_variable(value)
    if var.dtype not in ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32"):
        raise GraphlensTypeError(f"{draw}: {name} must be an integer, got {describe(var)}")
    return var


__all__ = ["RandomStateType", "random_state_type", "RandomFunction", "uniform", "normal",
           "binomial", "poisson", "random_integers", "choice", "permutation", "multinomial",
           "random_integers_helper", "choice_helper", "permutation_helper", "multinomial_helper"]
