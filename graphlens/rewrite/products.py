"""Products as lists of factors: what the gradient-stabilizing rules in `stable_grads.py` read.

`grad` builds chains of *, / and unary minus: the gradient of log(sigmoid(z)) is
`g / sigmoid(z) * sigmoid(z) * (1 - sigmoid(z))`. Read as one product (a sign, numerator factors
and denominator factors) such a chain shows what cancels, whatever the nesting grad gave it.

>>> product = collect(g / s * s * (1 - s))      # doctest: +SKIP
>>> product.sign, product.num, product.den      # doctest: +SKIP
(1, [g, s, 1 - s], [s])
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from graphlens.graph.basic import Constant
from graphlens.graph.fg import OUTPUT
from graphlens.rewrite.pattern import fits, is_constant_equal
from graphlens.tensor.elemwise import DimShuffle
from graphlens.tensor.math import Add, Mul, Neg, Sqr, Sub, TrueDiv, mul, neg, sub
from graphlens.tensor.fill import Second, fill
from graphlens.tensor.variable import as_tensor_variable

# The ops a product is read through; anything else is a factor. A DimShuffle that only inserts
# broadcast axes is read through too (its factors get the axes), and fill(x, y) as y: the
# gradient of a sum is such a broadcast, and what it divides by must meet what multiplies it.
PRODUCT_OPS = (Mul, TrueDiv, Neg, Sqr, DimShuffle, Second)
# How many product nodes one reading may walk: each rule reads from every product node, so a
# bound keeps a pass linear on long chains (a longer product is simplified in its parts).
MAX_WALK = 64
# How deep factor_key compares structure; beyond it, variables compare by identity.
KEY_DEPTH = 4


@dataclass
class Product:
    """sign * prod(num) / prod(den): the factors in the order the expression reads them."""

    sign: int = 1
    num: list = field(default_factory=list)
    den: list = field(default_factory=list)
    # Variables whose shapes the product broadcasts to (the x of fill(x, y)); not factors.
    shapes: list = field(default_factory=list)


def _inserts_axes_only(op) -> bool:
    kept = [axis for axis in op.new_order if axis != "x"]
    return kept == list(range(op.input_ndim))


def _walkable(var) -> bool:
    node = var.owner
    if node is None or not isinstance(node.op, PRODUCT_OPS):
        return False
    if isinstance(node.op, DimShuffle) and not _inserts_axes_only(node.op):
        return False
    return var.dtype.startswith(("float", "complex"))


def _compose(inner, outer):
    """The order doing DimShuffle `inner`, then `outer` (None is no DimShuffle)."""
    if outer is None:
        return inner
    return tuple("x" if axis == "x" else inner[axis] for axis in outer)


def _shuffled(var, order, rank):
    """`var` (broadcast against rank `rank`, aligned right) with the axes of `order` inserted."""
    if order is None:
        return var
    pad = rank - var.ndim
    own = tuple("x" if axis == "x" or axis < pad else axis - pad for axis in order)
    if own == tuple(range(var.ndim)):
        return var
    return DimShuffle(var.ndim, own)(var)


def collect(var) -> Product:
    """`var` read as a product, through at most MAX_WALK nodes of *, /, unary -, sqr, fill and
    axis-inserting DimShuffles.

    Integer products are factors, never walked: regrouping them could change where they wrap.
    """
    product, walked = Product(), 0
    # (variable, in the denominator, DimShuffle order its factors get, rank that order reads)
    stack = [(var, False, None, var.ndim)]
    while stack:
        current, below, order, rank = stack.pop()
        if walked < MAX_WALK and _walkable(current):
            walked += 1
            op, inputs = current.owner.op, current.owner.inputs
            if isinstance(op, Mul):
                stack.extend((inp, below, order, rank) for inp in reversed(inputs))
            elif isinstance(op, TrueDiv):
                stack.extend([(inputs[1], not below, order, rank),
                              (inputs[0], below, order, rank)])
            elif isinstance(op, Sqr):
                stack.extend([(inputs[0], below, order, rank)] * 2)
            elif isinstance(op, DimShuffle):
                stack.append((inputs[0], below, _compose(op.new_order, order), op.input_ndim))
            elif isinstance(op, Second):
                product.shapes.append(_shuffled(inputs[0], order, rank))
                stack.append((inputs[1], below, order, rank))
            else:
                product.sign = -product.sign
                stack.append((inputs[0], below, order, rank))
            continue
        (product.den if below else product.num).append(_shuffled(current, order, rank))
    return product


def _walk_finds(var, found) -> bool:
    """True when `found(node)` holds for a node that reading `var` as a product reaches (its
    product nodes and the factors' nodes), without building the product."""
    stack, walked = [var], 0
    while stack:
        current = stack.pop()
        node = current.owner
        if node is not None and found(node):
            return True
        if walked >= MAX_WALK or not _walkable(current):
            continue
        walked += 1
        stack.extend(node.inputs[1:] if isinstance(node.op, Second) else node.inputs)
    return False


def has_divisor(var) -> bool:
    """True when reading `var` as a product finds a division."""
    return _walk_finds(var, lambda node: isinstance(node.op, TrueDiv))


def has_sum_factor(var) -> bool:
    """True when reading `var` as a product finds a factor that is a sum or a difference."""
    return _walk_finds(var, lambda node: isinstance(node.op, (Add, Sub)))


def read_by_parent_product(var, fgraph) -> bool:
    """True when `var`'s only reader is a product node, which reads `var`'s factors itself:
    rules then start from that reader, so a chain of products is read once, not once per link."""
    clients = fgraph.clients.get(var, ())
    if len(clients) != 1:
        return False
    ((client, _),) = clients
    return client != OUTPUT and _walkable(client.outputs[0])


def factor_key(var, depth=KEY_DEPTH):
    """A hashable key equal for factors that compute the same thing from the same variables:
    two `sigmoid(-z)` built by different rules get one key before the merge pass sees them."""
    keys, stack = {}, [(var, depth, False)]
    while stack:
        current, level, expanded = stack.pop()
        if (current, level) in keys:
            continue
        node = current.owner
        if isinstance(current, Constant):
            keys[current, level] = ("constant",) + current.signature()
        elif node is None or level == 0:
            keys[current, level] = current
        elif not expanded:
            stack.append((current, level, True))
            stack.extend((inp, level - 1, False) for inp in node.inputs)
        else:
            keys[current, level] = (node.op, node.outputs.index(current),
                                    tuple(keys[inp, level - 1] for inp in node.inputs))
    return keys[var, depth]


def negate(var):
    """-var, written without a double negation: -(-a) is a, -(a - b) is b - a."""
    node = var.owner
    if node is not None and isinstance(node.op, Neg):
        return node.inputs[0]
    if node is not None and isinstance(node.op, Sub):
        a, b = node.inputs
        if a.owner is not None and isinstance(a.owner.op, Neg):
            return Add()(a.owner.inputs[0], b)           # -(-a - b) = a + b
        return sub(b, a)
    return neg(var)


def is_negation(a, b) -> bool:
    """True when a = -b, as far as the structure shows."""
    return factor_key(a) == factor_key(negate(b)) or factor_key(b) == factor_key(negate(a))


def _uncovered_axes(old, factors) -> list:
    """Axes of `old` (counted from the right) whose length no factor in `factors` carries:
    an axis is carried by a factor whose length there is not 1 (broadcasting makes it old's)."""
    missing = []
    for axis in range(1, old.ndim + 1):
        if old.type.shape[-axis] == 1:
            continue
        if not any(f.ndim >= axis and f.type.shape[-axis] != 1 for f in factors):
            missing.append(axis)
    return missing


def build(product, old, dropped=()):
    """The expression for `product`, standing for `old`: None if it cannot.

    Factors equal to the constant 1 are left out. Where removing factors took away an axis that
    `old` had (a cancelled factor gave the product its length there), the result is broadcast
    back with fill() over a removed factor, so every reader sees the shape it saw before.
    """
    num = [f for f in product.num if not is_constant_equal(f, 1)]
    den = [f for f in product.den if not is_constant_equal(f, 1)]
    kept = num + den
    dropped = list(dropped) + product.shapes + [f for f in product.num + product.den
                                                if not any(f is k for k in kept)]
    top = mul(*num) if num else as_tensor_variable(np.asarray(1, dtype=old.dtype))
    new = top / mul(*den) if den else top
    if product.sign < 0:
        new = neg(new)
    for factor in dropped:
        missing = _uncovered_axes(old, kept)
        if not missing:
            break
        if any(factor.ndim >= axis and factor.type.shape[-axis] != 1 for axis in missing):
            new = fill(factor, new)
            kept.append(factor)
    return fits(new, old)
