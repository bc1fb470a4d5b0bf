"""Canonical forms: identities removed (x*1, x+0, x-0, x/1, --x, -sum(-x), x-x), chains of + and
* made one n-ary node with their constants folded together, and DimShuffles composed (a double
transpose is no transpose). Later phases then match one shape of each expression, not every
spelling of it.
"""

from __future__ import annotations

from graphlens.graph.fg import OUTPUT
from graphlens.graph.types import is_discrete
from graphlens.rewrite.pattern import (Const, Pat, Var, constant_value, fits, is_constant_equal,
                                       rewrite)
from graphlens.tensor.basic import Cast, cast
from graphlens.tensor.elemwise import DimShuffle, Elemwise
from graphlens.tensor.math import Add, Mul, Neg, Pow, Sub, TrueDiv
from graphlens.tensor.fill import ones_like, zeros_like
from graphlens.tensor.reduce import Sum

FAST = ("fast_compile",)


def _reads_a_constant(node, identity) -> bool:
    """True when an input of `node` may be the constant `identity` (one, or a DimShuffle of one, as
    `constant_value` reads it): the identity rules decline the other sums and products uncalled."""
    for var in node.inputs:
        owner = var.owner
        if owner is None and is_constant_equal(var, identity) or \
                owner is not None and isinstance(owner.op, DimShuffle):
            return True
    return False


def _without_identity(terms, identity, old, combine):
    kept = [t for t in terms if not is_constant_equal(t, identity)]
    if len(kept) == len(terms) or not kept:
        return None
    return fits(combine(*kept) if len(kept) > 1 else kept[0], old)


@rewrite("canonicalize", Pat(Mul, rest="factors", name="old",
                             where=lambda node: _reads_a_constant(node, 1)), tags=FAST)
def mul_by_one(factors, old):
    """x * 1 -> x (kept when the 1 is what gives the product its shape or dtype)."""
    return _without_identity(factors, 1, old, lambda *xs: Mul()(*xs))


@rewrite("canonicalize", Pat(Add, rest="terms", name="old",
                             where=lambda node: _reads_a_constant(node, 0)), tags=FAST)
def add_zero(terms, old):
    """x + 0 -> x."""
    return _without_identity(terms, 0, old, lambda *xs: Add()(*xs))


@rewrite("canonicalize", Pat(Sub, Var("x"), Const(value=0), name="old"), tags=FAST)
def sub_zero(x, old):
    """x - 0 -> x."""
    return fits(x, old)


@rewrite("canonicalize", Pat(Sub, Const(value=0), Var("x"), name="old"), tags=FAST)
def zero_sub(x, old):
    """0 - x -> -x."""
    return fits(Neg()(x), old)


@rewrite("canonicalize", Pat(TrueDiv, Var("x"), Const(value=1), name="old"), tags=FAST)
def div_by_one(x, old):
    """x / 1 -> x."""
    return fits(x, old)


@rewrite("canonicalize", Pat(Pow, Var("x"), Const("exponent"), name="old"), tags=FAST)
def pow_identity(x, exponent, old):
    """x ** 1 -> x, x ** 0 -> ones shaped like x (Theano's local_pow_canonicalize). Gradients
    of powers make both: d(x**2)/dx is 2 * x ** (2 - 1), and its own derivative x ** 0."""
    value = constant_value(exponent)
    if value.size != 1 or value.reshape(()).item() not in (0, 1):
        return None
    return fits(x if value.reshape(()).item() == 1 else ones_like(x, dtype=old.dtype), old)


@rewrite("canonicalize", Pat(Sub, Var("x"), Var("x"), name="old"), tags=FAST)
def sub_self(x, old):
    """x - x -> zeros shaped like x (for finite x; an infinite x gave NaN, read as a bug)."""
    return fits(zeros_like(x, dtype=old.dtype), old)


@rewrite("canonicalize", Pat(Neg, Pat(Neg, Var("x")), name="old"), tags=FAST)
def neg_neg(x, old):
    """-(-x) -> x."""
    return fits(x, old)


NEG_SUM_NEG = Pat(Neg, Pat(Sum, Pat(Neg, Var("x")), op_name="reduction"), name="old")


def _neg_sum_neg(x, reduction, old):
    """-sum(-x) -> sum(x) for floating x: negation is exact and rounding symmetric, so the two
    agree to the bit. (Not for integers: -x wraps at the smallest value, so they may differ.)"""
    if is_discrete(x.dtype):
        return None
    return fits(Sum(reduction.axis)(x), old)


neg_sum_neg = rewrite("canonicalize", NEG_SUM_NEG, name="neg_sum_neg", tags=FAST)(_neg_sum_neg)
# The stabilize rules write a log-likelihood as the negated loss, -bce(z, t) (sigmoid_xent.py):
# the Theano tutorials' cost -sum(t * log(p) + (1 - t) * log(1 - p)) then reads -sum(-bce), in
# a form canonicalize never saw. The "cancel" phase (after stabilize) takes the pair out.
neg_sum_neg_late = rewrite("cancel", NEG_SUM_NEG, name="neg_sum_neg_late",
                           tags=("neg_sum_neg",))(_neg_sum_neg)


