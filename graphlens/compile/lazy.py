"""Lazy evaluation for ops with `lazy_inputs` (ifelse): what runs on demand, and when it is freed.

A node is *conditional* when every path from it to an output passes through a lazy input
(`graph.schedule.conditional_nodes`). The main program runs only the other, eager, nodes, in the
schedule's order. When it reaches a lazy op, the op's eager inputs are ready; the op's `demand`
names the lazy inputs this call needs, and each of those runs its *branch*: the conditional nodes
it depends on (through eager inputs only), in the schedule's order, skipping any already computed
this call (a value shared by two branches runs once). A lazy op inside a branch is handled the
same way, on an explicit stack, so deeply nested ifelses need no recursion.

Freeing stays a fixed plan: a conditional node may run during any main step that may demand it,
up to its *deadline* (the last such step), so every array it reads or writes is kept until the
end of that step; an intermediate private to one branch is dropped earlier, inside the branch,
after its last reader there. Graphs without lazy ops never come here: their evaluator loop is
unchanged.
"""

from __future__ import annotations

from graphlens.errors import EvaluationError
from graphlens.graph.basic import Variable


class Branches:
    """For each variable read lazily: the steps of the conditional nodes it needs, in order.

    Every branch is planned when the function is built. An intermediate that only one branch
    makes and reads is freed inside that branch, after its last reader there, so a long branch
    holds no more arrays at once than the same code run eagerly.
    """

    def __init__(self, nodes, conditional, steps, position):
        self.order = {node: i for i, node in enumerate(nodes)}
        self.conditional = conditional
        self.steps = steps           # node -> its step tuple
        self.by_variable = {}
        members = {}
        for node in nodes:
            for i in node.op.lazy_inputs:
                var = node.inputs[i]
                if var not in members:
                    members[var] = self._needed(var)
                    self.by_variable[var] = tuple(steps[n] for n in members[var])
        self._plan_frees(nodes, members, position)

    def of(self, var: Variable) -> tuple:
        """The steps that compute `var` on demand (empty if it is eager, an input or constant)."""
        return self.by_variable.get(var, ())

    def _needed(self, var):
        needed, stack = set(), [var.owner]
        while stack:
            node = stack.pop()
            if node is None or node in needed or node not in self.conditional:
                continue
            needed.add(node)
            lazy = node.op.lazy_inputs
            stack.extend(inp.owner for i, inp in enumerate(node.inputs) if i not in lazy)
        return sorted(needed, key=self.order.__getitem__)

    def _plan_frees(self, nodes, members, position):
        # A value is private to a branch when its node belongs to that branch only, every
        # reader is in it, and no lazy op reads it as a branch result. Its readers then run
        # only in that branch, so its last reader there may drop it.
        count, clients, read_lazily = {}, {}, set()
        for nodes_of_branch in members.values():
            for node in nodes_of_branch:
                count[node] = count.get(node, 0) + 1
        for node in nodes:
            lazy = node.op.lazy_inputs
            for i, var in enumerate(node.inputs):
                clients.setdefault(var, []).append(node)
                if i in lazy:
                    read_lazily.add(var)
        for nodes_of_branch in members.values():
            inside = set(nodes_of_branch)
            last_reader = {}
            for node in nodes_of_branch:
                for var in node.inputs:
                    if (var.owner in inside and count[var.owner] == 1
                            and var not in read_lazily
                            and all(client in inside for client in clients[var])):
                        last_reader[var] = node
            for var, node in last_reader.items():
                self.steps[node][4].append(position[var])


def deadlines(nodes, conditional, main_step) -> dict:
    """{conditional node: the last main step during which it may run}."""
    clients = {}
    for node in nodes:
        for var in node.inputs:
            if var.owner is not None:
                clients.setdefault(var.owner, []).append(node)
    result = {}
    for node in reversed(nodes):
        if node in conditional:
            result[node] = max(main_step[c] if c not in conditional else result[c]
                               for c in clients.get(node, ()))
    return result


def store_results(storage, step, results):
    """A step's results into their slots (step[6]: one per output; an ifelse of pairs has
    several), for the main program and the branches alike.

    >>> store_results(storage, step, perform(node, values))       # doctest: +SKIP
    """
    slots = step[6]
    if len(slots) == 1:
        storage[slots[0]] = results[0]
    else:
        for slot, value in zip(slots, results):
            storage[slot] = value


def run_conditional(step, storage, branches, step_failure):
    """A lazy op's step: its demanded branches run first, on an explicit stack; its results
    are stored in their slots."""
    stack = [[step, None, None, 0]]        # [step, demanded positions, branch steps, next]
    current = step
    try:
        while stack:
            frame = stack[-1]
            lazy_step = frame[0]
            if frame[2] is None:
                node, inputs = lazy_step[1], lazy_step[2]
                lazy = node.op.lazy_inputs
                values = [None if i in lazy else storage[slot] for i, slot in enumerate(inputs)]
                demanded = tuple(node.op.demand(node, values))
                frame[1] = demanded
                # A branch whose result is already there (read lazily twice) is not rerun.
                frame[2] = [s for i in demanded if storage[inputs[i]] is None
                            for s in branches.of(node.inputs[i])]
            pending = frame[2]
            index = frame[3]
            nested = None
            while index < len(pending):
                current = inner = pending[index]
                if storage[inner[3]] is None:
                    if inner[5]:
                        nested = inner
                        break
                    results = inner[0](inner[1], [storage[i] for i in inner[2]])
                    if len(inner[6]) == 1:      # inline: the common step, on every call
                        storage[inner[3]] = results[0]
                    else:
                        store_results(storage, inner, results)
                    for slot in inner[4]:
                        storage[slot] = None
                index += 1
            frame[3] = index
            if nested is not None:
                stack.append([nested, None, None, 0])
                continue
            current = lazy_step
            node, inputs, demanded = lazy_step[1], lazy_step[2], frame[1]
            lazy = node.op.lazy_inputs
            values = [storage[slot] if i not in lazy or i in demanded else None
                      for i, slot in enumerate(inputs)]
            results = lazy_step[0](node, values)
            if len(lazy_step[6]) == 1:
                storage[lazy_step[3]] = results[0]
            else:
                store_results(storage, lazy_step, results)
            stack.pop()
            # A lazy op inside a branch drops its private inputs; the main program frees the
            # outermost one's.
            if stack:
                for slot in lazy_step[4]:
                    storage[slot] = None
    except EvaluationError:
        raise
    except Exception as exc:
        node, inputs = current[1], current[2]
        raise step_failure(node, storage, inputs, exc) from exc
