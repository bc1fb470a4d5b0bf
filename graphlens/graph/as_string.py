"""Theano's one-line text of a graph, `[Add(Exp(x), y)]`: what `str(fgraph)` and
`gof.graph.as_string(inputs, outputs)` give. A result used more than once is written in full
the first time, numbered (`*1 -> Exp(x)`), and by its number after (`*1`), as Theano wrote it.

>>> as_string([x, y], [T.exp(x) + y, T.exp(x) * 2])        # doctest: +SKIP
['Add(*1 -> Exp(x), y)', 'Mul(*1, 2)']
"""

from __future__ import annotations

from collections import Counter

from graphlens.graph.basic import toposort


def _leaf(var) -> str:
    return var.name if var.name else str(var)


def as_string(inputs, outputs) -> list:
    """One string per output: each node as `Label(arguments)`, walked without recursion.

    >>> as_string([x], [x * 2])          # ['Mul(x, 2)']        # doctest: +SKIP
    """
    stop = set(inputs)
    uses = _uses(outputs, stop)
    uses.update(outputs)
    numbers, done = {}, set()
    return [_written(out, stop, uses, numbers, done) for out in outputs]


def _uses(outputs, stop) -> Counter:
    counts = Counter()
    for node in toposort(list(outputs)):
        if not any(out in stop for out in node.outputs):
            counts.update(node.inputs)
    return counts


def _written(root, stop, uses, numbers, done) -> str:
    def opaque(var):
        return var.owner is None or var in stop

    def reference(var):
        if opaque(var):
            return _leaf(var), False
        if var in done:
            return f"*{numbers[var]}", False
        if uses[var] > 1:
            numbers[var] = len(numbers) + 1
        return None, True

    text, enter = reference(root)
    if not enter:
        return text
    frames = [(root, [])]
    while True:
        var, args = frames[-1]
        node = var.owner
        if len(args) < len(node.inputs):
            child = node.inputs[len(args)]
            text, enter = reference(child)
            if enter:
                frames.append((child, []))
            else:
                args.append(text)
            continue
        text = f"{node.op.label}({', '.join(args)})"
        if var in numbers:
            text = f"*{numbers[var]} -> {text}"
        done.add(var)
        frames.pop()
        if not frames:
            return text
        frames[-1][1].append(text)
