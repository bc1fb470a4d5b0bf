"""The rewrite database by phase, and the driver: the only code that calls `fgraph.replace`.

Phases run in order; each runs its rules to a fixed point, with a bounded number of passes. The
first pass visits every node once in topological order (inputs first), so a chain of rewrites up
a graph converges in one pass; later passes visit only the nodes near a change (within a
pattern's depth above it), so a phase costs time in proportion to the graph plus the changes.
The merge rule runs after each pass that changed something, so duplicates made by one rewrite
are shared before the next pass.
Each replacement appends a RewriteRecord to the log: the rule, where it is written, the phase,
the nodes it removed and added, and the nodes its pattern matched.

>>> log = optimize(fgraph, Mode('FAST_RUN'))     # doctest: +SKIP
>>> log.counts()                                 # doctest: +SKIP
{'merge': 3, 'log_sigmoid_to_softplus': 1, 'fuse_elementwise': 1}
"""

from __future__ import annotations

import warnings

from graphlens.config import config
from graphlens.errors import (BulkBuild, RewriteBudgetWarning, RewriteError,
                              creation_frame, describe)
from graphlens.graph.basic import Constant
from graphlens.graph.provenance import RewriteLog, RewriteRecord
from graphlens.graph.fg import OUTPUT
from graphlens.rewrite import (assertions, canonicalize, conditional, constant_fold, dce,
                               fusion, inplace, lift_subtensor, merge, registered, selection,
                               shape_only, shapes, sigmoid_xent, softmax_forms, specialize,
                               stabilize, stable_grads, xent)
from graphlens.rewrite.destroyers import DestroyerGuard
from graphlens.rewrite.pattern import (compatible_shapes, module_rules, passes_input_gates,
                                      pattern_depth)
from graphlens.rewrite.theano_names import theano_words

# The order phases run in. A rule names one of them.
# "cancel" follows "stabilize": quotients cancel once the stabilize rules wrote their factors
# in one form (1 - sigmoid(z) as sigmoid(-z)), and after the patterns of xent.py had their turn.
# "share" follows "specialize": one node computes what several ops of the final forms share
# (rewrite/sigmoid_xent.py), before fusion groups them.
PHASES = ("merge", "canonicalize", "stabilize", "cancel", "specialize", "share", "fusion",
          "inplace")
# Passes per phase before the driver stops looking for a fixed point.
MAX_PASSES = 6
# A progress reporter hears of a pass every this many nodes visited (a cheap call each time).
PROGRESS_EVERY = 256


def all_rules(extra_modules=()) -> list:
    """Every rule graphlens knows, by phase order, then module, then source line.

    `extra_modules` hold the rules of rooms above rewrite/ (a loop's rules live with the loop,
    in scan/); the compiler passes them (`Mode.rule_modules`), so rewrite/ imports nothing above.
    """
    rules = []
    for module in (merge, constant_fold, canonicalize, shapes, dce, shape_only, stabilize, xent,
                   specialize, fusion, inplace, stable_grads, softmax_forms, sigmoid_xent,
                   conditional, assertions, selection, lift_subtensor, *extra_modules):
        rules.extend(module_rules(module))
    # The users' own (Theano's register_canonicalize, optdb.register), after graphlens's.
    rules.extend(registered.registered_rules())
    return sorted(rules, key=lambda rule: PHASES.index(rule.phase))


def select_rules(mode) -> list:
    """The rules `mode` runs: its name's set (FAST_RUN all, FAST_COMPILE those tagged
    'fast_compile', NONE none), plus `include`, minus `exclude` (rule names or tags)."""
    rules = all_rules(getattr(mode, "rule_modules", ()))
    tags = {tag for rule in rules for tag in rule.tags}
    known = {rule.name for rule in rules} | tags
    # Theano's names for its rewrites read as graphlens's (rewrite/theano_names.py).
    include = theano_words(mode.include, True, known, tags)
    exclude = theano_words(mode.exclude, False, known, tags)
    # Rules tagged "unsafe" (removing the user's checks) are in no mode, and join only when
    # named, by their name or the tag "unsafe" (a phase's name does not bring them in).
    if mode.name == "FAST_RUN":
        chosen = [rule for rule in rules if "unsafe" not in rule.tags]
    elif mode.name == "FAST_COMPILE":
        chosen = [rule for rule in rules if "fast_compile" in rule.tags]
    else:
        chosen = []

    def named(rule, words):
        if "unsafe" in rule.tags:
            return rule.name in words or "unsafe" in words
        return rule.name in words or bool(rule.tags & set(words))

    chosen += [rule for rule in rules if rule not in chosen and named(rule, include)]
    chosen = [rule for rule in chosen if not named(rule, exclude)]
    return sorted(chosen, key=lambda rule: rules.index(rule))


