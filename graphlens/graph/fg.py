"""`FunctionGraph`: a graph with fixed inputs and outputs, a client map, and `replace`.

The graph owns its Apply nodes (callers pass clones); `replace` keeps the client map exact and
drops nodes nothing uses any more, so every pass stays linear in the graph's size: it imports only
the nodes that are new, and removing a client costs O(1) even for a constant used 10,000 times.
"""

from __future__ import annotations

import itertools

from graphlens.errors import RewriteError, describe
from graphlens.graph.as_string import as_string
from graphlens.graph.basic import CLIENT_MAPS, toposort
from graphlens.graph.schedule import schedule

OUTPUT = "output"  # the client "node" of a graph output, with the output's position
# The most nodes whose whole text `repr(fgraph)` shows.
REPR_NODES = 30
# Serial numbers of FunctionGraphs, which order their client maps in CLIENT_MAPS.
_SERIALS = itertools.count()


class Clients(dict):
    """The (node, position) pairs that read a variable, in the order they were added.

    Iterates, counts and tests like the list it replaces (`for node, position in clients`),
    but removing one pair is O(1): a high fan-out variable never makes rewriting quadratic.
    """

    def append(self, pair):
        """Add a (node, position) pair."""
        self[pair] = None

    def __getitem__(self, key):
        if isinstance(key, int):
            return list(self)[key]
        return super().__getitem__(key)

    def __eq__(self, other):
        if isinstance(other, list):
            return list(self) == other
        return dict.__eq__(self, other)

    __hash__ = None

    def __repr__(self):
        return f"Clients({list(self)!r})"


class ClientMap(dict):
    """{variable: its Clients}; called as Theano's `fgraph.clients(var)` method, the list of
    (node, position) pairs reading `var` ('output' for a graph output)."""

    def __call__(self, var) -> list:
        return list(self.get(var, ()))


