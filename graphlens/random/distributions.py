"""The distributions a RandomStreams draws from: one op class each, drawing from a numpy
RandomState with the calls Theano's RandomFunction made, so the values are Theano's.

Most are one RandomState call; random_integers, permutation and multinomial follow Theano's
helpers (one permutation, one multinomial per entry of `size`, since numpy has no call that
draws those rows in the same order).

Each prints as a call with keywords, the stream's state hidden and parameters at their defaults
left out: `binomial(size=x.shape, p=0.7)`, `normal(size=(2, 3), std=0.1)`.

>>> srng = RandomStreams(seed=234); u = srng.uniform((2, 2))      # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphlens.graph.basic import Constant
from graphlens.graph.notation import Func
from graphlens.random.draw import SAMPLED, RandomDraw

_EMPTY_SIZE = ()      # the size left out: the parameters' broadcast shape


@dataclass(frozen=True)
class Uniform(RandomDraw):
    """Samples uniform in [low, high)."""

    notation = Func("uniform", keywords=(None, "size", "low", "high"),
                    defaults=(("size", _EMPTY_SIZE), ("low", 0.0), ("high", 1.0)))
    zero_gradient_reason = (f"{SAMPLED}: use the reparameterisation "
                            f"low + (high - low) * uniform(0, 1)")
    gradient_remedy = ("draw u = uniform(size) with the defaults low=0, high=1 and write "
                            "low + (high - low) * u: then low and high get gradients")

    def sample(self, generator, shape, low, high):
        return generator.uniform(low, high, shape)


@dataclass(frozen=True)
class Normal(RandomDraw):
    """Samples from the normal distribution of mean `avg` and standard deviation `std`."""

    notation = Func("normal", keywords=(None, "size", "avg", "std"),
                    defaults=(("size", _EMPTY_SIZE), ("avg", 0.0), ("std", 1.0)))
    zero_gradient_reason = f"{SAMPLED}: use the reparameterisation mu + sigma * normal(0, 1)"
    gradient_remedy = ("draw eps = normal(size) with avg=0, std=1 and write mu + sigma * eps:"
                            " then mu and sigma get gradients (the reparameterisation trick)")

    def sample(self, generator, shape, avg, std):
        return generator.normal(avg, std, shape)


@dataclass(frozen=True)
class Binomial(RandomDraw):
    """Samples of the number of successes in `n` trials of probability `p`; n=1 gives a 0/1 mask.

    A mask passes gradient to what it multiplies: `mask * x` is a product, whose gradient to x
    is the mask itself; only p gets none.
    """

    notation = Func("binomial", keywords=(None, "size", "n", "p"),
                    defaults=(("size", _EMPTY_SIZE), ("n", 1)))
    zero_gradient_reason = (f"{SAMPLED}: a count of successes has no reparameterisation in "
                            f"p (use p itself, the mean, or a relaxed sample)")
    gradient_remedy = ("use the mean n * p in place of the sample where p must learn, or "
                            "a relaxed sample: sigmoid((log(p) - log(1 - p) + logistic noise) / t)")

    def sample(self, generator, shape, n, p):
        # Even for one trial numpy's binomial, not `random() < p`: Theano's values are its.
        return generator.binomial(n, p, shape)


@dataclass(frozen=True)
class Poisson(RandomDraw):
    """Counts of events at rate `lam`."""

    broadcast_params = 1
    notation = Func("poisson", keywords=(None, "size", "lam"),
                    defaults=(("size", _EMPTY_SIZE), ("lam", 1.0)))
    zero_gradient_reason = f"{SAMPLED}: a count of events has no derivative in its rate"
    gradient_remedy = "use the mean lam in place of the sample where lam must learn"

    def sample(self, generator, shape, lam):
        return generator.poisson(lam, shape)


@dataclass(frozen=True)
class RandomIntegers(RandomDraw):
    """Integers drawn uniformly from [low, high], both ends included (Theano's rule)."""

    notation = Func("random_integers", keywords=(None, "size", "low", "high"),
                    defaults=(("size", _EMPTY_SIZE), ("low", 0), ("high", 1)))

    def sample(self, generator, shape, low, high):
        return random_integers_helper(generator, low, high, shape)


@dataclass(frozen=True)
class Choice(RandomDraw):
    """Entries drawn from `a` (an int n means arange(n)), with or without replacement, with
    probabilities `p` when given (a fourth input)."""

    replace: bool = True
    broadcast_params = 0
    notation = Func("choice", keywords=(None, "size", "a", "p"),
                    defaults=(("size", _EMPTY_SIZE), ("a", 2)), params=("replace",))
    zero_gradient_reason = f"{SAMPLED}: a choice among entries has no derivative in p"
    gradient_remedy = "use a soft choice in the cost: the expectation sum(p * a)"

    def sample(self, generator, shape, a, p=None):
        return choice_helper(generator, a, self.replace, p, shape)


@dataclass(frozen=True)
class Permutation(RandomDraw):
    """Permutations of 0 .. n-1, one per entry of `size`: shape size + (n,)."""

    broadcast_params = 0
    notation = Func("permutation", keywords=(None, "size", "n"),
                    defaults=(("size", _EMPTY_SIZE),))

    def extra_axes(self, params):
        (n,) = params
        return (int(n.data),) if isinstance(n, Constant) else (None,)

    def sample(self, generator, shape, n):
        return permutation_helper(generator, n, shape)


@dataclass(frozen=True)
class Multinomial(RandomDraw):
    """Counts of `n` draws among categories of probabilities `pvals` (its last axis): shape
    size + (categories,); with size left out, the shape of pvals (one row per distribution)."""

    broadcast_params = 0
    notation = Func("multinomial", keywords=(None, "size", "n", "pvals"),
                    defaults=(("size", _EMPTY_SIZE), ("n", 1)))
    zero_gradient_reason = (f"{SAMPLED}: counts of categories have no derivative in pvals "
                            f"(use pvals itself, the mean, or a Gumbel-softmax sample)")
    gradient_remedy = ("use the mean n * pvals where pvals must learn, or a relaxed "
                            "(Gumbel-softmax) sample")

    def output_shape(self, size, params):
        if not size.type.shape[0] and size.type.shape[0] is not None:
            # Size left out: one draw per row of pvals, which gives the shape.
            return params[1].type.shape
        return super().output_shape(size, params)

    def extra_axes(self, params):
        return (params[1].type.shape[-1],) if params[1].ndim else (None,)

    def sample(self, generator, shape, n, pvals):
        return multinomial_helper(generator, n, pvals, shape)


# Theano's helpers, RandomState functions of (random_state, *params, size) a RandomFunction
# calls (`random/raw.py`): the draws above make their samples with them.

def random_integers_helper(random_state, low, high, size):
    """Integers uniform in [low, high] (both included) from `random_state`, shape `size` (None:
    the broadcast shape of low and high).

    >>> random_integers_helper(np.random.RandomState(1), 0, 9, (3,)).shape
    (3,)
    """
    # Theano drew one randint(low, high + 1) per entry, in C order; numpy's broadcast
    # randint draws the same numbers in one call (the bounded integers' rejection sampling
    # is per entry either way).
    low, high = np.asarray(low, dtype="int64"), np.asarray(high, dtype="int64")
    if size is None:
        size = np.broadcast_shapes(low.shape, high.shape)
    return random_state.randint(np.broadcast_to(low, size), np.broadcast_to(high, size) + 1)


def choice_helper(random_state, a, replace, p, size):
    """numpy's choice from `a` (an int n: arange(n)), `replace` made a bool and an empty `p`
    meaning none (Theano's encoding of p=None).

    >>> choice_helper(np.random.RandomState(1), 5, True, [], (2,)).shape
    (2,)
    """
    if p is not None and np.size(p) == 0:
        p = None
    population = a if np.ndim(a) else int(a)
    return random_state.choice(population, size, bool(replace), p)


def permutation_helper(random_state, n, shape):
    """One numpy permutation of 0 .. n-1 per entry of `shape`, in C order: shape + (n,).

    >>> permutation_helper(np.random.RandomState(1), 4, (2,)).shape
    (2, 4)
    """
    n, shape = int(n), tuple(shape or ())
    rows = np.empty(shape + (n,), dtype="int64")
    for index in np.ndindex(*shape):
        rows[index] = random_state.permutation(n)
    return rows


def multinomial_helper(random_state, n, pvals, size):
    """One numpy multinomial of n[i] draws among the categories of pvals[i] per entry i of
    `size` (None: the broadcast of n and pvals' rows): size + (categories,).

    >>> multinomial_helper(np.random.RandomState(1), 3, [0.5, 0.5], (2,)).sum(axis=-1)
    array([3, 3])
    """
    n, pvals = np.asarray(n), np.asarray(pvals)
    shape = np.broadcast_shapes(n.shape, pvals.shape[:-1]) if size is None else tuple(size)
    n = np.broadcast_to(n, shape)
    rows = np.broadcast_to(pvals, shape + pvals.shape[-1:])
    counts = np.empty(rows.shape, dtype="int64")
    for index in np.ndindex(*shape):          # one numpy multinomial each, as Theano's
        counts[index] = random_state.multinomial(int(n[index]), _theano_pvals(rows[index]))
    return counts


def _theano_pvals(row) -> np.ndarray:
    """A row of probabilities as Theano handed it to numpy: scaled down by 5e-5 when its sum
    exceeds 1 by less than 1e-5 or its last entry is below 5e-5 (so numpy accepts it)."""
    total = np.sum(row)
    if 1.0 < total < 1.0 + 1e-5 or row[-1] < 5e-5:
        row = row * (1.0 - 5e-5)
    return row.astype("float64")