def optimize(fgraph, mode, log=None, progress=None) -> RewriteLog:
    """Rewrite `fgraph` in place with the rules `mode` selects; returns the RewriteLog.

    `progress(stage, counts)`, when given, is told how far the rewrites got, often (every
    PROGRESS_EVERY nodes visited and at each phase): it decides what to print and when
    (compile/hooks.py `reporting_progress`; the command line prints once a second)."""
    # Rules build nodes through Op.__call__; test values are for the user's own lines, so
    # (as Theano's compute_test_value_opt='off') rewriting evaluates nothing.
    # What a rule builds stands for the user's line that compiles (the driver then gives the
    # nodes it adds the line of what they replace): that frame is found once, not by a walk of
    # the stack per variable (errors.BulkBuild).
    with config.change_flags(compute_test_value="off"), BulkBuild(creation_frame()):
        return _optimize(fgraph, mode, log, progress)


def _optimize(fgraph, mode, log, progress=None):
    log = log if log is not None else RewriteLog()
    driver = Driver(fgraph, log, progress)
    rules = select_rules(mode)
    merges = [rule for rule in rules if rule.phase == "merge"]
    for phase in PHASES:
        phase_rules = [rule for rule in rules if rule.phase == phase]
        if not phase_rules:
            continue
        local = [rule for rule in phase_rules if rule.pattern is not None]
        whole = [rule for rule in phase_rules if rule.pattern is None]
        if not whole and all(rule.needs and not fgraph.holds(rule.needs) for rule in local):
            # No rule here can fire (each needs an op the graph lacks, and none of them can
            # add one): the pass over every node is skipped ('share' on most graphs).
            continue
        driver.phase, driver.visited, driver.to_visit = phase, 0, 0
        driver.tell()
        if not local:
            for rule in whole:
                driver.run_whole(rule, phase)
            continue
        driver.start_phase(local)
        # {idempotent rule: the log's length when it last ran}: unchanged since, the graph is
        # the one it left, where it would find nothing.
        settled = {}
        for _ in range(MAX_PASSES):
            driver.fired.clear()
            changes = 0
            for rule in whole:
                if settled.get(rule.name) == len(log):
                    continue
                changes += driver.run_whole(rule, phase)
                if rule.idempotent:
                    settled[rule.name] = len(log)
            changes += driver.run_local(local, phase)
            if changes:
                changes += sum(driver.run_whole(rule, phase, near=True) for rule in merges)
            if not changes:
                break
        else:
            _warn_budget(phase, driver.fired)
    driver.phase, driver.visited, driver.to_visit = "done", 0, 0
    driver.tell()
    return log


def _warn_budget(phase, fired):
    """Say that `phase` stopped at its pass budget, and which rules were still firing."""
    still = ", ".join(f"{name} ({count}x)" for name, count in fired.items())
    warnings.warn(f"rewrite phase {phase!r} stopped after {MAX_PASSES} passes without reaching "
                  f"a fixed point; still firing in the last pass: {still}. The function is "
                  f"correct but may be less optimized; rules that undo each other cause this.",
                  RewriteBudgetWarning, stacklevel=3)


