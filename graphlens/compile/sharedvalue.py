"""Theano's `theano.compile.sharedvalue` path: `from graphlens.compile.sharedvalue import
SharedVariable, shared, shared_constructor`. A re-export; the code is `graphlens/compile/shared.py`."""

from graphlens.compile.shared import (GenericSharedVariable, SharedVariable, shared,
                                      shared_constructor)
from graphlens.graph.types import generic

__all__ = ["GenericSharedVariable", "SharedVariable", "generic", "shared", "shared_constructor"]
