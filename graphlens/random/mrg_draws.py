"""The draws of MRG_RandomStreams: one op per distribution, each making its uniforms with
MRG31k3p (random/mrg31k3p.py) and turning them into samples with Theano 1.0's arithmetic, in the
samples' dtype, so the values are Theano's.

A stream state here is an int32 matrix (streams, 6). Each op gives (samples, next state), as the
RandomStreams draws do (random/draw.py); views show the samples only, as `uniform(size=(2, 3))`
or `normal(size=(4,), std=0.1)`, where Theano's graph showed the uniform op and the arithmetic
around it.

>>> srng = MRG_RandomStreams(seed=12345); u = srng.uniform((2, 3))        # doctest: +SKIP
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from graphlens.errors import GraphlensTypeError, ShapeError, describe
from graphlens.graph.basic import Apply, Variable
from graphlens.graph.notation import Func
from graphlens.random.distributions import Choice, Multinomial, Normal, Uniform
from graphlens.random.draw import SAMPLED, RandomDraw
from graphlens.random.mrg31k3p import uniform_samples
from graphlens.tensor.variable import as_tensor_variable

_EMPTY_SIZE = ()
# Where Theano's truncated normal redraws a sample cut at two standard deviations: from a
# uniform in [e**-2, 1), whose Box-Muller radius sqrt(-2 log u) is then at most 2.
_CUT = 2.0


def check_mrg_state(state):
    """`state` as a tensor, or a GraphlensTypeError unless it is MRG streams' int32 (n, 6)."""
    state = as_tensor_variable(state)
    if state.dtype != "int32" or state.ndim != 2:
        raise GraphlensTypeError(f"an MRG draw needs the streams' state (an int32 matrix of "
                                 f"six columns), got {describe(state)}")
    return state


@dataclass(frozen=True)
class MRGDraw(RandomDraw):
    """Base of the MRG31k3p draws: `uniforms(state, count)` gives the stream's uniforms."""

    check_state_variable = staticmethod(check_mrg_state)

    def uniforms(self, state, count, dtype):
        """(`count` uniforms in (0, 1) of `dtype`, the state after them)."""
        return uniform_samples(state, count, dtype)


@dataclass(frozen=True)
class MRGUniform(MRGDraw):
    """Samples uniform in (low, high): `u * (high - low) + low` in the samples' dtype."""

    notation = Uniform.notation
    zero_gradient_reason = Uniform.zero_gradient_reason
    gradient_remedy = Uniform.gradient_remedy

    def draw(self, state, shape, params):
        low, high = (np.asarray(p, dtype=self.dtype) for p in params)
        samples, following = self.uniforms(state, math.prod(shape), self.dtype)
        return samples.reshape(shape) * (high - low) + low, following

    @classmethod
    def new(cls, rstate, ndim, dtype, size):
        """Theano's `mrg_uniform.new(rstate, ndim, dtype, size)`: (the streams' next state,
        samples uniform in (0, 1) of `size`) drawn from the int32 (streams, 6) `rstate`.

        >>> following, u = MRGUniform.new(state, None, 'float64', (4,))   # doctest: +SKIP
        """
        sizes = as_tensor_variable(np.asarray(size, dtype="int64")) \
            if not isinstance(size, Variable) else size
        draw, following = cls(str(dtype), ndim=None if ndim is None else int(ndim))(
            rstate, sizes, 0.0, 1.0)
        return following, draw


