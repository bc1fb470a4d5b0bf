"""Numerical stabilization: formulas that overflow, underflow or cancel, replaced by exact ones.

log(sigmoid(x)) is -inf at x = -800 in floating point; -softplus(-x) is -800. Each rule names the
failure it prevents; cross-entropy with softmax is in `xent.py`.
"""

from __future__ import annotations

from graphlens.rewrite.pattern import Const, Pat, Var, fits, is_constant_equal, rewrite
from graphlens.rewrite.stable_ops import LogSumExp
from graphlens.tensor.elemwise import DimShuffle
from graphlens.tensor.math import Add, Exp, Log, Log1p, Neg, Sub, add, expm1, log1p
from graphlens.tensor.nnet import LogSoftmax, Sigmoid, Softmax, softplus
from graphlens.tensor.reduce import Sum

STABLE = ("stability",)


@rewrite("stabilize", Pat(Log, Pat(Sigmoid, Var("x")), name="old"), tags=STABLE)
def log_sigmoid_to_softplus(x, old):
    """log(sigmoid(x)) underflows to -inf for x << 0; -softplus(-x) does not."""
    return fits(-softplus(-x), old)


@rewrite("stabilize", Pat(Log, Pat(Sub, Const(value=1), Pat(Sigmoid, Var("x"))), name="old"),
         tags=STABLE)
def log_one_minus_sigmoid(x, old):
    """log(1 - sigmoid(x)) is log(0) = -inf for x >> 0; -softplus(x) is exact."""
    return fits(-softplus(x), old)


@rewrite("stabilize", Pat(Log, Pat(Add, rest="terms"), name="old"), tags=STABLE)
def log_one_plus(terms, old):
    """log(1 + x) loses x below 1e-16 (1 + x rounds to 1); log1p(x) keeps it."""
    ones = [t for t in terms if is_constant_equal(t, 1) and t.ndim == old.ndim]
    if not ones or len(terms) < 2:
        return None
    rest = list(terms)
    rest.remove(ones[0])
    return fits(log1p(add(*rest)), old)


@rewrite("stabilize", Pat(Log, Pat(Sub, Const(value=1), Var("x")), name="old"), tags=STABLE)
def log_one_minus(x, old):
    """log(1 - x) -> log1p(-x), exact for small x."""
    return fits(log1p(-x), old)


@rewrite("stabilize", Pat(Log1p, Pat(Exp, Var("x")), name="old"), tags=STABLE)
def log1p_exp_to_softplus(x, old):
    """log(1 + exp(x)) overflows to inf for x > 709; softplus(x) is x there."""
    return fits(softplus(x), old)


@rewrite("stabilize", Pat(Sub, Pat(Exp, Var("x")), Const(value=1), name="old"), tags=STABLE)
def exp_minus_one(x, old):
    """exp(x) - 1 cancels to 0 for |x| < 1e-16; expm1(x) keeps x."""
    return fits(expm1(x), old)


@rewrite("stabilize", Pat(Add, rest="terms", name="old"), tags=STABLE, needs=(Exp,))
def exp_plus_minus_one(terms, old):
    """exp(x) + (-1) -> expm1(x), the same cancellation written as a sum."""
    if len(terms) != 2:
        return None
    for exp_term, other in (terms, terms[::-1]):
        if exp_term.owner is not None and isinstance(exp_term.owner.op, Exp) \
                and is_constant_equal(other, -1):
            return fits(expm1(exp_term.owner.inputs[0]), old)
    return None


@rewrite("stabilize", Pat(Log, Pat(Exp, Var("x")), name="old"), tags=STABLE)
def log_exp(x, old):
    """log(exp(x)) -> x: exp overflows to inf for x > 709 where x itself is fine."""
    return fits(x, old)


@rewrite("stabilize", Pat(Log, Pat(Softmax, Var("x"), op_name="op"), name="old"), tags=STABLE)
def log_softmax(x, op, old):
    """log(softmax(x)) is -inf where softmax underflows to 0; log_softmax(x) is finite."""
    return fits(LogSoftmax(op.axis)(x), old)


@rewrite("stabilize", Pat(Log, Pat(Sum, Pat(Exp, Var("x")), op_name="op"), name="old"),
         tags=STABLE)
def log_sum_exp(x, op, old):
    """log(sum(exp(x))) overflows for x > 709; logsumexp shifts by max(x) first."""
    return fits(LogSumExp(op.axis)(x), old)


@rewrite("stabilize", Pat(Log, Pat(DimShuffle, Pat(Sum, Pat(Exp, Var("x")), op_name="op"),
                                   op_name="keep"), name="old"), tags=STABLE)
def log_sum_exp_keepdims(x, op, keep, old):
    """log(sum(exp(x), keepdims=True)) -> logsumexp with the axes put back."""
    return fits(keep(LogSumExp(op.axis)(x)), old)


@rewrite("stabilize", Pat(Neg, Pat(Neg, Var("x")), name="old"))
def neg_neg_after_stabilizing(x, old):
    """-(-x) -> x, for the double negations that -softplus(-x) leaves inside other formulas."""
    return fits(x, old)

