"""Provenance of rewritten graphs: each replacement a rewrite made, and where a node came from.

A compiled function's optimized graph starts as a clone of the graph as given: `RewriteLog.initial`
maps each cloned node to its original. Every replacement then appends a `RewriteRecord`; a node it
added descends from the nodes the rule matched and the nodes the replacement removed. `origin_of`
follows those links back to the original nodes, lazily, so a long log costs nothing until asked.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, init=False)
class RewriteRecord:
    """One replacement: `rule` (its name) at `location` (file:line) in `phase` swapped the
    `removed` nodes for the `added` ones (`replaced` the variable, `by` its replacement).
    `matched` are the nodes the rule's pattern read (some may stay in the graph).

    A rule that only changed a node's op (the in-place rule: `FunctionGraph.change_op`) replaced
    the node's variable by itself: `replaced is by`, nothing removed, and the node added only
    when its op changed class. Records name nodes, which later records may change (their inputs
    by replacements, their op so): a fused node's record shows it in place once it is."""

    rule: str
    location: str
    phase: str
    removed: tuple
    added: tuple
    replaced: object = None
    by: object = None
    matched: tuple = ()

    def __init__(self, rule, location, phase, removed, added, replaced=None, by=None,
                 matched=()):
        # The dataclass's own __init__ sets the eight fields one checked call each; a compile
        # of a big graph logs 17,000 records. The same fields in the same order, set at once.
        object.__setattr__(self, "__dict__", {"rule": rule, "location": location, "phase": phase,
                                              "removed": removed, "added": added,
                                              "replaced": replaced, "by": by,
                                              "matched": matched})

    def sources(self) -> tuple:
        """The nodes this replacement consumed: matched, removed and the replaced one's owner."""
        seen = {}
        owner = getattr(self.replaced, "owner", None)
        for node in self.matched + self.removed + ((owner,) if owner is not None else ()):
            seen.setdefault(node, None)
        return tuple(seen)

    def targets(self) -> tuple:
        """The nodes that now stand for what was replaced: the added ones, or, when the rule
        reused a node already in the graph (a merge, x * 1 -> x), that node."""
        if self.added:
            return self.added
        owner = getattr(self.by, "owner", None)
        return (owner,) if owner is not None else ()


@dataclass(frozen=True)
class Provenance:
    """Where a node of an optimized graph came from: the `rewrites` (RewriteRecords, in log
    order) and the `before` nodes (of the graph as given, in its topological order)."""

    rewrites: tuple
    before: tuple

    @property
    def rules(self) -> tuple:
        """The names of the rewrites, in log order (one per record)."""
        return tuple(record.rule for record in self.rewrites)


@dataclass
class RewriteLog:
    """Every replacement made while a graph was rewritten, in order.

    `initial` maps each node of the graph as cloned for rewriting to the node it was cloned from
    (in the original graph's topological order).
    """

    records: list = field(default_factory=list)
    initial: dict = field(default_factory=dict)
    _links: tuple = field(default=None, repr=False, compare=False)

    def append(self, record: RewriteRecord):
        """Add a record."""
        self.records.append(record)

    def __iter__(self):
        return iter(self.records)

    def __len__(self):
        return len(self.records)

    def counts(self) -> dict:
        """{rule name: number of replacements}, in first-use order."""
        result = {}
        for record in self.records:
            result[record.rule] = result.get(record.rule, 0) + 1
        return result

    def links(self):
        """({node: [record index]} of the records that made or reused each node, {original: its
        position in the original order}); rebuilt only when records were appended."""
        if self._links is None or self._links[0] != len(self.records):
            made = {}
            for index, record in enumerate(self.records):
                for node in record.targets():
                    made.setdefault(node, []).append(index)
            order = {original: i for i, original in enumerate(self.initial.values())}
            self._links = (len(self.records), made, order)
        return self._links[1], self._links[2]


def origin_of(node, log: RewriteLog) -> Provenance:
    """The rewrites and original nodes that `node` (of the rewritten graph) descends from.

    A node never touched by a rewrite comes from the one node it was cloned from; a node a
    rewrite added comes from everything that rewrite consumed, and so on back. Iterative.

    >>> f = function([x], T.log(T.nnet.sigmoid(x)))              # doctest: +SKIP
    >>> origin_of(f.fgraph.outputs[0].owner, f.rewrite_log).rules  # doctest: +SKIP
    ('log_sigmoid_to_softplus',)
    """
    node = getattr(node, "owner", node) if not hasattr(node, "op") else node
    if node is None:
        return Provenance((), ())
    made, order = log.links()
    records = log.records
    # A source is read as it was when the record was made: only records before that one count
    # (a node merged with a duplicate later does not pass the duplicate to what it built before).
    limit_seen = {node: len(records)}
    before, used = {}, set()
    stack = [(node, len(records))]
    while stack:
        current, limit = stack.pop()
        if limit < limit_seen.get(current, -1):
            continue
        original = log.initial.get(current)
        if original is not None:
            before[original] = None
        for index in made.get(current, ()):
            if index >= limit or index in used:
                continue
            used.add(index)
            for source in records[index].sources():
                if limit_seen.get(source, -1) < index:
                    limit_seen[source] = index
                    stack.append((source, index))
    ordered_before = sorted(before, key=lambda original: order.get(original, len(order)))
    return Provenance(tuple(records[i] for i in sorted(used)), tuple(ordered_before))


def clone_origins(original_nodes, memo) -> dict:
    """{cloned node: original node} for `original_nodes`, given clone_graph's variable `memo`."""
    result = {}
    for original in original_nodes:
        clone = memo.get(original.outputs[0])
        if clone is not None and clone.owner is not None:
            result[clone.owner] = original
    return result
