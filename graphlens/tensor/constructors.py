"""Theano's variable constructors by type prefix and rank: `T.dscalar`, `T.fmatrix`, ...

Each is a `TensorType` instance, as in Theano: calling it makes a variable (`T.dmatrix('x')`),
and a variable's type compares equal to it (`x.type == T.dmatrix`). The prefix gives the dtype
(b int8, w int16, i int32, l int64, f float32, d float64, c complex64, z complex128); a row is
(1, ?) and a col (?, 1). The plurals make several variables at once: `a, b = T.dscalars('a', 'b')`.

>>> dmatrix('x').type == dmatrix
True
"""

from __future__ import annotations

from graphlens.tensor.basic import col, matrix, row, scalar, tensor3, tensor4, tensor5, vector
from graphlens.tensor.type import TensorType


def plural_of(make):
    """Theano's plural of the constructor `make`: one variable per name, or `n` unnamed ones.

    As in Theano, one name gives one variable, an int `n` gives a list of n variables, and a
    single string of several letters gives one variable per letter.

    >>> a, b = plural_of(dscalar)('a', 'b'); b.name
    'b'
    >>> len(plural_of(dvector)(3)), plural_of(dvector)('x').name
    (3, 'x')
    """
    def make_several(*names):
        if names and isinstance(names[0], int):
            return [make() for _ in range(names[0])]
        if len(names) == 1:
            names = names[0]
        if isinstance(names, str) and len(names) == 1:
            return make(names)
        return [make(name) for name in names]
    kind = getattr(make, "__name__", None) or repr(make)
    make_several.__doc__ = f"Several variables made by {kind}, one per name."
    return make_several


bscalar = TensorType("int8", ())
wscalar = TensorType("int16", ())
iscalar = TensorType("int32", ())
lscalar = TensorType("int64", ())
fscalar = TensorType("float32", ())
dscalar = TensorType("float64", ())
cscalar = TensorType("complex64", ())
zscalar = TensorType("complex128", ())

bvector = TensorType("int8", (False,))
wvector = TensorType("int16", (False,))
ivector = TensorType("int32", (False,))
lvector = TensorType("int64", (False,))
fvector = TensorType("float32", (False,))
dvector = TensorType("float64", (False,))
cvector = TensorType("complex64", (False,))
zvector = TensorType("complex128", (False,))

brow = TensorType("int8", (True, False))
wrow = TensorType("int16", (True, False))
irow = TensorType("int32", (True, False))
lrow = TensorType("int64", (True, False))
frow = TensorType("float32", (True, False))
drow = TensorType("float64", (True, False))
crow = TensorType("complex64", (True, False))
zrow = TensorType("complex128", (True, False))

bcol = TensorType("int8", (False, True))
wcol = TensorType("int16", (False, True))
icol = TensorType("int32", (False, True))
lcol = TensorType("int64", (False, True))
fcol = TensorType("float32", (False, True))
dcol = TensorType("float64", (False, True))
ccol = TensorType("complex64", (False, True))
zcol = TensorType("complex128", (False, True))

bmatrix = TensorType("int8", (False, False))
wmatrix = TensorType("int16", (False, False))
imatrix = TensorType("int32", (False, False))
lmatrix = TensorType("int64", (False, False))
fmatrix = TensorType("float32", (False, False))
dmatrix = TensorType("float64", (False, False))
cmatrix = TensorType("complex64", (False, False))
zmatrix = TensorType("complex128", (False, False))

btensor3 = TensorType("int8", (False,) * 3)
wtensor3 = TensorType("int16", (False,) * 3)
itensor3 = TensorType("int32", (False,) * 3)
ltensor3 = TensorType("int64", (False,) * 3)
ftensor3 = TensorType("float32", (False,) * 3)
dtensor3 = TensorType("float64", (False,) * 3)
ctensor3 = TensorType("complex64", (False,) * 3)
ztensor3 = TensorType("complex128", (False,) * 3)

