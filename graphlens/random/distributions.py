"""The distributions a RandomStreams draws from: one op class each, one numpy call per draw.

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
from graphlens.random.state import generator

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

    def sample(self, numpy_generator, shape, low, high):
        return numpy_generator.uniform(low, high, shape)


@dataclass(frozen=True)
class Normal(RandomDraw):
    """Samples from the normal distribution of mean `avg` and standard deviation `std`."""

    notation = Func("normal", keywords=(None, "size", "avg", "std"),
                    defaults=(("size", _EMPTY_SIZE), ("avg", 0.0), ("std", 1.0)))
    zero_gradient_reason = f"{SAMPLED}: use the reparameterisation mu + sigma * normal(0, 1)"
    gradient_remedy = ("draw eps = normal(size) with avg=0, std=1 and write mu + sigma * eps:"
                            " then mu and sigma get gradients (the reparameterisation trick)")

    def sample(self, numpy_generator, shape, avg, std):
        return numpy_generator.normal(avg, std, shape)


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

    def sample(self, numpy_generator, shape, n, p):
        if np.ndim(n) == 0 and n == 1:
            # One trial: a uniform below p, twice as fast as numpy's general binomial.
            if shape is None:
                shape = np.shape(p)
            return numpy_generator.random(shape) < p
        return numpy_generator.binomial(n, p, shape)


@dataclass(frozen=True)
class Poisson(RandomDraw):
    """Counts of events at rate `lam`."""

    broadcast_params = 1
    notation = Func("poisson", keywords=(None, "size", "lam"),
                    defaults=(("size", _EMPTY_SIZE), ("lam", 1.0)))
    zero_gradient_reason = f"{SAMPLED}: a count of events has no derivative in its rate"
    gradient_remedy = "use the mean lam in place of the sample where lam must learn"

    def sample(self, numpy_generator, shape, lam):
        return numpy_generator.poisson(lam, shape)


@dataclass(frozen=True)
class RandomIntegers(RandomDraw):
    """Integers drawn uniformly from [low, high], both ends included (Theano's rule)."""

    notation = Func("random_integers", keywords=(None, "size", "low", "high"),
                    defaults=(("size", _EMPTY_SIZE), ("low", 0), ("high", 1)))

    def sample(self, numpy_generator, shape, low, high):
        return numpy_generator.integers(low, high, shape, endpoint=True)


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

    def sample(self, numpy_generator, shape, a, p=None):
        population = a if np.ndim(a) else int(a)
        return numpy_generator.choice(population, shape if shape is not None else (),
                                      self.replace, p)


@dataclass(frozen=True)
class Permutation(RandomDraw):
    """Permutations of 0 .. n-1, one per entry of `size`: shape size + (n,)."""

    broadcast_params = 0
    notation = Func("permutation", keywords=(None, "size", "n"),
                    defaults=(("size", _EMPTY_SIZE),))

    def extra_axes(self, params):
        (n,) = params
        return (int(n.data),) if isinstance(n, Constant) else (None,)

    def sample(self, numpy_generator, shape, n):
        n = int(n)
        rows = np.broadcast_to(np.arange(n), (shape or ()) + (n,))
        return numpy_generator.permuted(rows, axis=-1)


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

    def perform(self, node, inputs):
        state, size, n, pvals = inputs
        if not len(size):
            size = np.asarray(pvals.shape[:-1], dtype="int64")
            inputs = [state, size, n, pvals]
        return super().perform(node, inputs)

    def sample(self, numpy_generator, shape, n, pvals):
        return numpy_generator.multinomial(n, np.asarray(pvals, dtype="float64"), shape)


@dataclass(frozen=True)
class TruncatedNormal(RandomDraw):
    """Normal samples of mean `avg`, cut at two standard deviations `std` on each side (the
    samples' own standard deviation is then 0.8796 * std), as Theano's `truncate=True`."""

    notation = Func("truncated_normal", keywords=(None, "size", "avg", "std"),
                    defaults=(("size", _EMPTY_SIZE), ("avg", 0.0), ("std", 1.0)))
    zero_gradient_reason = Normal.zero_gradient_reason
    gradient_remedy = Normal.gradient_remedy

    def sample(self, numpy_generator, shape, avg, std):
        if shape is None:
            shape = np.broadcast_shapes(np.shape(avg), np.shape(std))
        count = int(np.prod(shape, dtype=np.int64))
        # One call almost always: 95.4% of normal samples fall within two standard deviations,
        # so 5% more than needed (and 16 spare) suffice; a short fill-up loop covers the rest.
        kept = np.empty(0)
        while kept.size < count:
            candidates = numpy_generator.standard_normal(int((count - kept.size) * 1.05) + 16)
            kept = np.concatenate([kept, candidates[np.abs(candidates) <= 2.0]])
        return avg + std * kept[:count].reshape(shape)


@dataclass(frozen=True)
class ChoiceRows(RandomDraw):
    """For each row of probabilities `p` (a matrix), `k` distinct category indices drawn
    without replacement: shape (rows, k), as Theano's `MRG_RandomStreams.choice`."""

    notation = Func("choice", keywords=(None, None, "size", "p"))
    zero_gradient_reason = Choice.zero_gradient_reason
    gradient_remedy = Choice.gradient_remedy

    def output_shape(self, size, params):
        k, p = params
        return (p.type.shape[0], int(k.data) if isinstance(k, Constant) else None)

    def perform(self, node, inputs):
        state, _, k, p = inputs
        return [np.asarray(self.sample(generator(state), None, k, p), dtype=self.dtype)]

    def sample(self, numpy_generator, shape, k, p):
        k, p = int(k), np.asarray(p, dtype="float64")
        if k > p.shape[1]:
            raise ValueError(f"choice: cannot draw {k} distinct categories out of {p.shape[1]}")
        # Gumbel-top-k: the k largest of log(p) + Gumbel noise, in order, are distributed as k
        # categories drawn one after the other without replacement.
        with np.errstate(divide="ignore"):
            scores = np.log(p) + numpy_generator.gumbel(size=p.shape)
        return np.argsort(-scores, axis=1, kind="stable")[:, :k]
