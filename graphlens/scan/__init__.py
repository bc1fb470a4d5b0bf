"""Loops: `scan` and its helpers `map`, `reduce`, `foldl`, `foldr`, the stop condition `until`.

The `Scan` op holds the step function as an inner graph (op.py), runs it (loop.py), and
differentiates through time (backward.py); rewrites.py rewrites the inner graph and moves
loop-invariant work out of it.
"""

from graphlens.scan.build import scan
from graphlens.scan.checkpoints import scan_checkpoints
from graphlens.scan.op import Scan
from graphlens.scan.returns import OrderedUpdates, until
from graphlens.scan.views import foldl, foldr, map, reduce  # noqa: A004

__all__ = ["scan", "map", "reduce", "foldl", "foldr", "until", "Scan", "OrderedUpdates",
           "scan_checkpoints"]
