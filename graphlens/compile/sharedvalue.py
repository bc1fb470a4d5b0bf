"""Theano's `theano.compile.sharedvalue` path: `from graphlens.compile.sharedvalue import
SharedVariable, shared, shared_constructor`. A re-export; the code is `graphlens/compile/shared.py`."""

from graphlens.compile.shared import SharedVariable, shared, shared_constructor

__all__ = ["SharedVariable", "shared", "shared_constructor"]