btensor4 = TensorType("int8", (False,) * 4)
wtensor4 = TensorType("int16", (False,) * 4)
itensor4 = TensorType("int32", (False,) * 4)
ltensor4 = TensorType("int64", (False,) * 4)
ftensor4 = TensorType("float32", (False,) * 4)
dtensor4 = TensorType("float64", (False,) * 4)
ctensor4 = TensorType("complex64", (False,) * 4)
ztensor4 = TensorType("complex128", (False,) * 4)

btensor5 = TensorType("int8", (False,) * 5)
wtensor5 = TensorType("int16", (False,) * 5)
itensor5 = TensorType("int32", (False,) * 5)
ltensor5 = TensorType("int64", (False,) * 5)
ftensor5 = TensorType("float32", (False,) * 5)
dtensor5 = TensorType("float64", (False,) * 5)
ctensor5 = TensorType("complex64", (False,) * 5)
ztensor5 = TensorType("complex128", (False,) * 5)

# floatX plurals, as Theano's T.scalars('x', 'y'), T.matrices('a', 'b').
scalars = plural_of(scalar)
vectors = plural_of(vector)
rows = plural_of(row)
cols = plural_of(col)
matrices = plural_of(matrix)
tensor3s = plural_of(tensor3)
tensor4s = plural_of(tensor4)
tensor5s = plural_of(tensor5)

bscalars = plural_of(bscalar)
wscalars = plural_of(wscalar)
iscalars = plural_of(iscalar)
lscalars = plural_of(lscalar)
fscalars = plural_of(fscalar)
dscalars = plural_of(dscalar)
cscalars = plural_of(cscalar)
zscalars = plural_of(zscalar)

bvectors = plural_of(bvector)
wvectors = plural_of(wvector)
ivectors = plural_of(ivector)
lvectors = plural_of(lvector)
fvectors = plural_of(fvector)
dvectors = plural_of(dvector)
cvectors = plural_of(cvector)
zvectors = plural_of(zvector)

brows = plural_of(brow)
wrows = plural_of(wrow)
irows = plural_of(irow)
lrows = plural_of(lrow)
frows = plural_of(frow)
drows = plural_of(drow)
crows = plural_of(crow)
zrows = plural_of(zrow)

bcols = plural_of(bcol)
wcols = plural_of(wcol)
icols = plural_of(icol)
lcols = plural_of(lcol)
fcols = plural_of(fcol)
dcols = plural_of(dcol)
ccols = plural_of(ccol)
zcols = plural_of(zcol)

bmatrices = plural_of(bmatrix)
wmatrices = plural_of(wmatrix)
imatrices = plural_of(imatrix)
lmatrices = plural_of(lmatrix)
fmatrices = plural_of(fmatrix)
dmatrices = plural_of(dmatrix)
cmatrices = plural_of(cmatrix)
zmatrices = plural_of(zmatrix)

btensor3s = plural_of(btensor3)
wtensor3s = plural_of(wtensor3)
itensor3s = plural_of(itensor3)
ltensor3s = plural_of(ltensor3)
ftensor3s = plural_of(ftensor3)
dtensor3s = plural_of(dtensor3)
ctensor3s = plural_of(ctensor3)
ztensor3s = plural_of(ztensor3)

btensor4s = plural_of(btensor4)
wtensor4s = plural_of(wtensor4)
itensor4s = plural_of(itensor4)
ltensor4s = plural_of(ltensor4)
ftensor4s = plural_of(ftensor4)
dtensor4s = plural_of(dtensor4)
ctensor4s = plural_of(ctensor4)
ztensor4s = plural_of(ztensor4)

btensor5s = plural_of(btensor5)
wtensor5s = plural_of(wtensor5)
itensor5s = plural_of(itensor5)
ltensor5s = plural_of(ltensor5)
ftensor5s = plural_of(ftensor5)
dtensor5s = plural_of(dtensor5)
ctensor5s = plural_of(ctensor5)
ztensor5s = plural_of(ztensor5)
