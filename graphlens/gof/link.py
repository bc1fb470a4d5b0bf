"""Theano's `theano.gof.link`: its linkers, which live in graphlens/compile/linkers.py.

>>> from graphlens.gof.link import PerformLinker
"""

from graphlens.compile.linkers import CLinker, DualLinker, OpWiseCLinker, PerformLinker  # noqa: F401
