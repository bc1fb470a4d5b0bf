"""Pausing Python's cyclic garbage collector while a graph is built in bulk (grad, compile).

Graph objects reference each other (a variable its owner, the owner its outputs), so they live in
reference cycles and the cyclic collector scans them. A bulk phase creates tens of thousands of
long-lived objects at once; left running, the collector's full passes would rescan the whole
live graph again and again during it (a 10,000-node graph compiled in 10x the time of a
2,000-node one instead of 5x). Collection resumes when the outermost phase ends (also on an
error), and a caller who disabled the collector keeps it disabled.

What the phase made is then handed to the collector's oldest generation at once (`_hand_over`),
not left young: nearly all of it is the live graph and function (790,000 objects from a
10,000-node DAG's grad and compile, 436 of them garbage), and a young collection would scan it
all right after the phase (0.3 s) only to promote it, which then brings on a full pass soon.
Nothing is leaked: the garbage among what was handed over is freed by the next full pass, and
the phases force one once they have handed over `HANDOVER_GROWTH` times what was alive at the
last (as a heap that may grow by a fixed factor between collections).

>>> @paused_collector
... def build(n): return [object() for _ in range(n)]
"""

from __future__ import annotations

import functools
import gc
import inspect


def paused_collector(bulk_phase):
    """`bulk_phase` with the cyclic garbage collector paused while it runs."""
    @functools.wraps(bulk_phase)
    def with_collector_paused(*args, **kwargs):
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return bulk_phase(*args, **kwargs)
        finally:
            if was_enabled:
                _hand_over()
                gc.enable()
    # inspect.getfullargspec does not follow __wrapped__: code that checks which keywords
    # `function` takes (Keras' Theano backend does) must still read the real parameters.
    with_collector_paused.__signature__ = inspect.signature(bulk_phase)
    return with_collector_paused


# A full pass once the bulk phases handed over this many times what was alive at the last one.
HANDOVER_GROWTH = 4
# The least count of objects taken as alive (a fresh interpreter with graphlens imported holds
# about 200,000).
HANDOVER_FLOOR = 250_000
# {"handed": objects handed over since the last forced pass, "alive": objects alive after it,
# or at the first hand-over (None before)}
_handover = {"handed": 0, "alive": None}


def _hand_over():
    """Move what a bulk phase made (every object the collector tracks) to its oldest
    generation without scanning it: `gc.freeze` then `gc.unfreeze` splice the generations'
    lists, in constant time, and reset the young count that would start a collection.

    Skipped when the program froze objects itself (unfreezing would release them). Forces a
    full pass once the handed-over objects outgrow what was alive (see the module's text).

    >>> _hand_over()          # as `paused_collector` does, before it enables the collector
    """
    if gc.get_freeze_count():
        return
    if _handover["alive"] is None:
        _handover["alive"] = max(len(gc.get_objects()), HANDOVER_FLOOR)
    made = gc.get_count()[0]
    gc.freeze()
    gc.unfreeze()
    _handover["handed"] += made
    if _handover["handed"] > HANDOVER_GROWTH * _handover["alive"]:
        gc.collect()
        _handover["handed"] = 0
        _handover["alive"] = max(len(gc.get_objects()), HANDOVER_FLOOR)
