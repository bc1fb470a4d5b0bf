"""The pooling ops behind Theano's `pool_2d` and `pool_3d`: the pooling op and its gradient ops,
each an op of its own with its own gradient, so second derivatives work.

One generic class per role does the work for any number of pooled axes (the rank is len(ws));
the 3-d classes only name their rank and how they print, as the convolution ops do
(tensor/nnet/conv_ops.py). pool_kernels.py holds the arithmetic:

    out = pool(x)                            (..., *pooled lengths)
    gx  = max_pool_grad(x, out, gz)          d cost / d x for max pooling
    gx  = average_pool_grad(x, gz)           d cost / d x for sum and average pooling
    g   = max_pool_grad_grad(x, out, ggx)    d / d gz of max_pool_grad: a pooling of ggx
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphlens.errors import ShapeError, describe
from graphlens.graph.basic import Apply
from graphlens.graph.notation import Func
from graphlens.graph.op import Op
from graphlens.graph.markers import disconnected
from graphlens.tensor.compare import ge, maximum, minimum, switch
from graphlens.tensor.fill import zeros_like
from graphlens.tensor.shape import _shape_vector, _static_vector
from graphlens.tensor.signal import pool_kernels as kernels
from graphlens.tensor.type import TensorType
from graphlens.tensor.variable import as_tensor_variable

MODES = ("max", "sum", "average_inc_pad", "average_exc_pad")
_PARAMS = ("ws", "ignore_border", "stride", "pad", "mode")


def _is_int(value):
    return isinstance(value, (int, np.integer))


def pooled_length(length, ws, stride, pad, ignore_border):
    """One pooled length, as Theano's Pool.out_shape: from ints (a None length gives None), or
    from symbolic int scalars (infer_shape passes those, and a window given as inputs).

    >>> pooled_length(7, 2, 2, 0, True), pooled_length(7, 2, 2, 0, False)
    (3, 4)
    """
    if length is None or all(_is_int(v) for v in (length, ws, stride, pad)):
        return kernels.output_length(length, ws, stride, pad, ignore_border)
    if ignore_border:
        return maximum((length + 2 * pad - ws) // stride + 1, 0)
    wide = (length - 1) // stride + 1              # floor division: 0 for an empty axis
    # The minimum with the length is 0 for an empty axis and leaves the others as they are
    # (the count is below the length whenever the length is at least 1).
    narrow = minimum(length, maximum((length - 1 - ws + stride) // stride, 0) + 1)
    if _is_int(stride) and _is_int(ws):
        return wide if stride >= ws else narrow
    return switch(ge(stride, ws), wide, narrow)


@dataclass(frozen=True)
class PoolBase(Op):
    """What the pooling ops and their gradient ops share: the window, stride, padding and mode.
    `stride` None means the window size (non-overlapping windows). The number of pooled axes
    (Theano's `ndim`) is 2, or 3 for the *3d classes.

    ws=None (stride and pad None too) means the window is not known when the graph is built:
    ws, stride and pad are then the op's last three inputs, int vectors (Theano 1.0's form,
    `pool_2d(x, ws=(h // 2, w // 2))`), checked when the op runs."""

    ws: tuple | None
    ignore_border: bool = True
    stride: tuple | None = None
    pad: tuple | None = (0, 0)
    mode: str = "max"
    # Pictures and trees label these ops as the call that built them: pool_2d(ws=(2, 2)).
    labelled_as_call = True
    # How many tensor inputs come before the window's (x for Pool; x, maxout, gz for
    # MaxPoolGrad, ...).
    arity = 1

    def __post_init__(self):
        # The class decides how the op prints (pool_2d or pool_3d), so its window must have
        # the class's rank: Pool3d pools three axes.
        if self.ws is None:
            if self.stride is not None or self.pad is not None:
                raise ValueError(f"{type(self).__name__}: a window given as inputs (ws=None) "
                                 f"takes its stride and pad as inputs too")
            return
        rank = self.ndim
        if len(self.ws) != rank or self.pad is None or len(self.pad) != rank or (
                self.stride is not None and len(self.stride) != rank):
            raise ValueError(f"{type(self).__name__} pools {rank} axes: ws, stride and pad "
                             f"need {rank} entries, got ws={self.ws}, stride={self.stride}, "
                             f"pad={self.pad}")

    @property
    def ndim(self) -> int:
        """The number of pooled axes (Theano's name): 2 for pool_2d, 3 for pool_3d."""
        return len(type(self).__dataclass_fields__["pad"].default)

    @property
    def call_name(self) -> str:
        return f"pool_{self.ndim}d"

    @property
    def window_given(self) -> bool:
        """True when ws, stride and pad are the op's last three inputs."""
        return self.ws is None

    def family(self, role):
        """The op class of this rank playing `role` (see FAMILIES), with this op's props."""
        return FAMILIES[self.ndim][role](**self.props)

    def window_inputs(self, ws, stride, pad):
        """The window as three int vectors (stride None: ws; pad None: zeros), for an op
        whose window is given as inputs."""
        vectors = []
        for part in (ws, stride, pad if pad is not None else (0,) * self.ndim):
            if part is None:                      # stride None: the window itself, once
                vectors.append(vectors[0])
                continue
            vector = _shape_vector(part)
            if vector.ndim != 1 or vector.dtype not in ("int8", "int16", "int32", "int64"):
                raise ShapeError(f"{self.call_name}: ws, stride and pad must be int vectors, "
                                 f"got {describe(vector)}")
            vectors.append(vector)
        return vectors

    def window(self, values):
        """(ws, stride, pad) as tuples of ints: the props, or the values of the window's
        inputs (`values`: the op's inputs at run time), checked as Theano checks them."""
        if not self.window_given:
            return self.ws, self.stride if self.stride is not None else self.ws, self.pad
        ws, stride, pad = (tuple(int(v) for v in np.ravel(part)) for part in values[-3:])
        if not len(ws) == len(stride) == len(pad) == self.ndim or min(ws + stride) < 1 or (
                min(pad) < 0):
            raise ValueError(f"{self.call_name}: ws and stride must be {self.ndim} ints >= 1 "
                             f"and pad {self.ndim} ints >= 0, got ws={ws}, stride={stride}, "
                             f"pad={pad}")
        if any(pad) and not self.ignore_border:
            raise ValueError(f"{self.call_name}: padding works only with ignore_border=True")
        if any(p >= w for p, w in zip(pad, ws)):
            raise ValueError(f"{self.call_name}: pad {pad} must be smaller than ws {ws}")
        return ws, stride, pad

    def geometry(self, lengths, values=()):
        """Where the windows lie over an input whose pooled axes have `lengths`."""
        ws, stride, pad = self.window(values)
        return kernels.Geometry(lengths, ws, stride, pad, self.ignore_border)

    def pooled_shape(self, shape, window=None):
        """The shape of pooling an input of `shape` (ints, None or symbolic int scalars);
        `window`: the window's three input vectors, for an op whose window is given so."""
        if window is not None:
            ws, stride, pad = ([part[i] for i in range(self.ndim)] for part in window)
        else:
            ws, stride, pad = self.window(())
        pooled = tuple(pooled_length(length, *entries, self.ignore_border) for length, entries
                       in zip(shape[-self.ndim:], zip(ws, stride, pad)))
        return tuple(shape[:-self.ndim]) + pooled

    def pooled_type(self, x, window=(), dtype=None):
        """The type of pooling x: its leading axes, then the pooled lengths (for a window
        given as inputs, those of the axes whose window entries are constants)."""
        if not self.window_given:
            return TensorType(dtype or x.dtype, self.pooled_shape(x.type.shape))
        static = [_static_vector(part) for part in window]
        static = [entries if len(entries) == self.ndim else [None] * self.ndim
                  for entries in static]
        lengths = tuple(
            pooled_length(length, w, s, p, self.ignore_border) if None not in (w, s, p)
            else None
            for length, w, s, p in zip(x.type.shape[-self.ndim:], *static))
        return TensorType(dtype or x.dtype, tuple(x.type.shape[:-self.ndim]) + lengths)

    def node(self, name, tensors, window):
        """The inputs of an Apply of this op: its tensor inputs as variables (the first
        checked for the rank), and the window's three vectors if the window is given as
        inputs (else none; then `window` must be all None)."""
        tensors = [as_tensor_variable(t) for t in tensors]
        if tensors[0].ndim < self.ndim:
            words = {2: "two", 3: "three"}[self.ndim]
            raise ShapeError(f"{name} pools the last {words} axes; it needs at least "
                             f"{self.ndim}, got {describe(tensors[0])}")
        if self.window_given:
            if window[0] is None:
                raise ShapeError(f"{name}: this op takes its window as inputs: give ws")
            extra = self.window_inputs(*window)
        elif any(w is not None for w in window):
            raise ShapeError(f"{name}: the window is this op's props ws={self.ws}; it takes "
                             f"no window inputs")
        else:
            extra = []
        return tensors, extra

    def window_of(self, node_inputs):
        """The window's input vectors of an Apply of this op, or None."""
        return node_inputs[self.arity:] if self.window_given else None

    def window_gradients(self, inputs):
        """The gradients of the window's inputs: none, the window only places the windows."""
        return [disconnected(w) for w in inputs[self.arity:]]

    def suffixed(self, what):
        """The name of this op's call: max_pool_2d_grad, average_pool_3d_grad, ..."""
        return what.replace("pool", self.call_name, 1)


@dataclass(frozen=True)
class Pool(PoolBase):
    """Pooling of x's last two axes (three for Pool3d): max, sum or average over each window."""

    notation = Func("pool_2d", params=_PARAMS)

    @staticmethod
    def out_shape(imgshape, ws=None, ignore_border=False, stride=None, pad=None, ndim=2,
                  ds=None, st=None, padding=None):
        """The shape (a list) of pooling an input of shape `imgshape` (ints or symbolic int
        scalars) over its last `ndim` axes: Theano's static method, old argument names too.

        >>> Pool.out_shape((10, 3, 7, 6), (2, 2), ignore_border=True)
        [10, 3, 3, 3]
        """
        ws = ws if ws is not None else ds
        stride = stride if stride is not None else st if st is not None else ws
        pad = pad if pad is not None else padding if padding is not None else (0,) * ndim
        imgshape = list(imgshape)          # a tuple, or x.shape (a vector of known length)
        if len(imgshape) < ndim:
            raise TypeError(f"Pool.out_shape: imgshape must have at least {ndim} entries, "
                            f"got {tuple(imgshape)}")
        return list(imgshape[:-ndim]) + [
            pooled_length(length, w, s, p, ignore_border)
            for length, w, s, p in zip(imgshape[-ndim:], ws, stride, pad)]

    def make_node(self, x, ws=None, stride=None, pad=None):
        (x,), window = self.node(self.call_name, [x], (ws, stride, pad))
        return Apply(self, [x, *window], [self.pooled_type(x, window)()])

    def infer_shape(self, node, input_shapes):
        """The leading lengths, then each pooled length as Theano's Pool.out_shape."""
        return [self.pooled_shape(input_shapes[0], self.window_of(node.inputs))]

    def perform(self, node, inputs):
        x = inputs[0]
        out = kernels.pool(x, self.geometry(x.shape[-self.ndim:], inputs), self.mode)
        return [np.asarray(out, dtype=node.outputs[0].type.dtype)]

    def grad(self, inputs, output_grads):
        (x, *window), (gz,) = inputs, output_grads
        if self.mode == "max":
            gx = self.family("max_grad")(x, self(x, *window), gz, *window)
        else:
            gx = self.family("average_grad")(x, gz, *window)
        return [gx] + self.window_gradients(inputs)


@dataclass(frozen=True)
class MaxPoolGrad(PoolBase):
    """The input's gradient of max pooling, from x, the pooled maxima and the output's
    gradient: each window's gradient goes to every element equal to the window's max."""

    notation = Func("max_pool_2d_grad", params=_PARAMS)
    arity = 3

    def make_node(self, x, maxout, gz, ws=None, stride=None, pad=None):
        (x, maxout, gz), window = self.node(self.suffixed("max_pool_grad"), [x, maxout, gz],
                                            (ws, stride, pad))
        return Apply(self, [x, maxout, gz, *window], [TensorType(gz.dtype, x.type.shape)()])

    def infer_shape(self, node, input_shapes):
        """x's shape."""
        return [input_shapes[0]]

    def perform(self, node, inputs):
        x, maxout, gz = inputs[:3]
        gx = kernels.max_pool_grad(x, maxout, gz, self.geometry(x.shape[-self.ndim:], inputs))
        return [np.asarray(gx, dtype=node.outputs[0].type.dtype)]

    def grad(self, inputs, output_grads):
        (x, maxout, gz, *window), (ggx,) = inputs, output_grads
        # Where each window's maximum sits is piecewise constant in x (and in maxout): honest
        # zeros for those; gz gets the transpose of the scatter. (No zero_gradient_reason: the
        # tracer would read it as blocking gz too.)
        ggz = self.family("max_grad_grad")(x, maxout, ggx, *window)
        return [zeros_like(x), zeros_like(maxout), ggz] + self.window_gradients(inputs)


@dataclass(frozen=True)
class MaxPoolGradGrad(PoolBase):
    """The gradient of MaxPoolGrad with respect to its output gradient (Theano's
    DownsampleFactorMaxGradGrad): each window's ggx summed over its maxima."""

    notation = Func("max_pool_2d_grad_grad", params=_PARAMS)
    arity = 3

    def make_node(self, x, maxout, ggx, ws=None, stride=None, pad=None):
        (x, maxout, ggx), window = self.node(self.suffixed("max_pool_grad_grad"),
                                             [x, maxout, ggx], (ws, stride, pad))
        return Apply(self, [x, maxout, ggx, *window],
                     [self.pooled_type(x, window, ggx.dtype)()])

    def infer_shape(self, node, input_shapes):
        """The shape of pooling x."""
        return [self.pooled_shape(input_shapes[0], self.window_of(node.inputs))]

    def perform(self, node, inputs):
        x, maxout, ggx = inputs[:3]
        geometry = self.geometry(x.shape[-self.ndim:], inputs)
        out = kernels.max_pool_grad_grad(x, maxout, ggx, geometry)
        return [np.asarray(out, dtype=node.outputs[0].type.dtype)]

    def grad(self, inputs, output_grads):
        (x, maxout, ggx, *window), (g,) = inputs, output_grads
        gggx = self.family("max_grad")(x, maxout, g, *window)
        return [zeros_like(x), zeros_like(maxout), gggx] + self.window_gradients(inputs)


@dataclass(frozen=True)
class AveragePoolGrad(PoolBase):
    """The input's gradient of sum and average pooling, from x (for its shape) and the
    output's gradient."""

    notation = Func("average_pool_2d_grad", params=_PARAMS)
    arity = 2

    def make_node(self, x, gz, ws=None, stride=None, pad=None):
        (x, gz), window = self.node(self.suffixed("average_pool_grad"), [x, gz],
                                    (ws, stride, pad))
        return Apply(self, [x, gz, *window], [TensorType(gz.dtype, x.type.shape)()])

    def infer_shape(self, node, input_shapes):
        """x's shape."""
        return [input_shapes[0]]

    def perform(self, node, inputs):
        x, gz = inputs[:2]
        gx = kernels.average_pool_grad(gz, self.geometry(x.shape[-self.ndim:], inputs),
                                       self.mode)
        return [np.asarray(gx, dtype=node.outputs[0].type.dtype)]

    def grad(self, inputs, output_grads):
        (x, gz, *window), (ggx,) = inputs, output_grads
        # Sum and average pooling are linear: their gradient reads only x's shape.
        return [zeros_like(x), self.family("pool")(ggx, *window)] + self.window_gradients(inputs)


@dataclass(frozen=True)
class Pool3d(Pool):
    """Pooling of x's last three axes (Theano's Pool with ndim=3)."""

    pad: tuple = (0, 0, 0)
    notation = Func("pool_3d", params=_PARAMS)


@dataclass(frozen=True)
class MaxPoolGrad3d(MaxPoolGrad):
    """The input's gradient of 3-d max pooling."""

    pad: tuple = (0, 0, 0)
    notation = Func("max_pool_3d_grad", params=_PARAMS)


@dataclass(frozen=True)
class MaxPoolGradGrad3d(MaxPoolGradGrad):
    """The gradient of MaxPoolGrad3d with respect to its output gradient."""

    pad: tuple = (0, 0, 0)
    notation = Func("max_pool_3d_grad_grad", params=_PARAMS)


@dataclass(frozen=True)
class AveragePoolGrad3d(AveragePoolGrad):
    """The input's gradient of 3-d sum and average pooling."""

    pad: tuple = (0, 0, 0)
    notation = Func("average_pool_3d_grad", params=_PARAMS)


# Each op's gradient is built from its siblings of the same rank.
FAMILIES = {
    2: {"pool": Pool, "max_grad": MaxPoolGrad, "max_grad_grad": MaxPoolGradGrad,
        "average_grad": AveragePoolGrad},
    3: {"pool": Pool3d, "max_grad": MaxPoolGrad3d, "max_grad_grad": MaxPoolGradGrad3d,
        "average_grad": AveragePoolGrad3d},
}

def _family_of_rank(rank):
    """The four op classes pooling `rank` axes, for the ranks beyond 2 and 3 that Theano's
    Pool(ndim=...) also took (1-d pooling of a sequence, 4-d and 5-d windows): subclasses of
    the 2-d classes with a window of `rank` entries. The kernels are rank-generic."""
    family = {}
    for role, base, name in (("pool", Pool, "pool"), ("max_grad", MaxPoolGrad, "max_pool_grad"),
                             ("max_grad_grad", MaxPoolGradGrad, "max_pool_grad_grad"),
                             ("average_grad", AveragePoolGrad, "average_pool_grad")):
        call = name.replace("pool", f"pool_{rank}d", 1)
        namespace = {"__annotations__": {"pad": tuple}, "pad": (0,) * rank,
                     "notation": Func(call, params=_PARAMS), "__module__": __name__,
                     "__doc__": f"{base.__name__} over x's last {rank} axes ({call})."}
        family[role] = dataclass(frozen=True)(
            type(f"{base.__name__}{rank}d", (base,), namespace))
    return family


for _extra_rank in (1, 4, 5):
    FAMILIES[_extra_rank] = _family_of_rank(_extra_rank)

# Theano 1.0 builds these ops without a window, which each call then gives as inputs:
# `Pool(ignore_border=True, mode='max', ndim=2)(x, ws, stride, pad)` (its own tests and
# libraries that drive the op class directly). The keyword order and defaults are Theano's.
THEANO_ORDER = ("ignore_border", "mode", "ndim", "openmp")
THEANO_DEFAULT_MODE = {"pool": "max", "max_grad": "max", "max_grad_grad": "max",
                       "average_grad": "average_inc_pad"}


def _theano_form(args, kwargs) -> bool:
    """True when a pooling op is built Theano's way: no window, and the first positional
    argument (if any) is ignore_border, a bool."""
    if {"ws", "stride", "pad"} & kwargs.keys():
        return False
    return not args or isinstance(args[0], (bool, np.bool_))


def _accept_theano_constructor(role, rank, dataclass_cls):
    """Let `dataclass_cls` (of `rank` pooled axes) also be built as Theano's class of that
    role was."""
    dataclass_init, requested = dataclass_cls.__init__, dataclass_cls

    def __new__(cls, *args, **kwargs):
        if _theano_form(args, kwargs):
            ndim = dict(zip(THEANO_ORDER, args), **kwargs).get("ndim", rank)
            if ndim not in FAMILIES:
                raise ValueError(f"{cls.__name__}: ndim must be 1 to 5, got {ndim!r}")
            cls = FAMILIES[ndim][role]
            if not issubclass(cls, requested):
                # Python initializes only instances of the class asked for: Pool3d(ndim=2)
                # is a 2-d Pool, made here in full.
                made = object.__new__(cls)
                made.__init__(*args, **kwargs)
                return made
        return object.__new__(cls)

    def __init__(self, *args, **kwargs):
        if not _theano_form(args, kwargs):
            return dataclass_init(self, *args, **kwargs)
        if len(args) > len(THEANO_ORDER):
            raise TypeError(f"{type(self).__name__} takes at most {len(THEANO_ORDER)} "
                            f"arguments Theano's way (ignore_border, mode, ndim, openmp)")
        given = dict(zip(THEANO_ORDER, args), **kwargs)
        unknown = given.keys() - set(THEANO_ORDER)
        if unknown:
            raise TypeError(f"{type(self).__name__}: unexpected argument(s) "
                            f"{', '.join(sorted(unknown))}")
        # openmp chose Theano's C code; there is none to choose here.
        dataclass_init(self, None, ignore_border=bool(given.get("ignore_border", False)),
                       stride=None, pad=None,
                       mode=given.get("mode", THEANO_DEFAULT_MODE[role]))

    dataclass_cls.__new__ = staticmethod(__new__)
    dataclass_cls.__init__ = __init__


for _rank, _family in FAMILIES.items():
    for _role, _cls in _family.items():
        _accept_theano_constructor(_role, _rank, _cls)
