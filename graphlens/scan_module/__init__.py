"""Theano's path `theano.scan_module`: `scan`, `until` and the loop helpers (code in graphlens.scan).
"""

from graphlens.scan import (OrderedUpdates, Scan, foldl, foldr, map, reduce,  # noqa: A004
                            scan, scan_checkpoints, until)

__all__ = ["scan", "until", "map", "reduce", "foldl", "foldr", "Scan", "OrderedUpdates",
           "scan_checkpoints"]
