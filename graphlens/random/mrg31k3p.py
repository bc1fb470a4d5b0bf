"""MRG31k3p, L'Ecuyer and Touzin's combined multiple recursive generator, as Theano 1.0 ran it.

A stream's state is six int32: three of the first component (modulo M1 = 2**31 - 1) and three
of the second (modulo M2 = 2**31 - 21069). A draw of n samples from s streams (an int32 matrix
(s, 6)) gives sample i from stream i % s, each stream stepping once per sample it gives; the
steps are int32 arithmetic that may wrap, exactly as Theano's C kernel (numpy int32 arrays wrap
the same way), vectorised over the streams: one round of numpy operations per s samples.

Streams start 2**72 steps apart (`substream_states`) and each MRG_RandomStreams draw moves the
factory's state 2**134 steps on (`next_stream_start`), both by multiplying with the jump
matrices modulo M1 and M2. All of it is exact integer arithmetic, so the numbers are Theano's.

>>> samples, _ = uniform_samples(substream_states(np.full(6, 12345, 'int32'), 7), 7, 'float64')
>>> round(float(samples[0]), 10)      # samples_MRG31k3p_12_7_5.txt's first number
0.7353244531
"""

from __future__ import annotations

import numpy as np

M1 = 2147483647          # 2**31 - 1
M2 = 2147462579          # 2**31 - 21069
_MASK12, _MASK13, _MASK2, _MULT2 = 511, 16777215, 65535, 21069
# 1 / 2**31 in each dtype, as Theano's C kernel wrote them (the float32 one rounded first).
NORM = {"float64": 4.656612873077392578125e-10, "float32": np.float32(4.6566126e-10)}

# The first and second components' jump matrices: 2**72 steps (from one substream to the next)
# and 2**134 steps (from one MRG_RandomStreams draw's streams to the next draw's).
A1P72 = np.array([[1516919229, 758510237, 499121365],
                  [1884998244, 1516919229, 335398200],
                  [601897748, 1884998244, 358115744]], dtype="int64")
A2P72 = np.array([[1228857673, 1496414766, 954677935],
                  [1133297478, 1407477216, 1496414766],
                  [2002613992, 1639496704, 1407477216]], dtype="int64")
A1P134 = np.array([[1702500920, 1849582496, 1656874625],
                   [828554832, 1702500920, 1512419905],
                   [1143731069, 828554832, 102237247]], dtype="int64")
A2P134 = np.array([[796789021, 1464208080, 607337906],
                   [1241679051, 1431130166, 1464208080],
                   [1401213391, 1178684362, 1431130166]], dtype="int64")

# Theano's limit on one draw (its C kernel counted samples in 32 bits).
MAX_SAMPLES = M1


def _mat_vec_mod(matrix, vectors, modulus):
    """matrix @ each row of `vectors`, modulo `modulus`: every product reduced before the sum
    (products of two 31-bit numbers fit int64; three reduced ones summed do too)."""
    products = (matrix[None, :, :] * vectors[:, None, :].astype("int64")) % modulus
    return products.sum(axis=2) % modulus


def _mat_mat_mod(left, right, modulus):
    products = (left[:, :, None] * right[None, :, :]) % modulus
    return products.sum(axis=1) % modulus


def jump(states, first, second) -> np.ndarray:
    """`states` (rows of six) moved on by the jump matrices `first` (modulo M1) and `second`
    (modulo M2)."""
    states = np.asarray(states, dtype="int32").reshape(-1, 6)
    moved = np.empty(states.shape, dtype="int32")
    moved[:, :3] = _mat_vec_mod(first, states[:, :3], M1)
    moved[:, 3:] = _mat_vec_mod(second, states[:, 3:], M2)
    return moved


def next_stream_start(state) -> np.ndarray:
    """The factory's state 2**134 steps on (Theano's `inc_rstate`)."""
    return jump(state, A1P134, A2P134)[0]


def substream_states(state, count: int) -> np.ndarray:
    """(count, 6) int32: `state`, then each row 2**72 steps after the one before (Theano's
    `get_substream_rstates`). Doubling: the first k rows jumped by 2**(72 k) give the next k."""
    rows = np.asarray(state, dtype="int32").reshape(1, 6)
    first, second = A1P72, A2P72
    while len(rows) < count:
        rows = np.concatenate([rows, jump(rows[:count - len(rows)], first, second)])
        first, second = _mat_mat_mod(first, first, M1), _mat_mat_mod(second, second, M2)
    return rows


def _step(x):
    """One step of each stream in `x` (columns x11 x12 x13 x21 x22 x23, int32): the new state
    and the integers in [1, M1] the samples are made of."""
    x11, x12, x13, x21, x22, x23 = x.T
    y1 = ((x12 & _MASK12) << 22) + (x12 >> 9) + ((x13 & _MASK13) << 7) + (x13 >> 24)
    y1 = _reduce(y1, M1)
    y1 = _reduce(y1 + x13, M1)
    z1 = _reduce(((x21 & _MASK2) << 15) + _MULT2 * (x21 >> 16), M2)
    z2 = _reduce(((x23 & _MASK2) << 15) + _MULT2 * (x23 >> 16), M2)
    z2 = _reduce(z2 + x23, M2)
    z2 = _reduce(z2 + z1, M2)
    following = np.stack([y1, x11, x12, z2, x21, x22], axis=1)
    return following, np.where(y1 <= z2, y1 - z2 + M1, y1 - z2)


def _reduce(y, modulus):
    # Theano's `if (y < 0 || y >= m) y -= m` on int32, where a negative y is a sum that wrapped.
    return np.where((y < 0) | (y >= modulus), y - np.int32(modulus), y)


def uniform_samples(states, count: int, dtype: str):
    """(`count` samples uniform in (0, 1) of `dtype`, the streams' states after them): sample i
    from stream i % len(states). The input states are not changed."""
    if count > MAX_SAMPLES:
        raise ValueError(f"MRG31k3p draws at most 2**31 - 1 samples at once, not {count}")
    states = np.array(states, dtype="int32", copy=True)
    streams = len(states)
    integers = np.empty(count, dtype="int32")
    with np.errstate(over="ignore"):
        for start in range(0, count, streams):      # one round: each stream steps once
            used = min(streams, count - start)
            states[:used], integers[start:start + used] = _step(states[:used])
    if dtype == "float32":
        return integers.astype("float32") * NORM["float32"], states
    return integers * NORM["float64"], states
