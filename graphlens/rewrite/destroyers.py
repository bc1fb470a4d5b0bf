"""Rewrites keep the user's in-place ops safe (Theano's DestroyHandler validation).

A user's op that overwrites an input (`destroy_map`: `tensor.inplace.exp_inplace`, an op of
their own compiled with `accept_inplace=True`) was checked before rewriting (compile/destroy.py)
on the graph as written. A rewrite may not undo that: it may not make the overwritten value a
root or a value that already exists (`exp_inplace(x * 1.0)` simplified to `exp_inplace(x)` would
overwrite the caller's array), nor give it a reader that needs the overwriting op's result (no
order could run that reader first). The driver declines such a replacement and goes on.

>>> guard = DestroyerGuard(fgraph)                 # doctest: +SKIP
>>> guard.refuses(old, new, added)                 # doctest: +SKIP
False
"""

from __future__ import annotations

from graphlens.graph.fg import OUTPUT


class DestroyerGuard:
    """The user's in-place nodes of a graph, and the test a replacement must pass."""

    def __init__(self, fgraph):
        self.fgraph = fgraph
        # Only the ops present before rewriting: graphlens's own in-place pass (the last phase)
        # decides safely by itself which values it overwrites.
        self.destroyers = [node for node in fgraph.apply_nodes if node.op.destroy_map]

    def __bool__(self):
        return bool(self.destroyers)

    def refuses(self, old, new, added) -> bool:
        """True when replacing `old` by `new` (bringing the nodes `added`) would let a user's
        in-place op overwrite what it may not."""
        added = set(added)
        for destroyer in self.destroyers:
            if destroyer not in self.fgraph.apply_nodes:
                continue
            if old.owner is destroyer:
                return True          # the in-place node itself stays as the user wrote it
            destroyed = {destroyer.inputs[k] for positions in destroyer.op.destroy_map.values()
                         for k in positions}
            if old in destroyed and (new.owner is None or new.owner not in added):
                return True
            readers = [node for node in added if any(v in destroyed for v in node.inputs)]
            if new in destroyed:
                readers += [node for node, _ in self.fgraph.clients.get(old, ())
                            if node != OUTPUT and node is not destroyer]
            if any(self._depends_on(node, destroyer) for node in readers):
                return True
        return False

    @staticmethod
    def _depends_on(node, destroyer) -> bool:
        """True when `node` reads (through any path) `destroyer`'s results."""
        stack, seen = [var.owner for var in node.inputs if var.owner is not None], set()
        while stack:
            current = stack.pop()
            if current is destroyer:
                return True
            if current in seen:
                continue
            seen.add(current)
            stack.extend(var.owner for var in current.inputs if var.owner is not None)
        return False
