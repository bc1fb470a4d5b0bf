"""`MRG_RandomStreams`: Theano's other stream factory, drawing Theano 1.0's MRG31k3p numbers.

As in Theano: the seed (default 12345; an int repeated six times, or six ints) is the factory's
state `rstate`; each draw takes `nstreams` streams 2**72 steps apart from it (by default a
guess from a size of ints: one stream per six samples, at most 15360; 15360 when the size is
symbolic, as for every normal, multinomial and choice) and moves `rstate` 2**134 steps on.
The draw's streams live in a shared int32 matrix (`u.rstate`) whose default update is the
state after the draw; `seed(n)` restarts every stream as a factory seeded with n would have
made it. `normal` is Box-Muller on uniforms, `binomial` (n=1) a uniform below p, `multinomial`
and `choice` (without replacement) running sums of the rows against uniforms.

>>> from graphlens import function
>>> srng = MRG_RandomStreams(seed=12345)
>>> u = srng.uniform((7,), nstreams=7); round(float(function([], u)()[0]), 10)
0.7353244531
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np

from graphlens.compile.shared import shared
from graphlens.errors import DrawNotImplementedError, GraphlensTypeError, ShapeError, describe
from graphlens.graph.basic import Variable
from graphlens.random.mrg31k3p import (A1P72, A2P72, M1, M2, jump, next_stream_start,
                                       substream_states)
from graphlens.random.mrg_draws import (MRGBinomial, MRGChoice, MRGMultinomial, MRGNormal,
                                        MRGUniform, check_size_entries)
from graphlens.random.raw import _float_dtype, _int_param, _ndim, _size
from graphlens.tensor.basic import dtype_name
from graphlens.tensor.variable import as_tensor_variable

# The standard deviation of a standard normal cut at -2 and 2.
TRUNCATED_STD = 0.87962566103423978
# Theano's stream count when the size does not say how many samples (GPU-sized).
SYMBOLIC_SIZE_STREAMS = 60 * 256


def guess_n_streams(size, warn=False) -> int:
    """Theano's guess: for a size of ints, one stream per six samples (all of them up to six),
    at most 15360; for any other size, 15360 (with a warning if `warn`, as Theano's).

    >>> guess_n_streams((2, 2)), guess_n_streams((100,)), guess_n_streams((1000, 1000))
    (4, 16, 15360)
    """
    if isinstance(size, (tuple, list)) and all(type(s) is int for s in size):
        count = int(np.prod(size, dtype="int64"))
        return min(count // 6 if count > 6 else count, SYMBOLIC_SIZE_STREAMS)
    if warn:
        warnings.warn(f"MRG_RandomStreams: the size {size!r:.60} is not known when the graph "
                      f"is built, so {SYMBOLIC_SIZE_STREAMS} streams are used; pass nstreams "
                      f"to choose", stacklevel=2)
    return SYMBOLIC_SIZE_STREAMS


class MRG_RandomStreams:  # noqa: N801  (Theano's name)
    """Theano's `theano.sandbox.rng_mrg.MRG_RandomStreams(seed=12345)`.

    `state_updates` lists (state, next state, size, nstreams) of every stream, Theano's
    four-tuples; `updates()` returns them.
    """

    def __init__(self, seed=12345):
        self.state_updates = []
        self.default_instance_seed = seed
        self.set_rstate(seed)

    def set_rstate(self, seed):
        """Set the factory's state: an int in [1, M2) repeated six times, or six ints (the first
        three below M1 and not all 0, the last three below M2 and not all 0)."""
        if isinstance(seed, (numbers.Integral, np.integer)):
            if not 0 < seed < M2:
                raise ValueError(f"MRG_RandomStreams: a seed is an int in [1, {M2}), got {seed}")
            self.rstate = np.full(6, int(seed), dtype="int32")
            return
        values = list(seed) if hasattr(seed, "__len__") else None
        if values is None or len(values) != 6:
            raise GraphlensTypeError(f"MRG_RandomStreams: a seed is one int or six, got "
                                     f"{seed!r:.60}")
        for part, modulus in ((values[:3], M1), (values[3:], M2)):
            if not any(part) or any(not 0 <= v < modulus for v in part):
                raise ValueError(f"MRG_RandomStreams: seed {values}: each three of the six "
                                 f"must be in [0, {modulus}) and not all 0")
        self.rstate = np.asarray(values, dtype="int32")

    def seed(self, seed=None):
        """Restart every stream from `seed` (None: the constructor's), as Theano's: the streams
        get the states a factory seeded with it would have given them, in the same order."""
        self.set_rstate(self.default_instance_seed if seed is None else seed)
        for state, _, size, nstreams in self.state_updates:
            count = self.n_streams(size) if nstreams is None else nstreams
            state.set_value(self.get_substream_rstates(count, None), borrow=True)

    def inc_rstate(self):
        """Move the factory's state 2**134 steps on, to the next draw's first stream."""
        self.rstate = next_stream_start(self.rstate)

    def get_substream_rstates(self, n_streams, dtype=None, inc_rstate=True) -> np.ndarray:
        """(n_streams, 6) int32 states 2**72 steps apart from the factory's state, which then
        moves on (`inc_rstate`). `dtype` is Theano's argument and changes nothing."""
        if not 0 < n_streams < 2 ** 72:
            raise ValueError(f"MRG_RandomStreams: nstreams must be positive, got {n_streams}")
        states = substream_states(self.rstate, int(n_streams))
        if inc_rstate:
            self.inc_rstate()
        return states

    def n_streams(self, size) -> int:
        """How many streams a draw of `size` gets when nstreams is not given."""
        return guess_n_streams(size)

    def updates(self) -> list:
        """[(state, next state, size, nstreams)] of every stream: Theano's `updates()`."""
        return list(self.state_updates)

    def _draw(self, op, size, nstreams, size_input, *params, name):
        """Give `op` a new shared state of `nstreams` streams (guessed from `size` if None)."""
        count = self.n_streams(size) if nstreams is None else int(nstreams)
        state = shared(self.get_substream_rstates(count, None), name=f"rstate_{name}")
        draw, following = op(state, size_input, *params)
        state.default_update = following
        self.state_updates.append((state, following, size, nstreams))
        draw.rstate, draw.update = state, (state, following)
        return draw

    def uniform(self, size, low=0.0, high=1.0, ndim=None, dtype=None, nstreams=None):
        """Samples uniform in (low, high): `srng.uniform((n, 3), low=-1, high=1)`."""
        size = _int_size(size)
        check_size_entries(size, "uniform")
        low, high = as_tensor_variable(low), as_tensor_variable(high)
        dtype = _float_dtype(dtype, [low, high])
        return self._draw(MRGUniform(dtype, ndim=_ndim(ndim)), size, nstreams,
                          _size(size, ndim), low, high, name="uniform")

    def binomial(self, size=None, n=1, p=0.5, ndim=None, dtype="int64", nstreams=None):
        """0/1 samples, 1 with probability p (n=1 only, as Theano's): a dropout mask
        `srng.binomial(size=h.shape, p=0.5, dtype=floatX)`."""
        if not (isinstance(n, (numbers.Integral, np.integer)) and n == 1):
            raise DrawNotImplementedError(
                f"MRG_RandomStreams.binomial draws with n=1 only (as Theano's); got "
                f"n={n!r:.40}: use RandomStreams.binomial for more trials")
        if size is None:
            raise ShapeError("MRG_RandomStreams.binomial: size is required (as in Theano), e.g. "
                             "size=x.shape")
        size = _int_size(size)
        check_size_entries(size, "binomial")
        p = as_tensor_variable(p)
        op = MRGBinomial(dtype_name(dtype), ndim=_ndim(ndim), uniform_dtype=_float_dtype(None, []))
        return self._draw(op, size, nstreams, _size(size, ndim), p, name="binomial")

    def multinomial(self, size=None, n=1, pvals=None, ndim=None, dtype="int64", nstreams=None):
        """Counts of `n` draws for each row of `pvals` (a matrix): shape pvals.shape (one-hot
        rows for n=1). `size` and `ndim` are Theano's and must be left out."""
        if pvals is None:
            raise GraphlensTypeError("MRG_RandomStreams.multinomial: pvals is required")
        if size is not None or ndim is not None:
            raise ShapeError("MRG_RandomStreams.multinomial takes no size or ndim: the shape "
                             "is pvals'")
        pvals = _matrix(pvals, "multinomial", "pvals")
        op = MRGMultinomial(dtype_name(dtype), uniform_dtype=_float_dtype(None, []))
        return self._draw(op, pvals.shape[0] * n, nstreams, _size(None, None), pvals,
                          _int_param(n, "multinomial", "n"), name="multinomial")

    def choice(self, size=1, a=None, replace=True, p=None, ndim=None, dtype="int64",
               nstreams=None):
        """For each row of `p` (a matrix of probabilities), `size` distinct category indices:
        shape (rows, size). As in Theano, only `a=None` and `replace=False` are meaningful."""
        if a is not None or p is None:
            raise ShapeError("MRG_RandomStreams.choice draws category indices from the rows of "
                             "p: pass a=None and p (a matrix of probabilities)")
        if replace:
            raise ShapeError("MRG_RandomStreams.choice draws without replacement: pass "
                             "replace=False (or draw with replacement through multinomial)")
        if ndim is not None:
            raise ShapeError("MRG_RandomStreams.choice takes no ndim: the shape is (rows, size)")
        p = _matrix(p, "choice", "p")
        op = MRGChoice(dtype_name(dtype), uniform_dtype=_float_dtype(None, []))
        return self._draw(op, p.shape[0] * size, nstreams, _size(None, None),
                          _int_param(size, "choice", "size"), p, name="choice")

    def multinomial_wo_replacement(self, size=None, n=1, pvals=None, ndim=None,
                                   dtype="int64", nstreams=None):
        """Theano's older name of `choice(size=n, p=pvals, replace=False)`."""
        return self.choice(size=n, p=pvals, replace=False, ndim=ndim, dtype=dtype,
                           nstreams=nstreams)

    def normal(self, size, avg=0.0, std=1.0, ndim=None, dtype=None, nstreams=None,
               truncate=False):
        """Normal samples of mean `avg` and standard deviation `std`; `truncate=True` redraws
        those beyond two standard deviations from the mean."""
        size_input = _normal_size(size)
        avg, std = as_tensor_variable(avg), as_tensor_variable(std)
        op = MRGNormal(_float_dtype(dtype, [avg, std]), ndim=_ndim(ndim), truncate=truncate)
        # Theano drew from a uniform of a symbolic count (the size's product, made even): its
        # stream count was the symbolic-size guess unless nstreams was given.
        count = SYMBOLIC_SIZE_STREAMS if nstreams is None else int(nstreams)
        state = shared(self.get_substream_rstates(count, None), name="rstate_normal")
        params = [avg, std]
        if truncate:
            fixes = shared(self.get_substream_rstates(count, None), name="rstate_normal_cut")
            params.append(fixes)
            draw, following, fixed = op(state, size_input, *params)
        else:
            draw, following = op(state, size_input, *params)
        for shared_state, update in [(state, following)] + ([(fixes, fixed)] if truncate else []):
            shared_state.default_update = update
            self.state_updates.append((shared_state, update, None, count))
        draw.rstate, draw.update = state, (state, following)
        return draw

    def truncated_normal(self, size, avg=0.0, std=1.0, ndim=None, dtype=None, nstreams=None):
        """Normal samples cut at two standard deviations, scaled so that their standard
        deviation is `std` (Theano's rule: the cut normal's is 0.8796 of the uncut one's)."""
        return self.normal(size, avg, as_tensor_variable(std) / TRUNCATED_STD, ndim=ndim,
                           dtype=dtype, nstreams=nstreams, truncate=True)


def ff_2p72(rstate) -> np.ndarray:
    """Theano's: the six-int state `rstate` moved 2**72 steps on (the next substream)."""
    return jump(rstate, A1P72, A2P72)[0]


def ff_2p134(rstate) -> np.ndarray:
    """Theano's: the six-int state `rstate` moved 2**134 steps on (the next stream)."""
    return next_stream_start(rstate)


def _int_size(size):
    """An int size as the one-entry tuple it means (so that it guesses streams as one)."""
    return (int(size),) if isinstance(size, (numbers.Integral, np.integer)) else size


def _matrix(value, method, name):
    value = as_tensor_variable(value)
    if value.ndim != 2:
        raise ShapeError(f"MRG_RandomStreams.{method}: {name} must be a matrix (one distribution "
                         f"per row), got {describe(value)}")
    return value


def _normal_size(size):
    """Theano's `_check_size`: an int, a tuple or list of ints and symbolic scalars, or an int
    vector; lengths must be positive."""
    if isinstance(size, (numbers.Integral, np.integer)):
        size = (int(size),)
    if isinstance(size, Variable) and size.ndim == 0:
        size = (size,)
    if not isinstance(size, (tuple, list, Variable)):
        raise ShapeError(f"MRG_RandomStreams.normal: size must be an int, a tuple or a vector, "
                         f"got {size!r:.40}")
    check_size_entries(size, "normal")
    return _size(size, None) if not isinstance(size, Variable) else size
