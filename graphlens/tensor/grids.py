"""`T.mgrid` and `T.ogrid`, as Theano's (numpy's mgrid and ogrid, symbolic): indexed with
slices, they give one tensor per slice, the dense grids of mgrid all of the full shape, the
open grids of ogrid of length 1 on every other axis.

>>> rows, cols = T.mgrid[0:3, 0:n]        # two int64 matrices of shape (3, n)  # doctest: +SKIP
"""

from __future__ import annotations

from graphlens.errors import InvalidArgumentError
from graphlens.tensor.basic import arange
from graphlens.tensor.elemwise import call_site
from graphlens.tensor.fill import ones_like


class _Grid:
    """The object behind T.mgrid (dense) and T.ogrid (open, `sparse`)."""

    def __init__(self, sparse):
        self.sparse = sparse

    def __repr__(self):
        return "T.ogrid" if self.sparse else "T.mgrid"

    def __getitem__(self, slices):
        name = repr(self)
        slices = slices if isinstance(slices, tuple) else (slices,)
        for item in slices:
            if not isinstance(item, slice) or item.stop is None:
                raise InvalidArgumentError(f"{name} at {call_site()}: index with slices "
                                           f"start:stop:step (stop given), got {item!r}")
            if isinstance(item.step, complex):
                # numpy reads a complex step as a number of points; Theano refuses it too.
                raise InvalidArgumentError(f"{name} at {call_site()}: a complex step (a number "
                                           f"of points) is not supported, got {item!r}")
        ndim = len(slices)
        ranges = [arange(0 if s.start is None else s.start, s.stop,
                         1 if s.step is None else s.step) for s in slices]
        # Range j lies along axis j, length 1 on the others.
        ranges = [r.dimshuffle(*["x"] * j, 0, *["x"] * (ndim - 1 - j))
                  for j, r in enumerate(ranges)]
        if self.sparse:
            return ranges
        ones = [ones_like(r) for r in ranges]
        grids = []
        for i in range(ndim):
            grid = ranges[i]
            for j in range(ndim):
                if j != i:
                    grid = grid * ones[j]
            grids.append(grid)
        return grids


mgrid = _Grid(sparse=False)
ogrid = _Grid(sparse=True)
