"""`FunctionGraph`: a graph with fixed inputs and outputs, a client map, and `replace`.

The graph owns its Apply nodes (callers pass clones); `replace` keeps the client map exact and
drops nodes nothing uses any more, so every pass stays linear in the graph's size.
"""

from __future__ import annotations

from graphlens.errors import RewriteError, describe
from graphlens.graph.basic import toposort

OUTPUT = "output"  # the client "node" of a graph output, with the output's position


class FunctionGraph:
    """Inputs, outputs and the nodes between them, with `clients[var] = [(node, position)]`."""

    def __init__(self, inputs, outputs):
        self.inputs = list(inputs)
        self.outputs = list(outputs)
        self.clients = {}
        self.apply_nodes = {}     # an ordered set: insertion order is a topological order
        for var in self.inputs:
            self.clients.setdefault(var, [])
        for node in toposort(self.outputs):
            self._import_node(node)
        for position, var in enumerate(self.outputs):
            self.clients.setdefault(var, []).append((OUTPUT, position))
        self._order = None

    def _import_node(self, node):
        self.apply_nodes[node] = None
        for position, var in enumerate(node.inputs):
            self.clients.setdefault(var, []).append((node, position))
        for var in node.outputs:
            self.clients.setdefault(var, [])

    def toposort(self):
        """The nodes in a stable topological order (cached until the graph changes)."""
        if self._order is None:
            self._order = toposort(self.outputs)
        return self._order

    def variables(self):
        """Every variable of the graph, in a stable order."""
        seen, result = set(), []
        for var in self.inputs:
            if var not in seen:
                seen.add(var)
                result.append(var)
        for node in self.toposort():
            for var in node.inputs + node.outputs:
                if var not in seen:
                    seen.add(var)
                    result.append(var)
        return result

    def replace(self, old, new, reason=None):
        """Make every client of `old` use `new`; `old` must be in the graph.

        Nodes that `new` brings are imported; nodes that nothing uses any more are removed.
        Returns the nodes removed.
        """
        if old not in self.clients:
            raise RewriteError(f"replace: {describe(old)} is not in this graph"
                               + (f" (rewrite {reason})" if reason else ""))
        if old is new:
            return []
        if getattr(old, "type", None) != getattr(new, "type", None):
            old_type, new_type = old.type, new.type
            if getattr(old_type, "dtype", None) != getattr(new_type, "dtype", None) or \
                    getattr(old_type, "ndim", None) != getattr(new_type, "ndim", None):
                raise RewriteError(f"replace ({reason}): {describe(new)} cannot stand for "
                                   f"{describe(old)}: the types differ")
        for node in toposort([new]):
            if node not in self.apply_nodes:
                self._import_node(node)
        self.clients.setdefault(new, [])
        for client, position in list(self.clients[old]):
            if client == OUTPUT:
                self.outputs[position] = new
            else:
                client.inputs[position] = new
            self.clients[new].append((client, position))
        self.clients[old] = []
        self._order = None
        return self._prune(old)

    def _prune(self, var):
        """Remove the owners of `var` and of its ancestors once they have no clients."""
        removed = []
        stack = [var]
        while stack:
            current = stack.pop()
            node = current.owner
            if node is None or node not in self.apply_nodes:
                continue
            if any(self.clients.get(out) for out in node.outputs):
                continue
            del self.apply_nodes[node]
            removed.append(node)
            for out in node.outputs:
                self.clients.pop(out, None)
            for position, inp in enumerate(node.inputs):
                clients = self.clients.get(inp, [])
                clients[:] = [(c, p) for c, p in clients if not (c is node and p == position)]
                if not clients:
                    stack.append(inp)
        return removed

    def __repr__(self):
        return f"FunctionGraph({len(self.apply_nodes)} nodes, outputs={self.outputs})"
