"""`theano.scalar` at its path: everything of `graphlens.scalar.basic` (Theano's layout).

>>> import graphlens.scalar as scal
>>> scal.upcast('bool', 'float32'), scal.float64('x').type
('float32', Scalar(float64))
"""

from graphlens.scalar import basic  # noqa: F401
from graphlens.scalar.basic import *  # noqa: F401,F403
from graphlens.scalar.basic import __all__  # noqa: F401