@rewrite("canonicalize", Pat(Cast, Var("x"), name="old"), tags=FAST)
def cast_to_own_dtype(x, old):
    """A cast to the dtype x already has (left by another rewrite) -> x."""
    return fits(x, old) if x.dtype == old.dtype else None


def _single_client(fgraph, var) -> bool:
    return len(fgraph.clients.get(var, ())) == 1


def _absorbed(op_class, item, dtype, fgraph) -> bool:
    """True when `item` is a sum (product) that the sum (product) reading it takes apart."""
    owner = item.owner
    return (owner is not None and type(owner.op) is op_class and item.dtype == dtype
            and _single_client(fgraph, item))


def _may_flatten(node) -> bool:
    """True when `node` reads a node of its own op, or two inputs that may be constants: what
    `_flatten` needs to change anything. Most sums and products are decided here, before
    the rule is called."""
    kind, constants = type(node.op), 0
    for var in node.inputs:
        owner = var.owner
        if owner is None or isinstance(owner.op, DimShuffle):
            constants += 1
        elif type(owner.op) is kind:
            return True
    return constants > 1


def _flatten(op_class, items, old, fgraph):
    clients = fgraph.clients.get(old, ())
    if len(clients) == 1 and clients[0][0] != OUTPUT and \
            type(clients[0][0].op) is op_class and clients[0][0].outputs[0].dtype == old.dtype:
        # The sum reading this one will take the whole chain apart in one step: flattening
        # here first would rebuild the chain once per link (quadratic in its length).
        return None
    flat, changed = [], False
    stack = list(reversed(items))
    while stack:        # the leaves of the chain, left to right, without recursion
        item = stack.pop()
        if _absorbed(op_class, item, old.dtype, fgraph) and not _constants_only(item):
            stack.extend(reversed(item.owner.inputs))
            changed = True
        else:
            flat.append(item)
    constants = [t for t in flat if constant_value(t) is not None]
    if 1 < len(constants) < len(flat):
        # Group the constants (constant folding computes them); all-constant: already grouped.
        # In the result's dtype: two float32 constants beside a float64 x were multiplied in
        # float64 before, and folding them in float32 would round their product to float32.
        others = [t for t in flat if constant_value(t) is None]
        constants = [c if c.dtype == old.dtype else cast(c, old.dtype) for c in constants]
        flat = others + [op_class()(*constants)]
        changed = True
    if not changed:
        return None
    return fits(op_class()(*flat), old)


@rewrite("canonicalize", Pat(Add, rest="terms", name="old", where=_may_flatten), tags=FAST)
def flatten_add(terms, old, fgraph):
    """(a + b) + c -> add(a, b, c) when a + b is used only there; x + 1 + 2 -> x + 3."""
    return _flatten(Add, terms, old, fgraph)


@rewrite("canonicalize", Pat(Mul, rest="factors", name="old", where=_may_flatten), tags=FAST)
def flatten_mul(factors, old, fgraph):
    """(a * b) * c -> mul(a, b, c) when a * b is used only there; 2 * x * 3 -> x * 6."""
    return _flatten(Mul, factors, old, fgraph)


@rewrite("canonicalize", Pat(DimShuffle, Pat(DimShuffle, Var("x"), op_name="inner"),
                             op_name="outer", name="old"), tags=FAST)
def compose_dimshuffles(x, inner, outer, old):
    """x.T.T -> x; any DimShuffle of a DimShuffle -> one DimShuffle."""
    order = tuple("x" if axis == "x" else inner.new_order[axis] for axis in outer.new_order)
    if order == tuple(range(x.ndim)):
        return fits(x, old)
    return fits(DimShuffle(x.ndim, order)(x), old)


@rewrite("canonicalize", Pat(DimShuffle, Var("x"), op_name="op", name="old"), tags=FAST)
def identity_dimshuffle(x, op, old):
    """A DimShuffle that keeps every axis in place -> its input."""
    return fits(x, old) if op.new_order == tuple(range(x.ndim)) else None


def _only_adds_or_drops_axes(op) -> bool:
    kept = [axis for axis in op.new_order if axis != "x"]
    return kept == sorted(kept)


@rewrite("canonicalize", Pat(DimShuffle, Pat(Elemwise, rest="inputs", op_name="elemwise"),
                             op_name="op", name="old"), tags=FAST)
def lift_dimshuffle(inputs, elemwise, op, old, fgraph):
    """f(a, b)[None] -> f(a[None], b[None]) for elementwise f used only there: the broadcast
    axis moves to the inputs, and f can join the elementwise ops around it in one Composite."""
    value = old.owner.inputs[0]
    if not _only_adds_or_drops_axes(op) or not _single_client(fgraph, value):
        return None
    return fits(elemwise(*[DimShuffle(var.ndim, op.new_order)(var) for var in inputs]), old)


def _constants_only(item) -> bool:
    """True for a sum (product) of constants only: the group `_flatten` makes, left for
    constant folding. Taken apart again it would be grouped again, for ever when folding is
    excluded (`excluding('constant_folding')`, as Theano's test_ifelse does).
    (Below the rules: a rule's source line is in every RewriteRecord and picture.)"""
    return all(constant_value(var) is not None for var in item.owner.inputs)
