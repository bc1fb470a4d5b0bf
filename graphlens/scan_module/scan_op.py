"""Theano's `theano.scan_module.scan_op`: the `Scan` op class, for isinstance checks on compiled
graphs (`isinstance(node.op, Scan)`). Its code is graphlens/scan/op.py.

>>> from graphlens.scan_module.scan_op import Scan
"""

from graphlens.scan.op import Scan  # noqa: F401

__all__ = ["Scan"]