class Driver:
    """Applies rules to one FunctionGraph and records every replacement in a RewriteLog."""

    def __init__(self, fgraph, log, progress=None):
        self.fgraph = fgraph
        self.log = log
        self.progress = progress     # progress(stage, counts), or None
        self.phase = None
        self.visited = 0             # nodes visited in this pass
        self.to_visit = 0
        self._by_type = {}
        # {node whose surroundings changed since the last pass: the log's length just after
        # the latest such change}; None: visit every node.
        self._seeds = None
        # {node: the log's length when the phase's rules were last tried on it}: a later pass
        # skips a node tried after every change near it (the rules would see what they saw).
        self._tried = {}
        self._reach = 1
        self._budget = None
        # {rule name: replacements} in the current pass, for the pass-budget warning.
        self.fired = {}
        # {rule name: nodes new or with replaced inputs since that whole rule last ran}, for
        # the rules with a `near` form (merge): run again, they look only there.
        self._changed = {}
        self._near_state = {}
        # The user's in-place ops, which no replacement may make unsafe (rewrite/destroyers.py).
        self._guard = DestroyerGuard(fgraph)

    def start_phase(self, rules):
        """The next pass visits every node: new rules may match anywhere."""
        self._seeds = None
        self._tried = {}
        self._reach = max(pattern_depth(rule.pattern) for rule in rules)
        self._budget = 4 * len(self.fgraph.apply_nodes) + 1000

    def _nodes_to_visit(self, phase):
        """All nodes (first pass of a phase), or those a rule could now match differently: the
        nodes within a pattern's depth above a node that changed after the phase's rules were
        last tried on them. Topological order.

        A node tried after every change within that depth is passed over (its rules would be
        asked what they answered), and so is a node no rule of the phase can root at: on a
        big gradient a second pass that would fire nothing visits nothing, and the graph's
        order is not even walked for it."""
        seeds, self._seeds = self._seeds, {}
        if seeds is None:
            return list(self.fgraph.toposort())
        clients, nodes = self.fgraph.clients, self.fgraph.apply_nodes
        # {node: the latest change within `reach` below it}, level by level. A node reached
        # again at a greater depth goes on up only with a later change than it had: with an
        # earlier one, its first visit (more levels to go, a later change) covered that.
        frontier = {node: when for node, when in seeds.items() if node in nodes}
        latest = dict(frontier)
        for _ in range(self._reach):
            above = {}
            for node, when in frontier.items():
                for client, _ in clients.get(node.outputs[0], ()):
                    if client != OUTPUT and latest.get(client, -1) < when:
                        latest[client] = above[client] = when
            frontier = above
        tried, known = self._tried, self._by_type.get(phase, {}).get
        dirty = {node for node, when in latest.items()
                 if tried.get(node, -1) < when and known(type(node.op)) != []}
        if not dirty:
            return []
        return [node for node in self.fgraph.toposort() if node in dirty]

    def tell(self):
        """Tell the progress reporter how far the rewrites got (the counts only)."""
        if self.progress is not None:
            self.progress("rewriting", {
                "phase": self.phase, "replacements": len(self.log),
                "ops": len(self.fgraph.apply_nodes), "visited": self.visited,
                "to_visit": self.to_visit})

    def run_whole(self, rule, phase, near=False) -> int:
        """Apply every Replacement a whole-graph rule yields; the number applied.

        `near`: a rule with a `near` form (merge) that ran before in this rewrite looks only
        at the nodes that changed since (its `near` form, given what its last run kept)."""
        if rule.near is None:
            replacements = rule.run(self.fgraph)
            changed = None
        else:
            changed = self._changed.get(rule.name) if near else None
            if changed is None:
                changed = self._changed[rule.name] = []
                state = self._near_state[rule.name] = {}
                replacements = rule.near(self.fgraph, None, state)
            else:
                # The list grows while the rule runs (the driver records the rule's own
                # replacements there too), and the near form reads it after its first yields.
                replacements = rule.near(self.fgraph, changed, self._near_state[rule.name])
        count = sum(1 for replacement in replacements
                    if self.apply(rule, replacement, phase) is not None)
        if changed is not None:
            changed.clear()
        return count

    def run_local(self, rules, phase) -> int:
        """One pass of the local `rules` over the graph in topological order; changes made."""
        fgraph = self.fgraph
        nodes = fgraph.apply_nodes
        # A bound on rewrites per pass: rules that undo each other must not loop forever. It is
        # taken from the graph as the phase began: a rule that grows the graph must not raise
        # its own bound pass after pass.
        budget = self._budget if self._budget is not None else 4 * len(nodes) + 1000
        changes = 0
        first = self._seeds is None
        if first:
            present = [kind for kind, of_kind in fgraph._by_op_class.items() if of_kind]
            active = {kind for kind in present if self._usable_rules(kind, rules, phase)}
            if not active:
                # No rule of the phase can fire on any op class of the graph (stabilize and
                # cancel on a graph without divisions, logs or softmaxes): nothing can change,
                # so the pass over every node, and the order it needs, are skipped.
                self._seeds = {}
                self.visited = self.to_visit = 0
                return 0
        visiting = self._nodes_to_visit(phase)
        self.visited, self.to_visit = 0, len(visiting)
        if first and len(active) < len(present):
            visiting = self._of_active_kinds(visiting, active, rules, phase)
        # {op class: the rules that can fire on its nodes}, while the graph holds the same
        # classes of ops (`FunctionGraph.kinds_changed` counts the changes).
        usable, version = {}, fgraph.kinds_changed
        known = usable.get
        tried, records = self._tried, self.log.records
        progress = self.progress
        for count, start in enumerate(visiting, 1):
            if progress is not None and count % PROGRESS_EVERY == 0:
                self.visited = count
                self.tell()
            if start not in nodes:
                continue
            # The rules of this phase that can match the node's op class, found once per class
            # (a dict read here, not a method call: a pass visits every node of the graph).
            if fgraph.kinds_changed != version:
                usable.clear()
                version = fgraph.kinds_changed
            kind = type(start.op)
            candidates = known(kind)
            if candidates is None:
                candidates = usable[kind] = self._usable_rules(kind, rules, phase)
            tried[start] = len(records)
            # Most nodes match no rule: they are passed over without the work list below.
            if not candidates:
                continue
            node, stack = start, None
            while True:
                out = node.outputs[0]
                added = None
                # Rule.apply's checks, inline: most tries end at one of them (a node with a
                # variable input for constant folding, a product's factor of another op), and
                # a pass makes hundreds of thousands of tries on a big graph. The root class
                # and the classes the rule needs were checked when the candidates were chosen.
                for rule, where, input_ops in candidates:
                    if input_ops:
                        inputs, fit = node.inputs, True
                        for position, classes, constant, value in input_ops:
                            if position >= len(inputs):
                                fit = False
                                break
                            owner = inputs[position].owner
                            if owner is None:
                                # A Const input: a constant fits; a Pat input: nothing. A
                                # constant of another value than the pattern's is told here
                                # (the rare case, by a call).
                                if not (constant and isinstance(inputs[position], Constant)) \
                                        or value is not None and \
                                        not passes_input_gates(inputs, input_ops):
                                    fit = False
                                    break
                            elif not classes or not isinstance(owner.op, classes):
                                # (No classes: only a Constant fits, as constant folding's
                                # gate asks of every node; told without a call.)
                                fit = False
                                break
                        if not fit:
                            continue
                    # After the input gates: a shallow pattern's `where` may declare one
                    # (`Rule.gate`), a check without a call that turns most nodes away.
                    if where is not None and not where(node):
                        continue
                    replacement = rule.fire(out, node, fgraph)
                    if replacement is None:
                        continue
                    added = self.apply(rule, replacement, phase)
                    if added is None:
                        continue
                    changes += 1
                    if changes > budget:
                        self.visited = count
                        warnings.warn(f"rewrite phase {phase!r}: one pass made {changes} "
                                      f"replacements, more than its budget of {budget}, and "
                                      f"stopped early; rule {rule.name} ({rule.location}) "
                                      f"was the last to fire", RewriteBudgetWarning,
                                      stacklevel=3)
                        return changes
                    break
                if added:
                    # The new nodes may match further rules; try them before moving on.
                    if stack is None:
                        stack = []
                    stack.extend(reversed(added))
                if not stack:
                    break
                node = stack.pop()
                while node not in nodes and stack:
                    node = stack.pop()
                if node not in nodes:
                    break
                if fgraph.kinds_changed != version:
                    usable.clear()
                    version = fgraph.kinds_changed
                kind = type(node.op)
                candidates = known(kind)
                if candidates is None:
                    candidates = usable[kind] = self._usable_rules(kind, rules, phase)
                tried[node] = len(records)
        self.visited = self.to_visit
        return changes

    def _of_active_kinds(self, order, active, rules, phase):
        """The nodes of `order` whose op class has a rule that can fire (the `active` ones),
        one at a time; when the graph's classes change on the way, the set is found again
        (an op brought in may wake a rule). A first pass then steps over the nodes of the
        other classes in a cheap loop (stabilize: the 40,000 of 42,000 that are not Neg)."""
        fgraph = self.fgraph
        version = fgraph.kinds_changed
        for node in order:
            if fgraph.kinds_changed != version:
                version = fgraph.kinds_changed
                active = {kind for kind, of_kind in fgraph._by_op_class.items()
                          if of_kind and self._usable_rules(kind, rules, phase)}
            if type(node.op) in active:
                yield node

    @staticmethod
    def _rules_for(kind, rules):
        """(rule, *rule.gate) for the rules of a phase whose pattern's root can match a node
        of op class `kind`."""
        return [(rule, *rule.gate) for rule in rules
                if issubclass(kind, rule.pattern.root_classes())]

    def _usable_rules(self, kind, rules, phase):
        """(rule, where, input_ops) of the rules of `phase` (see `Rule.gate`) that root at op
        class `kind` and can fire on the graph as it is: it holds the classes each `needs`,
        and a node of each class its pattern reads below the root (a pattern reading a Softmax
        matches nothing on a graph without one). Valid until the graph's classes change."""
        by_type = self._by_type.setdefault(phase, {})
        found = by_type.get(kind)
        if found is None:
            found = by_type[kind] = self._rules_for(kind, rules)
        holds = self.fgraph.holds
        return [(rule, where, input_ops) for rule, needs, where, input_ops in found
                if (not needs or holds(needs))
                and all(holds(classes) for classes in rule.pattern_classes)]

    def apply(self, rule, replacement, phase):
        """Replace, check and record; the nodes added, or None if nothing changed."""
        old, new = replacement.old, replacement.new
        if replacement.op is not None:
            return self._change_op(rule, replacement, phase)
        if new is old:
            return None
        _check(rule, old, new)
        fgraph = self.fgraph
        added = fgraph.nodes_to_import(new)
        if self._guard and self._guard.refuses(old, new, added):
            return None
        for node in added:
            if any(var is old for var in node.inputs):
                raise RewriteError(f"rewrite {rule.name} ({rule.location}) replaced "
                                   f"{describe(old)} by an expression of itself")
            for out in node.outputs:
                # What a rewrite builds stands for what the user wrote on that line.
                out.creation_site = old.creation_site
                out.scope = old.scope
        if new.owner is not None and new.owner in added and new.name is None:
            new.name = old.name
        readers = [client for client, _ in fgraph.clients[old] if client != OUTPUT]
        removed = fgraph.replace(old, new, reason=rule.name, order=replacement.order,
                                 imported=added)
        for changed in self._changed.values():
            changed.extend(added)
            changed.extend(readers)
        seeds = self._seeds
        if seeds is not None:
            # What a rule may now see differently: the new nodes, the nodes that read the new
            # value, and the last reader of a value that just lost its other readers; as of
            # this record (the log's length once it is appended).
            when = len(self.log.records) + 1
            for node in added:
                seeds[node] = when
            for node in readers:
                seeds[node] = when
            for node in removed:
                for var in node.inputs:
                    left = fgraph.clients.get(var)
                    if left is not None and len(left) == 1:
                        for client, _ in left:
                            if client != OUTPUT:
                                seeds[client] = when
        self.fired[rule.name] = self.fired.get(rule.name, 0) + 1
        self.log.append(RewriteRecord(rule.name, rule.location, phase, tuple(removed),
                                      tuple(added), old, new, tuple(replacement.matched)))
        return added

    def _change_op(self, rule, replacement, phase):
        """`replacement.old`'s node runs `replacement.op` from now on (the in-place rule marks
        thousands of fused nodes so): the node stays, so the record removes nothing and
        replaces the variable by itself. It lists the node as added only when its op changes
        class (an elementwise op wrapped in a Composite: a node of a new kind, which pictures
        colour by this rule); a variant of the same class keeps the colour of the rule that
        made the node (render/origins.py). [node]."""
        old, op = replacement.old, replacement.op
        node = old.owner
        if node not in self.fgraph.apply_nodes or replacement.new is not old:
            raise RewriteError(f"rewrite {rule.name} ({rule.location}) would change the op of "
                               f"{describe(old)}, which is not a node of the graph")
        added = (node,) if type(op) is not type(node.op) else ()
        self.fgraph.change_op(node, op)
        for changed in self._changed.values():
            changed.append(node)
        if self._seeds is not None:
            self._seeds[node] = len(self.log.records) + 1
        self.fired[rule.name] = self.fired.get(rule.name, 0) + 1
        self.log.append(RewriteRecord(rule.name, rule.location, phase, (), added, old, old,
                                      tuple(replacement.matched)))
        return [node]


def _check(rule, old, new):
    old_type, new_type = old.type, getattr(new, "type", None)
    if new_type is old_type or new_type == old_type:
        return          # the common case: nothing to say
    problem = None
    if getattr(new_type, "dtype", None) != old_type.dtype:
        problem = "the dtypes differ"
    elif new_type.ndim != old_type.ndim:
        problem = "the ranks differ"
    elif not compatible_shapes(old_type.shape, new_type.shape):
        problem = "the static shapes differ"
    if problem:
        raise RewriteError(f"rewrite {rule.name} ({rule.location}) would replace "
                           f"{describe(old)} by {describe(new)}: {problem}")
