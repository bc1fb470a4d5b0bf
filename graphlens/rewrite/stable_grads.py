"""Stable gradients: the products `grad` builds, rewritten so they never compute 0 * inf.

`grad` differentiates the graph the user wrote, before any rewrite, so the gradient of
log(sigmoid(z)) is `g / sigmoid(z) * sigmoid(z) * (1 - sigmoid(z))`: NaN at z = -800, where
sigmoid(z) underflows to 0. The rules here read each product as one list of factors
(`products.py`) and, in the stabilize phase, write its sigmoid forms exactly:

- a divisor `1 + exp(u)` is a factor `sigmoid(-u)` (this is also how `1 / (1 + exp(-z))` becomes
  `sigmoid(z)`), and beside sigmoid divisors `1 - sigmoid(u)` is `sigmoid(-u)`;
- `exp(u) * sigmoid(-u)` is `sigmoid(u)` (exp overflows where the product is 1).

All three are one rule, `sigmoid_forms_in_product`: each rule reads the product anew, and a
compile reads every product of the graph once per rule.

A sum of quotients multiplied by their divisors is distributed, (a / p + b / (1 - p)) * p *
(1 - p) becoming a * p / p * (1 - p) + ..., and in the later "cancel" phase a factor divided by
itself cancels, leaving a * (1 - p) + b * p. So the gradient above becomes `g * sigmoid(-z)`,
finite everywhere.
"""

from __future__ import annotations

from graphlens.rewrite.pattern import Pat, is_constant_equal, rewrite
from graphlens.rewrite.products import (Product, build, collect, factor_key, has_divisor,
                                        has_sum_factor, is_negation, negate,
                                        read_by_parent_product)
from graphlens.rewrite.softmax_forms import expanded_sum_of_exp
from graphlens.tensor.math import Add, Exp, Mul, Neg, Sub, TrueDiv, add, exp, mul, sub
from graphlens.tensor.nnet import Sigmoid, sigmoid

STABLE = ("stability",)
PRODUCT = Pat((Mul, TrueDiv, Neg), name="old")


def _one_plus_exp(var):
    """u when `var` is 1 + exp(u), else None."""
    node = var.owner
    if node is None or not isinstance(node.op, Add) or len(node.inputs) != 2:
        return None
    for one, other in (node.inputs, node.inputs[::-1]):
        if is_constant_equal(one, 1) and other.owner is not None \
                and isinstance(other.owner.op, Exp) and one.ndim <= other.ndim:
            u = other.owner.inputs[0]
            # sigmoid is real; -u is refused for bools: those keep their written form.
            return u if u.dtype.startswith(("float", "int", "uint")) else None
    return None


def _one_minus_sigmoid(var):
    """u when `var` is 1 - sigmoid(u), else None."""
    node = var.owner
    if node is None or not isinstance(node.op, Sub):
        return None
    one, other = node.inputs
    if is_constant_equal(one, 1) and one.ndim <= other.ndim and other.owner is not None \
            and isinstance(other.owner.op, Sigmoid):
        return other.owner.inputs[0]
    return None


def _product_of(old, fgraph):
    """`old` read as a product, or None when its only reader reads it as part of its own, or
    when it divides by nothing: every form these rules rewrite is a quotient (a gradient through
    a log or a 1 / (1 + exp)), and most products are not, so they are passed over cheaply."""
    if read_by_parent_product(old, fgraph) or not has_divisor(old):
        return None
    return collect(old)


@rewrite("stabilize", PRODUCT, tags=STABLE, needs=(TrueDiv,))
def sigmoid_forms_in_product(old, fgraph):
    """x / (1 + exp(u)) -> x * sigmoid(-u); by sigmoid divisors 1 - sigmoid(u) -> sigmoid(-u);
    exp(u) * sigmoid(-u) -> sigmoid(u). 1 + exp(u) overflows for u > 709, 1 - sigmoid(u) rounds
    to 0 for u > 37 and exp(u) * sigmoid(-u) is inf * 0 for u > 745; the sigmoids are exact."""
    product = _product_of(old, fgraph)
    if product is None:
        return None
    quotient = any(_sigmoid_input(f) is not None or _one_minus_sigmoid(f) is not None
                   or _one_plus_exp(f) is not None for f in product.den)
    result, dropped = Product(product.sign, shapes=product.shapes), []
    for factors, below in ((product.num, False), (product.den, True)):
        for factor in factors:
            u = _one_plus_exp(factor) if below else None
            if u is not None:
                result.num.append(sigmoid(negate(u)))
                dropped.append(factor)
                continue
            # A divisor 1 - sigmoid(u) that rounds to 0 is a 0 / 0; a factor 1 - sigmoid(u) is
            # what is left when a sigmoid divisor cancels (the gradient of log(sigmoid(u))) and
            # must then be exact. Other products (sigmoid's own gradient, a mean's) keep the
            # cheaper subtraction.
            u = _one_minus_sigmoid(factor) if quotient else None
            if u is not None:
                factor = sigmoid(negate(u))
            (result.den if below else result.num).append(factor)
    # exp(u) * sigmoid(-u) -> sigmoid(u): exp(u) is inf and sigmoid(-u) is 0 for u > 745, and
    # the product, 1, becomes NaN; the gradient of 1 / (1 + exp(-z)) holds exactly this.
    num, den = _join_exp_and_sigmoid(result.num), _join_exp_and_sigmoid(result.den)
    if num is None and den is None and not dropped and all(
            a is b for a, b in zip(result.num + result.den, product.num + product.den)):
        return None
    result.num = result.num if num is None else num
    result.den = result.den if den is None else den
    return build(result, old, dropped + product.num + product.den)


