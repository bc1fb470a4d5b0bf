"""Theano's `theano.updates` path: `OrderedUpdates`, the {shared variable: new value} mapping
that `scan` returns and that `function(updates=...)` takes. A re-export; the class lives in
`graphlens/scan/returns.py` beside scan, which makes it.

>>> updates = OrderedUpdates(); updates[W] = W - 0.1 * gW          # doctest: +SKIP
"""

from graphlens.scan.returns import OrderedUpdates

__all__ = ["OrderedUpdates"]
