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
_MASK12, _MASK13, _MASK2, _MULT2 = (np.uint32(v) for v in (511, 16777215, 65535, 21069))
# 1 / 2**31 in each dtype, as Theano's C kernel wrote them (the float32 one rounded first).
NORM = {"float64": 4.656612873077392578125e-10, "float32": np.float32(4.6566126e-10)}
NORM_FLOAT16 = np.float16(3.0458e-05)

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


def _step(rows, integers):
    """One step of each stream: `rows` (6, streams), the components x11 x12 x13 x21 x22 x23
    as contiguous rows, moved on in place; `integers` gets the integers in [1, M1] the samples
    are made of. Theano's kernel computes in int32 and lets sums wrap; here the same bits are
    uint32 (states are below 2**31, so shifts agree), where `min(y, y - m)` is its
    `if (y < 0 || y >= m) y -= m` in two fast passes (a wrapped sum is above m as unsigned)."""
    x11, x12, x13, x21, x22, x23 = rows
    y1 = (x12 & _MASK12) << 22
    y1 += x12 >> 9
    y1 += (x13 & _MASK13) << 7
    y1 += x13 >> 24
    _reduce(y1, M1)
    y1 += x13
    _reduce(y1, M1)
    z1 = (x21 & _MASK2) << 15
    z1 += (x21 >> 16) * _MULT2
    _reduce(z1, M2)
    z2 = (x23 & _MASK2) << 15
    z2 += (x23 >> 16) * _MULT2
    _reduce(z2, M2)
    z2 += x23
    _reduce(z2, M2)
    z2 += z1
    _reduce(z2, M2)
    rows[2], rows[1], rows[0] = x12, x11, y1      # (x13, x12, x11) <- (x12, x11, y1)
    rows[5], rows[4], rows[3] = x22, x21, z2
    # y1 - z2, plus M1 where y1 <= z2: with d = y1 - z2 - 1 (negative, so huge as unsigned,
    # exactly then), min(d, d + M1) + 1.
    np.subtract(y1, z2, out=integers)
    integers -= 1
    np.minimum(integers, integers + np.uint32(M1), out=integers)
    integers += 1


def _reduce(y, modulus):
    np.minimum(y, y - np.uint32(modulus), out=y)


def uniform_samples(states, count: int, dtype: str):
    """(`count` samples uniform in (0, 1) of `dtype`, the streams' states after them): sample i
    from stream i % len(states). The input states are not changed."""
    if count > MAX_SAMPLES:
        raise ValueError(f"MRG31k3p draws at most 2**31 - 1 samples at once, not {count}")
    # A copy, (6, streams), as the same bits unsigned (see _step).
    rows = np.array(np.asarray(states, dtype="int32").T, order="C").view("uint32")
    streams = rows.shape[1]
    integers = np.empty(count, dtype="uint32")
    with np.errstate(over="ignore"):
        for start in range(0, count, streams):      # one round: each stream steps once
            used = min(streams, count - start)
            if used == streams:
                _step(rows, integers[start:start + used])
            else:
                part = np.array(rows[:, :used])
                _step(part, integers[start:start + used])
                rows[:, :used] = part
    states = np.array(rows.T, order="C").view("int32")
    integers = integers.view("int32")
    if dtype == "float16":
        # Theano's float16 arithmetic: 15 bits, plus 1, times float16(3.0458e-05), so no
        # sample rounds to 0 or 1 in float16 (the full 31 bits times 2**-31 would).
        fifteen = (integers & 0x7FFF) + 1
        return (fifteen * np.float64(NORM_FLOAT16)).astype("float16"), states
    if dtype == "float32":
        return integers.astype("float32") * NORM["float32"], states
    return integers * NORM["float64"], states