def _sigmoid_input(var):
    node = var.owner
    return node.inputs[0] if node is not None and isinstance(node.op, Sigmoid) else None


def _exp_input(var):
    node = var.owner
    return node.inputs[0] if node is not None and isinstance(node.op, Exp) else None


def _join_exp_and_sigmoid(factors):
    """Factors with one pair exp(u), sigmoid(-u) made sigmoid(u); None if there is no pair."""
    for i, factor in enumerate(factors):
        u = _exp_input(factor)
        if u is None:
            continue
        for j, other in enumerate(factors):
            w = _sigmoid_input(other)
            if w is not None and is_negation(u, w):
                joined = [f for k, f in enumerate(factors) if k not in (i, j)]
                # sigmoid(-w), not sigmoid(u): written from the sigmoid's side, it is the very
                # node 1 - sigmoid(w) becomes, so the two cancel (-a - b and -(a + b) would not).
                return joined + [sigmoid(negate(w))]
    return None


def _cancel(product):
    """`product` with every factor that divides itself removed, or None if none does."""
    if not product.den or not product.num:
        return None
    den_keys = [factor_key(f) for f in product.den]
    num, cancelled = [], [False] * len(product.den)
    for factor in product.num:
        key = factor_key(factor)
        match = next((k for k, dk in enumerate(den_keys) if dk == key and not cancelled[k]),
                     None)
        if match is None:
            num.append(factor)
        else:
            cancelled[match] = True
    if not any(cancelled):
        return None
    den = [f for f, gone in zip(product.den, cancelled) if not gone]
    return Product(product.sign, num, den, product.shapes)


@rewrite("cancel", PRODUCT, tags=STABLE, needs=(TrueDiv,))
def cancel_common_factors(old, fgraph):
    """x * p / p -> x: where p underflows to 0 (a probability, in a gradient) x * p / p is
    0 / 0 = NaN, but the gradient grad meant is x."""
    product = _product_of(old, fgraph)
    if product is None:
        return None
    cancelled = _cancel(product)
    if cancelled is None:
        return None
    return build(cancelled, old, product.num + product.den)


def _terms(var):
    """The signed terms of a sum `var` (a + b + c, or a - b), or None if it is not a sum."""
    node = var.owner
    if node is None or not var.dtype.startswith(("float", "complex")):
        return None
    if isinstance(node.op, Add):
        return [(1, term) for term in node.inputs]
    if isinstance(node.op, Sub):
        return [(1, node.inputs[0]), (-1, node.inputs[1])]
    return None


def _pairing_key(divisor):
    """The key of the factor `divisor` cancels against: itself, or exp(x) for the broadcast sum
    of exp(x) (the pair is a softmax)."""
    found = expanded_sum_of_exp(divisor)
    return factor_key(divisor) if found is None else factor_key(exp(found[0]))


@rewrite("stabilize", PRODUCT, tags=STABLE, needs=(TrueDiv,))
def distribute_to_cancel(old, fgraph):
    """(a / p + b / q) * p * q -> a * q + b * p, when some term's divisor is among the other
    factors: the gradient of a shared probability p is such a sum, and p * (a / p) is 0 * inf
    where p underflows. Only sums whose distribution lets a factor cancel (or make a softmax)
    are distributed. It runs in the stabilize phase, after the cross-entropy patterns of
    xent.py (which read these sums whole) had their turn at the node."""
    if read_by_parent_product(old, fgraph) or not has_sum_factor(old):
        return None
    product = collect(old)      # its divisors are inside the sums, not in the product
    for index, factor in enumerate(product.num):
        terms = _terms(factor)
        if terms is None or len(terms) < 2:
            continue
        if not any(has_divisor(term) for _, term in terms):
            continue        # the common case, decided before reading any term
        divisors = [d for _, term in terms for d in collect(term).den]
        rest = product.num[:index] + product.num[index + 1:]
        rest_keys = {factor_key(f) for f in rest}
        if not any(_pairing_key(d) in rest_keys for d in divisors):
            continue
        scaled = [(sign, mul(term, *rest)) for sign, term in terms]
        total = scaled[0][1] if scaled[0][0] > 0 else -scaled[0][1]
        for sign, term in scaled[1:]:
            total = add(total, term) if sign > 0 else sub(total, term)
        return build(Product(product.sign, [total], list(product.den), product.shapes), old,
                     product.num + product.den)
    return None
