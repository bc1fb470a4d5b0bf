"""`RandomStreams`: symbolic random variables whose streams advance on every call, drawing
Theano's numbers.

Each draw (`srng.uniform((2, 2))`) gets a stream of its own: a shared variable (`u.rng`) holding
a numpy RandomState, seeded as Theano seeded it (`RandomState(seed).randint(2**30)` per stream,
in the order the draws were made), whose default update is the state after the draw, so a
compiled function draws fresh numbers on each call (`function(..., no_default_updates=True)`
repeats them) and a seeded Theano program draws the same numbers here.

>>> from graphlens import function
>>> srng = RandomStreams(seed=234)
>>> u = srng.uniform((2, 2)); f = function([], u)
>>> seed = np.random.RandomState(234).randint(2**30)
>>> bool((f() == np.random.RandomState(seed).uniform(0.0, 1.0, (2, 2))).all())
True
"""

from __future__ import annotations

import numbers

import numpy as np

from graphlens.errors import GraphlensTypeError, ShapeError, describe
from graphlens.random import raw
from graphlens.random.shared_state import RandomStateSharedVariable
from graphlens.random.state import seeded_words
from graphlens.tensor.basic import arange
from graphlens.tensor.shape import reshape
from graphlens.tensor.variable import as_tensor_variable


class RandomStreams:
    """A factory of random draws that share one seed: Theano's `RandomStreams(seed)`.

    `state_updates` lists (state, update) of every stream made so far; `updates()` returns it.
    Stream k (in the order the draws were made) starts from `RandomState(s_k)`, s_k the k-th
    `randint(2**30)` of `RandomState(seed)`, as in Theano.
    """

    def __init__(self, seed=None):
        self.default_instance_seed = None if seed is None else _seed_value(seed)
        self.gen_seedgen = np.random.RandomState(self.default_instance_seed)
        self.state_updates = []

    def seed(self, seed=None):
        """Reseed every stream made so far from `seed` (None: the seed given when this
        RandomStreams was made, which restarts every stream), as Theano's `seed`: stream k
        restarts from the k-th `randint(2**30)` of `RandomState(seed)`.

        Streams made later go on with the constructor's sequence of seeds, as in Theano.
        """
        seedgen = np.random.RandomState(
            self.default_instance_seed if seed is None else _seed_value(seed))
        for state, _ in self.state_updates:
            state.set_value(seeded_words(seedgen.randint(2 ** 30)), borrow=True)

    def updates(self) -> list:
        """[(state, its next state)] of every stream: Theano's `srng.updates()`."""
        return list(self.state_updates)

    def __getitem__(self, item):
        """The RandomState of a stream: `srng[u.rng]` (Theano's), or `srng[u]` for a draw."""
        return _state_variable(item).get_value(borrow=True)

    def __setitem__(self, item, value):
        """Set a stream's state: `srng[u.rng] = RandomState(5)` (kept itself, as Theano's), or
        a state read earlier with `srng[u.rng]`."""
        _state_variable(item).set_value(value, borrow=True)

    def gen(self, op, *args, **kwargs):
        """The draw of `op` (a `raw_random` function, or a RandomFunction) on a new stream:
        `op(state, *args, **kwargs)` gives (the state after the draw, samples), as Theano's.

        >>> u = srng.gen(raw_random.uniform, (2, 3), low=-1.0)         # doctest: +SKIP
        """
        state = RandomStateSharedVariable(seeded_words(self.gen_seedgen.randint(2 ** 30)))
        following, draw = op(state, *args, **kwargs)
        state.name = f"rng_{getattr(draw.owner.op.notation, 'name', 'draw')}"
        state.default_update = following
        draw.rng = state                    # Theano's attributes: the stream and its update
        draw.update = (state, following)
        self.state_updates.append((state, following))
        return draw

    def uniform(self, size=None, low=0.0, high=1.0, ndim=None, dtype=None):
        """Samples uniform in [low, high): `srng.uniform((n, 3), low=-1, high=1)`."""
        return self.gen(raw.uniform, size, low, high, ndim, dtype)

    def normal(self, size=None, avg=0.0, std=1.0, ndim=None, dtype=None):
        """Normal samples of mean `avg` and standard deviation `std`."""
        return self.gen(raw.normal, size, avg, std, ndim, dtype)

    def binomial(self, size=None, n=1, p=0.5, ndim=None, dtype="int64", prob=None):
        """Successes in `n` trials of probability `p`; `n=1` gives a 0/1 mask, as the dropout
        and denoising masks `srng.binomial(size=x.shape, p=0.8, dtype=floatX) * x`."""
        return self.gen(raw.binomial, size, n, p, ndim, dtype, prob)

    def poisson(self, size=None, lam=1.0, ndim=None, dtype="int64"):
        """Counts of events at rate `lam`."""
        return self.gen(raw.poisson, size, lam, ndim, dtype)

    def random_integers(self, size=None, low=0, high=1, ndim=None, dtype="int64"):
        """Integers uniform in [low, high], both included."""
        return self.gen(raw.random_integers, size, low, high, ndim, dtype)

    def choice(self, size=None, a=2, replace=True, p=None, ndim=None, dtype="int64"):
        """Entries of `a` (an int n: of arange(n)), with probabilities `p` if given."""
        return self.gen(raw.choice, size, a, replace, p, ndim, dtype)

    def permutation(self, size=None, n=1, ndim=None, dtype="int64"):
        """Permutations of 0 .. n-1, one per entry of `size`: shape size + (n,)."""
        return self.gen(raw.permutation, size, n, ndim, dtype)

    def multinomial(self, size=None, n=1, pvals=(0.5, 0.5), ndim=None, dtype="int64"):
        """Counts of `n` draws among the categories of `pvals` (its last axis)."""
        return self.gen(raw.multinomial, size, n, pvals, ndim, dtype)

    def shuffle_row_elements(self, input):
        """`input` with the entries of each row (its last axis) shuffled by a permutation draw
        (`.permutation` on the result), as Theano's: row r is `input[r][permutation[r]]`.

        >>> rows = srng.shuffle_row_elements(T.dmatrix('x'))         # doctest: +SKIP
        """
        input = as_tensor_variable(input)
        if input.ndim < 1:
            raise ShapeError(f"shuffle_row_elements: input must have rows, got "
                             f"{describe(input)}")
        length = input.shape[-1]
        permutation = self.permutation(size=input.shape[:-1], n=length, ndim=input.ndim - 1)
        # Each row indexed by its own permutation: the rows flattened to a matrix, picked by
        # (row number, permutation) pairs, and given the input's shape back.
        rows = reshape(input, (-1, length))
        picks = reshape(permutation, (-1, length))
        shuffled = reshape(rows[arange(rows.shape[0])[:, None], picks], input.shape,
                           ndim=input.ndim)
        shuffled.permutation = permutation
        return shuffled


def _state_variable(item):
    """The stream state variable `item` is, or the one of the draw `item`."""
    state = getattr(item, "rng", item)
    if not isinstance(state, RandomStateSharedVariable):
        raise GraphlensTypeError(f"RandomStreams: srng[...] takes a stream's state (u.rng) or "
                                 f"a draw, got {describe(item)}")
    return state


def _seed_value(seed) -> int:
    if isinstance(seed, (numbers.Integral, np.integer)) and int(seed) >= 0:
        return int(seed)
    raise GraphlensTypeError(f"RandomStreams: a seed is an int >= 0, got {seed!r:.60}")