class FunctionGraph:
    """Inputs, outputs and the nodes between them, with `clients[var] = [(node, position)]`."""

    kinds_changed = 0       # (also for a graph unpickled from before the count was kept)

    def __init__(self, inputs, outputs, order=None, schedule=None):
        """`order`, when the caller has it, is `toposort(outputs)` (not walked again);
        `schedule`, `graph.schedule.schedule(order)` (not made again)."""
        self.inputs = list(inputs)
        self.outputs = list(outputs)
        self.clients = ClientMap()
        CLIENT_MAPS[next(_SERIALS)] = self.clients     # for Theano's var.clients
        self.apply_nodes = {}     # an ordered set of the graph's nodes
        # {op class: {node: None}}: rules that look for one rare kind of node (a loop) find
        # it without walking the whole graph.
        self._by_op_class = {}
        # {op classes: whether a node of one of them is in the graph}, until a class of node
        # appears in the graph or leaves it; `kinds_changed` counts those changes (a caller
        # keeping what depends on the classes present knows when to look again).
        self._holds = {}
        self.kinds_changed = 0
        for var in self.inputs:
            self.clients.setdefault(var, Clients())
        order = toposort(self.outputs) if order is None else list(order)
        self._import_all(order)
        for position, var in enumerate(self.outputs):
            self.clients.setdefault(var, Clients()).append((OUTPUT, position))
        self._order = order
        self._schedule = None if schedule is None else list(schedule)
        # Replacements that leave the order as it was, bar nodes gone: {removed node: None},
        # applied to the cached order when next asked.
        self._patch = {}

    def _import_all(self, order):
        """`_import_node` of each node of `order`, in one loop (a graph's first import)."""
        clients, nodes, by_op_class = self.clients, self.apply_nodes, self._by_op_class
        for node in order:
            nodes[node] = None
            kind = type(node.op)
            by_class = by_op_class.get(kind)
            if by_class is None:
                by_class = by_op_class[kind] = {}
            by_class[node] = None
            for position, var in enumerate(node.inputs):
                readers = clients.get(var)
                if readers is None:
                    readers = clients[var] = Clients()
                readers[(node, position)] = None
            for var in node.outputs:
                if var not in clients:
                    clients[var] = Clients()
        self._kinds_change()

    def _import_node(self, node):
        self.apply_nodes[node] = None
        by_class = self._by_op_class.get(type(node.op))
        if by_class is None:
            by_class = self._by_op_class[type(node.op)] = {}
        if not by_class:
            self._kinds_change()
        by_class[node] = None
        # As `_import_all` does it: no Clients made to be thrown away by setdefault, no
        # method call per pair (every replacement of a rewrite imports its new nodes here).
        clients = self.clients
        for position, var in enumerate(node.inputs):
            readers = clients.get(var)
            if readers is None:
                readers = clients[var] = Clients()
            readers[(node, position)] = None
        for var in node.outputs:
            if var not in clients:
                clients[var] = Clients()

    def _kinds_change(self):
        """A class of op came into the graph or left it: `holds`'s answers are stale."""
        self._holds.clear()
        self.kinds_changed += 1

    def toposort(self):
        """The nodes in a stable topological order (cached until the graph changes)."""
        if self._order is None:
            self._order = toposort(self.outputs)
        elif self._patch:
            self._apply_patch()
        return self._order

    def _apply_patch(self):
        """The cached order with the pending patch applied (the nodes removed since)."""
        patch, self._patch = self._patch, {}
        self._order = [node for node in self._order if node not in patch]

    def nodes_of(self, op_class) -> list:
        """The nodes whose op is an instance of `op_class`, in topological order; without such
        a node this costs nothing like a walk of the graph.

        >>> fgraph.nodes_of(Scan)                  # doctest: +SKIP
        []
        """
        if not any(issubclass(kind, op_class) and nodes
                   for kind, nodes in self._by_op_class.items()):
            return []
        return [node for node in self.toposort() if isinstance(node.op, op_class)]

    def holds(self, op_classes) -> bool:
        """True when a node of the graph has an op of one of `op_classes` (a class or a tuple);
        answered from the graph's index of nodes by op class, in constant time when asked again.

        >>> fgraph.holds(TrueDiv)                  # doctest: +SKIP
        False
        """
        found = self._holds.get(op_classes)
        if found is None:
            found = self._holds[op_classes] = any(
                nodes and issubclass(kind, op_classes) for kind, nodes in self._by_op_class.items())
        return found

    def schedule(self):
        """The order the evaluator runs the nodes in: topological, each node's consumers soon
        after it (graph/schedule.py). In-place decisions are made on this order."""
        if self._schedule is None:
            self._schedule = schedule(self.toposort())
        return self._schedule

    @property
    def variables(self) -> list:
        """Every variable of the graph, in a stable order (Theano's `fgraph.variables`)."""
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

    def nodes_to_import(self, var) -> list:
        """The nodes `var` depends on that are not in the graph yet, inputs before clients.

        The walk stops at nodes the graph already has, so its cost is the size of the new part.
        """
        root = var.owner
        if root is None or root in self.apply_nodes:
            return []
        order, done, stack = [], {root}, [(root, 0)]
        while stack:
            node, position = stack[-1]
            inputs = node.inputs
            while position < len(inputs):
                owner = inputs[position].owner
                position += 1
                if owner is not None and owner not in done and owner not in self.apply_nodes:
                    stack[-1] = (node, position)
                    stack.append((owner, 0))
                    done.add(owner)
                    break
            else:
                stack.pop()
                order.append(node)
        return order

    def replace(self, old, new, reason=None, order=None, imported=None):
        """Make every client of `old` use `new`; `old` must be in the graph.

        Nodes that `new` brings are imported; nodes that nothing uses any more are removed.
        Returns the nodes removed.

        `order` says the topological order stays as it was, so the next `toposort` is not a
        walk of the whole graph: "merge" when `new` is a constant, or the output of a node of
        the graph on the same inputs as `old`'s that comes before it in the order (the order
        is then the old one without `old`'s node). Otherwise, or when `new` is not of that kind, the order is walked again when next asked.
        `imported`, when the caller has it, is `nodes_to_import(new)` (not walked again).
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
        if imported is None:
            imported = self.nodes_to_import(new)
        kept = order is not None and self._order is not None and \
            _keeps_order(order, old, new, imported)
        for node in imported:
            self._import_node(node)
        moved = self.clients.get(new)
        if moved is None:
            moved = self.clients[new] = Clients()
        for client, position in list(self.clients[old]):
            if client == OUTPUT:
                self.outputs[position] = new
            else:
                client.inputs[position] = new
            moved[(client, position)] = None
        self.clients[old] = Clients()
        if not kept:
            self._order = self._schedule = None
            self._patch = {}
            return self._prune(old)
        self._schedule = None
        removed = self._prune(old)
        for node in removed:
            self._patch[node] = None
        return removed

    def change_op(self, node, op):
        """`node`, of this graph, runs `op` from now on, on the same inputs and outputs (an
        in-place variant of its op, or its op wrapped in a Composite): no node comes or goes,
        so the order, the schedule and the clients stay; only the index by op class follows.

        >>> fgraph.change_op(node, replace(node.op, destroyed=(0,)))    # doctest: +SKIP
        """
        kind, new_kind = type(node.op), type(op)
        node.op = op
        if kind is not new_kind:
            by_class = self._by_op_class[kind]
            by_class.pop(node, None)
            target = self._by_op_class.get(new_kind)
            if target is None:
                target = self._by_op_class[new_kind] = {}
            if not by_class or not target:
                self._kinds_change()
            target[node] = None

    def _prune(self, var):
        """Remove the owners of `var` and of its ancestors once they have no clients."""
        # Locals, not attributes: a rewrite of a big graph prunes tens of thousands of nodes.
        all_clients, nodes, by_op_class = self.clients, self.apply_nodes, self._by_op_class
        removed = []
        stack = [var]
        while stack:
            current = stack.pop()
            node = current.owner
            if node is None or node not in nodes:
                continue
            outputs = node.outputs
            if any(all_clients.get(out) for out in outputs) if len(outputs) != 1 \
                    else all_clients.get(outputs[0]):
                continue
            del nodes[node]
            by_class = by_op_class[type(node.op)]
            by_class.pop(node, None)
            if not by_class:
                self._kinds_change()
            removed.append(node)
            for out in outputs:
                all_clients.pop(out, None)
            for position, inp in enumerate(node.inputs):
                clients = all_clients.get(inp)
                if clients is None:
                    continue
                clients.pop((node, position), None)
                if not clients:
                    stack.append(inp)
        return removed

    # Theano's names, for optimizers written for Theano (graphlens/gof/opt.py): every
    # replacement is checked as it is made, so validating is replacing.
    replacement_count = 0

    def replace_validate(self, old, new, reason=None, verbose=None):
        """Theano's `fgraph.replace_validate(old, new, reason)`: `replace`, counted.

        >>> fgraph.replace_validate(z, b, reason="simplify")            # doctest: +SKIP
        """
        self.replacement_count += 1
        self.replace(old, new, reason=reason)

    def replace_all_validate(self, replacements, reason=None, verbose=None):
        """Each (old, new) of `replacements` replaced in turn (Theano's name)."""
        for old, new in replacements:
            self.replace_validate(old, new, reason=reason)

    replace_all = replace_all_validate

    def attach_feature(self, feature):
        """Theano's features watch a graph's changes; graphlens checks each replacement
        itself, so a feature is kept (`features`) and told it is attached, nothing more."""
        features = self.__dict__.setdefault("features", [])
        if feature not in features:
            features.append(feature)
            on_attach = getattr(feature, "on_attach", None)
            if on_attach is not None:
                on_attach(self)

    def remove_feature(self, feature):
        """Forget a feature given to `attach_feature`."""
        features = self.__dict__.get("features", [])
        if feature in features:
            features.remove(feature)

    def __repr__(self):
        """Theano's text (`str`) for a graph small enough to read in a REPL, as Theano showed
        it; beyond REPR_NODES nodes a summary, as numpy summarizes a big array."""
        if len(self.apply_nodes) <= REPR_NODES:
            return str(self)
        return f"FunctionGraph({len(self.apply_nodes)} nodes, outputs={self.outputs})"

    def __str__(self):
        """Theano's text of the graph: `[Add(Exp(x), y)]`, one entry per output."""
        return f"[{', '.join(as_string(self.inputs, self.outputs))}]"


def _keeps_order(kind, old, new, imported) -> bool:
    """True when replacing `old` by `new` (bringing the `imported` nodes) is the `kind` of
    replacement `FunctionGraph.replace` keeps the order for ("merge")."""
    source, other = old.owner, new.owner
    if source is None:      # a constant for an equal one: no node moves
        return kind == "merge" and other is None and not imported
    # A node with several outputs (a loop) moves output by output: its place may change.
    if other is None or len(source.outputs) != 1 or not _same_inputs(source, other):
        return False
    return kind == "merge" and not imported


def _same_inputs(a, b) -> bool:
    return len(a.inputs) == len(b.inputs) and all(x is y for x, y in zip(a.inputs, b.inputs))
