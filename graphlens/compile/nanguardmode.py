"""Theano's `theano.compile.nanguardmode.NanGuardMode`, at its path (the mode is made in
compile/mode.py).

>>> from graphlens.compile.nanguardmode import NanGuardMode
>>> f = function([x], T.log(x), mode=NanGuardMode(nan_is_error=True, inf_is_error=True))
"""

from graphlens.compile.mode import NanGuardMode  # noqa: F401