@dataclass(frozen=True)
class MRGNormal(MRGDraw):
    """Normal samples by Box-Muller on an even count of uniforms (the first half the radii's,
    the second the angles'), as Theano's: z0 = r cos(theta) for the first half of the samples,
    z1 = r sin(theta) for the second. `truncate`: samples beyond two standard deviations are
    redrawn from a second stream (a sixth input, a third output), and moved to the end of
    their half, as Theano did."""

    truncate: bool = False
    # The cut samples' stream (a truncated normal's fifth input) is hidden like the first.
    notation = Func("normal", keywords=(None, "size", "avg", "std", None),
                    defaults=(("size", _EMPTY_SIZE), ("avg", 0.0), ("std", 1.0)))
    zero_gradient_reason = Normal.zero_gradient_reason
    gradient_remedy = Normal.gradient_remedy

    @property
    def hidden_outputs(self):
        return 2 if self.truncate else 1

    def make_node(self, state, size, avg, std, fix_state=None):
        node = super().make_node(state, size, avg, std)
        if not self.truncate:
            return node
        fix_state = check_mrg_state(fix_state)
        return Apply(self, node.inputs + [fix_state], node.outputs + [fix_state.type()])

    def perform(self, node, inputs):
        state, size, avg, std, *fix_state = inputs
        shape = tuple(int(d) for d in size)
        avg, std = np.asarray(avg, dtype=self.dtype), np.asarray(std, dtype=self.dtype)
        dtype = np.dtype(self.dtype).type
        count = math.prod(shape)
        even = count + count % 2
        uniforms, following = self.uniforms(state, even, self.dtype)
        radius = np.sqrt(dtype(-2.0) * np.log(uniforms[:even // 2]))
        theta = dtype(2.0 * np.pi) * uniforms[even // 2:]
        cos_theta, sin_theta = np.cos(theta), np.sin(theta)
        z0, z1 = radius * cos_theta, radius * sin_theta
        outputs = [None, following]
        if self.truncate:
            z0, z1, fixed = self._redraw_cut(fix_state[0], z0, z1, cos_theta, sin_theta)
            outputs.append(fixed)
        samples = np.concatenate([z0, z1])[:count].reshape(shape)
        outputs[0] = np.asarray(samples * std + avg, dtype=self.dtype)
        return outputs

    def _redraw_cut(self, fix_state, z0, z1, cos_theta, sin_theta):
        """z0 and z1 with the samples beyond two standard deviations moved to the end of
        their half and redrawn with a radius from `fix_state`'s uniforms in [e**-2, 1)."""
        dtype = np.dtype(self.dtype).type
        cut0, cut1 = np.abs(z0) > _CUT, np.abs(z1) > _CUT
        first = int(cut0.sum())
        uniforms, fixed = self.uniforms(fix_state, first + int(cut1.sum()), self.dtype)
        lower = np.asarray(1.0 / np.e ** 2, dtype=self.dtype)
        radius = np.sqrt(dtype(-2.0) * np.log(uniforms * (dtype(1.0) - lower) + lower))
        return (np.concatenate([z0[~cut0], radius[:first] * cos_theta[cut0]]),
                np.concatenate([z1[~cut1], radius[first:] * sin_theta[cut1]]), fixed)


@dataclass(frozen=True)
class MRGBinomial(MRGDraw):
    """0/1 samples: a uniform of `uniform_dtype` below p, cast to dtype (Theano's n=1 only)."""

    uniform_dtype: str = "float64"
    broadcast_params = 0
    notation = Func("binomial", keywords=(None, "size", "p"), defaults=(("size", _EMPTY_SIZE),))
    zero_gradient_reason = (f"{SAMPLED}: a 0/1 sample has no reparameterisation in p (use p "
                            f"itself, the mean, or a relaxed sample)")
    gradient_remedy = ("use the mean p in place of the sample where p must learn, or a relaxed "
                       "sample: sigmoid((log(p) - log(1 - p) + logistic noise) / t)")

    def draw(self, state, shape, params):
        (p,) = params
        uniforms, following = self.uniforms(state, math.prod(shape), self.uniform_dtype)
        return uniforms.reshape(shape) < p, following


@dataclass(frozen=True)
class MRGMultinomial(MRGDraw):
    """One-hot rows (counts, for n > 1): for each row of `pvals` and each of the n uniforms,
    the first category whose running sum of probabilities (in float64) exceeds the uniform.
    Uniform c * rows + r serves row r's c-th draw, as Theano's MultinomialFromUniform."""

    uniform_dtype: str = "float64"
    notation = Func("multinomial", keywords=(None, None, "pvals", "n"), defaults=(("n", 1),))
    zero_gradient_reason = Multinomial.zero_gradient_reason
    gradient_remedy = Multinomial.gradient_remedy

    def output_shape(self, size, params):
        return params[0].type.shape

    def perform(self, node, inputs):
        state, _, pvals, n = inputs
        rows, categories = pvals.shape
        uniforms, following = self.uniforms(state, rows * int(n), self.uniform_dtype)
        running = np.cumsum(pvals, axis=1, dtype="float64")
        # The first category whose running sum exceeds u; `categories` when none does (a row
        # summing to less than u), which counts nowhere, as in Theano's C kernel.
        chosen = (running[None, :, :] <= uniforms.reshape(int(n), rows)[:, :, None]).sum(-1)
        counts = np.zeros((rows, categories + 1), dtype="int64")
        np.add.at(counts, (np.broadcast_to(np.arange(rows), chosen.shape), chosen), 1)
        return [counts[:, :categories].astype(self.dtype), following]


@dataclass(frozen=True)
class MRGChoice(MRGDraw):
    """`k` distinct category indices per row of `p`, shape (rows, k): draw c of row r takes
    uniform c * rows + r and the first category whose running sum (in float64) exceeds it,
    then zeroes that category and renormalises the row, as Theano's ChoiceFromUniform."""

    uniform_dtype: str = "float64"
    notation = Func("choice", keywords=(None, None, "size", "p"))
    zero_gradient_reason = Choice.zero_gradient_reason
    gradient_remedy = Choice.gradient_remedy

    def output_shape(self, size, params):
        k, p = params
        known = getattr(k, "data", None)
        return (p.type.shape[0], None if known is None else int(known))

    def perform(self, node, inputs):
        state, _, k, p = inputs
        k = int(k)
        rows, categories = p.shape
        if k > categories:
            raise ValueError(f"choice: cannot draw {k} distinct categories out of {categories}")
        uniforms, following = self.uniforms(state, rows * k, self.uniform_dtype)
        uniforms = uniforms.reshape(k, rows)
        p = np.array(p, copy=True)
        chosen = np.full((rows, k), -1, dtype=self.dtype)
        everyone = np.arange(rows)
        for draw in range(k):            # each draw renormalises what the next one reads
            running = np.cumsum(p, axis=1, dtype="float64")
            pick = (running <= uniforms[draw][:, None]).sum(axis=1)
            found = pick < categories
            chosen[found, draw] = pick[found]
            if draw == k - 1:
                break
            rows_found, picked = everyone[found], pick[found]
            before = (running[rows_found, picked] - p[rows_found, picked]).astype(p.dtype)
            p[rows_found, picked] = 0
            # The new total as Theano's kernel summed it: the running sum before the pick,
            # then the entries after it, one by one in p's dtype.
            after = np.where(np.arange(categories) > picked[:, None], p[rows_found], 0)
            total = np.cumsum(np.concatenate([before[:, None], after], axis=1), axis=1,
                              dtype=p.dtype)[:, -1]
            p[rows_found] = p[rows_found] / total[:, None]
        return [chosen, following]


def check_size_entries(size, method):
    """Theano's check: a size of ints must have every length positive."""
    if isinstance(size, (tuple, list)):
        bad = [s for s in size if isinstance(s, (int, np.integer)) and s <= 0]
        if bad:
            raise ShapeError(f"MRG_RandomStreams.{method}: the size {tuple(size)} has a length "
                             f"<= 0")
