"""Theano's `theano.compile.io` path: `from graphlens.compile.io import In, Out`. A re-export;
the code is `graphlens/compile/function.py`."""

from graphlens.compile.function import In, Out

__all__ = ["In", "Out"]
