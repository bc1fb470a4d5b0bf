"""Binary cross-entropy of a sigmoid, fused: one op from the scores, no probabilities.

`-(t * log(p) + (1 - t) * log(1 - p))` with p = sigmoid(z), written out or as
`binary_crossentropy(p, t)`, or as the Theano tutorial's `-t * log(p) - (1 - t) * log(1 - p)`,
reaches this phase as `t * softplus(-z) + (1 - t) * softplus(z)` (the rules of `stabilize.py`
rewrote each log). The rule here reads that sum and makes it one
`sigmoid_binary_crossentropy(z, t)`.
"""

from __future__ import annotations

from graphlens.rewrite.pattern import Pat, fits, is_constant_equal, rewrite
from graphlens.rewrite.products import collect, factor_key, is_negation
from graphlens.tensor.math import Add, Neg, Sub, add
from graphlens.tensor.nnet import Softplus, sigmoid_binary_crossentropy

STABLE = ("stability",)
SUM_OPS = (Add, Sub, Neg)
MAX_TERMS = 16


def _signed_terms(var):
    """var as a list of (sign, term) through +, - and unary minus (a bounded walk)."""
    terms, stack, walked = [], [(1, var)], 0
    while stack:
        sign, current = stack.pop()
        node = current.owner
        if walked < MAX_TERMS and node is not None and isinstance(node.op, SUM_OPS):
            walked += 1
            if isinstance(node.op, Add):
                stack.extend((sign, term) for term in reversed(node.inputs))
            elif isinstance(node.op, Sub):
                stack.extend([(-sign, node.inputs[1]), (sign, node.inputs[0])])
            else:
                stack.append((-sign, node.inputs[0]))
            continue
        terms.append((sign, current))
    return terms


def _near_softplus(term) -> bool:
    """True when a softplus is among the inputs of `term` or of their inputs (t * -softplus(z)
    is as deep as the forms this rule reads go)."""
    node = term.owner
    if node is None:
        return False
    for inp in node.inputs:
        inner = inp.owner
        if inner is not None and (isinstance(inner.op, Softplus) or any(
                v.owner is not None and isinstance(v.owner.op, Softplus) for v in inner.inputs)):
            return True
    return False


def _scaled_softplus(sign, term):
    """(coefficient, softplus input) when the term is +coefficient * softplus(u), else None."""
    product = collect(term)
    if product.den or product.sign * sign < 0 or len(product.num) != 2:
        return None
    for i, factor in enumerate(product.num):
        if factor.owner is not None and isinstance(factor.owner.op, Softplus):
            return product.num[1 - i], factor.owner.inputs[0]
    return None


def _one_minus(var):
    node = var.owner
    if node is not None and isinstance(node.op, Sub) and is_constant_equal(node.inputs[0], 1):
        return node.inputs[1]
    return None


def _target_of(minus_coefficient, plus_coefficient):
    """t when the coefficients are t (of softplus(-z)) and 1 - t (of softplus(z))."""
    rest = _one_minus(plus_coefficient)
    if rest is not None and factor_key(rest) == factor_key(minus_coefficient):
        return minus_coefficient
    return None


@rewrite("stabilize", Pat(SUM_OPS, name="old"), tags=STABLE, needs=(Softplus,))
def sigmoid_binary_crossentropy_of_scores(old):
    """t * softplus(-z) + (1 - t) * softplus(z) -> sigmoid_binary_crossentropy(z, t): what
    binary_crossentropy(sigmoid(z), t) becomes once its logs are stable, in one op."""
    terms = _signed_terms(old)
    if sum(1 for _, term in terms if _near_softplus(term)) < 2:
        return None         # most sums: decided without reading their terms as products
    scaled = [_scaled_softplus(sign, term) for sign, term in terms]
    for i, first in enumerate(scaled):
        for j in range(i + 1, len(scaled)):
            second = scaled[j]
            if first is None or second is None or not is_negation(first[1], second[1]):
                continue
            for (c_minus, _), (c_plus, z) in ((first, second), (second, first)):
                target = _target_of(c_minus, c_plus)
                if target is None:
                    continue
                fused = sigmoid_binary_crossentropy(z, target)
                others = [term if sign > 0 else -term
                          for k, (sign, term) in enumerate(terms) if k not in (i, j)]
                return fits(add(fused, *others), old)
    return None
